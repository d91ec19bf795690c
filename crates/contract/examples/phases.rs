//! Where the time of `pullback plan` goes, phase by phase:
//! `cargo run --release -p pullback-contract --example phases -- FILE`.
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: phases FILE");
    let text = std::fs::read_to_string(path).expect("read");
    for _ in 0..5 {
        let t0 = Instant::now();
        let request = pullback_contract::parse_request_str(&text).expect("valid");
        let t1 = Instant::now();
        let decision = pullback_core::plan(&request.history, request.as_of);
        let t2 = Instant::now();
        let out = serde_json::to_string(&pullback_contract::render(&decision)).expect("render");
        let t3 = Instant::now();
        drop(request);
        let t4 = Instant::now();
        println!(
            "parse {:?}  plan {:?}  render {:?}  drop {:?}  ({} bytes out)",
            t1 - t0,
            t2 - t1,
            t3 - t2,
            t4 - t3,
            out.len()
        );
    }
}
