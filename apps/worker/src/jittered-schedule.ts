export interface Schedule {
  /** Stops the timer and waits for a running pass. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `intervalMs`, with +-20% jitter so a fleet started together does not knock
 * at once; the next pass is timed from the end of the last, so passes never overlap. 0 = off.
 * `pass` handles its own errors.
 */
export function startJitteredSchedule(intervalMs: number, pass: () => Promise<void>): Schedule {
  if (intervalMs === 0) return { stop: async () => undefined };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        running = pass().finally(() => {
          running = undefined;
          schedule();
        });
      },
      intervalMs * (0.8 + 0.4 * Math.random()),
    );
    timer.unref();
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
