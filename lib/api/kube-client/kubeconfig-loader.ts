// Finding and reading kubeconfig files with kubectl's precedence: --kubeconfig alone, else every
// file in $KUBECONFIG (missing ones skipped), else ~/.kube/config.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kubeconfig } from './kubeconfig.js';
import { KubeconfigError, emptyKubeconfig, mergeKubeconfigs, parseKubeconfig } from './kubeconfig.js';

export interface KubeconfigSource {
  /** --kubeconfig: this file only, and it must exist. */
  explicitPath?: string;
  /** The value of $KUBECONFIG. */
  envValue?: string;
  homeDir?: string;
  cwd?: string;
}

/** The files to read, in precedence order, and whether a missing one is an error. */
export function kubeconfigPaths(src: KubeconfigSource): { paths: string[]; mustExist: boolean } {
  const abs = (p: string): string => path.resolve(src.cwd ?? process.cwd(), p);
  if (src.explicitPath !== undefined && src.explicitPath !== '') return { paths: [abs(src.explicitPath)], mustExist: true };
  if (src.envValue !== undefined && src.envValue !== '') {
    const seen = new Set<string>();
    const paths: string[] = [];
    for (const p of src.envValue.split(path.delimiter)) {
      if (p === '') continue;
      const a = abs(p);
      if (!seen.has(a)) paths.push(a);
      seen.add(a);
    }
    return { paths, mustExist: false };
  }
  if (src.homeDir === undefined || src.homeDir === '') return { paths: [], mustExist: false };
  return { paths: [path.join(src.homeDir, '.kube', 'config')], mustExist: false };
}

function isMissing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

/** Reads and merges the kubeconfig files `src` designates. Throws KubeconfigError. */
export async function loadKubeconfig(src: KubeconfigSource): Promise<Kubeconfig> {
  const { paths, mustExist } = kubeconfigPaths(src);
  const configs: Kubeconfig[] = [];
  for (const p of paths) {
    let text: string;
    try {
      text = await readFile(p, 'utf8');
    } catch (err) {
      if (isMissing(err) && !mustExist) continue;
      if (isMissing(err)) throw new KubeconfigError(`stat ${p}: no such file or directory`);
      throw new KubeconfigError(`error loading config file "${p}": ${err instanceof Error ? err.message : String(err)}`);
    }
    configs.push(parseKubeconfig(text, p));
  }
  return configs.length === 0 ? emptyKubeconfig() : mergeKubeconfigs(configs);
}
