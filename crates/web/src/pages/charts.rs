//! The History page's charts: SVG drawn on the server with plotters and put inline
//! in the page, so they need no script and no extra request. Each has a title, axis
//! labels, an accessible name, a legend in HTML, and a sentence that says the same
//! in words (for screen readers, and for anyone who would rather read).
//!
//! They stay small: only the charted window (the last [`CHART_DAYS`] days) is drawn,
//! plotters gives whole-pixel coordinates, and [`compact`] drops the attributes
//! that only repeat SVG's defaults.

use crate::pages::parts::capitalised;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use maud::{Markup, PreEscaped, html};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use pullback_core::{Exercise, History, Load, Point, Step, Transition};
use rust_decimal::prelude::ToPrimitive;
use std::ops::Range;

/// How far back the charts reach.
pub const CHART_DAYS: i64 = 90;
/// The shortest span charted, so that a new lifter's first days are not stretched.
pub const MIN_CHART_DAYS: i64 = 14;
/// Drawn for a phone's width; the page's CSS scales it to the column.
const WIDTH: u32 = 360;
const HEIGHT: u32 = 210;
/// Plotters' font size for labels; the page's CSS sets the size text is shown at.
const LABEL_SIZE: f64 = 15.0;
/// The series colours, by legend index; the page's CSS has a `.swatch.sN` for each.
const PALETTE: [RGBColor; 5] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0xe0, 0x7b, 0x00),
];
/// The tolerance estimate's dashed line: the page's warning colour (`--warn`), which
/// no series uses.
const TOLERANCE_LINE: RGBColor = RGBColor(0x8a, 0x5a, 0x00);
/// The ladder chart draws "normal training" one step above the top rung.
const NORMAL_LEVEL: f64 = 12.0;
const MAIN_LIFTS: [Exercise; 3] = [Exercise::Deadlift, Exercise::SumoDeadlift, Exercise::TrapBarDeadlift];

type PlotError = DrawingAreaErrorKind<std::io::Error>;
type Plot<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The span of time the charts show, and the zone their dates are read in.
#[derive(Debug, Clone)]
pub struct Window {
    pub start: Timestamp,
    pub end: Timestamp,
    pub zone: TimeZone,
    /// The episodes in the window, as (start, end) days on the x axis: shaded on
    /// every chart, so load and pain read against the ladder at a glance.
    pub episodes: Vec<(f64, f64)>,
}

impl Window {
    /// The [`CHART_DAYS`] days up to `end`.
    pub fn ending(end: Timestamp, zone: TimeZone) -> Window {
        let start = end.checked_sub(SignedDuration::from_hours(24 * CHART_DAYS)).unwrap_or(Timestamp::MIN);
        Window { start, end, zone, episodes: Vec::new() }
    }

    /// At most [`CHART_DAYS`] days up to `end`, starting a day before the first thing
    /// logged in them (and never shorter than [`MIN_CHART_DAYS`]): the charts span the
    /// range that holds data, instead of leaving it in a corner of 90 days.
    pub fn fitted(end: Timestamp, zone: TimeZone, history: &History) -> Window {
        let full = Window::ending(end, zone);
        let first = history
            .sessions
            .iter()
            .map(|s| s.at)
            .chain(history.checkins.iter().map(|c| c.at))
            .filter(|t| full.contains(*t))
            .min();
        let Some(first) = first else { return full };
        let wanted = first.checked_sub(SignedDuration::from_hours(24)).unwrap_or(first);
        let shortest = end.checked_sub(SignedDuration::from_hours(24 * MIN_CHART_DAYS)).unwrap_or(full.start);
        Window { start: wanted.max(full.start).min(shortest), ..full }
    }

