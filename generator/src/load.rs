//! Reads a YAML or JSON spec into an [`openapiv3::OpenAPI`] document.
//!
//! Loading goes through a generic value (`value`): text → value → version
//! check → structural walk (`shape`, which also repairs `$ref` siblings) →
//! typed parse. Syntax errors carry the line and column the parser gave; a
//! field of the wrong shape is reported where it is by the walk, even where
//! `openapiv3`'s untagged enums would hide it from serde, and the typed
//! parse only runs on a document the walk found nothing wrong with.
//! Every other diagnostic is located by JSON pointer, and
//! `Diagnostics::finish` turns pointers into lines with [`crate::locate`].

mod bundle;
mod shape;
mod typed;
mod value;

use openapiv3::OpenAPI;
use serde_yaml::Value;

use crate::diagnostics::{closest, pointer_join, Diagnostic, Diagnostics};
pub use bundle::{no_files, ReadFile, Refs, Unresolved};
use shape::Walk;
use value::Generic;

/// A parsed spec and the name of the file it came from.
#[derive(Debug)]
pub struct Document {
    /// The file name as the user gave it; used in diagnostics and headers.
    pub file: String,
    /// The typed document, with everything its `$ref`s reach in other files
    /// and elsewhere in it brought into its `components`.
    pub api: OpenAPI,
    /// Problems that did not stop loading, not yet located (see
    /// [`Sources::finish`]).
    pub warnings: Diagnostics,
    /// The files the spec is made of, to locate problems in.
    pub sources: Sources,
    /// What `lower` needs to know of the references loading followed: why
    /// each it could not follow cannot (reported where `lower` meets it),
    /// and which components it made.
    pub refs: Refs,
}

/// The files of one spec, the root first, with their text, and where the
/// values that loading moved were written.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<(String, String)>,
    origins: Vec<bundle::Origin>,
}

impl Sources {
    /// A spec of one file so far.
    fn new(file: &str, text: &str) -> Self {
        Sources {
            files: vec![(file.to_owned(), text.to_owned())],
            origins: Vec::new(),
        }
    }

    /// The path of every file read, the root first, as diagnostics name
    /// them.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|(file, _)| file.as_str())
    }

    /// Locates every problem in the file it is in and at the line where it
    /// was written, and sorts them by file and place.
    pub fn finish(&self, diagnostics: Diagnostics) -> Diagnostics {
        let files: Vec<(&str, &str)> = self
            .files
            .iter()
            .map(|(f, t)| (f.as_str(), t.as_str()))
            .collect();
        diagnostics.finish_in(&files, &|pointer| self.origin(pointer))
    }

    /// Where a pointer into the bundled document was written, when it is in
    /// a value loading moved.
    fn origin(&self, pointer: &str) -> Option<(usize, String)> {
        self.origins
            .iter()
            .filter_map(|o| {
                let rest = pointer.strip_prefix(o.bundled.as_str())?;
                (rest.is_empty() || rest.starts_with('/')).then_some((o, rest))
            })
            .max_by_key(|(o, _)| o.bundled.len())
            .map(|(o, rest)| (o.file, format!("{}{rest}", o.pointer)))
    }
}

/// Parses `text`, read from `file`, as an OpenAPI 3.0 document.
///
/// # Errors
///
/// Every problem found while loading, located in the spec.
pub fn load(file: &str, text: &str) -> Result<Document, Diagnostics> {
    load_files(file, text, &no_files)
}

