// A worker thread spoken to one request at a time: each message waits for the thread's next
// reply. The load pool (store bench) and the watch pool (API bench) are built from these.
import { Worker } from 'node:worker_threads';

interface PendingReply<Reply> {
  resolve: (msg: Reply) => void;
  reject: (err: Error) => void;
}

export class RequestWorker<Request extends { type: string }, Reply> {
  private readonly worker: Worker;
  private pending: PendingReply<Reply> | undefined;
  private dead: Error | undefined;

  /** `name` starts every error about this worker, e.g. "load worker 2". */
  constructor(
    readonly name: string,
    script: URL,
  ) {
    this.worker = new Worker(script);
    this.worker.on('message', (msg: Reply) => {
      const p = this.pending;
      this.pending = undefined;
      p?.resolve(msg);
    });
    const fail = (err: Error): void => {
      this.dead = err;
      const p = this.pending;
      this.pending = undefined;
      p?.reject(err);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`${name} exited (code ${code})`)));
  }

  /** Sends a message and waits for the worker's next reply; at most timeoutMs when given. */
  async request(msg: Request, timeoutMs?: number): Promise<Reply> {
    if (this.dead) throw this.dead;
    if (this.pending) throw new Error(`${this.name} is busy`);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<Reply>((resolve, reject) => {
        this.pending = { resolve, reject };
        if (timeoutMs !== undefined) {
          timer = setTimeout(() => {
            this.pending = undefined;
            reject(new Error(`${this.name}: no reply to ${msg.type} within ${timeoutMs} ms`));
          }, timeoutMs);
        }
        this.worker.postMessage(msg);
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the thread; its exit is then no longer an error. */
  async terminate(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

/** `size` workers running `script`, named "<label> 0", "<label> 1", ... */
export function startWorkers<Request extends { type: string }, Reply>(size: number, label: string, script: URL): RequestWorker<Request, Reply>[] {
  return Array.from({ length: size }, (_v, i) => new RequestWorker<Request, Reply>(`${label} ${i}`, script));
}
