import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../migrate.js';
import { VECTOR_DIMENSIONS } from './vector-dimensions.js';

describe('VECTOR_DIMENSIONS', () => {
  it('is the width of the embedding column the migrations create', () => {
    const sql = readFileSync(new URL('001_documents_and_chunks.sql', MIGRATIONS_DIR), 'utf8');
    expect(sql).toContain(`embedding vector(${VECTOR_DIMENSIONS})`);
  });
});
