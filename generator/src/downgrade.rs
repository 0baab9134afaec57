//! OpenAPI 3.1 → 3.0, on the raw document, before the typed parse.
//!
//! `openapiv3` reads only 3.0, and 3.1 differs from it mostly in how schemas
//! are spelled (JSON Schema 2020-12). This pass rewrites a 3.1 document into
//! the 3.0 spelling the rest of the generator understands, and says what it
//! dropped:
//!
//! | 3.1 | 3.0 |
//! | --- | --- |
//! | `type: [T, "null"]`, `type: "null"` | `type: T`, `nullable: true` |
//! | `type: [T, U]` | `anyOf: [{type: T}, {type: U}]` |
//! | `oneOf` / `anyOf` with a `{type: "null"}` member | the other members, `nullable: true` |
//! | `const: v` | `enum: [v]` |
//! | `examples: [a, …]` in a schema | `example: a` |
//! | `exclusiveMinimum: n` (a number) | `minimum: n`, `exclusiveMinimum: true` (and the maximum alike) |
//! | `true` / `false` as a schema | `{}` / `{not: {}}` |
//! | `paths` missing | `paths: {}` |
//! | `webhooks`, `jsonSchemaDialect`, `components.pathItems` | removed, with a note |

use serde_json::{json, Map, Value};

/// Whether `doc` says it is OpenAPI 3.1.
pub fn is_31(doc: &Value) -> bool {
    doc.get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"))
}

/// Rewrites a 3.1 document in place as 3.0. Returns one note per thing that
/// was dropped, with the JSON pointer where it was.
pub fn downgrade(doc: &mut Value) -> Vec<(String, String)> {
    let mut notes = Vec::new();
    let Some(root) = doc.as_object_mut() else {
        return notes;
    };
    root.insert("openapi".to_owned(), json!("3.0.3"));
    if !root.contains_key("paths") {
        root.insert("paths".to_owned(), json!({}));
    }
    if let Some(webhooks) = root.remove("webhooks") {
        let count = webhooks.as_object().map_or(0, Map::len);
        notes.push((
            "#/webhooks".to_owned(),
            format!("OpenAPI 3.1 `webhooks` ({count}) describe requests the server sends, not operations a client calls; they are ignored"),
        ));
    }
    if root.remove("jsonSchemaDialect").is_some() {
        notes.push((
            "#/jsonSchemaDialect".to_owned(),
            "`jsonSchemaDialect` is ignored; schemas are read as OpenAPI 3.0 schemas".to_owned(),
        ));
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        if components.remove("pathItems").is_some() {
            notes.push((
                "#/components/pathItems".to_owned(),
                "`components.pathItems` is not read; paths that `$ref` them are reported where they are used".to_owned(),
            ));
        }
        if let Some(schemas) = components.get_mut("schemas").and_then(Value::as_object_mut) {
            for schema in schemas.values_mut() {
                schema_31(schema);
            }
        }
    }
    walk(doc);
    notes
}

/// Finds every `schema` outside `components.schemas` (parameters, media
/// types, headers) and rewrites it.
fn walk(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key == "schema" {
                    schema_31(inner);
                } else if key != "schemas" && key != "example" && key != "examples" {
                    walk(inner);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(walk),
        _ => {}
    }
}

/// Whether a member schema allows only `null`: `{type: "null"}`, or the
/// `{nullable: true}` this pass has already made of it.
fn is_null_type(value: &Value) -> bool {
    *value == json!({"type": "null"}) || *value == json!({"nullable": true})
}

