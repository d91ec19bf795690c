//! `pullback profile`: units, working weight, variation, time zone, equipment and
//! protocol overrides.

use crate::Failure;
use crate::context::{Ctx, Globals};
use crate::user::UnitsArg;
use clap::{Args, Subcommand, ValueEnum};
use pullback_core::{Decimal, Load, Units, ValueError, Variation};
use pullback_store::StoredProfile;
use std::str::FromStr;

/// Your units, working weight, usual variation, time zone, equipment and protocol overrides.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  pullback profile show\n  pullback profile set --working-weight 140")]
pub struct ProfileArgs {
    #[command(subcommand)]
    command: ProfileCommand,
}

#[derive(Debug, Subcommand)]
enum ProfileCommand {
    /// Show the profile.
    #[command(after_help = "Example:\n  pullback profile show")]
    Show,
    /// Change parts of the profile; what you leave out stays as it is.
    #[command(after_help = "Examples:\n  \
        pullback profile set --working-weight 140 --usual-variation deadlift\n  \
        pullback profile set --units lb --plates 45,35,25,10,5,2.5\n  \
        pullback profile set --protocol tolerable_max=3 --protocol 'layoff_caps=[[10,0.8],[42,0.6]]'")]
    Set(SetArgs),
}

#[derive(Debug, Args)]
struct SetArgs {
    /// Units for loads; switching resets the increment, bar, kettlebell and plates
    /// to the new unit's defaults unless you set them too.
    #[arg(long, value_enum)]
    units: Option<UnitsArg>,
    /// Your working weight W (the ladder's 100 %), or `none` to derive it from your log.
    #[arg(long, value_name = "LOAD|none")]
    working_weight: Option<String>,
    /// The lift the ladder loads.
    #[arg(long, value_enum)]
    usual_variation: Option<VariationArg>,
    /// IANA time zone for dates, e.g. Europe/Oslo.
    #[arg(long, value_name = "ZONE")]
    time_zone: Option<String>,
    /// Plates you have, comma-separated, e.g. 25,20,15,10,5,2.5,1.25.
    #[arg(long, value_name = "LIST")]
    plates: Option<String>,
    /// The smallest load step [default: 2.5 kg / 5 lb].
    #[arg(long, value_name = "LOAD")]
    load_increment: Option<String>,
    /// The bar [default: 20 kg / 45 lb].
    #[arg(long, value_name = "LOAD")]
    bar_weight: Option<String>,
    /// The kettlebell for rung 1 [default: 16 kg / 35 lb].
    #[arg(long, value_name = "LOAD")]
    kettlebell_weight: Option<String>,
    /// A protocol override KEY=VALUE (protocol section 9), repeatable; VALUE is JSON.
    #[arg(long = "protocol", value_name = "KEY=VALUE")]
    protocol: Vec<String>,
    /// Drop every protocol override.
    #[arg(long)]
    clear_protocol: bool,
}

/// `--usual-variation`: each of core's variations by its id in kebab case
/// (`sumo-deadlift`), so a new variation needs nothing here.
#[derive(Debug, Clone, Copy)]
struct VariationArg(Variation);

/// The variations with their names on the command line, made once.
static VARIATION_ARGS: std::sync::LazyLock<Vec<(VariationArg, &'static str)>> = std::sync::LazyLock::new(|| {
    let kebab = |v: Variation| -> &'static str { Box::leak(v.exercise().id().replace('_', "-").into_boxed_str()) };
    Variation::ALL.into_iter().map(|v| (VariationArg(v), kebab(v))).collect()
});

impl ValueEnum for VariationArg {
    fn value_variants<'a>() -> &'a [Self] {
        static VARIANTS: std::sync::LazyLock<Vec<VariationArg>> =
            std::sync::LazyLock::new(|| VARIATION_ARGS.iter().map(|(v, _)| *v).collect());
        &VARIANTS
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let (_, name) = VARIATION_ARGS.iter().find(|(v, _)| v.0 == self.0)?;
        Some(clap::builder::PossibleValue::new(*name))
    }
}

pub fn run(args: &ProfileArgs, globals: &Globals) -> Result<(), Failure> {
    let ctx = Ctx::open(globals)?;
    let lifter = ctx.lifter()?;
    let mut stored = ctx.block_on(ctx.store.profile(lifter.id))?;
    if let ProfileCommand::Set(set) = &args.command {
        apply(set, &mut stored)?;
        ctx.block_on(ctx.store.set_profile(lifter.id, &stored))?;
    }
    print!("{}", describe(&lifter.name, &stored));
    Ok(())
}

