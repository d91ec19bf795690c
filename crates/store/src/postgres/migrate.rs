//! Schema migrations: plain SQL files in `migrations/postgres/` (the same numbers
//! and names as SQLite's), embedded in the binary, applied in order, each in its own
//! transaction, and recorded in `schema_migrations`.
//!
//! Several servers starting at once on an empty database take turns: each
//! transaction holds a transaction-level advisory lock, and re-checks what is
//! applied once it has it.

use super::db;
use crate::error::{Result, StoreError};
use sqlx::postgres::{PgConnection, PgPool};

pub use crate::schema::Migration;

/// Every migration, in order. A new one is a new file and a new line here.
pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "initial", sql: include_str!("../../migrations/postgres/0001_initial.sql") },
    Migration { version: 2, name: "import_keys", sql: include_str!("../../migrations/postgres/0002_import_keys.sql") },
    Migration { version: 3, name: "accounts", sql: include_str!("../../migrations/postgres/0003_accounts.sql") },
    Migration { version: 4, name: "clinicians", sql: include_str!("../../migrations/postgres/0004_clinicians.sql") },
    Migration { version: 5, name: "client_ids", sql: include_str!("../../migrations/postgres/0005_client_ids.sql") },
    Migration { version: 6, name: "notes", sql: include_str!("../../migrations/postgres/0006_notes.sql") },
    Migration { version: 7, name: "reminders", sql: include_str!("../../migrations/postgres/0007_reminders.sql") },
];

/// The advisory lock migrations hold: "pullback" in ASCII. Advisory locks are
/// per database, so two databases on one server do not wait for each other.
const LOCK_KEY: i64 = 0x7075_6c6c_6261_636b;

fn newest_known() -> i64 {
    crate::schema::newest(MIGRATIONS)
}

/// Waits for the migration lock; it is released when the transaction ends.
async fn lock(c: &mut PgConnection) -> Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(LOCK_KEY).execute(c).await.map_err(db)?;
    Ok(())
}

/// The newest version applied, 0 when there is no `schema_migrations` table yet.
async fn newest_applied(c: &mut PgConnection) -> Result<i64> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('schema_migrations') IS NOT NULL")
        .fetch_one(&mut *c)
        .await
        .map_err(db)?;
    if !exists {
        return Ok(0);
    }
    let newest: Option<i64> =
        sqlx::query_scalar("SELECT max(version) FROM schema_migrations").fetch_one(c).await.map_err(db)?;
    Ok(newest.unwrap_or(0))
}

fn refuse_newer(version: i64) -> Result<()> {
    crate::schema::refuse_newer(version, newest_known())
}

pub(super) async fn version(pool: &PgPool) -> Result<i64> {
    let mut c = pool.acquire().await.map_err(db)?;
    newest_applied(&mut c).await
}

/// Refuses a database whose schema is not exactly the one this Pullback knows.
pub(super) async fn require_current(pool: &PgPool) -> Result<()> {
    crate::schema::require_current(version(pool).await?, newest_known())
}

/// Applies the migrations the database lacks; gives the versions applied.
pub(super) async fn apply(pool: &PgPool) -> Result<Vec<i64>> {
    let mut c = pool.acquire().await.map_err(db)?;
    let mut tx = sqlx::Connection::begin(&mut *c).await.map_err(db)?;
    lock(&mut tx).await?;
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version     BIGINT PRIMARY KEY,
             name        TEXT   NOT NULL,
             applied_at  TEXT   NOT NULL
         )",
    )
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    let newest = newest_applied(&mut tx).await?;
    tx.commit().await.map_err(db)?;
    refuse_newer(newest)?;

    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| m.version > newest) {
        let mut tx = sqlx::Connection::begin(&mut *c).await.map_err(db)?;
        lock(&mut tx).await?;
        // Another server may have applied it while this one waited for the lock.
        let done: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)")
            .bind(m.version)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        if done {
            continue;
        }
        tracing::info!(version = m.version, name = m.name, "applying migration");
        sqlx::raw_sql(m.sql)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::Schema(format!("migration {:04}_{} failed: {e}", m.version, m.name)))?;
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            .bind(jiff::Timestamp::now().to_string())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        applied.push(m.version);
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file in `migrations/postgres` is listed, in order, under its number,
    /// and the versions and names are SQLite's.
    #[test]
    fn every_migration_file_is_embedded_and_mirrors_sqlite() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS.iter().map(|m| format!("{:04}_{}.sql", m.version, m.name)).collect();
        assert_eq!(files, listed);
        assert!(MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version));
        let sqlite: Vec<(i64, &str)> = crate::sqlite::MIGRATIONS.iter().map(|m| (m.version, m.name)).collect();
        let postgres: Vec<(i64, &str)> = MIGRATIONS.iter().map(|m| (m.version, m.name)).collect();
        assert_eq!(postgres, sqlite);
    }
}
