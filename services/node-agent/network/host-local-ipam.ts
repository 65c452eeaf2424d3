// host-local IPAM on disk, in the CNI plugin's layout: a directory with one file per allocated IP
// (name = the IP, content = container id + "\r\n" + interface name) and `last_reserved_ip.0`
// holding the last address handed out, so allocation continues round-robin after a restart.
// Writes are atomic: a file is written under a temporary name and then hard-linked to the IP's
// name (link fails if it exists, so two allocators can never take one IP) or renamed into place.
// A Mutex serialises allocate/release within the process.
import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IpamExhaustedError } from './errors.js';
import type { IpRange } from './ip-allocator.js';
import { nextFreeIp, rangeContains, rangeOf } from './ip-allocator.js';
import type { Ipv4Cidr } from './ipv4.js';
import { formatCidr, formatIpv4, isIpv4, parseCidr, parseIpv4 } from './ipv4.js';
import { Mutex } from '../../../lib/keyed-mutex.js';

export const LAST_RESERVED_FILE = 'last_reserved_ip.0';
const LINE_BREAK = '\r\n';
const TEMP_PREFIX = '.tmp-';

export interface Allocation {
  ip: string;
  containerId: string;
  /** Empty when the file was written by an allocator that stored only the id. */
  ifName: string;
}

export interface AllocateResult {
  ip: string;
  /** The container already held this IP (a repeated ADD). */
  reused: boolean;
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}

export function parseAllocationFile(ip: string, content: string): Allocation {
  const [containerId = '', ifName = ''] = content.split(/\r?\n/);
  return { ip, containerId: containerId.trim(), ifName: ifName.trim() };
}

export function formatAllocationFile(containerId: string, ifName: string): string {
  return `${containerId}${LINE_BREAK}${ifName}`;
}

export class HostLocalIpam {
  readonly cidr: Ipv4Cidr;
  readonly range: IpRange;
  private readonly mutex = new Mutex();

  constructor(
    readonly dir: string,
    podCIDR: string,
  ) {
    this.cidr = parseCidr(podCIDR);
    this.range = rangeOf(this.cidr);
  }

  /** Every allocation in the directory (also ones outside the current CIDR), sorted by IP. */
  async list(): Promise<Allocation[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    const out: Allocation[] = [];
    for (const name of names.filter(isIpv4)) {
      try {
        out.push(parseAllocationFile(name, await readFile(join(this.dir, name), 'utf8')));
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err; // released meanwhile
      }
    }
    return out.sort((a, b) => parseIpv4(a.ip) - parseIpv4(b.ip));
  }

  /** The container's allocations (normally one). */
  async find(containerId: string): Promise<Allocation[]> {
    return (await this.list()).filter((a) => a.containerId === containerId);
  }

  /**
   * The container's IP: the one it already holds inside the current range (repeated ADD), else
   * the next free one after the last reserved. Allocations of the container outside the range
   * (the pod CIDR changed) are released.
   */
  allocate(containerId: string, ifName: string): Promise<AllocateResult> {
    return this.mutex.run(async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o755 });
      const all = await this.list();
      const mine = all.filter((a) => a.containerId === containerId);
      const kept = mine.find((a) => rangeContains(this.range, parseIpv4(a.ip)));
      for (const a of mine) if (a !== kept) await this.removeFile(a.ip);
      if (kept !== undefined) return { ip: kept.ip, reused: true };

      const used = new Set(all.map((a) => parseIpv4(a.ip)));
      const last = await this.readLastReserved();
      for (;;) {
        const next = nextFreeIp(this.range, used, last);
        if (next === undefined) throw new IpamExhaustedError(formatCidr(this.cidr));
        const ip = formatIpv4(next);
        if (await this.createExclusive(ip, formatAllocationFile(containerId, ifName))) {
          await this.writeAtomic(LAST_RESERVED_FILE, ip);
          return { ip, reused: false };
        }
        used.add(next); // taken by someone else since list()
      }
    });
  }

  /** Release every IP the container holds; returns them. Nothing held is not an error. */
  release(containerId: string): Promise<string[]> {
    return this.mutex.run(async () => {
      const released: string[] = [];
      for (const a of await this.list()) {
        if (a.containerId !== containerId) continue;
        await this.removeFile(a.ip);
        released.push(a.ip);
      }
      return released;
    });
  }

  /** Remove temporary files left by a crash between write and link/rename. */
  async removeTempFiles(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    await Promise.all(names.filter((n) => n.startsWith(TEMP_PREFIX)).map((n) => this.removeFile(n)));
  }

  private async readLastReserved(): Promise<number | undefined> {
    try {
      const text = (await readFile(join(this.dir, LAST_RESERVED_FILE), 'utf8')).trim();
      return isIpv4(text) ? parseIpv4(text) : undefined;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  private tempPath(): string {
    return join(this.dir, `${TEMP_PREFIX}${process.pid}-${randomUUID()}`);
  }

  /** Write `content` to `name` only if it does not exist yet; false if it does. */
  private async createExclusive(name: string, content: string): Promise<boolean> {
    const tmp = this.tempPath();
    await writeFile(tmp, content, { mode: 0o644 });
    try {
      await link(tmp, join(this.dir, name));
      return true;
    } catch (err) {
      if (isErrno(err, 'EEXIST')) return false;
      throw err;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  private async writeAtomic(name: string, content: string): Promise<void> {
    const tmp = this.tempPath();
    await writeFile(tmp, content, { mode: 0o644 });
    await rename(tmp, join(this.dir, name));
  }

  private async removeFile(name: string): Promise<void> {
    try {
      await unlink(join(this.dir, name));
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
}
