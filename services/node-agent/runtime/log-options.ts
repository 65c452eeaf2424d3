// Pod log options (as `kubectl logs`) to Docker's container logs query.

import type { LogOptions } from './types.js';

export interface DockerLogsQuery {
  stdout: true;
  stderr: true;
  follow: boolean;
  timestamps: boolean;
  /** 'all' or a line count. */
  tail: number | 'all';
  /** Unix seconds (fractional allowed); 0 = from the start. */
  since: number;
}

/** sinceTime wins over sinceSeconds (the API server allows only one); `now` in ms. */
export function dockerLogsQuery(opts: LogOptions, now: number): DockerLogsQuery {
  let since = 0;
  if (opts.sinceTime !== undefined) since = opts.sinceTime.getTime() / 1000;
  else if (opts.sinceSeconds !== undefined && opts.sinceSeconds > 0) since = now / 1000 - opts.sinceSeconds;
  return {
    stdout: true,
    stderr: true,
    follow: opts.follow ?? false,
    timestamps: opts.timestamps ?? false,
    tail: opts.tailLines !== undefined && opts.tailLines >= 0 ? opts.tailLines : 'all',
    since: Math.max(0, since),
  };
}
