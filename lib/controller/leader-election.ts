// client-go's leader election on a coordination.k8s.io/v1 Lease. A candidate takes the lease
// when its holder has not renewed it for leaseDuration (measured on the candidate's own clock
// from when it last saw the lease change, so clocks need not agree), the leader renews every
// retryPeriod and steps down if it cannot renew within renewDeadline, and a leader that
// stops releases the lease so a standby takes over at once.
import { setMaxListeners } from 'node:events';
import { isApiError } from '../api/kube-client/api-error.js';
import type { KubeObject } from '../api/object.js';
import { isRecord } from '../api/object.js';
import { formatMicroTime as microTime } from '../api/time.js';
import type { ControllerClient } from './client.js';
import type { Clock } from './clock.js';
import { realClock } from './clock.js';
import type { Logger } from './informer.js';
import { Resources } from './resources.js';
import { sleep } from './sleep.js';

export interface LeaderElectionConfig {
  client: ControllerClient;
  /** Lease name, e.g. "kube-scheduler" (--leader-elect-resource-name). */
  name: string;
  /** --leader-elect-resource-namespace; kube-system by default. */
  namespace?: string;
  /** This candidate, e.g. "<hostname>_<uuid>". */
  identity: string;
  /** --leader-elect-lease-duration, 15 s by default. */
  leaseDurationMs?: number;
  /** --leader-elect-renew-deadline, 10 s by default. */
  renewDeadlineMs?: number;
  /** --leader-elect-retry-period, 2 s by default. */
  retryPeriodMs?: number;
  clock?: Clock;
  log?: Logger;
}

export interface LeaderCallbacks {
  /** Called on becoming leader; `signal` aborts when leadership ends. */
  onStartedLeading(signal: AbortSignal): void;
  onStoppedLeading(): void;
  onNewLeader?(identity: string): void;
}


interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export class LeaderElector {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly namespace: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private leader = false;
  /** The last lease record seen, and when (our clock) it last changed. */
  private observed: { spec: string; at: number } | undefined;
  private observedHolder = '';

  constructor(private readonly c: LeaderElectionConfig) {
    this.clock = c.clock ?? realClock;
    this.log = c.log ?? (() => undefined);
    this.namespace = c.namespace ?? 'kube-system';
    this.leaseDurationMs = c.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = c.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = c.retryPeriodMs ?? 2_000;
  }

  isLeader(): boolean {
    return this.leader;
  }

  /** The holder last seen on the lease ('' if none). */
  get holder(): string {
    return this.observedHolder;
  }

  /** Campaigns, leads, and campaigns again after losing, until the signal aborts. */
  async run(signal: AbortSignal, cb: LeaderCallbacks): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.acquire(signal, cb))) break;
      const leading = new AbortController();
      // Every controller of the role listens on it.
      setMaxListeners(0, leading.signal);
      this.leader = true;
      this.log('became leader', { lease: `${this.namespace}/${this.c.name}`, identity: this.c.identity });
      cb.onStartedLeading(leading.signal);
      await this.renewLoop(signal);
      this.leader = false;
      leading.abort();
      cb.onStoppedLeading();
      if (signal.aborted) {
        await this.release();
        break;
      }
      this.log('lost leadership', { lease: `${this.namespace}/${this.c.name}` });
    }
  }

  private async acquire(signal: AbortSignal, cb: LeaderCallbacks): Promise<boolean> {
    while (!signal.aborted) {
      const before = this.observedHolder;
      if (await this.tryAcquireOrRenew()) return true;
      if (this.observedHolder !== before && this.observedHolder !== '') cb.onNewLeader?.(this.observedHolder);
      // client-go adds up to 20 % jitter so candidates do not collide.
      await sleep(this.clock, this.retryPeriodMs * (1 + Math.random() * 0.2), signal);
    }
    return false;
  }

  private async renewLoop(signal: AbortSignal): Promise<void> {
    let lastRenew = this.clock.now();
    while (!signal.aborted) {
      await sleep(this.clock, this.retryPeriodMs, signal);
      if (signal.aborted) return;
      if (await this.tryAcquireOrRenew()) {
        lastRenew = this.clock.now();
        continue;
      }
      if (this.observedHolder !== this.c.identity && this.observedHolder !== '') return; // someone else holds it
      if (this.clock.now() - lastRenew >= this.renewDeadlineMs) return;
    }
  }

  /** One attempt to take or renew the lease; false on any failure. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    let lease: KubeObject | undefined;
    try {
      lease = await this.c.client.get(Resources.leases, this.c.name, { namespace: this.namespace, signal: AbortSignal.timeout(this.renewDeadlineMs) });
    } catch (err) {
      if (!isApiError(err, 404)) {
        this.log('could not read the lease', { error: String(err) });
        return false;
      }
    }
    const durationSeconds = Math.max(1, Math.round(this.leaseDurationMs / 1000));
    if (!lease) {
      const spec: LeaseSpec = { holderIdentity: this.c.identity, leaseDurationSeconds: durationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 };
      try {
        await this.c.client.create(Resources.leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.c.name, namespace: this.namespace }, spec }, { namespace: this.namespace, signal: AbortSignal.timeout(this.renewDeadlineMs) });
      } catch (err) {
        this.log('could not create the lease', { error: String(err) });
        return false;
      }
      this.see(spec, now);
      return true;
    }
    const spec: LeaseSpec = isRecord(lease.spec) ? (lease.spec as LeaseSpec) : {};
    this.see(spec, now);
    const holder = spec.holderIdentity ?? '';
    const leaseMs = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    const expired = this.observed !== undefined && this.observed.at + leaseMs <= now;
    if (holder !== '' && holder !== this.c.identity && !expired) return false;
    const next: LeaseSpec = {
      holderIdentity: this.c.identity,
      leaseDurationSeconds: durationSeconds,
      acquireTime: holder === this.c.identity ? (spec.acquireTime ?? microTime(now)) : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: (spec.leaseTransitions ?? 0) + (holder === this.c.identity ? 0 : 1),
    };
    try {
      await this.c.client.update(Resources.leases, { ...lease, spec: next }, { namespace: this.namespace, signal: AbortSignal.timeout(this.renewDeadlineMs) });
    } catch (err) {
      this.log('could not update the lease', { error: String(err) });
      return false;
    }
    this.see(next, now);
    return true;
  }

  private see(spec: LeaseSpec, now: number): void {
    const text = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.acquireTime, spec.leaseTransitions]);
    if (this.observed?.spec !== text) this.observed = { spec: text, at: now };
    this.observedHolder = spec.holderIdentity ?? '';
  }

  /** Gives the lease up (holder cleared, duration 1 s) so a standby need not wait it out. */
  private async release(): Promise<void> {
    try {
      const lease = await this.c.client.get(Resources.leases, this.c.name, { namespace: this.namespace, signal: AbortSignal.timeout(2000) });
      const spec: LeaseSpec = isRecord(lease.spec) ? (lease.spec as LeaseSpec) : {};
      if (spec.holderIdentity !== this.c.identity) return;
      const now = this.clock.now();
      // client-go's release record: no holder, 1 s, acquire and renew time now.
      const released: LeaseSpec = { ...spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: microTime(now), renewTime: microTime(now) };
      await this.c.client.update(Resources.leases, { ...lease, spec: released }, { namespace: this.namespace, signal: AbortSignal.timeout(2000) });
      this.log('released the lease', { lease: `${this.namespace}/${this.c.name}` });
    } catch (err) {
      this.log('could not release the lease', { error: String(err) });
    }
  }
}
