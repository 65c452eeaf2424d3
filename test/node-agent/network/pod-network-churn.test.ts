/**
 * 1,000 setUp/tearDown cycles against real iproute2 must leave nothing behind: no allocation
 * files, no host veths, the same number of links in the node namespace as before. The time it
 * takes is logged (not asserted; timing goals live in bench/).
 */
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecaIpRunner, LAST_RESERVED_FILE, PodNetwork, isHostVethName } from '../../../services/node-agent/network/index.js';
import { requireRoot } from '../../support/netns/index.js';
import { createNetns, deleteNetns, linkNames, links, netnsPath, removeDir } from './netns-tools.js';

const HOST = 'cn-churn';
const PODS = ['cn-cp1', 'cn-cp2', 'cn-cp3', 'cn-cp4'];
const STATE_DIR = '/tmp/cn-churn-test/networks/cbr0';
const CYCLES = 1_000;

async function cleanup(): Promise<void> {
  await Promise.all([HOST, ...PODS].map(deleteNetns));
  await removeDir('/tmp/cn-churn-test');
}

beforeAll(async () => {
  await requireRoot();
  await cleanup();
  await createNetns(HOST);
  for (const p of PODS) await createNetns(p);
});

afterAll(cleanup);

describe('PodNetwork churn', () => {
  it(`leaks nothing over ${CYCLES} create/delete cycles`, { timeout: 600_000 }, async () => {
    const net = new PodNetwork({ podCIDR: '10.244.1.0/24', runner: new ExecaIpRunner({ hostNetnsPath: netnsPath(HOST) }), stateDir: STATE_DIR });
    await net.ensureBridge();
    const linksBefore = (await links(HOST)).length;
    const seen = new Set<string>();

    // Four "pods" churn side by side, as a node starting and stopping pods would.
    const started = Date.now();
    await Promise.all(
      PODS.map(async (pod, lane) => {
        for (let i = lane; i < CYCLES; i += PODS.length) {
          const id = `churn-${i}`;
          const r = await net.setUp(id, netnsPath(pod));
          seen.add(r.ip);
          await net.tearDown(id, netnsPath(pod));
        }
      }),
    );
    const elapsedMs = Date.now() - started;
    process.stdout.write(`pod-network churn: ${CYCLES} setUp/tearDown cycles in ${(elapsedMs / 1000).toFixed(1)} s\n`);

    expect((await readdir(STATE_DIR)).filter((n) => n !== LAST_RESERVED_FILE)).toEqual([]);
    expect((await linkNames(HOST)).filter(isHostVethName)).toEqual([]);
    expect((await links(HOST)).length).toBe(linksBefore);
    for (const p of PODS) expect(await linkNames(p)).toEqual(['lo']);
    // Round-robin allocation walked the whole range rather than reusing .2 every time.
    expect(seen.size).toBe(253);
  });
});
