//! The behaviour every backend must show, as functions over `&dyn Store`. Each
//! backend's test binary opens a fresh store and runs every function here
//! (`tests/sqlite/main.rs`; a PostgreSQL binary will include this file too).

use jiff::Timestamp;
use pullback_core::{
    BlockHeight, Decimal, Exercise, ExerciseId, ExerciseLog, History, Load, Note, Overrides, Pain, Params, Point,
    Profile, RedFlags, Reps, Rpe, Screening, Session, SessionCheckin, Set, Side, StandaloneCheckin, Strength,
    SymmetryTest, Tempo, Units, Variation,
};
use pullback_store::{Admission, Limit, LimitRule, Tokens};
use pullback_store::{
    At, ImportBatch, ImportCounts, ImportMode, KeyedSession, NewAudit, NewCheckin, NewCheckpoint, NewScreening,
    NewSession, NewSymmetryTest, SessionId, Store, StoreError, StoredProfile, UserId, WorkoutCounts,
};

mod reminders;
pub use reminders::*;

// ---------------------------------------------------------------------------
// Fixtures

pub fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

pub fn load(text: &str) -> Load {
    Load::parse(dec(text)).unwrap()
}

pub fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

pub fn at(text: &str) -> At {
    text.parse().unwrap()
}

pub fn pain(v: i64) -> Pain {
    Pain::parse(v).unwrap()
}

pub fn set(l: &str, reps: i64) -> Set {
    Set { load: load(l), reps: Reps::parse(reps).unwrap(), rpe: None, warmup: false, note: None }
}

pub fn deadlift(sets: Vec<Set>) -> ExerciseLog {
    ExerciseLog { exercise: ExerciseId::Known(Exercise::Deadlift), tempo: None, block_height: None, sets, note: None }
}

/// A one-exercise session of `n` sets of 5 at 100.
pub fn simple_session(when: &str, n: usize) -> NewSession {
    NewSession {
        at: at(when),
        external_id: None,
        exercises: vec![deadlift((0..n).map(|_| set("100", 5)).collect())],
        checkins: vec![],
        note: None,
    }
}

/// A session that uses every field.
pub fn rich_session(when: &str) -> NewSession {
    let warm = Set { load: load("60"), reps: Reps::parse(5).unwrap(), rpe: None, warmup: true, note: None };
    let top = Set {
        load: load("142.5"),
        reps: Reps::parse(3).unwrap(),
        rpe: Some(Rpe::parse(dec("8.5")).unwrap()),
        warmup: false,
        note: Some(Note::parse("grindy, \"slow\" off the floor").unwrap()),
    };
    NewSession {
        at: at(when),
        external_id: Some("s-1".into()),
        exercises: vec![
            ExerciseLog {
                exercise: ExerciseId::Known(Exercise::Deadlift),
                tempo: Some(Tempo::parse("3-1-3").unwrap()),
                block_height: Some(BlockHeight::parse(dec("10.5")).unwrap()),
                sets: vec![warm, top.clone(), top],
                note: Some(Note::parse("belt on from the second set\nhook grip").unwrap()),
            },
            ExerciseLog {
                exercise: ExerciseId::Other("squat".into()),
                tempo: None,
                block_height: None,
                sets: vec![set("0", 10), set("100.25", 5)],
                note: None,
            },
            ExerciseLog {
                exercise: ExerciseId::Known(Exercise::BirdDog),
                tempo: None,
                block_height: None,
                sets: vec![],
                note: None,
            },
        ],
        checkins: vec![
            SessionCheckin { point: Point::Before, pain: pain(1), at: None, side: None, bottom_only: false },
            SessionCheckin { point: Point::During, pain: pain(3), at: None, side: Some(Side::Left), bottom_only: true },
            SessionCheckin {
                point: Point::After1h,
                pain: pain(2),
                at: Some(at("2026-03-02T08:30:00+01:00").instant),
                side: Some(Side::Both),
                bottom_only: false,
            },
            // A later check-in for the same point: kept, after the first.
            SessionCheckin {
                point: Point::Before,
                pain: pain(2),
                at: None,
                side: Some(Side::Central),
                bottom_only: false,
            },
        ],
        note: Some(Note::parse("Träning i källaren — 深蹲 after").unwrap()),
    }
}

pub fn rich_profile() -> StoredProfile {
    let mut p = StoredProfile::new(Units::Lb).with_time_zone("America/New_York").unwrap();
    p.profile.working_weight = Some(load("315"));
    p.profile.usual_variation = Variation::SumoDeadlift;
    p.profile.load_increment = load("2.5");
    p.profile.bar_weight = load("35");
    p.profile.kettlebell_weight = load("53");
    p.plates = Some(vec![load("45"), load("25"), load("10"), load("5"), load("2.5"), load("1.25")]);
    p.overrides = Overrides {
        tolerable_max: Some(5),
        intensity_spike_ratio: Some(dec("1.25")),
        layoff_caps: Some(vec![(10, dec("0.9")), (30, dec("0.7"))]),
        ..Overrides::default()
    };
    p
}

async fn lifter(store: &dyn Store, name: &str) -> UserId {
    store.create_user(name, &StoredProfile::new(Units::Kg)).await.unwrap().id
}

fn assert_profile_eq(a: &StoredProfile, b: &StoredProfile) {
    let (p, q) = (&a.profile, &b.profile);
    assert_eq!(p.units, q.units);
    assert_eq!(p.working_weight, q.working_weight);
    assert_eq!(p.usual_variation, q.usual_variation);
    assert_eq!(p.load_increment, q.load_increment);
    assert_eq!(p.bar_weight, q.bar_weight);
    assert_eq!(p.kettlebell_weight, q.kettlebell_weight);
    assert_eq!(p.time_zone.iana_name(), q.time_zone.iana_name());
    assert_eq!(a.time_zone_name, b.time_zone_name);
    assert_eq!(a.plates, b.plates);
    assert_eq!(a.overrides, b.overrides);
}

/// The session a `NewSession` reads back as.
fn as_session(s: &NewSession) -> Session {
    Session {
        id: s.external_id.clone(),
        at: s.at.instant,
        exercises: s.exercises.clone(),
        checkins: s.checkins.clone(),
        note: s.note.clone(),
    }
}

// ---------------------------------------------------------------------------
// Behaviour

/// Users: create, list, find by id and name, refuse empty names.
pub async fn users(store: &dyn Store) {
    let ana = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap();
    let bo = store.create_user("  bo ", &StoredProfile::new(Units::Lb)).await.unwrap();
    assert_eq!(bo.name, "bo");
    let all = store.users().await.unwrap();
    assert_eq!(all.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["ana", "bo"]);
    assert_eq!(store.user(ana.id).await.unwrap(), ana);
    assert_eq!(store.user_by_name("bo").await.unwrap(), bo);
    assert!(matches!(store.user_by_name("cy").await, Err(StoreError::NotFound { what: "user", .. })));
    assert!(matches!(store.user(UserId(999)).await, Err(StoreError::NotFound { what: "user", .. })));
    assert!(matches!(store.create_user(" ", &StoredProfile::new(Units::Kg)).await, Err(StoreError::Invalid(_))));
}

pub async fn duplicate_user_name_is_a_conflict(store: &dyn Store) {
    lifter(store, "ana").await;
    let again = store.create_user("ana", &StoredProfile::new(Units::Lb)).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(store.users().await.unwrap().len(), 1);
}

