//! The input document as serde reads it, before validation.
//!
//! Every leaf is a [`Leaf`] that accepts any JSON value and every nested object a
//! [`Slot`] that accepts anything, so reading never stops at the first wrong type:
//! validation (`parse.rs`) then reports each problem by JSON pointer. Strings are
//! borrowed from the input and nothing is built for unknown fields, which keeps a
//! 60,000-set history cheap to read (no `serde_json::Value` tree in between).

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// Any JSON value, kept only as far as validation needs it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Leaf<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Cow<'a, str>),
    Array,
    Object,
}

impl fmt::Display for Leaf<'_> {
    /// A short description for messages: `5.0`, `"five"`, `an object`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Leaf::Null => f.write_str("null"),
            Leaf::Bool(b) => write!(f, "{b}"),
            Leaf::Int(i) => write!(f, "{i}"),
            Leaf::UInt(u) => write!(f, "{u}"),
            Leaf::Float(x) => {
                write!(f, "{}", serde_json::Number::from_f64(*x).map_or_else(|| x.to_string(), |n| n.to_string()))
            }
            Leaf::Str(s) if s.chars().count() > 40 => write!(f, "{:?}…", s.chars().take(40).collect::<String>()),
            Leaf::Str(s) => write!(f, "{s:?}"),
            Leaf::Array => f.write_str("an array"),
            Leaf::Object => f.write_str("an object"),
        }
    }
}

struct LeafVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for LeafVisitor<'a> {
    type Value = Leaf<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Leaf::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Leaf::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(v).map_or(Leaf::UInt(v), Leaf::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Leaf::Float(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Leaf::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Leaf::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Leaf::Str(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Leaf::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Leaf::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Leaf::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Leaf::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Leaf::Object)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Leaf<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LeafVisitor(PhantomData))
    }
}

/// An object of type `T`, or whatever else stood in its place.
#[derive(Debug)]
pub(crate) enum Slot<'a, T> {
    Ok(T),
    Wrong(Leaf<'a>),
}

struct SlotVisitor<'a, T>(PhantomData<(&'a (), T)>);

macro_rules! wrong_leaf {
    ($($name:ident($($arg:ident: $ty:ty)?)),* $(,)?) => {
        $(fn $name<E: de::Error>(self $(, $arg: $ty)?) -> Result<Self::Value, E> {
            LeafVisitor(PhantomData).$name($($arg)?).map(Slot::Wrong)
        })*
    };
}

impl<'de: 'a, 'a, T: Deserialize<'de>> Visitor<'de> for SlotVisitor<'a, T> {
    type Value = Slot<'a, T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    wrong_leaf!(
        visit_bool(v: bool),
        visit_i64(v: i64),
        visit_u64(v: u64),
        visit_f64(v: f64),
        visit_borrowed_str(v: &'de str),
        visit_str(v: &str),
        visit_string(v: String),
        visit_unit(),
        visit_none(),
    );
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        LeafVisitor(PhantomData).visit_seq(seq).map(Slot::Wrong)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Slot::Ok)
    }
}

impl<'de: 'a, 'a, T: Deserialize<'de>> Deserialize<'de> for Slot<'a, T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SlotVisitor(PhantomData))
    }
}

/// An array of objects of type `T`, or whatever else stood in its place.
#[derive(Debug)]
pub(crate) enum List<'a, T> {
    Items(Vec<Slot<'a, T>>),
    Wrong(Leaf<'a>),
}

impl<T> Default for List<'_, T> {
    fn default() -> Self {
        List::Items(Vec::new())
    }
}

struct ListVisitor<'a, T>(PhantomData<(&'a (), T)>);

impl<'de: 'a, 'a, T: Deserialize<'de>> Visitor<'de> for ListVisitor<'a, T> {
    type Value = List<'a, T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(List::Wrong(Leaf::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(List::Wrong(Leaf::Int(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        LeafVisitor(PhantomData).visit_u64(v).map(List::Wrong)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(List::Wrong(Leaf::Float(v)))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(List::Wrong(Leaf::Str(Cow::Borrowed(v))))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(List::Wrong(Leaf::Str(Cow::Owned(v.to_owned()))))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(List::default())
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(List::default())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        LeafVisitor(PhantomData).visit_map(map).map(List::Wrong)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element::<Slot<'a, T>>()? {
            items.push(item);
        }
        Ok(List::Items(items))
    }
}

impl<'de: 'a, 'a, T: Deserialize<'de>> Deserialize<'de> for List<'a, T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ListVisitor(PhantomData))
    }
}

/// The whole input document. Unknown fields are ignored (newer writers may add some).
#[derive(Debug, serde::Deserialize)]
pub(crate) struct RawDoc<'a> {
    #[serde(borrow)]
    pub contract: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub as_of: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub profile: Option<Slot<'a, RawProfile<'a>>>,
    /// Small, and unknown keys matter here: kept as a JSON value.
    pub protocol: Option<serde_json::Value>,
    #[serde(borrow, default)]
    pub sessions: List<'a, RawSession<'a>>,
    #[serde(borrow, default)]
    pub checkins: List<'a, RawStandalone<'a>>,
    #[serde(borrow, default)]
    pub screenings: List<'a, RawScreening<'a>>,
    #[serde(borrow, default)]
    pub symmetry_tests: List<'a, RawSymmetry<'a>>,
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct RawProfile<'a> {
    #[serde(borrow)]
    pub units: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub working_weight: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub usual_variation: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub load_increment: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub bar_weight: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub kettlebell_weight: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub time_zone: Option<Leaf<'a>>,
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct RawSession<'a> {
    #[serde(borrow)]
    pub id: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub at: Option<Leaf<'a>>,
    #[serde(borrow, default)]
    pub exercises: List<'a, RawExercise<'a>>,
    #[serde(borrow, default)]
    pub checkins: List<'a, RawCheckin<'a>>,
    #[serde(borrow)]
    pub note: Option<Leaf<'a>>,
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct RawExercise<'a> {
    #[serde(borrow)]
    pub exercise: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub tempo: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub block_height: Option<Leaf<'a>>,
    #[serde(borrow, default)]
    pub sets: List<'a, RawSet<'a>>,
    #[serde(borrow)]
    pub note: Option<Leaf<'a>>,
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct RawSet<'a> {
    #[serde(borrow)]
    pub load: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub reps: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub rpe: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub warmup: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub note: Option<Leaf<'a>>,
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct RawCheckin<'a> {
    #[serde(borrow)]
    pub point: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub pain: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub at: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub side: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub bottom_only: Option<Leaf<'a>>,
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct RawStandalone<'a> {
    #[serde(borrow)]
    pub at: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub pain: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub side: Option<Leaf<'a>>,
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct RawScreening<'a> {
    #[serde(borrow)]
    pub at: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub saddle_anesthesia: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub bladder_bowel: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub progressive_weakness: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub fever: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub trauma: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub cancer_history: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub weight_loss: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub night_pain: Option<Leaf<'a>>,
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct RawSymmetry<'a> {
    #[serde(borrow)]
    pub at: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub left: Option<Leaf<'a>>,
    #[serde(borrow)]
    pub right: Option<Leaf<'a>>,
}
