// Hands queries for names outside the cluster zones to upstream servers (CoreDNS's forward
// plugin, reduced): the query's bytes go out unchanged over the client's transport, upstreams
// are tried in order, and the first answer with the query's id comes back unchanged.
import dgram from 'node:dgram';
import net from 'node:net';
import type { Transport } from './dns-message.js';

export interface Upstream {
  address: string;
  port: number;
}

/** Sends a query upstream; undefined when no upstream answered. */
export interface Forwarder {
  forward(query: Buffer, transport: Transport): Promise<Buffer | undefined>;
}

export interface UpstreamForwarderOptions {
  /** Per upstream and attempt; default 2 s (CoreDNS's forward read timeout). */
  timeoutMs?: number;
}

export class UpstreamForwarder implements Forwarder {
  private readonly timeoutMs: number;

  constructor(
    private readonly upstreams: readonly Upstream[],
    o: UpstreamForwarderOptions = {},
  ) {
    this.timeoutMs = o.timeoutMs ?? 2000;
  }

  async forward(query: Buffer, transport: Transport): Promise<Buffer | undefined> {
    if (query.length < 2) return undefined;
    for (const u of this.upstreams) {
      const answer = transport === 'tcp' ? await this.overTcp(u, query) : await this.overUdp(u, query);
      if (answer !== undefined) return answer;
    }
    return undefined;
  }

  private overUdp(u: Upstream, query: Buffer): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const socket = dgram.createSocket(net.isIPv6(u.address) ? 'udp6' : 'udp4');
      const id = query.readUInt16BE(0);
      const done = (answer: Buffer | undefined): void => {
        clearTimeout(timer);
        socket.removeAllListeners('message');
        try {
          socket.close();
        } catch {
          // Already closed after an error.
        }
        resolve(answer);
      };
      const timer = setTimeout(() => done(undefined), this.timeoutMs);
      socket.on('message', (msg) => {
        if (msg.length >= 12 && msg.readUInt16BE(0) === id) done(msg);
      });
      socket.on('error', () => done(undefined));
      socket.send(query, u.port, u.address, (err) => {
        if (err) done(undefined);
      });
    });
  }

  private overTcp(u: Upstream, query: Buffer): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      let buffered: Buffer = Buffer.alloc(0);
      let settled = false;
      const socket = net.connect({ host: u.address, port: u.port });
      const done = (answer: Buffer | undefined): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(answer);
      };
      const timer = setTimeout(() => done(undefined), this.timeoutMs);
      socket.on('connect', () => {
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(query.length);
        socket.write(Buffer.concat([prefix, query]));
      });
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (buffered.length < 2) return;
        const len = buffered.readUInt16BE(0);
        if (buffered.length >= 2 + len) done(buffered.subarray(2, 2 + len));
      });
      socket.on('error', () => done(undefined));
      socket.on('close', () => done(undefined));
    });
  }
}