/// Every entity written comes back in the history exactly.
pub async fn round_trip_every_entity(store: &dyn Store) {
    let profile = rich_profile();
    let user = store.create_user("ana", &profile).await.unwrap().id;
    assert_profile_eq(&store.profile(user).await.unwrap(), &profile);

    let first = rich_session("2026-03-02T07:00:00+01:00");
    let second = simple_session("2026-03-05T18:15:00.123456789-05:00", 3);
    // Written out of time order: read back in time order.
    let second_id = store.add_session(user, &second).await.unwrap();
    let first_id = store.add_session(user, &first).await.unwrap();

    let mut late = NewCheckin::of_session(first_id, Point::After24h, pain(5), None);
    late.side = Some(Side::Right);
    store.add_checkin(user, &late).await.unwrap();
    let mut alone = NewCheckin::standalone(pain(6), at("2026-03-04T12:00:00+09:00"));
    alone.side = Some(Side::Central);
    store.add_checkin(user, &alone).await.unwrap();
    store.add_checkin(user, &NewCheckin::standalone(pain(0), at("2026-03-03T12:00:00Z"))).await.unwrap();

    let flags = RedFlags { fever: true, night_pain: true, ..RedFlags::default() };
    store.add_screening(user, &NewScreening { at: at("2026-03-02T06:00:00+01:00"), answers: flags }).await.unwrap();
    store
        .add_screening(user, &NewScreening { at: at("2026-03-01T06:00:00Z"), answers: RedFlags::default() })
        .await
        .unwrap();
    let (left, right) = (Strength::parse(dec("100.5")).unwrap(), Strength::parse(dec("92")).unwrap());
    store.add_symmetry_test(user, &NewSymmetryTest { at: at("2026-03-03T10:00:00Z"), left, right }).await.unwrap();

    let stored = store.history(user).await.unwrap();
    let h = &stored.history;
    let mut expected_first = as_session(&first);
    expected_first.checkins.push(SessionCheckin {
        point: Point::After24h,
        pain: pain(5),
        at: None,
        side: Some(Side::Right),
        bottom_only: false,
    });
    assert_eq!(h.sessions, vec![expected_first, as_session(&second)]);
    assert_eq!(stored.session_ids, vec![first_id, second_id]);
    assert_eq!(
        h.checkins,
        vec![
            StandaloneCheckin { at: ts("2026-03-03T12:00:00Z"), pain: pain(0), side: None },
            StandaloneCheckin { at: ts("2026-03-04T03:00:00Z"), pain: pain(6), side: Some(Side::Central) },
        ]
    );
    assert_eq!(stored.checkin_ids.len(), 2);
    assert_eq!(
        h.screenings,
        vec![
            Screening { at: ts("2026-03-01T06:00:00Z"), answers: RedFlags::default() },
            Screening { at: ts("2026-03-02T05:00:00Z"), answers: flags },
        ]
    );
    assert_eq!(h.symmetry_tests, vec![SymmetryTest { at: ts("2026-03-03T10:00:00Z"), left, right }]);
    assert_eq!(h.profile.units, Units::Lb);
    assert_eq!(h.profile.time_zone.iana_name(), Some("America/New_York"));
    assert_eq!(h.params, Params::from_overrides(&profile.overrides).unwrap());

    // The history view keeps the offsets as logged.
    let entries = store.sessions(user, None).await.unwrap();
    assert_eq!(
        entries.iter().map(|e| e.at.to_string()).collect::<Vec<_>>(),
        ["2026-03-02T07:00:00+01:00", "2026-03-05T18:15:00.123456789-05:00"]
    );
    assert_eq!(entries[0].session, h.sessions[0]);
    assert_eq!(entries[0].checkin_ids.len(), 5);
    let last = store.sessions(user, Some(1)).await.unwrap();
    assert_eq!(last.iter().map(|e| e.id).collect::<Vec<_>>(), [second_id]);
    assert!(store.sessions(user, Some(0)).await.unwrap().is_empty());
    assert_eq!(store.sessions(user, Some(9)).await.unwrap().len(), 2);

    // A profile set again replaces the old one, defaults included.
    let plain = StoredProfile::new(Units::Kg);
    store.set_profile(user, &plain).await.unwrap();
    assert_profile_eq(&store.profile(user).await.unwrap(), &plain);
    assert_eq!(store.history(user).await.unwrap().history.params, Params::default());
}

/// Values the store cannot keep are refused, and nothing is written.
pub async fn invalid_values_are_refused(store: &dyn Store) {
    let user = lifter(store, "ana").await;
    let bad_zone = StoredProfile { time_zone_name: "Mars/Olympus".into(), ..StoredProfile::new(Units::Kg) };
    assert!(matches!(store.set_profile(user, &bad_zone).await, Err(StoreError::Invalid(_))));
    let bad_overrides = StoredProfile {
        overrides: Overrides { tolerable_max: Some(11), ..Overrides::default() },
        ..StoredProfile::new(Units::Kg)
    };
    assert!(matches!(store.set_profile(user, &bad_overrides).await, Err(StoreError::Invalid(_))));
    let no_plates = StoredProfile { plates: Some(vec![]), ..StoredProfile::new(Units::Kg) };
    assert!(matches!(store.set_profile(user, &no_plates).await, Err(StoreError::Invalid(_))));

    let id = store.add_session(user, &simple_session("2026-03-02T07:00:00Z", 1)).await.unwrap();
    let point_without_session = NewCheckin {
        session: None,
        point: Some(Point::During),
        ..NewCheckin::standalone(pain(1), at("2026-03-02T07:00:00Z"))
    };
    assert!(matches!(store.add_checkin(user, &point_without_session).await, Err(StoreError::Invalid(_))));
    let session_without_point = NewCheckin { point: None, ..NewCheckin::of_session(id, Point::During, pain(1), None) };
    assert!(matches!(store.add_checkin(user, &session_without_point).await, Err(StoreError::Invalid(_))));
    let standalone_without_time =
        NewCheckin { at: None, ..NewCheckin::standalone(pain(1), at("2026-03-02T07:00:00Z")) };
    assert!(matches!(store.add_checkin(user, &standalone_without_time).await, Err(StoreError::Invalid(_))));
    let far = NewSession { at: at("2300-01-01T00:00:00Z"), ..simple_session("2026-03-02T07:00:00Z", 1) };
    assert!(matches!(store.add_session(user, &far).await, Err(StoreError::Invalid(_))));

    let h = store.history(user).await.unwrap();
    assert_eq!(h.history.sessions.len(), 1);
    assert!(h.history.sessions[0].checkins.is_empty());
    assert!(h.history.checkins.is_empty());
    assert_eq!(store.profile(user).await.unwrap().time_zone_name, "UTC");
}

/// A check-in for a session that is not the lifter's is `NotFound`, and nothing is written.
pub async fn checkin_for_another_lifters_session_is_not_found(store: &dyn Store) {
    let ana = lifter(store, "ana").await;
    let bo = lifter(store, "bo").await;
    let anas = store.add_session(ana, &simple_session("2026-03-02T07:00:00Z", 1)).await.unwrap();
    let checkin = NewCheckin::of_session(anas, Point::After1h, pain(4), None);
    let refused = store.add_checkin(bo, &checkin).await;
    assert!(matches!(refused, Err(StoreError::NotFound { what: "session", .. })), "{refused:?}");
    let missing = NewCheckin::of_session(SessionId(anas.0 + 100), Point::After1h, pain(4), None);
    assert!(matches!(store.add_checkin(ana, &missing).await, Err(StoreError::NotFound { what: "session", .. })));
    assert!(matches!(store.add_checkin(UserId(999), &checkin).await, Err(StoreError::NotFound { what: "user", .. })));

    assert!(store.history(ana).await.unwrap().history.sessions[0].checkins.is_empty());
    let bos = store.history(bo).await.unwrap();
    assert!(bos.history.sessions.is_empty() && bos.history.checkins.is_empty());
}

/// Everything that names a missing user says so.
pub async fn missing_user_is_not_found(store: &dyn Store) {
    let nobody = UserId(4242);
    let is_missing = |r: Result<(), StoreError>| matches!(r, Err(StoreError::NotFound { what: "user", .. }));
    assert!(is_missing(store.history(nobody).await.map(drop)));
    assert!(is_missing(store.profile(nobody).await.map(drop)));
    assert!(is_missing(store.add_session(nobody, &simple_session("2026-03-02T07:00:00Z", 1)).await.map(drop)));
    assert!(is_missing(store.sessions(nobody, None).await.map(drop)));
    assert!(is_missing(store.checkpoint(nobody).await.map(drop)));
    assert!(is_missing(store.delete_user(nobody).await));
    assert!(is_missing(store.set_profile(nobody, &StoredProfile::new(Units::Kg)).await));
}

pub async fn delete_user_deletes_everything_of_theirs_only(store: &dyn Store) {
    let ana = lifter(store, "ana").await;
    let bo = lifter(store, "bo").await;
    for user in [ana, bo] {
        let id = store.add_session(user, &rich_session("2026-03-02T07:00:00+01:00")).await.unwrap();
        store.add_checkin(user, &NewCheckin::of_session(id, Point::After24h, pain(2), None)).await.unwrap();
        store.add_checkin(user, &NewCheckin::standalone(pain(2), at("2026-03-05T07:00:00Z"))).await.unwrap();
        store
            .add_screening(user, &NewScreening { at: at("2026-03-02T07:00:00Z"), answers: RedFlags::default() })
            .await
            .unwrap();
        let cp = NewCheckpoint {
            covers_until: ts("2026-03-01T00:00:00Z"),
            made_at: ts("2026-03-06T00:00:00Z"),
            state: vec![1],
        };
        let revision = store.history(user).await.unwrap().revision;
        assert!(store.put_checkpoint(user, &cp, revision).await.unwrap());
    }
    let before = store.history(bo).await.unwrap();
    store.delete_user(ana).await.unwrap();
    assert!(matches!(store.history(ana).await, Err(StoreError::NotFound { .. })));
    let after = store.history(bo).await.unwrap();
    assert_eq!(after.history.sessions, before.history.sessions);
    assert_eq!(after.history.checkins, before.history.checkins);
    assert!(store.checkpoint(bo).await.unwrap().is_some());
    // The name is free again.
    lifter(store, "ana").await;
}