    /// The window with the episodes of the replay's `steps` (clipped to it).
    pub fn with_episodes(mut self, steps: &[Step]) -> Window {
        let mut spans = Vec::new();
        let mut open: Option<Timestamp> = None;
        for step in steps {
            match (step.before.position(), step.after.position()) {
                (None, Some(_)) => open = Some(step.at),
                (Some(_), None) => {
                    if let Some(start) = open.take() {
                        spans.push((start, step.at));
                    }
                }
                _ => {}
            }
        }
        spans.extend(open.map(|start| (start, self.end)));
        self.episodes = spans
            .into_iter()
            .filter(|(start, end)| *end >= self.start && *start <= self.end)
            .map(|(start, end)| (self.x(start.max(self.start)), self.x(end.min(self.end))))
            .collect();
        self
    }

    fn contains(&self, t: Timestamp) -> bool {
        self.start <= t && t <= self.end
    }

    /// Days from the window's start: the charts' x coordinate.
    fn x(&self, t: Timestamp) -> f64 {
        t.duration_since(self.start).as_secs_f64() / 86_400.0
    }

    fn width_days(&self) -> f64 {
        self.x(self.end)
    }

    fn day(&self, t: Timestamp) -> String {
        t.to_zoned(self.zone.clone()).strftime("%-d %b").to_string()
    }

    fn day_at_x(&self, x: f64) -> String {
        let seconds = (x * 86_400.0).round() as i64;
        self.start.checked_add(SignedDuration::from_secs(seconds)).map(|t| self.day(t)).unwrap_or_default()
    }
}

/// One chart for the page.
#[derive(Debug, Clone)]
pub struct Figure {
    /// The element id, for `aria-describedby`.
    pub id: &'static str,
    pub title: &'static str,
    /// `None` when there is nothing to draw (or drawing failed): the summary stands alone.
    pub svg: Option<String>,
    /// The chart in one or two sentences.
    pub summary: String,
    /// (palette index, label) of each series drawn.
    pub legend: Vec<(usize, String)>,
}

/// The figure as HTML: heading, the SVG, its legend and its summary.
pub fn figure(f: &Figure) -> Markup {
    let summary_id = format!("{}-summary", f.id);
    html! {
        figure.chart id=(f.id) aria-labelledby=(format!("{}-title", f.id)) {
            h3 id=(format!("{}-title", f.id)) { (f.title) }
            @if let Some(svg) = &f.svg { (PreEscaped(svg)) }
            @if f.svg.is_some() && f.legend.len() > 1 {
                ul.legend {
                    @for (index, label) in &f.legend {
                        li { span class=(format!("swatch s{index}")) {} (label) }
                    }
                }
            }
            figcaption id=(summary_id) { (f.summary) }
        }
    }
}

/// (a) The heaviest working set of each main deadlift variation, per session.
/// The top sets, with a dashed line at `flares_above` (the tolerance estimate's
/// load, when there is one: information, not a cap).
pub fn top_sets(history: &History, window: &Window, flares_above: Option<Load>) -> Figure {
    let unit = history.profile.units.load_symbol();
    let series: Vec<(Exercise, Vec<(Timestamp, Load)>)> = MAIN_LIFTS
        .into_iter()
        .map(|lift| (lift, lift_tops(history, window, lift)))
        .filter(|(_, tops)| !tops.is_empty())
        .collect();
    let mut figure = Figure {
        id: "chart-top-sets",
        title: "Top set of your deadlifts",
        svg: None,
        summary: format!(
            "{}{}{}",
            top_sets_summary(&series, window, unit, history.profile.load_increment),
            episodes_note(window),
            flares_above.filter(|_| !series.is_empty()).map_or_else(String::new, |load| tolerance_note(history, load)),
        ),
        legend: series.iter().enumerate().map(|(i, (lift, _))| (i, capitalised(lift.name()))).collect(),
    };
    if series.is_empty() {
        return figure;
    }
    let heaviest = series
        .iter()
        .flat_map(|(_, tops)| tops.iter().map(|(_, load)| number(*load)))
        .chain(flares_above.map(number))
        .fold(0.0, f64::max);
    let y_top = (heaviest * 1.1).max(10.0).ceil();
    let axes = Axes { y: 0.0..y_top, y_desc: format!("Load ({unit})"), y_labels: 6, y_format: &|y| format!("{y:.0}") };
    let drawn = draw(window, &axes, |plot| {
        for (index, (_, tops)) in series.iter().enumerate() {
            let color = PALETTE[index % PALETTE.len()];
            let points = tops.iter().map(|(at, load)| (window.x(*at), number(*load)));
            plot.draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?;
            plot.draw_series(points.map(|p| Circle::new(p, 3, color.filled())))?;
        }
        if let Some(load) = flares_above {
            let line = [(0.0, number(load)), (window.width_days(), number(load))];
            plot.draw_series(DashedLineSeries::new(line, 6, 5, TOLERANCE_LINE.stroke_width(2)))?;
        }
        Ok(())
    });
    figure.svg = accessible(drawn, figure.title, figure.id);
    figure
}

