// The REST front of the API server: authenticates, authorizes, routes a request to discovery,
// OpenAPI, health or a resource, and writes the answer (object, list, Table, watch stream or
// Status). Everything kind-specific lives in the registry, admission and printers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import type { FieldSelector } from '../../../lib/api/fields.js';
import { matchesFields, parseFieldSelector, unsupportedField } from '../../../lib/api/fields.js';
import type { LabelSelector } from '../../../lib/api/labels.js';
import { SelectorParseError, matchesLabels, parseLabelSelector } from '../../../lib/api/labels.js';
import type { RequestUser } from '../admission/types.js';
import { managerOrUserAgent } from '../apply/index.js';
import { forbiddenError } from '../auth/rbac.js';
import { FieldPath, fieldErrors } from '../../../lib/api/field-errors.js';
import type { RequestAttributes } from '../auth/rbac.js';
import { Errors, StatusError } from '../../../lib/api/status-error.js';
import type { DeleteOptions, RequestContext, ResourceStore } from '../registry/resource-store.js';
import type { ResourceInfo } from '../registry/resources.js';
import { findResource, kindKey } from '../registry/resources.js';
import type { KindKey } from '../registry/resources.js';
import { RevisionCompactedError, StorageUnavailableError } from '../storage/etcd-storage.js';
import type { CacheEvent, CacheWatcher } from '../storage/watch-cache.js';
import { CacheNotReadyError, TooOldResourceVersionError } from '../storage/watch-cache.js';
import { BodyDecodeError, MAX_REQUEST_BODY_BYTES, PatchContentTypes, decodeBody, decodePatch, responseForm, summarizeBody } from './content.js';
import type { ResponseForm } from './content.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.js';
import { fieldValue, hasCustomFieldSelectors, supportedFields } from './field-getter.js';
import { requestInfo } from './request-info.js';
import type { RequestInfo, ResourceRequestInfo } from './request-info.js';

export interface TableOptions {
  now: Date;
  includeObject: 'None' | 'Metadata' | 'Object';
}

/** Converts objects of a kind to a meta.k8s.io/v1 Table. */
export type TableConverter = (key: KindKey, objects: readonly KubeObject[], opts: TableOptions) => Record<string, unknown>;

export type PatchApplier = (res: ResourceInfo, version: string, patchType: string, current: KubeObject, patch: unknown) => KubeObject;

/** Strict/Warn field validation of an incoming body; returns warnings, throws for Strict. */
export type FieldValidator = (res: ResourceInfo, version: string, body: unknown, mode: 'Strict' | 'Warn' | 'Ignore') => string[];

export interface Authorizer {
  authorize(user: RequestUser, info: RequestInfo): Promise<{ allowed: boolean; reason: string }>;
}

export interface OpenApiSource {
  v2(): unknown;
  v3Index(): unknown;
  v3(path: string): unknown;
}

/** A subresource answer streamed through (pods/log from the node agent). */
export interface StreamingResult {
  stream: NodeJS.ReadableStream & { destroy(): void };
  contentType: string;
}

export interface SubresourceHandler {
  handle(ctx: SubresourceContext): Promise<{ code: number; body: unknown } | StreamingResult>;
}

export interface SubresourceContext {
  info: ResourceRequestInfo;
  res: ResourceInfo;
  store: ResourceStore;
  req: IncomingMessage;
  body: () => Promise<Buffer>;
  ctx: RequestContext;
  query: URLSearchParams;
}

