//! Issue 14.6: real headers the first reader refused: Strong without `Workout
//! Duration` (13 and 11 columns), Strong in another language, FitNotes without
//! `Comment`, a comma Strong export re-saved with `;`.

use crate::{check, counts, fixture, options};
use pullback_import::{Format, ImportError, Units, detect, read};

#[test]
fn strong_without_the_workout_duration_column() {
    let parsed = check(
        "strong_semicolon_13.csv",
        &options(Units::Kg, "Europe/Berlin"),
        r#"
        2023-09-18T19:02:11+02:00[Europe/Berlin] "Zug"
          "Kreuzheben (Langhantel)": 120x5
          deadlift: 130x5@8 132.5x3@8.5
        "#,
    );
    assert_eq!(parsed.format, Format::StrongSemicolon);
    let parsed = check(
        "strong_semicolon_11.csv",
        &options(Units::Kg, "UTC"),
        r#"
        2020-01-06T12:00:00+00:00[UTC] "Lunch lift"
          sumo_deadlift: 100x5 110x5
        "#,
    );
    assert_eq!(parsed.report.skipped, counts(&[("timed or cardio", 1)]));
}

#[test]
fn strong_in_another_language_is_read_by_the_position_of_its_columns() {
    // The other exercise's name is kept in NFKC (issue 12.10: names are normalised),
    // so the file's full-width parentheses read as ASCII ones.
    let parsed = check(
        "strong_translated_zh.csv",
        &options(Units::Kg, "Asia/Shanghai"),
        r#"
        2025-04-07T19:30:00+08:00[Asia/Shanghai] "腿日" 65min
          deadlift: w60x5 100x5@8 105x3@9
          "深蹲(杠铃)": 80x8
        "#,
    );
    assert_eq!(parsed.format, Format::StrongComma);
    let english = parsed.report.read_by_position.as_deref().unwrap_or_default();
    assert_eq!(english.first(), Some(&"Date"));
    assert_eq!(english.len(), 12);
    assert_eq!(parsed.report.skipped, counts(&[("rest timer", 1)]));

    // A header of another language whose rows do not read as Strong's is refused,
    // with the columns found.
    let other = "日期,动作,重量\n2025-04-07,硬拉,100\n";
    let err = read(other.as_bytes(), &options(Units::Kg, "UTC")).unwrap_err();
    assert!(matches!(&err, ImportError::UnknownFormat { columns, .. } if columns.len() == 3), "{err:?}");
}

#[test]
fn fitnotes_without_the_comment_column() {
    let parsed = check(
        "fitnotes_no_comment.csv",
        &options(Units::Kg, "UTC"),
        r#"
        2021-02-01T12:00:00+00:00[UTC] "-"
          deadlift: 102.5x5 102.5x5
          "Hammer Curl": 13.6077711x10
        "#,
    );
    assert_eq!(parsed.format, Format::FitNotes);
    assert_eq!(parsed.report.skipped, counts(&[("timed or cardio", 1)]));
}

#[test]
fn a_comma_strong_export_re_saved_with_semicolons() {
    let parsed = check(
        "strong_resaved_semicolon.csv",
        &options(Units::Kg, "UTC"),
        r#"
        2022-11-21T06:30:00+00:00[UTC] "Early" 45min
          deadlift: w60x5 142.5x3@8.5
        "#,
    );
    assert_eq!(parsed.format, Format::StrongComma);
    let header = fixture("strong_resaved_semicolon.csv");
    assert_eq!(detect(header.lines().next().unwrap_or_default()), Some(Format::StrongComma));
}
