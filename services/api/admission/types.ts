// Admission: small plugins that see every write after decoding and before storage, as in
// kube-apiserver. Mutating plugins change the object (defaults, allocations); validating
// plugins only accept or refuse it by throwing a StatusError. Sidecar injection will be one
// more mutating plugin.
import type { KubeObject } from '../../../lib/api/object.js';
import type { ResourceInfo } from '../registry/resources.js';

export interface RequestUser {
  name: string;
  groups: readonly string[];
  uid?: string;
}

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  resource: ResourceInfo;
  /** The version the request was made in. */
  version: string;
  subresource: string;
  namespace: string;
  name: string;
  /** The incoming object (mutable for mutating plugins); absent for DELETE. */
  object?: KubeObject;
  /** The stored object, for UPDATE and DELETE. */
  oldObject?: KubeObject;
  user: RequestUser;
  dryRun: boolean;
}

export interface MutatingPlugin {
  readonly name: string;
  handles(attrs: AdmissionAttributes): boolean;
  admit(attrs: AdmissionAttributes): void | Promise<void>;
}

export interface ValidatingPlugin {
  readonly name: string;
  handles(attrs: AdmissionAttributes): boolean;
  validate(attrs: AdmissionAttributes): void | Promise<void>;
}

/** Runs mutating plugins in order, then validating plugins in order. */
export class AdmissionChain {
  constructor(
    private readonly mutating: readonly MutatingPlugin[],
    private readonly validating: readonly ValidatingPlugin[],
  ) {}

  async admit(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.mutating) if (p.handles(attrs)) await p.admit(attrs);
  }

  async validate(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.validating) if (p.handles(attrs)) await p.validate(attrs);
  }
}
