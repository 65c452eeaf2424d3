// security.istio.io validation: PeerAuthentication, AuthorizationPolicy and
// RequestAuthentication, with the rules and messages of istio/istio pkg/config/validation
// (each placed at the field it is about).
import type { KubeObject } from '../../../lib/api/object.js';
import { FieldPath, fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import { absent, emptyString, indexedRecords, list, quote, rec, str } from './json-access.js';
import type { JsonRecord } from './json-access.js';
import { istioInvalid, validateDuration, validateIPSubnet, validateIstioEnum } from './istio-common.js';
import { ISTIO_META, workloadSelectorAt } from './istio-networking.js';
import { validateObjectMeta } from './object-meta.js';

const SPEC = FieldPath.root('spec');
const MTLS_MODES = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'];
const AUTHZ_ACTIONS = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'];
const SOURCE_FIELDS = [
  'principals',
  'requestPrincipals',
  'namespaces',
  'ipBlocks',
  'remoteIpBlocks',
  'notPrincipals',
  'notRequestPrincipals',
  'notNamespaces',
  'notIpBlocks',
  'notRemoteIpBlocks',
];
const OPERATION_FIELDS = ['ports', 'methods', 'paths', 'hosts', 'notPorts', 'notMethods', 'notPaths', 'notHosts'];
const ALLOWED_TARGET_KINDS = ['Service', 'ServiceEntry', 'Gateway'];

/** Go field names for Istio's messages ("NotPrincipals" rather than "notPrincipals"). */
function goName(field: string): string {
  return field.charAt(0).toUpperCase() + field.slice(1);
}

/** Selector, targetRef and targetRefs: at most one, and valid. */
function validatePolicyTargets(spec: JsonRecord): FieldError[] {
  const errs = workloadSelectorAt(spec.selector, 'matchLabels', SPEC.child('selector'));
  const set = [!absent(spec.selector), !absent(spec.targetRef), list(spec.targetRefs).length > 0].filter(Boolean).length;
  if (set > 1) errs.push(fieldErrors.invalid(SPEC, null, 'only one of targetRefs or workloadSelector can be set'));
  const refs: [FieldPath, JsonRecord][] = [];
  const single = rec(spec.targetRef);
  if (single) refs.push([SPEC.child('targetRef'), single]);
  for (const [i, r] of indexedRecords(spec.targetRefs)) refs.push([SPEC.child('targetRefs').index(i), r]);
  for (const [p, ref] of refs) {
    if (emptyString(ref.name)) errs.push(fieldErrors.required(p.child('name'), 'targetRef name must be set'));
    if (!emptyString(ref.namespace)) errs.push(fieldErrors.invalid(p.child('namespace'), ref.namespace, 'targetRef namespace must not be set; cross namespace referencing is not supported'));
    const group = str(ref.group);
    const kind = str(ref.kind);
    const allowed =
      (kind === 'Service' && group === '') ||
      (kind === 'ServiceEntry' && group === 'networking.istio.io') ||
      (kind === 'Gateway' && group === 'gateway.networking.k8s.io');
    if (!allowed) errs.push(fieldErrors.invalid(p, ref, `targetRef must be to one of ${ALLOWED_TARGET_KINDS.join(', ')} but was ${group}/${kind}`));
  }
  return errs;
}

// ---- PeerAuthentication ----

export function validatePeerAuthentication(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, ISTIO_META);
  const spec = rec(obj.spec) ?? {};
  errs.push(...validateIstioEnum(rec(spec.mtls)?.mode, MTLS_MODES, SPEC.child('mtls', 'mode')));
  const emptySelector = Object.keys(rec(rec(spec.selector)?.matchLabels) ?? {}).length === 0;
  const portLevel = rec(spec.portLevelMtls);
  const portsPath = SPEC.child('portLevelMtls');
  if (emptySelector && portLevel && Object.keys(portLevel).length > 0) {
    errs.push(fieldErrors.invalid(portsPath, portLevel, 'mesh/namespace peer authentication cannot have port level mTLS'));
  }
  if (portLevel && Object.keys(portLevel).length === 0) {
    errs.push(fieldErrors.invalid(portsPath, portLevel, 'port level mTLS, if defined, must have at least one element'));
  }
  for (const [port, setting] of Object.entries(portLevel ?? {})) {
    const p = portsPath.key(port);
    const n = /^[0-9]+$/.test(port) ? Number(port) : 0;
    if (n <= 0 || n > 65535) errs.push(fieldErrors.invalid(p, port, 'port must be in range 1..65535'));
    errs.push(...validateIstioEnum(rec(setting)?.mode, MTLS_MODES, p.child('mode')));
  }
  errs.push(...workloadSelectorAt(spec.selector, 'matchLabels', SPEC.child('selector')));
  return errs;
}

