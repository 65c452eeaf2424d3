// kube-proxy's nftables proxier in small: Service and EndpointSlice events mark Services dirty;
// syncNow() turns the dirty ones into element changes and applies them as one nft transaction
// (or, when asked or after a failed transaction, replaces the whole table atomically).
// No sockets or timers here: the runner and the conntrack cleaner are injected.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import type { Clock } from '../../../lib/controller/clock.js';
import { realClock } from '../../../lib/controller/clock.js';
import type { Logger } from '../../../lib/controller/informer.js';
import { objectKey } from '../../../lib/controller/resources.js';
import { affinityDeleteScript, parseAffinityEntries, staleAffinityEntries } from './affinity-gc.js';
import type { ConntrackCleaner, ConntrackFlush } from './conntrack.js';
import { conntrackFlushes } from './conntrack.js';
import type { NftRunner } from './nft-runner.js';
import type { ProxyMetrics } from './proxy-metrics.js';
import type { DynamicChains, PortChange, ProgrammedPort, RulesetConfig } from './ruleset.js';
import { DEFAULT_TABLE, MAPS, assignSlots, dynamicChainsOf, renderDelete, renderElementParts, renderFull, renderIncremental, renderSkeleton } from './ruleset.js';
import { LAST_CHANGE_TRIGGER_TIME, samePort, servicePorts, sliceServiceKey } from './service-port.js';

export interface ServiceProxyOptions {
  clusterCIDR: string;
  podBridge: string;
  runner: NftRunner;
  /** Table name (family ip); default meshkube-proxy. */
  table?: string;
  conntrack?: ConntrackCleaner;
  metrics?: ProxyMetrics;
  clock?: Clock;
  log?: Logger;
  /**
   * How many nft processes load the elements side by side when the table is new (default 3:
   * measured on 2 cores, 3 beat 2 and 4, as each process also waits on the kernel's commit).
   */
  loadParallelism?: number;
}

export interface SyncResult {
  full: boolean;
  /** The transaction applied ('' when nothing changed). */
  script: string;
}