/// Checkpoints: stored bytes come back; a write at or before `covers_until`
/// deletes the checkpoint, a later one does not.
pub async fn checkpoints_are_invalidated_by_earlier_writes_only(store: &dyn Store) {
    let user = lifter(store, "ana").await;
    let old = store.add_session(user, &simple_session("2026-03-02T07:00:00Z", 2)).await.unwrap();
    let new = store.add_session(user, &simple_session("2026-03-09T07:00:00Z", 2)).await.unwrap();
    assert_eq!(store.checkpoint(user).await.unwrap(), None);

    let cp = NewCheckpoint {
        covers_until: ts("2026-03-05T00:00:00Z"),
        made_at: ts("2026-03-10T00:00:00Z"),
        state: vec![0, 1, 2, 255],
    };
    async fn put(store: &dyn Store, user: UserId, cp: &NewCheckpoint) {
        let revision = store.history(user).await.unwrap().revision;
        assert!(store.put_checkpoint(user, cp, revision).await.unwrap());
    }
    put(store, user, &cp).await;
    let got = store.checkpoint(user).await.unwrap().unwrap();
    assert_eq!(
        (got.covers_until, got.made_at, got.state.as_slice()),
        (cp.covers_until, cp.made_at, &[0, 1, 2, 255][..])
    );

    // Later events leave it alone.
    store.add_checkin(user, &NewCheckin::of_session(new, Point::After24h, pain(3), None)).await.unwrap();
    store.add_checkin(user, &NewCheckin::standalone(pain(3), at("2026-03-05T00:00:01Z"))).await.unwrap();
    store.add_session(user, &simple_session("2026-03-12T07:00:00Z", 1)).await.unwrap();
    store
        .add_screening(user, &NewScreening { at: at("2026-03-01T00:00:00Z"), answers: RedFlags::default() })
        .await
        .unwrap();
    let (l, r) = (Strength::parse(dec("1")).unwrap(), Strength::parse(dec("1")).unwrap());
    store
        .add_symmetry_test(user, &NewSymmetryTest { at: at("2026-03-01T00:00:00Z"), left: l, right: r })
        .await
        .unwrap();
    assert!(store.checkpoint(user).await.unwrap().is_some(), "a later write deleted the checkpoint");

    // A late check-in of an older session (even timed after T) deletes it.
    let late = NewCheckin::of_session(old, Point::After24h, pain(6), Some(at("2026-03-06T07:00:00Z")));
    store.add_checkin(user, &late).await.unwrap();
    assert_eq!(store.checkpoint(user).await.unwrap(), None);

    // So does a standalone check-in at exactly T, and a session before T.
    put(store, user, &cp).await;
    store.add_checkin(user, &NewCheckin::standalone(pain(1), at("2026-03-05T00:00:00Z"))).await.unwrap();
    assert_eq!(store.checkpoint(user).await.unwrap(), None);
    put(store, user, &cp).await;
    store.add_session(user, &simple_session("2026-03-04T07:00:00+02:00", 1)).await.unwrap();
    assert_eq!(store.checkpoint(user).await.unwrap(), None);

    // And a profile change (the replay reads it).
    put(store, user, &cp).await;
    store.set_profile(user, &StoredProfile::new(Units::Kg)).await.unwrap();
    assert_eq!(store.checkpoint(user).await.unwrap(), None);

    // Delete.
    put(store, user, &cp).await;
    store.delete_checkpoint(user).await.unwrap();
    assert_eq!(store.checkpoint(user).await.unwrap(), None);
}

/// A checkpoint computed from a history that a write has since changed is not stored.
pub async fn stale_checkpoint_is_not_stored(store: &dyn Store) {
    let user = lifter(store, "ana").await;
    store.add_session(user, &simple_session("2026-03-02T07:00:00Z", 1)).await.unwrap();
    let read = store.history(user).await.unwrap();
    store.add_checkin(user, &NewCheckin::standalone(pain(5), at("2026-03-03T07:00:00Z"))).await.unwrap();
    let cp =
        NewCheckpoint { covers_until: ts("2026-03-04T00:00:00Z"), made_at: ts("2026-03-04T00:00:00Z"), state: vec![7] };
    assert!(!store.put_checkpoint(user, &cp, read.revision).await.unwrap());
    assert_eq!(store.checkpoint(user).await.unwrap(), None);
    // A screening raises the revision too (a cached decision is stale), so a
    // checkpoint from before it is refused, and one from after it stored.
    let before = store.history(user).await.unwrap().revision;
    store
        .add_screening(user, &NewScreening { at: at("2026-03-03T07:00:00Z"), answers: RedFlags::default() })
        .await
        .unwrap();
    let after = store.history(user).await.unwrap().revision;
    assert!(after > before);
    assert!(!store.put_checkpoint(user, &cp, before).await.unwrap());
    assert!(store.put_checkpoint(user, &cp, after).await.unwrap());
}

/// `history_after(T)` holds exactly the later part: sessions after T (with all
/// their check-ins), standalone check-ins after T, every screening and test.
pub async fn history_after_holds_exactly_the_later_part(store: &dyn Store) {
    let user = lifter(store, "ana").await;
    let t = ts("2026-03-05T00:00:00Z");
    let early = store.add_session(user, &simple_session("2026-03-02T07:00:00Z", 2)).await.unwrap();
    let at_t = store.add_session(user, &simple_session("2026-03-05T00:00:00Z", 2)).await.unwrap();
    let later = store.add_session(user, &rich_session("2026-03-06T07:00:00+01:00")).await.unwrap();
    // A check-in after T of a session before T belongs to that session, not the later part.
    store
        .add_checkin(user, &NewCheckin::of_session(early, Point::After24h, pain(2), Some(at("2026-03-06T00:00:00Z"))))
        .await
        .unwrap();
    store.add_checkin(user, &NewCheckin::of_session(later, Point::After24h, pain(4), None)).await.unwrap();
    for (p, when) in [(1, "2026-03-04T00:00:00Z"), (2, "2026-03-05T00:00:00Z"), (3, "2026-03-05T00:00:00.000000001Z")] {
        store.add_checkin(user, &NewCheckin::standalone(pain(p), at(when))).await.unwrap();
    }
    store
        .add_screening(user, &NewScreening { at: at("2026-03-01T00:00:00Z"), answers: RedFlags::default() })
        .await
        .unwrap();
    let (l, r) = (Strength::parse(dec("1")).unwrap(), Strength::parse(dec("2")).unwrap());
    store
        .add_symmetry_test(user, &NewSymmetryTest { at: at("2026-03-01T00:00:00Z"), left: l, right: r })
        .await
        .unwrap();

    let full = store.history(user).await.unwrap();
    let part = store.history_after(user, t).await.unwrap();
    assert_eq!(part.session_ids, vec![later]);
    assert_eq!(part.history.sessions, full.history.sessions[2..].to_vec());
    assert_eq!(part.history.checkins.iter().map(|c| c.pain.value()).collect::<Vec<_>>(), [3]);
    assert_eq!(part.history.screenings, full.history.screenings);
    assert_eq!(part.history.symmetry_tests, full.history.symmetry_tests);
    assert_eq!(part.revision, full.revision);
    assert_eq!(full.session_ids, vec![early, at_t, later]);

    // Resume reads the checkpoint and the part after it together.
    assert!(store.resume(user).await.unwrap().checkpoint.is_none());
    let cp = NewCheckpoint { covers_until: t, made_at: ts("2026-03-07T00:00:00Z"), state: vec![1] };
    assert!(store.put_checkpoint(user, &cp, full.revision).await.unwrap());
    let resume = store.resume(user).await.unwrap();
    assert_eq!(resume.checkpoint.map(|c| c.covers_until), Some(t));
    assert_eq!(resume.history.session_ids, part.session_ids);
    assert_eq!(resume.history.history.checkins, part.history.checkins);

    // Bounds far outside the stored range.
    assert_eq!(store.history_after(user, ts("1000-01-01T00:00:00Z")).await.unwrap().session_ids.len(), 3);
    assert!(store.history_after(user, ts("9000-01-01T00:00:00Z")).await.unwrap().session_ids.is_empty());
}

