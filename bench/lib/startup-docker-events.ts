// Docker's event stream for the bench's pods: create, start and die of their sandboxes and
// containers, stamped with the daemon's own nanosecond time (the same machine clock as ours).
import type Dockerode from 'dockerode';
import type { DockerPodEvent } from './startup-timeline.js';

interface RawEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

/** The event of one line of the stream, or undefined when it is not one of ours. */
export function parseDockerEvent(line: string): DockerPodEvent | undefined {
  let raw: RawEvent;
  try {
    raw = JSON.parse(line) as RawEvent;
  } catch {
    return undefined;
  }
  const attrs = raw.Actor?.Attributes ?? {};
  const uid = attrs['io.kubernetes.pod.uid'];
  const kind = attrs['io.kubernetes.docker.type'];
  const action = raw.Action;
  if (uid === undefined || (kind !== 'podsandbox' && kind !== 'container')) return undefined;
  if (action !== 'create' && action !== 'start' && action !== 'die') return undefined;
  const at = raw.timeNano !== undefined ? raw.timeNano / 1e6 : (raw.time ?? 0) * 1000;
  return { uid, kind, action, at };
}

export class DockerEventTap {
  private constructor(private readonly stream: NodeJS.ReadableStream & { destroy?: () => void }) {}

  /** Subscribes (resolves once the daemon streams) to the events of the pods of `namespace`. */
  static async start(docker: Dockerode, namespace: string, onEvent: (ev: DockerPodEvent) => void): Promise<DockerEventTap> {
    const stream = (await docker.getEvents({ filters: { type: ['container'], event: ['create', 'start', 'die'], label: [`io.kubernetes.pod.namespace=${namespace}`] } })) as NodeJS.ReadableStream & { destroy?: () => void };
    let buf = '';
    stream.on('data', (chunk: Buffer | string) => {
      buf += chunk.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line === '') continue;
        const ev = parseDockerEvent(line);
        if (ev) onEvent(ev);
      }
    });
    stream.on('error', () => undefined);
    return new DockerEventTap(stream);
  }

  stop(): void {
    this.stream.destroy?.();
  }
}
