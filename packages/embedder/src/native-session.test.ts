/**
 * The native engine (native/, NativeSession) against ONNX Runtime on the same int8 graph, and its
 * own contract: real tokens only, deterministic, clear errors, a profile when asked; its AVX2
 * kernels against its AVX-512 VNNI ones where the CPU runs both. On a CPU without AVX2 only the
 * first test runs: the engine must say why it cannot run there.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphPath, modelFiles, readInitializers } from '@embedq/model';
import { generateSeedChunks } from '@embedq/workload';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder, EMBEDDING_DIMENSIONS, type NativeProfileFile } from './index.js';
import { ModelSession } from './model-session.js';
import { type KernelSet, NativeSession, nativeEncoder, pickKernelSet } from './native-session.js';
import { type PaddedBatch, padBatch } from './padded-batch.js';
import { dot, mean } from './test-support/vectors.js';
import { loadTokenizer } from './tokenizer.js';

const cpuFlags = new Set(
  /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim().split(/\s+/),
);
const has = (flags: readonly string[]) => flags.every((flag) => cpuFlags.has(flag));
const vnni = has(['avx2', 'avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512_vnni']);
const avx2 = has(['avx2', 'fma', 'f16c']);
const encoder = nativeEncoder();
const available = !('unavailable' in encoder);
const runnable: readonly KernelSet[] = 'runnable' in encoder ? encoder.runnable : [];

/** [CLS] 100 ids [SEP] rows, right-padded to `columns`. */
function batchOf(rows: readonly number[][], columns: number): PaddedBatch {
  const ids = new Int32Array(rows.length * columns);
  const mask = new Int32Array(rows.length * columns);
  rows.forEach((row, r) => {
    ids.set(row, r * columns);
    mask.fill(1, r * columns, r * columns + row.length);
  });
  return { ids, mask, rows: rows.length, columns, tokens: rows.reduce((s, row) => s + row.length, 0) };
}
const ROWS = [
  [101, 7592, 2088, 2003, 1037, 3231, 102],
  [101, 1996, 4937, 2938, 2006, 1996, 13523, 1012, 102],
  [101, 102],
];

describe('native engine availability', () => {
  it('is built and loads on a CPU with AVX2, picks its best kernels, and says why not elsewhere', () => {
    const native = nativeEncoder();
    if (process.env.EMBEDQ_NATIVE_KERNELS) return; // a set asked for by name: see pickKernelSet's test
    if (avx2) expect(native).toMatchObject({ kernelSet: vnni ? 'avx512-vnni' : 'avx2' });
    else expect('unavailable' in native && native.unavailable).toMatch(/AVX2|not built/);
  });

  it('takes the kernel set EMBEDQ_NATIVE_KERNELS names, or refuses it saying why', () => {
    const both: KernelSet[] = ['avx512-vnni', 'avx2'];
    expect(pickKernelSet(both, undefined)).toEqual({ kernelSet: 'avx512-vnni' });
    expect(pickKernelSet(both, '')).toEqual({ kernelSet: 'avx512-vnni' });
    expect(pickKernelSet(both, 'avx2')).toEqual({ kernelSet: 'avx2' });
    expect(pickKernelSet(['avx2'], undefined)).toEqual({ kernelSet: 'avx2' });
    expect(pickKernelSet(['avx2'], 'avx512-vnni')).toEqual({
      unavailable: 'EMBEDQ_NATIVE_KERNELS=avx512-vnni, and this CPU runs avx2',
    });
    expect(pickKernelSet(both, 'sse4')).toEqual({
      unavailable: 'EMBEDQ_NATIVE_KERNELS=sse4 is not one of avx512-vnni, avx2',
    });
    expect(pickKernelSet([], undefined)).toMatchObject({ unavailable: expect.stringMatching(/neither/) });
  });
});

