import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BatchRunner } from './batch-runner.js';
import type { FromThread, InferenceThreadData, ToThread } from './inference-thread-protocol.js';
import type { InferenceThreadEvent } from './interfaces.js';
import type { PaddedBatch } from './padded-batch.js';

export interface SessionThreadsOptions extends InferenceThreadData {
  readonly sessions: number;
  /** The thread's script; the compiled inference-thread.js when absent (tests give a stand-in). */
  readonly entry?: URL;
  /** Told when a thread dies and when its replacement starts or fails to. */
  readonly onThreadEvent?: (event: InferenceThreadEvent) => void;
}

/**
 * The compiled thread entry. Under vitest this module runs from src/, where a worker thread
 * cannot start a .ts file, so it falls back to the build in dist/ (`pnpm test` builds first).
 */
function threadEntry(): URL {
  const beside = new URL('./inference-thread.js', import.meta.url);
  return existsSync(fileURLToPath(beside)) ? beside : new URL('../dist/inference-thread.js', import.meta.url);
}

interface Pending {
  resolve(vectors: Float32Array): void;
  reject(error: Error): void;
}

/** One worker thread holding one session; it runs one batch at a time. */
class InferenceThread {
  private pending: Pending | undefined;
  /** Set once the thread died or failed: every later run gets this error. */
  private broken: Error | undefined;
  /** Set by close(): the exit that follows is not a death. */
  private closing = false;
  /** Called once, when the thread dies without being closed. */
  onDeath: ((error: Error) => void) | undefined;
  readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: FromThread) => {
      if (message.type === 'result') this.settle((p) => p.resolve(message.vectors));
      else if (message.type === 'error') this.settle((p) => p.reject(new Error(message.message)));
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`inference thread exited with code ${code}`)));
    // An idle thread does not keep the process alive, as a session on the main thread would not.
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
  }

  static start(data: InferenceThreadData, entry: URL = threadEntry()): Promise<InferenceThread> {
    // The thread allocates little on the JavaScript heap (a batch's ids in, its vectors out), so a
    // small young generation keeps its heap from holding megabytes of garbage.
    // No inherited execArgv: the thread needs none of the process's flags, and some (the
    // `--input-type` of a `node -e` script) stop a worker from starting.
    const worker = new Worker(entry, {
      workerData: data,
      execArgv: [],
      resourceLimits: { maxYoungGenerationSizeMb: 2 },
    });
    return new Promise((resolve, reject) => {
      const onMessage = (message: FromThread) => {
        if (message.type === 'ready') {
          cleanup();
          resolve(new InferenceThread(worker));
        } else if (message.type === 'failed') {
          cleanup();
          reject(new Error(message.message));
        }
      };
      const onError = (error: Error) => {
        cleanup();
        reject(error);
      };
      const onExit = (code: number) =>
        onError(new Error(`inference thread exited with code ${code} while starting`));
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
    });
  }

  /** True once the thread died or failed; it runs nothing again. */
  get dead(): boolean {
    return this.broken !== undefined;
  }

  run(batch: PaddedBatch): Promise<Float32Array> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.pending) return Promise.reject(new Error('inference thread is busy'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.ref();
      // Fresh copies, moved to the thread: the caller's buffers stay usable and nothing is cloned twice.
      const ids = Int32Array.from(batch.ids);
      const mask = Int32Array.from(batch.mask);
      const message: ToThread = {
        type: 'run',
        ids,
        mask,
        rows: batch.rows,
        columns: batch.columns,
        tokens: batch.tokens,
      };
      this.worker.postMessage(message, [ids.buffer, mask.buffer]);
    });
  }

  close(): Promise<void> {
    this.closing = true;
    if (!this.broken) {
      // Referenced again, so a caller awaiting the exit is not left with an empty event loop.
      this.worker.ref();
      this.worker.postMessage({ type: 'close' } satisfies ToThread);
    }
    return this.exited;
  }

  private settle(action: (pending: Pending) => void): void {
    const pending = this.pending;
    this.pending = undefined;
    this.worker.unref();
    if (pending) action(pending);
  }

  private fail(error: Error): void {
    const first = this.broken === undefined;
    this.broken ??= error;
    this.settle((p) => p.reject(error));
    // Last: the batch in flight is already failed, whatever the listener does.
    if (first && !this.closing) this.onDeath?.(error);
  }
}

