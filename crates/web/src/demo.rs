//! Demo data for `pullback serve --demo`: a clinician, `demo-pt`, and fourteen
//! lifters whose logs put them in every state the engine has (each action, rungs
//! in an episode, each flag, each reason to see a clinician, overdue check-ins, a
//! lifter quiet for weeks), all linked to the clinician.
//!
//! Histories are written relative to "now", so the dashboard looks alive on any
//! day. Seeding is idempotent: nothing is written when the demo clinician exists.
//! Every start sets a new random password on the clinician and on one lifter,
//! [`SHOWCASE`], and gives it back to be printed: a demo on a reachable server
//! never has a known password.

use crate::clinic::dashboard::Status;
use anyhow::Context as _;
use jiff::{SignedDuration, Timestamp};
use pullback_app::secrets::{hash_password, random_bytes, sha256};
use pullback_core::{
    Action, Block, Decimal, Exercise, ExerciseId, ExerciseLog, Flag, History, Load, Pain, Point, RedFlags, Referral,
    Reps, Screening, Session, SessionCheckin, Set, Side, StandaloneCheckin, Strength, SymmetryTest, Tempo, Units,
};
use pullback_store::{ImportMode, Store, StoreError, StoredProfile, Tokens, User};

/// The demo clinician's user name.
pub const CLINICIAN: &str = "demo-pt";
/// The lifter whose password is printed with the clinician's.
pub const SHOWCASE: &str = "demo-bea";

/// Who to sign in as, printed at start-up.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// Whether this start wrote the demo data (false: it was there already).
    pub seeded: bool,
    pub clinician: String,
    /// `None` if the showcase lifter's account was deleted since.
    pub lifter: Option<String>,
    /// The password of both, new at every start.
    pub password: String,
}

impl std::fmt::Display for DemoLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Demo: clinician {} / password {}", self.clinician, self.password)?;
        if let Some(lifter) = &self.lifter {
            write!(f, "; lifter {lifter} / password {}", self.password)?;
        }
        Ok(())
    }
}