describe.skipIf(!(runnable.includes('avx2') && runnable.includes('avx512-vnni')))(
  'native kernel sets',
  () => {
    it('the AVX2 kernels are as close to ONNX Runtime as the AVX-512 VNNI ones, batch for batch', async () => {
      // Exact int32 GEMMs in both sets; float rounding elsewhere moves a batch's quantisation range a
      // little, which moves some inputs by one step: about as far apart as either is from ORT.
      const tokenizer = await loadTokenizer(modelFiles().tokenizer);
      const sequences = generateSeedChunks(2000)
        .map((text) => tokenizer.encode(text).ids)
        .sort((a, b) => a.length - b.length);
      const [wide, narrow] = await Promise.all(
        (['avx512-vnni', 'avx2'] as const).map((kernelSet) =>
          NativeSession.open(graphPath('int8'), { kernelSet }),
        ),
      );
      const ort = await ModelSession.open({ modelPath: graphPath('int8'), threads: 1 });
      const cosines = { sets: [] as number[], wideOrt: [] as number[], narrowOrt: [] as number[] };
      try {
        for (let i = 0; i < sequences.length; i += 32) {
          const batch = padBatch(sequences.slice(i, i + 32), tokenizer.padId);
          const w = await wide!.run(batch);
          const n = await narrow!.run(batch);
          const o = await ort.run(batch);
          const row = (v: Float32Array, r: number) =>
            v.subarray(r * EMBEDDING_DIMENSIONS, (r + 1) * EMBEDDING_DIMENSIONS);
          for (let r = 0; r < batch.rows; r++) {
            cosines.sets.push(dot(row(w, r), row(n, r)));
            cosines.wideOrt.push(dot(row(w, r), row(o, r)));
            cosines.narrowOrt.push(dot(row(n, r), row(o, r)));
          }
        }
      } finally {
        await Promise.all([wide!.release(), narrow!.release(), ort.release()]);
      }
      const line = (name: string, c: number[]) =>
        `${name} mean ${mean(c).toFixed(6)}, min ${Math.min(...c).toFixed(6)}`;
      console.log(
        `[native] over ${cosines.sets.length} chunks in the same batches: ${line('avx2 vs avx512-vnni', cosines.sets)}; ${line('avx512-vnni vs ORT', cosines.wideOrt)}; ${line('avx2 vs ORT', cosines.narrowOrt)}`,
      );
      expect(cosines.sets).toHaveLength(2000);
      expect(mean(cosines.sets)).toBeGreaterThanOrEqual(0.999);
      expect(Math.min(...cosines.sets)).toBeGreaterThanOrEqual(0.995);
      expect(Math.abs(mean(cosines.narrowOrt) - mean(cosines.wideOrt))).toBeLessThanOrEqual(2e-4);
      expect(Math.min(...cosines.narrowOrt)).toBeGreaterThanOrEqual(0.99);
    }, 120_000);
  },
);

describe.skipIf(!runnable.includes('avx2'))('native AVX2 kernels', () => {
  it('refuse a graph whose weights go past 7 bits, which vpmaddubsw would saturate', async () => {
    const tensors = await readInitializers(graphPath('int8'));
    const weights = tensors.layer2_ffn_out_wq;
    if (!(weights instanceof Int8Array)) throw new Error('the int8 graph has no layer2_ffn_out_wq');
    weights[77] = 100;
    const native = nativeEncoder();
    if (!('binding' in native)) throw new Error('the native engine is unavailable');
    expect(() => native.binding.create(tensors, 'avx2')).toThrow(
      /beyond what this kernel set multiplies exactly/,
    );
    if (runnable.includes('avx512-vnni')) native.binding.close(native.binding.create(tensors, 'avx512-vnni'));
  });
});

