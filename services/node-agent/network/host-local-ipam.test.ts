import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IpamExhaustedError } from './errors.js';
import { HostLocalIpam, LAST_RESERVED_FILE } from './host-local-ipam.js';

let dir: string;

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'cn-ipam-')), 'cbr0');
});

afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

describe('HostLocalIpam', () => {
  it('writes one file per IP in host-local format and a last-reserved file', async () => {
    const ipam = new HostLocalIpam(dir, '10.244.1.0/24');
    expect(await ipam.allocate('c1', 'eth0')).toEqual({ ip: '10.244.1.2', reused: false });
    expect(await readFile(join(dir, '10.244.1.2'), 'utf8')).toBe('c1\r\neth0');
    expect(await readFile(join(dir, LAST_RESERVED_FILE), 'utf8')).toBe('10.244.1.2');
    expect((await readdir(dir)).sort()).toEqual(['10.244.1.2', LAST_RESERVED_FILE]);
  });

  it('returns the held IP on a repeated allocate', async () => {
    const ipam = new HostLocalIpam(dir, '10.244.1.0/24');
    await ipam.allocate('c1', 'eth0');
    expect(await ipam.allocate('c1', 'eth0')).toEqual({ ip: '10.244.1.2', reused: true });
    expect((await ipam.list()).length).toBe(1);
  });

  it('does not reuse a released IP at once, and survives a restart', async () => {
    const a = new HostLocalIpam(dir, '10.244.1.0/24');
    await a.allocate('c1', 'eth0');
    expect(await a.release('c1')).toEqual(['10.244.1.2']);
    expect(await a.release('c1')).toEqual([]);
    const b = new HostLocalIpam(dir, '10.244.1.0/24');
    expect((await b.allocate('c2', 'eth0')).ip).toBe('10.244.1.3');
    expect(await b.find('c2')).toEqual([{ ip: '10.244.1.3', containerId: 'c2', ifName: 'eth0' }]);
  });

  it('hands out distinct IPs to concurrent allocations, also from two instances on one directory', async () => {
    const a = new HostLocalIpam(dir, '10.244.1.0/24');
    const b = new HostLocalIpam(dir, '10.244.1.0/24');
    const ids = Array.from({ length: 40 }, (_, i) => `c${i}`);
    const got = await Promise.all(ids.map((id, i) => (i % 2 === 0 ? a : b).allocate(id, 'eth0')));
    const ips = got.map((g) => g.ip);
    expect(new Set(ips).size).toBe(40);
    const owners = new Map((await a.list()).map((x) => [x.ip, x.containerId]));
    ids.forEach((id, i) => expect(owners.get(ips[i] ?? '')).toBe(id));
  });

  it('reports exhaustion with host-local’s message', async () => {
    const ipam = new HostLocalIpam(dir, '10.244.1.0/29');
    const got: string[] = [];
    for (let i = 0; i < 5; i++) got.push((await ipam.allocate(`c${i}`, 'eth0')).ip);
    expect(got).toEqual(['10.244.1.2', '10.244.1.3', '10.244.1.4', '10.244.1.5', '10.244.1.6']);
    await expect(ipam.allocate('c9', 'eth0')).rejects.toThrow(IpamExhaustedError);
    await expect(ipam.allocate('c9', 'eth0')).rejects.toThrow('no IP addresses available in range set: 10.244.1.0/29');
  });

  it('moves a container to the new range when the pod CIDR changed', async () => {
    await new HostLocalIpam(dir, '10.244.7.0/24').allocate('c1', 'eth0');
    const ipam = new HostLocalIpam(dir, '10.244.1.0/24');
    expect(await ipam.allocate('c1', 'eth0')).toEqual({ ip: '10.244.1.2', reused: false });
    expect((await ipam.list()).map((a) => a.ip)).toEqual(['10.244.1.2']);
  });

  it('reads files of allocators that stored only the id, and skips foreign and temporary files', async () => {
    const ipam = new HostLocalIpam(dir, '10.244.1.0/24');
    await ipam.allocate('c1', 'eth0');
    await writeFile(join(dir, '10.244.1.9'), 'old-container\n');
    await writeFile(join(dir, 'lock'), '');
    await writeFile(join(dir, '.tmp-1-x'), 'c3\r\neth0');
    expect(await ipam.list()).toEqual([
      { ip: '10.244.1.2', containerId: 'c1', ifName: 'eth0' },
      { ip: '10.244.1.9', containerId: 'old-container', ifName: '' },
    ]);
    await ipam.removeTempFiles();
    expect((await readdir(dir)).sort()).toEqual(['10.244.1.2', '10.244.1.9', LAST_RESERVED_FILE, 'lock']);
  });
});