export interface ApiHandlerDeps {
  resources: readonly ResourceInfo[];
  stores: ReadonlyMap<string, ResourceStore>;
  serverAddress: string;
  now: () => Date;
  toTable: TableConverter;
  applyPatch: PatchApplier;
  validateFields: FieldValidator;
  authenticate: (req: IncomingMessage) => Promise<RequestUser | undefined>;
  /** The request carries a bearer token or a client certificate (valid or not). */
  presentsCredentials: (req: IncomingMessage) => boolean;
  authorizer: Authorizer;
  openapi: OpenApiSource;
  /** Extra subresources by "<resource>/<subresource>" (scale, binding, eviction, log, token). */
  subresources: ReadonlyMap<string, SubresourceHandler>;
  /** Interval of BOOKMARK events on watches that allow them. */
  bookmarkIntervalMs?: number;
  isReady: () => boolean;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Resources whose DELETE answers with the deleted object rather than a Status. */
const RETURNS_DELETED_OBJECT = new Set(['/pods', '/serviceaccounts', '/namespaces']);

/** Paths anyone may read without credentials (system:public-info-viewer). */
const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

export function storeKey(group: string, resource: string): string {
  return `${group}/${resource}`;
}

export class ApiHandler {
  constructor(private readonly deps: ApiHandlerDeps) {}