/// Seeds the demo (unless its clinician exists) and sets a new password on the
/// clinician and the showcase lifter.
pub async fn seed(store: &dyn Store, now: Timestamp) -> anyhow::Result<DemoLogin> {
    // Whole seconds read better in the pages' times than the clock's nanoseconds.
    let now = now.round(jiff::Unit::Second)?;
    let password = hex::encode(random_bytes::<9>()?);
    let hash = {
        let password = password.clone();
        tokio::task::spawn_blocking(move || hash_password(&password)).await.context("hashing the demo password")??
    };
    let seeded = match store.credentials(CLINICIAN).await? {
        Some(found) if found.user.clinician => false,
        Some(_) => anyhow::bail!(
            "a user named {CLINICIAN} exists and is not a clinician, so it is not the demo's; \
             use --demo with another database"
        ),
        None => {
            write_demo(store, now, &hash).await?;
            true
        }
    };
    let clinician = store.user_by_name(CLINICIAN).await?;
    store.set_password(clinician.id, &hash, Tokens::Revoke).await?;
    let lifter = match store.user_by_name(SHOWCASE).await {
        Ok(user) => {
            store.set_password(user.id, &hash, Tokens::Revoke).await?;
            Some(user.name)
        }
        Err(StoreError::NotFound { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(DemoLogin { seeded, clinician: clinician.name, lifter, password })
}

/// The lifters first, then the clinician and the links: a run that stops half-way
/// leaves no clinician, so the next one does not take the demo as complete.
async fn write_demo(store: &dyn Store, now: Timestamp, hash: &str) -> anyhow::Result<()> {
    let mut users = Vec::new();
    for demo in lifters() {
        users.push(write_lifter(store, &demo, now, hash).await?);
    }
    let clinician = store
        .create_account(CLINICIAN, &StoredProfile::new(Units::Kg), hash)
        .await
        .context("creating the demo clinician")?;
    store.set_clinician(clinician.id, true).await?;
    for lifter in &users {
        link(store, &clinician, lifter, now).await?;
    }
    Ok(())
}

async fn write_lifter(store: &dyn Store, demo: &DemoLifter, now: Timestamp, hash: &str) -> anyhow::Result<User> {
    let mut profile = StoredProfile::new(Units::Kg).with_time_zone(demo.time_zone)?;
    profile.profile.working_weight = demo.working_weight.map(kg).transpose()?;
    let user = store.create_account(demo.name, &profile, hash).await.map_err(|e| match e {
        StoreError::Conflict(_) => anyhow::anyhow!(
            "a user named {} exists but the demo clinician {CLINICIAN} does not: an earlier --demo stopped \
             half-way, or the name is someone's; use --demo with another database",
            demo.name
        ),
        e => e.into(),
    })?;
    let history = history_of(demo, &profile, now)?;
    store.import_history(user.id, &history, ImportMode::Append).await?;
    Ok(user)
}

/// Links `lifter` to `clinician` the way a lifter does: an invitation, accepted.
async fn link(store: &dyn Store, clinician: &User, lifter: &User, now: Timestamp) -> anyhow::Result<()> {
    let code = sha256(&random_bytes::<16>()?);
    let expires = now.checked_add(SignedDuration::from_hours(24))?;
    store.create_invitation(clinician.id, &code, expires).await?;
    store.accept_invitation(lifter, &code, now).await?;
    Ok(())
}

/// What a demo lifter's plan must be: the tests compute it and compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub action: Action,
    pub rung: Option<u8>,
    pub block: Option<Block>,
    pub flags: Vec<Flag>,
    pub referrals: Vec<Referral>,
    /// Overdue check-ins.
    pub overdue: usize,
    /// The dashboard status this gives.
    pub status: Status,
}

/// One demo lifter: who, their profile, their log, and what it must give.
#[derive(Debug, Clone)]
pub struct DemoLifter {
    pub name: &'static str,
    pub time_zone: &'static str,
    /// In kg; `None` leaves W to the history.
    pub working_weight: Option<i64>,
    pub events: Vec<Event>,
    pub expect: Expect,
}

/// Something a demo lifter logged, `hours_ago` before "now".
#[derive(Debug, Clone)]
pub enum Event {
    Session {
        hours_ago: i64,
        work: Work,
        pains: Pains,
    },
    /// "My back is 6/10 today."
    Pain {
        hours_ago: i64,
        pain: u8,
    },
    /// A red-flag screening with these answers yes (none: all clear).
    Screening {
        hours_ago: i64,
        yes: &'static [&'static str],
    },
    Symmetry {
        hours_ago: i64,
        left: i64,
        right: i64,
    },
}

/// What a session trained.
#[derive(Debug, Clone, Copy)]
pub enum Work {
    /// Conventional deadlifts, the lifter's own program: warm-ups and 3 × 5 at this many kg.
    Deadlift(i64),
    /// A heavy day: 6 × 5 at this many kg, no warm-ups logged.
    Heavy(i64),
    /// The prescription of this ladder rung (loads from `w` kg), from a block of this many cm.
    Rung { rung: u8, w: i64, block_cm: Option<i64> },
}

/// The check-ins of a session; `None` was not given. A check-in whose time is
/// after "now" is left out: it has not happened yet.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pains {
    pub before: Option<u8>,
    pub during: Option<u8>,
    pub after_1h: Option<u8>,
    pub after_24h: Option<u8>,
    pub side: Option<Side>,
    pub bottom_only: bool,
}

/// All four check-ins.
fn pains(before: u8, during: u8, after_1h: u8, after_24h: u8) -> Pains {
    Pains {
        before: Some(before),
        during: Some(during),
        after_1h: Some(after_1h),
        after_24h: Some(after_24h),
        ..Pains::default()
    }
}

/// A session that went well.
fn fine() -> Pains {
    pains(1, 2, 1, 1)
}

/// A flare: pain above tolerable during and after.
fn flare() -> Pains {
    pains(2, 5, 5, 5)
}

const DAY: i64 = 24;

/// Own-program deadlift sessions from `from_days` to `to_days` ago, every 3.5 days, all fine.
fn steady(from_days: i64, to_days: i64, load: i64) -> Vec<Event> {
    every(from_days, to_days, |hours_ago| Event::Session { hours_ago, work: Work::Deadlift(load), pains: fine() })
}

fn every(from_days: i64, to_days: i64, mut event: impl FnMut(i64) -> Event) -> Vec<Event> {
    let (from, to) = (from_days * DAY, to_days * DAY);
    (0..).map(|i| from - i * 84).take_while(|&h| h >= to).map(&mut event).collect()
}

fn session(hours_ago: i64, work: Work, pains: Pains) -> Event {
    Event::Session { hours_ago, work, pains }
}

fn rung(rung: u8, w: i64) -> Work {
    Work::Rung { rung, w, block_cm: None }
}

fn expect(action: Action, rung: Option<u8>, status: Status) -> Expect {
    Expect { action, rung, block: None, flags: vec![], referrals: vec![], overdue: 0, status }
}

