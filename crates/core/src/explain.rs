//! Plain-English reasons, quoting the lifter's own numbers and dates, and the
//! education messages. No dose and no diagnosis is ever written here.

use crate::decide::Facts;
use crate::decision::{Action, Decision, Education, Flag, Reason, Referral};
use crate::history::{Point, Profile, RedFlags, Side};
use crate::ladder::{Block, Rung, percent_load};
use crate::replay::{Cause, Flare, LayoffDrop, Position, Response, Step, Transition};
use crate::values::Load;
use jiff::Timestamp;
use rust_decimal::Decimal;

/// The education messages for this decision, sorted by id.
pub(crate) fn education(action: Action, rung: Option<Rung>, last: Option<Step>) -> Vec<Education> {
    let just_flared = last
        .is_some_and(|s| matches!(s.transition, Some(Transition::Enter | Transition::Regress | Transition::BlockAdd)));
    let mut items = match (action, rung) {
        // Nothing may distract from getting assessed.
        (Action::UrgentCare | Action::SeeDoctor, _) => vec![],
        (Action::RestActive, _) => {
            vec![Education::StayActive, Education::TypicalDuration, Education::Modalities, Education::Nocebo]
        }
        (Action::Train, None) => vec![Education::WarmUp, Education::FormMyth],
        (Action::Train, Some(rung)) => {
            let mut items = vec![
                Education::WarmUp,
                Education::StayActive,
                Education::TypicalDuration,
                Education::Nocebo,
                Education::FormMyth,
            ];
            if rung.value() >= 7 {
                items.push(Education::JeffersonCurl);
            }
            if just_flared {
                items.push(Education::Modalities);
            }
            items
        }
    };
    items.sort();
    items
}

/// Every rule that shaped `decision`, explained.
pub(crate) fn reasons(facts: &Facts<'_, '_>, decision: &Decision) -> Vec<Reason> {
    let say = Say { facts, profile: &facts.history.profile };
    let mut out = Vec::new();
    out.extend(say.action(decision));
    out.extend(say.episode_origin());
    out.extend(say.transition());
    let drops = facts.replay.episode_drops.iter().chain(facts.as_of_drop.iter());
    out.extend(drops.map(|d| say.drop(d, facts.as_of_drop.as_ref() == Some(d))));
    out.extend(decision.flags.iter().map(|&f| Reason { rule: f.id(), text: say.flag(f) }));
    out.extend(decision.see_clinician.iter().map(|&r| Reason { rule: r.id(), text: say.referral(r) }));
    out
}

struct Say<'f, 'a, 'h> {
    facts: &'f Facts<'a, 'h>,
    profile: &'h Profile,
}

