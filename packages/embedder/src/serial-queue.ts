/**
 * Runs tasks one at a time in call order. Inference batches from concurrent `embed` calls take
 * turns, so at most one batch's activations exist at once and memory stays bounded.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
