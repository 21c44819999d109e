import type { Reembedding } from '@embedq/store';
import { describe, expect, it } from 'vitest';
import { waitForReembeddings } from './wait-for-reembeddings.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');

function reembedding(overrides: Partial<Reembedding>): Reembedding {
  return {
    id: 1,
    namespace: 'docs',
    fromIdentityId: 1,
    toIdentityId: 2,
    from: 'all-MiniLM-L6-v2 int8 aaaaaaaaaaaa',
    to: 'all-MiniLM-L6-v2 fp32 bbbbbbbbbbbb',
    state: 'running',
    keepSeconds: null,
    createdAt: new Date(T0),
    stateSince: new Date(T0),
    switchedAt: null,
    prunedAt: null,
    totalChunks: 100,
    doneChunks: 0,
    failedChunks: 0,
    countedAt: null,
    chunksPerSecond: null,
    etaSeconds: null,
    ...overrides,
  };
}

/** Plays `reads` one per poll (the last one again if polled more), recording progress and sleeps. */
function script(reads: Reembedding[][]) {
  const lines: string[] = [];
  let polls = 0;
  let sleeps = 0;
  const options = {
    read: async () => reads[Math.min(polls++, reads.length - 1)] ?? [],
    intervalMs: 2_000,
    progress: (line: string) => lines.push(line),
    sleep: async (ms: number) => {
      expect(ms).toBe(2_000);
      sleeps++;
      if (sleeps > 50) throw new Error('still waiting');
    },
  };
  return { options, lines, polls: () => polls, sleeps: () => sleeps };
}

describe('waitForReembeddings', () => {
  it('polls until each has switched, printing a line only when one changes', async () => {
    const s = script([
      [reembedding({}), reembedding({ id: 2, namespace: 'faq', totalChunks: 10 })],
      [reembedding({}), reembedding({ id: 2, namespace: 'faq', totalChunks: 10 })],
      [
        reembedding({ doneChunks: 40, chunksPerSecond: 20, etaSeconds: 3, countedAt: new Date(T0 + 5_000) }),
        reembedding({ id: 2, namespace: 'faq', totalChunks: 10, doneChunks: 10, state: 'switched' }),
      ],
      [
        reembedding({ doneChunks: 100, state: 'switched' }),
        reembedding({ id: 2, namespace: 'faq', totalChunks: 10, doneChunks: 10, state: 'switched' }),
      ],
    ]);
    const outcome = await waitForReembeddings([1, 2], s.options);
    expect(outcome.stuck).toEqual([]);
    expect(outcome.reembeddings.map((r) => r.state)).toEqual(['switched', 'switched']);
    expect(s.polls()).toBe(4);
    expect(s.sleeps()).toBe(3);
    expect(s.lines).toEqual([
      '[reembed] docs: running 0/100 (0%), rate not measured yet\n',
      '[reembed] faq: running 0/10 (0%), rate not measured yet\n',
      '[reembed] docs: running 40/100 (40%), 20.0 chunks/s, ETA 3s\n',
      '[reembed] faq: switched 10/10 (100%)\n',
      '[reembed] docs: switched 100/100 (100%)\n',
    ]);
  });

  it('stops at a cancel, and waits through a pause', async () => {
    const s = script([
      [reembedding({ state: 'paused', doneChunks: 10 })],
      [reembedding({ state: 'paused', doneChunks: 10 })],
      [reembedding({ state: 'cancelled', doneChunks: 10 })],
    ]);
    const outcome = await waitForReembeddings([1], s.options);
    expect(outcome.reembeddings.map((r) => r.state)).toEqual(['cancelled']);
    expect(s.lines).toEqual([
      '[reembed] docs: paused 10/100 (10%)\n',
      '[reembed] docs: cancelled 10/100 (10%)\n',
    ]);
  });

  it('gives up on one the driver counted complete with failures three times without switching', async () => {
    const stuck = (at: number) =>
      reembedding({
        doneChunks: 98,
        failedChunks: 2,
        countedAt: new Date(T0 + at),
        chunksPerSecond: 0,
        etaSeconds: null,
      });
    const s = script([[stuck(5_000)], [stuck(5_000)], [stuck(10_000)], [stuck(10_000)], [stuck(15_000)]]);
    const outcome = await waitForReembeddings([1], s.options);
    expect(outcome.stuck).toEqual(['docs']);
    expect(s.polls()).toBe(5);
    expect(s.lines).toEqual(['[reembed] docs: running 98/100 (98%), 2 failed, 0.0 chunks/s, ETA -\n']);
  });

  it('keeps waiting while failures are still being counted toward the end', async () => {
    const s = script([
      [reembedding({ doneChunks: 98, failedChunks: 2, countedAt: new Date(T0 + 5_000) })],
      [reembedding({ doneChunks: 98, failedChunks: 2, countedAt: new Date(T0 + 10_000) })],
      // A batch added meanwhile: not complete any more, so the count starts over.
      [reembedding({ totalChunks: 110, doneChunks: 98, failedChunks: 2, countedAt: new Date(T0 + 15_000) })],
      [reembedding({ totalChunks: 110, doneChunks: 108, failedChunks: 2, countedAt: new Date(T0 + 20_000) })],
      [reembedding({ totalChunks: 110, doneChunks: 108, failedChunks: 2, state: 'switched' })],
    ]);
    const outcome = await waitForReembeddings([1], s.options);
    expect(outcome.stuck).toEqual([]);
    expect(outcome.reembeddings[0]?.state).toBe('switched');
  });

  it('fails when a re-embedding is gone', async () => {
    const s = script([[]]);
    await expect(waitForReembeddings([7], s.options)).rejects.toThrow(
      're-embedding 7 is gone from the database',
    );
  });
});