/// The demo lifters, in the dashboard order they should come in.
pub fn lifters() -> Vec<DemoLifter> {
    vec![urgent(), doctor(), flaring(), stuck(), long_episode(), asymmetric()]
        .into_iter()
        .chain([overdue(), quiet(), steady_lifter(), on_a_block(), climbing(), spiking(), sore_pattern(), newcomer()])
        .collect()
}

/// A red flag of possible nerve compression this morning: urgent care.
fn urgent() -> DemoLifter {
    let mut events = steady(30, 4, 130);
    events.push(Event::Screening { hours_ago: 60 * DAY, yes: &[] });
    events.push(Event::Screening { hours_ago: 6, yes: &["saddle_anesthesia", "bladder_bowel"] });
    DemoLifter {
        name: "demo-ivo",
        time_zone: "Europe/Lisbon",
        working_weight: Some(150),
        events,
        expect: expect(Action::UrgentCare, None, Status::Urgent),
    }
}

/// Fever and night pain in yesterday's screening: a doctor first.
fn doctor() -> DemoLifter {
    let mut events = steady(28, 3, 110);
    events.push(Event::Screening { hours_ago: 20, yes: &["fever", "night_pain"] });
    DemoLifter {
        name: "demo-dora",
        time_zone: "America/New_York",
        working_weight: Some(125),
        events,
        expect: expect(Action::SeeDoctor, None, Status::Doctor),
    }
}

/// A flare two days ago and 6/10 this morning: rest and stay active.
fn flaring() -> DemoLifter {
    let mut events = steady(30, 6, 120);
    events.push(session(2 * DAY, Work::Deadlift(125), pains(2, 3, 5, 6)));
    events.push(Event::Pain { hours_ago: 3, pain: 6 });
    DemoLifter {
        name: "demo-flo",
        time_zone: "Europe/Berlin",
        working_weight: Some(140),
        events,
        expect: expect(Action::RestActive, Some(3), Status::Flaring),
    }
}

/// Flares at every rung down to 0, and again at 0; calmer since.
fn stuck() -> DemoLifter {
    let mut events = steady(40, 24, 150);
    events.push(session(20 * DAY, Work::Deadlift(150), flare()));
    for (days, at) in [(16, 3), (12, 2), (8, 1), (4, 0)] {
        events.push(session(days * DAY, rung(at, 170), flare()));
    }
    events.push(Event::Pain { hours_ago: DAY, pain: 3 });
    let mut expect = expect(Action::Train, Some(0), Status::Clinician);
    expect.referrals = vec![Referral::NoTolerableRung, Referral::RepeatedFlares];
    DemoLifter { name: "demo-reza", time_zone: "Asia/Tehran", working_weight: Some(170), events, expect }
}

/// Seven weeks in an episode, up and down the ladder.
fn long_episode() -> DemoLifter {
    let mut events = steady(62, 50, 140);
    events.push(session(48 * DAY, Work::Deadlift(140), flare()));
    // Rungs before each session: tolerated moves up one, a flare down one.
    let ladder = [(42, 3, false), (35, 4, false), (28, 5, true), (21, 4, false), (14, 5, false), (7, 6, true)];
    for (days, at, flared) in ladder {
        events.push(session(days * DAY, rung(at, 160), if flared { pains(1, 3, 3, 5) } else { fine() }));
    }
    events.push(session(84, rung(5, 160), fine()));
    let mut expect = expect(Action::Train, Some(6), Status::Clinician);
    expect.referrals = vec![Referral::Duration];
    DemoLifter { name: "demo-dan", time_zone: "Europe/Dublin", working_weight: Some(160), events, expect }
}

/// Left-sided pain and a weaker left side.
fn asymmetric() -> DemoLifter {
    let left = Pains { side: Some(Side::Left), ..pains(1, 2, 1, 1) };
    let mut events = every(30, 3, |hours_ago| session(hours_ago, Work::Deadlift(100), left));
    events.push(Event::Symmetry { hours_ago: 5 * DAY, left: 250, right: 300 });
    let mut expect = expect(Action::Train, None, Status::Clinician);
    expect.referrals = vec![Referral::Asymmetry];
    DemoLifter { name: "demo-asha", time_zone: "Europe/London", working_weight: Some(115), events, expect }
}

/// Trained 40 hours ago and has not checked in since.
fn overdue() -> DemoLifter {
    let mut events = steady(30, 4, 120);
    events.push(session(40, Work::Deadlift(120), Pains { before: Some(1), during: Some(2), ..Pains::default() }));
    let mut expect = expect(Action::Train, None, Status::Overdue);
    expect.flags = vec![Flag::MissingCheckin];
    expect.overdue = 2;
    DemoLifter { name: "demo-owen", time_zone: "Europe/Oslo", working_weight: Some(140), events, expect }
}

