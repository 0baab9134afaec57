//! How the spec's types decode: structs through their `Object` impl and one
//! generic visitor, string enums through one string visitor; and the
//! macros that give each type its `Deserialize` (and a string enum its
//! `Display` and `Serialize`) from them.
// @needs object

use std::borrow::Cow;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// A struct of the spec, read from a JSON object by [`deserialize_object`].
///
/// Each struct implements this by hand instead of deriving `Deserialize`:
/// one `match` over the keys, with unknown keys kept in the struct's extra
/// map. The derive writes several times as much code per struct (a field
/// enum and its visitor, a sequence visitor, buffering for flattened
/// fields), and checking that code was most of the crate's compile time.
///
/// A key that comes twice keeps its last value, as `serde_json::Value` does.
pub(crate) trait Object<'de>: Sized {
    /// Reads the entries of the object.
    fn visit<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Decodes a struct of the spec from an object.
pub(crate) fn deserialize_object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Object<'de>,
{
    struct ObjectVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: Object<'de>> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            // `struct Lead`, as serde's derive says.
            let path = std::any::type_name::<T>();
            let name = path.rsplit("::").next().unwrap_or(path);
            write!(f, "struct {name}")
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::visit(map)
        }
    }

    deserializer.deserialize_map(ObjectVisitor(std::marker::PhantomData))
}

/// A key of an object, borrowed from the input when the deserializer can
/// lend it, so that matching it against the declared names allocates
/// nothing.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key as text.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string, to store.
    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }

            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }

            fn visit_string<E>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The next key of an object being read.
pub(crate) fn next_key<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Key<'de>>, A::Error> {
    map.next_key()
}
// @needs field

/// Reads the value of the current key into its field's local.
#[inline]
pub(crate) fn field<'de, A, T>(map: &mut A, local: &mut Option<T>) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    *local = Some(map.next_value()?);
    Ok(())
}
// @end
// @needs missing

/// The error for an object without one of its required properties: the
/// first of `absent` (whether each is absent, and its name) that is.
pub(crate) fn missing<E: serde::de::Error>(absent: &[(bool, &'static str)]) -> E {
    let name = absent.iter().find(|(absent, _)| *absent).map_or("", |(_, name)| name);
    E::missing_field(name)
}
// @end
// @needs absent_or_null

/// The value of a property that may be absent or `null`, both read as
/// `None` (the property's type has no third state).
pub(crate) fn absent_or_null<T>(value: Option<Option<T>>) -> Option<T> {
    value.flatten()
}
// @end

/// Where a struct keeps the entries it does not declare: any JSON value
/// (`serde_json::Map`), or values of one type (`additionalProperties`).
pub(crate) trait Extra<'de> {
    /// Reads the value of `key` and keeps it.
    fn keep<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error>;
}

impl<'de> Extra<'de> for serde_json::Map<String, serde_json::Value> {
    fn keep<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        self.insert(key.into_string(), map.next_value()?);
        Ok(())
    }
}

impl<'de, T: Deserialize<'de>> Extra<'de> for std::collections::BTreeMap<String, T> {
    fn keep<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        self.insert(key.into_string(), map.next_value()?);
        Ok(())
    }
}
// @needs custom_fields

/// Skips the entries: for a decoder that keeps only some keys.
impl<'de> Extra<'de> for serde::de::IgnoredAny {
    fn keep<A: MapAccess<'de>>(&mut self, _: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        map.next_value::<serde::de::IgnoredAny>()?;
        Ok(())
    }
}
// @end
// @needs extra

/// Keeps the entry at `key`, which no declared property took, in `extra`.
pub(crate) fn extra<'de, A, X>(map: &mut A, extra: &mut X, key: Key<'de>) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    X: Extra<'de>,
{
    extra.keep(key, map)
}
// @end

/// `Deserialize` for a struct of the spec, through its [`Object`] impl and
/// the one generic visitor.
macro_rules! object {
    ($name:ident) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::decode::deserialize_object(deserializer)
            }
        }
    };
}

pub(crate) use object;
// @end
// @needs string_enum

/// Decodes a string enum of the spec: a known value, or the fallback variant
/// that keeps one this client does not know (`T::from` decides). Borrowed
/// strings are matched without an allocation.
pub(crate) fn deserialize_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct EnumVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: for<'a> From<&'a str>> serde::de::Visitor<'de> for EnumVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(EnumVisitor(std::marker::PhantomData))
}

/// The impls every string enum of the spec shares, through its `as_str`
/// and `From<&str>`: `Display`, and `Serialize` / `Deserialize` as a plain
/// string. Written out rather than derived: a derived enum with a fallback
/// variant buffers every value before matching it, and costs several times
/// this much code to compile.
macro_rules! string_enum {
    ($name:ident) => {
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::decode::deserialize_enum(deserializer)
            }
        }
    };
}

pub(crate) use string_enum;
// @end
