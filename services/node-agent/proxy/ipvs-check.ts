// --proxy-mode=ipvs: only the check kube-proxy makes before it would use IPVS. There is no IPVS
// proxier here: the machines this project runs on have no IP_VS in their kernel (no
// /proc/net/ip_vs, no ip_vs module), so asking for it fails the way kube-proxy does.
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { IpvsUnavailableError } from './errors.js';

export interface IpvsFacts {
  procNetIpVs: boolean;
  ipVsModuleLoaded: boolean;
  ipvsadmOnPath: boolean;
}

/** What stops IPVS mode, given the facts; empty when nothing does. */
export function ipvsProblems(f: IpvsFacts): string[] {
  const out: string[] = [];
  if (!f.procNetIpVs && !f.ipVsModuleLoaded) out.push('IPVS is not supported by this kernel (no /proc/net/ip_vs and no ip_vs module loaded)');
  if (!f.ipvsadmOnPath) out.push('ipvsadm not found in PATH');
  return out;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

export async function ipvsFacts(o: { procRoot?: string; pathEnv?: string } = {}): Promise<IpvsFacts> {
  const proc = o.procRoot ?? '/proc';
  let modules = '';
  try {
    modules = await readFile(path.join(proc, 'modules'), 'utf8');
  } catch {
    // no /proc/modules (e.g. a kernel without module support): only /proc/net/ip_vs tells
  }
  const dirs = (o.pathEnv ?? process.env.PATH ?? '').split(':').filter((d) => d !== '');
  let ipvsadm = false;
  for (const d of dirs) if (await exists(path.join(d, 'ipvsadm'))) ipvsadm = true;
  return { procNetIpVs: await exists(path.join(proc, 'net', 'ip_vs')), ipVsModuleLoaded: /^ip_vs\s/m.test(modules), ipvsadmOnPath: ipvsadm };
}

/** Throws kube-proxy's "can't use the IPVS proxier: ..." unless the kernel and tools allow IPVS. */
export async function checkIpvsSupport(o: { procRoot?: string; pathEnv?: string } = {}): Promise<void> {
  const problems = ipvsProblems(await ipvsFacts(o));
  if (problems.length > 0) throw new IpvsUnavailableError(`can't use the IPVS proxier: ${problems.join('; ')}`);
}
