// Summarizes V8 .cpuprofile files (written by `node --cpu-prof`): self time by function and by
// area (our store's folders, npm packages, Node internals, GC), and inclusive time by function.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import type { SourceMapPayload } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  fn: string;
  location: string;
  area: string;
  ms: number;
  /** Percent of the busy (non-idle) time. */
  pct: number;
}

export interface ProfileSummary {
  file: string;
  label: string;
  wallMs: number;
  idleMs: number;
  busyMs: number;
  areas: { area: string; ms: number; pct: number }[];
  topSelf: FunctionTime[];
  /** Our own code (services/, lib/) by inclusive time: what each of our functions costs with its callees. */
  topOursTotal: FunctionTime[];
}

const sourceMaps = new Map<string, SourceMap | null>();

function sourceMapFor(file: string): SourceMap | null {
  let sm = sourceMaps.get(file);
  if (sm !== undefined) return sm;
  sm = null;
  const mapFile = `${file}.map`;
  if (existsSync(mapFile)) {
    try {
      sm = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload);
    } catch {
      sm = null;
    }
  }
  sourceMaps.set(file, sm);
  return sm;
}

/** file:line of the original TypeScript source when a source map is there, else of the JS. */
function location(cf: CallFrame, repoRoot: string): string {
  if (!cf.url) return '';
  if (!cf.url.startsWith('file://')) return `${cf.url}:${cf.lineNumber + 1}`;
  const file = fileURLToPath(cf.url);
  const sm = file.includes(`${path.sep}dist${path.sep}`) ? sourceMapFor(file) : null;
  const entry = sm?.findEntry(cf.lineNumber, cf.columnNumber);
  if (entry && 'originalSource' in entry) {
    const src = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(file), entry.originalSource);
    return `${path.relative(repoRoot, src)}:${entry.originalLine + 1}`;
  }
  return `${path.relative(repoRoot, file)}:${cf.lineNumber + 1}`;
}

/** Which part of the program a frame belongs to. */
function areaOf(cf: CallFrame): string {
  const url = cf.url;
  if (!url) {
    if (cf.functionName.startsWith('(')) return cf.functionName; // (idle), (program), (garbage collector)
    return '(native)';
  }
  if (url.startsWith('node:')) {
    const parts = url.slice(5).split('/');
    return `node:${parts[0] === 'internal' ? `internal/${parts[1] ?? ''}` : (parts[0] ?? '')}`.replace(/\.js$/, '');
  }
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 14).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? url);
  }
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) {
    const parts = url.slice(dist + 6).split('/');
    return parts.length > 3 ? parts.slice(0, 3).join('/') : parts.slice(0, -1).join('/') || (parts[0] ?? url);
  }
  return path.basename(url);
}

