//! Many rows in few round trips: ids are taken from the tables' sequences first,
//! then each table's rows go in as one `INSERT … SELECT FROM UNNEST(arrays)`.
//!
//! Taking the ids first lets exercises name their session and sets their exercise
//! without reading anything back, and keeps ids rising in the order rows were
//! given (check-ins of a session are read in id order).

use super::db;
use crate::codec::to_ns;
use crate::error::{Result, StoreError};
use crate::model::{At, ImportCounts, UserId};
use pullback_core::{ExerciseLog, Note, Point, SessionCheckin, Set, Side};
use sqlx::postgres::PgConnection;

/// A position in a list, as stored.
pub(super) fn ordinal(position: usize) -> i64 {
    i64::try_from(position).unwrap_or(i64::MAX)
}

/// How many ids to take from each table's sequence.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct IdCounts {
    pub sessions: usize,
    pub exercises: usize,
    pub checkins: usize,
}

/// Fresh ids of the sessions, exercises and check-ins to be written, rising.
#[derive(Debug, Default)]
pub(super) struct Ids {
    pub sessions: Vec<i64>,
    pub exercises: Vec<i64>,
    pub checkins: Vec<i64>,
}

/// Takes the ids in one round trip (none when nothing is asked).
pub(super) async fn take_ids(c: &mut PgConnection, counts: IdCounts) -> Result<Ids> {
    if counts.sessions + counts.exercises + counts.checkins == 0 {
        return Ok(Ids::default());
    }
    let row: (Vec<i64>, Vec<i64>, Vec<i64>) = sqlx::query_as(&format!("SELECT {ID_ARRAYS}"))
        .bind(ordinal(counts.sessions))
        .bind(ordinal(counts.exercises))
        .bind(ordinal(counts.checkins))
        .fetch_one(c)
        .await
        .map_err(db)?;
    Ok(Ids::sorted(row))
}

/// Locks the user's row (as [`super::write::lock_user`]) and takes the ids in the
/// same round trip; `NotFound` if there is no such user. A write then needs only
/// one more statement ([`Batch::write`]) before its commit.
pub(super) async fn lock_user_taking_ids(c: &mut PgConnection, user: UserId, counts: IdCounts) -> Result<Ids> {
    let row: Option<(Vec<i64>, Vec<i64>, Vec<i64>)> =
        sqlx::query_as(&format!("SELECT {ID_ARRAYS} FROM users WHERE id = $4 FOR NO KEY UPDATE"))
            .bind(ordinal(counts.sessions))
            .bind(ordinal(counts.exercises))
            .bind(ordinal(counts.checkins))
            .bind(user.0)
            .fetch_optional(c)
            .await
            .map_err(db)?;
    row.map(Ids::sorted).ok_or_else(|| StoreError::not_found("user", user))
}

/// `$1`, `$2` and `$3` fresh ids of sessions, exercises and check-ins.
const ID_ARRAYS: &str = "ARRAY(SELECT nextval(pg_get_serial_sequence('sessions', 'id')) FROM generate_series(1, $1)),
     ARRAY(SELECT nextval(pg_get_serial_sequence('exercises', 'id')) FROM generate_series(1, $2)),
     ARRAY(SELECT nextval(pg_get_serial_sequence('checkins', 'id')) FROM generate_series(1, $3))";

impl Ids {
    /// Sequences only rise, but nothing promises the order ARRAY() collects them in.
    fn sorted((mut sessions, mut exercises, mut checkins): (Vec<i64>, Vec<i64>, Vec<i64>)) -> Ids {
        sessions.sort_unstable();
        exercises.sort_unstable();
        checkins.sort_unstable();
        Ids { sessions, exercises, checkins }
    }
}

/// The next of the ids taken (there are as many as rows).
pub(super) fn next_id(ids: &mut std::slice::Iter<'_, i64>) -> Result<i64> {
    ids.next().copied().ok_or_else(|| crate::codec::corrupt("the database gave fewer ids than asked for"))
}

/// Sessions as column arrays.
#[derive(Debug, Default)]
pub(super) struct SessionRows {
    pub id: Vec<i64>,
    pub at: Vec<String>,
    pub at_ns: Vec<i64>,
    pub external_id: Vec<Option<String>>,
    pub note: Vec<Option<String>>,
}

