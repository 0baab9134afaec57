//! How values look on the wire: timestamps, fields that may be absent or
//! null, path segments, string enums and decoding with a located error.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

/// A date and time with its UTC offset (`format: date-time`).
///
/// It encodes as RFC 3339 with the offset it was given and with 0, 6 or 9
/// fraction digits, whichever holds the value exactly, as Python's
/// `isoformat` does: `2013-02-01T00:54:51.333000+00:00` round-trips as
/// written. Dereferences to [`chrono::DateTime`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<FixedOffset>);

impl Timestamp {
    /// The inner `chrono` value.
    pub fn into_inner(self) -> DateTime<FixedOffset> {
        self.0
    }
}

impl Deref for Timestamp {
    type Target = DateTime<FixedOffset>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<Tz: chrono::TimeZone> From<DateTime<Tz>> for Timestamp {
    fn from(value: DateTime<Tz>) -> Self {
        Timestamp(value.fixed_offset())
    }
}

impl FromStr for Timestamp {
    type Err = chrono::ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateTime::parse_from_rfc3339(s).map(Timestamp)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = self.0.timestamp_subsec_nanos();
        let digits = if nanos == 0 {
            SecondsFormat::Secs
        } else if nanos.is_multiple_of(1_000) {
            SecondsFormat::Micros
        } else {
            SecondsFormat::Nanos
        };
        f.write_str(&self.0.to_rfc3339_opts(digits, false))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(|e| {
            serde::de::Error::custom(format!("`{text}` is not an RFC 3339 date-time: {e}"))
        })
    }
}

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

/// The value of a required property, or the error that says it is missing.
pub(crate) fn required<T, E: serde::de::Error>(
    value: Option<T>,
    name: &'static str,
) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

/// The value of a property that may be absent or `null`, both read as
/// `None` (the property's type has no third state).
pub(crate) fn absent_or_null<T>(value: Option<Option<T>>) -> Option<T> {
    value.flatten()
}

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

/// Skips the entries: for a decoder that keeps only some keys.
impl<'de> Extra<'de> for serde::de::IgnoredAny {
    fn keep<A: MapAccess<'de>>(&mut self, _: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        map.next_value::<serde::de::IgnoredAny>()?;
        Ok(())
    }
}

/// Keeps the entry at `key`, which no declared property took, in `extra`.
pub(crate) fn extra<'de, A, X>(map: &mut A, extra: &mut X, key: Key<'de>) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    X: Extra<'de>,
{
    extra.keep(key, map)
}

/// Characters left as they are in a path segment: RFC 3986 unreserved.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The path of `template` (`/lead/{id}/`) with each `{name}`, in order,
/// replaced by the next of `values`, percent-encoded so that it stays one
/// path segment: `/`, `?`, `#` and spaces are encoded.
///
/// `.` and `..` are refused: URL parsers read them, and every percent-encoded
/// spelling of them (`%2E%2E`), as "this" and "parent" segments, so no
/// encoding keeps them from changing the request path.
pub(crate) fn fill_path(template: &str, values: &[&dyn fmt::Display]) -> Result<String, Error> {
    use std::fmt::Write as _;

    let mut path = String::with_capacity(template.len() + 16 * values.len());
    let mut text = String::new();
    let mut values = values.iter();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let name = rest.get(open + 1..close).unwrap_or_default();
        let value = values
            .next()
            .ok_or_else(|| Error::Request(format!("no value for the path parameter `{name}`")))?;
        text.clear();
        // Writing into a String cannot fail.
        let _ = write!(text, "{value}");
        if text == "." || text == ".." {
            return Err(Error::Request(format!(
                "the path parameter `{name}` cannot be `{text}`: it would change the request path"
            )));
        }
        path.push_str(&rest[..open]);
        path.extend(utf8_percent_encode(&text, PATH_SEGMENT));
        rest = rest.get(close + 1..).unwrap_or_default();
    }
    path.push_str(rest);
    Ok(path)
}

