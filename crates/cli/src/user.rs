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
    /// Set a user's web password (the self-hosted admin's reset path). Signs
    /// their browsers out. Without --password-stdin a random password is made
    /// and printed once.
    #[command(after_help = "Examples:\n  pullback user reset-password ana\n  \
        printf '%s\\n' \"$NEW_PASSWORD\" | pullback user reset-password ana --password-stdin")]
    ResetPassword {
        name: String,
        /// Read the new password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Make a personal access token for the JSON API (`Authorization: Bearer …`)
    /// and print it once. Lifters can also make and revoke them on the web
    /// settings page.
    #[command(after_help = "Example:\n  pullback user token ana --label phone-app")]
    Token {
        name: String,
        /// What the token is for, as listed on the settings page.
        #[arg(long, default_value = "command line")]
        label: String,
    },
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
        UserCommand::ResetPassword { name, password_stdin } => reset_password(&ctx, name, *password_stdin)?,
        UserCommand::Token { name, label } => {
            let user = find(&ctx, name)?;
            let (token, digest) = pullback_web::auth::new_token()?;
            ctx.block_on(ctx.store.create_api_token(user.id, label, &digest))?;
            println!("{token}");
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

fn reset_password(ctx: &Ctx, name: &str, from_stdin: bool) -> Result<(), Failure> {
    use anyhow::Context as _;
    let user = ctx
        .block_on(ctx.store.user_by_name(name))
        .map_err(|_| Failure::BadInput(vec![format!("no user named {name:?}; see `pullback user list`")]))?;
    let (password, generated) = if from_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).context("reading the password from standard input")?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (hex::encode(pullback_web::auth::random_bytes::<9>()?), true)
    };
    let min = pullback_web::auth::MIN_PASSWORD_CHARS;
    if password.chars().count() < min {
        return Err(Failure::BadInput(vec![format!("the password needs at least {min} characters")]));
    }
    let hash = pullback_web::auth::hash_password(&password)?;
    ctx.block_on(ctx.store.set_password(user.id, &hash))?;
    if generated {
        println!("New password for {}: {password}\nGive it to them privately; they can log in with it now.", user.name);
    } else {
        println!("Password set for {}. Their browsers are signed out.", user.name);
    }
    Ok(())
}

fn find(ctx: &Ctx, name: &str) -> Result<pullback_store::User, Failure> {
    ctx.block_on(ctx.store.user_by_name(name))
        .map_err(|_| Failure::BadInput(vec![format!("no user named {name:?}; see `pullback user list`")]))
}