/// Nothing logged for five weeks: a layoff.
fn quiet() -> DemoLifter {
    let mut expect = expect(Action::Train, None, Status::Ok);
    expect.flags = vec![Flag::Layoff];
    DemoLifter {
        name: "demo-quinn",
        time_zone: "America/Chicago",
        working_weight: Some(145),
        events: steady(80, 35, 125),
        expect,
    }
}

/// Six weeks of training that went well.
fn steady_lifter() -> DemoLifter {
    DemoLifter {
        name: "demo-nora",
        time_zone: "Europe/Stockholm",
        working_weight: Some(140),
        events: steady(42, 3, 120),
        expect: expect(Action::Train, None, Status::Ok),
    }
}

/// Pain only at the bottom of the pull: on blocks, now one step lower.
fn on_a_block() -> DemoLifter {
    let mut events = steady(30, 8, 130);
    events.push(session(6 * DAY, Work::Deadlift(130), Pains { bottom_only: true, ..pains(1, 5, 3, 3) }));
    events.push(session(60, Work::Rung { rung: 3, w: 150, block_cm: Some(15) }, fine()));
    let mut expect = expect(Action::Train, Some(3), Status::Ok);
    expect.block = Some(Block::Mid);
    DemoLifter { name: SHOWCASE, time_zone: "Europe/Paris", working_weight: Some(150), events, expect }
}

/// Back up the ladder, a rung a session, since a flare three weeks ago.
fn climbing() -> DemoLifter {
    let mut events = steady(50, 27, 160);
    events.push(session(24 * DAY, Work::Deadlift(160), pains(1, 3, 5, 4)));
    for (i, at) in (0..).zip(3..=8) {
        events.push(session(21 * DAY - i * 84, rung(at, 180), fine()));
    }
    DemoLifter {
        name: "demo-milo",
        time_zone: "Australia/Sydney",
        working_weight: Some(180),
        events,
        expect: expect(Action::Train, Some(9), Status::Ok),
    }
}

/// A heavy week after four light ones: intensity and volume spikes.
fn spiking() -> DemoLifter {
    let mut events = steady(34, 10, 100);
    events.push(session(6 * DAY, Work::Heavy(125), fine()));
    events.push(session(60, Work::Heavy(125), fine()));
    let mut expect = expect(Action::Train, None, Status::Ok);
    expect.flags = vec![Flag::IntensitySpike, Flag::VolumeSpike];
    DemoLifter { name: "demo-ines", time_zone: "Europe/Madrid", working_weight: Some(120), events, expect }
}

/// Sore the day after three sessions of four: a pattern, so an episode.
fn sore_pattern() -> DemoLifter {
    let mut events = steady(40, 20, 120);
    for (days, sore) in [(16, 3), (12, 2), (8, 3)] {
        events.push(session(days * DAY, Work::Deadlift(120), pains(1, 2, 2, sore)));
    }
    events.push(session(4 * DAY, rung(3, 140), pains(2, 2, 2, 2)));
    let mut expect = expect(Action::Train, Some(4), Status::Ok);
    expect.flags = vec![Flag::Pattern];
    DemoLifter { name: "demo-pat", time_zone: "America/Toronto", working_weight: Some(140), events, expect }
}

/// New, with no working weight and no barbell pulls yet.
fn newcomer() -> DemoLifter {
    let events = every(10, 3, |hours_ago| session(hours_ago, rung(1, 0), fine()));
    let mut expect = expect(Action::Train, None, Status::Ok);
    expect.flags = vec![Flag::WorkingWeightUnknown];
    DemoLifter { name: "demo-nils", time_zone: "Europe/Helsinki", working_weight: None, events, expect }
}

