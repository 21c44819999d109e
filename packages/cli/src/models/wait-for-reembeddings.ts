import { setTimeout as delay } from 'node:timers/promises';
import type { Reembedding } from '@embedq/store';
import { progressLine } from './render-reembeddings.js';

export interface WaitOptions {
  /** The re-embeddings of these ids as they are now. */
  readonly read: (ids: readonly number[]) => Promise<readonly Reembedding[]>;
  readonly intervalMs: number;
  /** Gets a progress line whenever a re-embedding's changes. */
  readonly progress: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface WaitOutcome {
  /** Each as last read. */
  readonly reembeddings: readonly Reembedding[];
  /**
   * Namespaces left running that cannot switch: every chunk has a row of the new identity, but
   * some failed, and the driver counted them that way several times without switching (a switch
   * never loses a vector search has; cancel, or fix the cause and start again).
   */
  readonly stuck: readonly string[];
}

/** Counts (by the driver, every few seconds) of a complete-but-failed one before it is taken as stuck. */
const STUCK_AFTER_COUNTS = 3;

/**
 * Polls the re-embeddings until each is switched, cancelled or stuck. A paused one is waited for:
 * someone may resume it.
 */
export async function waitForReembeddings(
  ids: readonly number[],
  options: WaitOptions,
): Promise<WaitOutcome> {
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const lastLine = new Map<number, string>();
  // Per re-embedding, the driver's count times at which it was complete with failures.
  const failedCounts = new Map<number, Set<number>>();
  for (;;) {
    const list = await options.read(ids);
    const missing = ids.filter((id) => !list.some((r) => r.id === id));
    if (missing.length > 0) throw new Error(`re-embedding ${missing.join(', ')} is gone from the database`);
    const stuck: string[] = [];
    let open = 0;
    for (const r of list) {
      const line = progressLine(r);
      if (lastLine.get(r.id) !== line) options.progress(line);
      lastLine.set(r.id, line);
      if (r.state === 'switched' || r.state === 'cancelled') continue;
      const seen = failedCounts.get(r.id) ?? new Set<number>();
      failedCounts.set(r.id, seen);
      if (r.state === 'running' && completeWithFailures(r) && r.countedAt !== null)
        seen.add(r.countedAt.getTime());
      else seen.clear();
      if (seen.size >= STUCK_AFTER_COUNTS) stuck.push(r.namespace);
      else open++;
    }
    if (open === 0) return { reembeddings: list, stuck };
    await sleep(options.intervalMs);
  }
}

function completeWithFailures(r: Reembedding): boolean {
  return r.failedChunks > 0 && r.doneChunks + r.failedChunks >= r.totalChunks;
}
