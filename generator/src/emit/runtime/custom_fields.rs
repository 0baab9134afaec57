//! Custom fields: the `<prefix><field id>` keys of a type, gathered into one
//! map by field id and written back as flat keys.
//!
//! A struct that carries custom fields has two catch-all fields, `custom`
//! and `extra`: its decoder ([`take`]) files each key no declared property
//! took, a prefixed one in `custom`, any other in `extra`. Both are
//! flattened when the struct is encoded.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::decode::{Extra, Key};
use crate::CUSTOM_FIELD_PREFIX;

/// The id of a custom field, such as `cf_j0P7kHmgFTZZnYBFtyPSZ3uQw4dpW8xKcW7Krps8atj`.
///
/// Checked when made: not empty, and only ASCII letters, digits, `_` and
/// `-`, so an id can never spell one of the key suffixes (`.add`,
/// `.remove`) or anything else than one field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomFieldId(String);

impl CustomFieldId {
    /// Checks `id`.
    ///
    /// # Errors
    ///
    /// When `id` is empty or holds other characters than ASCII letters,
    /// digits, `_` and `-`.
    pub fn new(id: impl Into<String>) -> Result<Self, InvalidCustomFieldId> {
        let id = id.into();
        let valid = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if valid {
            Ok(CustomFieldId(id))
        } else {
            Err(InvalidCustomFieldId(id))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CustomFieldId {
    type Err = InvalidCustomFieldId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CustomFieldId::new(s)
    }
}

impl TryFrom<&str> for CustomFieldId {
    type Error = InvalidCustomFieldId;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        CustomFieldId::new(value)
    }
}

impl fmt::Display for CustomFieldId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A string that is not a valid custom-field id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a custom-field id: use the field's id (like `cf_…`), which holds only ASCII letters, digits, `_` and `-`")]
pub struct InvalidCustomFieldId(pub String);

/// The custom fields of a value, by field id (without the key prefix).
///
/// Reading: [`get`](Self::get) and the typed getters. Writing an update:
/// [`set`](Self::set) a value, [`clear`](Self::clear) it (sends `null`),
/// [`add`](Self::add) or [`remove_value`](Self::remove_value) one value of a
/// multi-value field (sent as `<id>.add` / `<id>.remove`). A field that is
/// not in the map is left unchanged by an update.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomFields {
    /// By key without the prefix: a field id, or `<id>.add` / `<id>.remove`.
    values: BTreeMap<String, Value>,
}

impl CustomFields {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of field `id`, if the map has it (`Value::Null` when null).
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.values.get(id)
    }

    /// The value of a text, choice, user or contact field with one value.
    pub fn get_str(&self, id: &str) -> Option<&str> {
        self.get(id)?.as_str()
    }

    /// The value of a number field.
    pub fn get_f64(&self, id: &str) -> Option<f64> {
        self.get(id)?.as_f64()
    }

    /// The value of a number field holding a whole number.
    pub fn get_i64(&self, id: &str) -> Option<i64> {
        self.get(id)?.as_i64()
    }

    /// The value of a date field (`2014-06-12`).
    pub fn get_date(&self, id: &str) -> Option<chrono::NaiveDate> {
        self.get_str(id)?.parse().ok()
    }

    /// The value of a datetime field.
    pub fn get_datetime(&self, id: &str) -> Option<crate::Timestamp> {
        self.get_str(id)?.parse().ok()
    }

    /// The values of a multi-value field (choices, users, contacts, custom
    /// objects); a single value reads as a list of one.
    pub fn get_strs(&self, id: &str) -> Option<Vec<&str>> {
        match self.get(id)? {
            Value::Array(values) => Some(values.iter().filter_map(Value::as_str).collect()),
            Value::String(value) => Some(vec![value.as_str()]),
            _ => None,
        }
    }

    /// Sets field `id` to `value` (a whole new list for a multi-value field).
    pub fn set(&mut self, id: &CustomFieldId, value: impl Into<Value>) -> &mut Self {
        self.values.insert(id.0.clone(), value.into());
        self
    }

    /// Clears field `id`: an update sends `null`.
    pub fn clear(&mut self, id: &CustomFieldId) -> &mut Self {
        self.set(id, Value::Null)
    }

    /// Adds one value to multi-value field `id` (`<id>.add`).
    pub fn add(&mut self, id: &CustomFieldId, value: impl Into<Value>) -> &mut Self {
        self.values.insert(format!("{}.add", id.0), value.into());
        self
    }

    /// Removes one value from multi-value field `id` (`<id>.remove`).
    pub fn remove_value(&mut self, id: &CustomFieldId, value: impl Into<Value>) -> &mut Self {
        self.values.insert(format!("{}.remove", id.0), value.into());
        self
    }

    /// Takes field `id` out of this map, so an update leaves it unchanged.
    pub fn remove(&mut self, id: &str) -> Option<Value> {
        self.values.remove(id)
    }

    /// Every entry, as `(key without prefix, value)`, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The entries as they are sent: each key with its prefix.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (String, &Value)> {
        self.values
            .iter()
            .map(|(id, value)| (format!("{CUSTOM_FIELD_PREFIX}{id}"), value))
    }
}

