import { basename, dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { modelFiles } from '@embedq/model';
import { generateSeedChunks } from '@embedq/workload';
import { BatchRecorder, rssMB } from './batch-recorder.js';
import type { RunResult, RunSpec } from './interfaces.js';
import { packageVersion } from './package-version.js';
import { runResult } from './run-result.js';
import { WARM_UP_CHUNKS, WARM_UP_SEED } from './warm-up.js';

const DIMENSIONS = 384;

/**
 * One peer run, in this process: the transformers.js feature-extraction pipeline (mean pooling,
 * L2 normalisation) on the lead-built transformers.js-layout folder, offline, batches of B chunks
 * in arrival order (what a user of the pipeline gets), on the same seed chunks as embedq.
 */
export async function measurePeer(spec: RunSpec, label: string): Promise<RunResult> {
  const chunks = generateSeedChunks(spec.chunks);
  const rssBeforeLoadMB = rssMB();
  const loadStart = performance.now();
  const { env, pipeline } = await import('@huggingface/transformers');
  const { peerDir } = modelFiles(spec.modelDir);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useFSCache = false;
  env.localModelPath = `${dirname(peerDir)}/`;
  const extractor = await pipeline('feature-extraction', basename(peerDir), {
    // q8 loads onnx/model_quantized.onnx, fp32 loads onnx/model.onnx.
    dtype: spec.precision === 'int8' ? 'q8' : 'fp32',
    device: 'cpu',
  });
  try {
    (
      await extractor(generateSeedChunks(WARM_UP_CHUNKS, WARM_UP_SEED), { pooling: 'mean', normalize: true })
    ).dispose();
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const rssAfterLoadMB = rssMB();

    // Token counts come from the pipeline's own tokenizer, outside the timed loop.
    const batches: { texts: string[]; tokens: number; paddedTokens: number }[] = [];
    for (let start = 0; start < chunks.length; start += spec.batchSize) {
      const texts = chunks.slice(start, start + spec.batchSize);
      const { attention_mask: mask } = extractor.tokenizer(texts, { padding: true, truncation: true });
      const bits = mask.data as ArrayLike<bigint | number>;
      let tokens = 0;
      for (let i = 0; i < bits.length; i++) tokens += Number(bits[i]);
      batches.push({ texts, tokens, paddedTokens: mask.dims.reduce((a: number, b: number) => a * b, 1) });
    }

    const recorder = new BatchRecorder({ label, total: chunks.length });
    recorder.start();
    for (const batch of batches) {
      const t0 = performance.now();
      const output = await extractor(batch.texts, { pooling: 'mean', normalize: true });
      const ms = performance.now() - t0;
      const [rows, dims] = output.dims;
      output.dispose();
      if (rows !== batch.texts.length || dims !== DIMENSIONS) {
        throw new Error(`peer returned [${output.dims.join(', ')}] for ${batch.texts.length} chunks`);
      }
      recorder.batch({
        chunks: batch.texts.length,
        tokens: batch.tokens,
        paddedTokens: batch.paddedTokens,
        ms,
      });
    }
    recorder.finish();

    const transformersUrl = import.meta.resolve('@huggingface/transformers');
    return runResult(spec, recorder, {
      loadSeconds,
      rssBeforeLoadMB,
      rssAfterLoadMB,
      versions: {
        '@huggingface/transformers': packageVersion('@huggingface/transformers'),
        'onnxruntime-node': packageVersion('onnxruntime-node', transformersUrl),
      },
    });
  } finally {
    await extractor.dispose();
  }
}