// ---- AuthorizationPolicy ----

function checkValues(values: unknown, field: string, path: FieldPath): FieldError[] {
  return list(values).some((v) => v === '') ? [fieldErrors.invalid(path.child(field), values, `empty value not allowed, found in ${goName(field)}`)] : [];
}

function checkIPs(values: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(values).forEach((v, i) => {
    if (typeof v !== 'string' || v === '') return;
    if (validateIPSubnet(v) !== undefined) errs.push(fieldErrors.invalid(path.index(i), v, v.includes('/') ? `bad CIDR range (${v})` : `bad IP address (${v})`));
  });
  return errs;
}

function checkPorts(values: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(values).forEach((v, i) => {
    if (typeof v !== 'string' || v === '') return;
    if (!/^[0-9]+$/.test(v) || Number(v) > 65535) errs.push(fieldErrors.invalid(path.index(i), v, `bad port (${v})`));
  });
  return errs;
}

function validateRule(rule: JsonRecord, i: number, action: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (Array.isArray(rule.from) && rule.from.length === 0) errs.push(fieldErrors.invalid(path.child('from'), [], `\`from\` must not be empty, found at rule ${i}`));
  list(rule.from).forEach((f, j) => {
    const fp = path.child('from').index(j);
    const from = rec(f);
    if (!from) {
      errs.push(fieldErrors.invalid(fp, f ?? null, `\`from\` must not be nil, found at rule ${i}`));
      return;
    }
    const source = rec(from.source);
    if (!source) {
      errs.push(fieldErrors.required(fp.child('source'), `\`from.source\` must not be nil, found at rule ${i}`));
      return;
    }
    const sp = fp.child('source');
    if (SOURCE_FIELDS.every((field) => list(source[field]).length === 0)) errs.push(fieldErrors.invalid(sp, source, `\`from.source\` must not be empty, found at rule ${i}`));
    for (const field of ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks']) errs.push(...checkIPs(source[field], sp.child(field)));
    for (const field of SOURCE_FIELDS) errs.push(...checkValues(source[field], field, sp));
    if (action === 'CUSTOM') {
      for (const field of ['namespaces', 'notNamespaces', 'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals']) {
        if (list(source[field]).length > 0) errs.push(fieldErrors.invalid(sp.child(field), source[field], `From.${goName(field)} is currently not supported with CUSTOM action`));
      }
    }
  });
  if (Array.isArray(rule.to) && rule.to.length === 0) errs.push(fieldErrors.invalid(path.child('to'), [], `\`to\` must not be empty, found at rule ${i}`));
  list(rule.to).forEach((t, j) => {
    const tp = path.child('to').index(j);
    const to = rec(t);
    if (!to) {
      errs.push(fieldErrors.invalid(tp, t ?? null, `\`to\` must not be nil, found at rule ${i}`));
      return;
    }
    const op = rec(to.operation);
    if (!op) {
      errs.push(fieldErrors.required(tp.child('operation'), `\`to.operation\` must not be nil, found at rule ${i}`));
      return;
    }
    const opPath = tp.child('operation');
    if (OPERATION_FIELDS.every((field) => list(op[field]).length === 0)) errs.push(fieldErrors.invalid(opPath, op, `\`to.operation\` must not be empty, found at rule ${i}`));
    errs.push(...checkPorts(op.ports, opPath.child('ports')), ...checkPorts(op.notPorts, opPath.child('notPorts')));
    for (const field of OPERATION_FIELDS) errs.push(...checkValues(op[field], field, opPath));
  });
  list(rule.when).forEach((w, j) => {
    const wp = path.child('when').index(j);
    const when = rec(w);
    if (!when) {
      errs.push(fieldErrors.invalid(wp, w ?? null, 'when field cannot be nil'));
      return;
    }
    const key = str(when.key);
    if (key === '') errs.push(fieldErrors.required(wp.child('key'), '`key` must not be empty'));
    else if (list(when.values).length === 0 && list(when.notValues).length === 0) {
      errs.push(fieldErrors.required(wp.child('values'), `at least one of \`values\` or \`notValues\` must be set for key ${key}`));
    }
    if (action === 'CUSTOM' && (key === 'source.namespace' || key === 'source.principal' || key.startsWith('request.auth.'))) {
      errs.push(fieldErrors.invalid(wp.child('key'), key, `${key} is currently not supported with CUSTOM action`));
    }
  });
  return errs;
}

export function validateAuthorizationPolicy(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, ISTIO_META);
  const spec = rec(obj.spec) ?? {};
  errs.push(...validatePolicyTargets(spec));
  errs.push(...validateIstioEnum(spec.action, AUTHZ_ACTIONS, SPEC.child('action')));
  const action = typeof spec.action === 'string' ? spec.action : 'ALLOW';
  const noRules = absent(spec.rules);
  const provider = rec(spec.provider);
  if (action === 'CUSTOM') {
    if (noRules) {
      errs.push(
        fieldErrors.required(
          SPEC.child('rules'),
          'CUSTOM action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request',
        ),
      );
    } else if (emptyString(provider?.name)) {
      errs.push(fieldErrors.required(SPEC.child('provider', 'name'), '`provider.name` must not be empty'));
    }
  }
  if (!absent(spec.provider) && action !== 'CUSTOM') errs.push(fieldErrors.invalid(SPEC.child('provider'), spec.provider, `\`provider\` must not be with non CUSTOM action, found ${action}`));
  if (action === 'DENY' && noRules) {
    errs.push(
      fieldErrors.required(SPEC.child('rules'), 'DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request'),
    );
  }
  list(spec.rules).forEach((r, i) => {
    const p = SPEC.child('rules').index(i);
    const rule = rec(r);
    if (!rule) errs.push(fieldErrors.invalid(p, r ?? null, `\`rule\` must not be nil, found at rule ${i}`));
    else errs.push(...validateRule(rule, i, action, p));
  });
  return errs;
}