impl SessionRows {
    pub fn push(&mut self, id: i64, at: At, external_id: Option<&str>, note: Option<&Note>) -> Result<()> {
        self.at_ns.push(to_ns(at.instant)?);
        self.id.push(id);
        self.at.push(at.to_string());
        self.external_id.push(external_id.map(str::to_owned));
        self.note.push(note.map(|n| n.as_str().to_owned()));
        Ok(())
    }
}

/// Exercise entries as column arrays.
#[derive(Debug, Default)]
pub(super) struct ExerciseRows {
    pub id: Vec<i64>,
    pub session_id: Vec<i64>,
    pub position: Vec<i64>,
    pub exercise: Vec<String>,
    pub tempo: Vec<Option<String>>,
    pub block_height: Vec<Option<String>>,
    pub note: Vec<Option<String>>,
}

impl ExerciseRows {
    pub fn push(&mut self, id: i64, session_id: i64, position: i64, e: &ExerciseLog) {
        self.id.push(id);
        self.session_id.push(session_id);
        self.position.push(position);
        self.exercise.push(e.exercise.as_str().to_owned());
        self.tempo.push(e.tempo.map(|t| t.to_string()));
        self.block_height.push(e.block_height.map(|h| h.value().to_string()));
        self.note.push(e.note.as_ref().map(|n| n.as_str().to_owned()));
    }
}

/// Sets as column arrays.
#[derive(Debug, Default)]
pub(super) struct SetRows {
    pub exercise_id: Vec<i64>,
    pub position: Vec<i64>,
    pub load: Vec<String>,
    pub reps: Vec<i64>,
    pub rpe: Vec<Option<String>>,
    pub warmup: Vec<bool>,
    pub import_key: Vec<Option<[u8; 16]>>,
    pub note: Vec<Option<String>>,
}

impl SetRows {
    pub fn push(&mut self, exercise_id: i64, position: i64, set: &Set, import_key: Option<u128>) {
        self.exercise_id.push(exercise_id);
        self.position.push(position);
        self.load.push(set.load.to_string());
        self.reps.push(i64::from(set.reps.value()));
        self.rpe.push(set.rpe.map(|r| r.value().to_string()));
        self.warmup.push(set.warmup);
        self.import_key.push(import_key.map(u128::to_be_bytes));
        self.note.push(set.note.as_ref().map(|n| n.as_str().to_owned()));
    }
}

/// One check-in row, ready to store (its effective time worked out).
#[derive(Debug, Clone, Copy)]
pub(super) struct CheckinRow {
    pub id: i64,
    pub session_id: Option<i64>,
    pub point: Option<Point>,
    pub pain: u8,
    pub at: Option<At>,
    pub effective_ns: i64,
    pub side: Option<Side>,
    pub bottom_only: bool,
}

/// Check-ins as column arrays.
#[derive(Debug, Default)]
pub(super) struct CheckinRows {
    pub id: Vec<i64>,
    pub session_id: Vec<Option<i64>>,
    pub point: Vec<Option<&'static str>>,
    pub pain: Vec<i64>,
    pub at: Vec<Option<String>>,
    pub at_ns: Vec<Option<i64>>,
    pub effective_ns: Vec<i64>,
    pub side: Vec<Option<&'static str>>,
    pub bottom_only: Vec<bool>,
}

impl CheckinRows {
    pub fn push(&mut self, row: CheckinRow) -> Result<()> {
        self.at_ns.push(row.at.map(|a| to_ns(a.instant)).transpose()?);
        self.id.push(row.id);
        self.session_id.push(row.session_id);
        self.point.push(row.point.map(Point::id));
        self.pain.push(i64::from(row.pain));
        self.at.push(row.at.map(|a| a.to_string()));
        self.effective_ns.push(row.effective_ns);
        self.side.push(row.side.map(Side::id));
        self.bottom_only.push(row.bottom_only);
        Ok(())
    }
}

/// A session to write whole: with its exercises, sets and check-ins.
#[derive(Debug, Clone, Copy)]
pub(super) struct SessionInput<'a> {
    pub at: At,
    pub external_id: Option<&'a str>,
    pub exercises: &'a [ExerciseLog],
    pub checkins: &'a [SessionCheckin],
    pub note: Option<&'a Note>,
}

