//! Many rows in few round trips: ids are taken from the tables' sequences first,
//! then each table's rows go in as one `INSERT … SELECT FROM UNNEST(arrays)`.
//!
//! Taking the ids first lets exercises name their session and sets their exercise
//! without reading anything back, and keeps ids rising in the order rows were
//! given (check-ins of a session are read in id order).

use super::db;
use crate::codec::to_ns;
use crate::error::Result;
use crate::model::{At, ImportCounts};
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
    let (mut sessions, mut exercises, mut checkins): (Vec<i64>, Vec<i64>, Vec<i64>) = sqlx::query_as(
        "SELECT
             ARRAY(SELECT nextval(pg_get_serial_sequence('sessions', 'id')) FROM generate_series(1, $1)),
             ARRAY(SELECT nextval(pg_get_serial_sequence('exercises', 'id')) FROM generate_series(1, $2)),
             ARRAY(SELECT nextval(pg_get_serial_sequence('checkins', 'id')) FROM generate_series(1, $3))",
    )
    .bind(ordinal(counts.sessions))
    .bind(ordinal(counts.exercises))
    .bind(ordinal(counts.checkins))
    .fetch_one(c)
    .await
    .map_err(db)?;
    // Sequences only rise, but nothing promises the order ARRAY() collects them in.
    sessions.sort_unstable();
    exercises.sort_unstable();
    checkins.sort_unstable();
    Ok(Ids { sessions, exercises, checkins })
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

    pub async fn insert(self, c: &mut PgConnection, user: i64) -> Result<()> {
        if self.id.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO sessions (id, user_id, at, at_ns, external_id, note)
             SELECT id, $1, at, at_ns, external_id, note
             FROM UNNEST($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[])
                  AS t (id, at, at_ns, external_id, note)",
        )
        .bind(user)
        .bind(self.id)
        .bind(self.at)
        .bind(self.at_ns)
        .bind(self.external_id)
        .bind(self.note)
        .execute(c)
        .await
        .map_err(db)?;
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

    pub async fn insert(self, c: &mut PgConnection) -> Result<()> {
        if self.id.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO exercises (id, session_id, position, exercise, tempo, block_height, note)
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                                  $7::text[])",
        )
        .bind(self.id)
        .bind(self.session_id)
        .bind(self.position)
        .bind(self.exercise)
        .bind(self.tempo)
        .bind(self.block_height)
        .bind(self.note)
        .execute(c)
        .await
        .map_err(db)?;
        Ok(())
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

    pub async fn insert(self, c: &mut PgConnection) -> Result<()> {
        if self.exercise_id.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO sets (exercise_id, position, load, reps, rpe, warmup, import_key, note)
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::boolean[],
                                  $7::bytea[], $8::text[])",
        )
        .bind(self.exercise_id)
        .bind(self.position)
        .bind(self.load)
        .bind(self.reps)
        .bind(self.rpe)
        .bind(self.warmup)
        .bind(self.import_key)
        .bind(self.note)
        .execute(c)
        .await
        .map_err(db)?;
        Ok(())
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

    pub async fn insert(self, c: &mut PgConnection, user: i64) -> Result<()> {
        if self.id.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO checkins (id, user_id, session_id, point, pain, at, at_ns, effective_ns, side, bottom_only)
             SELECT id, $1, session_id, point, pain, at, at_ns, effective_ns, side, bottom_only
             FROM UNNEST($2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::bigint[],
                         $8::bigint[], $9::text[], $10::boolean[])
                  AS t (id, session_id, point, pain, at, at_ns, effective_ns, side, bottom_only)",
        )
        .bind(user)
        .bind(self.id)
        .bind(self.session_id)
        .bind(self.point)
        .bind(self.pain)
        .bind(self.at)
        .bind(self.at_ns)
        .bind(self.effective_ns)
        .bind(self.side)
        .bind(self.bottom_only)
        .execute(c)
        .await
        .map_err(db)?;
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

/// Writes whole sessions (and `standalone` check-ins, already made into rows
/// but for their ids) in one go; gives the sessions' ids and adds to `counts`.
pub(super) async fn insert_sessions(
    c: &mut PgConnection,
    user: i64,
    sessions: &[SessionInput<'_>],
    standalone: &[CheckinRow],
    counts: &mut ImportCounts,
) -> Result<Vec<i64>> {
    let want = IdCounts {
        sessions: sessions.len(),
        exercises: sessions.iter().map(|s| s.exercises.len()).sum(),
        checkins: sessions.iter().map(|s| s.checkins.len()).sum::<usize>() + standalone.len(),
    };
    let ids = take_ids(c, want).await?;
    let (mut exercise_ids, mut checkin_ids) = (ids.exercises.iter(), ids.checkins.iter());

    let (mut session_rows, mut exercise_rows, mut set_rows, mut checkin_rows) =
        (SessionRows::default(), ExerciseRows::default(), SetRows::default(), CheckinRows::default());
    for (s, &session_id) in sessions.iter().zip(&ids.sessions) {
        session_rows.push(session_id, s.at, s.external_id, s.note)?;
        for (position, e) in s.exercises.iter().enumerate() {
            let exercise_id = next_id(&mut exercise_ids)?;
            exercise_rows.push(exercise_id, session_id, ordinal(position), e);
            for (position, set) in e.sets.iter().enumerate() {
                set_rows.push(exercise_id, ordinal(position), set, None);
            }
            counts.exercises += 1;
            counts.sets += e.sets.len();
        }
        for checkin in s.checkins {
            let own = checkin.at.map(|t| At::new(t, s.at.offset));
            let effective = crate::codec::effective_time(s.at.instant, checkin.point, checkin.at);
            checkin_rows.push(CheckinRow {
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
        checkin_rows.push(CheckinRow { id: next_id(&mut checkin_ids)?, ..*row })?;
        counts.checkins += 1;
    }
    session_rows.insert(c, user).await?;
    exercise_rows.insert(c).await?;
    set_rows.insert(c).await?;
    checkin_rows.insert(c, user).await?;
    Ok(ids.sessions)
}
