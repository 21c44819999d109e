/**
 * Counts work in progress and lets others wait until there is none: re-embedding jobs wait on
 * the ingest jobs' gate between inference slices, so live ingest keeps its latency.
 */
export class IdleGate {
  #active = 0;
  #waiters: (() => void)[] = [];
  #turns: Promise<unknown> = Promise.resolve();

  /** Runs `work` counted as active. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.#active++;
    try {
      return await work();
    } finally {
      this.#active--;
      if (this.#active === 0) for (const wake of this.#waiters.splice(0)) wake();
    }
  }

  /**
   * Runs `work` once nothing is active, one such work at a time: what it holds the CPU for is
   * what an ingest job arriving meanwhile waits at most.
   */
  yieldingTurn<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.#turns.then(async () => {
      await this.idle();
      return work();
    });
    this.#turns = turn.catch(() => undefined);
    return turn;
  }

  /** Resolves at once when nothing is active, else when the last active work ends. */
  idle(): Promise<void> {
    if (this.#active === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}