impl Serialize for CustomFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.values.len()))?;
        for (key, value) in self.entries() {
            map.serialize_entry(&key, value)?;
        }
        map.end()
    }
}

/// Keeps the entry at `key`, which no declared property of a struct took:
/// a custom field (`<prefix><id>`) in `custom`, by id; any other in `extra`.
pub(crate) fn take<'de, A, X>(
    map: &mut A,
    custom: &mut CustomFields,
    extra: &mut X,
    key: Key<'de>,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    X: Extra<'de>,
{
    match key.as_str().strip_prefix(CUSTOM_FIELD_PREFIX) {
        Some(id) => {
            let id = id.to_owned();
            custom.values.insert(id, map.next_value()?);
            Ok(())
        }
        None => extra.keep(key, map),
    }
}

/// Reads the custom fields of an object: its prefixed keys, by id; other
/// keys are skipped.
impl<'de> Deserialize<'de> for CustomFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CustomVisitor;

        impl<'de> Visitor<'de> for CustomVisitor {
            type Value = CustomFields;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CustomFields, A::Error> {
                let mut custom = CustomFields::new();
                let mut skipped = IgnoredAny;
                while let Some(key) = crate::decode::next_key(&mut map)? {
                    take(&mut map, &mut custom, &mut skipped, key)?;
                }
                Ok(custom)
            }
        }

        deserializer.deserialize_map(CustomVisitor)
    }
}

// @needs json

/// Whether a JSON body adds or removes a value of a multi-value field
/// (`<prefix><id>.add`, `<prefix><id>.remove`), at any depth: applied once
/// per request the server receives, so a request with such a body is not
/// idempotent whatever its method.
pub(crate) fn adds_or_removes(body: &[u8]) -> bool {
    fn walk(value: &Value) -> bool {
        match value {
            Value::Object(map) => map.iter().any(|(key, value)| {
                key.strip_prefix(CUSTOM_FIELD_PREFIX)
                    .is_some_and(|id| id.ends_with(".add") || id.ends_with(".remove"))
                    || walk(value)
            }),
            Value::Array(items) => items.iter().any(walk),
            _ => false,
        }
    }
    serde_json::from_slice::<Value>(body).is_ok_and(|value| walk(&value))
}
// @end

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked() {
        assert!(CustomFieldId::new("cf_abc-123").is_ok());
        assert!(CustomFieldId::new("").is_err());
        assert!(CustomFieldId::new("cf_a.add").is_err());
        assert!(CustomFieldId::new("name with spaces").is_err());
        assert!("lcf_x".parse::<CustomFieldId>().is_ok());
    }
    // @needs json

    #[test]
    fn adding_or_removing_a_value_is_seen_at_any_depth() {
        let id = CustomFieldId::new("cf_x").unwrap();
        let mut custom = CustomFields::new();
        custom.set(&id, "a");
        let set = serde_json::to_vec(&custom).unwrap();
        assert!(!adds_or_removes(&set));
        custom.add(&id, "b");
        let added = serde_json::to_vec(&serde_json::json!({"contacts": [custom.clone()]})).unwrap();
        assert!(adds_or_removes(&added));
        let mut removing = CustomFields::new();
        removing.remove_value(&id, "b");
        assert!(adds_or_removes(&serde_json::to_vec(&removing).unwrap()));
        // A value that merely reads like a key changes nothing.
        assert!(!adds_or_removes(br#"{"note": "custom.cf_x.add"}"#));
    }
    // @end
}