fn apply(set: &SetArgs, stored: &mut StoredProfile) -> Result<(), Failure> {
    let mut problems = Vec::new();
    let mut load = |flag: &str, text: &Option<String>, parse: fn(Decimal) -> Result<Load, ValueError>| {
        let text = text.as_deref()?;
        match Decimal::from_str(text).map_err(|e| e.to_string()).and_then(|d| parse(d).map_err(|e| e.0)) {
            Ok(load) => Some(load),
            Err(message) => {
                problems.push(format!("{flag}: {text:?}: {message}"));
                None
            }
        }
    };
    if let Some(units) = set.units.map(Units::from) {
        stored.switch_units(units);
    }
    let p = &mut stored.profile;
    match set.working_weight.as_deref() {
        Some("none") => p.working_weight = None,
        Some(_) => {
            p.working_weight = load("--working-weight", &set.working_weight, Load::parse_positive).or(p.working_weight)
        }
        None => {}
    }
    if let Some(v) = load("--load-increment", &set.load_increment, Load::parse_positive) {
        p.load_increment = v;
    }
    if let Some(v) = load("--bar-weight", &set.bar_weight, Load::parse) {
        p.bar_weight = v;
    }
    if let Some(v) = load("--kettlebell-weight", &set.kettlebell_weight, Load::parse) {
        p.kettlebell_weight = v;
    }
    if let Some(v) = set.usual_variation {
        p.usual_variation = v.0;
    }
    if let Some(list) = &set.plates {
        let plates: Result<Vec<Load>, String> = list
            .split(',')
            .map(|item| {
                Decimal::from_str(item.trim())
                    .map_err(|_| format!("--plates: {item:?} is not a number"))
                    .and_then(|d| Load::parse_positive(d).map_err(|e| format!("--plates: {item:?}: {}", e.0)))
            })
            .collect();
        match plates {
            Ok(plates) => stored.plates = Some(plates),
            Err(message) => problems.push(message),
        }
    }
    if let Some(zone) = &set.time_zone {
        match stored.clone().with_time_zone(zone) {
            Ok(updated) => *stored = updated,
            Err(e) => problems.push(format!("--time-zone: {e}")),
        }
    }
    apply_protocol(set, stored, &mut problems);
    if problems.is_empty() { Ok(()) } else { Err(Failure::BadInput(problems)) }
}

fn apply_protocol(set: &SetArgs, stored: &mut StoredProfile, problems: &mut Vec<String>) {
    let mut object = if set.clear_protocol { serde_json::Map::new() } else { current_overrides(stored) };
    for pair in &set.protocol {
        let Some((key, value)) = pair.split_once('=') else {
            problems.push(format!("--protocol: {pair:?} is not KEY=VALUE, like tolerable_max=3"));
            continue;
        };
        match serde_json::from_str::<serde_json::Value>(value.trim()) {
            Ok(v) => {
                object.insert(key.trim().to_owned(), v);
            }
            Err(_) => problems.push(format!("--protocol: {key}: {value:?} is not a JSON value")),
        }
    }
    match pullback_contract::parse_protocol(&serde_json::Value::Object(object)) {
        Ok(overrides) => stored.overrides = overrides,
        Err(found) => problems.extend(found.iter().map(|p| format!("--protocol {p}"))),
    }
}

/// The overrides as a JSON object, so that new ones can be merged in by key.
fn current_overrides(stored: &StoredProfile) -> serde_json::Map<String, serde_json::Value> {
    pullback_contract::protocol_object(&stored.overrides)
}

fn describe(name: &str, stored: &StoredProfile) -> String {
    let p = &stored.profile;
    let unit = p.units.load_symbol();
    let plates: Vec<String> = stored.plates_or_default().iter().map(ToString::to_string).collect();
    let overrides = current_overrides(stored);
    format!(
        "Profile of {name}\n  units: {unit}\n  working weight: {}\n  usual variation: {}\n  time zone: {}\n  \
         load increment: {} {unit}\n  bar: {} {unit}\n  kettlebell: {} {unit}\n  plates: {}\n  protocol overrides: {}\n",
        p.working_weight.map_or("from your log".to_string(), |w| format!("{w} {unit}")),
        p.usual_variation.exercise().id(),
        stored.time_zone_name,
        p.load_increment,
        p.bar_weight,
        p.kettlebell_weight,
        plates.join(", "),
        if overrides.is_empty() { "none".to_string() } else { serde_json::Value::Object(overrides).to_string() }
    )
}