/// A write with a client id is stored once: the retry answers the stored id and
/// writes nothing (an offline phone that retries never doubles a session).
pub async fn a_client_id_is_stored_once(store: &dyn Store) {
    let ana = lifter(store, "ana").await;
    let ben = lifter(store, "ben").await;
    let client = pullback_store::ClientId::parse("7f1c2d1e-0b7a-4c1e-9f55-0a1b2c3d4e5f").unwrap();
    let session = simple_session("2026-03-02T07:00:00Z", 3);
    let first = store.add_session_once(ana, &client, &session).await.unwrap();
    assert!(first.created);
    let revision = store.history(ana).await.unwrap().revision;
    let again = store.add_session_once(ana, &client, &session).await.unwrap();
    assert_eq!((again.id, again.created), (first.id, false));
    assert_eq!(store.history(ana).await.unwrap().revision, revision, "a retry writes nothing");
    assert_eq!(store.sessions(ana, None).await.unwrap().len(), 1);
    // Client ids are per lifter: ben's phone may make the same one.
    assert!(store.add_session_once(ben, &client, &session).await.unwrap().created);

    let checkin = NewCheckin::of_session(first.id, Point::After1h, pain(3), None);
    let c1 = store.add_checkin_once(ana, &client, &checkin).await.unwrap();
    let c2 = store.add_checkin_once(ana, &client, &checkin).await.unwrap();
    assert!(c1.created && !c2.created && c1.id == c2.id);
    assert_eq!(store.sessions(ana, None).await.unwrap()[0].session.checkins.len(), 1);
    assert!(pullback_store::ClientId::parse("short").is_err());
    assert!(pullback_store::ClientId::parse("has spaces in it").is_err());
}

/// Edits and deletions: each of the lifter's own entries, audited, the revision
/// raised and a covering checkpoint deleted; another lifter's entry is NotFound.
pub async fn entries_are_edited_and_deleted_by_their_owner_only(store: &dyn Store) {
    use pullback_store::{Edit, Entry};
    let ana_user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap();
    let ben_user = store.create_user("ben", &StoredProfile::new(Units::Kg)).await.unwrap();
    let (ana, ben) = (ana_user.id, ben_user.id);
    let now = ts("2026-03-10T00:00:00Z");
    let mut with_pain = simple_session("2026-03-02T07:00:00Z", 3);
    with_pain.checkins =
        vec![SessionCheckin { point: Point::During, pain: pain(8), at: None, side: None, bottom_only: false }];
    let session = store.add_session(ana, &with_pain).await.unwrap();
    let during = store.sessions(ana, None).await.unwrap()[0].checkin_ids[0];
    let standalone =
        store.add_checkin(ana, &NewCheckin::standalone(pain(5), at("2026-03-03T07:00:00Z"))).await.unwrap();
    let screening = store
        .add_screening(ana, &NewScreening { at: at("2026-03-01T07:00:00Z"), answers: RedFlags::default() })
        .await
        .unwrap();
    let (l, r) = (Strength::parse(dec("100")).unwrap(), Strength::parse(dec("90")).unwrap());
    let test = store
        .add_symmetry_test(ana, &NewSymmetryTest { at: at("2026-03-01T08:00:00Z"), left: l, right: r })
        .await
        .unwrap();

    // Ben can touch none of them: NotFound, nothing changes.
    let ben_audit =
        NewAudit { lifter: ben, actor: &ben_user, action: "changed an entry", detail: String::new(), at: now };
    let fix = Edit::Checkin { pain: pain(3), side: None, bottom_only: false };
    for entry in
        [Entry::Session(session), Entry::Checkin(during), Entry::Screening(screening), Entry::SymmetryTest(test)]
    {
        let e = store.delete_entry(entry, &ben_audit).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound { .. }), "{entry:?}: {e}");
    }
    assert!(matches!(
        store.edit_entry(Entry::Checkin(during), &fix, &ben_audit).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(store.audit_log(ben, 10).await.unwrap().is_empty());

    // Ana fixes a mis-tapped 8 to 3: the checkpoint covering it goes, the revision rises.
    let full = store.history(ana).await.unwrap();
    let cp = NewCheckpoint { covers_until: ts("2026-03-05T00:00:00Z"), made_at: now, state: vec![1] };
    assert!(store.put_checkpoint(ana, &cp, full.revision).await.unwrap());
    let ana_audit =
        |action: &'static str| NewAudit { lifter: ana, actor: &ana_user, action, detail: "detail".into(), at: now };
    store.edit_entry(Entry::Checkin(during), &fix, &ana_audit("changed a check-in")).await.unwrap();
    let after = store.history(ana).await.unwrap();
    assert!(after.revision > full.revision);
    assert!(store.checkpoint(ana).await.unwrap().is_none(), "the checkpoint covering the session went");
    assert_eq!(after.history.sessions[0].checkins[0].pain.value(), 3);
    // bottom_only only fits `during`; a mismatched edit is Invalid.
    let bottom = Edit::Checkin { pain: pain(2), side: Some(Side::Left), bottom_only: true };
    assert!(matches!(
        store.edit_entry(Entry::Checkin(standalone), &bottom, &ana_audit("x")).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.edit_entry(Entry::Screening(screening), &fix, &ana_audit("x")).await,
        Err(StoreError::Invalid(_))
    ));

    // The session moves and gets other sets; its untimed check-in moves with it.
    let moved = at("2026-03-02T09:30:00+01:00");
    let exercises = vec![deadlift(vec![set("120", 5), set("125", 3)])];
    store
        .edit_entry(
            Entry::Session(session),
            &Edit::Session { at: moved, exercises: exercises.clone() },
            &ana_audit("changed a session"),
        )
        .await
        .unwrap();
    let entry = store.sessions(ana, None).await.unwrap().remove(0);
    assert_eq!(entry.at, moved);
    assert_eq!(entry.session.exercises, exercises);
    assert_eq!(entry.session.checkins.len(), 1, "its check-ins stay");

    // Screenings and symmetry tests are edited in place.
    let yes = RedFlags { fever: true, ..RedFlags::default() };
    store
        .edit_entry(Entry::Screening(screening), &Edit::Screening { answers: yes }, &ana_audit("changed a screening"))
        .await
        .unwrap();
    let (l2, r2) = (Strength::parse(dec("101")).unwrap(), Strength::parse(dec("99.5")).unwrap());
    store
        .edit_entry(
            Entry::SymmetryTest(test),
            &Edit::SymmetryTest { left: l2, right: r2 },
            &ana_audit("changed a test"),
        )
        .await
        .unwrap();
    let h = store.history(ana).await.unwrap();
    assert!(h.history.screenings[0].answers.fever);
    assert_eq!((h.history.symmetry_tests[0].left, h.history.symmetry_tests[0].right), (l2, r2));
    assert_eq!(h.screening_ids, vec![screening]);
    assert_eq!(h.symmetry_test_ids, vec![test]);

    // Deleting the session takes its check-ins; the others go one by one.
    for entry in
        [Entry::Session(session), Entry::Checkin(standalone), Entry::Screening(screening), Entry::SymmetryTest(test)]
    {
        store.delete_entry(entry, &ana_audit("deleted an entry")).await.unwrap();
        assert!(matches!(store.delete_entry(entry, &ana_audit("again")).await, Err(StoreError::NotFound { .. })));
    }
    let h = store.history(ana).await.unwrap();
    assert!(h.history.sessions.is_empty() && h.history.checkins.is_empty());
    assert!(h.history.screenings.is_empty() && h.history.symmetry_tests.is_empty());
    let log = store.audit_log(ana, 20).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "deleted an entry").count(), 4);
    assert_eq!(log.iter().filter(|e| e.action.starts_with("changed a")).count(), 4);
    assert!(log.iter().all(|e| e.actor == "ana"));
}

fn sample_history() -> History {
    let mut profile = Profile::new(Units::Lb);
    profile.time_zone = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    profile.working_weight = Some(load("300"));
    let mut h = History::new(profile);
    h.params = Params::from_overrides(&Overrides { sore_min: Some(3), ..Overrides::default() }).unwrap();
    h.sessions = vec![
        as_session(&rich_session("2026-03-02T07:00:00+01:00")),
        as_session(&simple_session("2026-03-04T07:00:00Z", 4)),
    ];
    h.checkins = vec![StandaloneCheckin { at: ts("2026-03-03T07:00:00Z"), pain: pain(2), side: Some(Side::Left) }];
    h.screenings =
        vec![Screening { at: ts("2026-03-01T07:00:00Z"), answers: RedFlags { trauma: true, ..RedFlags::default() } }];
    h.symmetry_tests = vec![SymmetryTest {
        at: ts("2026-03-01T08:00:00Z"),
        left: Strength::parse(dec("50")).unwrap(),
        right: Strength::parse(dec("45.5")).unwrap(),
    }];
    h
}

