//! Walks the generic document with the OpenAPI 3.0 structure in mind, before
//! the typed parse.
//!
//! `openapiv3` reads `ReferenceOr` and `SchemaKind` as untagged enums, which
//! buffer their input: when a field deep inside a schema has the wrong type,
//! serde can only say that some enum far above it matched no variant. This
//! walk knows which object each value is (an operation, a parameter, a
//! schema…), so it can name the exact field and what it should be. Its
//! errors replace the typed parse: the walk checks the common fields, not
//! the whole specification, so it must not refuse a document the typed
//! parse accepts (a YAML scalar such as `version: 1.0` is a fine string, as
//! it is to the YAML parser). The one deliberate exception is a request body
//! without `content`, which OpenAPI requires and `openapiv3` defaults to
//! empty; the generator could only skip the operation with a puzzling
//! message, so it is refused with a hint instead. Skipping the typed parse of a broken document
//! also matters for time: `openapiv3`'s untagged enums retry every nested
//! schema on failure, which is exponential in the nesting depth.
//!
//! On the way it also
//! - rewrites keys next to a schema `$ref`, which OpenAPI 3.0 ignores and
//!   `openapiv3` drops, into `allOf: [{$ref}]` with those keys beside it, so
//!   the common ones (`description`, `nullable`, `readOnly`, …) are honoured,
//!   and warns either way;
//! - records every `$ref`, so unused components can be reported;
//! - warns about constructs the generator accepts but does not implement
//!   (callbacks, discriminators) and deprecated ones (`allowEmptyValue`).

use std::collections::HashMap;

use serde_yaml::{Mapping, Value};

use crate::diagnostics::{pointer_join, Diagnostic};

mod grammar;
mod keys;
mod schema;

pub(crate) use grammar::{field, Field, Kind};

/// What the walk found.
#[derive(Default)]
pub(crate) struct Walk {
    /// Problems reported whether or not the typed parse succeeds.
    pub(crate) warnings: Vec<Diagnostic>,
    /// Fields of the wrong shape; when there are any, they are the report
    /// and the typed parse does not run.
    pub(crate) shape_errors: Vec<Diagnostic>,
    /// Every `$ref` target in the document, with the first place that
    /// refers to it.
    pub(crate) refs: HashMap<String, String>,
    /// How many schemas enclose the one being walked.
    schema_depth: usize,
    /// Whether the document was OpenAPI 3.1 (rewritten into 3.0 before the
    /// walk): 3.1 adds fields to some objects.
    is_31: bool,
    /// Whether the walk is in a schema it rewrote from a `$ref` with keys
    /// beside it, already reported.
    in_rewrite: bool,
}

/// The deepest nesting of inline schemas the generator reads. Real specs
/// stay far below it; `openapiv3`'s typed parse takes stack (and, on a
/// failure, time) that grows quickly with it, so deeper documents are
/// refused before the typed parse, with a hint.
const MAX_SCHEMA_DEPTH: usize = 32;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];
const LOCATIONS: &[&str] = &["path", "query", "header", "cookie"];

/// Keys next to a schema `$ref` that the generator honours by reading the
/// reference as `allOf: [$ref]` with these keys beside it.
const HONOURED_SIBLINGS: &[&str] = &[
    "description",
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "title",
    "default",
    "example",
];

/// How a value reads in a message: its JSON type and, for scalars, itself.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("`{n}`"),
        Value::String(s) if s.chars().count() <= 40 => format!("the string `{s}`"),
        Value::String(_) => "a string".to_owned(),
        Value::Sequence(_) => "a list".to_owned(),
        Value::Mapping(_) => "a mapping".to_owned(),
        Value::Tagged(_) => "a tagged value".to_owned(),
    }
}