/// Rewrites one schema, and every schema inside it.
fn schema_31(schema: &mut Value) {
    match schema {
        Value::Bool(true) => {
            *schema = json!({});
            return;
        }
        Value::Bool(false) => {
            *schema = json!({"not": {}});
            return;
        }
        Value::Object(_) => {}
        _ => return,
    }
    let Value::Object(map) = schema else { return };

    // Schemas inside this one first, so a `{type: "null"}` member is seen
    // in its final spelling below.
    for key in [
        "items",
        "additionalProperties",
        "not",
        "contains",
        "propertyNames",
    ] {
        if let Some(inner) = map.get_mut(key) {
            schema_31(inner);
        }
    }
    for key in ["properties", "patternProperties", "$defs"] {
        if let Some(Value::Object(inner)) = map.get_mut(key) {
            inner.values_mut().for_each(schema_31);
        }
    }
    for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
        if let Some(Value::Array(inner)) = map.get_mut(key) {
            inner.iter_mut().for_each(schema_31);
        }
    }
    // A tuple (`prefixItems`) has no 3.0 spelling; its items are any of them.
    if let Some(Value::Array(prefix)) = map.remove("prefixItems") {
        if !map.contains_key("items") && !prefix.is_empty() {
            map.insert("items".to_owned(), json!({ "anyOf": prefix }));
        }
    }

    let mut nullable = false;
    match map.remove("type") {
        Some(Value::Array(types)) => {
            let mut kept: Vec<Value> = Vec::new();
            for t in types {
                if t == "null" {
                    nullable = true;
                } else {
                    kept.push(t);
                }
            }
            match kept.len() {
                0 => {}
                1 => {
                    map.insert("type".to_owned(), kept.remove(0));
                }
                _ if !map.contains_key("anyOf") => {
                    let members = kept.into_iter().map(|t| json!({ "type": t })).collect();
                    map.insert("anyOf".to_owned(), Value::Array(members));
                }
                // Both a type list and an `anyOf`: keep the `anyOf`, which
                // says more, and let the types go.
                _ => {}
            }
        }
        Some(Value::String(t)) if t == "null" => nullable = true,
        Some(other) => {
            map.insert("type".to_owned(), other);
        }
        None => {}
    }
    for key in ["oneOf", "anyOf"] {
        let has_all_of = map.contains_key("allOf");
        if let Some(Value::Array(members)) = map.get_mut(key) {
            let before = members.len();
            members.retain(|m| !is_null_type(m));
            if members.len() < before {
                nullable = true;
            }
            // `anyOf: [{$ref: X}, {type: null}]` is 3.1's nullable reference;
            // 3.0 writes it `allOf: [{$ref: X}]` with `nullable`.
            if members.len() == 1 && members[0].get("$ref").is_some() && !has_all_of {
                let only = members.remove(0);
                map.remove(key);
                map.insert("allOf".to_owned(), json!([only]));
            }
        }
    }
    if map
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|e| e.iter().any(Value::is_null))
    {
        nullable = true;
    }
    if nullable {
        map.insert("nullable".to_owned(), json!(true));
    }
    if let Some(value) = map.remove("const") {
        map.entry("enum").or_insert_with(|| json!([value]));
    }
    if let Some(Value::Array(mut examples)) = map.remove("examples") {
        if !examples.is_empty() {
            map.entry("example").or_insert_with(|| examples.remove(0));
        }
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(limit) = map.get(exclusive).filter(|v| v.is_number()).cloned() {
            map.insert(bound.to_owned(), limit);
            map.insert(exclusive.to_owned(), json!(true));
        }
    }
    // A `$ref` with siblings is legal in 3.1; 3.0 ignores the siblings, so
    // the reference goes into an `allOf` where they keep their meaning.
    if map.contains_key("$ref") && map.len() > 1 {
        let reference = map.remove("$ref").expect("checked by contains_key");
        map.insert("allOf".to_owned(), json!([{ "$ref": reference }]));
    }
    for key in [
        "$schema",
        "$id",
        "$comment",
        "$defs",
        "$anchor",
        "unevaluatedProperties",
        "dependentRequired",
        "contentMediaType",
        "contentEncoding",
    ] {
        map.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(value: Value) -> Value {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": {"S": value}}});
        downgrade(&mut doc);
        doc["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn type_lists_become_nullable_or_any_of() {
        assert_eq!(
            schema(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(schema(json!({"type": "null"})), json!({"nullable": true}));
        assert_eq!(
            schema(json!({"type": ["string", "integer"]})),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
        );
    }

    #[test]
    fn null_members_and_ref_siblings() {
        assert_eq!(
            schema(json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]})),
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
        assert_eq!(
            schema(json!({"$ref": "#/components/schemas/A", "description": "d"})),
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "description": "d"})
        );
        assert_eq!(
            schema(json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]})),
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn keywords_that_changed() {
        assert_eq!(schema(json!({"const": "x"})), json!({"enum": ["x"]}));
        assert_eq!(
            schema(json!({"type": "string", "examples": ["a", "b"]})),
            json!({"type": "string", "example": "a"})
        );
        assert_eq!(
            schema(json!({"type": "integer", "exclusiveMinimum": 0})),
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})
        );
        assert_eq!(
            schema(json!({"properties": {"a": true, "b": false}})),
            json!({"properties": {"a": {}, "b": {"not": {}}}})
        );
        assert_eq!(
            schema(json!({"type": "object", "properties": {"n": {"type": ["integer", "null"]}}})),
            json!({"type": "object", "properties": {"n": {"type": "integer", "nullable": true}}})
        );
    }

    #[test]
    fn document_level_changes_are_noted() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "webhooks": {"newPet": {}},
            "components": {"parameters": {"P": {"name": "p", "in": "query", "schema": {"type": ["string", "null"]}}}}
        });
        let notes = downgrade(&mut doc);
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(doc["paths"], json!({}));
        assert!(doc.get("webhooks").is_none());
        assert_eq!(
            doc["components"]["parameters"]["P"]["schema"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].0, "#/webhooks");
    }
}
