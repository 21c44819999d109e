import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelFiles } from '@embedq/model';
import { createPrng, generateSeedChunks } from '@embedq/workload';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEmbedder,
  EMBEDDING_DIMENSIONS,
  type EmbeddedBatch,
  type Embedder,
  EmbedderClosedError,
  type EmbedderOptions,
  MAX_SEQUENCE_LENGTH,
  type Precision,
} from './index.js';
import { cosine, maxAbsDiff, norm } from './test-support/vectors.js';

/** Every embedder a test opens; all are closed in afterAll. */
const opened: Embedder[] = [];
async function open(options: EmbedderOptions): Promise<Embedder> {
  const embedder = await createEmbedder(options);
  opened.push(embedder);
  return embedder;
}

const embedders = new Map<Precision, Embedder>();
const embedderFor = (precision: Precision): Embedder => embedders.get(precision)!;
/** Small limits, so modest inputs span many batches and several sort windows. */
const TIGHT = { maxBatchSize: 8, maxBatchTokens: 512, sortWindow: 32 } as const;
let tight: Embedder;
/**
 * For checks that a vector reaches the right text when calls share batches: INT8 quantizes
 * activations per batch, so its vectors move slightly (up to ~0.015 per dimension) with their
 * batch neighbours; fp32's do not.
 */
let tightFp32: Embedder;

beforeAll(async () => {
  embedders.set('fp32', await open({ precision: 'fp32' }));
  embedders.set('int8', await open({ precision: 'int8' }));
  tight = await open({ precision: 'int8', ...TIGHT });
  tightFp32 = await open({ precision: 'fp32', ...TIGHT });
});

