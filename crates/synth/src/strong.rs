//! A synthetic Strong CSV export (comma dialect), written as a stream: the input of
//! the import benchmark (1,000,000 set rows) without holding it in memory.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::{self, Write};

/// The Strong comma dialect's header.
pub const STRONG_HEADER: &str =
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE";

const EXERCISES: [&str; 6] = [
    "Deadlift (Barbell)",
    "Squat (Barbell)",
    "Bench Press (Barbell)",
    "Romanian Deadlift (Barbell)",
    "Sumo Deadlift (Barbell)",
    "Overhead Press (Barbell)",
];
/// Sets per exercise: the first is a warm-up.
const SETS: u32 = 8;

/// Writes `rows` set rows (plus the header): eight sets per exercise with the first a
/// warm-up (`W`), six exercises per workout (48 sets), a workout about every day from
/// 1960 on (a million rows end in 2017), and a Rest Timer pseudo-row after each
/// exercise (not counted in `rows`).
pub fn write_strong_csv(mut out: impl Write, rows: usize, seed: u64) -> io::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    writeln!(out, "{STRONG_HEADER}")?;
    let start = jiff::civil::datetime(1960, 1, 4, 7, 0, 0, 0);
    let mut day = start;
    let mut written = 0;
    'workouts: loop {
        let date = day.strftime("%Y-%m-%d %H:%M:%S").to_string();
        for exercise in EXERCISES {
            let top = 60 + 5 * rng.random_range(0..20u32);
            for set in 0..SETS {
                if written == rows {
                    break 'workouts;
                }
                let order = if set == 0 { "W".to_string() } else { set.to_string() };
                let weight = if set == 0 { top / 2 } else { top };
                let reps = rng.random_range(1..=8u32);
                writeln!(out, "{date},\"Workout\",1h 2m,\"{exercise}\",{order},{weight}.0,{reps},0,0,,,")?;
                written += 1;
            }
            writeln!(out, "{date},\"Workout\",1h 2m,\"{exercise}\",Rest Timer,0,0,0,180,,,")?;
        }
        let gap_hours = 22 + rng.random_range(0..4i64);
        day = day.checked_add(jiff::SignedDuration::from_hours(gap_hours)).map_err(io::Error::other)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_rows_asked_for_and_is_deterministic() {
        let mut a = Vec::new();
        write_strong_csv(&mut a, 1000, 7).unwrap();
        let mut b = Vec::new();
        write_strong_csv(&mut b, 1000, 7).unwrap();
        assert_eq!(a, b);
        let text = String::from_utf8(a).unwrap();
        assert!(text.starts_with(STRONG_HEADER));
        let sets = text.lines().skip(1).filter(|l| !l.contains("Rest Timer")).count();
        assert_eq!(sets, 1000);
    }
}
