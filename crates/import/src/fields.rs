//! Parsers for single fields. Each returns the reason a value was refused, in
//! words for the lifter; the caller adds the line and the column.

use crate::format::DateStyle;
use jiff::SignedDuration;
use jiff::civil::{Date, DateTime};
use pullback_core::{Load, Reps, Units};
use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// 1 lb = 0.45359237 kg exactly (the international pound, 1959).
pub const KG_PER_LB: Decimal = Decimal::from_parts(45_359_237, 0, 0, false, 8);

/// Decimal places kept when kilograms are converted to pounds (the one inexact
/// conversion: a millionth of a pound is far below any plate).
pub const LB_DECIMALS: u32 = 6;

/// A decimal number; a decimal comma (`142,5`) is read as a point.
pub fn decimal(text: &str) -> Result<Decimal, String> {
    let trimmed = text.trim();
    let refused = || format!("{trimmed:?} is not a number");
    if trimmed.contains(',') {
        if trimmed.contains('.') || trimmed.matches(',').count() > 1 {
            return Err(refused());
        }
        return Decimal::from_str(&trimmed.replace(',', ".")).map_err(|_| refused());
    }
    Decimal::from_str(trimmed).map_err(|_| refused())
}

/// A whole number of repetitions (`5`, or `5.0` as some exports write it).
pub fn reps(text: &str) -> Result<Reps, String> {
    let value = decimal(text).map_err(|_| format!("{:?} is not a whole number of reps", text.trim()))?;
    if !value.fract().is_zero() {
        return Err(format!("{value} is not a whole number of reps"));
    }
    let whole = i64::try_from(value).map_err(|_| format!("{value} is not a whole number of reps"))?;
    Reps::parse(whole).map_err(|e| e.0)
}

/// Whether a distance or time field holds a value other than zero (`2.1`,
/// `1200`, `0:30:00`; not empty, `0` or `00:00:00`).
pub fn is_nonzero(text: &str) -> bool {
    text.bytes().any(|b| (b'1'..=b'9').contains(&b))
}

/// A weight in `from`, converted to `to`: lb → kg exactly; kg → lb rounded to
/// [`LB_DECIMALS`] places.
pub fn load(value: Decimal, from: Units, to: Units) -> Result<Load, String> {
    let converted = match (from, to) {
        (Units::Lb, Units::Kg) => value.checked_mul(KG_PER_LB),
        (Units::Kg, Units::Lb) => value
            .checked_div(KG_PER_LB)
            .map(|lb| lb.round_dp_with_strategy(LB_DECIMALS, RoundingStrategy::MidpointNearestEven)),
        _ => Some(value),
    };
    let converted = converted.ok_or_else(|| format!("{value} is too large to convert"))?;
    Load::parse(converted).map_err(|e| e.0)
}

/// A unit as a `Weight Unit` column writes it (`kg`, `kgs`, `lb`, `lbs`).
pub fn unit(text: &str) -> Option<Units> {
    match text.trim().to_ascii_lowercase().as_str() {
        "kg" | "kgs" => Some(Units::Kg),
        "lb" | "lbs" => Some(Units::Lb),
        _ => None,
    }
}

/// The civil time a workout started at. FitNotes dates have no time; they are
/// read at [`crate::DATE_ONLY_TIME`].
pub fn date_time(text: &str, style: DateStyle) -> Result<DateTime, String> {
    let text = text.trim();
    match style {
        DateStyle::DateTime => DateTime::strptime("%Y-%m-%d %H:%M:%S", text)
            .or_else(|_| DateTime::strptime("%Y-%m-%d %H:%M", text))
            .map_err(|_| format!("{text:?} is not a date and time like 2025-12-05 18:30:00")),
        DateStyle::Hevy => DateTime::strptime("%d %b %Y, %H:%M", text)
            .map_err(|_| format!("{text:?} is not a date and time like \"5 Dec 2025, 11:37\"")),
        DateStyle::DateOnly => Date::strptime("%Y-%m-%d", text)
            .map(|d| d.to_datetime(crate::DATE_ONLY_TIME))
            .map_err(|_| format!("{text:?} is not a date like 2025-12-05")),
    }
}

/// A duration written `56m`, `1h 2m`, `1h 2m 5s`, or as whole seconds (`3360`).
pub fn duration(text: &str) -> Result<SignedDuration, String> {
    let text = text.trim();
    let refused = || format!("{text:?} is not a duration like 56m, 1h 2m or 3360 (seconds)");
    if let Ok(seconds) = text.parse::<u32>() {
        return Ok(SignedDuration::from_secs(i64::from(seconds)));
    }
    let mut total: i64 = 0;
    let mut any = false;
    for part in text.split_whitespace() {
        let split = part.find(|c: char| !c.is_ascii_digit()).ok_or_else(refused)?;
        let (number, unit) = part.split_at(split);
        let number: i64 = number.parse().map_err(|_| refused())?;
        let scale = match unit {
            "h" => 3600,
            "m" | "min" => 60,
            "s" => 1,
            _ => return Err(refused()),
        };
        total = number.checked_mul(scale).and_then(|s| total.checked_add(s)).ok_or_else(refused)?;
        any = true;
    }
    if !any {
        return Err(refused());
    }
    Ok(SignedDuration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_commas_and_points() {
        assert_eq!(decimal("142,5"), Ok(Decimal::new(1425, 1)));
        assert_eq!(decimal(" 142.5 "), Ok(Decimal::new(1425, 1)));
        assert!(decimal("1,000.5").is_err());
        assert!(decimal("1,0,0").is_err());
        assert!(decimal("heavy").is_err());
    }

    #[test]
    fn reps_whole_only() {
        assert_eq!(reps("5.0").map(Reps::value), Ok(5));
        assert!(reps("5.5").is_err());
        assert!(reps("-1").is_err());
        assert!(reps("x").is_err());
    }

    #[test]
    fn conversions_are_exact_from_pounds() {
        let kg = load(Decimal::from(100), Units::Lb, Units::Kg).map(Load::value);
        assert_eq!(kg, Ok(Decimal::from_str("45.359237").unwrap()));
        let lb = load(Decimal::from(100), Units::Kg, Units::Lb).map(Load::value);
        assert_eq!(lb, Ok(Decimal::from_str("220.462262").unwrap()));
        assert!(load(Decimal::from(-5), Units::Kg, Units::Kg).is_err());
    }

    #[test]
    fn dates_in_each_style() {
        let hevy = date_time("5 Dec 2025, 11:37", DateStyle::Hevy);
        assert_eq!(hevy, Ok(jiff::civil::date(2025, 12, 5).at(11, 37, 0, 0)));
        let strong = date_time("2025-12-05 18:30:00", DateStyle::DateTime);
        assert_eq!(strong, Ok(jiff::civil::date(2025, 12, 5).at(18, 30, 0, 0)));
        let fitnotes = date_time("2025-12-05", DateStyle::DateOnly);
        assert_eq!(fitnotes, Ok(jiff::civil::date(2025, 12, 5).at(12, 0, 0, 0)));
        assert!(date_time("2025-13-05 18:30:00", DateStyle::DateTime).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(duration("56m"), Ok(SignedDuration::from_mins(56)));
        assert_eq!(duration("1h 2m"), Ok(SignedDuration::from_mins(62)));
        assert_eq!(duration("3360"), Ok(SignedDuration::from_mins(56)));
        assert!(duration("soon").is_err());
        assert!(duration("").is_err());
    }
}
