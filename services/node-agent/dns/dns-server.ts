// The sockets of the DNS server: UDP (node:dgram) and TCP (node:net, RFC 1035 4.2.2 length
// prefixes, several queries per connection) on each bind address, handing every message to a
// DnsHandler. Port 0 binds UDP to a free port and TCP to the same one.
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from '../../../lib/controller/informer.js';
import type { DnsHandler, QueryContext } from './cluster-dns-handler.js';

export interface BindAddress {
  address: string;
  port: number;
}

export interface DnsServerOptions {
  bind: readonly BindAddress[];
  handler: DnsHandler;
  log?: Logger;
  /** A TCP connection with no complete query for this long is closed; default 10 s. */
  tcpIdleTimeoutMs?: number;
}

interface Listener {
  address: string;
  port: number;
  udp: dgram.Socket;
  tcp: net.Server;
}

/** Attempts at finding a port free for both UDP and TCP when asked for port 0. */
const FREE_PORT_ATTEMPTS = 20;
/** The most bytes one TCP connection may buffer towards a message (one full-size message). */
const MAX_TCP_BUFFER = 2 + 65_535;

function isAddressInUse(err: unknown): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
}

function bindUdp(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: net.isIPv6(address) ? 'udp6' : 'udp4' });
    const onError = (err: Error): void => {
      socket.close();
      reject(err);
    };
    socket.once('error', onError);
    socket.bind(port, address, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

function listenTcp(server: net.Server, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host: address, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export class DnsServer {
  private readonly listeners: Listener[] = [];
  private readonly connections = new Set<net.Socket>();
  private readonly log: Logger;
  private readonly tcpIdleTimeoutMs: number;
  private stopped = false;

  constructor(private readonly o: DnsServerOptions) {
    this.log = o.log ?? (() => undefined);
    this.tcpIdleTimeoutMs = o.tcpIdleTimeoutMs ?? 10_000;
  }

  /** The addresses listened on, with the ports actually bound. */
  get addresses(): BindAddress[] {
    return this.listeners.map((l) => ({ address: l.address, port: l.port }));
  }

  async start(): Promise<void> {
    try {
      for (const b of this.o.bind) this.listeners.push(await this.bindOne(b));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const c of this.connections) c.destroy();
    this.connections.clear();
    const closing = this.listeners.splice(0).flatMap((l) => [
      new Promise<void>((resolve) => l.udp.close(() => resolve())),
      new Promise<void>((resolve) => l.tcp.close(() => resolve())),
    ]);
    await Promise.all(closing);
  }

  private async bindOne(b: BindAddress): Promise<Listener> {
    for (let attempt = 0; ; attempt++) {
      const udp = await bindUdp(b.address, b.port);
      const port = udp.address().port;
      const tcp = net.createServer((socket) => this.onConnection(socket, b.address, port));
      try {
        await listenTcp(tcp, b.address, port);
      } catch (err) {
        udp.close();
        if (b.port === 0 && isAddressInUse(err) && attempt < FREE_PORT_ATTEMPTS) continue;
        throw err;
      }
      const server = `dns://${b.address}:${port}`;
      const family = net.isIPv6(b.address) ? 6 : 4;
      udp.on('message', (msg, rinfo) => void this.onDatagram(udp, msg, rinfo, { transport: 'udp', family, server }));
      udp.on('error', (err) => this.log('dns udp socket error', { server, error: String(err) }));
      tcp.on('error', (err) => this.log('dns tcp listener error', { server, error: String(err) }));
      return { address: b.address, port, udp, tcp };
    }
  }

  private async onDatagram(udp: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo, ctx: QueryContext): Promise<void> {
    try {
      const response = await this.o.handler.handle(msg, ctx);
      if (response === undefined || this.stopped) return;
      udp.send(response, rinfo.port, rinfo.address, (err) => {
        if (err && !this.stopped) this.log('dns udp send failed', { server: ctx.server, to: `${rinfo.address}:${rinfo.port}`, error: String(err) });
      });
    } catch (err) {
      if (!this.stopped) this.log('dns query failed', { server: ctx.server, error: String(err) });
    }
  }

  private onConnection(socket: net.Socket, address: string, port: number): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    this.connections.add(socket);
    const ctx: QueryContext = { transport: 'tcp', family: net.isIPv6(address) ? 6 : 4, server: `dns://${address}:${port}` };
    let buffered: Buffer = Buffer.alloc(0);
    socket.setTimeout(this.tcpIdleTimeoutMs, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      if (buffered.length > MAX_TCP_BUFFER) {
        socket.destroy();
        return;
      }
      while (buffered.length >= 2) {
        const len = buffered.readUInt16BE(0);
        if (buffered.length < 2 + len) break;
        const msg = buffered.subarray(2, 2 + len);
        buffered = buffered.subarray(2 + len);
        void this.onStreamMessage(socket, msg, ctx);
      }
    });
  }

  private async onStreamMessage(socket: net.Socket, msg: Buffer, ctx: QueryContext): Promise<void> {
    try {
      const response = await this.o.handler.handle(msg, ctx);
      if (response === undefined) {
        // A message that cannot be answered ends the stream, as miekg/dns does.
        socket.destroy();
        return;
      }
      if (socket.destroyed || !socket.writable) return;
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(response.length);
      socket.write(Buffer.concat([prefix, response]));
    } catch (err) {
      if (!this.stopped) this.log('dns query failed', { server: ctx.server, error: String(err) });
      socket.destroy();
    }
  }
}
