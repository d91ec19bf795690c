//! The personal tolerance estimate (`pullback_core::tolerance`): known thresholds,
//! the minimum it needs, and its monotonicity on random tallies.

use proptest::prelude::*;
use pullback_core::tolerance::{MIN_EACH, MIN_SESSIONS, Response, Tally, estimate, tolerance};
use pullback_core::{Confidence, Decimal, Load, Profile, Units, Verdict};

fn kg(value: i64) -> Load {
    Load::parse(Decimal::from(value)).expect("a load")
}

fn at(day: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(1_772_323_200 + day * 86_400).expect("in range") // 2026-03-01
}

/// A tally from `(load, flared)` pairs, one day apart.
fn tally(sessions: &[(i64, bool)]) -> Tally {
    let mut t = Tally::default();
    for (day, &(load, flared)) in (0..).zip(sessions) {
        t.add(kg(load), if flared { Response::Flared } else { Response::Tolerated }, at(day));
    }
    t
}

/// `n` sessions at `load`, all flared or all tolerated.
fn many(n: usize, load: i64, flared: bool) -> Vec<(i64, bool)> {
    vec![(load, flared); n]
}

fn load_of(verdict: Verdict) -> Option<Decimal> {
    verdict.estimate().map(|e| e.load.value())
}

#[test]
fn the_issues_example_gives_130_kg() {
    // 14 sessions at or below 130 kg, one of which flared; 9 above, 8 of which flared.
    let mut sessions = [many(5, 100, false), many(4, 120, false), many(4, 130, false), many(1, 125, true)].concat();
    sessions.extend([many(1, 140, false), many(4, 140, true), many(4, 150, true)].concat());
    let verdict = estimate(&tally(&sessions), Some(kg(140)));
    let Verdict::Estimate(e) = verdict else { panic!("no estimate: {verdict:?}") };
    assert_eq!(e.load, kg(130));
    assert_eq!((e.above.flared, e.above.sessions), (8, 9));
    assert_eq!((e.below.flared, e.below.sessions), (1, 14));
    // 130 / 140 = 92.86 % → 93 %
    assert_eq!(e.percent_of_working_weight, Some(Decimal::from(93)));
    assert_eq!(e.confidence, Confidence::Clear);
    let (low, high) = e.above.interval();
    assert!((low - 0.565).abs() < 0.001 && (high - 0.980).abs() < 0.001, "{low} {high}");

    let mut profile = Profile::new(Units::Kg);
    profile.time_zone = jiff::tz::TimeZone::get("Europe/London").expect("zone");
    let t = tolerance(&tally(&sessions), Some(kg(140)), &profile);
    assert_eq!(
        t.text,
        "Flares began above about 130 kg (93% of the working weight): 8 of 9 sessions above it flared, 1 of 14 at \
         or below it. Based on 23 rated sessions since 1 Mar 2026. The difference is clear."
    );
}

/// Sessions, W, the expected estimate and its confidence.
type Case = (Vec<(i64, bool)>, Option<i64>, Option<i64>, Option<Confidence>);

#[test]
fn known_thresholds() {
    // (sessions, W, expected load, expected confidence)
    let cases: Vec<Case> = vec![
        // A perfect split: all tolerated up to 110, all flared from 120.
        (
            [many(6, 100, false), many(2, 110, false), many(4, 120, true)].concat(),
            Some(200),
            Some(110),
            Some(Confidence::Clear),
        ),
        // One flare below and few above: still the split, but the intervals overlap
        // (3 of 3 above: 0.44–1; 1 of 7 at or below: 0.03–0.51).
        (
            [many(5, 100, false), many(1, 100, true), many(1, 110, false), many(3, 120, true)].concat(),
            None,
            Some(110),
            Some(Confidence::Tentative),
        ),
        // A tie between cutting at 100 and at 110 (110 has one flare, one tolerated): the lighter wins.
        (
            [many(5, 100, false), vec![(110, true), (110, false)], many(3, 120, true), many(1, 90, false)].concat(),
            None,
            Some(100),
            Some(Confidence::Tentative),
        ),
        // Flares at light loads only: no cut does better than "all tolerated".
        ([many(3, 60, true), many(8, 120, false)].concat(), None, None, None),
        // Flares everywhere, evenly: no clear threshold.
        ([many(3, 100, true), many(3, 100, false), many(3, 120, true), many(3, 120, false)].concat(), None, None, None),
    ];
    for (i, (sessions, w, load, confidence)) in cases.into_iter().enumerate() {
        let verdict = estimate(&tally(&sessions), w.map(kg));
        assert_eq!(load_of(verdict), load.map(Decimal::from), "case {i}: {verdict:?}");
        assert_eq!(verdict.estimate().map(|e| e.confidence), confidence, "case {i}");
        if load.is_none() {
            assert_eq!(verdict, Verdict::NoClearThreshold, "case {i}");
        }
        assert_eq!(
            verdict.estimate().and_then(|e| e.percent_of_working_weight).is_some(),
            load.is_some() && w.is_some()
        );
    }
}