/**
 * One place for an inference thread that replaces its thread when it dies. The batch the thread
 * was running fails (a worker's job retries it); the next batch waits for a fresh thread, which
 * loads the model again (a second or two), instead of every later batch failing until the
 * process restarts.
 */
class ThreadSlot {
  private busy = false;
  private restarting: Promise<InferenceThread> | undefined;

  constructor(
    private thread: InferenceThread,
    private readonly start: () => Promise<InferenceThread>,
    private readonly index: number,
    private readonly onEvent: ((event: InferenceThreadEvent) => void) | undefined,
  ) {
    this.watch(thread);
  }

  private watch(thread: InferenceThread): void {
    thread.onDeath = (error) => this.notify({ type: 'died', slot: this.index, reason: error.message });
  }

  /** A listener that throws must not fail a batch or, from the thread's exit handler, the process. */
  private notify(event: InferenceThreadEvent): void {
    try {
      this.onEvent?.(event);
    } catch {
      // Nothing to do: the event was only news.
    }
  }

  get idle(): boolean {
    return !this.busy;
  }

  async run(batch: PaddedBatch): Promise<Float32Array> {
    this.busy = true;
    try {
      return await (await this.healthy()).run(batch);
    } finally {
      this.busy = false;
    }
  }

  private healthy(): Promise<InferenceThread> {
    if (!this.thread.dead) return Promise.resolve(this.thread);
    this.restarting ??= this.restart();
    return this.restarting;
  }

  /** A fresh thread for a dead one; batches that wait meanwhile share this promise. */
  private restart(): Promise<InferenceThread> {
    const started = performance.now();
    return this.start().then(
      (thread) => {
        this.restarting = undefined;
        this.thread = thread;
        this.watch(thread);
        const seconds = (performance.now() - started) / 1000;
        this.notify({ type: 'replaced', slot: this.index, seconds });
        return thread;
      },
      (error: unknown) => {
        // This batch fails with the reason; the next one tries again.
        this.restarting = undefined;
        const reason = error instanceof Error ? error.message : String(error);
        this.notify({ type: 'replace-failed', slot: this.index, reason });
        throw error;
      },
    );
  }

  async close(): Promise<void> {
    await this.restarting?.catch(() => undefined);
    await this.thread.close();
  }
}

/**
 * Several single-session inference threads. Their sessions share nothing, so no thread ever
 * waits for another: with two 1-thread sessions on two cores, a core lost to another process
 * (the database, the API) slows one batch instead of stalling both halves of every operator, as
 * it does to one session's two intra-op threads.
 */
export class SessionThreads implements BatchRunner {
  private constructor(private readonly slots: readonly ThreadSlot[]) {}

  get capacity(): number {
    return this.slots.length;
  }

  static async open(options: SessionThreadsOptions): Promise<SessionThreads> {
    const { sessions, entry, onThreadEvent, ...data } = options;
    const start = () => InferenceThread.start(data, entry);
    // One after another: loading a model briefly holds several copies of its weights, and
    // sessions loading together would add those peaks up in the process's RSS.
    const threads: InferenceThread[] = [];
    try {
      for (let i = 0; i < sessions; i++) threads.push(await start());
    } catch (error) {
      await Promise.all(threads.map((thread) => thread.close()));
      throw error;
    }
    return new SessionThreads(threads.map((thread, i) => new ThreadSlot(thread, start, i, onThreadEvent)));
  }

  run(batch: PaddedBatch): Promise<Float32Array> {
    const slot = this.slots.find((s) => s.idle);
    if (slot === undefined) return Promise.reject(new Error(`more than ${this.capacity} batches at once`));
    return slot.run(batch);
  }

  async release(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.close()));
  }
}
