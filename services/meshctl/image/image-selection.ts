// Which of our local images a `meshctl image build` run builds (--only), and the line it prints
// for each. Pure.

import { BASE_IMAGE, DEMO_BACKEND_V1, DEMO_BACKEND_V2, DEMO_FRONTEND, PAUSE_IMAGE, PROXY_IMAGE } from '../../../lib/images/index.js';

/** Every image `meshctl image build` knows, in build order (mesh/base first: the others build on it). */
export const LOCAL_IMAGE_TAGS: readonly string[] = [BASE_IMAGE, PAUSE_IMAGE, DEMO_BACKEND_V1, DEMO_BACKEND_V2, DEMO_FRONTEND, PROXY_IMAGE];

/** Images built FROM mesh/base:latest. */
const ON_BASE: readonly string[] = [DEMO_BACKEND_V1, DEMO_BACKEND_V2, DEMO_FRONTEND, PROXY_IMAGE];

/** `name` or `name:tag`; a name without a tag means :latest, as for docker. */
export function normalizeTag(ref: string): string {
  const lastSlash = ref.lastIndexOf('/');
  return ref.slice(lastSlash + 1).includes(':') ? ref : `${ref}:latest`;
}

export interface ImageSelection {
  /** The images asked for. */
  wanted: ReadonlySet<string>;
  /** Whether mesh/base must be present (asked for, or an image built on it is). */
  needsBase: boolean;
  /** Whether an image built on mesh/base is asked for. */
  onBase: boolean;
}

/** The images --only names (all of them when it names none); throws on an image we do not build. */
export function selectImages(only: readonly string[] = []): ImageSelection {
  const wanted = new Set(only.length === 0 ? LOCAL_IMAGE_TAGS : only.map(normalizeTag));
  const unknown = [...wanted].filter((t) => !LOCAL_IMAGE_TAGS.includes(t));
  if (unknown.length > 0) throw new Error(`unknown image ${unknown.map((t) => `"${t}"`).join(', ')}; meshctl builds ${LOCAL_IMAGE_TAGS.join(', ')}`);
  const onBase = ON_BASE.some((t) => wanted.has(t));
  return { wanted, needsBase: onBase || wanted.has(BASE_IMAGE), onBase };
}

/** The outcome for one image. */
export interface ImageBuildReport {
  tag: string;
  /** True when it was built now; false when it was up to date or skipped. */
  built: boolean;
  /** Why it was not built at all (e.g. "services/proxy is not built yet"). */
  skipped?: string;
  /** How long checking and (re)building took. */
  durationMs?: number;
}

/** `mesh/base:latest: built (1.2s)`, `mesh/base:latest: up to date`, `mesh/proxy: skipped (reason)`. */
export function reportLine(r: ImageBuildReport): string {
  if (r.skipped !== undefined) return `${r.tag.replace(/:latest$/, '')}: skipped (${r.skipped})`;
  if (!r.built) return `${r.tag}: up to date`;
  return `${r.tag}: built (${((r.durationMs ?? 0) / 1000).toFixed(1)}s)`;
}
