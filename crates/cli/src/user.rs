//! `pullback user`: the lifters in this database.

use crate::Failure;
use crate::context::{Ctx, Globals};
use clap::{Args, Subcommand, ValueEnum};
use pullback_core::Units;
use pullback_store::StoredProfile;

/// The lifters in this database: add one, or list them.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  pullback user add ana --units kg --time-zone Europe/Oslo\n  pullback user list")]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a lifter.
    #[command(after_help = "Example:\n  pullback user add ana --units kg --time-zone Europe/Oslo")]
    Add {
        /// The lifter's name, unique in this database.
        name: String,
        /// Units for loads (and block heights: cm for kg, inches for lb).
        #[arg(long, value_enum, default_value_t = UnitsArg::Kg)]
        units: UnitsArg,
        /// IANA time zone for dates, e.g. Europe/Oslo [default: UTC].
        #[arg(long, value_name = "ZONE")]
        time_zone: Option<String>,
    },
    /// List the lifters.
    #[command(after_help = "Example:\n  pullback user list")]
    List,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UnitsArg {
    Kg,
    Lb,
}

impl From<UnitsArg> for Units {
    fn from(u: UnitsArg) -> Units {
        match u {
            UnitsArg::Kg => Units::Kg,
            UnitsArg::Lb => Units::Lb,
        }
    }
}

pub fn run(args: &UserArgs, globals: &Globals) -> Result<(), Failure> {
    let ctx = Ctx::open(globals)?;
    match &args.command {
        UserCommand::Add { name, units, time_zone } => {
            let mut profile = StoredProfile::new((*units).into());
            if let Some(zone) = time_zone {
                profile =
                    profile.with_time_zone(zone).map_err(|e| Failure::BadInput(vec![format!("--time-zone: {e}")]))?;
            }
            let user = ctx.block_on(ctx.store.create_user(name, &profile))?;
            println!(
                "Added {} ({}, {}). Next: `pullback profile set --working-weight …`, then `pullback log deadlift 140x5x3`.",
                user.name,
                profile.profile.units.load_symbol(),
                profile.time_zone_name
            );
        }
        UserCommand::List => {
            let users = ctx.block_on(ctx.store.users())?;
            if users.is_empty() {
                println!("No users yet. Add one: pullback user add NAME --units kg");
            }
            for user in users {
                println!("{}\t(id {})", user.name, user.id.0);
            }
        }
    }
    Ok(())
}
