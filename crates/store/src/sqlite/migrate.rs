//! Schema migrations: plain SQL files in `migrations/sqlite/`, embedded in the
//! binary, applied in order at open, each in its own transaction, and recorded in
//! `schema_migrations`.

use crate::error::{Result, StoreError};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

pub use crate::schema::Migration;

/// Every migration, in order. A new one is a new file and a new line here.
pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "initial", sql: include_str!("../../migrations/sqlite/0001_initial.sql") },
    Migration { version: 2, name: "import_keys", sql: include_str!("../../migrations/sqlite/0002_import_keys.sql") },
    Migration { version: 3, name: "accounts", sql: include_str!("../../migrations/sqlite/0003_accounts.sql") },
    Migration { version: 4, name: "clinicians", sql: include_str!("../../migrations/sqlite/0004_clinicians.sql") },
    Migration { version: 5, name: "client_ids", sql: include_str!("../../migrations/sqlite/0005_client_ids.sql") },
    Migration { version: 6, name: "notes", sql: include_str!("../../migrations/sqlite/0006_notes.sql") },
    Migration { version: 7, name: "reminders", sql: include_str!("../../migrations/sqlite/0007_reminders.sql") },
];

/// Applies the migrations the database lacks. Safe when several processes open the
/// same file at once: each migration re-checks inside its write transaction.
pub fn apply(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version     INTEGER PRIMARY KEY,
             name        TEXT NOT NULL,
             applied_at  TEXT NOT NULL
         ) STRICT",
    )
    .map_err(StoreError::backend)?;

    let newest: Option<i64> =
        conn.query_row("SELECT max(version) FROM schema_migrations", [], |r| r.get(0)).map_err(StoreError::backend)?;
    crate::schema::refuse_newer(newest.unwrap_or(0), crate::schema::newest(MIGRATIONS))?;

    for m in MIGRATIONS.iter().filter(|m| newest.is_none_or(|v| m.version > v)) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::backend)?;
        let done = tx
            .query_row("SELECT 1 FROM schema_migrations WHERE version = ?1", [m.version], |_| Ok(()))
            .optional()
            .map_err(StoreError::backend)?
            .is_some();
        if !done {
            tracing::info!(version = m.version, name = m.name, "applying migration");
            tx.execute_batch(m.sql)
                .map_err(|e| StoreError::Schema(format!("migration {:04}_{} failed: {e}", m.version, m.name)))?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![m.version, m.name, jiff::Timestamp::now().to_string()],
            )
            .map_err(StoreError::backend)?;
        }
        tx.commit().map_err(StoreError::backend)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file in `migrations/sqlite` is listed, in order, under its number.
    #[test]
    fn every_migration_file_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS.iter().map(|m| format!("{:04}_{}.sql", m.version, m.name)).collect();
        assert_eq!(files, listed);
        assert!(MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version));
    }
}