#[test]
fn too_little_data_gives_no_estimate() {
    let perfect = |tolerated: usize, flared: usize| [many(tolerated, 100, false), many(flared, 140, true)].concat();
    // (tolerated, flared): fewer than 10 in all, or fewer than 3 of either.
    for (tolerated, flared) in [(0, 0), (5, 4), (6, 3), (3, 6), (10, 2), (2, 10)] {
        let verdict = estimate(&tally(&perfect(tolerated, flared)), Some(kg(150)));
        assert_eq!(verdict, Verdict::NotEnoughData, "{tolerated} tolerated, {flared} flared");
    }
    for (tolerated, flared) in [(7, 3), (3, 7), (5, 5)] {
        let verdict = estimate(&tally(&perfect(tolerated, flared)), Some(kg(150)));
        assert_eq!(load_of(verdict), Some(Decimal::from(100)), "{tolerated} tolerated, {flared} flared");
    }
    let t = tolerance(&tally(&perfect(5, 2)), None, &Profile::new(Units::Lb));
    assert!(t.text.starts_with("Not enough data for a tolerance estimate yet"), "{}", t.text);
    assert!(t.text.contains("so far 7 rated: 2 flared, 5 tolerated"), "{}", t.text);
}

/// Random tallies: up to 40 sessions at loads 60–200 kg in steps of 10.
fn sessions() -> impl Strategy<Value = Vec<(i64, bool)>> {
    prop::collection::vec(((6..=20i64).prop_map(|l| l * 10), any::<bool>()), 0..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// An estimate is never made from fewer sessions, flares or tolerated ones
    /// than the minimum, and its two sides hold every rated session.
    #[test]
    fn never_from_fewer_than_the_minimum(s in sessions()) {
        let t = tally(&s);
        let verdict = estimate(&t, None);
        let enough = t.sessions() >= MIN_SESSIONS && t.flared() >= MIN_EACH && t.tolerated() >= MIN_EACH;
        prop_assert_eq!(verdict == Verdict::NotEnoughData, !enough);
        if let Some(e) = verdict.estimate() {
            prop_assert!(e.above.sessions + e.below.sessions >= MIN_SESSIONS);
            prop_assert_eq!(e.above.sessions + e.below.sessions, t.sessions());
            prop_assert_eq!(e.above.flared + e.below.flared, t.flared());
            // More than half above flared, fewer than half at or below.
            prop_assert!(2 * e.above.flared >= e.above.sessions && 2 * e.below.flared < e.below.sessions);
        }
    }

    /// Adding a flared session above the estimate never raises it.
    #[test]
    fn a_flare_above_never_raises_it(s in sessions(), step in 1..=10i64) {
        let before = estimate(&tally(&s), None);
        if let Some(e) = before.estimate() {
            let mut more = s.clone();
            more.push((e.load.value().try_into().unwrap_or(0i64) + step * 10, true));
            if let Some(after) = load_of(estimate(&tally(&more), None)) {
                prop_assert!(after <= e.load.value(), "{} → {}", e.load, after);
            }
        }
    }

    /// Adding a tolerated session at or below the estimate never lowers it.
    #[test]
    fn a_tolerated_session_below_never_lowers_it(s in sessions(), step in 0..=5i64) {
        let before = estimate(&tally(&s), None);
        if let Some(e) = before.estimate() {
            let mut more = s.clone();
            more.push((e.load.value().try_into().unwrap_or(0i64) - step * 10, false));
            if let Some(after) = load_of(estimate(&tally(&more), None)) {
                prop_assert!(after >= e.load.value(), "{} → {}", e.load, after);
            }
        }
    }

    /// Turning a tolerated session into a flared one never raises the estimate, and
    /// a flared one into a tolerated one never lowers it.
    #[test]
    fn a_worse_response_never_raises_it(s in sessions(), pick in any::<prop::sample::Index>()) {
        prop_assume!(!s.is_empty());
        let i = pick.index(s.len());
        let (mut worse, mut better) = (s.clone(), s.clone());
        worse[i].1 = true;
        better[i].1 = false;
        let (w, b) = (load_of(estimate(&tally(&worse), None)), load_of(estimate(&tally(&better), None)));
        if let (Some(w), Some(b)) = (w, b) {
            prop_assert!(w <= b, "tolerated: {}, flared: {}", b, w);
        }
    }
}
