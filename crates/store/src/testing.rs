//! For tests only (feature `testing`): a PostgreSQL database of one test's own.
//!
//! `TestDatabase::create(prefix)` makes a uniquely named database on the server
//! that `PULLBACK_TEST_POSTGRES_URL` names (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and drops it, forcing out open
//! connections, when the guard drops. Without a server it panics, naming the
//! variable and `scripts/postgres`: a test that needs PostgreSQL never skips.

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{Connection, Executor};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The variable that names the test server.
pub const SERVER_VAR: &str = "PULLBACK_TEST_POSTGRES_URL";
/// The test server when the variable is not set.
pub const DEFAULT_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The test server's URL.
pub fn server_url() -> String {
    std::env::var(SERVER_VAR).unwrap_or_else(|_| DEFAULT_SERVER.to_owned())
}

/// A database of one test's own; dropped with the guard.
#[derive(Debug)]
pub struct TestDatabase {
    server: String,
    name: String,
}

impl TestDatabase {
    /// Creates `PREFIX_PID_N_NANOS` on the test server. Panics without a server.
    pub async fn create(prefix: &str) -> TestDatabase {
        let server = server_url();
        let mut admin = PgConnection::connect(&server).await.unwrap_or_else(|e| {
            panic!(
                "no PostgreSQL server answers at {server} ({SERVER_VAR}): {e}\n\
                 Start one with scripts/postgres and export the URL it prints as {SERVER_VAR}."
            )
        });
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let nanos = jiff::Timestamp::now().as_nanosecond() % 1_000_000_000;
        let name = format!("{prefix}_{}_{}_{nanos}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let created = admin.execute(format!("CREATE DATABASE {name}").as_str()).await;
        created.unwrap_or_else(|e| panic!("creating the test database {name} on {server}: {e}"));
        let _ = admin.close().await;
        TestDatabase { server, name }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The URL of this database: the server's, with its database name replaced.
    pub fn url(&self) -> String {
        let (base, query) = self.server.split_once('?').map_or((self.server.as_str(), None), |(b, q)| (b, Some(q)));
        let authority_end = base.find("://").map_or(0, |i| i + 3);
        let host_part = base[authority_end..].split('/').next().unwrap_or("");
        let mut url = format!("{}{host_part}/{}", &base[..authority_end], self.name);
        if let Some(query) = query {
            url.push('?');
            url.push_str(query);
        }
        url
    }

    /// Connection options for this database (the server's, with its name).
    pub fn options(&self) -> PgConnectOptions {
        PgConnectOptions::from_str(&self.server)
            .unwrap_or_else(|e| panic!("{SERVER_VAR} is not a PostgreSQL URL: {e}"))
            .database(&self.name)
    }
}

/// Drops the database on a thread of its own (a `Drop` cannot await, and may run
/// inside or outside a runtime), forcing out the connections pools still hold.
impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || -> Result<(), String> {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
            rt.block_on(async {
                let mut admin = PgConnection::connect(&server).await.map_err(|e| e.to_string())?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                admin.execute(sql.as_str()).await.map_err(|e| e.to_string())?;
                admin.close().await.map_err(|e| e.to_string())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("the test database {} was not dropped: {dropped:?}", self.name);
        }
    }
}
