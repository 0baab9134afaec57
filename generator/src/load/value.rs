//! YAML or JSON text → a generic [`serde_yaml::Value`].
//!
//! The document is read as a generic value first, not straight into
//! `openapiv3` types, for three reasons: integers beyond 64 bits (real specs
//! write `maximum: 18446744073709552000`) become floats here, as JSON parsers
//! do, instead of failing the whole load; YAML keys that are numbers or
//! booleans (`200:`) become strings; and the value can be checked and
//! repaired with its path known before the typed parse (see `shape`).
//!
//! The generic value is `serde_yaml::Value` for JSON too, because its
//! mappings keep the order of the text (spec order is output order), which
//! `serde_json::Map` does only with a crate feature that would change every
//! other user of `serde_json` in the workspace.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_yaml::{Mapping, Number, Value};

/// A document read as a generic value.
pub(crate) struct Generic(pub(crate) Value);

impl<'de> Deserialize<'de> for Generic {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(Generic)
    }
}

struct ValueVisitor;

fn float(f: f64) -> Value {
    // YAML's `.nan` and `.inf` have no JSON spelling; no OpenAPI field needs
    // them, so they read as null rather than failing the load.
    if f.is_finite() {
        Value::Number(Number::from(f))
    } else {
        Value::Null
    }
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        // Beyond 64 bits: a float, as a JSON parser would read it.
        Ok(match i64::try_from(v) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => float(v as f64),
        })
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(match u64::try_from(v) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => float(v as f64),
        })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Generic(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Mapping::new();
        while let Some(Key(key)) = map.next_key()? {
            if out.contains_key(key.as_str()) {
                return Err(de::Error::custom(format_args!(
                    "the key `{key}` appears twice in one mapping"
                )));
            }
            let Generic(value) = map.next_value()?;
            out.insert(Value::String(key), value);
        }
        Ok(Value::Mapping(out))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, _data: A) -> Result<Value, A::Error> {
        Err(de::Error::custom(
            "YAML tags (`!name value`) are not supported in a spec",
        ))
    }
}

/// A mapping key: strings as they are, numbers and booleans spelt out.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KeyVisitor).map(Key)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean mapping key")
    }

    fn visit_bool<E>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i128<E>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u128<E>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::Generic;

    #[test]
    fn big_integers_become_floats_and_keys_strings() {
        let text = "a: -9223372036854776000\nb: 18446744073709552000\n200: x\ntrue: y\nc: 7\n";
        let Generic(value) = serde_yaml::from_str(text).unwrap();
        assert_eq!(value["a"].as_f64(), Some(-9223372036854776000.0));
        assert_eq!(value["b"].as_f64(), Some(18446744073709552000.0));
        assert_eq!(value["200"], "x");
        assert_eq!(value["true"], "y");
        assert_eq!(value["c"].as_i64(), Some(7));
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let error = serde_yaml::from_str::<Generic>("a: 1\na: 2\n")
            .err()
            .unwrap();
        assert!(
            error.to_string().contains("the key `a` appears twice"),
            "{error}"
        );
        let error = serde_json::from_str::<Generic>("{\"a\": 1, \"a\": 2}")
            .err()
            .unwrap();
        assert!(
            error.to_string().contains("the key `a` appears twice"),
            "{error}"
        );
    }
}
