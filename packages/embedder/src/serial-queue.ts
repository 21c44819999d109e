/** Which lane a task waits in: `high` tasks start before any waiting `normal` one. */
export type TaskPriority = 'high' | 'normal';

/**
 * Runs tasks one at a time: inference batches from concurrent `embed` calls take turns, so at
 * most one batch's activations exist at once and memory stays bounded. Within a lane tasks run in
 * call order; a waiting `high` task goes before every waiting `normal` one, so a few interactive
 * texts wait for at most the batch already running, not for a bulk load's queue.
 */
export class SerialQueue {
  #running = false;
  readonly #lanes: Record<TaskPriority, (() => void)[]> = { high: [], normal: [] };

  run<T>(task: () => Promise<T>, priority: TaskPriority = 'normal'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => this.#next());
      };
      if (this.#running) {
        this.#lanes[priority].push(start);
      } else {
        this.#running = true;
        start();
      }
    });
  }

  #next(): void {
    const start = this.#lanes.high.shift() ?? this.#lanes.normal.shift();
    if (start === undefined) this.#running = false;
    // ONNX Runtime's run blocks the thread; started from a microtask, back-to-back batches would
    // starve I/O callbacks (a worker's database reads and writes, lock renewals) until the queue
    // drained. setImmediate lets pending I/O run between batches.
    else setImmediate(start);
  }
}
