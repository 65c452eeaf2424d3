// `meshctl image list`: the local mesh/* images as `docker images` shows them. The table is pure;
// listMeshImages is the one Docker call.

import type Dockerode from 'dockerode';
import { tabbed } from '../output/tab-writer.js';

export interface LocalImage {
  repository: string;
  tag: string;
  /** sha256:... */
  id: string;
  /** Seconds since the epoch. */
  created: number;
  /** Bytes. */
  size: number;
}

/** go-units HumanSizeWithPrecision(size, 3), as `docker images` prints sizes: 83.2MB, 512B, 1.5GB. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < units.length - 1) {
    size /= 1000;
    i++;
  }
  return `${Number(size.toPrecision(3))}${units[i] ?? ''}`;
}

/** go-units HumanDuration, as `docker images` prints ages ("5 minutes", "About an hour", "3 days"). */
export function dockerHumanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/** REPOSITORY TAG IMAGE ID CREATED SIZE, sorted by repository and tag. */
export function formatImageList(images: readonly LocalImage[], now: Date = new Date()): string {
  const rows = [...images].sort((a, b) => (a.repository === b.repository ? (a.tag < b.tag ? -1 : 1) : a.repository < b.repository ? -1 : 1));
  const lines = ['REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE'];
  for (const r of rows) {
    lines.push([r.repository, r.tag, r.id.replace(/^sha256:/, '').slice(0, 12), `${dockerHumanDuration(now.getTime() - r.created * 1000)} ago`, humanSize(r.size)].join('\t'));
  }
  // The docker CLI's table writer: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0).
  return tabbed(`${lines.join('\n')}\n`, { minWidth: 10, padding: 3 });
}

/** The mesh/* images present (one row per tag). */
export async function listMeshImages(docker: Dockerode): Promise<LocalImage[]> {
  const found = await docker.listImages({ filters: { reference: ['mesh/*'] } });
  const out: LocalImage[] = [];
  for (const img of found) {
    for (const ref of img.RepoTags ?? []) {
      const colon = ref.lastIndexOf(':');
      if (!ref.startsWith('mesh/') || colon < 0) continue;
      out.push({ repository: ref.slice(0, colon), tag: ref.slice(colon + 1), id: img.Id, created: img.Created, size: img.Size });
    }
  }
  return out;
}
