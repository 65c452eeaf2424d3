// The list mix: a namespace of n ConfigMaps, listed whole and with a label selector that
// matches one in five, alternately. Every answer's item count is checked, so a short or wrong
// list counts as an error: by counting the items' names in the raw body (parsing 500 objects
// on every answer would cost the client about as much CPU as the server), and with a full
// parse of every 16th answer.
import type { ApiClient } from './api-client.js';
import { errorText, statusText } from './api-client.js';
import type { OpOutcome } from './api-mutations.js';
import { configMapBody, kindPath } from './api-objects.js';

/** Label every ConfigMap of the list namespace carries; tier t0 holds one object in five. */
export const TIER_LABEL = 'bench.meshkube.io/tier';
export const TIERS = 5;
const NAME_PREFIX = 'list-';
const FULL_PARSE_EVERY = 16;
const NAME_NEEDLE = Buffer.from(`"name":"${NAME_PREFIX}`);

/** Occurrences of `needle` in `buf` (native search, no decoding). */
function countOf(buf: Buffer, needle: Buffer): number {
  let n = 0;
  for (let at = buf.indexOf(needle); at >= 0; at = buf.indexOf(needle, at + needle.length)) n++;
  return n;
}

export class ListMix {
  private seq = 0;

  constructor(
    private readonly client: ApiClient,
    readonly namespace: string,
    readonly objects: number,
  ) {}

  /** Objects the selector list must return: those with index % TIERS === 0. */
  get selectedObjects(): number {
    return Math.ceil(this.objects / TIERS);
  }

  /** Creates the namespace's ConfigMaps (not measured), `parallel` at a time. */
  async seed(parallel = 16): Promise<void> {
    let next = 0;
    const failures: string[] = [];
    const worker = async (): Promise<void> => {
      while (next < this.objects) {
        const i = next++;
        const body = configMapBody(this.namespace, `${NAME_PREFIX}${String(i).padStart(6, '0')}`, { [TIER_LABEL]: `t${i % TIERS}` });
        try {
          const r = await this.client.request('POST', kindPath('ConfigMap', this.namespace), body);
          if (r.status !== 201) failures.push(statusText(r));
        } catch (err) {
          failures.push(errorText(err));
        }
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    if (failures.length > 0) throw new Error(`seeding ${this.namespace}: ${failures.length} creates failed, e.g. ${failures[0] ?? ''}`);
  }

  /** The next list of the alternation. Never rejects. */
  async next(): Promise<OpOutcome> {
    const n = this.seq++;
    const selector = n % 2 === 1;
    const label = selector ? 'list selector' : 'list all';
    const want = selector ? this.selectedObjects : this.objects;
    const path = kindPath('ConfigMap', this.namespace) + (selector ? `?labelSelector=${encodeURIComponent(`${TIER_LABEL}=t0`)}` : '');
    try {
      const r = await this.client.request('GET', path);
      if (r.status !== 200) return { label, error: `GET: ${statusText(r)}` };
      const names = countOf(r.body, NAME_NEEDLE);
      if (names !== want) return { label, error: `GET: ${names} item names, want ${want}` };
      if (n % FULL_PARSE_EVERY < 2) {
        const list = JSON.parse(r.body.toString('utf8')) as { items?: unknown };
        const items = Array.isArray(list.items) ? list.items.length : -1;
        if (items !== want) return { label, error: `GET: ${items} items, want ${want}` };
      }
      return { label };
    } catch (err) {
      return { label, error: `GET: ${errorText(err)}` };
    }
  }
}