/// A replacing import stores a history that reads back as itself; an appending
/// one adds to it; a unit mismatch writes nothing.
pub async fn import_round_trips(store: &dyn Store) {
    let user = lifter(store, "ana").await;
    store.add_session(user, &simple_session("2020-01-01T00:00:00Z", 1)).await.unwrap();
    let h = sample_history();
    let counts = store.import_history(user, &h, ImportMode::Replace).await.unwrap();
    assert_eq!(
        counts,
        ImportCounts { sessions: 2, exercises: 4, sets: 9, checkins: 5, screenings: 1, symmetry_tests: 1 }
    );
    let back = store.history(user).await.unwrap().history;
    assert_eq!(back.sessions, h.sessions);
    assert_eq!(back.checkins, h.checkins);
    assert_eq!(back.screenings, h.screenings);
    assert_eq!(back.symmetry_tests, h.symmetry_tests);
    assert_eq!(back.params, h.params);
    assert_eq!(back.profile.units, Units::Lb);
    assert_eq!(back.profile.working_weight, Some(load("300")));
    let profile = store.profile(user).await.unwrap();
    assert_eq!(profile.time_zone_name, "Europe/Berlin");
    assert_eq!(profile.overrides, Overrides { sore_min: Some(3), ..Overrides::default() });
    // Times take the lifter's offset.
    let entries = store.sessions(user, None).await.unwrap();
    assert_eq!(entries[1].at.to_string(), "2026-03-04T08:00:00+01:00");

    // Append adds.
    let mut more = sample_history();
    more.sessions.truncate(1);
    more.sessions[0].at = ts("2026-03-10T07:00:00Z");
    store.import_history(user, &more, ImportMode::Append).await.unwrap();
    let back = store.history(user).await.unwrap().history;
    assert_eq!(back.sessions.len(), 3);
    assert_eq!(back.checkins.len(), 2);

    // A unit mismatch on append writes nothing.
    let kg = History { profile: Profile::new(Units::Kg), ..sample_history() };
    let refused = store.import_history(user, &kg, ImportMode::Append).await;
    assert!(matches!(refused, Err(StoreError::Invalid(_))), "{refused:?}");
    assert_eq!(store.history(user).await.unwrap().history.sessions.len(), 3);
}

/// An appending import reaching back before the checkpoint deletes it; one after it does not.
pub async fn import_invalidates_checkpoints(store: &dyn Store) {
    let user = store.create_user("ana", &StoredProfile::new(Units::Lb)).await.unwrap().id;
    let cp =
        NewCheckpoint { covers_until: ts("2026-03-05T00:00:00Z"), made_at: ts("2026-03-06T00:00:00Z"), state: vec![] };
    let revision = store.history(user).await.unwrap().revision;
    assert!(store.put_checkpoint(user, &cp, revision).await.unwrap());
    let mut later = sample_history();
    later.sessions.truncate(1);
    later.checkins.clear();
    later.sessions[0].at = ts("2026-03-07T00:00:00Z");
    store.import_history(user, &later, ImportMode::Append).await.unwrap();
    assert!(store.checkpoint(user).await.unwrap().is_some());
    store.import_history(user, &sample_history(), ImportMode::Append).await.unwrap();
    assert!(store.checkpoint(user).await.unwrap().is_none());
}

/// Sends `batches` to [`Store::import_workouts`] through a small channel, as an
/// importer does, and gives its answer.
async fn import_batches(
    store: &dyn Store,
    user: UserId,
    replace: bool,
    batches: Vec<ImportBatch>,
) -> Result<WorkoutCounts, StoreError> {
    let (sender, receiver) = tokio::sync::mpsc::channel(2);
    let send = async move {
        for batch in batches {
            if sender.send(batch).await.is_err() {
                break;
            }
        }
    };
    let (_, result) = tokio::join!(send, store.import_workouts(user, replace, receiver));
    result
}

/// An imported workout of deadlift sets with keys `first_key`, `first_key + 1`…
fn workout(when: &str, external_id: &str, loads: &[&str], first_key: u128) -> KeyedSession {
    let sets: Vec<Set> = loads.iter().map(|l| set(l, 5)).collect();
    let set_keys = (0..sets.len() as u128).map(|i| first_key + i).collect();
    KeyedSession {
        at: at(when),
        external_id: external_id.into(),
        exercises: vec![deadlift(sets)],
        decided: vec![true],
        set_keys,
        note: None,
    }
}

fn all_loads(history: &History) -> Vec<String> {
    let sets = history.sessions.iter().flat_map(|s| &s.exercises).flat_map(|e| &e.sets);
    sets.map(|s| s.load.to_string()).collect()
}

/// Workouts stream in and are stored on commit; the same keys again add nothing; a
/// workout seen before gets only its new sets, at its end.
pub async fn import_workouts_is_idempotent_by_set_key(store: &dyn Store) {
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    let first = vec![
        ImportBatch::Sessions(vec![workout("2026-03-02T07:00:00+01:00", "strong 1", &["100", "110"], 1)]),
        ImportBatch::Sessions(vec![workout("2026-03-04T07:00:00+01:00", "strong 2", &["120"], 10)]),
        ImportBatch::Commit,
    ];
    let counts = import_batches(store, user, false, first.clone()).await.unwrap();
    assert_eq!(counts, WorkoutCounts { sessions: 2, extended: 0, sets: 3, known_sets: 0, ..WorkoutCounts::default() });
    let stored = store.history(user).await.unwrap();
    assert_eq!(all_loads(&stored.history), ["100", "110", "120"]);
    assert_eq!(stored.history.sessions[0].id.as_deref(), Some("strong 1"));

    let again = import_batches(store, user, false, first).await.unwrap();
    assert_eq!(again, WorkoutCounts { sessions: 0, extended: 0, sets: 0, known_sets: 3, ..WorkoutCounts::default() });
    assert_eq!(all_loads(&store.history(user).await.unwrap().history), all_loads(&stored.history));
    assert_eq!(store.history(user).await.unwrap().session_ids, stored.session_ids);

    // A newer export of workout 2 has one more set.
    let newer = vec![
        ImportBatch::Sessions(vec![workout("2026-03-04T07:00:00+01:00", "strong 2", &["120", "125"], 10)]),
        ImportBatch::Commit,
    ];
    let counts = import_batches(store, user, false, newer).await.unwrap();
    assert_eq!(counts, WorkoutCounts { sessions: 0, extended: 1, sets: 1, known_sets: 1, ..WorkoutCounts::default() });
    let history = store.history(user).await.unwrap().history;
    assert_eq!(history.sessions.len(), 2);
    let second: Vec<Vec<String>> =
        history.sessions[1].exercises.iter().map(|e| e.sets.iter().map(|s| s.load.to_string()).collect()).collect();
    assert_eq!(second, [vec!["120"], vec!["125"]], "the new set goes in a new entry at the end");
}

/// An imported workout keeps its notes: the workout's, an exercise's and a set's.
pub async fn import_workouts_keep_notes(store: &dyn Store) {
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    let mut noted = workout("2026-03-02T07:00:00+01:00", "hevy 1", &["100", "110"], 1);
    noted.note = Some(Note::parse("Leg day moved to Monday").unwrap());
    noted.exercises[0].note = Some(Note::parse("Hook grip from 100").unwrap());
    noted.exercises[0].sets[1].note = Some(Note::parse("felt heavy, but no pain").unwrap());
    let batches = vec![ImportBatch::Sessions(vec![noted.clone()]), ImportBatch::Commit];
    import_batches(store, user, false, batches).await.unwrap();
    let session = &store.history(user).await.unwrap().history.sessions[0];
    assert_eq!(session.note, noted.note);
    assert_eq!(session.exercises[0].note, noted.exercises[0].note);
    let notes: Vec<Option<&str>> =
        session.exercises[0].sets.iter().map(|s| s.note.as_ref().map(Note::as_str)).collect();
    assert_eq!(notes, [None, Some("felt heavy, but no pain")]);
}

