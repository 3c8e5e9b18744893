//! Typed, borrowing JSON objects for the hot readers: the fields a reader reads, parsed
//! straight from the record's text without building a `serde_json::Value` tree (strings
//! borrow from the input unless they hold escapes; every other member is parsed and
//! dropped).
//!
//! They are strict on purpose: a member of a type the reader does not expect (a number
//! where a string goes, an object where an array goes), a duplicated member, anything
//! out of the ordinary is an error, and the caller then reads the record the old way,
//! through a `Value`, which gives today's exact answer. So a typed parse that succeeds
//! sees only records whose every read member is null, absent, or of its usual type, and
//! there the typed accessors answer what `json::get`/`str_at`/`id_at` answer: null is
//! absent, as there.
//!
//! Members nobody reads are not skipped with `serde::de::IgnoredAny` (serde_json skips
//! those without checking number ranges, surrogate escapes or nesting depth) but parsed
//! by [`Skip`] through `deserialize_any`, as a `Value` parse does, so a record that is not
//! valid JSON for `serde_json::Value` never parses here either.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// Any JSON value, parsed as serde_json parses it into a `Value`, then dropped.
#[derive(Debug)]
pub(crate) struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SkipVisitor)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_none<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Skip, D::Error> {
        Skip::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Skip, A::Error> {
        while s.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Skip, A::Error> {
        while m.next_key::<Skip>()?.is_some() {
            m.next_value::<Skip>()?;
        }
        Ok(Skip)
    }
}

/// A string member, borrowed from the input when it has no escapes. Anything but a
/// string is an error.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Str<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Str<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(s.to_string())))
            }
        }
        d.deserialize_str(V(PhantomData))
    }
}

/// An id member: a string, or an integer written as a JSON number (what
/// [`super::json::id_value`] accepts). Anything else, floats included, is an error.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Id<'a> {
    Str(Cow<'a, str>),
    U(u64),
    I(i64),
}

impl Id<'_> {
    /// The id as `id_value` spells it.
    pub(crate) fn text(&self) -> Cow<'_, str> {
        match self {
            Id::Str(s) => Cow::Borrowed(s),
            Id::U(n) => Cow::Owned(n.to_string()),
            Id::I(n) => Cow::Owned(n.to_string()),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Id<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Id<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an integer")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Id<'a>, E> {
                Ok(Id::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Id<'a>, E> {
                Ok(Id::Str(Cow::Owned(s.to_string())))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Id<'a>, E> {
                Ok(Id::U(n))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Id<'a>, E> {
                Ok(Id::I(n))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// Whether member `i` was seen already; marks it seen. A duplicated member is an error
/// (a `Value` keeps the last copy; the caller's fallback does that).
pub(crate) fn first_sight<E: de::Error>(seen: &mut u64, i: u32) -> Result<(), E> {
    let bit = 1u64 << i;
    if *seen & bit != 0 {
        return Err(E::custom("duplicate key"));
    }
    *seen |= bit;
    Ok(())
}

/// A JSON object type with the given optional members (`field: Type = "key"`), every
/// other member parsed by [`Skip`]. At most 64 members.
macro_rules! json_object {
    ($(#[$m:meta])* $name:ident { $($field:ident : $ty:ty = $key:literal,)* }) => {
        $(#[$m])*
        #[derive(Default, Debug)]
        pub(crate) struct $name<'a> {
            $(pub(crate) $field: Option<$ty>,)*
            _borrow: std::marker::PhantomData<&'a ()>,
        }

        impl<'de: 'a, 'a> serde::Deserialize<'de> for $name<'a> {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                /// The members by name, and the rest.
                #[allow(non_camel_case_types)]
                #[derive(Clone, Copy)]
                enum Member {
                    $($field,)*
                    Other,
                }
                /// Reads a key as a [`Member`].
                struct Key;
                impl<'de> serde::de::DeserializeSeed<'de> for Key {
                    type Value = Member;
                    fn deserialize<D: serde::Deserializer<'de>>(
                        self,
                        d: D,
                    ) -> Result<Member, D::Error> {
                        d.deserialize_str(self)
                    }
                }
                impl<'de> serde::de::Visitor<'de> for Key {
                    type Value = Member;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("an object key")
                    }
                    fn visit_str<E>(self, s: &str) -> Result<Member, E> {
                        Ok(match s {
                            $($key => Member::$field,)*
                            _ => Member::Other,
                        })
                    }
                }
                struct V<'a>(std::marker::PhantomData<&'a ()>);
                impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
                    type Value = $name<'a>;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("an object (", stringify!($name), ")"))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut m: A,
                    ) -> Result<Self::Value, A::Error> {
                        let mut out = $name::default();
                        let mut seen = 0u64;
                        while let Some(k) = m.next_key_seed(Key)? {
                            match k {
                                $(Member::$field => {
                                    $crate::formats::typed::first_sight::<A::Error>(
                                        &mut seen,
                                        Member::$field as u32,
                                    )?;
                                    out.$field = m.next_value()?;
                                })*
                                Member::Other => {
                                    m.next_value::<$crate::formats::typed::Skip>()?;
                                }
                            }
                        }
                        Ok(out)
                    }
                }
                d.deserialize_map(V(std::marker::PhantomData))
            }
        }
    };
}
pub(crate) use json_object;

