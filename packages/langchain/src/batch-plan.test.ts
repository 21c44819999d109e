import { Document } from '@langchain/core/documents';
import { describe, expect, it } from 'vitest';
import { planBatches } from './batch-plan.js';

function counter() {
  let n = 0;
  return () => `generated-${++n}`;
}

const doc = (pageContent: string, fields: { id?: string; metadata?: Record<string, unknown> } = {}) =>
  new Document({ pageContent, ...fields });

describe('planBatches', () => {
  it('makes each Document a chunk, grouped by options.ids in the order the ids first come', () => {
    const plan = planBatches(
      [doc('a', { metadata: { page: 1 } }), doc('b'), doc('c', { metadata: { page: 3 } })],
      {
        ids: ['x', 'y', 'x'],
        maxGeneratedChunks: 10,
        newId: counter(),
      },
    );
    expect(plan.ids).toEqual(['x', 'y', 'x']);
    expect(plan.batches).toEqual([
      {
        documentId: 'x',
        chunks: [
          { text: 'a', metadata: { page: 1 } },
          { text: 'c', metadata: { page: 3 } },
        ],
      },
      { documentId: 'y', chunks: [{ text: 'b', metadata: {} }] },
    ]);
  });

  it('takes document.id, then metadata.documentId (which text splitters keep), and options.ids over both', () => {
    const documents = [
      doc('a', { id: 'by-id', metadata: { documentId: 'by-metadata' } }),
      doc('b', { metadata: { documentId: 'by-metadata' } }),
      doc('c', { metadata: { documentId: 42 } }),
    ];
    const plan = planBatches(documents, { maxGeneratedChunks: 10, newId: counter() });
    expect(plan.ids).toEqual(['by-id', 'by-metadata', 'generated-1']);
    const overridden = planBatches(documents, {
      ids: ['1', '1', '1'],
      maxGeneratedChunks: 10,
      newId: counter(),
    });
    expect(overridden.batches.map((b) => [b.documentId, b.chunks.length])).toEqual([['1', 3]]);
  });

  it('puts Documents without ids under generated ids, at most maxGeneratedChunks to each', () => {
    const documents = ['a', 'b', 'c', 'd', 'e'].map((text) => doc(text));
    documents.splice(2, 0, doc('given', { id: 'g' }));
    const plan = planBatches(documents, { maxGeneratedChunks: 2, newId: counter() });
    expect(plan.ids).toEqual([
      'generated-1',
      'generated-1',
      'g',
      'generated-2',
      'generated-2',
      'generated-3',
    ]);
    expect(plan.batches.map((b) => [b.documentId, b.chunks.map((c) => c.text)])).toEqual([
      ['generated-1', ['a', 'b']],
      ['g', ['given']],
      ['generated-2', ['c', 'd']],
      ['generated-3', ['e']],
    ]);
  });

  it('refuses an id that is not a non-empty string', () => {
    expect(() => planBatches([doc('a')], { ids: [''], maxGeneratedChunks: 1, newId: counter() })).toThrow(
      /ids\[0\] must be a non-empty string/,
    );
  });
});
