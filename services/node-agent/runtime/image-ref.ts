// Docker image reference normalisation (distribution/reference's ParseNormalizedNamed + TagNameOnly):
// `busybox` → `docker.io/library/busybox:latest`, `mesh/base` → `docker.io/mesh/base:latest`.

export interface ImageRef {
  /** Registry host, `docker.io` when none is given. */
  domain: string;
  /** Repository path, with `library/` for official images on docker.io. */
  path: string;
  tag: string | undefined;
  digest: string | undefined;
}

const DEFAULT_DOMAIN = 'docker.io';
const OFFICIAL_PREFIX = 'library/';

export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim();
  if (rest === '' || /[A-Z]/.test(rest.split('@')[0]?.split('/').slice(-1)[0]?.split(':')[0] ?? '')) {
    throw new Error(`invalid image reference ${JSON.stringify(ref)}`);
  }
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  // The first component is a registry host if it has a dot or port, or is localhost.
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    domain = first;
    path = rest.slice(slash + 1);
  }
  if (domain === 'index.docker.io') domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `${OFFICIAL_PREFIX}${path}`;
  return { domain, path, tag, digest };
}

/** The fully qualified form, `:latest` added when there is neither tag nor digest. */
export function normalizeImageRef(ref: string): string {
  const r = parseImageRef(ref);
  const tag = r.tag ?? (r.digest === undefined ? 'latest' : undefined);
  return `${r.domain}/${r.path}${tag !== undefined ? `:${tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

/** The short form Docker shows: without `docker.io/` and `library/`, with the tag. */
export function familiarImageRef(ref: string): string {
  const full = normalizeImageRef(ref);
  const noDomain = full.startsWith(`${DEFAULT_DOMAIN}/`) ? full.slice(DEFAULT_DOMAIN.length + 1) : full;
  return noDomain.startsWith(OFFICIAL_PREFIX) && full.startsWith(`${DEFAULT_DOMAIN}/`) ? noDomain.slice(OFFICIAL_PREFIX.length) : noDomain;
}