/// The lifter's log as the engine reads it, timed back from `now`.
fn history_of(demo: &DemoLifter, profile: &StoredProfile, now: Timestamp) -> anyhow::Result<History> {
    let mut history = History::new(profile.profile.clone());
    let at = |hours_ago: i64| now.checked_sub(SignedDuration::from_hours(hours_ago));
    for event in &demo.events {
        match *event {
            Event::Session { hours_ago, work, pains } => {
                let at = at(hours_ago)?;
                let checkins = session_checkins(pains, at, now)?;
                history.sessions.push(Session { id: None, at, exercises: exercises(work)?, checkins, note: None });
            }
            Event::Pain { hours_ago, pain } => {
                history.checkins.push(StandaloneCheckin {
                    at: at(hours_ago)?,
                    pain: Pain::parse(pain.into())?,
                    side: None,
                });
            }
            Event::Screening { hours_ago, yes } => {
                let mut answers = RedFlags::default();
                for id in yes {
                    *answers.answer_mut(id).with_context(|| format!("{id} is not a red-flag question"))? = true;
                }
                history.screenings.push(Screening { at: at(hours_ago)?, answers });
            }
            Event::Symmetry { hours_ago, left, right } => {
                let (left, right) = (Strength::parse(left.into())?, Strength::parse(right.into())?);
                history.symmetry_tests.push(SymmetryTest { at: at(hours_ago)?, left, right });
            }
        }
    }
    history.sessions.sort_by_key(|s| s.at);
    history.checkins.sort_by_key(|c| c.at);
    history.screenings.sort_by_key(|s| s.at);
    history.symmetry_tests.sort_by_key(|t| t.at);
    Ok(history)
}

fn session_checkins(pains: Pains, session_at: Timestamp, now: Timestamp) -> anyhow::Result<Vec<SessionCheckin>> {
    let given = [
        (Point::Before, pains.before),
        (Point::During, pains.during),
        (Point::After1h, pains.after_1h),
        (Point::After24h, pains.after_24h),
    ];
    let mut checkins = Vec::new();
    for (point, pain) in given {
        let Some(pain) = pain else { continue };
        if session_at.checked_add(point.default_offset())? > now {
            continue;
        }
        checkins.push(SessionCheckin {
            point,
            pain: Pain::parse(pain.into())?,
            at: None,
            side: pains.side,
            bottom_only: point == Point::During && pains.bottom_only,
        });
    }
    Ok(checkins)
}

fn kg(value: i64) -> anyhow::Result<Load> {
    Ok(Load::parse(Decimal::from(value))?)
}

fn sets(load: Decimal, reps: i64, count: usize, warmup: bool) -> anyhow::Result<Vec<Set>> {
    let set = Set { load: Load::parse(load)?, reps: Reps::parse(reps)?, rpe: None, warmup, note: None };
    Ok(vec![set; count])
}

fn lift(exercise: Exercise, sets: Vec<Set>, tempo: Option<&str>, block_cm: Option<i64>) -> anyhow::Result<ExerciseLog> {
    Ok(ExerciseLog {
        exercise: ExerciseId::Known(exercise),
        tempo: tempo.map(Tempo::parse).transpose()?,
        block_height: block_cm.map(|cm| pullback_core::BlockHeight::parse(Decimal::from(cm))).transpose()?,
        sets,
        note: None,
    })
}

/// The exercises of a session: the lifter's own deadlifts, or a rung's prescription.
fn exercises(work: Work) -> anyhow::Result<Vec<ExerciseLog>> {
    Ok(match work {
        Work::Deadlift(load) => {
            let mut all = sets(Decimal::from(60), 5, 1, true)?;
            all.extend(sets(Decimal::from(load * 7 / 10), 3, 1, true)?);
            all.extend(sets(Decimal::from(load), 5, 3, false)?);
            vec![lift(Exercise::Deadlift, all, None, None)?]
        }
        Work::Heavy(load) => vec![lift(Exercise::Deadlift, sets(Decimal::from(load), 5, 6, false)?, None, None)?],
        Work::Rung { rung: 0, .. } => vec![
            lift(Exercise::BirdDog, sets(Decimal::ZERO, 10, 3, false)?, None, None)?,
            lift(Exercise::GoodMorning, sets(Decimal::ZERO, 10, 3, false)?, None, None)?,
        ],
        Work::Rung { rung: 1, .. } => {
            vec![lift(Exercise::KettlebellSumoDeadlift, sets(Decimal::from(16), 10, 3, false)?, None, None)?]
        }
        Work::Rung { rung: 2, block_cm, .. } => {
            vec![lift(Exercise::SumoDeadlift, sets(Decimal::from(20), 10, 3, false)?, None, block_cm)?]
        }
        Work::Rung { rung, w, block_cm } => {
            let share = match rung {
                3..=6 => 50,
                _ => 60 + 10 * i64::from(rung.saturating_sub(7)),
            };
            // The load rounded down to 2.5 kg, as the ladder does.
            let load = (Decimal::from(w * share) / Decimal::from(250)).floor() * Decimal::new(25, 1);
            let tempo = match rung {
                4 => Some("3-0-3"),
                5 => Some("3-1-3"),
                6 => Some("5-0-5"),
                _ => None,
            };
            vec![lift(Exercise::Deadlift, sets(load, 5, 3, false)?, tempo, block_cm)?]
        }
    })
}
