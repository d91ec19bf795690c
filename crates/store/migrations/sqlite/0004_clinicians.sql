-- Clinicians (physical therapists, coaches) and the lifters they follow.
-- Every account is a lifter; `clinician` marks the accounts that may also follow others.
ALTER TABLE users ADD COLUMN clinician INTEGER NOT NULL DEFAULT 0 CHECK (clinician IN (0, 1));

-- Who may see whose data. Revoking deletes the row, so access ends at once; the
-- audit log keeps the history.
CREATE TABLE care_links (
    clinician_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lifter_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    TEXT    NOT NULL,
    PRIMARY KEY (clinician_id, lifter_id),
    CHECK (clinician_id <> lifter_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX care_links_by_lifter ON care_links (lifter_id);

-- One-time invitations, by SHA-256 of the code; used once, then kept as a record.
CREATE TABLE invitations (
    code_hash     BLOB    PRIMARY KEY CHECK (length(code_hash) = 32),
    clinician_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_ns    INTEGER NOT NULL,
    expires_ns    INTEGER NOT NULL,
    accepted_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    accepted_ns   INTEGER
) STRICT, WITHOUT ROWID;

-- A clinician's private notes about a lifter (the lifter does not see them).
CREATE TABLE clinical_notes (
    id            INTEGER PRIMARY KEY,
    lifter_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    clinician_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text          TEXT    NOT NULL CHECK (text <> ''),
    created_at    TEXT    NOT NULL
) STRICT;
CREATE INDEX clinical_notes_by_lifter ON clinical_notes (lifter_id, clinician_id, id);

-- What others did with a lifter's data: every clinician read and every change.
-- The lifter sees it. The actor's name is kept, so the entry outlives the account.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    lifter_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor_name  TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT '',
    at          TEXT    NOT NULL,
    at_ns       INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_log_by_lifter ON audit_log (lifter_id, id);

-- The caseload dashboard's row of each lifter, computed for a revision of their log
-- at an instant; safe to lose (it is recomputed).
CREATE TABLE caseload_rows (
    lifter_id        INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    revision         INTEGER NOT NULL,
    computed_for_ns  INTEGER NOT NULL,
    row              TEXT    NOT NULL
) STRICT;