// ---- RequestAuthentication ----

/** security.ParseJwksURI: an http(s) URL with a valid port. */
function validateJwksURI(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `parse ${quote(uri)}: invalid URI for request`;
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') return `URI scheme ${quote(scheme)} is not supported`;
  return undefined;
}

function validateJwtRule(rule: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (emptyString(rule.issuer)) errs.push(fieldErrors.required(path.child('issuer'), 'issuer must be set'));
  list(rule.audiences).forEach((a, i) => {
    if (a === '') errs.push(fieldErrors.invalid(path.child('audiences').index(i), a, 'audience must be non-empty string'));
  });
  const jwksUri = str(rule.jwksUri);
  if (jwksUri !== '') errs.push(...istioInvalid(path.child('jwksUri'), jwksUri, validateJwksURI(jwksUri)));
  if (!emptyString(rule.jwks)) {
    try {
      const parsed: unknown = JSON.parse(str(rule.jwks));
      if (!rec(parsed)) throw new Error('expected a JSON object');
    } catch (e) {
      errs.push(fieldErrors.invalid(path.child('jwks'), '', `jwks parse error: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
  list(rule.fromHeaders).forEach((h, i) => {
    const p = path.child('fromHeaders').index(i);
    const header = rec(h);
    if (!header) errs.push(fieldErrors.invalid(p, h ?? null, 'location header name must be non-null'));
    else if (emptyString(header.name)) errs.push(fieldErrors.required(p.child('name'), 'location header name must be non-empty string'));
  });
  list(rule.fromParams).forEach((q, i) => {
    if (q === '') errs.push(fieldErrors.invalid(path.child('fromParams').index(i), q, 'location query must be non-empty string'));
  });
  list(rule.fromCookies).forEach((c, i) => {
    if (c === '') errs.push(fieldErrors.invalid(path.child('fromCookies').index(i), c, 'cookie name must be non-empty string'));
  });
  list(rule.outputClaimToHeaders).forEach((o, i) => {
    const p = path.child('outputClaimToHeaders').index(i);
    const ch = rec(o);
    if (!ch) errs.push(fieldErrors.invalid(p, o ?? null, 'outputClaimToHeaders must not be null'));
    else if (emptyString(ch.claim) || emptyString(ch.header)) errs.push(fieldErrors.invalid(p, ch, 'outputClaimToHeaders header and claim value must be non-empty string'));
    else if (!/^[-_A-Za-z0-9]+$/.test(str(ch.header))) errs.push(fieldErrors.invalid(p.child('header'), ch.header, `header name ${str(ch.header)} is not a valid header name`));
  });
  if (!absent(rule.timeout)) errs.push(...istioInvalid(path.child('timeout'), rule.timeout, validateDuration(rule.timeout)));
  return errs;
}

export function validateRequestAuthentication(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, ISTIO_META);
  const spec = rec(obj.spec) ?? {};
  errs.push(...validatePolicyTargets(spec));
  for (const [i, rule] of indexedRecords(spec.jwtRules)) errs.push(...validateJwtRule(rule, SPEC.child('jwtRules').index(i)));
  return errs;
}