afterAll(async () => {
  await Promise.all(opened.map((embedder) => embedder.close()));
});

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rng = createPrng(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

async function collect(stream: AsyncIterable<EmbeddedBatch>): Promise<EmbeddedBatch[]> {
  const batches: EmbeddedBatch[] = [];
  for await (const batch of stream) batches.push(batch);
  return batches;
}

function expectUnitVector(vector: Float32Array | undefined): void {
  expect(vector).toBeInstanceOf(Float32Array);
  expect(vector!.length).toBe(EMBEDDING_DIMENSIONS);
  expect(vector!.every(Number.isFinite)).toBe(true);
  expect(Math.abs(norm(vector!) - 1)).toBeLessThanOrEqual(1e-5);
}

/** Seed chunks (100-500 chars) and a few short sentences: lengths differ, so sorting reorders them. */
const MIXED_TEXTS: readonly string[] = [
  ...generateSeedChunks(24),
  'A man is eating food.',
  'The new movie is awesome and the audience loved every minute of it.',
  'Proteins fold into three-dimensional structures.',
  'Heat transfer in porous media under high pressure',
  'How does temperature affect enzyme activity in bacteria?',
];

/** sentence-transformers' own example pair for all-MiniLM-L6-v2 (its documented score: 0.7553). */
const EATING_FOOD = 'A man is eating food.';
const EATING_BREAD = 'A man is eating a piece of bread.';
const RIDING_HORSE = 'A man is riding a horse.';

describe('createEmbedder', () => {
  it.each<[string, EmbedderOptions, RegExp]>([
    ['an unknown precision', { precision: 'fp16' as never }, /precision must be 'int8' or 'fp32'/],
    ['threads 0', { threads: 0 }, /threads must be an integer >= 1/],
    ['maxBatchSize 0', { maxBatchSize: 0 }, /maxBatchSize must be an integer >= 1/],
    [
      'a token budget below one longest chunk',
      { maxBatchTokens: 255 },
      /maxBatchTokens must be an integer >= 256/,
    ],
    ['a fractional sortWindow', { sortWindow: 2.5 }, /sortWindow must be an integer >= 1/],
  ])('rejects %s with a RangeError before loading anything', async (_name, options, message) => {
    const created = createEmbedder(options);
    await expect(created).rejects.toThrow(RangeError);
    await expect(created).rejects.toThrow(message);
  });

  it('reports its precision and dimensions', () => {
    expect(embedderFor('fp32').precision).toBe('fp32');
    expect(embedderFor('int8').precision).toBe('int8');
    expect(embedderFor('int8').dimensions).toBe(384);
    expect(EMBEDDING_DIMENSIONS).toBe(384);
  });
});

describe.each(['fp32', 'int8'] as const)('embed (%s)', (precision) => {
  const embedder = (): Embedder => embedderFor(precision);

  it('returns [] for no texts', async () => {
    await expect(embedder().embed([])).resolves.toEqual([]);
  });

  it('returns one 384-dim unit vector per text', async () => {
    const vectors = await embedder().embed(MIXED_TEXTS);
    expect(vectors).toHaveLength(MIXED_TEXTS.length);
    for (const vector of vectors) expectUnitVector(vector);
  });

  it('returns vectors in input order for a shuffled list, matching each text embedded alone', async () => {
    const texts = shuffled(MIXED_TEXTS, 11);
    const batched = await embedder().embed(texts);
    const alone: Float32Array[] = [];
    for (const text of texts) alone.push((await embedder().embed([text]))[0]!);

    texts.forEach((_, i) => {
      // Each result must be nearest to its own text embedded alone, not to a neighbour's.
      const similarities = alone.map((vector) => cosine(batched[i]!, vector));
      expect(similarities.indexOf(Math.max(...similarities))).toBe(i);
      if (precision === 'fp32') {
        // Padding is masked, so fp32 only sees rounding differences between batch shapes.
        expect(maxAbsDiff(batched[i]!, alone[i]!)).toBeLessThanOrEqual(1e-5);
      } else {
        // int8 quantises activations with one dynamic scale per tensor, i.e. per batch: a text's
        // companions (and their padding) change its rounding. Measured: cosine 0.9961-0.9982 for
        // these texts (0.9948 worst over 64 seed chunks, ~0.987 for an empty text beside long
        // ones), while the closest other text is at 0.68.
        expect(similarities[i]).toBeGreaterThanOrEqual(0.99);
      }
    });
  });

  it('gives empty and whitespace-only text the same finite unit vector ([CLS] [SEP] only)', async () => {
    const vectors = await embedder().embed(['', ' ', '\t\n  \r\n', '\u00a0\u3000']);
    for (const vector of vectors) {
      expectUnitVector(vector);
      expect(maxAbsDiff(vector, vectors[0]!)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('embeds an empty text beside long ones', async () => {
    const vectors = await embedder().embed(['', ...generateSeedChunks(3)]);
    for (const vector of vectors) expectUnitVector(vector);
  });

  it('truncates a 10,000-character text to 256 word pieces: what follows them changes nothing', async () => {
    const long = generateSeedChunks(60).join(' ').slice(0, 10_000);
    expect(long.length).toBe(10_000);
    const [head] = await embedder().embed([long]);
    const [withTail] = await embedder().embed([`${long} and a different ending that the model never sees.`]);
    expectUnitVector(head);
    expect(maxAbsDiff(head!, withTail!)).toBeLessThanOrEqual(1e-6);
    // A 10,000-character single word is one [UNK]: still a valid vector.
    expectUnitVector((await embedder().embed(['x'.repeat(10_000)]))[0]);
  });

  it('rejects a non-string element with a TypeError naming its position', async () => {
    await expect(embedder().embed(['fine', 42 as never])).rejects.toThrow(TypeError);
    await expect(embedder().embed(['fine', 42 as never])).rejects.toThrow('text 1 is number, not a string');
    await expect(embedder().embed([null as never])).rejects.toThrow(TypeError);
  });

  it('rejects a bare string with a TypeError (a string is not an array of texts)', async () => {
    await expect(embedder().embed('not an array' as never)).rejects.toThrow(TypeError);
  });

  it('ranks sentence-transformers’ example pair as the published model does', async () => {
    const [food, bread, horse] = await embedder().embed([EATING_FOOD, EATING_BREAD, RIDING_HORSE]);
    expect(cosine(food!, bread!)).toBeGreaterThan(cosine(food!, horse!));
    // fp32 must match the published score; int8 may drift by its quantisation error.
    const tolerance = precision === 'fp32' ? 0.002 : 0.01;
    expect(Math.abs(cosine(food!, bread!) - 0.7553)).toBeLessThanOrEqual(tolerance);
  });
});

describe('embedStream', () => {
  const texts: readonly string[] = [
    ...generateSeedChunks(100),
    generateSeedChunks(60).join(' ').slice(0, 10_000),
    '',
  ];

  it('yields batches within the limits whose chunks add up to the input, each index once', async () => {
    const batches = await collect(tight.embedStream(texts));
    expect(batches.reduce((total, batch) => total + batch.report.chunks, 0)).toBe(texts.length);
    for (const { report, indices, vectors } of batches) {
      expect(indices).toHaveLength(report.chunks);
      expect(vectors).toHaveLength(report.chunks);
      expect(report.chunks).toBeGreaterThanOrEqual(1);
      expect(report.chunks).toBeLessThanOrEqual(TIGHT.maxBatchSize);
      expect(report.tokens).toBeGreaterThanOrEqual(2 * report.chunks);
      expect(report.tokens).toBeLessThanOrEqual(report.paddedTokens);
      expect(report.paddedTokens).toBeLessThanOrEqual(TIGHT.maxBatchTokens);
      // Padded to the longest row, which is at most MAX_SEQUENCE_LENGTH long.
      expect(report.paddedTokens % report.chunks).toBe(0);
      expect(report.paddedTokens / report.chunks).toBeLessThanOrEqual(MAX_SEQUENCE_LENGTH);
      expect(Number.isFinite(report.ms) && report.ms >= 0).toBe(true);
      for (const vector of vectors) expectUnitVector(vector);
    }
    const indices = batches.flatMap((batch) => [...batch.indices]).sort((a, b) => a - b);
    expect(indices).toEqual(texts.map((_, i) => i));
    // The long text alone fills MAX_SEQUENCE_LENGTH word pieces.
    const longBatch = batches.find((batch) => batch.indices.includes(100))!;
    expect(longBatch.report.paddedTokens / longBatch.report.chunks).toBe(MAX_SEQUENCE_LENGTH);
  });

  it('numbers the batches of each stream from 0, even when streams run at once', async () => {
    const [a, b] = await Promise.all([
      collect(tight.embedStream(texts.slice(0, 40))),
      collect(tight.embedStream(texts.slice(40, 80))),
    ]);
    for (const batches of [a, b])
      expect(batches.map((batch) => batch.report.index)).toEqual(batches.map((_, i) => i));
  });

  it('gives the same vectors as embed(), at the positions its indices name', async () => {
    const input = texts.slice(0, 50);
    const all = await tight.embed(input);
    for (const batch of await collect(tight.embedStream(input))) {
      batch.indices.forEach((index, i) => {
        expect(maxAbsDiff(batch.vectors[i]!, all[index]!)).toBeLessThanOrEqual(1e-6);
      });
    }
  });

  it('takes an async iterable', async () => {
    const input = texts.slice(0, 20);
    async function* produce(): AsyncGenerator<string> {
      for (const text of input) yield text;
    }
    const batches = await collect(tight.embedStream(produce()));
    const expected = await tight.embed(input);
    expect(batches.reduce((total, batch) => total + batch.indices.length, 0)).toBe(input.length);
    for (const batch of batches) {
      batch.indices.forEach((index, i) => {
        expect(maxAbsDiff(batch.vectors[i]!, expected[index]!)).toBeLessThanOrEqual(1e-6);
      });
    }
  });

  it('rejects an unknown priority with a TypeError naming it', async () => {
    await expect(collect(tight.embedStream(['ok'], { priority: 'urgent' as never }))).rejects.toThrow(
      /priority must be 'high' or 'normal', got urgent/,
    );
  });

  it('rejects a non-string from the stream with a TypeError', async () => {
    await expect(collect(tight.embedStream(['ok', undefined as never]))).rejects.toThrow(TypeError);
  });
});

describe('batching does not change results (fp32)', () => {
  it('a sort window smaller than the input gives the same vectors as one big window', async () => {
    const texts = shuffled(MIXED_TEXTS, 5);
    const small = await open({ precision: 'fp32', sortWindow: 7, maxBatchSize: 5, maxBatchTokens: 600 });
    const [big, windowed] = [await embedderFor('fp32').embed(texts), await small.embed(texts)];
    texts.forEach((_, i) => {
      expect(maxAbsDiff(windowed[i]!, big[i]!)).toBeLessThanOrEqual(1e-5);
    });
  });
});

describe('concurrency', () => {
  it('two embed() calls at once on one embedder both get their own results', async () => {
    const first = generateSeedChunks(60).slice(0, 30);
    const second = [...generateSeedChunks(60).slice(30), ...MIXED_TEXTS.slice(24)];
    const alone = [await tightFp32.embed(first), await tightFp32.embed(second)];
    // Both span several batches, so they share batches in the embedder's pool.
    const together = await Promise.all([tightFp32.embed(first), tightFp32.embed(second)]);
    together.forEach((vectors, call) => {
      expect(vectors).toHaveLength(alone[call]!.length);
      vectors.forEach((vector, i) => {
        expect(maxAbsDiff(vector, alone[call]![i]!)).toBeLessThanOrEqual(1e-5);
      });
    });
  });
});

describe('continuous batching', () => {
  const first = generateSeedChunks(60).slice(0, 30);
  const second = [...generateSeedChunks(60).slice(30), ...MIXED_TEXTS.slice(24)];

  it('a call alone has every run to itself', async () => {
    const batches = await collect(tight.embedStream(first));
    for (const { report } of batches) {
      expect(report.run).toEqual({ chunks: report.chunks, ms: report.ms, lead: true });
    }
  });

  it('concurrent calls share runs; each run is led once and its time split by rows', async () => {
    const [a, b] = await Promise.all([collect(tight.embedStream(first)), collect(tight.embedStream(second))]);
    const reports = [...a, ...b].map((batch) => batch.report);
    expect(reports.some((report) => report.run.chunks > report.chunks)).toBe(true);
    const led = reports.filter((report) => report.run.lead);
    expect(led.reduce((total, report) => total + report.run.chunks, 0)).toBe(first.length + second.length);
    const shares = reports.reduce((total, report) => total + report.ms, 0);
    const runs = led.reduce((total, report) => total + report.run.ms, 0);
    expect(Math.abs(shares - runs)).toBeLessThanOrEqual(1e-6 * runs);
    for (const report of reports) {
      expect(report.chunks).toBeLessThanOrEqual(report.run.chunks);
      expect(report.run.chunks).toBeLessThanOrEqual(TIGHT.maxBatchSize);
      expect(report.ms).toBeCloseTo((report.run.ms * report.chunks) / report.run.chunks, 9);
    }
  });

  it('keeps a high-priority call in runs of its own while a normal one is running', async () => {
    const bulk = collect(tight.embedStream(second));
    const query = await collect(tight.embedStream(first.slice(0, 5), { priority: 'high' }));
    for (const { report } of query) expect(report.run.chunks).toBe(report.chunks);
    expect((await bulk).reduce((total, batch) => total + batch.indices.length, 0)).toBe(second.length);
  });

  it('a call that stops reading early does not hold up or corrupt the others', async () => {
    const expected = await tightFp32.embed(second);
    const quitter = (async () => {
      for await (const batch of tightFp32.embedStream(first)) return batch.indices.length;
      return 0;
    })();
    const vectors = await tightFp32.embed(second);
    expect(await quitter).toBeGreaterThan(0);
    vectors.forEach((vector, i) => {
      expect(maxAbsDiff(vector, expected[i]!)).toBeLessThanOrEqual(1e-5);
    });
    // Nothing of the quitter is left waiting: the embedder still closes.
    const own = await open({ precision: 'int8', ...TIGHT });
    for await (const _ of own.embedStream(first)) break;
    await expect(own.close()).resolves.toBeUndefined();
  });
});

describe('close', () => {
  it('is safe to call twice, and embed() after it rejects', async () => {
    const embedder = await open({ precision: 'int8' });
    expectUnitVector((await embedder.embed(['before close']))[0]);
    await Promise.all([embedder.close(), embedder.close()]);
    await expect(embedder.close()).resolves.toBeUndefined();
    await expect(embedder.embed(['after close'])).rejects.toThrow('the embedder is closed');
  });

  it('lets calls already running finish, then refuses new ones with EmbedderClosedError', async () => {
    const embedder = await open({ precision: 'int8', ...TIGHT });
    const running = embedder.embed(generateSeedChunks(40));
    const stream = embedder.embedStream(generateSeedChunks(20))[Symbol.asyncIterator]();
    expect((await stream.next()).done).toBe(false);
    const closing = embedder.close();
    await expect(embedder.embed(['too late'])).rejects.toBeInstanceOf(EmbedderClosedError);
    await expect(embedder.embed([])).rejects.toBeInstanceOf(EmbedderClosedError);
    let rest = 0;
    for (let next = await stream.next(); !next.done; next = await stream.next())
      rest += next.value.indices.length;
    expect(rest).toBeGreaterThan(0);
    expect(await running).toHaveLength(40);
    await expect(closing).resolves.toBeUndefined();
  });

  it('refuses a string where an iterable of strings belongs', async () => {
    const embedder = await open({ precision: 'int8' });
    const stream = embedder.embedStream('abc' as unknown as string[])[Symbol.asyncIterator]();
    await expect(stream.next()).rejects.toBeInstanceOf(TypeError);
  });

  it('does not build a model into a folder the caller named', async () => {
    await expect(createEmbedder({ modelDir: '/nonexistent/embedq-model' })).rejects.toThrow(/no model at/);
  });
});

describe('sessions', () => {
  it('one session on the calling thread gives the vectors two session threads give', async () => {
    const texts = [...generateSeedChunks(40), ...MIXED_TEXTS];
    const inThread = await open({ precision: 'fp32', sessions: 1, ...TIGHT });
    const [one, two] = [await inThread.embed(texts), await tightFp32.embed(texts)];
    two.forEach((vector, i) => {
      expect(maxAbsDiff(vector, one[i]!)).toBeLessThanOrEqual(1e-5);
    });
  });

  it('fails to start with the reason when a session thread cannot load the model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedq-broken-model-'));
    try {
      copyFileSync(modelFiles().tokenizer, join(dir, 'tokenizer.json'));
      writeFileSync(join(dir, 'model.int8.onnx'), 'not an onnx graph');
      const failure = createEmbedder({ modelDir: dir, sessions: 2 });
      await expect(failure).rejects.toThrow(/failed to load/);
      await expect(failure.catch((error: Error) => String(error.cause))).resolves.toMatch(
        /protobuf|model|onnx/i,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([1, 2])(
    'writes one ONNX Runtime profile per session on close when asked (%i session(s))',
    async (sessions) => {
      const dir = mkdtempSync(join(tmpdir(), 'embedq-profile-'));
      try {
        const embedder = await createEmbedder({
          sessions,
          threads: 1,
          engine: 'onnxruntime',
          profileDir: dir,
        });
        await embedder.embed(generateSeedChunks(8, 3));
        await embedder.close();
        const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
        expect(files).toHaveLength(sessions);
        for (const file of files) {
          const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
            cat: string;
            args?: { op_name?: string };
          }[];
          const ops = new Set(events.filter((e) => e.cat === 'Node').map((e) => e.args?.op_name));
          expect(ops).toContain('DynamicQuantizeMatMul');
          expect(ops).toContain('QAttention');
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('does not keep the process alive while its session threads are idle', () => {
    // A process that embeds once and never calls close() must still exit by itself.
    const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `const { createEmbedder } = await import(${JSON.stringify(entry)});
      const embedder = await createEmbedder({ sessions: 2 });
      const [vector] = await embedder.embed(['left open']);
      console.log(vector.length);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe(String(EMBEDDING_DIMENSIONS));
  });
});
