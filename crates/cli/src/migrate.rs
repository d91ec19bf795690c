//! `pullback migrate` (bring a database's schema up to date) and `pullback
//! migrate-db` (copy a SQLite install into a fresh PostgreSQL database).

use crate::Failure;
use crate::context::{Globals, database_url, redact, store_failure};
use anyhow::Context as _;
use clap::Args;
use pullback_store::postgres::Migrate;
use pullback_store::rusqlite::{self, types::Value};
use pullback_store::sqlx::{self, Connection as _, Postgres, Transaction};
use pullback_store::{PostgresStore, SqliteStore, StoreError};

/// Apply the schema migrations the database lacks, and say which version it is at.
///
/// `pullback serve` and the other commands migrate on their own; run this as a
/// separate deployment step when the servers start with `serve --no-migrate`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pullback migrate --database postgres://pullback@127.0.0.1/pullback\n  \
    pullback migrate --database /var/lib/pullback/pullback.db")]
pub struct MigrateArgs {}

pub fn run(_args: &MigrateArgs, globals: &Globals) -> Result<(), Failure> {
    let url = database_url(globals)?;
    let (before, after) = runtime()?.block_on(pullback_store::migrate(&url)).map_err(|e| store_failure(e, &url))?;
    let shown = redact(&url);
    if before == after {
        println!("{shown}: schema version {after}, already up to date.");
    } else {
        println!("{shown}: schema version {before} → {after}.");
    }
    Ok(())
}

/// Copy everything from a SQLite database into a new PostgreSQL database.
///
/// Copies users (with their password hashes and roles), profiles, sessions with
/// their exercises, sets and import keys, check-ins, screenings, symmetry tests,
/// API tokens, care links, invitations, clinical notes and the audit log, keeping
/// every id, in one transaction on the target. Does not copy what is rebuilt or
/// short-lived: web sessions (everyone signs in again), failed log-ins, replay
/// checkpoints, caseload rows, and the signing secret. Refuses a target that
/// already has users. The target's schema is brought up to date first.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  \
    pullback migrate-db --from /var/lib/pullback/pullback.db --to postgres://pullback@127.0.0.1/pullback")]
pub struct MigrateDbArgs {
    /// The SQLite database to copy (a file path or sqlite:// URL); it is not changed
    /// beyond bringing its schema up to date.
    #[arg(long, value_name = "PATH|URL")]
    from: String,
    /// The PostgreSQL database to fill (postgres://…); it must have no users yet.
    #[arg(long, value_name = "URL")]
    to: String,
}

/// The tables copied, parents before children; every one exists in both schemas
/// with the same columns.
const COPIED_TABLES: &[&str] = &[
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

pub fn run_db(args: &MigrateDbArgs, _globals: &Globals) -> Result<(), Failure> {
    if !args.to.starts_with("postgres://") && !args.to.starts_with("postgresql://") {
        return Err(Failure::BadInput(vec![format!(
            "--to {}: give a PostgreSQL URL (postgres://user@host/database); migrate-db copies SQLite into PostgreSQL",
            redact(&args.to)
        )]));
    }
    if args.from.starts_with("postgres://") || args.from.starts_with("postgresql://") {
        return Err(Failure::BadInput(vec![format!(
            "--from {}: give a SQLite database; to copy PostgreSQL to PostgreSQL use pg_dump and pg_restore",
            redact(&args.from)
        )]));
    }
    let path = pullback_store::sqlite::sqlite_path(&args.from).map_err(|e| store_failure(e, &args.from))?;
    if !path.exists() {
        return Err(Failure::BadInput(vec![format!("--from {}: no such file", path.display())]));
    }
    let counts = runtime()?.block_on(copy(args, &path))?;
    for (table, rows) in COPIED_TABLES.iter().zip(&counts) {
        println!("{table}: {rows}");
    }
    println!("Copied {} into {}.", path.display(), redact(&args.to));
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting the async runtime")?)
}

/// Migrates both ends, then copies every table in one target transaction; gives
/// the rows copied per table.
async fn copy(args: &MigrateDbArgs, path: &std::path::Path) -> Result<Vec<usize>, Failure> {
    SqliteStore::open(path).await.map_err(|e| store_failure(e, &args.from))?;
    let target = PostgresStore::connect(&args.to, Migrate::Apply).await.map_err(|e| store_failure(e, &args.to))?;
    let source = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening {}", path.display()))?;
    let mut conn = target.pool().acquire().await.map_err(|e| pg_failure(e, "connecting to the target"))?;
    let mut tx = conn.begin().await.map_err(|e| pg_failure(e, "starting the copy"))?;
    refuse_users(&mut tx, &args.to).await?;
    let mut counts = Vec::new();
    for table in COPIED_TABLES {
        let columns = target_columns(&mut tx, table).await?;
        counts.push(copy_table(&source, &mut tx, table, &columns).await?);
        if columns.iter().any(|c| c.name == "id") {
            advance_identity(&mut tx, table).await?;
        }
    }
    tx.commit().await.map_err(|e| pg_failure(e, "committing the copy"))?;
    Ok(counts)
}

async fn refuse_users(tx: &mut Transaction<'_, Postgres>, url: &str) -> Result<(), Failure> {
    let has_users: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users)")
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| pg_failure(e, "reading the target's users"))?;
    if has_users {
        return Err(Failure::BadInput(vec![format!(
            "--to {}: this database already has users; migrate-db fills only an empty one",
            redact(url)
        )]));
    }
    Ok(())
}

