-- Stable keys of sets imported from other apps' exports (Strong, Hevy, FitNotes),
-- so that importing the same file again adds nothing. A key is 16 bytes (a 128-bit
-- hash of the set as the app wrote it; see pullback-import's SetKey), unique per
-- lifter. Deleting the session deletes its keys: the sets can then come back.
CREATE TABLE import_keys (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key         BLOB    NOT NULL CHECK (length(key) = 16),
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX import_keys_by_session ON import_keys (session_id);

-- An imported workout is found again by its external id, to add sets that a newer
-- export of it has.
CREATE INDEX sessions_by_external_id ON sessions (user_id, external_id) WHERE external_id IS NOT NULL;