describe.skipIf(!available)('native engine', () => {
  let session: NativeSession;
  beforeAll(async () => {
    session = await NativeSession.open(graphPath('int8'));
  });
  afterAll(async () => {
    await session?.release();
  });

  it('agrees with ONNX Runtime on the same graph and batches as closely as ONNX Runtime agrees with itself', async () => {
    // ONNX Runtime's own vectors of a chunk move with its batch neighbours (activations are
    // quantised per batch): mean cosine 0.9979, min 0.9953 between batch sizes on 2,000 seed chunks.
    const texts = generateSeedChunks(2000);
    const vectors = async (engine: 'native' | 'onnxruntime') => {
      const embedder = await createEmbedder({ engine, sessions: 1, threads: 1 });
      try {
        expect(embedder.engine).toBe(engine);
        return await embedder.embed(texts);
      } finally {
        await embedder.close();
      }
    };
    const ort = await vectors('onnxruntime');
    const native = await vectors('native');
    const cosines = native.map((v, i) => dot(v, ort[i]!));
    console.log(
      `[native] cosine to ONNX Runtime over ${texts.length} chunks: mean ${mean(cosines).toFixed(5)}, min ${Math.min(...cosines).toFixed(5)}`,
    );
    expect(native.every((v) => v.length === EMBEDDING_DIMENSIONS && Math.abs(dot(v, v) - 1) < 1e-5)).toBe(
      true,
    );
    expect(mean(cosines)).toBeGreaterThanOrEqual(0.998);
    expect(Math.min(...cosines)).toBeGreaterThanOrEqual(0.99);
  }, 120_000);

  it('gives the same bits for the same batch, and never computes padding', async () => {
    const first = await session.run(batchOf(ROWS, 9));
    expect(await session.run(batchOf(ROWS, 9))).toEqual(first);
    // Forty columns of padding change nothing: only real tokens enter the layers and the
    // per-batch quantisation ranges.
    expect(await session.run(batchOf(ROWS, 40))).toEqual(first);
  });

  it('refuses a batch it cannot read, naming what is wrong', async () => {
    const holes = batchOf(ROWS, 9);
    holes.mask[1] = 0;
    await expect(session.run(holes)).rejects.toThrow(/not right-padded/);
    const unknown = batchOf([[101, 40_000, 102]], 3);
    await expect(session.run(unknown)).rejects.toThrow(/outside the vocabulary/);
    const long = {
      ...batchOf([[101, 102]], 2),
      columns: 513,
      ids: new Int32Array(513),
      mask: new Int32Array(513),
    };
    await expect(session.run(long)).rejects.toThrow(/longer than 512/);
  });

  it('writes where its time went when profiled, leaving out its reserve run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedq-native-profile-'));
    try {
      const profiled = await NativeSession.open(graphPath('int8'), { profilePrefix: join(dir, 'session') });
      await profiled.reserve({ maxBatchSize: 64, maxBatchTokens: 512 }, 0);
      await profiled.run(batchOf(ROWS, 9));
      await profiled.release();
      await profiled.release();
      await expect(profiled.run(batchOf(ROWS, 9))).rejects.toThrow(/released/);
      const file = JSON.parse(readFileSync(join(dir, 'session.native.json'), 'utf8')) as NativeProfileFile;
      const tokens = ROWS.flat().length;
      expect(file).toMatchObject({ engine: 'native', runs: 1, tokens });
      const stage = (op: string) => file.stages.find((s) => s.op === op)!;
      expect(stage('Int8Gemm').calls).toBe(18);
      expect(stage('Int8GemmGelu').calls).toBe(6);
      expect(stage('Attention').calls).toBe(6);
      // Six layers of 384x1152, 384x384, 384x1536 and 1536x384 multiply-adds x 2 per token.
      expect(stage('Int8Gemm').work + stage('Int8GemmGelu').work).toBe(
        tokens * 2 * 6 * (384 * 1152 + 384 * 384 + 384 * 1536 + 1536 * 384),
      );
      expect(file.stages.every((s) => s.seconds >= 0)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is chosen by auto only where it runs, and refused by name where it cannot', async () => {
    const auto = await createEmbedder({ sessions: 1, threads: 1 });
    const twoThreads = await createEmbedder({ sessions: 1, threads: 2 });
    try {
      expect(auto.engine).toBe('native');
      expect(twoThreads.engine).toBe('onnxruntime');
    } finally {
      await auto.close();
      await twoThreads.close();
    }
    await expect(createEmbedder({ engine: 'native', sessions: 1, threads: 2 })).rejects.toThrow(
      /one thread per session/,
    );
    await expect(createEmbedder({ engine: 'native', precision: 'fp32' })).rejects.toThrow(/int8 graphs only/);
  }, 60_000);
});