/// [`load`] for a spec whose `$ref`s may name other files, which `read`
/// reads (see [`ReadFile`]).
///
/// # Errors
///
/// Every problem found while loading, each located in the file it is in.
pub fn load_files(file: &str, text: &str, read: &ReadFile<'_>) -> Result<Document, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut sources = Sources::new(file, text);
    let Some((value, refs)) = prepare(&mut sources, read, &mut diagnostics) else {
        return Err(sources.finish(diagnostics));
    };
    // The typed parse reads the repaired value as leniently as YAML text
    // would be read (`version: 1.0` is a string where a string is
    // expected), whichever format the spec is in. Tracking the path costs
    // half as much again as the parse, and is only read when it fails: so
    // parse plainly first, and only after a failure prepare the value again
    // (a pure function of the texts, which `sources` now holds) and parse it
    // tracked.
    if let Ok(api) = <OpenAPI as serde::Deserialize>::deserialize(typed::Lenient(value)) {
        return Ok(Document {
            file: file.to_owned(),
            api,
            warnings: diagnostics,
            sources,
            refs,
        });
    }
    // The same texts prepare the same value; no new diagnostics.
    let Some((value, _)) = prepare(&mut sources, read, &mut Diagnostics::default()) else {
        return Err(sources.finish(diagnostics));
    };
    match serde_path_to_error::deserialize::<_, OpenAPI>(typed::Lenient(value)) {
        Ok(api) => Ok(Document {
            file: file.to_owned(),
            api,
            warnings: diagnostics,
            sources,
            refs,
        }),
        Err(error) => {
            // The walk checks the common fields only; fall back to where
            // serde stopped, which is at least on the way to the problem.
            let pointer = path_pointer(error.path());
            let message = strip_location(&error.inner().to_string());
            let message = message
                .split_once(": ")
                .filter(|(path, _)| !path.contains(' '))
                .map_or(message.as_str(), |(_, rest)| rest)
                .to_owned();
            diagnostics.push(Diagnostic::error(
                pointer,
                format!("the document does not match the OpenAPI 3.0 schema: {message}"),
            ));
            Err(sources.finish(diagnostics))
        }
    }
}

/// The document as a generic value, parsed, with what its `$ref`s reach
/// brought in (other files read through `read` and kept in `sources`),
/// rewritten from 3.1 if it is 3.1, and walked (repaired where lenient,
/// checked for shape); what is found goes to `diagnostics`, and why some
/// `$ref`s cannot be followed is returned with the value. `None` after an
/// error.
fn prepare(
    sources: &mut Sources,
    read: &ReadFile<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<(Value, Refs)> {
    let text = &sources.files[0].1;
    let is_json = text.trim_start().starts_with('{');
    let mut value = match parse_generic(text, is_json) {
        Ok(value) => value,
        Err(error) => {
            diagnostics.push(*error);
            return None;
        }
    };
    // Only an OpenAPI 3 document is bundled; anything else is refused by
    // the version check below.
    let mut refs = Refs::default();
    let mut pointed_into = std::collections::HashSet::new();
    let is_3 = value
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with('3'));
    if is_3 {
        let bundled = bundle::bundle(&mut value, &mut sources.files, read);
        sources.origins = bundled.origins;
        refs = bundled.refs;
        pointed_into = bundled.pointed_into;
        let failed = bundled
            .diagnostics
            .iter()
            .any(|d| d.severity == crate::Severity::Error && d.pointer.is_none());
        for diagnostic in bundled.diagnostics {
            diagnostics.push(diagnostic);
        }
        // Another file that is not YAML or JSON stops loading, as the root
        // would.
        if failed {
            return None;
        }
    }
    // OpenAPI 3.1 is rewritten into its 3.0 spelling before anything else
    // looks at it; what the rewrite drops is said.
    let is_31 = crate::downgrade::is_31(&value);
    if is_31 {
        for (pointer, message) in crate::downgrade::downgrade(&mut value) {
            diagnostics.push(Diagnostic::warning(pointer, message));
        }
    }
    if let Some(error) = check_version(&value) {
        diagnostics.push(error);
        return None;
    }
    let walk = Walk::document(&mut value, is_31);
    for warning in walk.warnings.iter().cloned() {
        diagnostics.push(warning);
    }
    unused_components(&value, &walk, &pointed_into, diagnostics);
    if !walk.shape_errors.is_empty() {
        for shape_error in walk.shape_errors {
            diagnostics.push(shape_error);
        }
        return None;
    }
    Some((value, refs))
}

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
                let location = location.map(|at| second_key_position(text, message, at));
                let diagnostic = Diagnostic::document_error(
                    format!("the file is not valid YAML: {message}"),
                    location,
                );
                // Tabs are the most common cause of "cannot start any token".
                let tab_indented = location
                    .and_then(|(line, _)| text.lines().nth(line.saturating_sub(1)))
                    .is_some_and(|line| {
                        line.chars()
                            .take_while(|c| c.is_whitespace())
                            .any(|c| c == '\t')
                    });
                Box::new(if tab_indented {
                    diagnostic.with_hint("YAML indents with spaces; replace the tabs on this line")
                } else {
                    diagnostic
                })
            })
    }
}