  /** Entry point for every HTTP request. Never throws. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    try {
      const info = requestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
      const user = await this.deps.authenticate(req);
      if (!user) {
        // Anyone may read the public paths, but credentials that fail are refused everywhere.
        if (!info.isResourceRequest && PUBLIC_PATHS.has(info.path) && !this.deps.presentsCredentials(req)) {
          await this.nonResource(info.path, req, res);
          return;
        }
        throw Errors.unauthorized();
      }
      const decision = await this.deps.authorizer.authorize(user, info);
      if (!decision.allowed) throw this.forbidden(user, info, decision.reason);
      if (!info.isResourceRequest) {
        await this.nonResource(info.path, req, res);
        return;
      }
      await this.resource(info, url.searchParams, req, res, user);
    } catch (err) {
      this.writeError(res, err, req, findKindFor(req.url));
    }
  }

  private forbidden(user: RequestUser, info: RequestInfo, reason: string): StatusError {
    return forbiddenError(requestAttributes(user, info), reason);
  }

  // ---- responses ------------------------------------------------------------------------

  private writeJson(res: ServerResponse, code: number, body: unknown, warnings: readonly string[] = []): void {
    const text = JSON.stringify(body);
    const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' };
    if (warnings.length > 0) headers.Warning = warnings.map(warningHeaderValue);
    res.writeHead(code, headers);
    res.end(text);
  }

  writeError(res: ServerResponse, err: unknown, req?: IncomingMessage, kind = ''): void {
    const se = this.toStatusError(err, kind);
    if (se.code >= 500) this.deps.log('request failed', { method: req?.method, url: req?.url, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // An oversized body was drained, not read: this connection carries no further request.
    if (se.code === 413) res.setHeader('Connection', 'close');
    this.writeJson(res, se.code, se.toStatus());
  }

  private toStatusError(err: unknown, kind = ''): StatusError {
    if (err instanceof StatusError) return err;
    if (err instanceof BodyDecodeError) {
      return Errors.badRequest(`the object provided is unrecognized (must be of type ${kind || 'Object'}): ${err.detail} (${summarizeBody(err.body)})`);
    }
    if (err instanceof SelectorParseError) return Errors.badRequest(err.message);
    if (err instanceof TooOldResourceVersionError) return Errors.resourceVersionTooOld(String(err.requested), err.oldest);
    if (err instanceof RevisionCompactedError) return Errors.gone('The resourceVersion for the provided list is too old.');
    if (err instanceof CacheNotReadyError) return Errors.tooManyRequests('storage is (re)initializing', 1);
    if (err instanceof StorageUnavailableError) {
      if (/request is too large/.test(err.message)) return Errors.tooLarge(MAX_REQUEST_BODY_BYTES);
      return Errors.serviceUnavailable(err.message);
    }
    return Errors.internal(err instanceof Error ? err.message : String(err));
  }

  // ---- non-resource paths ---------------------------------------------------------------

  private async nonResource(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    if (p === '/healthz' || p === '/livez' || p === '/readyz') {
      const ok = p !== '/readyz' || this.deps.isReady();
      res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(ok ? 'ok' : '[-]informer-sync failed: not ready\nreadyz check failed');
      return;
    }
    if (p === '/version') return this.writeJson(res, 200, versionInfo());
    if (p === '/api') return this.writeJson(res, 200, apiVersions(this.deps.serverAddress));
    if (p === '/apis') return this.writeJson(res, 200, apiGroupList(this.deps.resources));
    if (p === '/openapi/v2') return this.writeJson(res, 200, this.deps.openapi.v2());
    if (p === '/openapi/v3') return this.writeJson(res, 200, this.deps.openapi.v3Index());
    if (p.startsWith('/openapi/v3/')) {
      const doc = this.deps.openapi.v3(p.slice('/openapi/v3/'.length));
      if (doc === undefined) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
      return this.writeJson(res, 200, doc);
    }
    const parts = p.split('/').filter((s) => s !== '');
    if (parts[0] === 'api' && parts.length === 2) {
      const list = apiResourceList(this.deps.resources, '', parts[1] ?? '');
      if (list) return this.writeJson(res, 200, list);
    }
    if (parts[0] === 'apis' && parts.length === 2) {
      const g = apiGroup(this.deps.resources, parts[1] ?? '');
      if (g) return this.writeJson(res, 200, g);
    }
    if (parts[0] === 'apis' && parts.length === 3) {
      const list = apiResourceList(this.deps.resources, parts[1] ?? '', parts[2] ?? '');
      if (list) return this.writeJson(res, 200, list);
    }
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  }

  // ---- resources ------------------------------------------------------------------------

  /**
   * Reads the body up to the size limit. Past it, the rest is drained (bounded) before the 413
   * goes out, so the client reads the answer instead of a reset connection.
   */
  private readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      const fail = (): void => reject(Errors.tooLarge(MAX_REQUEST_BODY_BYTES));
      req.on('data', (b: Buffer) => {
        size += b.length;
        if (tooLarge) {
          if (size > 8 * MAX_REQUEST_BODY_BYTES) req.destroy();
          return;
        }
        if (size > MAX_REQUEST_BODY_BYTES) {
          tooLarge = true;
          chunks.length = 0;
          return;
        }
        chunks.push(b);
      });
      req.on('end', () => (tooLarge ? fail() : resolve(Buffer.concat(chunks))));
      req.on('error', (err) => reject(tooLarge ? Errors.tooLarge(MAX_REQUEST_BODY_BYTES) : err));
      req.on('close', () => {
        if (tooLarge) fail();
      });
    });
  }

  private async resource(info: ResourceRequestInfo, query: URLSearchParams, req: IncomingMessage, res: ServerResponse, user: RequestUser): Promise<void> {
    const resInfo = findResource(info.group, info.version, info.resource);
    const store = resInfo ? this.deps.stores.get(storeKey(resInfo.group, resInfo.resource)) : undefined;
    if (!resInfo || !store) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    if (resInfo.namespaced === false && info.namespace !== '') throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    const dryRun = query.getAll('dryRun').includes('All');
    const fieldManager = managerOrUserAgent(query.get('fieldManager') ?? undefined, req.headers['user-agent']);
    const ctx: RequestContext = { user, version: info.version, dryRun, fieldManager };
    const form = responseForm(req.headers.accept, query);

    if (info.subresource !== '' && info.subresource !== 'status') {
      const handler = this.deps.subresources.get(`${resInfo.resource}/${info.subresource}`);
      if (!handler || !resInfo.subresources.includes(info.subresource as never)) {
        throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
      }
      const out = await handler.handle({ info, res: resInfo, store, req, body: () => this.readBody(req), ctx, query });
      if ('stream' in out) {
        res.writeHead(200, { 'Content-Type': out.contentType, 'Cache-Control': 'no-cache, private' });
        req.on('close', () => out.stream.destroy());
        out.stream.pipe(res);
        return;
      }
      if (out.body instanceof Buffer || typeof out.body === 'string') {
        res.writeHead(out.code, { 'Content-Type': 'text/plain' });
        res.end(out.body);
        return;
      }
      this.writeJson(res, out.code, out.body);
      return;
    }
    if (info.subresource === 'status' && !resInfo.subresources.includes('status')) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    const scope = info.subresource === 'status' ? 'status' : 'main';

    switch (info.verb) {
      case 'get': {
        const obj = await store.get(info.namespace, info.name, info.version);
        return this.writeObject(res, 200, resInfo, obj, form);
      }
      case 'list':
        return this.list(resInfo, store, info, query, res, form);
      case 'watch':
        return this.watch(resInfo, store, info, query, req, res, form);
      case 'create': {
        if (info.subresource !== '' || info.name !== '') throw Errors.methodNotSupported({ group: info.group, resource: info.resource }, 'create');
        const body = decodeBody(await this.readBody(req), req.headers['content-type']);
        const warnings = this.deps.validateFields(resInfo, info.version, body, fieldValidation(query));
        const obj = await store.create(info.namespace, body, ctx);
        return this.writeObject(res, 201, resInfo, obj, form, warnings);
      }
      case 'update': {
        const body = decodeBody(await this.readBody(req), req.headers['content-type']);
        const warnings = this.deps.validateFields(resInfo, info.version, body, fieldValidation(query));
        const obj = await store.update(info.namespace, info.name, body, ctx, scope);
        return this.writeObject(res, 200, resInfo, obj, form, warnings);
      }
      case 'patch': {
        const { patchType, patch } = decodePatch(await this.readBody(req), req.headers['content-type']);
        const mode = fieldValidation(query);
        if (patchType === PatchContentTypes.apply) {
          const manager = query.get('fieldManager') ?? '';
          if (manager === '') {
            throw Errors.invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [fieldErrors.required(FieldPath.root('fieldManager'), 'is required for apply patch')]);
          }
          const warnings = this.deps.validateFields(resInfo, info.version, patch, mode);
          const { obj, created } = await store.apply(info.namespace, info.name, patch, manager, query.get('force') === 'true', ctx, scope);
          return this.writeObject(res, created ? 201 : 200, resInfo, obj, form, warnings);
        }
        let warnings: string[] = [];
        const obj = await store.patch(
          info.namespace,
          info.name,
          patchType,
          patch,
          (type, current, p) => {
            const patched = this.deps.applyPatch(resInfo, info.version, type, current, p);
            warnings = this.deps.validateFields(resInfo, info.version, patched, mode);
            return patched;
          },
          ctx,
          scope,
        );
        return this.writeObject(res, 200, resInfo, obj, form, warnings);
      }
      case 'delete': {
        const raw = await this.readBody(req);
        const opts = deleteOptions(raw, query);
        const { obj, deleted } = await store.delete(info.namespace, info.name, opts, ctx);
        // Kubernetes answers a finished delete with a Status, except for the kinds whose
        // strategy returns the object (pods, service accounts) and for namespaces.
        if (deleted && !RETURNS_DELETED_OBJECT.has(`${resInfo.group}/${resInfo.resource}`)) {
          return this.writeJson(res, 200, successStatus(resInfo, obj));
        }
        return this.writeObject(res, deleted ? 200 : 202, resInfo, obj, form);
      }
      case 'deletecollection':
        return this.deleteCollection(resInfo, store, info, query, req, res, ctx);
      default:
        throw Errors.methodNotSupported({ group: info.group, resource: info.resource }, info.verb);
    }
  }

  private writeObject(res: ServerResponse, code: number, resInfo: ResourceInfo, obj: KubeObject, form: ResponseForm, warnings: readonly string[] = []): void {
    if (form.kind === 'table') {
      const table = this.deps.toTable(kindKey(resInfo.group, resInfo.kind), [obj], { now: this.deps.now(), includeObject: form.includeObject });
      table.metadata = { resourceVersion: obj.metadata.resourceVersion };
      return this.writeJson(res, code, table, warnings);
    }
    this.writeJson(res, code, obj, warnings);
  }

  private selectors(resInfo: ResourceInfo, query: URLSearchParams): { labels: LabelSelector; fields: FieldSelector } {
    const labels = parseLabelSelector(query.get('labelSelector') ?? '');
    const fields = parseFieldSelector(query.get('fieldSelector') ?? '');
    const supported = supportedFields(resInfo);
    const bad = unsupportedField(fields, supported);
    if (bad !== undefined) {
      // Kinds with their own field-label conversion say "not supported"; the default lists what is.
      throw Errors.badRequest(
        hasCustomFieldSelectors(resInfo) ? `field label not supported: ${bad}` : `"${bad}" is not a known field selector: only ${supported.map((f) => `"${f}"`).join(', ')}`,
      );
    }
    return { labels, fields };
  }

  private matcher(resInfo: ResourceInfo, info: ResourceRequestInfo, query: URLSearchParams): (o: KubeObject) => boolean {
    const { labels, fields } = this.selectors(resInfo, query);
    const nameField = info.name;
    return (o) =>
      (info.namespace === '' || o.metadata.namespace === info.namespace) &&
      (nameField === '' || o.metadata.name === nameField) &&
      matchesLabels(labels, o.metadata.labels) &&
      matchesFields(fields, (f) => fieldValue(o, f));
  }

  private async list(resInfo: ResourceInfo, store: ResourceStore, info: ResourceRequestInfo, query: URLSearchParams, res: ServerResponse, form: ResponseForm): Promise<void> {
    const match = this.matcher(resInfo, info, query);
    const limit = Number(query.get('limit') ?? '0');
    const cont = query.get('continue') ?? '';
    const rv = query.get('resourceVersion') ?? '';
    let items: KubeObject[];
    let listRv: number;
    let next = '';
    let remaining: number | undefined;
    if ((Number.isFinite(limit) && limit > 0) || cont !== '') {
      const page = await this.pagedList(store, info, match, limit, cont);
      items = page.items;
      listRv = page.revision;
      next = page.continue;
      remaining = page.remaining;
    } else {
      const cache = store.cache;
      if (rv !== '0') {
        const want = rv === '' ? await store.currentRevision() : Number(rv);
        if (!Number.isFinite(want)) throw Errors.badRequest(`invalid resource version "${rv}"`);
        const fresh = await cache.waitFor(want, 3000);
        if (!fresh) throw Errors.timeout(`Too large resource version: ${want}, current: ${cache.revision}`, 1);
      }
      const snap = cache.snapshot();
      items = snap.items.map((i) => i.obj).filter(match);
      listRv = snap.revision;
    }
    const presented = items.map((o) => store.present(o, info.version));
    const meta: Record<string, unknown> = { resourceVersion: String(listRv) };
    if (next !== '') meta.continue = next;
    if (remaining !== undefined && remaining > 0) meta.remainingItemCount = remaining;
    if (form.kind === 'table') {
      const table = this.deps.toTable(kindKey(resInfo.group, resInfo.kind), presented, { now: this.deps.now(), includeObject: form.includeObject });
      table.metadata = meta;
      return this.writeJson(res, 200, table);
    }
    this.writeJson(res, 200, { kind: `${resInfo.kind}List`, apiVersion: resInfo.group === '' ? info.version : `${resInfo.group}/${info.version}`, metadata: meta, items: presented });
  }

  /** A page read straight from the store at one revision, so later pages stay consistent. */
  private async pagedList(store: ResourceStore, info: ResourceRequestInfo, match: (o: KubeObject) => boolean, limit: number, cont: string): Promise<{ items: KubeObject[]; revision: number; continue: string; remaining?: number }> {
    const prefix = store.prefixFor(info.namespace);
    let start = prefix;
    let revision = 0;
    if (cont !== '') {
      const token = decodeContinue(cont);
      if (token.rv === 0 || token.rv < -1) throw Errors.badRequest('continue key is not valid');
      start = prefix + token.start;
      // rv -1 (from a 410 for an expired token): carry on at the latest revision.
      revision = token.rv === -1 ? 0 : token.rv;
    }
    const items: KubeObject[] = [];
    const want = limit > 0 ? limit : Number.MAX_SAFE_INTEGER;
    for (;;) {
      let page;
      try {
        page = await store.listRaw(prefix, start, Math.min(Math.max(want - items.length, 1), 500), revision);
      } catch (err) {
        if (err instanceof RevisionCompactedError && cont !== '') {
          const gone = Errors.gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
          // As Kubernetes: a token that carries on from the same key at the latest revision.
          gone.listMeta = { continue: encodeContinue(-1, start.slice(prefix.length)) };
          throw gone;
        }
        throw err;
      }
      revision = page.revision;
      let lastKey = '';
      for (const it of page.items) {
        lastKey = it.key;
        if (match(it.obj) && items.length < want) items.push(it.obj);
      }
      if (!page.more || lastKey === '') return { items, revision, continue: '' };
      start = `${lastKey}\x00`;
      if (items.length >= want) {
        return { items, revision, continue: encodeContinue(revision, start.slice(prefix.length)), remaining: page.remaining };
      }
    }
  }

  private async deleteCollection(resInfo: ResourceInfo, store: ResourceStore, info: ResourceRequestInfo, query: URLSearchParams, req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
    const match = this.matcher(resInfo, info, query);
    const opts = deleteOptions(await this.readBody(req), query);
    const snap = store.cache.snapshot();
    const deleted: KubeObject[] = [];
    for (const it of snap.items) {
      if (!match(it.obj)) continue;
      try {
        deleted.push((await store.delete(it.obj.metadata.namespace ?? '', it.obj.metadata.name ?? '', opts, ctx)).obj);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    this.writeJson(res, 200, { kind: `${resInfo.kind}List`, apiVersion: resInfo.group === '' ? info.version : `${resInfo.group}/${info.version}`, metadata: { resourceVersion: String(store.cache.revision) }, items: deleted });
  }

  // ---- watch ----------------------------------------------------------------------------

  private async watch(resInfo: ResourceInfo, store: ResourceStore, info: ResourceRequestInfo, query: URLSearchParams, req: IncomingMessage, res: ServerResponse, form: ResponseForm): Promise<void> {
    const match = this.matcher(resInfo, info, query);
    const rvParam = query.get('resourceVersion') ?? '';
    const bookmarks = query.get('allowWatchBookmarks') === 'true';
    const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '0');
    let from: number | undefined;
    if (rvParam === '' || rvParam === '0') {
      from = undefined; // start with the current state, as synthetic ADDED events
    } else {
      from = Number(rvParam);
      if (!Number.isInteger(from) || from < 0) throw Errors.badRequest(`invalid resource version "${rvParam}"`);
      if (!(await store.cache.waitFor(from, 3000))) throw Errors.timeout(`Too large resource version: ${from}, current: ${store.cache.revision}`, 1);
    }
    const key = kindKey(resInfo.group, resInfo.kind);
    const keyPrefix = store.prefixFor(info.namespace);
    let lastRv = from ?? 0;
    let firstTable = true;
    let closed = false;
    const encode = (type: string, obj: KubeObject): string => {
      const presented = store.present(obj, info.version);
      if (form.kind === 'table') {
        const table = this.deps.toTable(key, [presented], { now: this.deps.now(), includeObject: form.includeObject });
        if (!firstTable) table.columnDefinitions = [];
        firstTable = false;
        table.metadata = { resourceVersion: presented.metadata.resourceVersion };
        return `${JSON.stringify({ type, object: table })}\n`;
      }
      return `${JSON.stringify({ type, object: presented })}\n`;
    };
    /** Plain JSON lines are the same for every watcher of a version: encode once per event. */
    const encodeShared = (ev: CacheEvent, type: string, obj: KubeObject): string => {
      if (form.kind === 'table' || type !== ev.type) return encode(type, obj);
      ev.encoded ??= new Map();
      let line = ev.encoded.get(info.version);
      if (line === undefined) {
        line = encode(type, obj);
        ev.encoded.set(info.version, line);
      }
      return line;
    };
    const write = (line: string): void => {
      if (closed) return;
      res.write(line);
      // A watcher that cannot keep up is dropped on its own; the client re-watches from its last version.
      if (res.writableLength > 16 * 1024 * 1024) stop();
    };
    const watcher: CacheWatcher = {
      deliver: (ev: CacheEvent) => {
        if (!ev.key.startsWith(keyPrefix)) return;
        const cur = match(ev.obj);
        const prev = ev.prevObj ? match(ev.prevObj) : false;
        lastRv = ev.revision;
        if (ev.type === 'ADDED') {
          if (cur) write(encodeShared(ev, 'ADDED', ev.obj));
        } else if (ev.type === 'MODIFIED') {
          if (cur && prev) write(encodeShared(ev, 'MODIFIED', ev.obj));
          else if (cur) write(encode('ADDED', ev.obj));
          else if (prev && ev.prevObj) write(encode('DELETED', { ...ev.prevObj, metadata: { ...ev.prevObj.metadata, resourceVersion: String(ev.revision) } }));
        } else if (prev || cur) {
          write(encodeShared(ev, 'DELETED', ev.obj));
        }
      },
      terminate: (reason) => {
        if (reason === 'expired') write(`${JSON.stringify({ type: 'ERROR', object: Errors.gone('The resourceVersion for the provided watch is too old.').toStatus() })}\n`);
        stop();
      },
    };
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    let unsubscribe: () => void = () => {};
    const timers: { bookmark?: NodeJS.Timeout; timeout?: NodeJS.Timeout } = {};
    const stop = (): void => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(timers.bookmark);
      clearTimeout(timers.timeout);
      res.end();
    };
    req.on('close', stop);
    res.on('error', stop);
    try {
      unsubscribe = store.cache.watch(watcher, from, keyPrefix);
    } catch (err) {
      // Headers are out: report the error in the stream, as kube-apiserver does.
      const se = this.toStatusError(err);
      res.write(`${JSON.stringify({ type: 'ERROR', object: se.toStatus() })}\n`);
      stop();
      return;
    }
    if (bookmarks) {
      timers.bookmark = setInterval(() => {
        const rv = Math.max(lastRv, store.cache.revision);
        const apiVersion = resInfo.group === '' ? info.version : `${resInfo.group}/${info.version}`;
        write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: resInfo.kind, apiVersion, metadata: { resourceVersion: String(rv) } } })}\n`);
      }, this.deps.bookmarkIntervalMs ?? 60_000);
    }
    const seconds = Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? timeoutSeconds : 1800 + Math.floor(Math.random() * 1800);
    timers.timeout = setTimeout(stop, seconds * 1000);
  }
}

/**
 * A Warning header value as Kubernetes sends it: `299 - "text"`, the text in UTF-8. Node takes
 * header strings as Latin-1, so the UTF-8 bytes are passed that way; control characters
 * (which no header may carry) are escaped as Go's %q would.
 */
export function warningHeaderValue(text: string): string {
  // JSON.stringify has escaped every control character but DEL already; tab is fine in a header.
  const quoted = JSON.stringify(text).replace(/\u007f/g, '\\x7f');
  return Buffer.from(`299 - ${quoted}`, 'utf8').toString('latin1');
}

/** The kind a request URL addresses, for error messages ("" if none). */
function findKindFor(url: string | undefined): string {
  const u = new URL(url ?? '/', 'https://localhost');
  const info = requestInfo('GET', u.pathname, new URLSearchParams());
  if (!info.isResourceRequest) return '';
  return findResource(info.group, info.version, info.resource)?.kind ?? '';
}

/** The authorizer's view of a request. */
export function requestAttributes(user: RequestUser, info: RequestInfo): RequestAttributes {
  const u = { name: user.name, groups: [...user.groups], ...(user.uid !== undefined ? { uid: user.uid } : {}) };
  if (!info.isResourceRequest) return { user: u, verb: info.verb, apiGroup: '', resource: '', subresource: '', namespace: '', name: '', path: info.path, isResourceRequest: false };
  return { user: u, verb: info.verb, apiGroup: info.group, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name, path: info.path, isResourceRequest: true };
}

function fieldValidation(query: URLSearchParams): 'Strict' | 'Warn' | 'Ignore' {
  const v = query.get('fieldValidation');
  if (v === 'Strict' || v === 'Ignore') return v;
  if (v === null || v === '' || v === 'Warn') return 'Warn';
  throw Errors.badRequest(`fieldValidation parameter unsupported: ${v}`);
}

function deleteOptions(raw: Buffer, query: URLSearchParams): DeleteOptions {
  const opts: DeleteOptions = {};
  if (raw.length > 0) {
    const body = decodeBody(raw, 'application/json');
    if (isRecord(body)) {
      if (typeof body.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = body.gracePeriodSeconds;
      if (typeof body.propagationPolicy === 'string') opts.propagationPolicy = body.propagationPolicy;
      if (typeof body.orphanDependents === 'boolean') opts.orphanDependents = body.orphanDependents;
      if (isRecord(body.preconditions)) {
        const p = body.preconditions;
        opts.preconditions = {};
        if (typeof p.uid === 'string') opts.preconditions.uid = p.uid;
        if (typeof p.resourceVersion === 'string') opts.preconditions.resourceVersion = p.resourceVersion;
      }
    }
  }
  const g = query.get('gracePeriodSeconds');
  if (g !== null && g !== '') {
    const n = Number(g);
    if (!Number.isInteger(n)) throw Errors.badRequest(`invalid gracePeriodSeconds "${g}"`);
    opts.gracePeriodSeconds = n;
  }
  const pp = query.get('propagationPolicy');
  if (pp) opts.propagationPolicy = pp;
  const od = query.get('orphanDependents');
  if (od === 'true' || od === 'false') opts.orphanDependents = od === 'true';
  validateDeleteOptions(opts);
  return opts;
}

const PROPAGATION_POLICIES = ['Foreground', 'Background', 'Orphan'] as const;

/** ValidateDeleteOptions: a known propagationPolicy, and not both it and orphanDependents. */
function validateDeleteOptions(opts: DeleteOptions): void {
  const errs = [];
  if (opts.propagationPolicy !== undefined && opts.orphanDependents !== undefined) {
    errs.push(fieldErrors.invalid(FieldPath.root('propagationPolicy'), opts.propagationPolicy, 'orphanDependents and deletionPropagation cannot be both set'));
  }
  if (opts.propagationPolicy !== undefined && !(PROPAGATION_POLICIES as readonly string[]).includes(opts.propagationPolicy)) {
    // Kubernetes lists "nil" too: leaving the field out is allowed.
    errs.push(fieldErrors.notSupported(FieldPath.root('propagationPolicy'), opts.propagationPolicy, [...PROPAGATION_POLICIES, 'nil']));
  }
  if (errs.length > 0) throw Errors.invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', errs);
}

function successStatus(resInfo: ResourceInfo, obj: KubeObject): Record<string, unknown> {
  const details: Record<string, unknown> = { name: obj.metadata.name, kind: resInfo.resource, uid: obj.metadata.uid };
  if (resInfo.group !== '') details.group = resInfo.group;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

/** Continue tokens as Kubernetes encodes them: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"key"}. */
export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

export function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isRecord(parsed) && parsed.v === 'meta.k8s.io/v1' && typeof parsed.rv === 'number' && typeof parsed.start === 'string' && !parsed.start.includes('..')) {
      return { rv: parsed.rv, start: parsed.start };
    }
  } catch {
    // fall through
  }
  throw Errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

