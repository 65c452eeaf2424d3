import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/api/object.js';
import { parseDockerEvent } from './startup-docker-events.js';
import { newPodRecord, observeDockerEvent, observePod, podMilestones, summarizeStartup } from './startup-timeline.js';

function pod(o: { node?: string; phase?: string; ready?: boolean; running?: boolean; startTime?: boolean }): KubeObject {
  const conditions: Record<string, unknown>[] = [];
  if (o.node !== undefined) conditions.push({ type: 'PodScheduled', status: 'True' });
  if (o.ready !== undefined) conditions.push({ type: 'Ready', status: o.ready ? 'True' : 'False' });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'startup-bench', uid: 'u1', creationTimestamp: '2026-11-23T00:00:00Z' },
    spec: { ...(o.node !== undefined ? { nodeName: o.node } : {}), containers: [{ name: 'sleep', image: 'mesh/base:latest' }] },
    status: {
      ...(o.phase !== undefined ? { phase: o.phase } : {}),
      conditions,
      ...(o.startTime === true ? { startTime: '2026-11-23T00:00:01Z' } : {}),
      ...(o.running !== undefined ? { containerStatuses: [{ name: 'sleep', state: o.running ? { running: { startedAt: 'x' } } : { waiting: { reason: 'ContainerCreating' } } }] } : {}),
    },
  };
}

describe('podMilestones', () => {
  it('follows a pod from pending to Ready', () => {
    expect(podMilestones(pod({ phase: 'Pending' }))).toEqual([]);
    expect(podMilestones(pod({ node: 'w1', phase: 'Pending' }))).toEqual(['bound', 'scheduled']);
    expect(podMilestones(pod({ node: 'w1', phase: 'Pending', startTime: true, running: false }))).toEqual(['bound', 'scheduled', 'statusReported']);
    expect(podMilestones(pod({ node: 'w1', phase: 'Running', startTime: true, running: true, ready: false }))).toEqual(['bound', 'scheduled', 'statusReported', 'started', 'running']);
    expect(podMilestones(pod({ node: 'w1', phase: 'Running', startTime: true, running: true, ready: true }))).toEqual(['bound', 'scheduled', 'statusReported', 'started', 'running', 'ready']);
  });

  it('does not take Ready=True outside phase Running for ready', () => {
    expect(podMilestones(pod({ node: 'w1', phase: 'Succeeded', ready: true }))).not.toContain('ready');
  });
});

describe('observePod and observeDockerEvent', () => {
  it('keeps the first time each milestone was seen', () => {
    const rec = newPodRecord('p', 1, 1000);
    observePod(rec, pod({ node: 'w2', phase: 'Pending' }), 1100);
    observePod(rec, pod({ node: 'w2', phase: 'Pending' }), 1200);
    observePod(rec, pod({ node: 'w2', phase: 'Running', startTime: true, running: true, ready: true }), 1900);
    expect(rec.seen).toEqual({ bound: 1100, scheduled: 1100, statusReported: 1900, started: 1900, running: 1900, ready: 1900 });
    expect(rec.node).toBe('w2');
    expect(rec.uid).toBe('u1');
    observeDockerEvent(rec, { uid: 'u1', kind: 'podsandbox', action: 'create', at: 1300 });
    observeDockerEvent(rec, { uid: 'u1', kind: 'podsandbox', action: 'start', at: 1400 });
    observeDockerEvent(rec, { uid: 'u1', kind: 'podsandbox', action: 'start', at: 1450 });
    observeDockerEvent(rec, { uid: 'u1', kind: 'container', action: 'die', at: 1460 });
    expect(rec.docker).toEqual({ sandboxCreate: 1300, sandboxStart: 1400 });
    expect(rec.dockerDies).toBe(1);
  });
});

describe('summarizeStartup', () => {
  it('computes latencies from the create request and consecutive phases that add up to create → Ready', () => {
    const recs = [0, 1, 2, 3].map((i) => {
      const r = newPodRecord(`startup-r1-${i}`, 1, 1000 + i);
      r.created = 1050 + i;
      r.node = i % 2 === 0 ? 'w1' : 'w2';
      r.seen = { bound: 1200, scheduled: 1200, started: 2000 + 100 * i, running: 2000 + 100 * i, ready: 2000 + 100 * i };
      r.docker = { sandboxCreate: 1300, sandboxStart: 1500, containerCreate: 1700, containerStart: 1800 };
      return r;
    });
    const s = summarizeStartup(recs, 2);
    expect(s.latencies.createToReady.count).toBe(4);
    expect(s.latencies.createToReady.p50Ms).toBe(1099); // pod 1: 2100 - 1001
    expect(s.latencies.createToReady.maxMs).toBe(1297);
    expect(s.latencies.createToScheduled.maxMs).toBe(200);
    expect(s.latencies.createRequest.p50Ms).toBe(50);
    expect(s.phases.sandboxCreate.p50Ms).toBe(200);
    const sumOfMeans = Object.values(s.phaseMeans).reduce((a, p) => a + p.meanMs, 0);
    expect(sumOfMeans).toBeCloseTo(s.latencies.createToReady.meanMs, 0);
    expect(s.perNode).toEqual({ w1: { pods: 2, createToReadyP99Ms: 1198, createToReadyMaxMs: 1198 }, w2: { pods: 2, createToReadyP99Ms: 1297, createToReadyMaxMs: 1297 } });
    expect(s.burst).toEqual({ firstCreateToLastReadyMs: 1300, createSendSpreadMs: 3, createAnswerSpreadMs: 3 });
    expect(s.slowest.map((t) => t.name)).toEqual(['startup-r1-3', 'startup-r1-2']);
    expect(s.slowest[0]?.at.ready).toBe(1300);
    expect(s.missing).toEqual({});
  });

  it('counts pods that never got Ready as missing, and leaves them out of the latencies', () => {
    const done = newPodRecord('a', 1, 0);
    done.seen = { scheduled: 10, ready: 100 };
    const stuck = newPodRecord('b', 1, 0);
    stuck.seen = { scheduled: 10 };
    const s = summarizeStartup([done, stuck]);
    expect(s.latencies.createToReady.count).toBe(1);
    expect(s.missing.ready).toBe(1);
    expect(Number.isNaN(s.burst.firstCreateToLastReadyMs)).toBe(true);
  });
});

describe('parseDockerEvent', () => {
  it('reads our pods events with nanosecond time and skips the rest', () => {
    const line = JSON.stringify({ Type: 'container', Action: 'start', Actor: { ID: 'c1', Attributes: { 'io.kubernetes.pod.uid': 'u1', 'io.kubernetes.docker.type': 'podsandbox' } }, time: 1700000000, timeNano: 1700000000123456000 });
    const ev = parseDockerEvent(line);
    expect(ev?.uid).toBe('u1');
    expect(ev?.kind).toBe('podsandbox');
    expect(ev?.action).toBe('start');
    expect(ev?.at).toBeCloseTo(1700000000123.4568, 2);
    expect(parseDockerEvent(JSON.stringify({ Type: 'container', Action: 'exec_start', Actor: { Attributes: { 'io.kubernetes.pod.uid': 'u1', 'io.kubernetes.docker.type': 'container' } } }))).toBeUndefined();
    expect(parseDockerEvent(JSON.stringify({ Type: 'container', Action: 'start', Actor: { Attributes: {} } }))).toBeUndefined();
    expect(parseDockerEvent('not json')).toBeUndefined();
  });
});
