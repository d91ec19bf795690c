//! Reading a session from one command line: `deadlift 140x5x3 rdl 80x8x3`.
//!
//! Tokens are exercise names followed by their sets. A set is `LOADxREPS[xSETS]`
//! (`x` or `×`), with `bw` for bodyweight, a `w` prefix for a warm-up set
//! (`w60x5`) and an optional `@RPE` suffix (`140x5@8`). Known exercises take common
//! aliases; any other exercise must be declared with `--other NAME`, so that a
//! misspelt deadlift is refused (with the nearest name suggested) rather than
//! silently logged as something else.

use pullback_core::{Decimal, Exercise, ExerciseId, ExerciseLog, Load, Reps, Rpe, Set};
use std::str::FromStr;

/// Common names lifters type, mapped to the protocol's identifiers.
const ALIASES: &[(&str, Exercise)] = &[
    ("dl", Exercise::Deadlift),
    ("conv", Exercise::Deadlift),
    ("conventional", Exercise::Deadlift),
    ("sumo", Exercise::SumoDeadlift),
    ("sdl", Exercise::SumoDeadlift),
    ("trap", Exercise::TrapBarDeadlift),
    ("trapbar", Exercise::TrapBarDeadlift),
    ("hex", Exercise::TrapBarDeadlift),
    ("tbdl", Exercise::TrapBarDeadlift),
    ("rdl", Exercise::RomanianDeadlift),
    ("romanian", Exercise::RomanianDeadlift),
    ("kb", Exercise::KettlebellSumoDeadlift),
    ("kbsumo", Exercise::KettlebellSumoDeadlift),
    ("kb_sumo", Exercise::KettlebellSumoDeadlift),
    ("gm", Exercise::GoodMorning),
    ("goodmorning", Exercise::GoodMorning),
    ("birddog", Exercise::BirdDog),
    ("jc", Exercise::JeffersonCurl),
    ("jefferson", Exercise::JeffersonCurl),
];

/// Why a log line was refused. Each message names the token and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogLineError {
    #[error("unknown exercise {name:?}{}; to log another exercise, add --other {name}", suggestion.as_ref().map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default())]
    UnknownExercise { name: String, suggestion: Option<String> },
    #[error(
        "{token:?} is not a set; write LOADxREPS or LOADxREPSxSETS, like 140x5x3 (bw for bodyweight, w60x5 for a warm-up, 140x5@8 with an RPE)"
    )]
    BadSet { token: String },
    #[error("{token:?}: {reason}")]
    BadValue { token: String, reason: String },
    #[error("sets {token:?} come before any exercise; start with the exercise, like: deadlift 140x5x3")]
    SetsWithoutExercise { token: String },
    #[error("exercise {name:?} has no sets; add them after it, like: {name} 140x5x3")]
    NoSets { name: String },
    #[error("nothing to log; write an exercise and its sets, like: deadlift 140x5x3")]
    Empty,
}

/// Resolves an exercise name: an identifier, an alias, or a declared other exercise.
pub fn exercise(name: &str, others: &[String]) -> Result<ExerciseId, LogLineError> {
    let normal = name.trim().to_lowercase().replace(['-', ' '], "_");
    if let Some(known) = Exercise::from_id(&normal) {
        return Ok(ExerciseId::Known(known));
    }
    if let Some((_, known)) = ALIASES.iter().find(|(alias, _)| *alias == normal) {
        return Ok(ExerciseId::Known(*known));
    }
    if others.iter().any(|o| o.eq_ignore_ascii_case(name)) {
        return ExerciseId::parse(name).map_err(|e| LogLineError::BadValue { token: name.to_owned(), reason: e.0 });
    }
    Err(LogLineError::UnknownExercise { name: name.to_owned(), suggestion: nearest(&normal) })
}

/// The known name or alias closest to `name`, when it is close enough to be a typo.
fn nearest(name: &str) -> Option<String> {
    let candidates = Exercise::ALL.iter().map(|e| e.id()).chain(ALIASES.iter().map(|(a, _)| *a));
    candidates
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|(distance, c)| *distance <= 2.max(c.len() / 3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c.to_owned())
}

/// Reads a whole line of exercise names and sets.
pub fn parse(tokens: &[String], others: &[String]) -> Result<Vec<ExerciseLog>, LogLineError> {
    let mut logs: Vec<ExerciseLog> = Vec::new();
    for token in tokens {
        if looks_like_sets(token) {
            let current = logs.last_mut().ok_or_else(|| LogLineError::SetsWithoutExercise { token: token.clone() })?;
            current.sets.extend(sets(token)?);
        } else {
            if let Some(previous) = logs.last().filter(|l| l.sets.is_empty()) {
                return Err(LogLineError::NoSets { name: previous.exercise.as_str().to_owned() });
            }
            logs.push(ExerciseLog {
                exercise: exercise(token, others)?,
                tempo: None,
                block_height: None,
                sets: Vec::new(),
                note: None,
            });
        }
    }
    match logs.last() {
        None => Err(LogLineError::Empty),
        Some(last) if last.sets.is_empty() => Err(LogLineError::NoSets { name: last.exercise.as_str().to_owned() }),
        Some(_) => Ok(logs),
    }
}

