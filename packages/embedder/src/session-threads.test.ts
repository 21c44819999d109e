import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InferenceThreadEvent } from './interfaces.js';
import type { PaddedBatch } from './padded-batch.js';
import { SessionThreads } from './session-threads.js';

const entry = new URL('./test-support/stand-in-thread.mjs', import.meta.url);

function batch(rows: number): PaddedBatch {
  return {
    ids: new Int32Array(rows * 4),
    mask: new Int32Array(rows * 4).fill(1),
    rows,
    columns: 4,
    tokens: rows * 4,
  };
}

describe('SessionThreads', () => {
  let dir: string;
  let modelPath: string;
  let threads: SessionThreads | undefined;
  let events: InferenceThreadEvent[];
  const open = async (
    sessions: number,
    onThreadEvent: (event: InferenceThreadEvent) => void = (event) => events.push(event),
  ): Promise<SessionThreads> => {
    threads = await SessionThreads.open({
      sessions,
      entry,
      onThreadEvent,
      modelPath,
      engine: 'onnxruntime',
      threads: 1,
      limits: { maxBatchSize: 64, maxBatchTokens: 512 },
      padId: 0,
    });
    return threads;
  };

  beforeEach(() => {
    events = [];
    dir = mkdtempSync(join(tmpdir(), 'embedq-threads-'));
    modelPath = join(dir, 'model.onnx');
    writeFileSync(modelPath, 'stand-in');
  });

  afterEach(async () => {
    await threads?.release();
    threads = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('replaces a thread that died: its batch fails, the next batch runs on a fresh thread', async () => {
    const runner = await open(1);
    await expect(runner.run(batch(13))).rejects.toThrow('inference thread exited with code 3');
    const vectors = await runner.run(batch(2));
    expect(vectors.length).toBe(2 * 384);
    expect(vectors.every((v) => v === 2)).toBe(true);
    expect((await runner.run(batch(3))).length).toBe(3 * 384);
    expect(events.map((e) => e.type)).toEqual(['died', 'replaced']);
    expect(events[0]).toEqual({ type: 'died', slot: 0, reason: 'inference thread exited with code 3' });
  });

  it('fails the batch when the replacement cannot start, and tries again on the next', async () => {
    const runner = await open(1);
    await expect(runner.run(batch(13))).rejects.toThrow('exited with code 3');
    rmSync(modelPath);
    await expect(runner.run(batch(2))).rejects.toThrow(`no model at ${modelPath}`);
    writeFileSync(modelPath, 'stand-in');
    expect((await runner.run(batch(2))).length).toBe(2 * 384);
    expect(events).toEqual([
      { type: 'died', slot: 0, reason: 'inference thread exited with code 3' },
      { type: 'replace-failed', slot: 0, reason: `no model at ${modelPath}` },
      { type: 'replaced', slot: 0, seconds: expect.any(Number) },
    ]);
  });

  it('keeps the other threads running while one is replaced', async () => {
    const runner = await open(2);
    const results = await Promise.allSettled([runner.run(batch(13)), runner.run(batch(5))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    const again = await Promise.all([runner.run(batch(4)), runner.run(batch(6))]);
    expect(again.map((v) => v.length)).toEqual([4 * 384, 6 * 384]);
    expect(events.map((e) => [e.type, e.slot])).toEqual([
      ['died', 0],
      ['replaced', 0],
    ]);
  });

  it('keeps working when the event listener throws', async () => {
    const runner = await open(1, () => {
      throw new Error('listener failed');
    });
    await expect(runner.run(batch(13))).rejects.toThrow('inference thread exited with code 3');
    expect((await runner.run(batch(2))).length).toBe(2 * 384);
  });

  it('reports no death when its threads are closed', async () => {
    const runner = await open(2);
    await runner.run(batch(2));
    await runner.release();
    threads = undefined;
    expect(events).toEqual([]);
  });

  it('refuses more batches at once than it has threads', async () => {
    const runner = await open(1);
    const first = runner.run(batch(2));
    await expect(runner.run(batch(2))).rejects.toThrow('more than 1 batches at once');
    await first;
  });
});
