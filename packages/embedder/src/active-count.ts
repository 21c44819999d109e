/** Counts work in progress so `close()` can wait until none is left. */
export class ActiveCount {
  private active = 0;
  private waiters: (() => void)[] = [];

  /** Marks one unit of work started; call the returned function once when it ends. */
  acquire(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      if (this.active === 0) for (const wake of this.waiters.splice(0)) wake();
    };
  }

  /** Resolves when no work is in progress. */
  idle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
