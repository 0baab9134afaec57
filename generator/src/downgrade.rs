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

use serde_yaml::{Mapping, Value};

fn key(text: &str) -> Value {
    Value::String(text.to_owned())
}

/// A mapping from `(key, value)` pairs, in order.
fn mapping<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Mapping(pairs.into_iter().map(|(k, v)| (key(k), v)).collect())
}

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
    let Some(root) = doc.as_mapping_mut() else {
        return notes;
    };
    root.insert(key("openapi"), key("3.0.3"));
    if !root.contains_key("paths") {
        root.insert(key("paths"), Value::Mapping(Mapping::new()));
    }
    if let Some(webhooks) = root.remove("webhooks") {
        let count = webhooks.as_mapping().map_or(0, Mapping::len);
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
    if let Some(components) = root.get_mut("components").and_then(Value::as_mapping_mut) {
        if components.remove("pathItems").is_some() {
            notes.push((
                "#/components/pathItems".to_owned(),
                "`components.pathItems` is not read; paths that `$ref` them are reported where they are used".to_owned(),
            ));
        }
        if let Some(schemas) = components
            .get_mut("schemas")
            .and_then(Value::as_mapping_mut)
        {
            for (_, schema) in schemas.iter_mut() {
                schema_31(schema);
            }
        }
    }
    add_missing_responses(doc);
    walk(doc);
    notes
}

/// 3.1 lets an operation leave out `responses`; 3.0 requires them.
fn add_missing_responses(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_mapping_mut) else {
        return;
    };
    for (_, item) in paths.iter_mut() {
        let Some(item) = item.as_mapping_mut() else {
            continue;
        };
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if let Some(operation) = item.get_mut(method).and_then(Value::as_mapping_mut) {
                if !operation.contains_key("responses") {
                    operation.insert(key("responses"), Value::Mapping(Mapping::new()));
                }
            }
        }
    }
}