/// What the dashed line is, in words.
fn tolerance_note(history: &History, load: Load) -> String {
    let profile = &history.profile;
    format!(
        " The dashed line: your {} flares began above about {} {} (your load tolerance; information, not a cap).",
        profile.usual_variation.exercise().name(),
        load.shown(profile.load_increment),
        profile.units.load_symbol()
    )
}

fn lift_tops(history: &History, window: &Window, lift: Exercise) -> Vec<(Timestamp, Load)> {
    history.sessions.iter().filter(|s| window.contains(s.at)).filter_map(|s| Some((s.at, s.top_set(lift)?))).collect()
}

fn top_sets_summary(
    series: &[(Exercise, Vec<(Timestamp, Load)>)],
    window: &Window,
    unit: &str,
    increment: Load,
) -> String {
    if series.is_empty() {
        return format!("No deadlift, sumo or trap bar deadlift sets in the last {CHART_DAYS} days.");
    }
    let parts: Vec<String> = series
        .iter()
        .filter_map(|(lift, tops)| {
            let (first, last) = (tops.first()?, tops.last()?);
            let heaviest = tops.iter().map(|(_, load)| *load).max()?;
            Some(format!(
                "{}: {} {unit} on {} to {} {unit} on {}, heaviest {} {unit} ({} session{})",
                capitalised(lift.name()),
                first.1.shown(increment),
                window.day(first.0),
                last.1.shown(increment),
                window.day(last.0),
                heaviest.shown(increment),
                tops.len(),
                if tops.len() == 1 { "" } else { "s" }
            ))
        })
        .collect();
    format!("Since {}. {}.", window.day(window.start), parts.join("; "))
}

/// Which check-ins a pain point comes from, with its legend label.
const PAIN_KINDS: [(Option<Point>, &str); 5] = [
    (Some(Point::During), "During"),
    (Some(Point::After1h), "1 h after"),
    (Some(Point::After24h), "24 h after"),
    (Some(Point::Before), "Before"),
    (None, "Any day"),
];

/// (b) Every check-in's pain, 0–10, by kind.
pub fn pain(history: &History, window: &Window) -> Figure {
    let series: Vec<(usize, Vec<(Timestamp, u8)>)> = PAIN_KINDS
        .iter()
        .enumerate()
        .map(|(index, (kind, _))| (index, pain_points(history, window, *kind)))
        .filter(|(_, points)| !points.is_empty())
        .collect();
    let mut figure = Figure {
        id: "chart-pain",
        title: "Pain over time",
        svg: None,
        summary: format!(
            "{} The green band is your tolerable range, 0 to {}.{}",
            pain_summary(&series, window),
            history.params.tolerable_max(),
            episodes_note(window)
        ),
        legend: series.iter().map(|(index, _)| (*index, PAIN_KINDS[*index].1.to_owned())).collect(),
    };
    if series.is_empty() {
        return figure;
    }
    let axes = Axes { y: -0.5..10.5, y_desc: "Pain (0–10)".into(), y_labels: 6, y_format: &|y| format!("{y:.0}") };
    let tolerable = f64::from(history.params.tolerable_max());
    let drawn = draw(window, &axes, |plot| {
        // The tolerable band the advice quotes ("above your tolerable 4"), under the dots.
        let band = Rectangle::new([(0.0, -0.5), (window.width_days(), tolerable + 0.5)], GREEN.mix(0.10).filled());
        plot.draw_series(std::iter::once(band))?;
        let edge = [(0.0, tolerable + 0.5), (window.width_days(), tolerable + 0.5)];
        plot.draw_series(std::iter::once(PathElement::new(edge, GREEN.mix(0.6).stroke_width(1))))?;
        // Each kind of check-in sits a little to its own side of its day, so that the
        // before, during, 1 h and 24 h dots of one session do not hide each other.
        let spread = window.width_days() / 150.0;
        for (index, points) in &series {
            let style = PALETTE[*index % PALETTE.len()].filled();
            let shift = (*index as f64 - 1.5) * spread;
            let circles =
                points.iter().map(|(at, pain)| Circle::new((window.x(*at) + shift, f64::from(*pain)), 3, style));
            plot.draw_series(circles)?;
        }
        Ok(())
    });
    figure.svg = accessible(drawn, figure.title, figure.id);
    figure
}

