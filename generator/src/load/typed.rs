//! The walked generic value → `openapiv3` types, without going back to
//! text.
//!
//! `serde_yaml::Value` is a deserializer already, but a strict one: a number
//! where the schema wants a string (`version: 1.0`, `example: 42` in a
//! string-typed field, an enum of `200`) is a type error. Reading the same
//! document from YAML text is lenient, because a plain YAML scalar is text
//! until the reader asks for something else. [`Lenient`] gives the value
//! that leniency: a string is accepted wherever a scalar stands. Everything
//! else is delegated structure by structure, so nested values stay lenient.

use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::forward_to_deserialize_any;
use serde_yaml::{Error, Number, Value};

/// A generic value read as if it were YAML text.
pub(crate) struct Lenient(pub(crate) Value);

fn visit_number<'de, V: Visitor<'de>>(number: &Number, visitor: V) -> Result<V::Value, Error> {
    if let Some(n) = number.as_u64() {
        visitor.visit_u64(n)
    } else if let Some(n) = number.as_i64() {
        visitor.visit_i64(n)
    } else {
        visitor.visit_f64(number.as_f64().unwrap_or(f64::NAN))
    }
}

impl<'de> Deserializer<'de> for Lenient {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => visit_number(&n, visitor),
            Value::String(s) => visitor.visit_string(s),
            Value::Sequence(items) => visitor.visit_seq(Seq(items.into_iter())),
            Value::Mapping(mapping) => visitor.visit_map(Map {
                entries: mapping.into_iter(),
                value: None,
            }),
            Value::Tagged(tagged) => Lenient(tagged.value).deserialize_any(visitor),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Bool(b) => visitor.visit_string(b.to_string()),
            Value::Number(n) => visitor.visit_string(n.to_string()),
            other => Lenient(other).deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(Lenient(other)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            // A unit variant written as its name.
            Value::String(s) => visitor.visit_enum(s.into_deserializer()),
            // The others are delegated: the typed model has no enum whose
            // payload needs the leniency.
            other => other.deserialize_enum(name, variants, visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

struct Seq(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for Seq {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|value| seed.deserialize(Lenient(value)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Map {
    entries: serde_yaml::mapping::IntoIter,
    value: Option<Value>,
}

impl<'de> MapAccess<'de> for Map {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(Lenient(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self.value.take().ok_or_else(|| {
            <Error as de::Error>::custom("a map value was asked for before its key")
        })?;
        seed.deserialize(Lenient(value))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Sample {
        version: String,
        count: Option<u32>,
        names: Vec<String>,
    }

    #[test]
    fn scalars_read_as_text_where_text_is_wanted() {
        let value: Value =
            serde_yaml::from_str("version: 1.0\ncount: 3\nnames: [200, true, x]").unwrap();
        let sample = Sample::deserialize(Lenient(value)).unwrap();
        assert_eq!(
            sample,
            Sample {
                version: "1.0".to_owned(),
                count: Some(3),
                names: vec!["200".to_owned(), "true".to_owned(), "x".to_owned()],
            }
        );
    }

    #[test]
    fn a_string_where_a_number_is_wanted_is_still_an_error() {
        let value: Value = serde_yaml::from_str("version: x\ncount: many\nnames: []").unwrap();
        let error = Sample::deserialize(Lenient(value)).unwrap_err().to_string();
        assert!(error.contains("invalid type: string \"many\""), "{error}");
    }
}
