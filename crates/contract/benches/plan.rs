//! How long a plan takes on a long history, and that the replay is linear.
//!
//! For 1,000 and 2,000 synthetic sessions (`pullback-synth`, 30 sets each,
//! ~4 check-ins each, ~10 years at 2,000), side by side in one group:
//! - `plan`: the engine alone, `pullback_core::plan` on an already parsed request;
//! - `parse`: `pullback_contract::parse_request` from a `serde_json::Value`;
//! - `parse_str`: from the JSON text (`parse_request_str`, what `pullback plan` does).
//!
//! The throughput is in sessions, so equal throughput at both sizes means linear.
//! Run with `cargo bench -p pullback-contract --bench plan` (or `scripts/bench`);
//! add `-- --warm-up-time 1 --measurement-time 3` for a quick look.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pullback_contract::{PlanRequest, parse_request, parse_request_str};
use pullback_synth::{Spec, history};
use serde_json::Value;

const SIZES: [usize; 2] = [1000, 2000];

struct Input {
    sessions: usize,
    value: Value,
    text: String,
    request: PlanRequest,
}

fn input(sessions: usize) -> Input {
    let value = history(&Spec::for_sessions(sessions));
    let text = serde_json::to_string(&value).unwrap_or_else(|e| panic!("serialising the synthetic history: {e}"));
    let request = parse_request(&value).unwrap_or_else(|problems| {
        let first: Vec<String> = problems.iter().take(5).map(ToString::to_string).collect();
        panic!(
            "the synthetic history of {sessions} sessions breaks the contract ({} problems): {}",
            problems.len(),
            first.join("; ")
        )
    });
    Input { sessions, value, text, request }
}

fn bench(c: &mut Criterion) {
    let inputs: Vec<Input> = SIZES.iter().map(|&n| input(n)).collect();

    let mut group = c.benchmark_group("contract");
    for input in &inputs {
        group.throughput(Throughput::Elements(input.sessions as u64));

        group.bench_with_input(BenchmarkId::new("plan", input.sessions), input, |b, input| {
            b.iter(|| pullback_core::plan(black_box(&input.request.history), black_box(input.request.as_of)))
        });

        group.bench_with_input(BenchmarkId::new("parse", input.sessions), input, |b, input| {
            b.iter(|| parse_request(black_box(&input.value)))
        });

        group.bench_with_input(BenchmarkId::new("parse_str", input.sessions), input, |b, input| {
            b.iter(|| parse_request_str(black_box(&input.text)))
        });
    }
    group.finish();
}

/// `sessions` deadlift sessions within one day (one every 86,400 / n seconds), each
/// tolerated, with loads that rise and fall: the window maxima behind W and the
/// intensity-spike flag see thousands of sessions in their 7- and 28-day windows.
fn crowded_day(sessions: usize) -> PlanRequest {
    let step = 86_400 / sessions as i64;
    let list: Vec<Value> = (0..sessions)
        .map(|i| {
            let at = jiff::Timestamp::from_second(1_767_225_600 + i as i64 * step).unwrap_or_else(|e| panic!("{e}"));
            let load = 100 + (i * 37) % 60;
            serde_json::json!({
                "at": at.to_string(),
                "exercises": [{ "exercise": "deadlift", "sets": [{ "load": load, "reps": 5 }, { "load": load, "reps": 5 }] }],
                "checkins": [{ "point": "during", "pain": 2 }, { "point": "after_24h", "pain": 1 }],
            })
        })
        .collect();
    let doc = serde_json::json!({
        "contract": "pullback.plan/v1",
        "as_of": "2026-01-02T12:00:00Z",
        "profile": { "units": "kg" },
        "sessions": list,
    });
    parse_request(&doc).unwrap_or_else(|p| panic!("the crowded day breaks the contract: {}", p.len()))
}

/// Issue 16: the plan's cost grows linearly with sessions however they crowd a day
/// (equal throughput at 1,000 and 4,000 sessions in one day means linear).
fn crowded(c: &mut Criterion) {
    let mut group = c.benchmark_group("crowded_day");
    for sessions in [1000, 4000] {
        let request = crowded_day(sessions);
        group.throughput(Throughput::Elements(sessions as u64));
        group.bench_with_input(BenchmarkId::new("plan", sessions), &request, |b, request| {
            b.iter(|| pullback_core::plan(black_box(&request.history), black_box(request.as_of)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // Command-line options (--warm-up-time, --measurement-time, --sample-size)
    // override these.
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(3))
        .measurement_time(Duration::from_secs(8))
        .noise_threshold(0.05);
    targets = bench, crowded
}
criterion_main!(benches);