impl Say<'_, '_, '_> {
    fn date(&self, t: Timestamp) -> String {
        t.to_zoned(self.profile.time_zone.clone()).strftime("%-d %b %Y").to_string()
    }

    /// A load as the lifter reads it ([`Load::shown`]): converted loads rounded.
    fn load(&self, load: Load) -> String {
        format!("{} {}", load.shown(self.profile.load_increment), self.profile.units.load_symbol())
    }

    fn height(&self, block: Block) -> String {
        format!("{} {}", block.height(self.profile.units).normalize(), self.profile.units.height_symbol())
    }

    fn tolerable(&self) -> u8 {
        self.facts.history.params.tolerable_max()
    }

    fn w(&self) -> Option<Load> {
        self.facts.working_weight
    }

    fn variation(&self) -> &'static str {
        self.profile.usual_variation.exercise().name()
    }

    fn action(&self, decision: &Decision) -> Option<Reason> {
        let screening = self.facts.screening;
        let text = match decision.action {
            Action::UrgentCare => {
                let s = screening?;
                format!(
                    "Your screening of {} reported {}. These can be signs of pressure on the nerves of the lower \
                     back, which needs emergency assessment now: go to an emergency department or call your local \
                     emergency number. Do not train.",
                    self.date(s.at),
                    join(&urgent_answers(&s.answers))
                )
            }
            Action::SeeDoctor => {
                let s = screening?;
                format!(
                    "Your screening of {} answered yes to {}: get a medical assessment before you train again. \
                     When a doctor has cleared you, answer the screening again; a screening with no red flags \
                     records that.",
                    self.date(s.at),
                    join(&doctor_answers(&s.answers))
                )
            }
            Action::RestActive => {
                let c = self.facts.latest_checkin?;
                format!(
                    "Your latest check-in ({}) was {}, above your tolerable {}: no deadlifts today. Do the easy \
                     movements only (bird dogs and unloaded good mornings), stay active and walk.",
                    self.date(c.at),
                    c.pain,
                    self.tolerable()
                )
            }
            Action::Train if decision.in_episode() => return None,
            Action::Train => self.train_normal(decision),
        };
        Some(Reason { rule: decision.action.id(), text })
    }

    fn train_normal(&self, decision: &Decision) -> String {
        let mut text = String::from("No flare and no red flag: train your own program");
        if let Some(cap) = decision.load_cap {
            text.push_str(&format!(", with top sets of {} at or under {}", self.variation(), self.load(cap)));
        }
        text.push('.');
        if let Some((cap, top)) = self.facts.caps.intensity {
            text.push_str(&format!(
                " {}% of your heaviest top set in the last 28 days ({} on {}) is {}.",
                percent(self.facts.history.params.intensity_spike_ratio()),
                self.load(top.load),
                self.date(top.at),
                self.load(cap)
            ));
        }
        text
    }

    /// Why the current episode began, when a later transition is the one reported.
    fn episode_origin(&self) -> Option<Reason> {
        let start = self.facts.episode_start?;
        // The last enter is the one that started the current episode: nothing to add.
        if self.facts.last_transition?.transition == Some(Transition::Enter) {
            return None;
        }
        let rule = if matches!(start.cause, Some(Cause::Pattern { .. })) { "pattern" } else { "enter" };
        Some(Reason {
            rule,
            text: format!("Your episode began on {}: {}", self.date(start.at), self.cause_phrase(&start)),
        })
    }

    fn cause_phrase(&self, step: &Step) -> String {
        match step.cause {
            Some(Cause::Session(Response::Flare(f))) => {
                format!(
                    "{} that session your pain was {}, above your tolerable {}.",
                    point_phrase(f.point),
                    f.pain,
                    self.tolerable()
                )
            }
            Some(Cause::Pattern { sore, window }) => format!(
                "{sore} of your last {window} sessions left you sore 24 h later ({}/10 or more).",
                self.facts.history.params.sore_min()
            ),
            Some(Cause::Checkin { pain }) => {
                format!("your back was {pain}, above your tolerable {}.", self.tolerable())
            }
            _ => String::from("a flare."),
        }
    }

    fn transition(&self) -> Option<Reason> {
        let Some(step) = self.facts.last_transition else {
            return Some(Reason {
                rule: Transition::None.id(),
                text: "No deadlift session logged yet: Pullback judges each session from your check-ins.".into(),
            });
        };
        let transition = step.transition?;
        let date = self.date(step.at);
        let target = step.after.position().map(|p| self.rung_phrase(p)).unwrap_or_default();
        let tolerable = self.tolerable();
        let text = match (transition, step.cause) {
            (Transition::Enter, Some(Cause::Session(Response::Flare(f)))) => format!(
                "{} the session of {date} your pain was {}, above your tolerable {tolerable}: an episode starts. \
                 Cut the weight: {target}.",
                point_phrase(f.point),
                f.pain
            ),
            (Transition::Enter, Some(Cause::Pattern { sore, window })) => format!(
                "{sore} of your last {window} sessions left you sore 24 h later ({}/10 or more), the latest on {date}: \
                 that is a pattern, and your back should not be sore after every session. An episode starts: {target}.",
                self.facts.history.params.sore_min()
            ),
            (Transition::Enter, Some(Cause::Checkin { pain })) => format!(
                "On {date} your back was {pain}, above your tolerable {tolerable}: an episode starts. Next session: {target}."
            ),
            (Transition::Regress, Some(Cause::Session(Response::Flare(f)))) => {
                format!("{} Go one step back: {target}.", self.flare_phrase(&f, &date))
            }
            (Transition::BlockAdd, Some(Cause::Session(Response::Flare(f)))) => format!(
                "During the session of {date} it hurt only at the bottom of the pull ({}): keep the load and pull \
                 from a higher start. Next session: {target}.",
                f.pain
            ),
            (Transition::BlockLower, Some(Cause::Session(Response::Tolerated { after_24h }))) => format!(
                "The session of {date} went well (24 h after: {after_24h}): lower the block. Next session: {target}."
            ),
            (Transition::Progress, Some(Cause::Session(Response::Tolerated { after_24h }))) => format!(
                "The session of {date} went well (24 h after: {after_24h}, tolerable is up to {tolerable}): move up \
                 one step. Next session: {target}."
            ),
            (Transition::Resolve, Some(Cause::Session(Response::Tolerated { after_24h }))) => format!(
                "The session of {date} at 100% of your working weight went well (24 h after: {after_24h}): the \
                 episode is over. Back to your own program."
            ),
            (Transition::Hold, _) => self.hold(step.at, &date, &target),
            (_, Some(Cause::Session(Response::Tolerated { after_24h }))) => {
                format!("Your session of {date} was within your tolerable range (24 h after: {after_24h}).")
            }
            _ => self.pending(step.at, &date),
        };
        let text = match step.after.position() {
            // Section 4: an entering session with bottom-only pain during starts on a block.
            Some(Position { block: Some(_), .. }) if transition == Transition::Enter => {
                format!("{text} During it, it hurt only at the bottom of the pull, so you start from a block.")
            }
            _ => text,
        };
        Some(Reason { rule: transition.id(), text })
    }

    /// Whether the last counted session, at `at`, has any check-in (sessions
    /// imported from other apps have none).
    fn rated(&self, at: Timestamp) -> bool {
        let replay = &self.facts.replay;
        replay.last_outcome().filter(|o| o.at == at).is_none_or(|o| replay.facts(self.facts.timeline, o).rated)
    }

    /// A normal-state session without its 24 h check-in, in the words of what was
    /// logged with it and of whether it can still be rated.
    fn pending(&self, at: Timestamp, date: &str) -> String {
        match (self.rated(at), self.facts.too_long_ago(at)) {
            (true, false) => format!(
                "Your session of {date} was within your tolerable range so far; rate your back 24 h after to complete it."
            ),
            (true, true) => format!(
                "Your session of {date} was within your tolerable range as far as you rated it; it has no 24 h \
                 check-in, and it is too long ago to add one."
            ),
            (false, false) => format!(
                "Your session of {date} has no pain ratings yet: rate your back 24 h after it, so that Pullback can \
                 judge how it went."
            ),
            (false, true) => format!(
                "Your session of {date} has no pain ratings logged with it, so Pullback cannot judge how your back \
                 took it. Rate your next session during it and 24 h after."
            ),
        }
    }

    /// An episode session without its 24 h check-in: hold, in the same words.
    fn hold(&self, at: Timestamp, date: &str, target: &str) -> String {
        match (self.rated(at), self.facts.too_long_ago(at)) {
            (_, false) => format!(
                "Your session of {date} has no 24 h check-in yet: stay where you are ({target}) until you report \
                 how your back feels 24 h after."
            ),
            (true, true) => format!(
                "Your session of {date} has no 24 h check-in, and it is too long ago to add one: stay where you are \
                 ({target}) and rate your next session 24 h after."
            ),
            (false, true) => format!(
                "Your session of {date} has no pain ratings logged with it, and it is too long ago to add them: \
                 stay where you are ({target}) and rate your next session during it and 24 h after."
            ),
        }
    }

    /// "since your last session on 3 Mar 2024", naming the workouts logged since
    /// that do not count toward a layoff (protocol section 5 counts the gap between
    /// sessions of the lifts of section 2).
    fn since_last(&self, since: Timestamp) -> String {
        match self.facts.uncounted_since(since) {
            0 => format!("since your last session on {}", self.date(since)),
            others => format!(
                "since your last session of a lift Pullback counts (a deadlift of any kind, good mornings or bird \
                 dogs) on {}; the {others} other workout{} you logged since do not count toward a layoff",
                self.date(since),
                if others == 1 { "" } else { "s" }
            ),
        }
    }

    fn flare_phrase(&self, f: &Flare, date: &str) -> String {
        match f.worse_than {
            Some(baseline) => format!(
                "24 h after the session of {date} your pain was {}, {} points above your baseline of {baseline}: \
                 that is significantly worse ({} points or more).",
                f.pain,
                f.pain.value().saturating_sub(baseline.value()),
                self.facts.history.params.worse_delta()
            ),
            None => format!(
                "{} the session of {date} your pain was {}, above your tolerable {}.",
                point_phrase(f.point),
                f.pain,
                self.tolerable()
            ),
        }
    }

    /// "rung 3: deadlift at 50% (70 kg), 3 × 5, from a 15 cm block".
    fn rung_phrase(&self, at: Position) -> String {
        let profile = self.profile;
        let mut text = match at.rung.value() {
            0 => "rung 0: bird dogs and unloaded good mornings, 3 × 10 each".to_string(),
            1 => format!("rung 1: kettlebell sumo deadlift with {}, 3 × 10", self.load(profile.kettlebell_weight)),
            2 => format!("rung 2: sumo deadlift with the empty bar ({}), 3 × 10", self.load(profile.bar_weight)),
            n => {
                let share = at.rung.share_of_w();
                let load = match self.w() {
                    Some(w) => self.load(percent_load(w, share, profile)),
                    None => "of your working weight".to_string(),
                };
                let mut text = format!("rung {n}: {} at {}% ({load}), 3 × 5", self.variation(), percent(share));
                if let Some(tempo) = at.rung.tempo() {
                    text.push_str(&format!(", tempo {tempo}"));
                }
                text
            }
        };
        if let Some(block) = at.block.filter(|_| at.rung.is_barbell()) {
            text.push_str(&format!(", from a {} block", self.height(block)));
        }
        text
    }

    fn drop(&self, d: &LayoffDrop, at_as_of: bool) -> Reason {
        let when = if at_as_of {
            format!("It has been {} days {}", d.gap_days, self.since_last(d.since))
        } else {
            format!(
                "{} days passed between your sessions of {} and {}",
                d.gap_days,
                self.date(d.since),
                self.date(d.until)
            )
        };
        Reason {
            rule: "layoff",
            text: format!(
                "{when}. After {} days or more off, loads stay at or under {}% of your working weight, so the ladder \
                 drops from rung {} to rung {}.",
                d.band.days,
                percent(d.band.factor),
                d.from.value(),
                d.to.value()
            ),
        }
    }

    fn flag(&self, flag: Flag) -> String {
        let facts = self.facts;
        let params = &facts.history.params;
        match flag {
            Flag::IntensitySpike => match facts.spike {
                Some(s) => format!(
                    "On {} your top set of {} was {}, more than {}% of your heaviest top set in the 28 days before \
                     ({} on {}): too much weight too soon.",
                    self.date(s.at),
                    self.variation(),
                    self.load(s.top),
                    percent(params.intensity_spike_ratio()),
                    self.load(s.prior.load),
                    self.date(s.prior.at)
                ),
                None => String::new(),
            },
            Flag::VolumeSpike => match facts.workload {
                Some(w) => format!(
                    "In the last 7 days you lifted {} in total (load × reps), {} times your weekly average of the \
                     last 28 days ({}). Above {} volume is rising too fast: keep this week closer to your average.",
                    self.load(Load::from_computed(w.acute)),
                    crate::decide::round_half_up(w.ratio()).normalize(),
                    self.load(Load::from_computed(crate::decide::round_half_up(w.chronic / Decimal::from(4)))),
                    params.volume_spike_acwr().normalize()
                ),
                None => String::new(),
            },
            Flag::Layoff => match facts.layoff {
                Some(l) => {
                    let mut text = format!(
                        "It has been {} days {}. After {} days or more off, come back at {}% of your working weight",
                        l.days,
                        self.since_last(l.since),
                        l.band.days,
                        percent(l.band.factor)
                    );
                    if let (Some(cap), None) = (facts.caps.layoff, facts.episode) {
                        text.push_str(&format!(" ({})", self.load(cap)));
                    }
                    text.push_str(" and build back up.");
                    text
                }
                None => String::new(),
            },
            Flag::MissingCheckin => match facts.missing_checkin() {
                Some(at) if facts.too_long_ago(at) => format!(
                    "Your last session, of {}, has no 24 h check-in, and it is too long ago to rate now, so Pullback \
                     cannot judge it. Rate your next session 24 h after.",
                    self.date(at)
                ),
                at => format!(
                    "Your session of {} has no 24 h check-in yet: rate your back now so that Pullback can judge that \
                     session.",
                    at.map(|t| self.date(t)).unwrap_or_default()
                ),
            },
            Flag::Pattern => format!(
                "{} of your last {} sessions left you sore 24 h later ({}/10 or more): your back should not be sore \
                 after every deadlift session.",
                facts.replay.pattern.iter().filter(|&&s| s).count(),
                facts.replay.pattern.len(),
                params.sore_min()
            ),
            Flag::WorkingWeightUnknown => format!(
                "Pullback does not know your working weight yet: set it in your profile, or log a session of {}. \
                 Until then, percentage loads are left blank.",
                self.variation()
            ),
        }
    }

    fn referral(&self, referral: Referral) -> String {
        let facts = self.facts;
        let see = "see a physical therapist who knows lifting, or your doctor";
        match referral {
            Referral::Duration => format!(
                "Your episode has lasted {} days, more than {}: most settle within 2 to 6 weeks, so {see}.",
                facts.episode_day().unwrap_or_default(),
                facts.history.params.episode_referral_days()
            ),
            Referral::RepeatedFlares => {
                let (flares, of) = facts.flares_in_episode().unwrap_or_default();
                format!("{flares} of your last {of} sessions since this episode began were flares: {see}.")
            }
            Referral::NoTolerableRung => {
                let date = facts.replay.last_outcome().map(|o| self.date(o.at)).unwrap_or_default();
                format!("Your session of {date} flared even at the easiest step (rung 0): {see}.")
            }
            Referral::Asymmetry => {
                let (side, count) = facts.asymmetric_side().unwrap_or((Side::Left, 0));
                let side = if side == Side::Left { "left" } else { "right" };
                let test = facts.symmetry.map(|t| (self.date(t.at), t.left.value(), t.right.value()));
                let (date, left, right) = test.unwrap_or_default();
                format!(
                    "Your symmetry test of {date} measured left {left} and right {right}, a limb symmetry index below \
                     {}, and {count} of your last 4 sessions hurt on the {side} side: {see}.",
                    facts.history.params.lsi_min().normalize()
                )
            }
        }
    }
}

fn point_phrase(point: Point) -> &'static str {
    match point {
        Point::Before => "Before",
        Point::During => "During",
        Point::After1h => "1 h after",
        Point::After24h => "24 h after",
    }
}

/// 0.8 → "80", 1.10 → "110".
fn percent(share: Decimal) -> String {
    (share * Decimal::ONE_HUNDRED).normalize().to_string()
}

fn urgent_answers(a: &RedFlags) -> Vec<&'static str> {
    a.answered_yes().filter(|q| q.urgent).map(|q| q.in_reason).collect()
}

fn doctor_answers(a: &RedFlags) -> Vec<&'static str> {
    a.answered_yes().filter(|q| !q.urgent).map(|q| q.in_reason).collect()
}

fn join(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
