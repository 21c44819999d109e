import { setImmediate as nextTurn } from 'node:timers/promises';

/** Runs a stepwise computation to its end at once. */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs a stepwise computation, giving the event loop a turn whenever `sliceMs` have passed, so a
 * server splitting a large document still answers other requests meanwhile.
 */
export async function runStepsYielding<T>(steps: Generator<void, T>, sliceMs = 10): Promise<T> {
  let sliceEnd = performance.now() + sliceMs;
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() >= sliceEnd) {
      await nextTurn();
      sliceEnd = performance.now() + sliceMs;
    }
  }
}