/// How to add a field that must be there, where an example helps.
fn missing_field_hint(kind: Kind, field: &str) -> Option<&'static str> {
    Some(match (kind, field) {
        (Kind::Document, "info") => "add `info: {title: My API, version: \"1\"}`",
        (Kind::Document, "paths") => "add `paths: {}` if the API has no operations yet",
        (Kind::Response, "description") => {
            "every response needs a `description`, even a short one such as `description: OK`"
        }
        (Kind::Operation, "responses") => {
            "list what the operation answers, at least one response: `responses: {'200': {description: OK}}`"
        }
        (Kind::RequestBody, "content") => {
            "`content` maps media types to schemas: `content: {application/json: {schema: ...}}`"
        }
        (Kind::Parameter, "in") => "say where it goes: `in: path`, `query`, `header` or `cookie`",
        _ => return None,
    })
}

/// `a`, `a` and `b`, `a`, `b` and `c`.
fn and_list(items: &[&String]) -> String {
    let quoted: Vec<String> = items.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// A string, number or boolean: what a string field accepts from YAML.
fn is_scalar(value: &Value) -> bool {
    matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// Spells a number or boolean as the string YAML would read it as.
fn to_string_in_place(value: &mut Value) {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return,
    };
    *value = Value::String(text);
}

/// The text of a mapping key; the loader turns every key into a string.
pub(super) fn key_text(key: &Value) -> &str {
    key.as_str().unwrap_or("")
}

impl Walk {
    /// Walks the whole document, rewriting `$ref` siblings in place.
    /// `is_31` says the document was OpenAPI 3.1 before it was rewritten.
    pub(crate) fn document(document: &mut Value, is_31: bool) -> Walk {
        let mut walk = Walk {
            is_31,
            ..Walk::default()
        };
        walk.node(document, Kind::Document, "#");
        walk
    }

    fn shape(&mut self, pointer: &str, message: String) -> &mut Diagnostic {
        self.shape_errors.push(Diagnostic::error(pointer, message));
        let last = self.shape_errors.len() - 1;
        &mut self.shape_errors[last]
    }

    fn node(&mut self, value: &mut Value, kind: Kind, pointer: &str) {
        if kind != Kind::Schema {
            return self.node_inner(value, kind, pointer);
        }
        if self.schema_depth >= MAX_SCHEMA_DEPTH {
            let message = format!(
                "schemas are nested more than {MAX_SCHEMA_DEPTH} deep here, which the generator does not read"
            );
            self.shape(pointer, message).hint = Some(
                "name some of the inner schemas under `components/schemas` and refer to them with `$ref`"
                    .to_owned(),
            );
            return;
        }
        self.schema_depth += 1;
        self.node_inner(value, kind, pointer);
        self.schema_depth -= 1;
    }

    fn node_inner(&mut self, value: &mut Value, kind: Kind, pointer: &str) {
        let Some(map) = value.as_mapping_mut() else {
            self.shape(
                pointer,
                format!(
                    "{} must be a mapping, found {}",
                    kind.describe(),
                    describe(value)
                ),
            );
            return;
        };
        if kind.may_be_ref() && map.contains_key("$ref") {
            self.reference(map, kind, pointer);
            return;
        }
        if kind == Kind::SecurityRequirement {
            // Every entry names a security scheme and lists scopes.
            for (key, child) in map.iter_mut() {
                let at = pointer_join(pointer, key_text(key));
                let key = key_text(key).to_owned();
                if !child.as_sequence().is_some_and(|s| s.iter().all(is_scalar)) {
                    let message = format!(
                        "the scopes of `{key}` must be a list of strings, found {}",
                        describe(child)
                    );
                    self.shape(&at, message);
                }
            }
            return;
        }
        if kind == Kind::Callback {
            // Every entry is a path item, named by a runtime expression.
            for (key, child) in map.iter_mut() {
                let key = key_text(key);
                if !key.starts_with("x-") {
                    let at = pointer_join(pointer, key);
                    self.node(child, Kind::PathItem, &at);
                }
            }
            return;
        }
        for required in kind.required() {
            if !map.contains_key(*required) {
                let diagnostic = self.shape(
                    pointer,
                    format!("{} has no `{required}` field, which it needs", kind.this()),
                );
                diagnostic.hint = missing_field_hint(kind, required).map(str::to_owned);
            }
        }
        self.required_by_kind(kind, map, pointer);
        if kind == Kind::Schema {
            self.schema_before(map, pointer);
        }
        // A Swagger 2.0 parameter (`type` and the rest beside `name`) has
        // no `schema`, and a Swagger 2.0 request body no `content`: that is
        // the problem, the keys in their place follow from it.
        let swagger2 = !map.contains_key("content")
            && (kind == Kind::RequestBody
                || (matches!(kind, Kind::Parameter | Kind::Header) && !map.contains_key("schema")));
        for (key, child) in map.iter_mut() {
            let key = key_text(key);
            if key.starts_with("x-") {
                continue;
            }
            let at = pointer_join(pointer, key);
            if !keys::is_field(kind, key, self.is_31) {
                self.unknown_key(kind, key, &at, swagger2.then_some(pointer));
                // A Swagger 2.0 body schema is still a schema: the
                // components it refers to are used, not unreferenced.
                if key == "schema" && matches!(kind, Kind::Response | Kind::RequestBody) {
                    self.node(child, Kind::Schema, &at);
                }
                continue;
            }
            self.field(kind, key, child, &at);
        }
        if kind == Kind::Schema {
            self.schema_after(map, pointer);
        }
        // Constructs the generator accepts but does not implement, and
        // deprecated ones: each is reported with what happens instead.
        let unsupported: [(bool, &str, &str); 3] = [
            (
                kind == Kind::Operation && map.contains_key("callbacks"),
                "callbacks",
                "callbacks are not supported; the client has no code for them",
            ),
            (
                kind == Kind::Parameter && map.contains_key("allowEmptyValue"),
                "allowEmptyValue",
                "`allowEmptyValue` is deprecated by OpenAPI and ignored: an empty value is sent like any other",
            ),
            (
                kind == Kind::Schema
                    && map.contains_key("discriminator")
                    && !map.contains_key("oneOf")
                    && !map.contains_key("anyOf"),
                "discriminator",
                "a `discriminator` is read only beside `oneOf` or `anyOf`; here it is ignored",
            ),
        ];
        for (applies, key, message) in unsupported {
            if applies {
                self.warnings
                    .push(Diagnostic::warning(pointer_join(pointer, key), message));
            }
        }
    }

    /// Fields whose need depends on another field: a security scheme's on
    /// its `type`, an OAuth flow's on its name, and a parameter's or
    /// header's `schema` or `content` (one of them). Reported at the object
    /// that lacks them, as `openapiv3` would only say that some enum far
    /// above matched no variant.
    fn required_by_kind(&mut self, kind: Kind, map: &Mapping, pointer: &str) {
        let needs = |walk: &mut Self, at: &str, what: &str, field: &str, hint: Option<String>| {
            let diagnostic =
                walk.shape(at, format!("{what} has no `{field}` field, which it needs"));
            diagnostic.hint = hint;
        };
        match kind {
            Kind::SecurityScheme => {
                let (scheme, fields): (&str, &[&str]) =
                    match map.get("type").and_then(Value::as_str) {
                        Some("apiKey") => ("an `apiKey` security scheme", &["name", "in"]),
                        Some("http") => ("an `http` security scheme", &["scheme"]),
                        Some("oauth2") => ("an `oauth2` security scheme", &["flows"]),
                        Some("openIdConnect") => {
                            ("an `openIdConnect` security scheme", &["openIdConnectUrl"])
                        }
                        _ => return,
                    };
                for field in fields.iter().filter(|f| !map.contains_key(**f)) {
                    needs(self, pointer, scheme, field, None);
                }
            }
            Kind::OAuthFlows => {
                for (name, flow) in map {
                    let fields: &[&str] = match name.as_str() {
                        Some("implicit") => &["authorizationUrl", "scopes"],
                        Some("password" | "clientCredentials") => &["tokenUrl", "scopes"],
                        Some("authorizationCode") => &["authorizationUrl", "tokenUrl", "scopes"],
                        _ => continue,
                    };
                    let Some(flow) = flow.as_mapping() else {
                        continue;
                    };
                    let at = pointer_join(pointer, key_text(name));
                    let what = format!("the `{}` flow", key_text(name));
                    for field in fields.iter().filter(|f| !flow.contains_key(**f)) {
                        let hint = (*field == "scopes")
                            .then(|| "`scopes` may be empty: `scopes: {}`".to_owned());
                        needs(self, &at, &what, field, hint);
                    }
                }
            }
            Kind::Parameter | Kind::Header
                if !map.contains_key("schema") && !map.contains_key("content") =>
            {
                let hint = if map.contains_key("type") {
                    "Swagger 2.0 put `type` on the parameter; in OpenAPI 3 it goes in a schema: `schema: {type: string}`"
                } else {
                    "say what the value is: `schema: {type: string}`"
                };
                let message = format!(
                    "{} has neither `schema` nor `content`, one of which it needs",
                    kind.this()
                );
                self.shape(pointer, message).hint = Some(hint.to_owned());
            }
            _ => {}
        }
    }

    /// Checks that `name`, a key of `paths` (`kind` the document) or of an
    /// operation's `responses`, is a path or a status. `openapiv3` drops
    /// any other key without a word, and with it an operation or a
    /// response, so that is an error here.
    fn names_an_entry(&mut self, kind: Kind, name: &str, at: &str) {
        if kind == Kind::Document {
            if name.starts_with('/') {
                return;
            }
            let message = format!(
                "the path `{name}` does not start with `/`, so its operations would be left out"
            );
            self.shape(at, message).hint = Some(format!(
                "paths are relative to the server URL and start with `/`: `/{}`",
                name.trim_start_matches('/')
            ));
            return;
        }
        let bytes = name.as_bytes();
        let status = match bytes {
            [b'1'..=b'5', b'0'..=b'9', b'0'..=b'9'] => true,
            [b'1'..=b'5', b'X' | b'x', b'X' | b'x'] => true,
            _ => name == "default",
        };
        if !status {
            let message =
                format!("`{name}` is not a status code, so this response would be left out");
            self.shape(at, message).hint = Some(
                "the keys of `responses` are status codes (`'200'`), ranges (`2XX`) or `default`"
                    .to_owned(),
            );
        }
    }

    fn field(&mut self, kind: Kind, key: &str, value: &mut Value, at: &str) {
        let wrong = |expected: &str, value: &Value| {
            format!("`{key}` must be {expected}, found {}", describe(value))
        };
        let shape = field(kind, key);
        // An empty value (`description:`) reads as "not given" for optional
        // fields, as it does for `openapiv3`, except for booleans; a
        // schema's lists and maps may be empty that way too.
        if value.is_null() && !kind.required().contains(&key) {
            let accepts_null = match shape {
                Field::Bool => false,
                Field::List
                | Field::StringList
                | Field::StringMap
                | Field::MapOf(_)
                | Field::ListOf(_) => kind == Kind::Schema,
                _ => true,
            };
            if accepts_null {
                return;
            }
        }
        match shape {
            // YAML reads any scalar as a string where a string is expected,
            // but only where serde reads the text directly: inside a schema
            // (buffered by `openapiv3`'s untagged enums) `description: 2021`
            // fails. Spelling such scalars as strings here makes both agree.
            Field::String if is_scalar(value) => to_string_in_place(value),
            Field::String => {
                let message = wrong("a string", value);
                self.shape(at, message);
            }
            Field::Bool if !value.is_bool() => {
                let message = wrong("`true` or `false`", value);
                self.shape(at, message);
            }
            Field::Number if !value.is_number() => {
                let message = wrong("a number", value);
                self.shape(at, message);
            }
            Field::Count if !value.is_u64() => {
                let message = wrong("a whole number, zero or more", value);
                self.shape(at, message);
            }
            Field::StringList => {
                let ok = value
                    .as_sequence()
                    .is_some_and(|items| items.iter().all(is_scalar));
                if let (true, Some(items)) = (ok, value.as_sequence_mut()) {
                    items.iter_mut().for_each(to_string_in_place);
                }
                if !ok {
                    let message = match value.as_sequence() {
                        Some(items) => {
                            let (i, item) = items
                                .iter()
                                .enumerate()
                                .find(|(_, item)| !is_scalar(item))
                                .map_or((0, "?".to_owned()), |(i, item)| (i, describe(item)));
                            format!("`{key}` must be a list of strings, but item {i} is {item}")
                        }
                        None => wrong("a list of strings", value),
                    };
                    let diagnostic = self.shape(at, message);
                    if kind == Kind::Schema && value.is_bool() {
                        diagnostic.hint = Some(
                            "in OpenAPI 3.0 `required` is a list of property names on the object \
                             schema (`required: [name]`), not a flag on the property as in Swagger 2.0"
                                .to_owned(),
                        );
                    }
                }
            }
            Field::StringMap => {
                let ok = value
                    .as_mapping()
                    .is_some_and(|map| map.values().all(is_scalar));
                if let (true, Some(map)) = (ok, value.as_mapping_mut()) {
                    map.values_mut().for_each(to_string_in_place);
                }
                if !ok {
                    let message = wrong("a mapping from names to strings", value);
                    self.shape(at, message);
                }
            }
            Field::List if !value.is_sequence() => {
                let message = wrong("a list", value);
                self.shape(at, message);
            }
            Field::SchemaType => match value.as_str() {
                Some(name) if TYPES.contains(&name) => {}
                Some(name) => self.type_name(name, at),
                None => {
                    let message = wrong("one type name", value);
                    let diagnostic = self.shape(at, message);
                    if value.is_sequence() {
                        diagnostic.hint = Some(
                            "OpenAPI 3.0 takes a single type; write `nullable: true` instead of \
                             adding `null` to a list of types"
                                .to_owned(),
                        );
                    }
                }
            },
            Field::OneOf(allowed) if !value.as_str().is_some_and(|s| allowed.contains(&s)) => {
                let list = allowed
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let message = wrong(&format!("one of {list}"), value);
                let diagnostic = self.shape(at, message);
                if key == "in" && matches!(value.as_str(), Some("body" | "formData")) {
                    diagnostic.hint = Some(
                        "OpenAPI 3.0 has no body parameters (Swagger 2.0 had them); describe the body \
                         in the operation's `requestBody`"
                            .to_owned(),
                    );
                }
            }
            Field::Node(child) => self.node(value, child, at),
            Field::SingleSchema => {
                if value.is_sequence() {
                    let message = wrong("one schema", value);
                    self.shape(at, message).hint = Some(
                        "OpenAPI 3.0 has no tuple form of `items`; describe every item with one schema"
                            .to_owned(),
                    );
                } else {
                    self.node(value, Kind::Schema, at);
                }
            }
            Field::BoolOrSchema if !value.is_bool() => self.node(value, Kind::Schema, at),
            Field::MapOf(child) => match value.as_mapping_mut() {
                Some(map) => {
                    // Only `paths` and `responses` take extensions among their
                    // entries; elsewhere `x-next` is a name like any other (a
                    // header, a property, a component).
                    let extensible = matches!(
                        (kind, key),
                        (Kind::Document, "paths") | (Kind::Operation, "responses")
                    );
                    for (name, item) in map.iter_mut() {
                        let name = key_text(name);
                        if extensible && name.starts_with("x-") {
                            continue;
                        }
                        let item_at = pointer_join(at, name);
                        if key == "content" && !schema::is_media_type(name) {
                            self.not_a_media_type(name, item, &item_at);
                            continue;
                        }
                        if extensible {
                            // Reported, and still walked: what it holds
                            // is checked, and what it refers to is used.
                            self.names_an_entry(kind, name, &item_at);
                        }
                        self.node(item, child, &item_at);
                    }
                }
                None => {
                    let message = wrong("a mapping", value);
                    self.shape(at, message);
                }
            },
            Field::ListOf(child) => match value.as_sequence_mut() {
                Some(items) => {
                    for (i, item) in items.iter_mut().enumerate() {
                        self.node(item, child, &format!("{at}/{i}"));
                    }
                }
                None => {
                    let message = wrong("a list", value);
                    self.shape(at, message);
                }
            },
            _ => {}
        }
    }

    /// A `$ref` object: records the target and deals with keys beside it.
    fn reference(&mut self, map: &mut Mapping, kind: Kind, pointer: &str) {
        let at = pointer_join(pointer, "$ref");
        let Some(target) = map.get("$ref").and_then(Value::as_str).map(str::to_owned) else {
            let message = format!("`$ref` must be a string, found {}", describe(&map["$ref"]));
            self.shape(&at, message).hint = Some(
                "write the pointer as a string: `$ref: '#/components/schemas/Name'`".to_owned(),
            );
            return;
        };
        self.refs
            .entry(target.clone())
            .or_insert_with(|| pointer.to_owned());
        let siblings: Vec<String> = map
            .keys()
            .map(|k| key_text(k).to_owned())
            .filter(|k| k != "$ref")
            .collect();
        if siblings.is_empty() {
            return;
        }
        let list = and_list;
        let (honoured, ignored): (Vec<&String>, Vec<&String>) = siblings
            .iter()
            .partition(|k| kind == Kind::Schema && HONOURED_SIBLINGS.contains(&k.as_str()));
        let message = match (honoured.is_empty(), ignored.is_empty()) {
            (false, true) => format!(
                "OpenAPI 3.0 ignores keys next to `$ref`, but the generator honours {} here",
                list(&honoured)
            ),
            (false, false) => format!(
                "OpenAPI 3.0 ignores keys next to `$ref`; the generator honours {}, but ignores {}",
                list(&honoured),
                list(&ignored)
            ),
            _ => format!(
                "OpenAPI 3.0 ignores keys next to `$ref`, and so does the generator: {} {} no effect",
                list(&ignored),
                if ignored.len() == 1 { "has" } else { "have" }
            ),
        };
        let hint = if honoured.is_empty() {
            let them = if ignored.len() == 1 { "it" } else { "them" };
            format!("remove {them}, or move {them} into the referenced object")
        } else if honoured.iter().any(|k| *k == "nullable") {
            // 3.0.3 ignores `nullable` beside `allOf` too.
            format!("OpenAPI 3.0.3 writes a nullable reference `oneOf: [{{$ref: '{target}'}}, {{type: object, nullable: true, enum: [null]}}]`, other keys beside it")
        } else {
            format!("write `allOf: [{{$ref: '{target}'}}]` with the keys beside it, which is the OpenAPI 3.0 way")
        };
        self.warnings
            .push(Diagnostic::warning(pointer, message).with_hint(hint));
        let honoured: Vec<String> = honoured.into_iter().cloned().collect();
        let reference = map.remove("$ref").unwrap_or(Value::Null);
        let mut kept = Mapping::new();
        for key in honoured {
            if let Some(value) = map.remove(key.as_str()) {
                kept.insert(Value::String(key), value);
            }
        }
        map.clear();
        if kept.is_empty() {
            map.insert(Value::String("$ref".to_owned()), reference);
        } else {
            let mut inner = Mapping::new();
            inner.insert(Value::String("$ref".to_owned()), reference);
            map.insert(
                Value::String("allOf".to_owned()),
                Value::Sequence(vec![Value::Mapping(inner)]),
            );
            map.extend(kept);
            // The rewritten schema is walked like any other, so a honoured
            // key of the wrong type is still reported; what the rewrite
            // itself wrote is not the user's to hear about.
            let mut rewritten = Value::Mapping(std::mem::take(map));
            self.in_rewrite = true;
            self.node(&mut rewritten, Kind::Schema, pointer);
            self.in_rewrite = false;
            if let Value::Mapping(rewritten) = rewritten {
                *map = rewritten;
            }
        }
    }
}
