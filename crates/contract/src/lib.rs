//! The `pullback.plan/v1` contract (stub being filled in).

use serde_json::Value;

/// One problem with an input document, named by JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer of the offending field, e.g. `/sessions/0/checkins/2/pain`.
    pub pointer: String,
    /// What is wrong, e.g. `11 is outside 0..=10`.
    pub message: String,
}

/// Runs the whole contract: parse a history document, plan, render the decision.
pub fn plan_value(_input: &Value) -> Result<Value, Vec<Problem>> {
    todo!()
}
