//! What every stored-log command shares: the database, the lifter, and "now".

use crate::Failure;
use anyhow::Context as _;
use clap::Args;
use jiff::Timestamp;
use pullback_store::{Store, StoreError, User};
use std::future::Future;
use std::sync::Arc;

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Globals {
    /// The database: a SQLite file path or sqlite:// URL, or a PostgreSQL server
    /// (postgres://user:password@host/database?max_connections=10&acquire_timeout=5).
    /// [default: $XDG_DATA_HOME/pullback/pullback.db]
    #[arg(long, global = true, env = "PULLBACK_DATABASE_URL", value_name = "PATH|URL")]
    pub database: Option<String>,
    /// Whose log to use, by user name [default: the only user].
    #[arg(long, global = true, env = "PULLBACK_USER", value_name = "NAME")]
    pub user: Option<String>,
    /// "Now" for this command, RFC 3339 (for reproducible runs) [default: the clock].
    #[arg(long, global = true, env = "PULLBACK_NOW", value_name = "TIME")]
    pub as_of: Option<String>,
}

/// An open store, the chosen lifter's name, and the command's "now".
pub struct Ctx {
    pub store: Arc<dyn Store>,
    pub now: Timestamp,
    user: Option<String>,
    runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx").field("now", &self.now).field("user", &self.user).finish_non_exhaustive()
    }
}

impl Ctx {
    pub fn open(globals: &Globals) -> Result<Ctx, Failure> {
        let now = now(globals.as_of.as_deref())?;
        let runtime =
            tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting the async runtime")?;
        let url = database_url(globals)?;
        let store = runtime.block_on(pullback_store::open(&url)).map_err(|e| store_failure(e, &url))?;
        Ok(Ctx { store, now, user: globals.user.clone(), runtime })
    }

    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// The lifter named by `--user`, or the only one.
    pub fn lifter(&self) -> Result<User, Failure> {
        if let Some(name) = &self.user {
            return self.block_on(self.store.user_by_name(name)).map_err(|e| match e {
                StoreError::NotFound { .. } => Failure::BadInput(vec![format!(
                    "--user: no user named {name:?}; see `pullback user list`, or add one with `pullback user add {name}`"
                )]),
                other => Failure::from(other),
            });
        }
        let users = self.block_on(self.store.users())?;
        match users.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(Failure::BadInput(vec![
                "no user yet: add yourself first, e.g. `pullback user add ana --units kg`".into(),
            ])),
            many => {
                let names: Vec<&str> = many.iter().map(|u| u.name.as_str()).collect();
                Err(Failure::BadInput(vec![format!(
                    "--user: there are several users ({}); choose one with --user NAME",
                    names.join(", ")
                )]))
            }
        }
    }
}

/// `--as-of` or `PULLBACK_NOW` when given, else the clock.
pub fn now(as_of: Option<&str>) -> Result<Timestamp, Failure> {
    match as_of {
        Some(text) => parse_time(text, "--as-of"),
        None => Ok(Timestamp::now()),
    }
}

/// An RFC 3339 time with an offset, for the option `what`.
pub fn parse_time(text: &str, what: &str) -> Result<Timestamp, Failure> {
    pullback_contract::parse_time(text).map_err(|message| Failure::BadInput(vec![format!("{what}: {message}")]))
}

/// `--database`, `PULLBACK_DATABASE_URL`, or the default file.
pub fn database_url(globals: &Globals) -> Result<String, Failure> {
    match &globals.database {
        Some(url) => Ok(url.clone()),
        None => default_database(),
    }
}

/// `$XDG_DATA_HOME/pullback/pullback.db` (or the platform's data directory).
fn default_database() -> Result<String, Failure> {
    let dirs = directories::ProjectDirs::from("", "", "pullback")
        .context("finding the data directory: set --database or PULLBACK_DATABASE_URL")?;
    Ok(dirs.data_dir().join("pullback.db").to_string_lossy().into_owned())
}

pub fn store_failure(e: StoreError, url: &str) -> Failure {
    let url = redact(url);
    match e {
        StoreError::Invalid(message) => Failure::BadInput(vec![format!("--database {url}: {message}")]),
        other => Failure::Other(anyhow::Error::new(other).context(format!("opening the database {url}"))),
    }
}

/// A database URL fit to print: its password, if any, replaced by `***`
/// (`postgres://user:secret@host/db` → `postgres://user:***@host/db`).
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let Some(colon) = authority[..at].find(':') else {
        return url.to_owned();
    };
    format!("{}{}:***{}", &url[..scheme_end], &authority[..colon], &rest[at..])
}

impl From<StoreError> for Failure {
    /// What the user can fix is bad input (exit 2); the rest is a failure (exit 1).
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } | StoreError::Conflict(_) | StoreError::Invalid(_) => {
                Failure::BadInput(vec![e.to_string()])
            }
            other => Failure::Other(anyhow::Error::new(other)),
        }
    }
}

/// The text of a file, or of standard input for `-`.
pub fn read_input(path: &std::path::Path) -> Result<String, Failure> {
    use std::io::Read;
    let mut text = String::new();
    if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).context("reading standard input")?;
    } else {
        text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redact_hides_only_the_password() {
        assert_eq!(redact("postgres://user:secret@host/db"), "postgres://user:***@host/db");
        assert_eq!(
            redact("postgresql://u:p%40ss@h:5432/db?max_connections=5"),
            "postgresql://u:***@h:5432/db?max_connections=5"
        );
        assert_eq!(redact("postgres://user@host/db"), "postgres://user@host/db");
        assert_eq!(redact("postgres://host/db?user=a@b"), "postgres://host/db?user=a@b");
        assert_eq!(redact("/var/lib/pullback/pullback.db"), "/var/lib/pullback/pullback.db");
        assert_eq!(redact("sqlite:///srv/a:b@c.db"), "sqlite:///srv/a:b@c.db");
    }
}
