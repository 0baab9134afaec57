//! Reads a YAML or JSON spec into an [`openapiv3::OpenAPI`] document.
//!
//! Loading goes through a generic value (`value`): text → value → version
//! check → structural walk (`shape`, which also repairs `$ref` siblings) →
//! typed parse. Syntax errors carry the line and column the parser gave; a
//! typed-parse failure is reported at the field that caused it, which the
//! walk finds even where `openapiv3`'s untagged enums hide it from serde.
//! Every other diagnostic is located by JSON pointer, and
//! [`Diagnostics::finish`] turns pointers into lines with [`crate::locate`].

mod shape;
mod value;

use openapiv3::OpenAPI;
use serde_yaml::Value;

use crate::diagnostics::{pointer_join, Diagnostic, Diagnostics};
use shape::Walk;
use value::Generic;

/// A parsed spec and the name of the file it came from.
#[derive(Debug)]
pub struct Document {
    /// The file name as the user gave it; used in diagnostics and headers.
    pub file: String,
    /// The typed document.
    pub api: OpenAPI,
    /// Problems that did not stop loading, not yet located (see
    /// [`Diagnostics::finish`]).
    pub warnings: Diagnostics,
}

/// Parses `text`, read from `file`, as an OpenAPI 3.0 document.
///
/// # Errors
///
/// Every problem found while loading, located in the spec.
pub fn load(file: &str, text: &str) -> Result<Document, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let is_json = text.trim_start().starts_with('{');
    let mut value = match parse_generic(text, is_json) {
        Ok(value) => value,
        Err(error) => {
            diagnostics.push(*error);
            return Err(diagnostics.finish(file, text));
        }
    };
    if let Some(error) = check_version(&value) {
        diagnostics.push(error);
        return Err(diagnostics.finish(file, text));
    }
    let walk = Walk::document(&mut value);
    for warning in walk.warnings.iter().cloned() {
        diagnostics.push(warning);
    }
    unused_components(&value, &walk, &mut diagnostics);
    match serde_path_to_error::deserialize::<_, OpenAPI>(value) {
        Ok(api) => Ok(Document {
            file: file.to_owned(),
            api,
            warnings: diagnostics,
        }),
        Err(error) => {
            if walk.shape_errors.is_empty() {
                // The walk checks the common fields only; fall back to where
                // serde stopped, which is at least on the way to the problem.
                let pointer = path_pointer(error.path());
                diagnostics.push(Diagnostic::error(
                    pointer,
                    format!(
                        "the document does not match the OpenAPI 3.0 schema: {}",
                        error.inner()
                    ),
                ));
            } else {
                for shape_error in walk.shape_errors {
                    diagnostics.push(shape_error);
                }
            }
            Err(diagnostics.finish(file, text))
        }
    }
}

/// Text → generic value, or the syntax error with its line and column.
fn parse_generic(text: &str, is_json: bool) -> Result<Value, Box<Diagnostic>> {
    if is_json {
        serde_json::from_str::<Generic>(text)
            .map(|Generic(v)| v)
            .map_err(|e| {
                let location = (e.line() > 0).then(|| (e.line(), e.column()));
                Box::new(Diagnostic::document_error(
                    format!(
                        "the file is not valid JSON: {}",
                        strip_location(&e.to_string())
                    ),
                    location,
                ))
            })
    } else {
        serde_yaml::from_str::<Generic>(text)
            .map(|Generic(v)| v)
            .map_err(|e| {
                let location = e.location().map(|l| (l.line(), l.column()));
                let message = strip_location(&e.to_string());
                // serde_yaml prefixes the path of mapping keys it was in
                // (`paths./a: ...`); the location says where already.
                let message = message
                    .split_once(": ")
                    .filter(|(path, _)| !path.contains(' ') && location.is_some())
                    .map_or(message.as_str(), |(_, rest)| rest);
                Box::new(Diagnostic::document_error(
                    format!("the file is not valid YAML: {message}"),
                    location,
                ))
            })
    }
}

/// Refuses anything but OpenAPI 3.0 before the typed parse, whose errors
/// would be about fields rather than the version.
fn check_version(document: &Value) -> Option<Diagnostic> {
    let Some(map) = document.as_mapping() else {
        return Some(
            Diagnostic::error(
                "#",
                "the document must be a mapping of OpenAPI fields at the top level",
            )
            .with_hint("start the document with `openapi: 3.0.3`"),
        );
    };
    if let Some(swagger) = map.get("swagger") {
        return Some(version_error(&format!("swagger {}", scalar_text(swagger))));
    }
    match map.get("openapi") {
        None => Some(
            Diagnostic::error("#", "the document has no `openapi` version field")
                .with_hint("start the document with `openapi: 3.0.3`"),
        ),
        Some(Value::String(version)) if version.starts_with("3.0") => None,
        Some(Value::String(version)) => Some(version_error(version)),
        Some(other) => Some(
            Diagnostic::error(
                "#/openapi",
                format!(
                    "`openapi` must be a version string such as `3.0.3`, found `{}`",
                    scalar_text(other)
                ),
            )
            .with_hint("quote the version: `openapi: \"3.0.3\"`"),
        ),
    }
}

fn version_error(found: &str) -> Diagnostic {
    let pointer = if found.starts_with("swagger") {
        "#/swagger"
    } else {
        "#/openapi"
    };
    let hint = if found.starts_with("swagger") || found.starts_with('2') {
        "convert the Swagger 2.0 document to OpenAPI 3.0 first (for example with swagger2openapi)"
    } else if found.starts_with("3.1") {
        "OpenAPI 3.1 is not read yet; write the spec as 3.0.3 (`nullable: true` instead of type arrays)"
    } else {
        "this generator reads OpenAPI 3.0.x documents"
    };
    Diagnostic::error(pointer, format!("unsupported OpenAPI version `{found}`")).with_hint(hint)
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        _ => "a collection".to_owned(),
    }
}

/// Warns about components no `$ref` points at. Security schemes are named by
/// security requirements rather than referenced, so they are not checked.
fn unused_components(document: &Value, walk: &Walk, diagnostics: &mut Diagnostics) {
    let Some(components) = document.get("components").and_then(Value::as_mapping) else {
        return;
    };
    let sections = [
        ("schemas", "schema", "it is still generated as a type"),
        ("parameters", "parameter", "it has no effect"),
        ("responses", "response", "it has no effect"),
        ("requestBodies", "request body", "it has no effect"),
        ("headers", "header", "it has no effect"),
    ];
    for (section, noun, effect) in sections {
        let Some(entries) = components.get(section).and_then(Value::as_mapping) else {
            continue;
        };
        let base = pointer_join("#/components", section);
        for name in entries.keys().filter_map(Value::as_str) {
            let escaped = pointer_join(&base, name);
            let plain = format!("{base}/{name}");
            if !walk.refs.contains(&escaped) && !walk.refs.contains(&plain) {
                diagnostics.push(Diagnostic::warning(
                    escaped,
                    format!("{noun} `{name}` is not referenced anywhere; {effect}"),
                ));
            }
        }
    }
}

/// The pointer of a serde path (`paths./a.get` → `#/paths/~1a/get`).
fn path_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = "#".to_owned();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = format!("{pointer}/{index}"),
            Segment::Map { key } => pointer = pointer_join(&pointer, key),
            Segment::Enum { variant } => pointer = pointer_join(&pointer, variant),
            Segment::Unknown => break,
        }
    }
    pointer
}

/// Parsers append " at line L column C" to their messages; the diagnostic
/// prints the location itself, so drop the duplicate.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