/// A re-import re-maps the sets imported before whose name its mapping decides,
/// corrects their loads (the file read in another unit), and fills in missing
/// notes; a name it does not decide, and notes already there, stay.
pub async fn import_workouts_reimport_remaps_reloads_and_fills_notes(store: &dyn Store) {
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    let mut old = workout("2026-03-02T07:00:00+01:00", "strong 1", &["225", "225"], 1);
    old.exercises[0].exercise = ExerciseId::Other("Deadlift Old Data".into());
    old.decided = vec![false];
    old.exercises[0].sets[0].note = Some(Note::parse("kept as it was").unwrap());
    import_batches(store, user, false, vec![ImportBatch::Sessions(vec![old.clone()]), ImportBatch::Commit])
        .await
        .unwrap();
    let cp =
        NewCheckpoint { covers_until: ts("2026-03-05T00:00:00Z"), made_at: ts("2026-03-06T00:00:00Z"), state: vec![] };
    let revision = store.history(user).await.unwrap().revision;
    assert!(store.put_checkpoint(user, &cp, revision).await.unwrap());

    // The same file with a mapping and the unit given: 225 lb, deadlift, with notes.
    let mut again = workout("2026-03-02T07:00:00+01:00", "strong 1", &["102.05828325", "102.05828325"], 1);
    again.note = Some(Note::parse("Back felt fine").unwrap());
    again.exercises[0].note = Some(Note::parse("straps").unwrap());
    again.exercises[0].sets[0].note = Some(Note::parse("a newer note").unwrap());
    again.exercises[0].sets[1].note = Some(Note::parse("grip went").unwrap());
    let counts = import_batches(store, user, false, vec![ImportBatch::Sessions(vec![again]), ImportBatch::Commit])
        .await
        .unwrap();
    assert_eq!((counts.sessions, counts.sets, counts.known_sets), (0, 0, 2));
    let remapped: Vec<(&str, &str, usize)> =
        counts.remapped.iter().map(|((from, to), n)| (from.as_str(), to.as_str(), *n)).collect();
    assert_eq!(remapped, [("Deadlift Old Data", "deadlift", 2)]);
    assert_eq!((counts.reloaded, counts.notes_added), (2, 3));
    assert!(counts.changed_anything());
    assert!(store.checkpoint(user).await.unwrap().is_none(), "the re-mapped workout is before the checkpoint");

    let session = &store.history(user).await.unwrap().history.sessions[0];
    let deadlift = &session.exercises[0];
    assert_eq!(deadlift.exercise, ExerciseId::Known(Exercise::Deadlift));
    assert_eq!(all_loads(&store.history(user).await.unwrap().history), ["102.05828325", "102.05828325"]);
    assert_eq!(session.note.as_ref().map(Note::as_str), Some("Back felt fine"));
    assert_eq!(deadlift.note.as_ref().map(Note::as_str), Some("straps"));
    let notes: Vec<Option<&str>> = deadlift.sets.iter().map(|s| s.note.as_ref().map(Note::as_str)).collect();
    assert_eq!(notes, [Some("kept as it was"), Some("grip went")]);

    // A re-import whose mapping does not know the name leaves the entry as it is.
    let counts =
        import_batches(store, user, false, vec![ImportBatch::Sessions(vec![old]), ImportBatch::Commit]).await.unwrap();
    assert!(counts.remapped.is_empty(), "{counts:?}");
    assert_eq!(counts.reloaded, 2, "the old file's loads again");
    let again = store.history(user).await.unwrap().history;
    assert_eq!(again.sessions[0].exercises[0].exercise, ExerciseId::Known(Exercise::Deadlift));
}

/// Closing the channel without `Commit` stores nothing, keys included; a bad
/// workout (keys and sets do not match) fails the whole import.
pub async fn import_workouts_without_commit_stores_nothing(store: &dyn Store) {
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    let batches = vec![ImportBatch::Sessions(vec![workout("2026-03-02T07:00:00+01:00", "strong 1", &["100"], 1)])];
    let aborted = import_batches(store, user, false, batches).await;
    assert!(matches!(aborted, Err(StoreError::Invalid(_))), "{aborted:?}");
    assert!(store.history(user).await.unwrap().history.sessions.is_empty());

    let mut bad = workout("2026-03-03T07:00:00+01:00", "strong 2", &["100"], 5);
    bad.set_keys.push(6);
    let batches = vec![
        ImportBatch::Sessions(vec![workout("2026-03-02T07:00:00+01:00", "strong 1", &["100"], 1)]),
        ImportBatch::Sessions(vec![bad]),
        ImportBatch::Commit,
    ];
    let refused = import_batches(store, user, false, batches).await;
    assert!(matches!(refused, Err(StoreError::Invalid(_))), "{refused:?}");
    assert!(store.history(user).await.unwrap().history.sessions.is_empty());

    // The keys of the rolled-back imports were not kept: the workout imports now.
    let batches = vec![
        ImportBatch::Sessions(vec![workout("2026-03-02T07:00:00+01:00", "strong 1", &["100"], 1)]),
        ImportBatch::Commit,
    ];
    assert_eq!(import_batches(store, user, false, batches).await.unwrap().sets, 1);
}

