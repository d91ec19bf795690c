//! `pullback user`: the lifters in this database.

use crate::Failure;
use crate::context::{Ctx, Globals};
use clap::{Args, Subcommand, ValueEnum};
use pullback_core::Units;
use pullback_store::{NewAudit, StoredProfile, Tokens};

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
    /// their browsers out and revokes their API tokens (unless --keep-tokens).
    /// Without --password-stdin a random password is made and printed once.
    #[command(after_help = "Examples:\n  pullback user reset-password ana\n  \
        printf '%s\\n' \"$NEW_PASSWORD\" | pullback user reset-password ana --password-stdin\n  \
        pullback user reset-password ana --keep-tokens   # their scripts' tokens go on working")]
    ResetPassword {
        name: String,
        /// Read the new password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// Keep their personal access tokens working (by default a reset revokes
        /// them with the browser sessions, since whoever knew the old password may
        /// have made some).
        #[arg(long)]
        keep_tokens: bool,
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
    /// Give a user the clinician role: they can invite lifters, who choose to
    /// share their data with them. --revoke withdraws the role and ends every
    /// lifter's sharing with them.
    #[command(after_help = "Examples:\n  pullback user grant-clinician maria\n  \
        pullback user grant-clinician maria --revoke")]
    GrantClinician {
        name: String,
        /// Withdraw the role instead.
        #[arg(long)]
        revoke: bool,
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
        UserCommand::ResetPassword { name, password_stdin, keep_tokens } => {
            let tokens = if *keep_tokens { Tokens::Keep } else { Tokens::Revoke };
            reset_password(&ctx, name, *password_stdin, tokens)?;
        }
        UserCommand::Token { name, label } => {
            let user = find(&ctx, name)?;
            let (token, digest) = pullback_app::secrets::new_token()?;
            ctx.block_on(ctx.store.create_api_token(user.id, label, &digest))?;
            println!("{token}");
        }
        UserCommand::GrantClinician { name, revoke } => grant_clinician(&ctx, name, !*revoke)?,
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

fn reset_password(ctx: &Ctx, name: &str, from_stdin: bool, tokens: Tokens) -> Result<(), Failure> {
    use anyhow::Context as _;
    let user = ctx
        .block_on(ctx.store.user_by_name(name))
        .map_err(|_| Failure::BadInput(vec![format!("no user named {name:?}; see `pullback user list`")]))?;
    let (password, generated) = if from_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).context("reading the password from standard input")?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (hex::encode(pullback_app::secrets::random_bytes::<9>()?), true)
    };
    let min = pullback_app::secrets::MIN_PASSWORD_CHARS;
    if password.chars().count() < min {
        return Err(Failure::BadInput(vec![format!("the password needs at least {min} characters")]));
    }
    let hash = pullback_app::secrets::hash_password(&password)?;
    ctx.block_on(ctx.store.set_password(user.id, &hash, tokens))?;
    if generated {
        println!("New password for {}: {password}\nGive it to them privately; they can log in with it now.", user.name);
    } else {
        println!("Password set for {}.", user.name);
    }
    match tokens {
        Tokens::Revoke => println!("Their browsers are signed out and their API tokens revoked."),
        Tokens::Keep => println!("Their browsers are signed out. Their API tokens still work."),
    }
    Ok(())
}

/// Sets the clinician role and says what changed (nothing, when it was already so).
fn grant_clinician(ctx: &Ctx, name: &str, clinician: bool) -> Result<(), Failure> {
    let user = find(ctx, name)?;
    if user.clinician == clinician {
        let already = if clinician { "is already a clinician" } else { "is not a clinician" };
        println!("{} {already}; nothing changed.", user.name);
        return Ok(());
    }
    if clinician {
        ctx.block_on(ctx.store.set_clinician(user.id, true))?;
        println!("{} is now a clinician: in the web app they can invite lifters at /clinic/invite.", user.name);
        return Ok(());
    }
    let lifters = ctx.block_on(ctx.store.caseload(user.id))?;
    ctx.block_on(ctx.store.set_clinician(user.id, false))?;
    // Each lifter's own log says why the clinician is gone from their care team.
    for entry in &lifters {
        let detail = format!("{} is no longer a clinician on this server and can no longer see your log", user.name);
        let audit = NewAudit { lifter: entry.lifter.id, actor: &user, action: "access_revoked", detail, at: ctx.now };
        ctx.block_on(ctx.store.record_audit(&audit))?;
    }
    println!(
        "{} is no longer a clinician; {} lifter(s) no longer share their data with them.",
        user.name,
        lifters.len()
    );
    Ok(())
}

fn find(ctx: &Ctx, name: &str) -> Result<pullback_store::User, Failure> {
    ctx.block_on(ctx.store.user_by_name(name))
        .map_err(|_| Failure::BadInput(vec![format!("no user named {name:?}; see `pullback user list`")]))
}
