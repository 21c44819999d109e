/** What the figures are judged against. */

/**
 * Per-worker throughput target on a 2-core machine. DESIGN.md puts the int8 ceiling of an
 * AVX2-only host at ~125-130 chunks/s; hosts with AVX-512 VNNI run int8 GEMMs faster.
 */
export const TARGET_CHUNKS_PER_SEC = 110;

/** Per-worker memory budget: Heroku dynos have 512 MB; the seed report asks for < 300 MB. */
export const RSS_LIMIT_MB = 300;

/** The seed report's measurement: PyTorch FP32 on CPU, 10k chunks, batch size 64. */
export const PYTORCH_BASELINE = {
  source: 'reference/seed-embedding-performance-report.md (2025-11-19)',
  chunks: 10_000,
  batchSize: 64,
  chunksPerSec: 16,
  peakRssMB: 403,
  seconds: 641,
} as const;

/** The bar against the transformers.js pipeline, measured in the same run. */
export const PEER_TARGETS = { minChunksPerSecRatio: 2.2, maxPeakRssRatio: 0.5 } as const;

/** The bar for linear cost: chunks/s of the largest run within 5% of the smallest's. */
export const SCALING_TOLERANCE = 0.05;
