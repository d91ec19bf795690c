//! Copies a SQLite install into a fresh PostgreSQL database (`pullback
//! migrate-db`): every table that holds what people logged and set up, keeping
//! every id, in one transaction on the target.
//!
//! Not copied, because it is rebuilt or short-lived: web sessions (everyone signs
//! in again), failed log-ins, replay checkpoints, caseload rows, and the signing
//! secret.

use crate::error::StoreError;
use crate::postgres::{Migrate, PostgresStore};
use crate::sqlite::SqliteStore;
use rusqlite::types::Value;
use sqlx::{Connection as _, Postgres, Transaction};
use std::path::Path;

/// The tables copied, parents before children; every one exists in both schemas
/// with the same columns.
pub const COPIED_TABLES: &[&str] = &[
    "users",
    "profiles",
    "sessions",
    "exercises",
    "sets",
    "checkins",
    "screenings",
    "symmetry_tests",
    "api_tokens",
    "care_links",
    "invitations",
    "clinical_notes",
    "audit_log",
];

/// Why a copy stopped. Nothing is written to the target unless all of it is.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The SQLite file could not be opened (or its schema brought up to date).
    #[error(transparent)]
    Source(StoreError),
    /// The PostgreSQL database could not be reached (or migrated).
    #[error(transparent)]
    Target(StoreError),
    /// The target has users already: a copy fills only an empty database.
    #[error("the target database already has users")]
    TargetHasUsers,
    /// A SQLite value does not fit the target column's type.
    #[error("{table}.{column}: the SQLite value {value} does not fit PostgreSQL's {pg_type}")]
    Mismatch { table: String, column: String, value: String, pg_type: String },
    /// A step of the copy failed; `doing` says which.
    #[error("{doing}")]
    Failed {
        doing: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

fn failed(doing: impl Into<String>, source: impl std::error::Error + Send + Sync + 'static) -> CopyError {
    CopyError::Failed { doing: doing.into(), source: Box::new(source) }
}

fn pg_failed(doing: impl Into<String>) -> impl FnOnce(sqlx::Error) -> CopyError {
    move |e| failed(doing, StoreError::backend(e))
}

/// Migrates both ends, then copies every table of [`COPIED_TABLES`] in one target
/// transaction; gives the rows copied per table, in that order.
pub async fn sqlite_to_postgres(source: &Path, target_url: &str) -> Result<Vec<usize>, CopyError> {
    SqliteStore::open(source).await.map_err(CopyError::Source)?;
    let target = PostgresStore::connect(target_url, Migrate::Apply).await.map_err(CopyError::Target)?;
    let source = rusqlite::Connection::open_with_flags(source, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| failed(format!("opening {}", source.display()), e))?;
    let mut conn = target.pool().acquire().await.map_err(pg_failed("connecting to the target"))?;
    let mut tx = conn.begin().await.map_err(pg_failed("starting the copy"))?;
    refuse_users(&mut tx).await?;
    let mut counts = Vec::new();
    for table in COPIED_TABLES {
        let columns = target_columns(&mut tx, table).await?;
        counts.push(copy_table(&source, &mut tx, table, &columns).await?);
        if columns.iter().any(|c| c.name == "id") {
            advance_identity(&mut tx, table).await?;
        }
    }
    tx.commit().await.map_err(pg_failed("committing the copy"))?;
    Ok(counts)
}

async fn refuse_users(tx: &mut Transaction<'_, Postgres>) -> Result<(), CopyError> {
    let has_users: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users)")
        .fetch_one(&mut **tx)
        .await
        .map_err(pg_failed("reading the target's users"))?;
    if has_users { Err(CopyError::TargetHasUsers) } else { Ok(()) }
}

/// A column of the target table and its PostgreSQL type (`bigint`, `text`, `boolean`, `bytea`).
#[derive(Debug)]
struct Column {
    name: String,
    pg_type: String,
}

async fn target_columns(tx: &mut Transaction<'_, Postgres>, table: &str) -> Result<Vec<Column>, CopyError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut **tx)
    .await
    .map_err(pg_failed(format!("reading the columns of {table}")))?;
    Ok(rows.into_iter().map(|(name, pg_type)| Column { name, pg_type }).collect())
}

/// Copies one table row by row, in the order of its first column; gives the rows copied.
async fn copy_table(
    source: &rusqlite::Connection,
    tx: &mut Transaction<'_, Postgres>,
    table: &str,
    columns: &[Column],
) -> Result<usize, CopyError> {
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let rows =
        read_rows(source, table, &names).map_err(|e| failed(format!("reading {table} from the SQLite file"), e))?;
    let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let insert = format!("INSERT INTO {table} ({}) VALUES ({})", names.join(", "), placeholders.join(", "));
    for row in &rows {
        let mut query = sqlx::query(&insert);
        for (value, column) in row.iter().zip(columns) {
            query = bind(query, value, column, table)?;
        }
        query.execute(&mut **tx).await.map_err(pg_failed(format!("copying a row of {table}")))?;
    }
    Ok(rows.len())
}

fn read_rows(source: &rusqlite::Connection, table: &str, names: &[&str]) -> rusqlite::Result<Vec<Vec<Value>>> {
    let mut statement = source.prepare(&format!("SELECT {} FROM {table} ORDER BY 1", names.join(", ")))?;
    let rows = statement.query_map([], |row| (0..names.len()).map(|i| row.get::<_, Value>(i)).collect())?;
    rows.collect()
}

type PgQuery<'q> = sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>;

/// Binds a SQLite value as the target column's type.
fn bind<'q>(query: PgQuery<'q>, value: &Value, column: &Column, table: &str) -> Result<PgQuery<'q>, CopyError> {
    Ok(match (column.pg_type.as_str(), value) {
        ("bigint", Value::Null) => query.bind(None::<i64>),
        ("bigint", Value::Integer(n)) => query.bind(*n),
        ("boolean", Value::Null) => query.bind(None::<bool>),
        ("boolean", Value::Integer(n)) => query.bind(*n != 0),
        ("text", Value::Null) => query.bind(None::<String>),
        ("text", Value::Text(text)) => query.bind(text.clone()),
        ("bytea", Value::Null) => query.bind(None::<Vec<u8>>),
        ("bytea", Value::Blob(bytes)) => query.bind(bytes.clone()),
        _ => {
            return Err(CopyError::Mismatch {
                table: table.to_owned(),
                column: column.name.clone(),
                value: format!("{value:?}"),
                pg_type: column.pg_type.clone(),
            });
        }
    })
}

/// Moves a table's identity sequence past the ids copied, so new rows do not collide.
async fn advance_identity(tx: &mut Transaction<'_, Postgres>, table: &str) -> Result<(), CopyError> {
    let sequence: Option<String> = sqlx::query_scalar("SELECT pg_get_serial_sequence($1, 'id')")
        .bind(table)
        .fetch_one(&mut **tx)
        .await
        .map_err(pg_failed(format!("finding the id sequence of {table}")))?;
    if let Some(sequence) = sequence {
        sqlx::query(&format!("SELECT setval($1, COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"))
            .bind(sequence)
            .execute(&mut **tx)
            .await
            .map_err(pg_failed(format!("moving the id sequence of {table}")))?;
    }
    Ok(())
}
