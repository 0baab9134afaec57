//! What the walk does to a schema once its fields are checked: reads the
//! OpenAPI 3.0.3 spelling of "or null" into the `nullable` the rest of the
//! generator understands.

use serde_yaml::{Mapping, Value};

use super::Walk;
use crate::diagnostics::{pointer_join, Diagnostic};

/// Whether a schema admits only `null`: `enum: [null]` with `nullable: true`
/// (what OpenAPI 3.0.3 needs for `null` to pass a `type`), or without a
/// `type`, and nothing else but documentation.
pub(super) fn admits_only_null(value: &Value) -> bool {
    let Some(map) = value.as_mapping() else {
        return false;
    };
    let only_null = map
        .get("enum")
        .and_then(Value::as_sequence)
        .is_some_and(|values| !values.is_empty() && values.iter().all(Value::is_null));
    let nullable = map.get("nullable") == Some(&Value::Bool(true));
    let documentation_only = map.keys().all(|k| {
        matches!(
            k.as_str(),
            Some("enum" | "nullable" | "type" | "description" | "title")
        ) || k.as_str().is_some_and(|k| k.starts_with("x-"))
    });
    only_null && (nullable || !map.contains_key("type")) && documentation_only
}

impl Walk {
    /// A schema whose fields have been walked.
    pub(super) fn schema(&mut self, map: &mut Mapping, pointer: &str) {
        self.null_members(map, pointer);
    }

    /// `oneOf: [X, {type: object, nullable: true, enum: [null]}]` is how
    /// OpenAPI 3.0.3 says "X or null" (`nullable` beside a `$ref` or an
    /// `allOf` is ignored by it). The members that admit only null are
    /// dropped and the schema is `nullable`; a lone `$ref` left is
    /// `allOf: [$ref]`, the generator's nullable reference. Only trailing
    /// null members are read this way, so the members left keep their
    /// places (and their pointers); one elsewhere is a warning.
    fn null_members(&mut self, map: &mut Mapping, pointer: &str) {
        for key in ["oneOf", "anyOf"] {
            let Some(members) = map.get(key).and_then(Value::as_sequence) else {
                continue;
            };
            let kept = members.len()
                - members
                    .iter()
                    .rev()
                    .take_while(|m| admits_only_null(m))
                    .count();
            if kept == 0 {
                continue;
            }
            if let Some(i) = members[..kept].iter().position(admits_only_null) {
                self.warnings.push(
                    Diagnostic::warning(
                        format!("{}/{i}", pointer_join(pointer, key)),
                        format!("this member admits only null, but the generator reads that as \"or null\" only in the last members of `{key}`; here a null value will not decode"),
                    )
                    .with_hint(format!("move it to the end of `{key}`, where it makes the whole schema nullable")),
                );
            }
            if kept == members.len() {
                continue;
            }
            let mut members = match map.remove(key) {
                Some(Value::Sequence(members)) => members,
                _ => continue,
            };
            members.truncate(kept);
            map.insert(Value::String("nullable".to_owned()), Value::Bool(true));
            let lone_ref = members.len() == 1
                && members[0].get("$ref").is_some()
                && !map.contains_key("allOf");
            let key = if lone_ref { "allOf" } else { key };
            map.insert(Value::String(key.to_owned()), Value::Sequence(members));
        }
    }
}