/// `replace` deletes the lifter's log first; keys of another lifter do not count.
pub async fn import_workouts_replace_and_lifters_apart(store: &dyn Store) {
    let ana = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    let ben = store.create_user("ben", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    store.add_session(ana, &simple_session("2026-03-01T07:00:00+01:00", 1)).await.unwrap();
    let batches = || {
        vec![
            ImportBatch::Sessions(vec![workout("2026-03-02T07:00:00+01:00", "strong 1", &["100"], 1)]),
            ImportBatch::Commit,
        ]
    };
    assert_eq!(import_batches(store, ben, false, batches()).await.unwrap().sets, 1);
    let counts = import_batches(store, ana, true, batches()).await.unwrap();
    assert_eq!(counts.sets, 1, "ben's keys are ben's");
    let history = store.history(ana).await.unwrap().history;
    assert_eq!(history.sessions.len(), 1, "the logged session was replaced");
    assert_eq!(history.sessions[0].id.as_deref(), Some("strong 1"));
    assert_eq!(store.history(ben).await.unwrap().history.sessions.len(), 1);
}

/// An import reaching back before the checkpoint deletes it; a fully known one does not.
pub async fn import_workouts_invalidates_checkpoints(store: &dyn Store) {
    let user = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    let batches = || {
        vec![
            ImportBatch::Sessions(vec![workout("2026-03-02T07:00:00+01:00", "strong 1", &["100"], 1)]),
            ImportBatch::Commit,
        ]
    };
    import_batches(store, user, false, batches()).await.unwrap();
    let cp =
        NewCheckpoint { covers_until: ts("2026-03-05T00:00:00Z"), made_at: ts("2026-03-06T00:00:00Z"), state: vec![] };
    let revision = store.history(user).await.unwrap().revision;
    assert!(store.put_checkpoint(user, &cp, revision).await.unwrap());
    import_batches(store, user, false, batches()).await.unwrap();
    assert!(store.checkpoint(user).await.unwrap().is_some(), "nothing new: the checkpoint holds");
    let earlier = vec![
        ImportBatch::Sessions(vec![workout("2026-03-01T07:00:00+01:00", "strong 0", &["90"], 50)]),
        ImportBatch::Commit,
    ];
    import_batches(store, user, false, earlier).await.unwrap();
    assert!(store.checkpoint(user).await.unwrap().is_none());
}

/// Passwords, browser sessions, API tokens, the shared secret and failed log-ins.
pub async fn accounts(store: &dyn Store) {
    let ana = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    let ben = store.create_user("ben", &StoredProfile::new(Units::Kg)).await.unwrap().id;
    assert!(store.credentials("nobody").await.unwrap().is_none());
    assert_eq!(store.credentials("ana").await.unwrap().unwrap().password_hash, None);
    store.set_password(ana, "$argon2id$v=19$fake", Tokens::Revoke).await.unwrap();
    let creds = store.credentials(" ana ").await.unwrap().unwrap();
    assert_eq!((creds.user.id, creds.password_hash.as_deref()), (ana, Some("$argon2id$v=19$fake")));

    let now = ts("2026-03-02T07:00:00Z");
    let later = ts("2026-03-09T07:00:00Z");
    store.create_web_session(ana, &[1; 32], later).await.unwrap();
    store.create_web_session(ben, &[2; 32], later).await.unwrap();
    assert_eq!(store.web_session(&[1; 32], now).await.unwrap().map(|c| c.user.id), Some(ana));
    assert_eq!(store.web_session(&[1; 32], later).await.unwrap().map(|c| c.user.id), None, "expired");
    assert_eq!(store.web_session(&[3; 32], now).await.unwrap().map(|c| c.user.id), None);
    store.delete_web_session(&[2; 32]).await.unwrap();
    assert_eq!(store.web_session(&[2; 32], now).await.unwrap().map(|c| c.user.id), None);
    store.create_api_token(ana, "script", &[10; 32]).await.unwrap();
    store.set_password(ana, "$argon2id$v=19$other", Tokens::Keep).await.unwrap();
    assert_eq!(store.web_session(&[1; 32], now).await.unwrap().map(|c| c.user.id), None, "a new password signs out");
    assert_eq!(store.api_token_user(&[10; 32]).await.unwrap().map(|c| c.user.id), Some(ana), "kept");
    store.create_web_session(ana, &[11; 32], later).await.unwrap();
    store.set_password(ana, "$argon2id$v=19$third", Tokens::Revoke).await.unwrap();
    assert_eq!(store.api_token_user(&[10; 32]).await.unwrap().map(|c| c.user.id), None, "revoked with the password");
    assert_eq!(store.web_session(&[11; 32], now).await.unwrap().map(|c| c.user.id), None);
    store.create_web_session(ana, &[4; 32], now).await.unwrap();
    assert_eq!(store.delete_expired_web_sessions(now).await.unwrap(), 1);

    let token = store.create_api_token(ana, "phone", &[9; 32]).await.unwrap();
    assert_eq!(store.api_token_user(&[9; 32]).await.unwrap().map(|c| c.user.id), Some(ana));
    // Who is asking comes with the revision a cached plan is keyed by: it rises
    // with the lifter's log, the same through a token and a browser session.
    let before = store.api_token_user(&[9; 32]).await.unwrap().unwrap();
    assert_eq!((before.user.name.as_str(), before.user.clinician), ("ana", false));
    store.create_web_session(ana, &[12; 32], later).await.unwrap();
    assert_eq!(store.web_session(&[12; 32], now).await.unwrap(), Some(before.clone()));
    store.add_session(ana, &simple_session("2026-03-02T07:00:00Z", 1)).await.unwrap();
    let after = store.api_token_user(&[9; 32]).await.unwrap().unwrap();
    assert!(after.revision > before.revision, "{before:?} then {after:?}");
    assert_eq!(store.web_session(&[12; 32], now).await.unwrap().map(|c| c.revision), Some(after.revision));
    assert_eq!(store.api_tokens(ana).await.unwrap().iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["phone"]);
    assert!(store.api_tokens(ben).await.unwrap().is_empty());
    let theft = store.delete_api_token(ben, token).await;
    assert!(matches!(theft, Err(StoreError::NotFound { .. })), "{theft:?}");
    store.delete_api_token(ana, token).await.unwrap();
    assert_eq!(store.api_token_user(&[9; 32]).await.unwrap().map(|c| c.user.id), None);
    assert!(matches!(store.create_api_token(ana, " ", &[8; 32]).await, Err(StoreError::Invalid(_))));

    let first = store.server_secret(&[5; 32]).await.unwrap();
    assert_eq!(first, vec![5; 32]);
    assert_eq!(store.server_secret(&[6; 32]).await.unwrap(), first, "the first secret stays");

    // Attempts: counted when admitted, refused (and not counted) past a limit.
    let window = |subject: &str, max| Limit {
        subject: subject.to_owned(),
        rule: LimitRule::Window { max, window: jiff::SignedDuration::from_mins(15) },
    };
    let both = [window("user:ana", 2), window("addr:127.0.0.1", 3)];
    assert_eq!(store.admit_attempt(&both, now).await.unwrap(), Admission::Admitted);
    assert_eq!(store.admit_attempt(&both, now).await.unwrap(), Admission::Admitted);
    let until = ts("2026-03-02T07:15:00Z");
    assert_eq!(store.admit_attempt(&both, now).await.unwrap(), Admission::Wait { until });
    assert_eq!(
        store.admit_attempt(&both[1..], now).await.unwrap(),
        Admission::Admitted,
        "the refused attempt was not counted against the address"
    );
    assert_eq!(store.admit_attempt(&both[1..], now).await.unwrap(), Admission::Wait { until });
    store.forget_attempt("addr:127.0.0.1", now).await.unwrap();
    assert_eq!(store.admit_attempt(&both[1..], now).await.unwrap(), Admission::Admitted, "one was forgotten");
    assert_eq!(store.admit_attempt(&both, until).await.unwrap(), Admission::Admitted, "the window moved on");
    store.clear_attempts("user:ana").await.unwrap();
    assert_eq!(store.admit_attempt(&both[..1], until).await.unwrap(), Admission::Admitted);
    assert_eq!(store.admit_attempt(&both[..1], until).await.unwrap(), Admission::Admitted);
    let backoff = [Limit {
        subject: "pair:127.0.0.1 ana".into(),
        rule: LimitRule::Backoff {
            free: 1,
            first_delay: jiff::SignedDuration::from_secs(10),
            max_delay: jiff::SignedDuration::from_mins(15),
            forget: jiff::SignedDuration::from_hours(24),
        },
    }];
    assert_eq!(store.admit_attempt(&backoff, now).await.unwrap(), Admission::Admitted);
    let ten_s = ts("2026-03-02T07:00:10Z");
    assert_eq!(store.admit_attempt(&backoff, now).await.unwrap(), Admission::Wait { until: ten_s });
    assert_eq!(store.admit_attempt(&backoff, ten_s).await.unwrap(), Admission::Admitted);
    let twenty_s_more = ts("2026-03-02T07:00:30Z");
    assert_eq!(store.admit_attempt(&backoff, ten_s).await.unwrap(), Admission::Wait { until: twenty_s_more });
    let next_week = ts("2026-03-09T07:00:00Z");
    assert_eq!(store.admit_attempt(&backoff, next_week).await.unwrap(), Admission::Admitted, "forgotten after a day");
    assert_eq!(
        store.admit_attempt(&backoff, next_week).await.unwrap(),
        Admission::Wait { until: ts("2026-03-09T07:00:10Z") },
        "a day later, the count starts again"
    );

    // Deleting a user deletes their sessions and tokens.
    store.create_web_session(ben, &[7; 32], later).await.unwrap();
    store.create_api_token(ben, "laptop", &[7; 32]).await.unwrap();
    store.delete_user(ben).await.unwrap();
    assert_eq!(store.web_session(&[7; 32], now).await.unwrap().map(|c| c.user.id), None);
    assert_eq!(store.api_token_user(&[7; 32]).await.unwrap().map(|c| c.user.id), None);
}

/// Clinicians: roles, one-time invitations, care links and their revocation, the
/// audit log, notes, audited profile changes and the caseload cache.
pub async fn clinicians(store: &dyn Store) {
    let now = ts("2026-03-02T07:00:00Z");
    let later = ts("2026-03-09T07:00:00Z");
    let pt = store.create_user("pt", &StoredProfile::new(Units::Kg)).await.unwrap();
    let ana = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap();
    let ben = store.create_user("ben", &StoredProfile::new(Units::Kg)).await.unwrap();
    assert!(!pt.clinician);
    let refused = store.create_invitation(pt.id, &[1; 32], later).await;
    assert!(matches!(refused, Err(StoreError::Invalid(_))), "only clinicians invite: {refused:?}");
    store.set_clinician(pt.id, true).await.unwrap();
    assert!(store.user(pt.id).await.unwrap().clinician);

    store.create_invitation(pt.id, &[1; 32], later).await.unwrap();
    store.create_invitation(pt.id, &[2; 32], now).await.unwrap();
    assert_eq!(store.invitation(&[1; 32], now).await.unwrap().map(|u| u.id), Some(pt.id), "looking does not use it");
    assert_eq!(store.invitation(&[2; 32], now).await.unwrap(), None, "expired");
    assert_eq!(store.invitation(&[9; 32], now).await.unwrap(), None, "unknown");
    let own = store.accept_invitation(&store.user(pt.id).await.unwrap(), &[1; 32], now).await;
    assert!(matches!(own, Err(StoreError::Invalid(_))), "{own:?}");
    assert_eq!(store.accept_invitation(&ana, &[1; 32], now).await.unwrap().id, pt.id);
    assert_eq!(store.invitation(&[1; 32], now).await.unwrap(), None, "used");
    let reused = store.accept_invitation(&ben, &[1; 32], now).await;
    assert!(matches!(reused, Err(StoreError::NotFound { .. })), "one-time: {reused:?}");
    let expired = store.accept_invitation(&ben, &[2; 32], now).await;
    assert!(matches!(expired, Err(StoreError::NotFound { .. })), "expired: {expired:?}");

    assert!(store.can_view(pt.id, ana.id).await.unwrap());
    assert!(!store.can_view(pt.id, ben.id).await.unwrap());
    assert!(!store.can_view(ana.id, pt.id).await.unwrap(), "links go one way");
    let team = store.care_team(ana.id).await.unwrap();
    assert_eq!(team.iter().map(|l| l.clinician.name.as_str()).collect::<Vec<_>>(), ["pt"]);
    let caseload = store.caseload(pt.id).await.unwrap();
    assert_eq!(caseload.iter().map(|e| e.lifter.name.as_str()).collect::<Vec<_>>(), ["ana"]);
    assert!(caseload[0].cached.is_none());

    // The cached row holds for its revision only.
    store.put_caseload_row(ana.id, caseload[0].revision, now, "{\"row\":1}").await.unwrap();
    let cached = store.caseload(pt.id).await.unwrap().remove(0).cached.unwrap();
    assert_eq!(cached, (now, "{\"row\":1}".to_owned()));
    store.add_session(ana.id, &simple_session("2026-03-01T07:00:00+01:00", 1)).await.unwrap();
    assert!(store.caseload(pt.id).await.unwrap()[0].cached.is_none(), "a write makes the row stale");

    // An audited profile change, and notes only their author reads.
    let mut profile = store.profile(ana.id).await.unwrap();
    profile.profile.working_weight = Some(load("150"));
    let entry = NewAudit { lifter: ana.id, actor: &pt, action: "profile_changed", detail: "W 150".into(), at: now };
    store.set_profile_audited(ana.id, &profile, &[entry]).await.unwrap();
    assert_eq!(store.profile(ana.id).await.unwrap().profile.working_weight, Some(load("150")));
    let viewed = NewAudit { lifter: ana.id, actor: &pt, action: "viewed", detail: "the plan".into(), at: later };
    store.record_audit(&viewed).await.unwrap();
    let log = store.audit_log(ana.id, 10).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["viewed", "profile_changed", "access_granted"], "newest first");
    assert_eq!(log[0].actor, "pt");
    assert!(store.audit_log(ben.id, 10).await.unwrap().is_empty());
    store.add_note(ana.id, pt.id, "  squats fine  ", now).await.unwrap();
    assert_eq!(store.notes(ana.id, pt.id).await.unwrap()[0].text, "squats fine");
    assert!(store.notes(ana.id, ben.id).await.unwrap().is_empty());
    assert!(matches!(store.add_note(ana.id, pt.id, " ", now).await, Err(StoreError::Invalid(_))));

    // Revocation ends access at once; a second one finds nothing.
    store.revoke_care(&ana, pt.id, later).await.unwrap();
    assert!(!store.can_view(pt.id, ana.id).await.unwrap());
    assert!(store.caseload(pt.id).await.unwrap().is_empty());
    assert!(matches!(store.revoke_care(&ana, pt.id, later).await, Err(StoreError::NotFound { .. })));
    assert_eq!(store.audit_log(ana.id, 1).await.unwrap()[0].action, "access_revoked");

    // Withdrawing the role ends every link.
    store.create_invitation(pt.id, &[3; 32], later).await.unwrap();
    store.accept_invitation(&ben, &[3; 32], now).await.unwrap();
    store.set_clinician(pt.id, false).await.unwrap();
    assert!(!store.can_view(pt.id, ben.id).await.unwrap());
}

