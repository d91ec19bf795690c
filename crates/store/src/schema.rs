//! What both backends' migrations share: the shape of a migration and the checks
//! of a database's schema version against the one this Pullback knows.

use crate::error::{Result, StoreError};

/// One migration: its number, its name, its SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// The newest version of `migrations`, 0 for none.
pub(crate) fn newest(migrations: &[Migration]) -> i64 {
    migrations.last().map_or(0, |m| m.version)
}

/// Refuses a database written by a newer Pullback.
pub(crate) fn refuse_newer(version: i64, known: i64) -> Result<()> {
    if version > known {
        return Err(StoreError::Schema(format!(
            "the database has schema version {version}, newer than this Pullback knows ({known}); upgrade Pullback"
        )));
    }
    Ok(())
}

/// Refuses a database whose schema is not exactly `known` (when migrations are
/// not applied at open).
pub(crate) fn require_current(version: i64, known: i64) -> Result<()> {
    refuse_newer(version, known)?;
    if version < known {
        return Err(StoreError::Schema(format!(
            "the database has schema version {version} but this Pullback needs {known}; apply the migrations first \
             (`pullback migrate`)"
        )));
    }
    Ok(())
}
