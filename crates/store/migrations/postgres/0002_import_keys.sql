-- Stable keys of sets imported from other apps' exports (Strong, Hevy, FitNotes),
-- so that importing the same file again adds nothing: 16 bytes (see pullback-import's
-- SetKey), NULL for sets logged in Pullback. An import finds the stored workout by its
-- external id and compares the keys of its sets, so no index on the keys is needed.
ALTER TABLE sets ADD COLUMN import_key BYTEA CHECK (import_key IS NULL OR octet_length(import_key) = 16);

-- An imported workout is found again by its external id.
CREATE INDEX sessions_by_external_id ON sessions (user_id, external_id) WHERE external_id IS NOT NULL;
