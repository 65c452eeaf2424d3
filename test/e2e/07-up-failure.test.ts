// End-to-end 7: when a component cannot start, `meshctl cluster up` fails and says which
// component on which host failed, how often it was restarted, and where its log is.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { meshctlBin } from '../support/local-cluster.js';
import { startTestDockerd } from '../support/dockerd.js';

describe('e2e: cluster up names the component that does not come up', () => {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'meshkube-e2e-'));
  const name = process.env.MESHKUBE_E2E_NAME ?? 'e2e';
  const subnet = process.env.MESHKUBE_E2E_SUBNET ?? '10.10.0.0/24';

  afterAll(async () => {
    await execa(meshctlBin, ['cluster', 'down', '--name', name, '--state-dir', stateDir], { reject: false, timeout: 120_000 });
    rmSync(stateDir, { recursive: true, force: true });
  }, 120_000);

  it('fails with the API servers, their restarts and their logs when they cannot start', async () => {
    const dockerd = await startTestDockerd();
    const r = await execa(meshctlBin, ['cluster', 'up', '--name', name, '--state-dir', stateDir, '--workers', '1', '--subnet', subnet, '--docker-host', `unix://${dockerd.socketPath}`, '--timeout', '25s', '--api-arg=--no-such-flag'], { reject: false, timeout: 180_000 });
    expect(r.exitCode).toBe(1);
    const err = String(r.stderr);
    expect(err).toContain(`cluster "${name}" did not become healthy in time:`);
    for (const h of ['cp1', 'cp2', 'cp3']) {
      expect(err).toMatch(new RegExp(`- api on ${h}: (backoff|running), [1-9]\\d* restarts; log ${stateDir}/${name}/hosts/${h}/logs/api.log`));
    }
    expect(err).toContain('no-such-flag');
    // The node agent waits for an API server (retrying registration, as the kubelet does) instead of crashing.
    expect(err).toMatch(/- node-agent on w1: running, 0 restarts/);
    expect(err).toContain('Unable to register node with API server');
    // The store came up: it is not blamed.
    expect(err).not.toMatch(/- store on/);
  }, 200_000);
});
