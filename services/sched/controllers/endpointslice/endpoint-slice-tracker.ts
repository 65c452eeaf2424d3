// EndpointSliceTracker: the generation of every slice this controller wrote, per Service, so a
// sync can tell that the informer cache has not caught up with its own writes (and retry
// rather than create duplicates), and an event can tell the controller's own writes from
// someone else's.
import type { KubeObject } from '../../../../lib/api/object.js';
import { LABEL_SERVICE_NAME } from './endpoint-slice-types.js';

/** Marks a slice this controller deleted and expects to see go. */
const DELETION_EXPECTED = -1;

function serviceKeyOf(slice: KubeObject): string {
  return `${slice.metadata.namespace ?? ''}/${slice.metadata.labels?.[LABEL_SERVICE_NAME] ?? ''}`;
}

export class EndpointSliceTracker {
  /** service key → slice uid → generation written (or DELETION_EXPECTED). */
  private readonly generations = new Map<string, Map<string, number>>();
  private readonly serviceUids = new Map<string, string>();

  private forSlice(slice: KubeObject, create: boolean): Map<string, number> | undefined {
    const key = serviceKeyOf(slice);
    let g = this.generations.get(key);
    if (!g && create) this.generations.set(key, (g = new Map()));
    return g;
  }

  has(slice: KubeObject): boolean {
    return this.forSlice(slice, false)?.has(slice.metadata.uid ?? '') ?? false;
  }

  /** Whether an event about this slice is news: untracked, or newer than what we wrote. */
  shouldSync(slice: KubeObject): boolean {
    const g = this.forSlice(slice, false)?.get(slice.metadata.uid ?? '');
    return g === undefined || (slice.metadata.generation ?? 0) > g;
  }

  /**
   * Whether the cached slices lag behind our writes: one older than written, one expected
   * deleted still there, or one written but missing. A Service recreated under the same name
   * (new uid) forgets the old one's writes.
   */
  staleSlices(svc: KubeObject, slices: readonly KubeObject[]): boolean {
    const key = `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
    const uid = svc.metadata.uid ?? '';
    const tracked = this.serviceUids.get(key);
    if (tracked !== undefined && tracked !== '' && uid !== '' && tracked !== uid) this.generations.delete(key);
    this.serviceUids.set(key, uid);
    const gens = this.generations.get(key);
    if (!gens) return false;
    const provided = new Set<string>();
    for (const s of slices) {
      const sliceUid = s.metadata.uid ?? '';
      provided.add(sliceUid);
      const g = gens.get(sliceUid);
      if (g !== undefined && (g === DELETION_EXPECTED || g > (s.metadata.generation ?? 0))) return true;
    }
    for (const [sliceUid, g] of gens) if (g !== DELETION_EXPECTED && !provided.has(sliceUid)) return true;
    return false;
  }

  /** Records a slice as written (created or updated). */
  update(slice: KubeObject): void {
    this.forSlice(slice, true)?.set(slice.metadata.uid ?? '', slice.metadata.generation ?? 0);
  }

  expectDeletion(slice: KubeObject): void {
    this.forSlice(slice, true)?.set(slice.metadata.uid ?? '', DELETION_EXPECTED);
  }

  /** Forgets a deleted slice; false when the deletion was not ours (so the Service needs a sync). */
  handleDeletion(slice: KubeObject): boolean {
    const gens = this.forSlice(slice, false);
    if (!gens) return true;
    const uid = slice.metadata.uid ?? '';
    const g = gens.get(uid);
    gens.delete(uid);
    return g === undefined || g === DELETION_EXPECTED;
  }

  deleteService(namespace: string, name: string): void {
    this.generations.delete(`${namespace}/${name}`);
    this.serviceUids.delete(`${namespace}/${name}`);
  }
}