/// " Shaded: your episodes." when the window has any.
fn episodes_note(window: &Window) -> &'static str {
    if window.episodes.is_empty() { "" } else { " Shaded: your episodes." }
}

/// The check-ins of one kind in the window: a session point, or standalone (`None`).
fn pain_points(history: &History, window: &Window, kind: Option<Point>) -> Vec<(Timestamp, u8)> {
    let Some(point) = kind else {
        return history.checkins.iter().filter(|c| window.contains(c.at)).map(|c| (c.at, c.pain.value())).collect();
    };
    history
        .sessions
        .iter()
        .flat_map(|s| {
            s.checkins.iter().filter(move |c| c.point == point).map(move |c| {
                let at = c.at.unwrap_or_else(|| s.at.checked_add(point.default_offset()).unwrap_or(s.at));
                (at, c.pain.value())
            })
        })
        .filter(|(at, _)| window.contains(*at))
        .collect()
}

fn pain_summary(series: &[(usize, Vec<(Timestamp, u8)>)], window: &Window) -> String {
    let mut all: Vec<(Timestamp, u8)> = series.iter().flat_map(|(_, points)| points.iter().copied()).collect();
    all.sort_by_key(|(at, _)| *at);
    let (Some(latest), Some(highest)) = (all.last(), all.iter().max_by_key(|(at, pain)| (*pain, *at))) else {
        return format!("No check-ins in the last {CHART_DAYS} days.");
    };
    format!(
        "{} check-in{} in the last {CHART_DAYS} days; the highest was {}/10 on {}, the latest {}/10 on {}.",
        all.len(),
        if all.len() == 1 { "" } else { "s" },
        highest.1,
        window.day(highest.0),
        latest.1,
        window.day(latest.0)
    )
}

/// (c) The ladder: after each event of the replay, the rung (0–11) or normal training.
///
/// `steps` is [`pullback_core::trace`] at now: one replay of the whole history,
/// in which every session is judged with the check-ins logged for it since, as
/// the engine reads the history today.
pub fn ladder(steps: &[Step], window: &Window) -> Figure {
    let before = steps.iter().rev().find(|s| s.at < window.start).map(level);
    let inside: Vec<&Step> = steps.iter().filter(|s| window.contains(s.at)).collect();
    let mut figure = Figure {
        id: "chart-ladder",
        title: "Where you stand on the ladder",
        svg: None,
        summary: ladder_summary(steps, &inside, window),
        legend: Vec::new(),
    };
    if before.is_none() && inside.is_empty() {
        return figure;
    }
    let line = step_line(before, &inside, window);
    let axes = Axes { y: -0.5..12.5, y_desc: "Rung".into(), y_labels: 7, y_format: &ladder_label };
    let color = PALETTE[0];
    let drawn = draw(window, &axes, |plot| {
        plot.draw_series(LineSeries::new(line.iter().copied(), color.stroke_width(2)))?;
        let marks = inside.iter().map(|s| Circle::new((window.x(s.at), level(s)), 2, color.filled()));
        plot.draw_series(marks)?;
        Ok(())
    });
    figure.svg = accessible(drawn, figure.title, figure.id);
    figure
}

