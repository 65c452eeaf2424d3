// serviceaccounts/token: TokenRequest (authentication.k8s.io/v1), what `kubectl create token`
// and the node agent use to get a ServiceAccount's signed JWT.
import type { KubeObject } from '../../../lib/api/object.js';
import { issueTokenRequest } from '../auth/token-request.js';
import { Errors } from '../../../lib/api/status-error.js';
import type { SubresourceContext, SubresourceHandler } from '../http/api-handler.js';
import { decodeBody } from '../http/content.js';

export class TokenSubresource implements SubresourceHandler {
  constructor(
    private readonly signingKeyPem: string,
    private readonly getPod: (namespace: string, name: string) => KubeObject | undefined,
    private readonly getNode: (name: string) => KubeObject | undefined,
  ) {}

  async handle(c: SubresourceContext): Promise<{ code: number; body: unknown }> {
    const { info, store } = c;
    if (info.verb !== 'create') throw Errors.methodNotSupported({ group: '', resource: 'serviceaccounts/token' }, info.verb);
    const body = decodeBody(await c.body(), c.req.headers['content-type']);
    const serviceAccount = await store.get(info.namespace, info.name, info.version);
    const { tokenRequest } = await issueTokenRequest({
      body,
      serviceAccount,
      signingKey: this.signingKeyPem,
      now: new Date(),
      getPod: (ns, name) => this.getPod(ns, name),
      getNode: (name) => this.getNode(name),
    });
    return { code: 201, body: tokenRequest };
  }
}
