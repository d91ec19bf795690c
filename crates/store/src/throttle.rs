//! Rate limits on guarded actions (log-ins, sign-ups): the rules, and the decision
//! from what a backend counted. Each backend counts a subject's attempts and records
//! the new one in one transaction ([`Store::admit_attempt`]), so attempts that
//! arrive together cannot all pass the check before any of them is counted.
//!
//! [`Store::admit_attempt`]: crate::Store::admit_attempt

use jiff::{SignedDuration, Timestamp};

/// How long attempts are kept; a rule looks back at most this far.
pub const KEPT: SignedDuration = SignedDuration::from_hours(24);

/// A limit on one subject: what is counted (`addr:IP`, `pair:IP name`,
/// `signup:IP`, …; any text) and by which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub subject: String,
    pub rule: LimitRule,
}

/// How attempts on a subject are limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitRule {
    /// At most `max` attempts in any `window`.
    Window { max: usize, window: SignedDuration },
    /// The first `free` attempts (within `forget`) go at once; after `n ≥ free`
    /// attempts the next one waits `first_delay × 2^(n − free)` after the latest
    /// (at most `max_delay`). Nothing is ever refused for longer than `max_delay`.
    Backoff { free: usize, first_delay: SignedDuration, max_delay: SignedDuration, forget: SignedDuration },
}

/// The answer to an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Go ahead: the attempt is counted.
    Admitted,
    /// Refused and not counted: try again at `until`.
    Wait { until: Timestamp },
}

/// What a backend counted of one subject's attempts within its rule's horizon.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Counted {
    pub count: usize,
    pub oldest: Option<Timestamp>,
    pub latest: Option<Timestamp>,
}

impl LimitRule {
    /// How far back the rule looks (at most [`KEPT`]).
    pub fn horizon(&self) -> SignedDuration {
        let wanted = match *self {
            LimitRule::Window { window, .. } => window,
            LimitRule::Backoff { forget, .. } => forget,
        };
        wanted.min(KEPT)
    }

    /// The first instant of the horizon before `now`.
    pub(crate) fn since(&self, now: Timestamp) -> Timestamp {
        now.checked_sub(self.horizon()).unwrap_or(Timestamp::MIN)
    }

    /// Until when the next attempt must wait, given what was counted; `None`
    /// when it may go now.
    pub(crate) fn wait_until(&self, counted: Counted, now: Timestamp) -> Option<Timestamp> {
        let until = match *self {
            LimitRule::Window { max, window } => {
                if counted.count < max {
                    return None;
                }
                counted.oldest?.checked_add(window).unwrap_or(Timestamp::MAX)
            }
            LimitRule::Backoff { free, first_delay, max_delay, .. } => {
                if counted.count < free {
                    return None;
                }
                let doublings = u32::try_from(counted.count - free).unwrap_or(u32::MAX).min(40);
                let delay = first_delay.checked_mul(1 << doublings.min(30)).unwrap_or(max_delay).min(max_delay);
                counted.latest?.checked_add(delay).unwrap_or(Timestamp::MAX)
            }
        };
        (until > now).then_some(until)
    }
}

/// The decision over every limit: admitted when none makes the attempt wait,
/// else wait until the latest of their instants.
pub(crate) fn decide(waits: impl IntoIterator<Item = Option<Timestamp>>) -> Admission {
    match waits.into_iter().flatten().max() {
        Some(until) => Admission::Wait { until },
        None => Admission::Admitted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn counted(count: usize, oldest: &str, latest: &str) -> Counted {
        Counted { count, oldest: Some(ts(oldest)), latest: Some(ts(latest)) }
    }

    #[test]
    fn a_window_refuses_the_attempt_past_its_maximum_until_the_oldest_leaves_it() {
        let rule = LimitRule::Window { max: 3, window: SignedDuration::from_mins(15) };
        let now = ts("2026-03-02T07:10:00Z");
        assert_eq!(rule.wait_until(counted(2, "2026-03-02T07:00:00Z", "2026-03-02T07:09:00Z"), now), None);
        assert_eq!(
            rule.wait_until(counted(3, "2026-03-02T07:00:00Z", "2026-03-02T07:09:00Z"), now),
            Some(ts("2026-03-02T07:15:00Z"))
        );
    }

    #[test]
    fn a_backoff_doubles_its_delay_after_the_free_attempts_up_to_its_maximum() {
        let rule = LimitRule::Backoff {
            free: 3,
            first_delay: SignedDuration::from_secs(1),
            max_delay: SignedDuration::from_mins(15),
            forget: SignedDuration::from_hours(24),
        };
        let latest = "2026-03-02T07:00:00Z";
        let now = ts(latest);
        let wait = |n| rule.wait_until(counted(n, latest, latest), now).map(|t| t.duration_since(now).as_secs());
        assert_eq!((wait(0), wait(2)), (None, None));
        assert_eq!((wait(3), wait(4), wait(5), wait(12)), (Some(1), Some(2), Some(4), Some(512)));
        assert_eq!((wait(13), wait(1_000)), (Some(900), Some(900)), "capped");
        let later = ts("2026-03-02T07:00:05Z");
        assert_eq!(rule.wait_until(counted(5, latest, latest), later), None, "4 s have passed");
    }

    #[test]
    fn the_longest_wait_wins() {
        assert_eq!(decide([None, None]), Admission::Admitted);
        let (a, b) = (ts("2026-03-02T07:00:01Z"), ts("2026-03-02T07:15:00Z"));
        assert_eq!(decide([Some(a), None, Some(b)]), Admission::Wait { until: b });
    }
}