/// The rung after a step, or [`NORMAL_LEVEL`].
fn level(step: &Step) -> f64 {
    step.after.position().map_or(NORMAL_LEVEL, |p| f64::from(p.rung.value()))
}

fn ladder_label(y: &f64) -> String {
    if *y >= NORMAL_LEVEL - 0.5 { "normal".to_owned() } else { format!("{y:.0}") }
}

/// A staircase: each level holds until the next step, and the last one until now.
fn step_line(before: Option<f64>, inside: &[&Step], window: &Window) -> Vec<(f64, f64)> {
    let mut line = Vec::with_capacity(inside.len() * 2 + 2);
    let mut current = before;
    if let Some(level) = before {
        line.push((0.0, level));
    }
    for step in inside {
        let x = window.x(step.at);
        if let Some(previous) = current {
            line.push((x, previous));
        }
        current = Some(level(step));
        line.push((x, level(step)));
    }
    if let Some(level) = current {
        line.push((window.width_days(), level));
    }
    line
}

fn ladder_summary(steps: &[Step], inside: &[&Step], window: &Window) -> String {
    let Some(last) = steps.last() else {
        return "Nothing logged yet: the ladder starts with your first session.".to_owned();
    };
    let now = match last.after.position() {
        None => "normal training".to_owned(),
        Some(p) => format!("rung {} of 0–11 (11 is your full working weight)", p.rung.value()),
    };
    let episodes = inside.iter().filter(|s| s.transition == Some(Transition::Enter)).count();
    let resolved = inside.iter().filter(|s| s.transition == Some(Transition::Resolve)).count();
    format!(
        "After your latest entry ({}): {now}. In the last {CHART_DAYS} days {} episode{} started and {} ended.",
        window.day(last.at),
        episodes,
        if episodes == 1 { "" } else { "s" },
        resolved
    )
}

/// What every chart shares: the y axis.
struct Axes<'f> {
    y: Range<f64>,
    y_desc: String,
    y_labels: usize,
    y_format: &'f dyn Fn(&f64) -> String,
}

/// Draws the frame (dates along x) and then `plot`'s series into an SVG string.
fn draw(
    window: &Window,
    axes: &Axes<'_>,
    plot: impl FnOnce(&mut Plot<'_, '_>) -> Result<(), PlotError>,
) -> Result<String, PlotError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(34)
            .y_label_area_size(44)
            .build_cartesian_2d(0.0..window.width_days(), axes.y.clone())?;
        let x_format = |x: &f64| window.day_at_x(*x);
        chart
            .configure_mesh()
            .x_labels(5)
            .y_labels(axes.y_labels)
            .x_label_formatter(&x_format)
            .y_label_formatter(axes.y_format)
            .x_desc("Date")
            .y_desc(axes.y_desc.as_str())
            .label_style(("sans-serif", LABEL_SIZE))
            .axis_desc_style(("sans-serif", LABEL_SIZE))
            // Short ticks keep the numbers off the chart's lines.
            .set_all_tick_mark_size(4)
            .bold_line_style(BLACK.mix(0.12))
            .light_line_style(TRANSPARENT)
            .draw()?;
        let shade = RGBColor(31, 95, 139).mix(0.10).filled();
        let (low, high) = (axes.y.start, axes.y.end);
        chart.draw_series(
            window.episodes.iter().map(|&(from, to)| Rectangle::new([(from, low), (to.max(from + 0.3), high)], shade)),
        )?;
        plot(&mut chart)?;
        root.present()?;
    }
    Ok(out)
}

