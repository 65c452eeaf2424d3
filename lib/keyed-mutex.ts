// In-process mutual exclusion: a FIFO Mutex, and a KeyedMutex that serialises work per key (for
// example one container's set-up and tear-down, or one node's lease renewals) while different
// keys run concurrently.

export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  /** Run `fn` after every earlier `run` has settled; its result or error is passed through. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Whether work for `key` is queued or running. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  /** Keys with work queued or running. */
  keys(): string[] {
    return [...this.tails.keys()];
  }

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const result = prev.then(fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
