-- Check-in reminders (issue 18): what each lifter wants reminding of, the secret
-- links of calendar and digest feeds, the browsers that take Web Push, and the
-- reminders already sent (each at most once).

-- A lifter's choices. No row: both reminders on, no quiet hours. Quiet hours are
-- minutes after midnight in the lifter's time zone; start = end means none.
CREATE TABLE reminder_settings (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    after_1h     INTEGER NOT NULL CHECK (after_1h IN (0, 1)),
    after_24h    INTEGER NOT NULL CHECK (after_24h IN (0, 1)),
    quiet_start  INTEGER NOT NULL CHECK (quiet_start BETWEEN 0 AND 1439),
    quiet_end    INTEGER NOT NULL CHECK (quiet_end BETWEEN 0 AND 1439)
) STRICT;

-- Secret feed links (a lifter's calendar, a clinician's digest), by SHA-256 of the
-- secret: a copy of the database opens no feed. One link per user and kind; a new
-- one replaces the old, which then answers 404.
CREATE TABLE feed_links (
    secret_hash  BLOB    PRIMARY KEY CHECK (length(secret_hash) = 32),
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('calendar', 'digest')),
    created_ns   INTEGER NOT NULL,
    UNIQUE (user_id, kind)
) STRICT, WITHOUT ROWID;

-- Browsers that take Web Push (PushManager.subscribe's endpoint and keys).
CREATE TABLE push_subscriptions (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint    TEXT    NOT NULL UNIQUE CHECK (length(endpoint) BETWEEN 1 AND 2048),
    p256dh      TEXT    NOT NULL,
    auth        TEXT    NOT NULL,
    created_ns  INTEGER NOT NULL
) STRICT;
CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id);

-- Reminders claimed for sending: the primary key makes each (session, point) sent
-- at most once, however many servers run the sender.
CREATE TABLE reminders_sent (
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    point       TEXT    NOT NULL CHECK (point IN ('after_1h', 'after_24h')),
    sent_ns     INTEGER NOT NULL,
    PRIMARY KEY (session_id, point)
) STRICT, WITHOUT ROWID;
