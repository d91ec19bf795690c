//! `pullback checkin`: how your back feels, for a session or on its own.

use crate::Failure;
use crate::context::{Ctx, Globals};
use crate::logs::{SideArg, pain, when};
use clap::{Args, ValueEnum};
use pullback_core::{Point, Side};
use pullback_store::{NewCheckin, SessionId};

/// Rate your back 0–10: for a session (--point) or on its own ("my back is 6/10 today").
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pullback checkin 4 --point after_1h                # the latest session\n  \
    pullback checkin 2 --point after_24h --session 12\n  \
    pullback checkin 6 --side left                     # standalone: how is your back today")]
pub struct CheckinArgs {
    /// Pain 0–10 (0 none, 10 the worst imaginable).
    #[arg(allow_negative_numbers = true)]
    pain: i64,
    /// The session check-in point; leave it out for a standalone check-in.
    #[arg(long, value_enum)]
    point: Option<PointArg>,
    /// The session, by id [default: the latest session].
    #[arg(long, value_name = "ID", requires = "point")]
    session: Option<i64>,
    /// Where it hurt.
    #[arg(long, value_enum)]
    side: Option<SideArg>,
    /// It hurt only at the bottom of the pull (with --point during).
    #[arg(long)]
    bottom_only: bool,
    /// When [default: now].
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PointArg {
    Before,
    During,
    #[value(name = "after_1h")]
    After1h,
    #[value(name = "after_24h")]
    After24h,
}

impl From<PointArg> for Point {
    fn from(p: PointArg) -> Point {
        match p {
            PointArg::Before => Point::Before,
            PointArg::During => Point::During,
            PointArg::After1h => Point::After1h,
            PointArg::After24h => Point::After24h,
        }
    }
}

pub fn run(args: &CheckinArgs, globals: &Globals) -> Result<(), Failure> {
    let mut problems = Vec::new();
    let pain = pain("PAIN", args.pain, &mut problems);
    if args.bottom_only && args.point != Some(PointArg::During) {
        problems.push("--bottom-only: goes with --point during".into());
    }
    let Some(pain) = pain.filter(|_| problems.is_empty()) else { return Err(Failure::BadInput(problems)) };

    let ctx = Ctx::open(globals)?;
    let lifter = ctx.lifter()?;
    let profile = ctx.block_on(ctx.store.profile(lifter.id))?;
    let at = when(&ctx, args.at.as_deref(), &profile.profile.time_zone)?;
    let side = args.side.map(Side::from);

    let checkin = match args.point.map(Point::from) {
        None => NewCheckin { side, ..NewCheckin::standalone(pain, at) },
        Some(point) => {
            let session = match args.session {
                Some(id) => SessionId(id),
                None => latest_session(&ctx, lifter.id, at.instant)?,
            };
            NewCheckin { side, bottom_only: args.bottom_only, ..NewCheckin::of_session(session, point, pain, Some(at)) }
        }
    };
    ctx.block_on(ctx.store.add_checkin(lifter.id, &checkin))?;
    let what = match (checkin.point, checkin.session) {
        (Some(point), Some(session)) => format!("{} of session {session}", point.id()),
        _ => "standalone".to_string(),
    };
    println!("Checked in {pain} ({what}).");
    // The profile's overrides were checked when stored; the default applies otherwise.
    let tolerable = pullback_core::Params::from_overrides(&profile.overrides).unwrap_or_default().tolerable_max();
    if pain.value() > tolerable {
        println!("That is above your tolerable range: see `pullback plan` before you train again.");
    }
    Ok(())
}

/// The latest session at or before `at`.
fn latest_session(ctx: &Ctx, user: pullback_store::UserId, at: jiff::Timestamp) -> Result<SessionId, Failure> {
    let sessions = ctx.block_on(ctx.store.sessions(user, Some(20)))?;
    sessions.iter().rev().find(|s| s.at.instant <= at).map(|s| s.id).ok_or_else(|| {
        Failure::BadInput(vec![
            "--point: there is no session to check in for; log one with `pullback log`, or leave out --point for a \
             standalone check-in"
                .into(),
        ])
    })
}
