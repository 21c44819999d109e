import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue.js';

/** A promise the test settles by hand, so ordering is decided by the test, not by timers. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending microtask (and chained `then`) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SerialQueue', () => {
  it('returns each task result', async () => {
    const queue = new SerialQueue();
    await expect(queue.run(async () => 42)).resolves.toBe(42);
  });

  it('runs tasks one at a time in call order, even when a later task would finish first', async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
    const results = gates.map((gate, i) =>
      queue.run(async () => {
        events.push(`start ${i}`);
        await gate.promise;
        events.push(`end ${i}`);
        return i;
      }),
    );
    await settle();
    expect(events).toEqual(['start 0']);
    // Releasing the later tasks first must not let them start before task 0 ends.
    gates[2]!.resolve();
    gates[1]!.resolve();
    await settle();
    expect(events).toEqual(['start 0']);
    gates[0]!.resolve();
    await expect(Promise.all(results)).resolves.toEqual([0, 1, 2]);
    expect(events).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('never has two tasks running at once', async () => {
    const queue = new SerialQueue();
    let running = 0;
    let most = 0;
    const task = async (): Promise<void> => {
      running++;
      most = Math.max(most, running);
      await settle();
      running--;
    };
    await Promise.all(Array.from({ length: 20 }, () => queue.run(task)));
    expect(most).toBe(1);
  });

  it('passes a rejection to its own caller and still runs the next task', async () => {
    const queue = new SerialQueue();
    const failure = new Error('boom');
    const failed = queue.run(async () => {
      throw failure;
    });
    const next = queue.run(async () => 'next');
    await expect(failed).rejects.toBe(failure);
    await expect(next).resolves.toBe('next');
  });

  it('waits for a rejected task to settle before starting the next', async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    const gate = deferred<void>();
    const failed = queue.run(async () => {
      events.push('start 0');
      await gate.promise;
      events.push('fail 0');
      throw new Error('boom');
    });
    const next = queue.run(async () => {
      events.push('start 1');
    });
    await settle();
    expect(events).toEqual(['start 0']);
    gate.resolve();
    await expect(failed).rejects.toThrow('boom');
    await next;
    expect(events).toEqual(['start 0', 'fail 0', 'start 1']);
  });

  it('survives a task that throws synchronously', async () => {
    const queue = new SerialQueue();
    const failed = queue.run((): Promise<never> => {
      throw new TypeError('sync');
    });
    await expect(failed).rejects.toThrow(TypeError);
    await expect(queue.run(async () => 'after')).resolves.toBe('after');
  });

  it('keeps going after many rejections in a row', async () => {
    const queue = new SerialQueue();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        queue.run(async () => {
          if (i % 2 === 0) throw new Error(`task ${i}`);
          return i;
        }),
      ),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 'rejected' : 'fulfilled')),
    );
  });
});

describe('SerialQueue priorities', () => {
  it('starts a waiting high task before waiting normal ones, after the running task', async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    const gate = deferred<void>();
    const task = (name: string, wait?: Promise<void>) => async () => {
      events.push(`start ${name}`);
      await wait;
      events.push(`end ${name}`);
    };
    const all = [
      queue.run(task('bulk 0', gate.promise)),
      queue.run(task('bulk 1')),
      queue.run(task('bulk 2')),
      queue.run(task('query'), 'high'),
    ];
    await settle();
    expect(events).toEqual(['start bulk 0']);
    gate.resolve();
    await Promise.all(all);
    expect(events).toEqual([
      'start bulk 0',
      'end bulk 0',
      'start query',
      'end query',
      'start bulk 1',
      'end bulk 1',
      'start bulk 2',
      'end bulk 2',
    ]);
  });

  it('keeps going after a task fails', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(async () => {
      throw new Error('boom');
    });
    const next = queue.run(async () => 'ok', 'high');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
