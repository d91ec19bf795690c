-- Writes that a phone may send more than once (it logged offline and retries until
-- it hears back) carry an id the client made; a lifter's log keeps each once.
ALTER TABLE sessions ADD COLUMN client_id TEXT CHECK (client_id IS NULL OR length(client_id) BETWEEN 8 AND 64);
CREATE UNIQUE INDEX sessions_by_client_id ON sessions (user_id, client_id) WHERE client_id IS NOT NULL;

ALTER TABLE checkins ADD COLUMN client_id TEXT CHECK (client_id IS NULL OR length(client_id) BETWEEN 8 AND 64);
CREATE UNIQUE INDEX checkins_by_client_id ON checkins (user_id, client_id) WHERE client_id IS NOT NULL;