/// Characters left as they are in a form field: the WHATWG
/// `application/x-www-form-urlencoded` set; space becomes `+`.
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// `key=value&...`, percent-encoded for a form body.
pub(crate) fn encode_form(pairs: &[(String, String)]) -> String {
    let encode = |text: &str| {
        utf8_percent_encode(text, FORM)
            .to_string()
            .replace("%20", "+")
    };
    pairs
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A form field's text for a scalar; objects inside a `form`-style value
/// have no standard spelling and are sent as JSON.
fn form_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `form` style with `explode`: `key=value`, an array repeats the key, an
/// object's properties become fields of their own, `null` is left out.
pub(crate) fn form_pairs(key: &str, value: serde_json::Value, pairs: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Array(items) => {
            for item in items.iter().filter(|v| !v.is_null()) {
                pairs.push((key.to_owned(), form_text(item)));
            }
        }
        serde_json::Value::Object(properties) => {
            for (name, inner) in properties.iter().filter(|(_, v)| !v.is_null()) {
                pairs.push((name.clone(), form_text(inner)));
            }
        }
        scalar => pairs.push((key.to_owned(), form_text(&scalar))),
    }
}

/// `deepObject` style: `key[sub]=value`, `key[0]=value`, to any depth.
pub(crate) fn deep_object_pairs(
    key: String,
    value: serde_json::Value,
    pairs: &mut Vec<(String, String)>,
) {
    match value {
        serde_json::Value::Object(properties) => {
            for (name, inner) in properties {
                deep_object_pairs(format!("{key}[{name}]"), inner, pairs);
            }
        }
        serde_json::Value::Array(items) => {
            for (index, inner) in items.into_iter().enumerate() {
                deep_object_pairs(format!("{key}[{index}]"), inner, pairs);
            }
        }
        scalar => pairs.push((key, form_text(&scalar))),
    }
}

/// Decodes a JSON body, saying where in the body it failed.
pub(crate) fn decode_json<T: DeserializeOwned>(
    status: reqwest::StatusCode,
    body: &[u8],
) -> Result<T, Error> {
    // Tracking the path costs half as much again as the decode itself, and
    // it is only read when decoding fails: so decode plainly first, and
    // decode again, tracked, only a body that failed. Decoding is a pure
    // function of the bytes, so the second pass fails at the same place.
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let fail = |path: String, message: String| Error::Decode {
        status: status.as_u16(),
        path,
        message,
        snippet: String::from_utf8_lossy(body).chars().take(200).collect(),
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| fail(e.path().to_string(), e.inner().to_string()))?;
    deserializer
        .end()
        .map_err(|e| fail(".".to_owned(), e.to_string()))?;
    Ok(value)
}

/// Decodes a string enum of the spec: a known value, or the fallback variant
/// that keeps one this client does not know (`T::from` decides). Borrowed
/// strings are matched without an allocation.
pub(crate) fn deserialize_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct EnumVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: for<'a> From<&'a str>> Visitor<'de> for EnumVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
#[allow(unused_macros, reason = "not every spec has this kind of type")]
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
                $crate::wire::deserialize_enum(deserializer)
            }
        }
    };
}

#[allow(unused_imports, reason = "not every spec has this kind of type")]
pub(crate) use string_enum;

/// `Deserialize` for a struct of the spec, through its [`Object`] impl and
/// the one generic visitor.
#[allow(unused_macros, reason = "not every spec has this kind of type")]
macro_rules! object {
    ($name:ident) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::wire::deserialize_object(deserializer)
            }
        }
    };
}

#[allow(unused_imports, reason = "not every spec has this kind of type")]
pub(crate) use object;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_fill_each_placeholder_with_one_encoded_segment() {
        let id = "a b/c";
        assert_eq!(
            fill_path("/org/{org}/lead/{id}/", &[&7, &id]).unwrap(),
            "/org/7/lead/a%20b%2Fc/"
        );
        assert_eq!(fill_path("/me/", &[]).unwrap(), "/me/");
        assert_eq!(fill_path("/{first}{second}", &[&"x", &"y"]).unwrap(), "/xy");
        let error = fill_path("/lead/{id}", &[&".."]).unwrap_err().to_string();
        assert!(error.contains("`id` cannot be `..`"), "{error}");
    }

    #[test]
    fn forms_encode_flat_repeated_and_deep_fields() {
        let mut pairs = Vec::new();
        form_pairs("To", json!("+15551234"), &mut pairs);
        form_pairs("Event", json!(["a", "b c"]), &mut pairs);
        form_pairs("Gone", serde_json::Value::Null, &mut pairs);
        deep_object_pairs(
            "metadata".into(),
            json!({"order": "6735", "note": null}),
            &mut pairs,
        );
        deep_object_pairs(
            "items".into(),
            json!([{"price": "p_1", "quantity": 2}]),
            &mut pairs,
        );
        assert_eq!(
            encode_form(&pairs),
            "To=%2B15551234&Event=a&Event=b+c&metadata%5Bnote%5D=&metadata%5Border%5D=6735&items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bquantity%5D=2"
        );
    }
}