export function summarizeProfile(file: string, label: string, repoRoot: string, top = 25): ProfileSummary {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const n of prof.nodes) byId.set(n.id, n);
  // Each sample's time is the gap to the next sample.
  const selfUs = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    const dt = prof.timeDeltas[i + 1] ?? 0;
    if (id !== undefined) selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
  }
  const keyOf = (n: ProfileNode): string =>
    `${n.callFrame.functionName || '(anonymous)'}\u0000${n.callFrame.url}\u0000${n.callFrame.lineNumber}\u0000${n.callFrame.columnNumber}`;
  const info = new Map<string, { fn: string; cf: CallFrame }>();
  const selfByFn = new Map<string, number>();
  const totalByFn = new Map<string, number>();
  const areaUs = new Map<string, number>();
  let idleUs = 0;
  let allUs = 0;

  // Subtree totals, computed iteratively (profiles can be deep).
  const root = prof.nodes[0];
  const subtree = new Map<number, number>();
  const order: ProfileNode[] = [];
  if (root) {
    const stack: ProfileNode[] = [root];
    while (stack.length) {
      const n = stack.pop() as ProfileNode;
      order.push(n);
      for (const c of n.children ?? []) {
        const child = byId.get(c);
        if (child) stack.push(child);
      }
    }
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i] as ProfileNode;
    let t = selfUs.get(n.id) ?? 0;
    for (const c of n.children ?? []) t += subtree.get(c) ?? 0;
    subtree.set(n.id, t);
  }
  // Inclusive time per function: count a node's subtree unless the same function is already on
  // the path above it (recursion).
  if (root) {
    const onPath = new Map<string, number>();
    const walk: { n: ProfileNode; enter: boolean }[] = [{ n: root, enter: true }];
    while (walk.length) {
      const { n, enter } = walk.pop() as { n: ProfileNode; enter: boolean };
      const k = keyOf(n);
      if (!enter) {
        const c = (onPath.get(k) ?? 1) - 1;
        if (c === 0) onPath.delete(k);
        else onPath.set(k, c);
        continue;
      }
      if (!onPath.has(k)) totalByFn.set(k, (totalByFn.get(k) ?? 0) + (subtree.get(n.id) ?? 0));
      onPath.set(k, (onPath.get(k) ?? 0) + 1);
      walk.push({ n, enter: false });
      for (const c of n.children ?? []) {
        const child = byId.get(c);
        if (child) walk.push({ n: child, enter: true });
      }
    }
  }
  // A native function (no script) counts towards the area of the nearest caller with a script,
  // e.g. fdatasync under the WAL shows as "services/store/wal (native)".
  const parent = new Map<number, ProfileNode>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const nodeArea = (n: ProfileNode): string => {
    const own = areaOf(n.callFrame);
    if (own !== '(native)') return own;
    for (let p = parent.get(n.id); p; p = parent.get(p.id)) {
      const a = areaOf(p.callFrame);
      if (a !== '(native)' && !a.startsWith('(')) return `${a} (native)`;
    }
    return own;
  };
  for (const n of prof.nodes) {
    const k = keyOf(n);
    info.set(k, { fn: n.callFrame.functionName || '(anonymous)', cf: n.callFrame });
    const s = selfUs.get(n.id) ?? 0;
    allUs += s;
    if (n.callFrame.functionName === '(idle)') idleUs += s;
    selfByFn.set(k, (selfByFn.get(k) ?? 0) + s);
    if (s > 0) {
      const area = nodeArea(n);
      areaUs.set(area, (areaUs.get(area) ?? 0) + s);
    }
  }
  const busyUs = Math.max(1, allUs - idleUs);
  const pct = (us: number): number => Math.round((1000 * us) / busyUs) / 10;
  const ms = (us: number): number => Math.round(us / 100) / 10;
  const skip = new Set(['(idle)', '(root)']);
  const ours = (k: string): boolean => {
    const a = areaOf(info.get(k)?.cf ?? { functionName: '', url: '', lineNumber: 0, columnNumber: 0 });
    return a.startsWith('services/') || a.startsWith('lib/');
  };
  const rank = (m: Map<string, number>, keep: (k: string) => boolean = () => true): FunctionTime[] =>
    [...m.entries()]
      .filter(([k]) => !skip.has(info.get(k)?.fn ?? '') && keep(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => {
        const i = info.get(k) as { fn: string; cf: CallFrame };
        return { fn: i.fn, location: location(i.cf, repoRoot), area: areaOf(i.cf), ms: ms(us), pct: pct(us) };
      });
  return {
    file,
    label,
    wallMs: ms(allUs),
    idleMs: ms(idleUs),
    busyMs: ms(busyUs),
    areas: [...areaUs.entries()]
      .filter(([a]) => a !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, ms: ms(us), pct: pct(us) })),
    topSelf: rank(selfByFn),
    topOursTotal: rank(totalByFn, ours),
  };
}

export function formatProfile(s: ProfileSummary, limits: { areas: number; self: number; ours: number } = { areas: 12, self: 15, ours: 12 }): string {
  const lines: string[] = [];
  const busyPct = s.wallMs > 0 ? (100 * s.busyMs) / s.wallMs : 0;
  lines.push(`== ${s.label}: busy ${(s.busyMs / 1000).toFixed(2)} s of ${(s.wallMs / 1000).toFixed(2)} s (not idle ${busyPct.toFixed(0)}% of the window; under CPU contention this includes waiting for a core) [${path.basename(s.file)}]`);
  lines.push('  self time by area (% of busy time):');
  for (const a of s.areas.slice(0, limits.areas)) lines.push(`    ${a.pct.toFixed(1).padStart(5)}%  ${a.area}`);
  if (limits.self > 0) {
    lines.push('  top functions by self time:');
    for (const f of s.topSelf.slice(0, limits.self)) lines.push(`    ${f.pct.toFixed(1).padStart(5)}%  ${f.fn}  ${f.location}`);
  }
  if (limits.ours > 0) {
    lines.push('  our functions by inclusive time (with callees):');
    for (const f of s.topOursTotal.slice(0, limits.ours)) lines.push(`    ${f.pct.toFixed(1).padStart(5)}%  ${f.fn}  ${f.location}`);
  }
  return lines.join('\n');
}