/// Runs every shared behaviour test on a fresh store from `fresh`.
/// An invitation is only as good as its clinician's role: once the role is
/// withdrawn it cannot be accepted, nor after the role is granted again.
pub async fn an_invitation_of_a_former_clinician_cannot_be_accepted(store: &dyn Store) {
    let (now, later) = (ts("2026-03-02T07:00:00Z"), ts("2026-03-09T07:00:00Z"));
    let pt = store.create_user("pt", &StoredProfile::new(Units::Kg)).await.unwrap();
    let ana = store.create_user("ana", &StoredProfile::new(Units::Kg)).await.unwrap();
    store.set_clinician(pt.id, true).await.unwrap();
    store.create_invitation(pt.id, &[1; 32], later).await.unwrap();
    store.set_clinician(pt.id, false).await.unwrap();
    assert_eq!(store.invitation(&[1; 32], now).await.unwrap(), None);
    let accepted = store.accept_invitation(&ana, &[1; 32], now).await;
    assert!(matches!(accepted, Err(StoreError::NotFound { .. })), "{accepted:?}");
    assert!(store.care_team(ana.id).await.unwrap().is_empty(), "no link");
    store.set_clinician(pt.id, true).await.unwrap();
    let again = store.accept_invitation(&ana, &[1; 32], now).await;
    assert!(matches!(again, Err(StoreError::NotFound { .. })), "withdrawing the role ended it: {again:?}");
    assert!(store.care_team(ana.id).await.unwrap().is_empty());
    assert!(store.audit_log(ana.id, 10).await.unwrap().is_empty(), "nothing recorded");
}

/// Names people choose are normalised (NFKC) and may not hide characters: no
/// control, format (zero-width, direction-changing) or other invisible ones.
pub async fn names_are_normalised_and_may_not_hide_characters(store: &dyn Store) {
    let bea = store.create_user("demo-bea", &StoredProfile::new(Units::Kg)).await.unwrap();
    for (posing, hidden) in [
        ("demo-bea\u{200b}", "U+200B"),
        ("\u{202e}aeb-omed", "U+202E"),
        ("demo\u{2066}-bea\u{2069}", "U+2066"),
        ("demo-bea\u{feff}", "U+FEFF"),
        ("demo\u{3164}-bea", "U+3164"),
        ("demo-bea\u{7}", "U+0007"),
    ] {
        let refused = store.create_user(posing, &StoredProfile::new(Units::Kg)).await;
        assert!(matches!(&refused, Err(StoreError::Invalid(why)) if why.contains(hidden)), "{posing:?}: {refused:?}");
    }
    let fullwidth = store.create_user("\u{ff44}\u{ff45}\u{ff4d}\u{ff4f}-bea", &StoredProfile::new(Units::Kg)).await;
    assert!(matches!(fullwidth, Err(StoreError::Conflict(_))), "NFKC makes it demo-bea: {fullwidth:?}");
    let found = store.credentials("\u{ff44}\u{ff45}\u{ff4d}\u{ff4f}-bea").await.unwrap().map(|c| c.user.id);
    assert_eq!(found, Some(bea.id), "and finds demo-bea when logging in");
    let spaced = store.create_user("  Zoë   Ann  ", &StoredProfile::new(Units::Kg)).await.unwrap();
    assert_eq!(spaced.name, "Zoë Ann", "trimmed, runs of spaces made one");
    let token = store.create_api_token(bea.id, "phone\u{202e}", &[3; 32]).await;
    assert!(matches!(&token, Err(StoreError::Invalid(why)) if why.contains("U+202E")), "{token:?}");
}

/// Attempts that arrive together are checked and counted one after the other:
/// exactly the limit's number is admitted.
pub async fn simultaneous_attempts_are_admitted_up_to_the_limit(store: &dyn Store) {
    let now = ts("2026-03-02T07:00:00Z");
    let limits = [Limit {
        subject: "addr:192.0.2.1".into(),
        rule: LimitRule::Window { max: 5, window: jiff::SignedDuration::from_mins(15) },
    }];
    let attempts = (0..40).map(|_| store.admit_attempt(&limits, now));
    let mut admitted = 0;
    for answer in join_all(attempts).await {
        if answer.unwrap() == Admission::Admitted {
            admitted += 1;
        }
    }
    assert_eq!(admitted, 5);
}

/// Polls every future together on this task (the store's own pool runs them in parallel).
pub async fn join_all<F: std::future::Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut done: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, slot) in pinned.iter_mut().zip(done.iter_mut()) {
            if slot.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(out) => *slot = Some(out),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending { std::task::Poll::Pending } else { std::task::Poll::Ready(()) }
    })
    .await;
    done.into_iter().flatten().collect()
}

macro_rules! shared_suite {
    ($fresh:path) => {
        shared_suite!($fresh;
            users,
            duplicate_user_name_is_a_conflict,
            round_trip_every_entity,
            invalid_values_are_refused,
            checkin_for_another_lifters_session_is_not_found,
            missing_user_is_not_found,
            delete_user_deletes_everything_of_theirs_only,
            checkpoints_are_invalidated_by_earlier_writes_only,
            stale_checkpoint_is_not_stored,
            history_after_holds_exactly_the_later_part,
            import_round_trips,
            import_invalidates_checkpoints,
            import_workouts_is_idempotent_by_set_key,
            import_workouts_keep_notes,
            import_workouts_reimport_remaps_reloads_and_fills_notes,
            import_workouts_without_commit_stores_nothing,
            import_workouts_replace_and_lifters_apart,
            import_workouts_invalidates_checkpoints,
            a_client_id_is_stored_once,
            entries_are_edited_and_deleted_by_their_owner_only,
            accounts,
            simultaneous_attempts_are_admitted_up_to_the_limit,
            clinicians,
            an_invitation_of_a_former_clinician_cannot_be_accepted,
            names_are_normalised_and_may_not_hide_characters,
            reminder_settings_round_trip_per_lifter,
            feed_links_are_replaced_and_revoked,
            push_subscriptions_belong_to_one_lifter,
            a_reminder_is_claimed_once_and_never_when_answered,
            a_server_value_is_made_once,
        );
    };
    ($fresh:path; $($name:ident),* $(,)?) => {
        mod shared {
            $(
                #[tokio::test]
                async fn $name() {
                    let (store, _guard) = $fresh().await;
                    crate::suite::$name(&store).await;
                }
            )*
        }
    };
}