fn looks_like_sets(token: &str) -> bool {
    let t = token.to_lowercase();
    let t = t.strip_prefix('w').unwrap_or(&t);
    // A leading minus is a (refused) negative load, not an exercise name.
    let t = t.strip_prefix('-').unwrap_or(t);
    t.starts_with("bw") || t.starts_with(|c: char| c.is_ascii_digit() || c == '.')
}

/// `140x5x3` → three sets of 5 at 140.
fn sets(token: &str) -> Result<Vec<Set>, LogLineError> {
    let bad = || LogLineError::BadSet { token: token.to_owned() };
    let lower = token.to_lowercase().replace('×', "x");
    let (warmup, body) = match lower.strip_prefix('w').filter(|rest| !rest.starts_with('x')) {
        Some(rest) if !lower.starts_with("bw") => (true, rest.to_owned()),
        _ => (false, lower.clone()),
    };
    let (body, rpe) = match body.split_once('@') {
        Some((body, rpe)) => (body.to_owned(), Some(rpe.to_owned())),
        None => (body, None),
    };
    let parts: Vec<&str> = body.split('x').collect();
    let (load, reps, count) = match parts.as_slice() {
        [load, reps] => (*load, *reps, "1"),
        [load, reps, count] => (*load, *reps, *count),
        _ => return Err(bad()),
    };
    let value_error = |reason: String| LogLineError::BadValue { token: token.to_owned(), reason };
    let load = if load == "bw" {
        Load::ZERO
    } else {
        let d = Decimal::from_str(load).map_err(|_| bad())?;
        Load::parse(d).map_err(|e| value_error(format!("load {}", e.0)))?
    };
    let reps_n: i64 = reps.parse().map_err(|_| bad())?;
    let reps = Reps::parse(reps_n).map_err(|e| value_error(format!("reps {}", e.0)))?;
    let count: usize = count.parse().map_err(|_| bad())?;
    if count == 0 || count > 100 {
        return Err(value_error(format!("{count} sets; log between 1 and 100 at a time")));
    }
    let rpe = match rpe {
        Some(r) => {
            let d = Decimal::from_str(&r).map_err(|_| bad())?;
            Some(Rpe::parse(d).map_err(|e| value_error(format!("RPE {}", e.0)))?)
        }
        None => None,
    };
    Ok(vec![Set { load, reps, rpe, warmup, note: None }; count])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Result<Vec<ExerciseLog>, LogLineError> {
        let tokens: Vec<String> = text.split_whitespace().map(String::from).collect();
        parse(&tokens, &["squat".to_string()])
    }

    #[test]
    fn one_exercise_with_sets_times_count() {
        let logs = line("deadlift 140x5x3").unwrap();
        assert_eq!(logs.len(), 1);
        assert_eq!(logs[0].exercise, ExerciseId::Known(Exercise::Deadlift));
        assert_eq!(logs[0].sets.len(), 3);
        assert_eq!(logs[0].sets[0].load.to_string(), "140");
        assert_eq!(logs[0].sets[0].reps.value(), 5);
    }

    #[test]
    fn aliases_warmups_rpe_bodyweight_and_others() {
        let logs = line("dl w60x5 w100x3 140x5@8 sumo 100×8 birddog bwx10x3 squat 100x5x5").unwrap();
        let ids: Vec<&str> = logs.iter().map(|l| l.exercise.as_str()).collect();
        assert_eq!(ids, ["deadlift", "sumo_deadlift", "bird_dog", "squat"]);
        assert!(logs[0].sets[0].warmup && logs[0].sets[1].warmup && !logs[0].sets[2].warmup);
        assert_eq!(logs[0].sets[2].rpe.map(|r| r.value().to_string()), Some("8".into()));
        assert_eq!(logs[2].sets.len(), 3);
        assert!(logs[2].sets[0].load.value().is_zero());
        assert_eq!(logs[3].exercise, ExerciseId::Other("squat".into()));
    }

    #[test]
    fn a_misspelt_name_is_refused_with_the_nearest_name() {
        let err = line("dealift 140x5").unwrap_err();
        assert_eq!(err, LogLineError::UnknownExercise { name: "dealift".into(), suggestion: Some("deadlift".into()) });
        assert!(err.to_string().contains("did you mean \"deadlift\""));
        let err = line("bench 100x5").unwrap_err();
        assert!(err.to_string().contains("--other bench"), "{err}");
    }

    #[test]
    fn malformed_sets_are_refused() {
        for bad in [
            "deadlift 140x",
            "deadlift 140x5x3x2",
            "deadlift abc",
            "deadlift -5x5",
            "deadlift 140x5@11",
            "deadlift 140x5x0",
        ] {
            assert!(line(bad).is_err(), "{bad} accepted");
        }
        assert_eq!(line("140x5").unwrap_err(), LogLineError::SetsWithoutExercise { token: "140x5".into() });
        assert_eq!(line("deadlift").unwrap_err(), LogLineError::NoSets { name: "deadlift".into() });
        assert_eq!(line("").unwrap_err(), LogLineError::Empty);
    }
}
