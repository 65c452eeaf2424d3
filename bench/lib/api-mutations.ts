// The mutation mix: create, update (PUT with the resourceVersion last seen), merge patch and
// delete, in a fixed cycle over the kinds, on objects of one namespace. Every object is used
// by one request at a time (checked out of an idle pool), so a conflict (409) is a server
// error and not the bench racing itself.
import type { ApiClient } from './api-client.js';
import { MERGE_PATCH, errorText, statusText } from './api-client.js';
import type { BenchKind } from './api-objects.js';
import { bodyFor, kindPath, mergePatchFor, updatedBody } from './api-objects.js';

export const MUTATION_OPS = ['create', 'update', 'patch', 'delete'] as const;
export type MutationOp = (typeof MUTATION_OPS)[number];

/** The outcome of one request, as the load drivers count it. */
export interface OpOutcome {
  /** What was done, e.g. "create ConfigMap" or "list all". */
  label: string;
  /** undefined when the request succeeded; otherwise a short description for counting. */
  error?: string;
}

interface LiveObject {
  name: string;
  /** The object as the server last returned it (its resourceVersion included). */
  obj: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class MutationMix {
  private readonly idle = new Map<BenchKind, LiveObject[]>();
  private seq = 0;
  private created = 0;

  constructor(
    private readonly client: ApiClient,
    readonly namespace: string,
    private readonly kinds: readonly BenchKind[],
    /** Object names are `${prefix}-${n}`, unique for the life of the mix. */
    private readonly prefix: string,
  ) {
    for (const k of kinds) this.idle.set(k, []);
  }

  /** Live objects not in use right now, per kind. */
  idleCount(kind: BenchKind): number {
    return this.idle.get(kind)?.length ?? 0;
  }

  /** Creates `perKind` objects of every kind (not measured), `parallel` at a time. */
  async seed(perKind: number, parallel = 8): Promise<void> {
    const todo: BenchKind[] = [];
    for (let i = 0; i < perKind; i++) todo.push(...this.kinds);
    let next = 0;
    const failures: string[] = [];
    const worker = async (): Promise<void> => {
      while (next < todo.length) {
        const kind = todo[next++] as BenchKind;
        const r = await this.create(kind);
        if (r.error !== undefined) failures.push(r.error);
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    if (failures.length > 0) throw new Error(`seeding ${this.namespace}: ${failures.length} creates failed, e.g. ${failures[0] ?? ''}`);
  }

  /** The next mutation of the cycle. Never rejects: failures come back as `error`. */
  async next(): Promise<OpOutcome> {
    const n = this.seq++;
    const op = MUTATION_OPS[n % MUTATION_OPS.length] as MutationOp;
    const kind = this.kinds[Math.floor(n / MUTATION_OPS.length) % this.kinds.length] as BenchKind;
    if (op === 'create') return this.create(kind);
    const live = this.checkout(kind);
    // Every object of this kind is busy (only at high concurrency): create one instead.
    if (!live) return this.create(kind);
    if (op === 'update') return this.update(kind, live, n);
    if (op === 'patch') return this.patch(kind, live, n);
    return this.remove(kind, live);
  }

  private checkout(kind: BenchKind): LiveObject | undefined {
    const pool = this.idle.get(kind);
    if (!pool || pool.length === 0) return undefined;
    const i = Math.floor(Math.random() * pool.length);
    const last = pool.pop() as LiveObject;
    if (i === pool.length) return last;
    const picked = pool[i] as LiveObject;
    pool[i] = last;
    return picked;
  }

  private checkin(kind: BenchKind, live: LiveObject): void {
    this.idle.get(kind)?.push(live);
  }

  /** Sends one request; the parsed object on `want`, an error text otherwise. */
  private async send(method: string, path: string, want: number[], body: unknown, contentType?: string): Promise<{ obj?: Record<string, unknown>; error?: string }> {
    try {
      const r = await this.client.request(method, path, body, contentType);
      if (!want.includes(r.status)) return { error: `${method}: ${statusText(r)}` };
      const parsed = JSON.parse(r.body.toString('utf8')) as unknown;
      if (!isRecord(parsed)) return { error: `${method}: the response is not an object` };
      return { obj: parsed };
    } catch (err) {
      return { error: `${method}: ${errorText(err)}` };
    }
  }

  private async create(kind: BenchKind): Promise<OpOutcome> {
    const name = `${this.prefix}-${this.created++}`;
    const r = await this.send('POST', kindPath(kind, this.namespace), [201], bodyFor(kind, this.namespace, name));
    if (r.obj) this.checkin(kind, { name, obj: r.obj });
    return { label: `create ${kind}`, ...(r.error !== undefined ? { error: r.error } : {}) };
  }

  private async update(kind: BenchKind, live: LiveObject, seq: number): Promise<OpOutcome> {
    const r = await this.send('PUT', kindPath(kind, this.namespace, live.name), [200], updatedBody(kind, live.obj, seq));
    // After a failed update the object's state is unknown: leave it out of the pool.
    if (r.obj) this.checkin(kind, { name: live.name, obj: r.obj });
    return { label: `update ${kind}`, ...(r.error !== undefined ? { error: r.error } : {}) };
  }

  private async patch(kind: BenchKind, live: LiveObject, seq: number): Promise<OpOutcome> {
    const r = await this.send('PATCH', kindPath(kind, this.namespace, live.name), [200], mergePatchFor(kind, seq), MERGE_PATCH);
    if (r.obj) this.checkin(kind, { name: live.name, obj: r.obj });
    return { label: `patch ${kind}`, ...(r.error !== undefined ? { error: r.error } : {}) };
  }

  private async remove(kind: BenchKind, live: LiveObject): Promise<OpOutcome> {
    // Kubernetes answers 200 with the object or a Status; 202 would mean "not deleted yet"
    // (finalizers, grace period), which these objects never have.
    const r = await this.send('DELETE', kindPath(kind, this.namespace, live.name), [200], undefined);
    return { label: `delete ${kind}`, ...(r.error !== undefined ? { error: r.error } : {}) };
  }
}
