-- Vectors get a table of their own (docs/storage.md). A worker's write becomes one multi-row
-- INSERT into a narrow table with two indexes (primary key, the identity's HNSW) instead of an
-- UPDATE that rewrote the whole chunk row (text, metadata, the generated tsvector) and added
-- entries to every index on it. Every vector records the model identity that made it, and a batch
-- keeps its own counts, so "how far is this batch" is one row instead of a scan of its chunks.

-- A model identity: name + precision + the ONNX graph's sha256 (from the model's lock file).
-- Vectors are comparable only within one identity.
CREATE TABLE model_identities (
  id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model text NOT NULL,
  precision text NOT NULL,
  -- NULL for the vectors written before identities were recorded (this migration): the first
  -- process that registers this model and precision adopts them as its graph's. The graph files
  -- are pinned by the lock, so that is the graph which wrote them.
  graph_sha256 text CHECK (graph_sha256 ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE NULLS NOT DISTINCT (model, precision, graph_sha256)
);

-- Each namespace's active identity: the space its search compares in, and the one its new
-- batches are embedded by. Set when its first batch is accepted (or below, from its vectors).
CREATE TABLE namespace_models (
  namespace text PRIMARY KEY,
  identity_id smallint NOT NULL REFERENCES model_identities (id),
  since timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- A chunk's outcome under one identity: its vector, or why embedding it failed. One row per
-- (chunk, identity) either way, so a vector and a failure of the same chunk cannot both be
-- recorded by two racing jobs: the primary key decides, and a vector replaces a failure.
CREATE TABLE embeddings (
  chunk_id bigint NOT NULL REFERENCES chunks (id) ON DELETE CASCADE,
  -- No foreign key: identities are never deleted, and the check would cost every insert a lookup.
  identity_id smallint NOT NULL,
  -- NULL when it failed (HNSW indexes skip NULLs).
  embedding vector(384),
  error text,
  written_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  written_by text,
  -- Copied from another chunk with the same text, not inferred.
  reused boolean NOT NULL DEFAULT false,
  -- A retried job inserts nothing twice (ON CONFLICT).
  PRIMARY KEY (chunk_id, identity_id),
  CHECK ((embedding IS NULL) = (error IS NOT NULL))
);

ALTER TABLE batches
  -- The identity whose vectors complete this batch (its namespace's at acceptance). NULL only for
  -- batches from before this migration in a database with no vectors: the first worker to write
  -- one of its vectors sets it.
  ADD COLUMN identity_id smallint,
  -- Counts kept by the statements that write vectors and failures, so progress, backpressure and
  -- the batch's final event read one row. Pending = chunk_count - embedded_count - failed_count.
  ADD COLUMN embedded_count integer NOT NULL DEFAULT 0,
  ADD COLUMN reused_count integer NOT NULL DEFAULT 0,
  ADD COLUMN failed_count integer NOT NULL DEFAULT 0,
  -- Word pieces of all chunks, and of those embedded or failed: the backlog in model work.
  ADD COLUMN word_pieces bigint NOT NULL DEFAULT 0,
  ADD COLUMN done_word_pieces bigint NOT NULL DEFAULT 0,
  -- When the last chunk was embedded or failed.
  ADD COLUMN last_done_at timestamptz;

-- Move the existing vectors, failures and counts.
INSERT INTO model_identities (model, precision)
SELECT DISTINCT model, precision FROM chunks WHERE status = 'embedded' ORDER BY 1, 2;

INSERT INTO embeddings (chunk_id, identity_id, embedding, written_at, written_by, reused)
SELECT c.id, m.id, c.embedding, coalesce(c.embedded_at, clock_timestamp()), c.embedded_by, coalesce(c.reused, false)
  FROM chunks c JOIN model_identities m ON m.model = c.model AND m.precision = c.precision
 WHERE c.status = 'embedded';

-- A namespace is pinned to the identity most of its vectors have; one without vectors, to the
-- identity most vectors of the database have (there is one unless precisions were mixed).
INSERT INTO namespace_models (namespace, identity_id)
SELECT DISTINCT ON (c.namespace) c.namespace, e.identity_id
  FROM chunks c JOIN embeddings e ON e.chunk_id = c.id
 GROUP BY c.namespace, e.identity_id
 ORDER BY c.namespace, count(*) DESC, e.identity_id;
INSERT INTO namespace_models (namespace, identity_id)
SELECT DISTINCT b.namespace, d.identity_id
  FROM batches b,
       (SELECT identity_id FROM embeddings GROUP BY identity_id ORDER BY count(*) DESC, identity_id LIMIT 1) d
ON CONFLICT (namespace) DO NOTHING;

UPDATE batches b SET identity_id = n.identity_id FROM namespace_models n WHERE n.namespace = b.namespace;

INSERT INTO embeddings (chunk_id, identity_id, error, written_at)
SELECT c.id, b.identity_id, coalesce(c.error, 'unknown'), coalesce(c.failed_at, clock_timestamp())
  FROM chunks c JOIN batches b ON b.id = c.batch_id
 WHERE c.status = 'failed' AND b.identity_id IS NOT NULL;

UPDATE batches b
   SET embedded_count = s.embedded, reused_count = s.reused, failed_count = s.failed,
       word_pieces = s.word_pieces, done_word_pieces = s.done_word_pieces, last_done_at = s.last_done_at
  FROM (SELECT c.batch_id,
               count(e.embedding)::integer AS embedded,
               count(*) FILTER (WHERE e.reused)::integer AS reused,
               count(e.error)::integer AS failed,
               coalesce(sum(c.token_count), 0) AS word_pieces,
               coalesce(sum(c.token_count) FILTER (WHERE e.chunk_id IS NOT NULL), 0) AS done_word_pieces,
               max(e.written_at) AS last_done_at
          FROM chunks c
          JOIN batches cb ON cb.id = c.batch_id
          LEFT JOIN embeddings e ON e.chunk_id = c.id AND e.identity_id = cb.identity_id
         GROUP BY c.batch_id) s
 WHERE b.id = s.batch_id;

-- The vector columns leave chunks (with the indexes and checks on them: chunks_reusable,
-- chunks_pending, chunks_embedding). Dropping a column is instant; the space comes back as rows
-- are replaced, or at once with VACUUM FULL chunks in a quiet hour.
ALTER TABLE chunks
  DROP COLUMN status,
  DROP COLUMN embedding,
  DROP COLUMN model,
  DROP COLUMN precision,
  DROP COLUMN embedded_at,
  DROP COLUMN embedded_by,
  DROP COLUMN failed_at,
  DROP COLUMN error,
  DROP COLUMN reused;

-- Reuse looks texts up by hash, then their vector by (chunk, identity).
CREATE INDEX chunks_content_hash ON chunks (content_hash);

-- One HNSW index per identity, partial, so two identities live side by side during a migration.
-- It holds each vector's sign bits (binary_quantize: 48 bytes, not 1,536) and is searched by
-- Hamming distance, its candidates re-ranked by the exact cosine. m = 6, ef_construction = 32:
-- an insert costs PostgreSQL about half the CPU of one into an HNSW index of the full vectors
-- (m = 8), measured here; recall is checked by the search benchmark. Identities registered later
-- get theirs from the process that registers them (model-identities.ts), built concurrently.
DO $$
DECLARE
  identity smallint;
BEGIN
  FOR identity IN SELECT id FROM model_identities LOOP
    EXECUTE format(
      'CREATE INDEX embeddings_hnsw_%s ON embeddings USING hnsw ((binary_quantize(embedding)::bit(384)) bit_hamming_ops) WITH (m = 6, ef_construction = 32) WHERE identity_id = %s',
      identity, identity);
  END LOOP;
END $$;

-- Each chunk with its outcome under its batch's identity: status as the chunks table had it, for
-- people (and tests) reading the database. The application reads the tables.
CREATE VIEW chunk_states AS
SELECT c.id, c.namespace, c.document_id, c.chunk_index, c.batch_id, c.text, c.metadata, c.token_count,
       CASE WHEN e.embedding IS NOT NULL THEN 'embedded' WHEN e.error IS NOT NULL THEN 'failed' ELSE 'pending' END AS status,
       e.identity_id, e.embedding, e.error, e.written_at, e.written_by, e.reused
  FROM chunks c
  JOIN batches b ON b.id = c.batch_id
  LEFT JOIN embeddings e ON e.chunk_id = c.id AND e.identity_id = b.identity_id;
