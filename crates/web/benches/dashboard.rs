//! How long the caseload dashboard (`GET /clinic`) takes on the server for a
//! clinician with 500 lifters, each with a year of history (`pullback-synth`, 100
//! sessions of about 30 sets and 4 check-ins, 20 standalone check-ins), in a
//! SQLite file in a temporary directory. Measured: `clinic::dashboard::dashboard`,
//! what the handler does besides the layout (read the caseload, compute the stale
//! rows, sort, filter, render the HTML).
//! - `warm`: every row cached and fresh (the common case);
//! - `stale_rows`: every row stale (a new hour), the replay checkpoints in place
//!   (the first view in each hour);
//! - `first_view`: no cached rows and no checkpoints (the very first view).
//!
//! Run with `cargo bench -p pullback-web --bench dashboard`. Seeding takes a
//! while and happens once per run. Without `--bench` (as `cargo test
//! --all-targets` runs it) the caseload is 5 small lifters, so the test step
//! stays fast.

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use jiff::{SignedDuration, Timestamp};
use pullback_store::{ImportMode, SqliteStore, Store, StoredProfile, UserId};
use pullback_synth::{DEFAULT_SEED, Spec, history};
use pullback_web::clinic::dashboard::{Filter, dashboard};
use std::cell::Cell;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use tokio::runtime::Runtime;

/// Whether this is a real run (`cargo bench` passes `--bench`), not a test run.
fn full_run() -> bool {
    std::env::args().any(|arg| arg == "--bench")
}

struct Caseload {
    store: Arc<dyn Store>,
    clinician: UserId,
    /// The latest `as_of` of the lifters' histories: "now" for the dashboard.
    now: Timestamp,
    lifters: Vec<UserId>,
    _dir: TempDir,
}

async fn seed(lifters: usize, sessions: usize) -> Caseload {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary directory: {e}"));
    let sqlite = SqliteStore::open(dir.path().join("caseload.db")).await.unwrap_or_else(|e| panic!("the store: {e}"));
    let store: Arc<dyn Store> = Arc::new(sqlite);
    let units = pullback_core::Units::Kg;
    let pt = store.create_user("pt", &StoredProfile::new(units)).await.unwrap_or_else(|e| panic!("{e}"));
    store.set_clinician(pt.id, true).await.unwrap_or_else(|e| panic!("{e}"));
    let mut now = Timestamp::UNIX_EPOCH;
    let mut ids = Vec::with_capacity(lifters);
    for i in 0..lifters {
        let spec = Spec { seed: DEFAULT_SEED + i as u64, ..Spec::for_sessions(sessions) };
        let request = pullback_contract::parse_request(&history(&spec))
            .unwrap_or_else(|problems| panic!("synthetic history {i}: {} problems", problems.len()));
        now = now.max(request.as_of);
        let lifter = store
            .create_user(&format!("lifter-{i:03}"), &StoredProfile::new(units))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        store.import_history(lifter.id, &request.history, ImportMode::Replace).await.unwrap_or_else(|e| panic!("{e}"));
        let code = pullback_app::secrets::sha256(format!("invitation {i}").as_bytes());
        let expires = request.as_of.checked_add(SignedDuration::from_hours(24 * 365)).unwrap_or(Timestamp::MAX);
        store.create_invitation(pt.id, &code, expires).await.unwrap_or_else(|e| panic!("{e}"));
        store.accept_invitation(&lifter, &code, request.as_of).await.unwrap_or_else(|e| panic!("{e}"));
        ids.push(lifter.id);
    }
    Caseload { store, clinician: pt.id, now, lifters: ids, _dir: dir }
}

/// The dashboard's HTML at `now`, as the handler makes it.
async fn view(caseload: &Caseload, now: Timestamp) -> usize {
    let markup = dashboard(&caseload.store, caseload.clinician, now, &Filter::default())
        .await
        .unwrap_or_else(|e| panic!("the dashboard: {e}"));
    markup.into_string().len()
}

fn hours_later(now: Timestamp, hours: i64) -> Timestamp {
    now.checked_add(SignedDuration::from_hours(hours)).unwrap_or_else(|e| panic!("{e}"))
}

fn bench(c: &mut Criterion) {
    let full = full_run();
    let (lifters, sessions) = if full { (500, 100) } else { (5, 10) };
    let runtime = Runtime::new().unwrap_or_else(|e| panic!("the runtime: {e}"));

    let started = Instant::now();
    let caseload = runtime.block_on(seed(lifters, sessions));
    let seeded = started.elapsed();
    let started = Instant::now();
    let bytes = runtime.block_on(view(&caseload, caseload.now));
    let first = started.elapsed();
    if full {
        eprintln!(
            "seeded {lifters} lifters × {sessions} sessions in {seeded:.1?}; the first view took {first:.1?} \
             ({bytes} bytes of HTML)"
        );
    }

    let mut group = c.benchmark_group(format!("dashboard_{lifters}"));
    group.bench_function("warm", |b| b.iter(|| runtime.block_on(view(&caseload, black_box(caseload.now)))));

    // Each iteration an hour later than the last: every row is stale.
    group.sampling_mode(SamplingMode::Flat);
    let hour = Cell::new(0);
    group.bench_function("stale_rows", |b| {
        b.iter(|| {
            hour.set(hour.get() + 1);
            runtime.block_on(view(&caseload, hours_later(caseload.now, hour.get())))
        })
    });
    group.bench_function("first_view", |b| {
        b.iter_batched(
            || {
                runtime.block_on(async {
                    for &lifter in &caseload.lifters {
                        caseload.store.delete_checkpoint(lifter).await.unwrap_or_else(|e| panic!("{e}"));
                    }
                });
                hour.set(hour.get() + 1);
                hours_later(caseload.now, hour.get())
            },
            |now| runtime.block_on(view(&caseload, now)),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // Command-line options (--warm-up-time, --measurement-time, --sample-size)
    // override these.
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10))
        .noise_threshold(0.05);
    targets = bench
}
criterion_main!(benches);
