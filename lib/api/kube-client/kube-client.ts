// A typed client for the API server: CRUD, patch of every content type, watch as an async
// iterable, tables, pod logs; discovery for resolving resource names and kinds.
import type { IncomingMessage } from 'node:http';
import type { KubeList, KubeObject, Status, WatchEvent } from '../object.js';
import { isRecord } from '../object.js';
import type { ApiResource } from './api-resource.js';
import { resourcePath } from './api-resource.js';
import { apiErrorFromResponse, isStatus } from './api-error.js';
import { Discovery } from './discovery.js';
import type { KubeconfigSource } from './kubeconfig-loader.js';
import { loadKubeconfig } from './kubeconfig-loader.js';
import type { ConfigOverrides, RestConfig } from './rest-config.js';
import { restConfigFrom, selectContext } from './rest-config.js';
import type { Table } from './table.js';
import { TABLE_ACCEPT, isTable } from './table.js';
import type { HttpRequest, QueryValue } from './transport.js';
import { HttpTransport } from './transport.js';
import { decodeWatchEvents } from './watch-stream.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** undefined: the client's default namespace; '' (lists and watches): every namespace. */
export interface NamespaceOption {
  namespace?: string;
  signal?: AbortSignal;
}

export interface GetOptions extends NamespaceOption {
  subresource?: string;
}

export interface ListOptions extends NamespaceOption {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface WatchOptions extends ListOptions {
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export interface WriteOptions extends NamespaceOption {
  subresource?: string;
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** Apply patches only. */
  force?: boolean;
}

export interface DeleteOptions extends NamespaceOption {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface LogOptions {
  container?: string;
  follow?: boolean;
  tailLines?: number;
  previous?: boolean;
  timestamps?: boolean;
  sinceSeconds?: number;
  signal?: AbortSignal;
}

export interface ClientOptions {
  userAgent?: string;
  /** Per-request time limit (kubectl's --request-timeout); watches ask the server to end by then. */
  timeoutMs?: number;
  /** Called with each Warning header's text (kubectl prints "Warning: <text>"). */
  onWarning?: (text: string) => void;
}

export interface FromKubeconfigOptions extends KubeconfigSource, ClientOptions {
  overrides?: ConfigOverrides;
}

/** The texts of `Warning: 299 - "text"` headers. */
export function warningTexts(header: string | string[] | undefined): string[] {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const out: string[] = [];
  for (const v of values) {
    const m = /^\s*\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/.exec(v);
    if (m?.[1] !== undefined) out.push(m[1].replace(/\\(.)/g, '$1'));
  }
  return out;
}

export class KubeClient {
  readonly transport: HttpTransport;
  readonly discovery: Discovery;

  constructor(
    readonly config: RestConfig,
    private readonly options: ClientOptions = {},
  ) {
    this.transport = new HttpTransport(config, options.userAgent);
    const identity = `${config.server}|${config.token ?? ''}|${config.clientCertPem?.toString('base64').slice(-32) ?? ''}`;
    this.discovery = new Discovery(identity, (p) => this.requestJson('GET', p));
  }

  /** A client for the context the kubeconfig files (and overrides) select. */
  static async fromKubeconfig(o: FromKubeconfigOptions = {}): Promise<KubeClient> {
    const cfg = await loadKubeconfig(o);
    const rest = await restConfigFrom(selectContext(cfg, o.overrides ?? {}));
    return new KubeClient(rest, o);
  }

  /** The namespace of the context (or -n). */
  get namespace(): string {
    return this.config.namespace;
  }

  private ns(r: ApiResource, namespace: string | undefined): string | undefined {
    if (!r.namespaced) return undefined;
    return namespace ?? this.config.namespace;
  }

  private warn(headers: Record<string, string | string[] | undefined>): void {
    if (!this.options.onWarning) return;
    for (const w of warningTexts(headers.warning)) this.options.onWarning(w);
  }

  private requestSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
    const limit = this.options.timeoutMs;
    if (limit === undefined || limit <= 0) return signal;
    return signal ? AbortSignal.any([signal, AbortSignal.timeout(limit)]) : AbortSignal.timeout(limit);
  }

