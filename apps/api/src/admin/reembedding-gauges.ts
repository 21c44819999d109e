import type { Reembedding } from '@embedq/store';
import { Gauge, type Registry } from 'prom-client';

export interface ReembeddingGauges {
  /** Replaces every series with those of the open re-embeddings in `list`; none for an empty list. */
  set(list: readonly Reembedding[]): void;
}

/**
 * The open (running or paused) re-embeddings' progress on /metrics, as the driver last counted
 * it. Finished ones have no series: a switched namespace is no longer work to watch.
 */
export function createReembeddingGauges(registry: Registry): ReembeddingGauges {
  const chunks = new Gauge({
    name: 'embedq_reembedding_chunks',
    help: "Chunks of each open re-embedding's namespace (kind=total), and of those with a vector (done) or a failure (failed) of the new identity, as last counted",
    labelNames: ['namespace', 'to', 'state', 'kind'],
    registers: [registry],
  });
  const rate = new Gauge({
    name: 'embedq_reembedding_chunks_per_second',
    help: 'Chunks/s each open re-embedding progresses at, smoothed over its counts; 0 while paused, absent until measured',
    labelNames: ['namespace', 'to'],
    registers: [registry],
  });
  const eta = new Gauge({
    name: 'embedq_reembedding_eta_seconds',
    help: "Seconds each running re-embedding needs for its namespace's remaining chunks at that rate; absent while unknown",
    labelNames: ['namespace', 'to'],
    registers: [registry],
  });

  return {
    set(list) {
      for (const metric of [chunks, rate, eta]) metric.reset();
      for (const r of list) {
        if (r.state !== 'running' && r.state !== 'paused') continue;
        const series = { namespace: r.namespace, to: r.to };
        chunks.set({ ...series, state: r.state, kind: 'total' }, r.totalChunks);
        chunks.set({ ...series, state: r.state, kind: 'done' }, r.doneChunks);
        chunks.set({ ...series, state: r.state, kind: 'failed' }, r.failedChunks);
        // The stored rate is the last one measured while it ran; paused, nothing moves.
        if (r.state === 'paused') rate.set(series, 0);
        else if (r.chunksPerSecond !== null) rate.set(series, r.chunksPerSecond);
        if (r.etaSeconds !== null) eta.set(series, r.etaSeconds);
      }
    },
  };
}