/// The YAML parser places a duplicate key at the start of its mapping; the
/// user wants the second occurrence, the one to remove. It is the second
/// line in that mapping, at the mapping's column, that starts with the key.
fn second_key_position(
    text: &str,
    message: &str,
    (line, column): (usize, usize),
) -> (usize, usize) {
    let Some(key) = message
        .strip_prefix("the key `")
        .and_then(|rest| rest.strip_suffix("` appears twice in one mapping"))
    else {
        return (line, column);
    };
    let spellings = [
        format!("{key}:"),
        format!("'{key}':"),
        format!("\"{key}\":"),
    ];
    text.lines()
        .enumerate()
        .skip(line.saturating_sub(1))
        .filter(|(_, l)| {
            let indent = l.len() - l.trim_start_matches(' ').len();
            indent + 1 == column
                && spellings
                    .iter()
                    .any(|s| l.trim_start_matches(' ').starts_with(s.as_str()))
        })
        .nth(1)
        .map_or((line, column), |(i, _)| (i + 1, column))
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
    } else {
        "this generator reads OpenAPI 3.0.x and 3.1.x documents"
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
///
/// A component that a dangling `$ref` was probably meant for (the one its
/// "did you mean" names, as lowering reports it) is unused because of that
/// typo: the warning says it follows from the `$ref`.
fn unused_components(
    document: &Value,
    walk: &Walk,
    pointed_into: &std::collections::HashSet<String>,
    diagnostics: &mut Diagnostics,
) {
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
        let names = || entries.keys().filter_map(Value::as_str);
        // Dangling references into this section, by the name they most
        // likely meant.
        let prefix = format!("{base}/");
        let mut meant: Vec<(&str, &String)> = Vec::new();
        let mut dangling: Vec<(&String, &String)> = walk
            .refs
            .iter()
            .filter(|(target, _)| {
                target
                    .strip_prefix(&prefix)
                    .is_some_and(|name| !entries.contains_key(name))
            })
            .collect();
        dangling.sort();
        for (target, at) in dangling {
            if let Some(name) = closest(&target[prefix.len()..], names()) {
                meant.push((name, at));
            }
        }
        for name in names() {
            let escaped = pointer_join(&base, name);
            let plain = format!("{base}/{name}");
            // A `$ref` to a place inside the component uses it too.
            if !walk.refs.contains_key(&escaped)
                && !walk.refs.contains_key(&plain)
                && !pointed_into.contains(&escaped)
            {
                let mut warning = Diagnostic::warning(
                    escaped,
                    format!("{noun} `{name}` is not referenced anywhere; {effect}"),
                )
                .with_summary("components are not referenced anywhere (a schema is still generated as a type; the others have no effect)");
                if let Some((_, at)) = meant.iter().find(|(meant, _)| *meant == name) {
                    warning = warning.caused_by(at);
                }
                diagnostics.push(warning);
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

#[cfg(test)]
mod tests {
    use super::load;

    const HEAD: &str = "openapi: 3.0.3\ninfo:\n  title: T\n  version: 1.0\n";

    #[test]
    fn yaml_scalars_read_as_strings_where_strings_are_expected() {
        let text = format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Code:\n      type: string\n      enum: [1, 2]\n    Big:\n      type: integer\n      minimum: -9223372036854776000\n      maximum: 18446744073709552000\n"
        );
        let document = load("t.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(document.api.info.version, "1.0");
        let schemas = &document.api.components.unwrap().schemas;
        assert!(schemas.contains_key("Code") && schemas.contains_key("Big"));
    }

    #[test]
    fn empty_optional_values_are_not_given() {
        let text = format!(
            "{HEAD}paths:\n  /a:\n    get:\n      summary:\n      requestBody:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\ncomponents:\n  schemas:\n    A:\n      type: object\n      description:\n      properties:\n      required:\n      minimum:\n      items:\n"
        );
        load("t.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
        let text =
            format!("{HEAD}paths:\n  /a:\n    get:\n      deprecated:\n      responses: {{}}\n");
        let errors = load("t.yaml", &text).unwrap_err();
        assert!(
            errors
                .to_string()
                .contains("`deprecated` must be `true` or `false`, found null"),
            "{errors}"
        );
    }

    #[test]
    fn nested_type_errors_are_reported_where_they_are() {
        // A field of the wrong type deep in a request body: serde alone
        // reports it at `paths`.
        let body = "paths:\n  /a:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              properties:\n                name:\n                  type: string\n                  FLAG\n      responses:\n        '200':\n          description: ok\n";
        let text = format!("{HEAD}{}", body.replace("FLAG", "deprecated: yes"));
        let errors = load("t.yaml", &text).unwrap_err();
        let error = errors.iter().next().unwrap();
        let at = "#/paths/~1a/post/requestBody/content/application~1json/schema/properties/name";
        assert_eq!(error.pointer.as_deref(), Some(&*format!("{at}/deprecated")));
        assert_eq!(error.location, Some((16, 19)));

        // Swagger 2.0's `required: true` there has one reading, which the
        // generator takes, with a warning where it is.
        let text = format!("{HEAD}{}", body.replace("FLAG", "required: true"));
        let document = load("t.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
        let warning = document.warnings.iter().next().unwrap();
        assert_eq!(warning.pointer.as_deref(), Some(&*format!("{at}/required")));
        assert!(warning.message.contains("Swagger 2.0"), "{warning}");
        let operation = serde_json::to_value(&document.api.paths.paths["/a"]).unwrap();
        let schema = &operation["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(schema["required"], serde_json::json!(["name"]));
    }

    #[test]
    fn a_trailing_member_that_admits_only_null_makes_the_schema_nullable() {
        let text = format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      oneOf:\n        - $ref: '#/components/schemas/B'\n        - type: object\n          nullable: true\n          enum: [null]\n    V:\n      oneOf:\n        - type: string\n        - type: number\n        - enum: [null]\n    B:\n      type: string\n"
        );
        let document = load("t.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
        assert!(
            document
                .warnings
                .iter()
                .all(|w| w.message.contains("not referenced")),
            "{}",
            document.warnings
        );
        let schemas = &document.api.components.unwrap().schemas;
        let a = serde_json::to_value(&schemas["A"]).unwrap();
        assert_eq!(a["nullable"], true);
        assert_eq!(a["allOf"][0]["$ref"], "#/components/schemas/B");
        let v = serde_json::to_value(&schemas["V"]).unwrap();
        assert_eq!(v["nullable"], true);
        assert_eq!(v["oneOf"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn ref_siblings_are_honoured_with_a_warning() {
        let text = format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          $ref: '#/components/schemas/B'\n          nullable: true\n          description: The B.\n          properties: {{}}\n    B:\n      type: string\n"
        );
        let document = load("t.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
        let warning = document.warnings.iter().next().unwrap();
        assert!(
            warning
                .message
                .contains("honours `nullable` and `description`, but ignores `properties`"),
            "{}",
            warning.message
        );
        let schemas = &document.api.components.unwrap().schemas;
        let a = serde_json::to_value(&schemas["A"]).unwrap();
        let b = &a["properties"]["b"];
        assert_eq!(b["nullable"], true);
        assert_eq!(b["description"], "The B.");
        assert_eq!(b["allOf"][0]["$ref"], "#/components/schemas/B");
    }
}