/// The rows of one write, for all four tables, and what it changes: written by
/// [`Batch::write`] in one statement.
#[derive(Debug, Default)]
pub(super) struct Batch {
    sessions: SessionRows,
    exercises: ExerciseRows,
    sets: SetRows,
    checkins: CheckinRows,
    /// The client id of the one session written (a phone's retry finds it by it).
    pub session_client: Option<String>,
    /// The client id of the one check-in written.
    pub checkin_client: Option<String>,
}

/// What a write changes in the lifter's replay, recorded in the write's statement.
#[derive(Debug, Clone, Copy)]
pub(super) enum Replay {
    /// The caller records it (an import, after its other tables).
    Untouched,
    /// The revision rises, and a checkpoint covering this instant (UTC ns) goes.
    ChangedAt(i64),
}

impl Batch {
    /// Whole sessions (and `standalone` check-ins, rows but for their ids) with the
    /// `ids` taken for them; gives the sessions' ids and adds to `counts`.
    pub fn of_sessions(
        sessions: &[SessionInput<'_>],
        standalone: &[CheckinRow],
        ids: Ids,
        counts: &mut ImportCounts,
    ) -> Result<(Batch, Vec<i64>)> {
        let mut batch = Batch::default();
        let (mut exercise_ids, mut checkin_ids) = (ids.exercises.iter(), ids.checkins.iter());
        for (s, &session_id) in sessions.iter().zip(&ids.sessions) {
            batch.sessions.push(session_id, s.at, s.external_id, s.note)?;
            for (position, e) in s.exercises.iter().enumerate() {
                let exercise_id = next_id(&mut exercise_ids)?;
                batch.exercises.push(exercise_id, session_id, ordinal(position), e);
                for (position, set) in e.sets.iter().enumerate() {
                    batch.sets.push(exercise_id, ordinal(position), set, None);
                }
                counts.exercises += 1;
                counts.sets += e.sets.len();
            }
            for checkin in s.checkins {
                let own = checkin.at.map(|t| At::new(t, s.at.offset));
                let effective = crate::codec::effective_time(s.at.instant, checkin.point, checkin.at);
                batch.checkins.push(CheckinRow {
                    id: next_id(&mut checkin_ids)?,
                    session_id: Some(session_id),
                    point: Some(checkin.point),
                    pain: checkin.pain.value(),
                    at: own,
                    effective_ns: to_ns(effective)?,
                    side: checkin.side,
                    bottom_only: checkin.bottom_only,
                })?;
                counts.checkins += 1;
            }
            counts.sessions += 1;
        }
        for row in standalone {
            batch.checkins.push(CheckinRow { id: next_id(&mut checkin_ids)?, ..*row })?;
            counts.checkins += 1;
        }
        Ok((batch, ids.sessions))
    }

    /// Rows made by the caller (a CSV import's plan, a session's new exercises).
    pub fn of_rows(sessions: SessionRows, exercises: ExerciseRows, sets: SetRows) -> Batch {
        Batch { sessions, exercises, sets, ..Batch::default() }
    }

    /// One check-in, its id taken already.
    pub fn of_checkin(row: CheckinRow) -> Result<Batch> {
        let mut batch = Batch::default();
        batch.checkins.push(row)?;
        Ok(batch)
    }

    fn is_empty(&self) -> bool {
        self.sessions.id.is_empty()
            && self.exercises.id.is_empty()
            && self.sets.exercise_id.is_empty()
            && self.checkins.id.is_empty()
    }

    /// Writes every row and records the change in one statement of data-modifying
    /// CTEs: one round trip, where a table at a time took five. Foreign keys hold,
    /// since PostgreSQL checks them at the end of the statement, when all four
    /// inserts are done. The caller has locked the user in an earlier statement, so
    /// this statement's snapshot sees every checkpoint committed before the lock.
    pub async fn write(self, c: &mut PgConnection, user: i64, replay: Replay) -> Result<()> {
        let (changed, affected) = match replay {
            // Nothing to write or record (an import of screenings only): no round trip.
            Replay::Untouched if self.is_empty() => return Ok(()),
            Replay::Untouched => (false, None),
            Replay::ChangedAt(ns) => (true, Some(ns)),
        };
        let (s, e, t, k) = (self.sessions, self.exercises, self.sets, self.checkins);
        sqlx::query(BATCH_SQL)
            .bind(user)
            .bind(self.session_client)
            .bind(s.id)
            .bind(s.at)
            .bind(s.at_ns)
            .bind(s.external_id)
            .bind(s.note)
            .bind(e.id)
            .bind(e.session_id)
            .bind(e.position)
            .bind(e.exercise)
            .bind(e.tempo)
            .bind(e.block_height)
            .bind(e.note)
            .bind(t.exercise_id)
            .bind(t.position)
            .bind(t.load)
            .bind(t.reps)
            .bind(t.rpe)
            .bind(t.warmup)
            .bind(t.import_key)
            .bind(t.note)
            .bind(self.checkin_client)
            .bind(k.id)
            .bind(k.session_id)
            .bind(k.point)
            .bind(k.pain)
            .bind(k.at)
            .bind(k.at_ns)
            .bind(k.effective_ns)
            .bind(k.side)
            .bind(k.bottom_only)
            .bind(changed)
            .bind(affected)
            .execute(c)
            .await
            .map_err(db)?;
        Ok(())
    }
}

/// The statement of [`Batch::write`]; its parameters in the order bound there.
const BATCH_SQL: &str = "
WITH new_sessions AS (
    INSERT INTO sessions (id, user_id, at, at_ns, external_id, note, client_id)
    SELECT id, $1, at, at_ns, external_id, note, $2::text
    FROM UNNEST($3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::text[]) AS t (id, at, at_ns, external_id, note)
), new_exercises AS (
    INSERT INTO exercises (id, session_id, position, exercise, tempo, block_height, note)
    SELECT * FROM UNNEST($8::bigint[], $9::bigint[], $10::bigint[], $11::text[], $12::text[], $13::text[], $14::text[])
), new_sets AS (
    INSERT INTO sets (exercise_id, position, load, reps, rpe, warmup, import_key, note)
    SELECT * FROM UNNEST($15::bigint[], $16::bigint[], $17::text[], $18::bigint[], $19::text[], $20::boolean[],
                         $21::bytea[], $22::text[])
), new_checkins AS (
    INSERT INTO checkins (id, user_id, session_id, point, pain, at, at_ns, effective_ns, side, bottom_only, client_id)
    SELECT id, $1, session_id, point, pain, at, at_ns, effective_ns, side, bottom_only, $23::text
    FROM UNNEST($24::bigint[], $25::bigint[], $26::text[], $27::bigint[], $28::text[], $29::bigint[], $30::bigint[],
                $31::text[], $32::boolean[])
         AS t (id, session_id, point, pain, at, at_ns, effective_ns, side, bottom_only)
), bump AS (
    UPDATE users SET revision = revision + 1 WHERE id = $1 AND $33::boolean
)
DELETE FROM checkpoints WHERE $33::boolean AND user_id = $1 AND covers_until_ns >= $34::bigint";

/// Writes whole sessions (and `standalone` check-ins, already made into rows
/// but for their ids) in one go; gives the sessions' ids and adds to `counts`.
pub(super) async fn insert_sessions(
    c: &mut PgConnection,
    user: i64,
    sessions: &[SessionInput<'_>],
    standalone: &[CheckinRow],
    counts: &mut ImportCounts,
) -> Result<Vec<i64>> {
    let ids = take_ids(c, IdCounts::of(sessions, standalone.len())).await?;
    let (batch, session_ids) = Batch::of_sessions(sessions, standalone, ids, counts)?;
    batch.write(c, user, Replay::Untouched).await?;
    Ok(session_ids)
}

impl IdCounts {
    /// The ids that `sessions`, and `standalone` check-ins beside them, need.
    pub fn of(sessions: &[SessionInput<'_>], standalone: usize) -> IdCounts {
        IdCounts {
            sessions: sessions.len(),
            exercises: sessions.iter().map(|s| s.exercises.len()).sum(),
            checkins: sessions.iter().map(|s| s.checkins.len()).sum::<usize>() + standalone,
        }
    }
}
