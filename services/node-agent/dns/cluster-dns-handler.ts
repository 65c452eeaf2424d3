// One DNS exchange from bytes in to bytes out, for either transport: accept or reject the
// query, answer it from the cluster resolver or forward it upstream, fit the response to the
// client, and count it. Owns no sockets; the server adapter calls handle() per message.
import { randomInt } from 'node:crypto';
import type { ClusterDnsResolver, ResolveResult } from './cluster-dns-resolver.js';
import type { DnsQuery, Transport } from './dns-message.js';
import { decodeAnswers, encodeQuery, encodeResponse, parseQuery, responseRcode } from './dns-message.js';
import type { DnsMetrics } from './dns-metrics.js';
import type { Forwarder } from './upstream-forwarder.js';

export interface QueryContext {
  transport: Transport;
  family: 4 | 6;
  /** "dns://<address>:<port>" of the listener that received the query. */
  server: string;
}

/** What a DNS server adapter calls for every message; undefined means send nothing. */
export interface DnsHandler {
  handle(message: Buffer, ctx: QueryContext): Promise<Buffer | undefined>;
}

export interface ClusterDnsHandlerOptions {
  /** Where names outside the cluster zones go; none means SERVFAIL for them. */
  forwarder?: Forwarder;
  metrics?: DnsMetrics;
  /** A monotonic clock in seconds, for the duration histogram. */
  monotonicSeconds?: () => number;
}

const defaultMonotonicSeconds = (): number => performance.now() / 1000;

export class ClusterDnsHandler implements DnsHandler {
  private readonly monotonicSeconds: () => number;

  constructor(
    private readonly resolver: ClusterDnsResolver,
    private readonly o: ClusterDnsHandlerOptions = {},
  ) {
    this.monotonicSeconds = o.monotonicSeconds ?? defaultMonotonicSeconds;
  }

  async handle(message: Buffer, ctx: QueryContext): Promise<Buffer | undefined> {
    const start = this.monotonicSeconds();
    const parsed = parseQuery(message);
    if (parsed.kind === 'drop') return undefined;
    if (parsed.kind === 'reject') {
      this.observe(ctx, parsed.qtype ?? '', parsed.rcode, '', start);
      return parsed.response;
    }
    const query = parsed.query;
    const result = this.resolver.resolve(query.question);
    if (result.outOfZone && this.o.forwarder) {
      const answer = await this.o.forwarder.forward(message, ctx.transport);
      if (answer !== undefined) {
        this.observe(ctx, query.question.type, responseRcode(answer) ?? 'SERVFAIL', 'forward', start);
        return answer;
      }
      // CoreDNS's forward answers SERVFAIL when no upstream does.
      return this.respond(query, { ...result, rcode: 'SERVFAIL' }, ctx, 'forward', start);
    }
    if (result.externalTarget !== undefined && this.o.forwarder && (query.question.type === 'A' || query.question.type === 'AAAA')) {
      await this.completeExternal(result, result.externalTarget, query, ctx.transport);
    }
    return this.respond(query, result, ctx, result.outOfZone ? '' : 'kubernetes', start);
  }

  /** Appends the upstream's answers for an ExternalName's target, as CoreDNS's upstream lookup does. */
  private async completeExternal(result: ResolveResult, target: string, query: DnsQuery, transport: Transport): Promise<void> {
    const forwarder = this.o.forwarder;
    if (!forwarder) return;
    const answer = await forwarder.forward(encodeQuery(randomInt(0, 0x10000), target, query.question.type), transport);
    const decoded = answer === undefined ? undefined : decodeAnswers(answer);
    if (decoded?.rcode === 'NOERROR') result.answers.push(...decoded.answers.filter((a) => a.type !== 'OPT'));
  }

  private respond(query: DnsQuery, result: ResolveResult, ctx: QueryContext, plugin: string, start: number): Buffer {
    const response = encodeResponse(query, result, { authoritative: !result.outOfZone, transport: ctx.transport });
    this.observe(ctx, query.question.type, result.rcode, plugin, start);
    return response;
  }

  private observe(ctx: QueryContext, qtype: string, rcode: string, plugin: string, start: number): void {
    this.o.metrics?.observe({
      server: ctx.server,
      proto: ctx.transport,
      family: ctx.family,
      qtype,
      rcode,
      plugin,
      durationSeconds: Math.max(0, this.monotonicSeconds() - start),
    });
  }
}
