// Images built on mesh/base (the demo apps, the proxy): a Dockerfile FROM mesh/base:latest plus
// the files copied into it. Pure, like image-plan.ts.
//
// The base image's ID goes into the Dockerfile as a label, so it is part of the source hash: when
// mesh/base is rebuilt (new Node.js, new busybox), every image on top of it is stale and rebuilt.

import { posix } from 'node:path';
import { BASE_IMAGE } from './image-plan.js';
import type { ImagePlan, RootfsEntry } from './image-plan.js';

/** The label naming the ID of the mesh/base image an image was built on. */
export const BASE_ID_LABEL = 'meshkube.image.base-id';

export interface AppImageInput {
  tag: string;
  /** The ID (sha256:...) of the present mesh/base:latest. */
  baseImageId: string;
  /** Files and folders added to the base (file sources are host paths). */
  rootfs: RootfsEntry[];
  /** ENV lines, in this order. */
  env?: ReadonlyArray<readonly [string, string]>;
  /** EXPOSE'd TCP ports. */
  expose?: readonly number[];
  workdir?: string;
  /** The CMD, exec form. */
  cmd: readonly string[];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A plan FROM mesh/base:latest: label with the base ID, COPY rootfs/ /, ENV, EXPOSE, WORKDIR, CMD. */
export function appImagePlan(input: AppImageInput): ImagePlan {
  if (!/^sha256:[0-9a-f]{64}$/.test(input.baseImageId)) throw new Error(`${input.tag}: base image ID ${JSON.stringify(input.baseImageId)} is not sha256:<64 hex>`);
  const lines = [`FROM ${BASE_IMAGE}`, `LABEL ${BASE_ID_LABEL}="${input.baseImageId}"`, 'COPY rootfs/ /'];
  for (const [name, value] of input.env ?? []) {
    if (!ENV_NAME.test(name)) throw new Error(`${input.tag}: bad environment variable name ${JSON.stringify(name)}`);
    // A JSON string is a valid double-quoted Dockerfile word for the values we use (no `$`).
    if (value.includes('$')) throw new Error(`${input.tag}: environment value of ${name} must not contain '$'`);
    lines.push(`ENV ${name}=${JSON.stringify(value)}`);
  }
  for (const port of input.expose ?? []) lines.push(`EXPOSE ${port}`);
  if (input.workdir !== undefined) lines.push(`WORKDIR ${input.workdir}`);
  lines.push(`CMD [${input.cmd.map((a) => JSON.stringify(a)).join(', ')}]`);
  return { tag: input.tag, dockerfile: `${lines.join('\n')}\n`, rootfs: withParentDirs(input.rootfs) };
}

/** The entries plus a 0755 dir entry for every parent folder not listed (so modes never depend on a umask). */
function withParentDirs(entries: readonly RootfsEntry[]): RootfsEntry[] {
  const listed = new Set(entries.map((e) => posix.normalize(e.path)));
  const dirs = new Set<string>();
  for (const e of entries) {
    for (let d = posix.dirname(posix.normalize(e.path)); d !== '/' && !listed.has(d); d = posix.dirname(d)) dirs.add(d);
  }
  const parents = [...dirs].sort().map((path): RootfsEntry => ({ kind: 'dir', path, mode: 0o755 }));
  return [...parents, ...entries.map((e) => ({ ...e, path: posix.normalize(e.path) }))];
}
