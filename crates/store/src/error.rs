//! The one error type of every backend.

use thiserror::Error;

/// Why a store operation failed. Messages say what was wrong; callers add what to do.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The thing asked for (a user, a session of this user, …) does not exist.
    #[error("no {what} {id}")]
    NotFound { what: &'static str, id: String },
    /// The write clashes with what is stored (a user name that is taken).
    #[error("{0}")]
    Conflict(String),
    /// The value cannot be stored (an unknown time zone, a time outside the range kept).
    #[error("{0}")]
    Invalid(String),
    /// The database was written by a newer Pullback, or its schema cannot be used.
    #[error("{0}")]
    Schema(String),
    /// A stored value does not read back as a valid value (edited by hand?).
    #[error("the database holds an unreadable value: {0}")]
    Corrupt(String),
    /// The database itself failed (I/O, locking, a broken file).
    #[error("database error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn not_found(what: &'static str, id: impl ToString) -> StoreError {
        StoreError::NotFound { what, id: id.to_string() }
    }

    pub fn backend(error: impl std::error::Error + Send + Sync + 'static) -> StoreError {
        StoreError::Backend(Box::new(error))
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
