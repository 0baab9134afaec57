//! The checks and repairs of schemas (and of the media types that hold
//! them) that change what the generated API is: a `type` that does not
//! exist, a `content` key that is not a media type, `nullable` where
//! OpenAPI 3.0.3 ignores it, Swagger 2.0's `required: true` on a property;
//! and OpenAPI 3.0.3's spelling of "or null", read as the `nullable` the
//! rest of the generator understands.

use serde_yaml::{Mapping, Value};

use super::{key_text, Kind, Walk, TYPES};
use crate::diagnostics::{closest, pointer_join, Diagnostic};

/// The fields of a media type object: a `content` key that is one of them
/// has lost its media type.
const MEDIA_TYPE_FIELDS: &[&str] = &["schema", "example", "examples", "encoding"];

/// Media types a misspelt `content` key is compared with.
const COMMON_MEDIA_TYPES: &[&str] = &[
    "application/json",
    "application/xml",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "multipart/form-data",
    "text/plain",
    "text/html",
    "text/csv",
];

/// Whether `name` is a media type or media range: `type/subtype` with
/// optional parameters (`application/json; charset=utf-8`, `*/*`,
/// `image/*`), as a `content` key must be.
pub(super) fn is_media_type(name: &str) -> bool {
    let essence = name.split(';').next().unwrap_or("").trim();
    let token = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+*".contains(c))
    };
    matches!(essence.split_once('/'), Some((kind, sub)) if token(kind) && token(sub))
}

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
    /// A schema whose fields are about to be walked.
    pub(super) fn schema_before(&mut self, map: &mut Mapping, pointer: &str) {
        self.swagger2_required(map, pointer);
    }

    /// A schema whose fields have been walked.
    pub(super) fn schema_after(&mut self, map: &mut Mapping, pointer: &str) {
        self.nullable_without_type(map, pointer);
        self.null_members(map, pointer);
    }

    /// `type: strng`. `openapiv3` reads a type it does not know as "any
    /// value", which silently turns a field into `serde_json::Value`, so
    /// this is an error; only OpenAPI 3.1's `null` in a 3.0 document has
    /// one reading (the value is null), and is a warning.
    pub(super) fn type_name(&mut self, name: &str, at: &str) {
        if name == "null" {
            self.warnings.push(
                Diagnostic::warning(
                    at,
                    "`type: null` is OpenAPI 3.1; in a 3.0 document the generator keeps the value as any JSON value",
                )
                .with_hint("write `nullable: true` beside the type of the value, or make this document `openapi: 3.1.0`"),
            );
            return;
        }
        let hint = match name {
            "file" => {
                "Swagger 2.0's `file` is `type: string, format: binary` in OpenAPI 3".to_owned()
            }
            "int" | "long" => "did you mean `integer`? (`format: int64` for a long)".to_owned(),
            "float" | "double" => format!("did you mean `number`? (`format: {name}`)"),
            "bool" => "did you mean `boolean`?".to_owned(),
            "date" | "date-time" | "datetime" => {
                "dates are strings: `type: string, format: date-time` (or `date`)".to_owned()
            }
            _ => match closest(name, TYPES.iter().copied()) {
                Some(meant) => format!("did you mean `{meant}`?"),
                None => "use one of `string`, `number`, `integer`, `boolean`, `array`, `object`"
                    .to_owned(),
            },
        };
        let message = format!(
            "`{name}` is not a type; OpenAPI has `string`, `number`, `integer`, `boolean`, `array` and `object`"
        );
        self.shape(at, message).hint = Some(hint);
    }

    /// A `content` key that is not a media type. The generator would take
    /// it for one and carry the body as bytes, so this is an error. What it
    /// holds is still walked, so the components it refers to count as used.
    pub(super) fn not_a_media_type(&mut self, name: &str, value: &mut Value, at: &str) {
        let hint = if MEDIA_TYPE_FIELDS.contains(&name) {
            format!(
                "the media type is missing: write `content: {{application/json: {{{name}: ...}}}}`"
            )
        } else if let Some(full) = COMMON_MEDIA_TYPES
            .iter()
            .find(|m| m.rsplit('/').next() == Some(name))
        {
            format!("did you mean `{full}`?")
        } else {
            match closest(name, COMMON_MEDIA_TYPES.iter().copied()) {
                Some(meant) => format!("did you mean `{meant}`?"),
                None => {
                    "the keys of `content` are media types such as `application/json`".to_owned()
                }
            }
        };
        let message =
            format!("`{name}` is not a media type (`type/subtype`), but it is a key of `content`");
        self.shape(at, message).hint = Some(hint);
        let kind = if name == "schema" {
            Kind::Schema
        } else {
            Kind::MediaType
        };
        self.node(value, kind, at);
    }

    /// Swagger 2.0 marked a required property with `required: true` on the
    /// property itself. It has one reading, so the generator takes it:
    /// the property is moved into the object's `required` list, with a
    /// warning (`required: false` is dropped: a property is optional
    /// without it). Elsewhere `required` must be a list, as before.
    fn swagger2_required(&mut self, map: &mut Mapping, pointer: &str) {
        if map
            .get("required")
            .is_some_and(|r| !r.is_sequence() && !r.is_null())
        {
            return;
        }
        let Some(properties) = map.get_mut("properties").and_then(Value::as_mapping_mut) else {
            return;
        };
        let mut required = Vec::new();
        for (name, property) in properties.iter_mut() {
            let Some(property) = property.as_mapping_mut() else {
                continue;
            };
            let Some(Value::Bool(flag)) = property.get("required").cloned() else {
                continue;
            };
            property.remove("required");
            let name = key_text(name).to_owned();
            let at = pointer_join(
                &pointer_join(&pointer_join(pointer, "properties"), &name),
                "required",
            );
            let (message, hint) = if flag {
                (
                    format!("`required: true` on a property is Swagger 2.0; the generator reads it as `required: [{name}]` on the object"),
                    format!("in OpenAPI 3 the object schema lists its required properties: `required: [{name}]`"),
                )
            } else {
                (
                    "`required: false` on a property is Swagger 2.0; the property is optional, as it is without it".to_owned(),
                    "remove it".to_owned(),
                )
            };
            self.warnings
                .push(Diagnostic::warning(at, message).with_hint(hint));
            if flag {
                required.push(Value::String(name));
            }
        }
        if required.is_empty() {
            return;
        }
        let list = map
            .entry(Value::String("required".to_owned()))
            .or_insert_with(|| Value::Sequence(Vec::new()));
        if list.is_null() {
            *list = Value::Sequence(Vec::new());
        }
        if let Some(list) = list.as_sequence_mut() {
            for name in required {
                if !list.contains(&name) {
                    list.push(name);
                }
            }
        }
    }

    /// `nullable: true` without `type`, which OpenAPI 3.0.3 ignores: null is
    /// rejected by validators, mock servers and other generators. The
    /// generator reads it as the author meant (the value may be null), so
    /// it is a warning, with the spelling that says so in 3.0.3. A 3.1
    /// document has no `nullable`; the one the 3.1 rewrite writes is not
    /// reported, nor the one a `$ref` with keys beside it was rewritten to
    /// (that is reported as such).
    fn nullable_without_type(&mut self, map: &Mapping, pointer: &str) {
        if self.is_31
            || self.in_rewrite
            || map.get("nullable") != Some(&Value::Bool(true))
            || map.contains_key("type")
        {
            return;
        }
        let lone_ref = map
            .get("allOf")
            .and_then(Value::as_sequence)
            .filter(|members| members.len() == 1)
            .and_then(|members| members[0].get("$ref"))
            .and_then(Value::as_str);
        let hint = match lone_ref {
            _ if admits_only_null(&Value::Mapping(map.clone())) => {
                "write a type beside it (`type: object` will do), so that 3.0.3 reads this as \"only null\"".to_owned()
            }
            Some(target) => format!(
                "write the nullable reference `oneOf: [{{$ref: '{target}'}}, {{type: object, nullable: true, enum: [null]}}]`"
            ),
            None if map.contains_key("oneOf") || map.contains_key("anyOf") => {
                "add a last member that admits only null, such as `{type: string, nullable: true, enum: [null]}`, and drop `nullable` here"
                    .to_owned()
            }
            None if map.contains_key("allOf") => {
                "add the `type` of the value (`type: object`) beside `nullable`".to_owned()
            }
            None => "add the `type` of the value beside `nullable`; without one, any value is allowed already"
                .to_owned(),
        };
        self.warnings.push(
            Diagnostic::warning(
                pointer_join(pointer, "nullable"),
                "`nullable: true` without `type` has no effect in OpenAPI 3.0.3, so validators reject null here; the generator reads it as nullable",
            )
            .with_hint(hint),
        );
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