export class ServiceProxy {
  readonly cfg: RulesetConfig;
  private readonly services = new Map<string, KubeObject>();
  /** Service key -> slice key -> slice. */
  private readonly slices = new Map<string, Map<string, KubeObject>>();
  /** What the kernel has: port id -> programmed port. */
  private programmed = new Map<string, ProgrammedPort>();
  private readonly portIdsByService = new Map<string, string[]>();
  private chains: DynamicChains = { ks: new Set(), affinityTimeouts: new Set() };
  private dirty = new Set<string>();
  /** Service key -> earliest change not yet programmed (ms since epoch). */
  private triggers = new Map<string, number>();
  private needFull = true;
  /** No sync has succeeded in this process yet: the table may be absent, and then loads in stages. */
  private firstLoad = true;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly o: ServiceProxyOptions) {
    this.cfg = { table: o.table ?? DEFAULT_TABLE, clusterCIDR: o.clusterCIDR, podBridge: o.podBridge };
    this.clock = o.clock ?? realClock;
    this.log = o.log ?? (() => undefined);
  }

  // -- informer handlers ---------------------------------------------------------------------

  onServiceUpsert(svc: KubeObject): void {
    const key = objectKey(svc);
    this.services.set(key, svc);
    this.markDirty(key, undefined);
  }

  onServiceDelete(svc: KubeObject): void {
    const key = objectKey(svc);
    this.services.delete(key);
    this.markDirty(key, undefined);
  }

  onSliceUpsert(slice: KubeObject, old?: KubeObject): void {
    if (old !== undefined) {
      const oldSvc = sliceServiceKey(old);
      if (oldSvc !== undefined && oldSvc !== sliceServiceKey(slice)) this.removeSlice(old, oldSvc);
    }
    const svc = sliceServiceKey(slice);
    if (svc === undefined) return;
    let m = this.slices.get(svc);
    if (m === undefined) this.slices.set(svc, (m = new Map()));
    m.set(objectKey(slice), slice);
    this.markDirty(svc, triggerTime(slice));
  }

  onSliceDelete(slice: KubeObject): void {
    const svc = sliceServiceKey(slice);
    if (svc !== undefined) this.removeSlice(slice, svc);
  }

  private removeSlice(slice: KubeObject, svc: string): void {
    const m = this.slices.get(svc);
    m?.delete(objectKey(slice));
    if (m?.size === 0) this.slices.delete(svc);
    this.markDirty(svc, undefined);
  }

  private markDirty(svcKey: string, trigger: number | undefined): void {
    this.dirty.add(svcKey);
    const t = trigger ?? this.clock.now();
    const prev = this.triggers.get(svcKey);
    if (prev === undefined || t < prev) this.triggers.set(svcKey, t);
  }

  // -- state ---------------------------------------------------------------------------------

  /** Whether a sync would change anything. */
  hasPending(): boolean {
    return this.needFull || this.dirty.size > 0;
  }

  /** The next sync replaces the whole table. */
  requestFull(): void {
    this.needFull = true;
  }

  /** The ports as programmed, for tests and diagnostics. */
  programmedPorts(): ProgrammedPort[] {
    return [...this.programmed.values()];
  }

  // -- sync ----------------------------------------------------------------------------------

  /** Applies what changed since the last sync; one at a time. */
  syncNow(opts: { full?: boolean } = {}): Promise<SyncResult> {
    const next = this.chain.then(() => this.syncOnce(opts.full === true));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private computeChanges(dirty: ReadonlySet<string>): PortChange[] {
    const changes: PortChange[] = [];
    for (const key of dirty) {
      const svc = this.services.get(key);
      const ports = svc === undefined ? [] : servicePorts(svc, [...(this.slices.get(key)?.values() ?? [])]);
      const seen = new Set<string>();
      for (const port of ports) {
        if (seen.has(port.id)) continue; // duplicate port names: the first wins, as validation would allow only one
        seen.add(port.id);
        const before = this.programmed.get(port.id);
        if (before !== undefined && samePort(before.port, port)) {
          // Same endpoints, maybe in another order: keep the programmed slots.
          continue;
        }
        const sameKey = before !== undefined && before.port.clusterIP === port.clusterIP && before.port.port === port.port && before.port.protocol === port.protocol;
        const slots = assignSlots(sameKey ? before.slots : undefined, port.endpoints);
        changes.push({ before, after: { port, slots } });
      }
      for (const id of this.portIdsByService.get(key) ?? []) {
        const before = this.programmed.get(id);
        if (!seen.has(id) && before !== undefined) changes.push({ before, after: undefined });
      }
    }
    return changes;
  }

  private async syncOnce(forceFull: boolean): Promise<SyncResult> {
    const start = this.clock.now();
    const t0 = performance.now();
    const dirty = this.dirty;
    const triggers = this.triggers;
    this.dirty = new Set();
    this.triggers = new Map();
    // Asked now, so nft answers while the changes are computed.
    const absent = this.firstLoad ? this.tableAbsent() : Promise.resolve(false);
    const changes = this.computeChanges(dirty);
    const next = new Map(this.programmed);
    for (const c of changes) {
      if (c.before !== undefined) next.delete(c.before.port.id);
      if (c.after !== undefined) next.set(c.after.port.id, c.after);
    }
    let full = forceFull || this.needFull;
    let script = '';
    try {
      if (!full) {
        script = renderIncremental(this.cfg, changes, this.chains);
        if (script !== '') {
          try {
            await this.o.runner.run(script);
          } catch (err) {
            this.log('partial nftables sync failed; doing a full sync', { error: err instanceof Error ? err.message : String(err) });
            full = true;
          }
        }
      }
      if (full) script = await this.applyFull(next, await absent);
    } catch (err) {
      // Nothing applied: keep the changes pending and do a full sync next time.
      for (const k of dirty) this.dirty.add(k);
      for (const [k, t] of triggers) if (!this.triggers.has(k) || (this.triggers.get(k) ?? t) > t) this.triggers.set(k, t);
      this.needFull = true;
      throw err;
    }
    this.firstLoad = false;
    this.commit(next, changes, full);
    const seconds = (performance.now() - t0) / 1000;
    const m = this.o.metrics;
    if (m !== undefined) {
      m.syncDuration.observe(seconds);
      (full ? m.syncFullDuration : m.syncPartialDuration).observe(seconds);
      m.lastSync.set(this.clock.now() / 1000);
      const done = this.clock.now();
      for (const [, t] of triggers) m.networkProgramming.observe(Math.max(0, done - t) / 1000);
    }
    await this.cleanConntrack(changes);
    await this.maybeCollectAffinity(changes);
    if (full) this.log('synced nftables rules', { full, ports: next.size, ms: this.clock.now() - start });
    return { full, script };
  }

  /**
   * Replaces the whole table in one transaction; or, for the first load when there is no table
   * (nothing to keep working meanwhile), in stages: the empty table, then its elements from
   * several nft processes side by side.
   */
  private async applyFull(next: Map<string, ProgrammedPort>, tableAbsent: boolean): Promise<string> {
    const runner = this.o.runner;
    if (this.firstLoad && runner.runConcurrently !== undefined && tableAbsent) {
      this.firstLoad = false; // a failure below retries as one atomic transaction
      const skeleton = renderSkeleton(this.cfg, next.values());
      const skeletonDone = runner.run(skeleton);
      // Let the skeleton reach nft before the elements are rendered, so the two overlap.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const elements = renderElementParts(this.cfg, next.values(), this.o.loadParallelism ?? 3);
      await skeletonDone;
      await runner.runConcurrently(elements);
      return [skeleton, ...elements].join('');
    }
    const script = renderFull(this.cfg, next.values());
    await runner.run(script);
    return script;
  }

  private async tableAbsent(): Promise<boolean> {
    if (this.o.runner.listJson === undefined) return false;
    try {
      // `list tables` names the tables without listing their (possibly many) elements.
      const out = await this.o.runner.listJson('list tables ip');
      const items = isRecord(out) && Array.isArray(out.nftables) ? out.nftables : [];
      return !items.some((i) => isRecord(i) && isRecord(i.table) && i.table.name === this.cfg.table);
    } catch {
      return false;
    }
  }

  private commit(next: Map<string, ProgrammedPort>, changes: readonly PortChange[], full: boolean): void {
    this.programmed = next;
    for (const c of changes) {
      const svc = (c.after ?? c.before)?.port.service;
      if (svc === undefined) continue;
      const ids = new Set(this.portIdsByService.get(svc) ?? []);
      if (c.before !== undefined) ids.delete(c.before.port.id);
      if (c.after !== undefined) ids.add(c.after.port.id);
      if (ids.size === 0) this.portIdsByService.delete(svc);
      else this.portIdsByService.set(svc, [...ids]);
    }
    if (full) {
      this.chains = dynamicChainsOf(next.values());
      this.needFull = false;
    } else {
      const add = dynamicChainsOf(changes.flatMap((c) => (c.after === undefined ? [] : [c.after])));
      for (const k of add.ks) this.chains.ks.add(k);
      for (const t of add.affinityTimeouts) this.chains.affinityTimeouts.add(t);
    }
  }

  private async cleanConntrack(changes: readonly PortChange[]): Promise<void> {
    if (this.o.conntrack === undefined) return;
    const flushes: ConntrackFlush[] = changes.flatMap((c) => conntrackFlushes(c.before, c.after));
    if (flushes.length === 0) return;
    try {
      await this.o.conntrack.flush(flushes);
    } catch (err) {
      this.log('conntrack cleanup failed', { error: String(err) });
    }
  }

  /** Deletes affinity entries that point to endpoints gone from affinity services. */
  private async maybeCollectAffinity(changes: readonly PortChange[]): Promise<void> {
    const touched = changes.some((c) => c.before?.port.affinityTimeoutSeconds !== undefined && c.before.slots.some((s) => !c.after?.slots.some((a) => a.ip === s.ip && a.port === s.port) || c.after.port.affinityTimeoutSeconds === undefined));
    if (!touched || this.o.runner.listJson === undefined) return;
    try {
      const entries = parseAffinityEntries(await this.o.runner.listJson(`list map ip ${this.cfg.table} ${MAPS.affinity}`));
      const script = affinityDeleteScript(this.cfg.table, MAPS.affinity, staleAffinityEntries(entries, this.programmed.values()));
      if (script !== '') await this.o.runner.run(script);
    } catch (err) {
      // An entry that timed out meanwhile fails the delete; the next change retries.
      this.log('affinity cleanup failed', { error: String(err) });
    }
  }

  /** Removes the table. */
  async deleteTable(): Promise<void> {
    await this.chain;
    await this.o.runner.run(renderDelete(this.cfg.table));
  }
}

function triggerTime(slice: KubeObject): number | undefined {
  const v = slice.metadata.annotations?.[LAST_CHANGE_TRIGGER_TIME];
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}
