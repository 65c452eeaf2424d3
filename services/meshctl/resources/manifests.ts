// -f: objects from files, directories (their .json, .yaml and .yml files; -R for subfolders)
// and standard input ("-"), YAML or JSON, several documents per file, List kinds expanded.
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Tags } from 'yaml';
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';

export interface Manifest {
  /** The file as given ("STDIN" for -). */
  source: string;
  object: KubeObject;
}

/**
 * kubectl reads YAML 1.1 as go-yaml v2 does: yes/no/on/off/y/n are booleans and 0755 is
 * octal, but timestamps and 10:30 stay strings.
 */
const DROPPED_TAGS = new Set(['timestamp', 'intTime', 'floatTime']);
const GO_YAML_TAGS = (tags: Tags): Tags =>
  tags.filter((t) => (typeof t === 'string' ? !DROPPED_TAGS.has(t) : t.tag !== 'tag:yaml.org,2002:timestamp' && !('format' in t && t.format === 'TIME')));

const EXTENSIONS = new Set(['.json', '.yaml', '.yml']);

async function filesUnder(dir: string, recursive: boolean): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) out.push(...(await filesUnder(p, recursive)));
    } else if (EXTENSIONS.has(path.extname(e.name))) out.push(p);
  }
  return out;
}

function expand(doc: unknown, source: string, out: Manifest[]): void {
  if (doc === null || doc === undefined) return;
  if (!isRecord(doc)) throw new CliError(`error validating "${source}": error validating data: invalid object`);
  const missing = [typeof doc.apiVersion !== 'string' || doc.apiVersion === '' ? 'apiVersion not set' : '', typeof doc.kind !== 'string' || doc.kind === '' ? 'kind not set' : ''].filter((x) => x !== '');
  if (missing.length > 0) throw new CliError(`error validating "${source}": error validating data: [${missing.join(', ')}]; if you choose to ignore these errors, turn validation off with --validate=false`);
  if (typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) {
    for (const item of doc.items) expand(item, source, out);
    return;
  }
  if (!isRecord(doc.metadata)) doc.metadata = {};
  out.push({ source, object: doc as KubeObject });
}

/** Parses the documents of one file's text. */
export function parseManifests(text: string, source: string): Manifest[] {
  const out: Manifest[] = [];
  for (const d of parseAllDocuments(text, { version: '1.1', customTags: GO_YAML_TAGS })) {
    if (d.errors.length > 0) throw new CliError(`error parsing ${source}: ${d.errors[0]?.message.split('\n')[0] ?? 'invalid YAML'}`);
    expand(d.toJS(), source, out);
  }
  return out;
}

export async function readManifests(io: CliIo, files: readonly string[], recursive: boolean): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const f of files) {
    if (f === '-') {
      out.push(...parseManifests(await io.readStdin(), 'STDIN'));
      continue;
    }
    const abs = path.resolve(io.cwd, f);
    let isDir: boolean;
    try {
      isDir = (await stat(abs)).isDirectory();
    } catch {
      throw new CliError(`the path "${f}" does not exist`);
    }
    const paths = isDir ? await filesUnder(abs, recursive) : [abs];
    for (const p of paths) {
      const source = isDir ? path.join(f, path.relative(abs, p)) : f;
      out.push(...parseManifests(await readFile(p, 'utf8'), source));
    }
  }
  return out;
}
