//! Reads a YAML or JSON spec into an [`openapiv3::OpenAPI`] document.
//!
//! Syntax and typed-parse errors carry the line and column the parser gave.

use openapiv3::OpenAPI;
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// A parsed spec and the name of the file it came from.
#[derive(Debug)]
pub struct Document {
    /// The file name as the user gave it; used in diagnostics and headers.
    pub file: String,
    /// The typed document.
    pub api: OpenAPI,
}

/// Just enough of a document to tell which version of OpenAPI it claims.
#[derive(Deserialize)]
struct VersionProbe {
    openapi: Option<serde_yaml::Value>,
    swagger: Option<serde_yaml::Value>,
}

/// Parses `text`, read from `file`, as an OpenAPI 3.0 document.
pub fn load(file: &str, text: &str) -> Result<Document, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let is_json = text.trim_start().starts_with('{');
    let parsed: Result<OpenAPI, Diagnostic> = if is_json {
        serde_json::from_str(text).map_err(|e| {
            let location = (e.line() > 0).then(|| (e.line(), e.column()));
            let kind = if e.is_syntax() || e.is_eof() {
                "the file is not valid JSON"
            } else {
                "the document does not match the OpenAPI 3.0 schema"
            };
            Diagnostic::document_error(
                format!("{kind}: {}", strip_location(&e.to_string())),
                location,
            )
        })
    } else {
        serde_yaml::from_str(text).map_err(|e| {
            let location = e.location().map(|l| (l.line(), l.column()));
            let message = strip_location(&e.to_string());
            let kind = if serde_yaml::from_str::<serde_yaml::Value>(text).is_err() {
                "the file is not valid YAML"
            } else {
                "the document does not match the OpenAPI 3.0 schema"
            };
            Diagnostic::document_error(format!("{kind}: {message}"), location)
        })
    };
    match parsed {
        Ok(api) => {
            if !api.openapi.starts_with("3.0") {
                diagnostics.push(version_error(&api.openapi));
            }
            if diagnostics.has_errors() {
                return Err(diagnostics.finish(file));
            }
            Ok(Document {
                file: file.to_owned(),
                api,
            })
        }
        Err(error) => {
            // A document that is not 3.0 usually also fails the typed parse;
            // the version is the more useful thing to tell the user then.
            let probe: Option<VersionProbe> = if is_json {
                serde_json::from_str(text).ok()
            } else {
                serde_yaml::from_str(text).ok()
            };
            match probe {
                Some(VersionProbe {
                    swagger: Some(v), ..
                }) => {
                    diagnostics.push(version_error(&format!("swagger {}", scalar_text(&v))));
                }
                Some(VersionProbe {
                    openapi: Some(v), ..
                }) if !scalar_text(&v).starts_with("3.0") => {
                    diagnostics.push(version_error(&scalar_text(&v)));
                }
                Some(VersionProbe {
                    openapi: None,
                    swagger: None,
                }) => diagnostics.push(
                    Diagnostic::error("#", "the document has no `openapi` version field")
                        .with_hint("start the document with `openapi: 3.0.3`"),
                ),
                _ => diagnostics.push(error),
            }
            Err(diagnostics.finish(file))
        }
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

fn scalar_text(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}

/// Parsers append " at line L column C" to their messages; the diagnostic
/// prints the location itself, so drop the duplicate.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
