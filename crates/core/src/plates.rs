//! Plate breakdowns: what to put on each side of the bar for a barbell load.

use crate::history::Units;
use crate::values::Load;
use rust_decimal::Decimal;

/// The plates most gyms have, heaviest first.
pub fn default_plates(units: Units) -> Vec<Load> {
    let kg = [250, 200, 150, 100, 50, 25, 125];
    let lb = [450, 350, 250, 100, 50, 25];
    let scaled: Vec<Decimal> = match units {
        // 25, 20, 15, 10, 5, 2.5, 1.25 kg
        Units::Kg => kg.iter().map(|&p| if p == 125 { Decimal::new(125, 2) } else { Decimal::new(p, 1) }).collect(),
        // 45, 35, 25, 10, 5, 2.5 lb
        Units::Lb => lb.iter().map(|&p| Decimal::new(p, 1)).collect(),
    };
    scaled.into_iter().filter_map(|d| Load::parse(d).ok()).collect()
}

/// The plates per side that make `load` on a bar of `bar`, heaviest first, using
/// each plate size as often as needed. `None` when the load is below the bar or
/// the plates cannot make it exactly.
pub fn per_side(load: Load, bar: Load, plates: &[Load]) -> Option<Vec<Load>> {
    let mut remaining = (load.value() - bar.value()) / Decimal::TWO;
    if remaining.is_sign_negative() && !remaining.is_zero() {
        return None;
    }
    let mut sizes: Vec<Load> = plates.iter().copied().filter(|p| !p.value().is_zero()).collect();
    sizes.sort_by(|a, b| b.cmp(a));
    let mut side = Vec::new();
    for plate in sizes {
        while remaining >= plate.value() {
            remaining -= plate.value();
            side.push(plate);
        }
    }
    remaining.is_zero().then_some(side)
}

/// "70 kg = bar + 20 + 5 per side"; "20 kg = empty bar"; or just the load when the
/// plates cannot make it.
pub fn describe(load: Load, bar: Load, plates: &[Load], units: Units) -> String {
    let unit = units.load_symbol();
    match per_side(load, bar, plates) {
        Some(side) if side.is_empty() => format!("{load} {unit} = empty bar"),
        Some(side) => {
            let list: Vec<String> = side.iter().map(ToString::to_string).collect();
            format!("{load} {unit} = bar + {} per side", list.join(" + "))
        }
        None => format!("{load} {unit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kg(v: &str) -> Load {
        Load::parse(v.parse().unwrap()).unwrap()
    }

    #[test]
    fn plates_per_side_heaviest_first() {
        let plates = default_plates(Units::Kg);
        assert_eq!(describe(kg("70"), kg("20"), &plates, Units::Kg), "70 kg = bar + 25 per side");
        let no_25s: Vec<Load> = plates.iter().copied().filter(|p| *p != kg("25")).collect();
        assert_eq!(describe(kg("70"), kg("20"), &no_25s, Units::Kg), "70 kg = bar + 20 + 5 per side");
        assert_eq!(describe(kg("20"), kg("20"), &plates, Units::Kg), "20 kg = empty bar");
        assert_eq!(describe(kg("122.5"), kg("20"), &plates, Units::Kg), "122.5 kg = bar + 25 + 25 + 1.25 per side");
    }

    #[test]
    fn pounds_use_45s() {
        let plates = default_plates(Units::Lb);
        assert_eq!(describe(kg("200"), kg("45"), &plates, Units::Lb), "200 lb = bar + 45 + 25 + 5 + 2.5 per side");
    }

    #[test]
    fn impossible_loads_have_no_breakdown() {
        let plates = default_plates(Units::Kg);
        assert_eq!(per_side(kg("10"), kg("20"), &plates), None);
        assert_eq!(per_side(kg("21"), kg("20"), &plates), None);
        assert_eq!(describe(kg("21"), kg("20"), &plates, Units::Kg), "21 kg");
    }
}
