import { existsSync } from 'node:fs';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFiles, sourceFiles } from './paths.js';
import { createReferenceModel, HIDDEN_SIZE } from './reference/bert-reference.js';
import { loadTokenizer } from './reference/test-support/tokenize.js';

/**
 * The fp32 ONNX graph against the float64 reference forward pass (src/reference), per dimension
 * of the pooled, normalised sentence embedding. Contract of the graph: inputs `input_ids` and
 * `attention_mask`, int32 [batch, seq], right-padded (mask 1 = real token, 0 = padding); output
 * `sentence_embedding`, float32 [batch, 384], mean-pooled over the mask and L2-normalised.
 */
const TOLERANCE = 1e-4;

const SENTENCES = [
  'Hi',
  'A man is eating food.',
  'Order #4521 shipped on 2024-03-15 at 09:30; total: $1,299.99 (incl. 20% VAT)!',
  'The café\'s naïve "déjà vu" menu — 3 courses for €45 — closed at 11 p.m. on Dec. 31st.',
  'Mitochondria generate most of the chemical energy needed to power the biochemical reactions of the cell. ' +
    'They store it in adenosine triphosphate (ATP), and a typical cell contains 100 to 1,000 of them.',
  [
    'In 1953, Watson and Crick proposed the double-helix model of DNA; by 2003, the Human Genome Project had',
    'sequenced ~3.2 billion base pairs (about 92% of the genome). Modern short-read sequencers produce 150-bp',
    'reads at a cost below $1,000 per genome, while long-read platforms routinely exceed 10,000 bases per read.',
    'Error rates differ: roughly 0.1% for short reads versus 1-5% for early nanopore chemistry, although',
    'consensus polishing (e.g., with 30x coverage) reduces residual errors to under 1 in 100,000. Assembly',
    'quality is summarised by N50, BUSCO completeness and QV scores; a QV of 40 means one error per 10^4 bases.',
    'Researchers at the Broad Institute, the Wellcome Sanger Institute and BGI compared pipelines on the',
    'GIAB HG002 sample and found F1 scores of 0.995 for SNVs but only 0.96 for indels longer than 15 bp.',
  ].join(' '),
];

describe('fp32 ONNX graph', () => {
  let session: InferenceSession | undefined;
  let ids: number[][];
  let expected: Float64Array[];

  beforeAll(async () => {
    const path = modelFiles().fp32;
    if (!existsSync(path)) {
      throw new Error(`the fp32 graph ${path} does not exist: run \`pnpm model:build\` first`);
    }
    session = await InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const encode = loadTokenizer();
    ids = SENTENCES.map(encode);
    const reference = createReferenceModel(sourceFiles().weights);
    expected = ids.map((sequence) => reference.forward(sequence));
  });

  afterAll(async () => {
    await session?.release();
  });

  /** Runs the graph on right-padded sequences and returns one float32 row per sequence. */
  async function embed(batch: readonly number[][]): Promise<Float32Array[]> {
    const seq = Math.max(...batch.map((sequence) => sequence.length));
    const inputIds = new Int32Array(batch.length * seq);
    const attentionMask = new Int32Array(batch.length * seq);
    batch.forEach((sequence, b) => {
      inputIds.set(sequence, b * seq);
      attentionMask.fill(1, b * seq, b * seq + sequence.length);
    });
    const outputs = await session!.run({
      input_ids: new Tensor('int32', inputIds, [batch.length, seq]),
      attention_mask: new Tensor('int32', attentionMask, [batch.length, seq]),
    });
    const output = outputs.sentence_embedding;
    if (output === undefined) throw new Error('the graph has no sentence_embedding output');
    expect(output.type).toBe('float32');
    expect(output.dims).toEqual([batch.length, HIDDEN_SIZE]);
    const data = output.data as Float32Array;
    return batch.map((_, b) => data.subarray(b * HIDDEN_SIZE, (b + 1) * HIDDEN_SIZE));
  }

  /** Largest |graph - reference| over the 384 dimensions, and where. */
  function maxAbsDifference(actual: Float32Array, reference: Float64Array): { value: number; dim: number } {
    let worst = { value: 0, dim: 0 };
    for (let d = 0; d < HIDDEN_SIZE; d++) {
      const difference = Math.abs(actual[d]! - reference[d]!);
      if (!(difference <= worst.value)) worst = { value: difference, dim: d }; // NaN counts as worst
    }
    return worst;
  }

  function expectMatchesReference(rows: readonly Float32Array[]): void {
    rows.forEach((row, i) => {
      const worst = maxAbsDifference(row, expected[i]!);
      const label = `sentence ${i} (${ids[i]!.length} tokens): max |graph - reference| = ${worst.value} at dim ${worst.dim}`;
      expect(worst.value, label).toBeLessThan(TOLERANCE);
    });
  }

  it('has the contract inputs and output', () => {
    expect([...session!.inputNames].sort()).toEqual(['attention_mask', 'input_ids']);
    expect(session!.outputNames).toContain('sentence_embedding');
  });

  it('covers 3 to ~200 tokens', () => {
    const lengths = ids.map((sequence) => sequence.length);
    expect(Math.min(...lengths)).toBe(3);
    expect(Math.max(...lengths)).toBeGreaterThanOrEqual(180);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(256);
  });

  it('matches the float64 reference for each sentence on its own', async () => {
    const rows: Float32Array[] = [];
    for (const sequence of ids) rows.push(...(await embed([sequence])));
    expectMatchesReference(rows);
  });

  it('matches the float64 reference for all sentences in one right-padded batch', async () => {
    expectMatchesReference(await embed(ids));
  });
});