/// The drawn SVG, compacted, named by its `<title>` and described by the figure's
/// caption (the summary); `None` (and a log line) if drawing failed, so that the
/// page still shows the summary.
fn accessible(drawn: Result<String, PlotError>, title: &str, id: &str) -> Option<String> {
    let svg = match drawn {
        Ok(svg) => compact(&svg),
        Err(e) => {
            tracing::error!(error = %e, chart = id, "could not draw a chart");
            return None;
        }
    };
    let open_end = svg.find('>')?;
    let (open, rest) = svg.split_at(open_end);
    let open = open.replacen("<svg ", &format!("<svg role=\"img\" aria-describedby=\"{id}-summary\" "), 1);
    Some(format!("{open}><title>{}</title>{}", escape(title), &rest[1..]))
}

/// Drops what repeats SVG's defaults, lets the text take the page's font and size
/// (the CSS sets them), draws black in the page's text colour (so the charts read
/// in dark mode too), and gives each run of same-coloured dots one `<g fill>`.
fn compact(svg: &str) -> String {
    let font_size = format!(" font-size=\"{}\"", LABEL_SIZE / 1.24);
    let svg = svg
        .replace(" opacity=\"1\"", "")
        .replace(" stroke=\"none\" stroke-width=\"1\"", "")
        .replace(" font-family=\"sans-serif\"", "")
        .replace(&font_size, "")
        .replace("#000000", "currentColor")
        .replace('\n', "");
    group_dots(&svg)
}

/// `<circle … fill="#C"/>` runs become `<g fill="#C"><circle …/>…</g>`.
fn group_dots(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut group: Option<&str> = None;
    for piece in svg.split_inclusive('>') {
        let dot = piece.strip_prefix("<circle ").and_then(|rest| {
            let start = rest.find(" fill=\"#")?;
            let end = start + 7 + rest[start + 7..].find('"')?;
            Some((&rest[start + 7..end], format!("<circle {}{}", &rest[..start], &rest[end + 1..])))
        });
        match dot {
            Some((fill, bare)) => {
                if group != Some(fill) {
                    if group.is_some() {
                        out.push_str("</g>");
                    }
                    out.push_str(&format!("<g fill=\"{fill}\">"));
                    group = Some(fill);
                }
                out.push_str(&bare);
            }
            None => {
                if group.take().is_some() {
                    out.push_str("</g>");
                }
                out.push_str(piece);
            }
        }
    }
    if group.is_some() {
        out.push_str("</g>");
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn number(load: Load) -> f64 {
    load.value().to_f64().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_keeps_the_drawing_and_drops_defaults() {
        let dot = |x: u8, fill: &str| {
            format!(
                "<circle cx=\"{x}\" cy=\"2\" r=\"3\" opacity=\"1\" fill=\"{fill}\" stroke=\"none\" stroke-width=\"1\"/>\n"
            )
        };
        let svg = format!(
            "{}{}{}<text fill=\"#000000\" font-family=\"sans-serif\">7</text>{}",
            dot(1, "#1F77B4"),
            dot(2, "#1F77B4"),
            dot(3, "#D62728"),
            dot(4, "#D62728")
        );
        assert_eq!(
            compact(&svg),
            "<g fill=\"#1F77B4\"><circle cx=\"1\" cy=\"2\" r=\"3\"/><circle cx=\"2\" cy=\"2\" r=\"3\"/></g>\
             <g fill=\"#D62728\"><circle cx=\"3\" cy=\"2\" r=\"3\"/></g><text fill=\"currentColor\">7</text>\
             <g fill=\"#D62728\"><circle cx=\"4\" cy=\"2\" r=\"3\"/></g>"
        );
    }

    #[test]
    fn the_staircase_holds_each_level_until_the_next_step() {
        let end: Timestamp = "2026-03-02T00:00:00Z".parse().unwrap_or_else(|e| panic!("{e}"));
        let window = Window::ending(end, TimeZone::UTC);
        assert_eq!(step_line(Some(12.0), &[], &window), vec![(0.0, 12.0), (90.0, 12.0)]);
        assert_eq!(ladder_label(&12.0), "normal");
        assert_eq!(ladder_label(&3.0), "3");
    }
}
