-- Re-embedding a namespace with another model identity (docs/storage.md, "Model versions").
-- Workers write the new identity's vectors beside the old ones; search keeps using the old ones
-- until every chunk of the namespace has a row of the new identity, and then switches over in one
-- transaction (namespace_models.identity_id). The old vectors stay until they are pruned.
CREATE TABLE reembeddings (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  namespace text NOT NULL,
  from_identity_id smallint NOT NULL REFERENCES model_identities (id),
  to_identity_id smallint NOT NULL REFERENCES model_identities (id),
  -- running -> paused -> running ... -> switched (search uses the new vectors) or cancelled.
  state text NOT NULL CHECK (state IN ('running', 'paused', 'switched', 'cancelled')),
  -- Seconds the old vectors are kept after the switch; NULL keeps them until pruned.
  keep_seconds integer CHECK (keep_seconds >= 0),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  state_since timestamptz NOT NULL DEFAULT clock_timestamp(),
  switched_at timestamptz,
  -- When the old vectors of the namespace were dropped (after keep_seconds, or pruned).
  pruned_at timestamptz,
  -- Progress as the driver last counted it (every few seconds while running): chunks of the
  -- namespace, and of those with a vector or a failure of the new identity; chunks per second.
  total_chunks integer NOT NULL DEFAULT 0,
  done_chunks integer NOT NULL DEFAULT 0,
  failed_chunks integer NOT NULL DEFAULT 0,
  counted_at timestamptz,
  chunks_per_second real,
  CHECK (from_identity_id <> to_identity_id)
);

-- One open (running or paused) re-embedding per namespace.
CREATE UNIQUE INDEX reembeddings_open ON reembeddings (namespace) WHERE state IN ('running', 'paused');
-- The driver's list of open ones, and the expired keeps.
CREATE INDEX reembeddings_state ON reembeddings (state) WHERE state IN ('running', 'paused', 'switched');