/// A column of the target table and its PostgreSQL type (`bigint`, `text`, `boolean`, `bytea`).
#[derive(Debug)]
struct Column {
    name: String,
    pg_type: String,
}

async fn target_columns(tx: &mut Transaction<'_, Postgres>, table: &str) -> Result<Vec<Column>, Failure> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut **tx)
    .await
    .map_err(|e| pg_failure(e, &format!("reading the columns of {table}")))?;
    Ok(rows.into_iter().map(|(name, pg_type)| Column { name, pg_type }).collect())
}

/// Copies one table row by row, in the order of its first column; gives the rows copied.
async fn copy_table(
    source: &rusqlite::Connection,
    tx: &mut Transaction<'_, Postgres>,
    table: &str,
    columns: &[Column],
) -> Result<usize, Failure> {
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let rows = read_rows(source, table, &names).with_context(|| format!("reading {table} from the SQLite file"))?;
    let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let insert = format!("INSERT INTO {table} ({}) VALUES ({})", names.join(", "), placeholders.join(", "));
    for row in &rows {
        let mut query = sqlx::query(&insert);
        for (value, column) in row.iter().zip(columns) {
            query = bind(query, value, column, table)?;
        }
        query.execute(&mut **tx).await.map_err(|e| pg_failure(e, &format!("copying a row of {table}")))?;
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
fn bind<'q>(query: PgQuery<'q>, value: &Value, column: &Column, table: &str) -> Result<PgQuery<'q>, Failure> {
    let mismatch = || {
        Failure::Other(anyhow::anyhow!(
            "{table}.{}: the SQLite value {value:?} does not fit PostgreSQL's {}",
            column.name,
            column.pg_type
        ))
    };
    Ok(match (column.pg_type.as_str(), value) {
        ("bigint", Value::Null) => query.bind(None::<i64>),
        ("bigint", Value::Integer(n)) => query.bind(*n),
        ("boolean", Value::Null) => query.bind(None::<bool>),
        ("boolean", Value::Integer(n)) => query.bind(*n != 0),
        ("text", Value::Null) => query.bind(None::<String>),
        ("text", Value::Text(text)) => query.bind(text.clone()),
        ("bytea", Value::Null) => query.bind(None::<Vec<u8>>),
        ("bytea", Value::Blob(bytes)) => query.bind(bytes.clone()),
        _ => return Err(mismatch()),
    })
}

/// Moves a table's identity sequence past the ids copied, so new rows do not collide.
async fn advance_identity(tx: &mut Transaction<'_, Postgres>, table: &str) -> Result<(), Failure> {
    let sequence: Option<String> = sqlx::query_scalar("SELECT pg_get_serial_sequence($1, 'id')")
        .bind(table)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| pg_failure(e, &format!("finding the id sequence of {table}")))?;
    if let Some(sequence) = sequence {
        sqlx::query(&format!("SELECT setval($1, COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"))
            .bind(sequence)
            .execute(&mut **tx)
            .await
            .map_err(|e| pg_failure(e, &format!("moving the id sequence of {table}")))?;
    }
    Ok(())
}

fn pg_failure(e: sqlx::Error, doing: &str) -> Failure {
    Failure::Other(anyhow::Error::new(StoreError::backend(e)).context(doing.to_owned()))
}
