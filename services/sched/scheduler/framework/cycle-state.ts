// framework.CycleState: data one plugin computes for the pod being scheduled (at PreFilter or
// PreScore) and reads at later extension points of the same attempt. A new one per attempt.

/** A typed slot in the CycleState; each plugin owns its keys. */
export class StateKey<T> {
  declare private readonly _type: T;
  constructor(readonly name: string) {}
}

export class CycleState {
  private readonly data = new Map<StateKey<unknown>, unknown>();
  /** Filter plugins whose PreFilter returned Skip. */
  readonly skipFilterPlugins = new Set<string>();
  /** Score plugins whose PreScore returned Skip. */
  readonly skipScorePlugins = new Set<string>();

  write<T>(key: StateKey<T>, value: T): void {
    this.data.set(key, value);
  }

  read<T>(key: StateKey<T>): T | undefined {
    // The key's type parameter is what was written under it.
    return this.data.get(key) as T | undefined;
  }
}