/// Finds every `schema` outside `components.schemas` (parameters, media
/// types, headers) and rewrites it.
fn walk(value: &mut Value) {
    match value {
        Value::Mapping(map) => {
            for (k, inner) in map.iter_mut() {
                match k.as_str() {
                    Some("schema") => schema_31(inner),
                    Some("schemas" | "example" | "examples") => {}
                    _ => walk(inner),
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(walk),
        _ => {}
    }
}

/// Whether a member schema allows only `null`: `{type: "null"}`, or the
/// `{nullable: true}` this pass has already made of it.
fn is_null_type(value: &Value) -> bool {
    let Some(map) = value.as_mapping() else {
        return false;
    };
    map.len() == 1
        && (map.get("type").and_then(Value::as_str) == Some("null")
            || map.get("nullable") == Some(&Value::Bool(true)))
}

/// Rewrites one schema, and every schema inside it.
fn schema_31(schema: &mut Value) {
    match schema {
        Value::Bool(true) => {
            *schema = Value::Mapping(Mapping::new());
            return;
        }
        Value::Bool(false) => {
            *schema = mapping([("not", Value::Mapping(Mapping::new()))]);
            return;
        }
        Value::Mapping(_) => {}
        _ => return,
    }
    let Value::Mapping(map) = schema else { return };

    // Schemas inside this one first, so a `{type: "null"}` member is seen
    // in its final spelling below.
    for k in [
        "items",
        "additionalProperties",
        "not",
        "contains",
        "propertyNames",
    ] {
        if let Some(inner) = map.get_mut(k) {
            schema_31(inner);
        }
    }
    for k in ["properties", "patternProperties", "$defs"] {
        if let Some(Value::Mapping(inner)) = map.get_mut(k) {
            for (_, v) in inner.iter_mut() {
                schema_31(v);
            }
        }
    }
    for k in ["allOf", "oneOf", "anyOf", "prefixItems"] {
        if let Some(Value::Sequence(inner)) = map.get_mut(k) {
            inner.iter_mut().for_each(schema_31);
        }
    }
    // A tuple (`prefixItems`) has no 3.0 spelling; its items are any of them.
    if let Some(Value::Sequence(prefix)) = map.remove("prefixItems") {
        if !map.contains_key("items") && !prefix.is_empty() {
            map.insert(key("items"), mapping([("anyOf", Value::Sequence(prefix))]));
        }
    }

    let mut nullable = false;
    match map.remove("type") {
        Some(Value::Sequence(types)) => {
            let mut kept: Vec<Value> = Vec::new();
            for t in types {
                if t.as_str() == Some("null") {
                    nullable = true;
                } else {
                    kept.push(t);
                }
            }
            match kept.len() {
                0 => {}
                1 => {
                    map.insert(key("type"), kept.remove(0));
                }
                _ if !map.contains_key("anyOf") => {
                    let members = kept.into_iter().map(|t| mapping([("type", t)])).collect();
                    map.insert(key("anyOf"), Value::Sequence(members));
                }
                // Both a type list and an `anyOf`: keep the `anyOf`, which
                // says more, and let the types go.
                _ => {}
            }
        }
        Some(Value::String(t)) if t == "null" => nullable = true,
        Some(other) => {
            map.insert(key("type"), other);
        }
        None => {}
    }
    for k in ["oneOf", "anyOf"] {
        let has_all_of = map.contains_key("allOf");
        if let Some(Value::Sequence(members)) = map.get_mut(k) {
            let before = members.len();
            members.retain(|m| !is_null_type(m));
            if members.len() < before {
                nullable = true;
            }
            // `anyOf: [{$ref: X}, {type: null}]` is 3.1's nullable reference;
            // 3.0 writes it `allOf: [{$ref: X}]` with `nullable`.
            if members.len() == 1 && members[0].get("$ref").is_some() && !has_all_of {
                let only = members.remove(0);
                map.remove(k);
                map.insert(key("allOf"), Value::Sequence(vec![only]));
            }
        }
    }
    if map
        .get("enum")
        .and_then(Value::as_sequence)
        .is_some_and(|e| e.iter().any(Value::is_null))
    {
        nullable = true;
    }
    if nullable {
        map.insert(key("nullable"), Value::Bool(true));
    }
    if let Some(value) = map.remove("const") {
        if !map.contains_key("enum") {
            map.insert(key("enum"), Value::Sequence(vec![value]));
        }
    }
    if let Some(Value::Sequence(mut examples)) = map.remove("examples") {
        if !examples.is_empty() && !map.contains_key("example") {
            map.insert(key("example"), examples.remove(0));
        }
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(limit) = map.get(exclusive).filter(|v| v.is_number()).cloned() {
            map.insert(key(bound), limit);
            map.insert(key(exclusive), Value::Bool(true));
        }
    }
    // A `$ref` with siblings is legal in 3.1; 3.0 ignores the siblings, so
    // the reference goes into an `allOf` where they keep their meaning.
    if map.contains_key("$ref") && map.len() > 1 {
        if let Some(reference) = map.remove("$ref") {
            map.insert(
                key("allOf"),
                Value::Sequence(vec![mapping([("$ref", reference)])]),
            );
        }
    }
    for k in [
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
        map.remove(k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).expect("test YAML parses")
    }

    fn schema(text: &str) -> Value {
        let mut doc =
            yaml("openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents: {schemas: {}}");
        doc["components"]["schemas"]
            .as_mapping_mut()
            .unwrap()
            .insert(key("S"), yaml(text));
        downgrade(&mut doc);
        doc["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn type_lists_become_nullable_or_any_of() {
        assert_eq!(
            schema("type: [string, 'null']"),
            yaml("{type: string, nullable: true}")
        );
        assert_eq!(schema("type: 'null'"), yaml("{nullable: true}"));
        assert_eq!(
            schema("type: [string, integer]"),
            yaml("anyOf: [{type: string}, {type: integer}]")
        );
    }

    #[test]
    fn null_members_and_ref_siblings() {
        assert_eq!(
            schema("anyOf: [{$ref: '#/components/schemas/A'}, {type: 'null'}]"),
            yaml("{allOf: [{$ref: '#/components/schemas/A'}], nullable: true}")
        );
        assert_eq!(
            schema("{$ref: '#/components/schemas/A', description: d}"),
            yaml("{description: d, allOf: [{$ref: '#/components/schemas/A'}]}")
        );
        assert_eq!(
            schema("oneOf: [{type: string}, {type: integer}, {type: 'null'}]"),
            yaml("{oneOf: [{type: string}, {type: integer}], nullable: true}")
        );
    }

    #[test]
    fn keywords_that_changed() {
        assert_eq!(schema("const: x"), yaml("enum: [x]"));
        assert_eq!(
            schema("{type: string, examples: [a, b]}"),
            yaml("{type: string, example: a}")
        );
        assert_eq!(
            schema("{type: integer, exclusiveMinimum: 0}"),
            yaml("{type: integer, exclusiveMinimum: true, minimum: 0}")
        );
        assert_eq!(
            schema("properties: {a: true, b: false}"),
            yaml("properties: {a: {}, b: {not: {}}}")
        );
        assert_eq!(
            schema("{type: object, properties: {n: {type: [integer, 'null']}}}"),
            yaml("{type: object, properties: {n: {type: integer, nullable: true}}}")
        );
    }

    #[test]
    fn document_level_changes_are_noted() {
        let mut doc = yaml(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks: {newPet: {}}\n\
             components: {parameters: {P: {name: p, in: query, schema: {type: [string, 'null']}}}}",
        );
        assert!(is_31(&doc));
        let notes = downgrade(&mut doc);
        assert_eq!(doc["openapi"], key("3.0.3"));
        assert_eq!(doc["paths"], Value::Mapping(Mapping::new()));
        assert!(doc.get("webhooks").is_none());
        assert_eq!(
            doc["components"]["parameters"]["P"]["schema"],
            yaml("{type: string, nullable: true}")
        );
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].0, "#/webhooks");
    }
}
