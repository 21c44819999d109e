import { Document } from '@langchain/core/documents';
import { describe, expect, it } from 'vitest';
import { documentFromHit } from './document-from-hit.js';
import { searchHit } from './test-support/fake-embedq.js';

describe('documentFromHit', () => {
  it("keeps the chunk's metadata as it was added, with the server's fields under `embedq`", () => {
    const hit = searchHit({
      documentId: 'reports/soil',
      chunkIndex: 2,
      namespace: 'science',
      score: 0.031,
      vectorScore: 0.72,
      keywordRank: 0.4,
      fusedScore: 0.031,
      text: 'Organic carbon was highest under the old meadow.',
      // A caller's own `chunkIndex` key is not overwritten by the server's.
      metadata: { team: 'soil', chunkIndex: 'theirs' },
      start: 120,
      end: 168,
      headingPath: ['Soil survey', 'Results'],
    });
    const document = documentFromHit(hit);
    expect(document).toBeInstanceOf(Document);
    expect(document).toEqual(
      new Document({
        id: 'reports/soil',
        pageContent: 'Organic carbon was highest under the old meadow.',
        metadata: {
          team: 'soil',
          chunkIndex: 'theirs',
          embedq: {
            documentId: 'reports/soil',
            chunkIndex: 2,
            namespace: 'science',
            score: 0.031,
            vectorScore: 0.72,
            keywordRank: 0.4,
            fusedScore: 0.031,
            start: 120,
            end: 168,
            headingPath: ['Soil survey', 'Results'],
          },
        },
      }),
    );
  });
});