  /** One JSON request; throws ApiError for an error status, ConnectionError when unreachable. */
  async requestJson(method: string, path: string, o: { query?: Record<string, QueryValue>; body?: unknown; contentType?: string; accept?: string; signal?: AbortSignal } = {}): Promise<unknown> {
    const req: HttpRequest = { method, path, headers: { Accept: o.accept ?? 'application/json' } };
    if (o.query) req.query = o.query;
    const signal = this.requestSignal(o.signal);
    if (signal) req.signal = signal;
    if (o.body !== undefined) {
      req.body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      (req.headers ??= {})['Content-Type'] = o.contentType ?? 'application/json';
    }
    const res = await this.transport.request(req);
    this.warn(res.headers);
    const text = res.body.toString('utf8');
    if (res.status >= 400) throw apiErrorFromResponse(res.status, text);
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  async get(r: ApiResource, name: string, o: GetOptions = {}): Promise<KubeObject> {
    const path = resourcePath(r, { namespace: this.ns(r, o.namespace), name, subresource: o.subresource });
    return (await this.requestJson('GET', path, { signal: o.signal })) as KubeObject;
  }

  async getTable(r: ApiResource, name: string, o: GetOptions = {}): Promise<Table> {
    const path = resourcePath(r, { namespace: this.ns(r, o.namespace), name, subresource: o.subresource });
    return asTable(await this.requestJson('GET', path, { accept: TABLE_ACCEPT, signal: o.signal }));
  }

  private listQuery(o: ListOptions): Record<string, QueryValue> {
    return { labelSelector: o.labelSelector || undefined, fieldSelector: o.fieldSelector || undefined, limit: o.limit, continue: o.continue, resourceVersion: o.resourceVersion };
  }

  async list(r: ApiResource, o: ListOptions = {}): Promise<KubeList> {
    const path = resourcePath(r, { namespace: this.ns(r, o.namespace) });
    return (await this.requestJson('GET', path, { query: this.listQuery(o), signal: o.signal })) as KubeList;
  }

  async listTable(r: ApiResource, o: ListOptions = {}): Promise<Table> {
    const path = resourcePath(r, { namespace: this.ns(r, o.namespace) });
    return asTable(await this.requestJson('GET', path, { query: this.listQuery(o), accept: TABLE_ACCEPT, signal: o.signal }));
  }

  private writeQuery(o: WriteOptions): Record<string, QueryValue> {
    return { dryRun: o.dryRun === true ? 'All' : undefined, fieldManager: o.fieldManager, fieldValidation: o.fieldValidation, force: o.force };
  }

  async create(r: ApiResource, obj: unknown, o: WriteOptions = {}): Promise<KubeObject> {
    const namespace = this.ns(r, o.namespace ?? objectNamespace(obj));
    // A subresource create (pods/binding, pods/eviction) posts to the named object.
    const name = o.subresource !== undefined && isRecord(obj) && isRecord(obj.metadata) && typeof obj.metadata.name === 'string' ? obj.metadata.name : undefined;
    const path = resourcePath(r, { namespace, name, subresource: name === undefined ? undefined : o.subresource });
    return (await this.requestJson('POST', path, { body: obj, query: this.writeQuery(o), signal: o.signal })) as KubeObject;
  }

  async update(r: ApiResource, obj: KubeObject, o: WriteOptions = {}): Promise<KubeObject> {
    const path = resourcePath(r, { namespace: this.ns(r, o.namespace ?? obj.metadata.namespace), name: obj.metadata.name ?? '', subresource: o.subresource });
    return (await this.requestJson('PUT', path, { body: obj, query: this.writeQuery(o), signal: o.signal })) as KubeObject;
  }

  async patch(r: ApiResource, name: string, patch: unknown, type: PatchType, o: WriteOptions = {}): Promise<KubeObject> {
    const path = resourcePath(r, { namespace: this.ns(r, o.namespace), name, subresource: o.subresource });
    return (await this.requestJson('PATCH', path, { body: patch, contentType: PATCH_CONTENT_TYPES[type], query: this.writeQuery(o), signal: o.signal })) as KubeObject;
  }

  /** Deletes; resolves to the deleted object (pods, namespaces, graceful deletes) or a Status. */
  async delete(r: ApiResource, name: string, o: DeleteOptions = {}): Promise<KubeObject | Status> {
    const path = resourcePath(r, { namespace: this.ns(r, o.namespace), name });
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (o.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = o.gracePeriodSeconds;
    if (o.propagationPolicy !== undefined) body.propagationPolicy = o.propagationPolicy;
    if (o.preconditions !== undefined) body.preconditions = o.preconditions;
    if (o.dryRun === true) body.dryRun = ['All'];
    return (await this.requestJson('DELETE', path, { body, signal: o.signal })) as KubeObject | Status;
  }

  private async *watchRaw(r: ApiResource, o: WatchOptions, accept: string): AsyncGenerator<WatchEvent<unknown>> {
    const path = resourcePath(r, { namespace: this.ns(r, o.namespace) });
    const limit = this.options.timeoutMs;
    const timeoutSeconds = o.timeoutSeconds ?? (limit !== undefined && limit > 0 ? Math.max(1, Math.ceil(limit / 1000)) : undefined);
    const query = { ...this.listQuery(o), watch: 'true', allowWatchBookmarks: o.allowWatchBookmarks, timeoutSeconds };
    const req: HttpRequest = { method: 'GET', path, query, headers: { Accept: accept } };
    if (o.signal) req.signal = o.signal;
    let res: { status: number; body: IncomingMessage };
    try {
      res = await this.transport.stream(req);
    } catch (err) {
      if (o.signal?.aborted === true) return;
      throw err;
    }
    try {
      if (res.status >= 400) {
        const chunks: Buffer[] = [];
        for await (const c of res.body) chunks.push(c as Buffer);
        throw apiErrorFromResponse(res.status, Buffer.concat(chunks).toString('utf8'));
      }
      yield* decodeWatchEvents(res.body);
    } catch (err) {
      // An abort surfaces as AbortError or as the response's "aborted" error.
      if (o.signal?.aborted === true) return;
      throw err;
    } finally {
      res.body.destroy();
    }
  }

  /** Watch events until the server ends the watch, the consumer stops, or `signal` aborts. */
  async *watch(r: ApiResource, o: WatchOptions = {}): AsyncGenerator<WatchEvent<KubeObject | Status>> {
    for await (const ev of this.watchRaw(r, o, 'application/json')) yield ev as WatchEvent<KubeObject | Status>;
  }

  /** A watch whose objects are one-row Tables (column definitions only in the first). */
  async *watchTable(r: ApiResource, o: WatchOptions = {}): AsyncGenerator<WatchEvent<Table | Status>> {
    for await (const ev of this.watchRaw(r, o, TABLE_ACCEPT)) yield ev as WatchEvent<Table | Status>;
  }

  /** GET pods/<name>/log as a byte stream; throws ApiError for an error answer. */
  async podLogs(namespace: string, name: string, o: LogOptions = {}): Promise<AsyncIterable<Buffer>> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log`;
    const query = { container: o.container, follow: o.follow === true ? 'true' : undefined, tailLines: o.tailLines, previous: o.previous === true ? 'true' : undefined, timestamps: o.timestamps === true ? 'true' : undefined, sinceSeconds: o.sinceSeconds };
    const req: HttpRequest = { method: 'GET', path, query, headers: { Accept: '*/*' } };
    if (o.signal) req.signal = o.signal;
    const res = await this.transport.stream(req);
    if (res.status >= 400) {
      const chunks: Buffer[] = [];
      for await (const c of res.body) chunks.push(c as Buffer);
      throw apiErrorFromResponse(res.status, Buffer.concat(chunks).toString('utf8'));
    }
    return logStream(res.body, o.signal);
  }

  close(): void {
    this.transport.close();
  }
}

async function* logStream(body: IncomingMessage, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
  try {
    for await (const c of body) yield c as Buffer;
  } catch (err) {
    if (signal?.aborted !== true) throw err;
  } finally {
    body.destroy();
  }
}

function objectNamespace(obj: unknown): string | undefined {
  if (!isRecord(obj) || !isRecord(obj.metadata)) return undefined;
  const ns = obj.metadata.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : undefined;
}

function asTable(v: unknown): Table {
  if (isTable(v)) return { ...v, columnDefinitions: v.columnDefinitions ?? [], rows: v.rows };
  if (isStatus(v)) throw new Error(v.message ?? 'unexpected Status');
  throw new Error('the server did not answer with a Table');
}
