// Gives Services their ClusterIP and NodePorts (kube-apiserver does this in the Service
// registry) and returns them when the Service goes. A repair pass reconciles allocations with
// the Services that exist, so values leaked by failed creates come back and values lost from
// the store are claimed again after a restart.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { preserveAllocatedServiceValues } from '../defaults/index.js';
import { Errors } from '../../../lib/api/status-error.js';
import { FieldPath, fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import type { KeyAllocator } from '../registry/allocator.js';
import { AlreadyAllocatedError, RangeFullError, ipv4ToNumber, numberToIpv4 } from '../registry/allocator.js';
import type { AdmissionAttributes, MutatingPlugin } from './types.js';

export interface ServiceAllocationConfig {
  ips: KeyAllocator;
  ports: KeyAllocator;
  /** Text of the ranges for error messages: "10.96.0.0/16", "30000-32767". */
  ipRangeText: string;
  portRangeText: string;
}

function specOf(obj: KubeObject): Record<string, unknown> {
  if (!isRecord(obj.spec)) obj.spec = {};
  return obj.spec as Record<string, unknown>;
}

function portsOf(spec: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(spec.ports) ? spec.ports.filter(isRecord) : [];
}

function needsNodePorts(spec: Record<string, unknown>): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

export class ServiceAllocation implements MutatingPlugin {
  readonly name = 'ServiceAllocation';

  constructor(private readonly cfg: ServiceAllocationConfig) {}

  handles(a: AdmissionAttributes): boolean {
    return a.resource.group === '' && a.resource.kind === 'Service' && a.subresource === '' && (a.operation === 'CREATE' || a.operation === 'UPDATE');
  }

  async admit(a: AdmissionAttributes): Promise<void> {
    const obj = a.object;
    if (!obj) return;
    const owner = { namespace: a.namespace, name: obj.metadata.name ?? a.name };
    // An update that leaves the allocated values out keeps them, as Kubernetes does.
    if (a.operation === 'UPDATE' && a.oldObject) preserveAllocatedServiceValues(obj, a.oldObject);
    const spec = specOf(obj);
    const errs: FieldError[] = [];
    const oldSpec = a.oldObject && isRecord(a.oldObject.spec) ? a.oldObject.spec : undefined;

    // ClusterIP: only on create (it is immutable afterwards; validation says so).
    if (a.operation === 'CREATE' && spec.type !== 'ExternalName') {
      const requested = typeof spec.clusterIP === 'string' ? spec.clusterIP : Array.isArray(spec.clusterIPs) && typeof spec.clusterIPs[0] === 'string' ? spec.clusterIPs[0] : '';
      const path = FieldPath.root('spec', 'clusterIPs').index(0);
      if (requested === 'None') {
        spec.clusterIP = 'None';
        spec.clusterIPs = ['None'];
      } else if (requested !== '') {
        const n = ipv4ToNumber(requested);
        if (n === undefined) {
          errs.push(fieldErrors.invalid(path, requested, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
        } else if (!this.cfg.ips.contains(n)) {
          errs.push(fieldErrors.invalid(path, requested, `failed to allocate IP ${requested}: provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.cfg.ipRangeText}`));
        } else if (!a.dryRun) {
          try {
            await this.cfg.ips.allocate(n, owner);
          } catch (err) {
            if (!(err instanceof AlreadyAllocatedError)) throw err;
            errs.push(fieldErrors.invalid(path, requested, `failed to allocate IP ${requested}: provided IP is already allocated`));
          }
        }
        if (errs.length === 0) {
          spec.clusterIP = requested;
          spec.clusterIPs = [requested];
        }
      } else if (!a.dryRun) {
        try {
          const ip = numberToIpv4(await this.cfg.ips.allocateNext(owner));
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
        } catch (err) {
          if (!(err instanceof RangeFullError)) throw err;
          throw Errors.internal(`failed to allocate a serviceIP: range is full`);
        }
      }
    }

    // NodePorts.
    const oldPorts = oldSpec ? portsOf(oldSpec) : [];
    const ports = portsOf(spec);
    if (needsNodePorts(spec)) {
      for (const [i, port] of ports.entries()) {
        const path = FieldPath.root('spec', 'ports').index(i).child('nodePort');
        let nodePort = typeof port.nodePort === 'number' && port.nodePort !== 0 ? port.nodePort : undefined;
        if (nodePort === undefined && a.operation === 'UPDATE') {
          // An update that leaves nodePort out keeps the one the port had.
          const before = oldPorts.find((p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
          if (before && typeof before.nodePort === 'number' && before.nodePort !== 0) nodePort = before.nodePort;
        }
        if (nodePort !== undefined) {
          if (!this.cfg.ports.contains(nodePort)) {
            errs.push(fieldErrors.invalid(path, nodePort, `provided port is not in the valid range. The range of valid ports is ${this.cfg.portRangeText}`));
            continue;
          }
          if (!a.dryRun) {
            try {
              await this.cfg.ports.allocate(nodePort, owner);
            } catch (err) {
              if (!(err instanceof AlreadyAllocatedError)) throw err;
              errs.push(fieldErrors.invalid(path, nodePort, 'provided port is already allocated'));
              continue;
            }
          }
          port.nodePort = nodePort;
        } else if (!a.dryRun) {
          try {
            port.nodePort = await this.cfg.ports.allocateNext(owner);
          } catch (err) {
            if (!(err instanceof RangeFullError)) throw err;
            throw Errors.internal('failed to allocate a nodePort: range is full');
          }
        }
      }
    } else {
      for (const port of ports) delete port.nodePort;
    }
    if (errs.length > 0) throw Errors.invalid({ group: '', kind: 'Service' }, owner.name, errs);
    // Ports the update gave up are returned.
    if (a.operation === 'UPDATE' && !a.dryRun) {
      const kept = new Set(ports.map((p) => p.nodePort).filter((n): n is number => typeof n === 'number'));
      for (const p of oldPorts) if (typeof p.nodePort === 'number' && !kept.has(p.nodePort)) await this.cfg.ports.release(p.nodePort);
    }
  }

  /** Called once a Service is gone from the store. */
  async released(svc: KubeObject): Promise<void> {
    const spec = isRecord(svc.spec) ? svc.spec : {};
    const ip = typeof spec.clusterIP === 'string' ? ipv4ToNumber(spec.clusterIP) : undefined;
    if (ip !== undefined) await this.cfg.ips.release(ip);
    for (const p of portsOf(spec)) if (typeof p.nodePort === 'number') await this.cfg.ports.release(p.nodePort);
  }

  private leakedLastPass = new Set<string>();

  /**
   * Reconciles allocations with the Services that exist. A value held by no Service is freed
   * only when the previous pass saw it leaked too, so a create in flight keeps its value.
   */
  async repair(services: readonly KubeObject[]): Promise<{ claimed: number; freed: number }> {
    const wantIps = new Map<string, { namespace: string; name: string }>();
    const wantPorts = new Map<string, { namespace: string; name: string }>();
    for (const svc of services) {
      const owner = { namespace: svc.metadata.namespace ?? '', name: svc.metadata.name ?? '' };
      const spec = isRecord(svc.spec) ? svc.spec : {};
      if (typeof spec.clusterIP === 'string' && ipv4ToNumber(spec.clusterIP) !== undefined) wantIps.set(spec.clusterIP, owner);
      for (const p of portsOf(spec)) if (typeof p.nodePort === 'number') wantPorts.set(String(p.nodePort), owner);
    }
    let claimed = 0;
    let freed = 0;
    const leakedNow = new Set<string>();
    for (const [alloc, want, parse] of [
      [this.cfg.ips, wantIps, (v: string) => ipv4ToNumber(v)],
      [this.cfg.ports, wantPorts, (v: string) => (/^\d+$/.test(v) ? Number(v) : undefined)],
    ] as const) {
      const have = await alloc.allocated();
      const haveSet = new Set(have.map((h) => h.value));
      for (const h of have) {
        if (want.has(h.value)) continue;
        const id = `${alloc.prefix}${h.value}`;
        if (this.leakedLastPass.has(id)) {
          await alloc.releaseValue(h.value);
          freed++;
        } else {
          leakedNow.add(id);
        }
      }
      for (const [value, owner] of want) {
        if (haveSet.has(value)) continue;
        const n = parse(value);
        if (n === undefined || !alloc.contains(n)) continue;
        try {
          await alloc.allocate(n, owner);
          claimed++;
        } catch (err) {
          if (!(err instanceof AlreadyAllocatedError)) throw err;
        }
      }
    }
    this.leakedLastPass = leakedNow;
    return { claimed, freed };
  }
}
