// pods/log: kube-apiserver proxies it to the kubelet of the pod's node, here the node agent's
// node API on 10250 (GET /containerLogs/<namespace>/<pod>/<container>), authenticating with
// the API server's kubelet-client certificate and checking the agent against the cluster CA.
import https from 'node:https';
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { Errors, StatusError } from '../../../lib/api/status-error.js';
import type { SubresourceContext, SubresourceHandler, StreamingResult } from '../http/api-handler.js';

export const NODE_AGENT_PORT = 10250;

export interface KubeletClientTls {
  ca: string;
  cert: string;
  key: string;
}

/** The options kubectl logs sends that the node agent understands. */
const PASSED_OPTIONS = ['follow', 'tailLines', 'timestamps', 'sinceSeconds', 'sinceTime', 'previous', 'limitBytes'] as const;

function containerNames(pod: KubeObject): string[] {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter(isRecord).map((c) => (typeof c.name === 'string' ? c.name : '')).filter(Boolean) : []);
  return list(spec.containers);
}

/** The node's address the API server reaches its agent at (InternalIP first, as Kubernetes prefers). */
export function nodeAddress(node: KubeObject): string | undefined {
  const status = isRecord(node.status) ? node.status : {};
  const addresses = Array.isArray(status.addresses) ? status.addresses.filter(isRecord) : [];
  for (const type of ['InternalIP', 'ExternalIP', 'Hostname']) {
    const a = addresses.find((x) => x.type === type && typeof x.address === 'string');
    if (a) return a.address as string;
  }
  return undefined;
}

export class LogSubresource implements SubresourceHandler {
  constructor(
    private readonly tls: KubeletClientTls,
    private readonly getNode: (name: string) => KubeObject | undefined,
  ) {}

  async handle(c: SubresourceContext): Promise<{ code: number; body: unknown } | StreamingResult> {
    const { info, store } = c;
    if (info.verb !== 'get') throw Errors.methodNotSupported({ group: '', resource: 'pods/log' }, info.verb);
    const pod = await store.get(info.namespace, info.name, 'v1');
    const names = containerNames(pod);
    let container = c.query.get('container') ?? '';
    if (container === '') {
      if (names.length !== 1) throw Errors.badRequest(`a container name must be specified for pod ${info.name}, choose one of: [${names.join(' ')}]`);
      container = names[0] ?? '';
    } else if (!names.includes(container)) {
      throw Errors.badRequest(`container ${container} is not valid for pod ${info.name}`);
    }
    const spec = isRecord(pod.spec) ? pod.spec : {};
    const nodeName = typeof spec.nodeName === 'string' ? spec.nodeName : '';
    if (nodeName === '') throw Errors.badRequest(`pod ${info.name} does not have a host assigned`);
    const node = this.getNode(nodeName);
    const address = node ? nodeAddress(node) : undefined;
    if (!address) throw Errors.internal(`no preferred addresses found; known addresses: []`);
    const params = new URLSearchParams();
    for (const o of PASSED_OPTIONS) {
      const v = c.query.get(o);
      if (v !== null) params.set(o, v);
    }
    const path = `/containerLogs/${encodeURIComponent(info.namespace)}/${encodeURIComponent(info.name)}/${encodeURIComponent(container)}${params.size > 0 ? `?${params}` : ''}`;
    const host = address.includes(':') ? `[${address}]` : address;
    return await new Promise<StreamingResult>((resolve, reject) => {
      const req = https.get({ host: address, port: NODE_AGENT_PORT, path, ca: this.tls.ca, cert: this.tls.cert, key: this.tls.key, timeout: 10_000 }, (res) => {
        if ((res.statusCode ?? 500) >= 400) {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d.slice(0, 4096)));
          res.on('end', () => reject(new StatusError(res.statusCode ?? 500, '', text.trim() || `the node agent on ${host} answered ${res.statusCode ?? ''}`)));
          return;
        }
        resolve({ stream: res, contentType: 'text/plain' });
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) =>
        reject(Errors.internal(`Get "https://${host}:${NODE_AGENT_PORT}${path}": ${err.message}`)),
      );
    });
  }
}
