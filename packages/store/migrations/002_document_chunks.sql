-- Documents: a document is a batch whose chunks the API cut from one text. Each chunk records
-- what the model sees of it and where it sits in its source; re-posting a document carries the
-- vectors of unchanged chunks over (reused). All columns are added without a default, so the
-- change is instant on a populated table; rows from before it read NULL (unknown).
ALTER TABLE batches
  ADD COLUMN kind text NOT NULL DEFAULT 'chunks' CHECK (kind IN ('chunks', 'document')),
  -- For documents: text/plain or text/markdown, and the chunking options used.
  ADD COLUMN content_type text,
  ADD COLUMN chunking jsonb;

ALTER TABLE chunks
  -- Word pieces of the text by the model's tokenizer, [CLS]/[SEP] excluded and not truncated:
  -- more than the window (254) means the vector stands for the first 254 only.
  ADD COLUMN token_count integer CHECK (token_count >= 0),
  -- Offsets of the text in its source (UTF-16 code units): the document's text, or, for a chunk
  -- posted to /v1/batches and split there, that chunk's text. NULL for chunks posted as they are.
  ADD COLUMN start_offset integer,
  ADD COLUMN end_offset integer,
  -- Titles of the markdown headings the chunk sits under, outermost first.
  ADD COLUMN heading_path text[],
  -- True when the vector was copied from another chunk with the same text instead of inferred.
  -- It belongs to the vector: it moves with it when vectors get a table of their own
  -- (docs/storage.md).
  ADD COLUMN reused boolean,
  ADD CONSTRAINT chunks_offsets CHECK (
    (start_offset IS NULL) = (end_offset IS NULL) AND (start_offset IS NULL OR 0 <= start_offset AND start_offset <= end_offset)
  );