/// Convenience accessors over optional typed members.
pub(crate) fn s<'s>(v: &'s Option<Str<'_>>) -> Option<&'s str> {
    v.as_ref().map(|x| x.0.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    json_object! {
        Probe {
            a: Str<'a> = "a",
            n: Id<'a> = "n",
            list: Vec<Str<'a>> = "list",
        }
    }

    fn probe(s: &str) -> Result<Probe<'_>, serde_json::Error> {
        serde_json::from_str(s)
    }

    #[test]
    fn members_nulls_and_strictness() {
        let p = probe(r#"{"a":"x","n":12,"list":["p","q\n"],"other":{"z":[1,2.5,null]}}"#).unwrap();
        assert_eq!(s(&p.a), Some("x"));
        assert!(matches!(p.a.as_ref().map(|x| &x.0), Some(Cow::Borrowed(_))));
        assert_eq!(
            p.n.as_ref().map(|i| i.text().into_owned()),
            Some("12".into())
        );
        assert_eq!(p.list.as_ref().map(Vec::len), Some(2));
        let p = probe(r#"{"a":null,"n":"-3"}"#).unwrap();
        assert!(p.a.is_none());
        assert_eq!(p.n, Some(Id::Str(Cow::Borrowed("-3"))));
        assert_eq!(probe(r#"{"n":-3}"#).unwrap().n, Some(Id::I(-3)));
        // An escaped key is the same key.
        assert_eq!(s(&probe(r#"{"\u0061":"y"}"#).unwrap().a), Some("y"));
        // Wrong types, duplicates, and what a Value parse refuses, are errors.
        for bad in [
            r#"{"a":1}"#,
            r#"{"n":1.5}"#,
            r#"{"n":true}"#,
            r#"{"list":"x"}"#,
            r#"{"a":"x","a":"y"}"#,
            r#"{"a":"x","\u0061":"y"}"#,
            r#"{"other":1e400}"#,
            r#"{"other":"\ud800"}"#,
            r#"[1]"#,
            r#"{"a":"x"} x"#,
        ] {
            assert!(probe(bad).is_err(), "{bad}");
            let v = serde_json::from_str::<serde_json::Value>(bad);
            // Value refuses the invalid JSON too; the rest it reads (differently).
            if bad.contains("1e400") || bad.contains("ud800") || bad.ends_with(" x") {
                assert!(v.is_err(), "{bad}");
            }
        }
        // Nesting deeper than serde_json's limit fails in an unread member as in a Value.
        let deep = format!(r#"{{"other":{}{}}}"#, "[".repeat(200), "]".repeat(200));
        assert!(probe(&deep).is_err());
        assert!(serde_json::from_str::<serde_json::Value>(&deep).is_err());
    }
}
