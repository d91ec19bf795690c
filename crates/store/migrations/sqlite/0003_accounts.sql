-- Accounts for the web app. A user made with `pullback user add` has no password
-- (the command line needs none) until `pullback user reset-password` sets one.
ALTER TABLE users ADD COLUMN password_hash TEXT;

-- Signed-in browser sessions. Only a SHA-256 of the session id is kept, so that a
-- copy of the database signs no one in. Any server instance serves any session.
CREATE TABLE web_sessions (
    id_hash     BLOB    PRIMARY KEY CHECK (length(id_hash) = 32),
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_ns  INTEGER NOT NULL,
    expires_ns  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX web_sessions_by_user ON web_sessions (user_id);

-- Personal access tokens for the JSON API, by SHA-256 of the token.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL CHECK (name <> ''),
    token_hash    BLOB    NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at    TEXT    NOT NULL
) STRICT;
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- Values every server instance shares, such as the signing secret (made at the first start).
CREATE TABLE server_settings (
    key    TEXT PRIMARY KEY,
    value  BLOB NOT NULL
) STRICT;

-- Failed log-ins, for rate limiting by account and by address ("user:ana", "addr:10.0.0.7").
CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    subject  TEXT    NOT NULL,
    at_ns    INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_by_subject ON login_failures (subject, at_ns);
