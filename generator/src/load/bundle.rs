//! Brings everything a spec's `$ref`s reach into the one document the rest
//! of the generator reads.
//!
//! `openapiv3` and `lower` know one kind of reference: an entry of the root
//! document's `components` (`#/components/schemas/Lead`). Real specs point
//! elsewhere too: inside other components (`#/components/schemas/Tag/allOf/0`,
//! `#/components/parameters/limit/schema`), at operations' parts, and into
//! other files (`./schemas/lead.yaml`, `../common.yaml#/components/schemas/Id`).
//! This pass, on the generic values before the walk, resolves every such
//! reference and **hoists** what it reaches into a component of the root
//! document, named from where it was (`TagAllOf0`, `LimitParameter`, `Lead`),
//! leaving a `$ref` to the component in its place: two references that reach
//! one place share one component, a cycle through such references is a
//! cycle between components (which `lower` boxes or reports), and `lower`
//! never sees anything but `#/components/...`. Path items and security
//! schemes, which `lower` reads in place, are copied into the place of their
//! `$ref` instead.
//!
//! Other files are read through the caller's [`ReadFile`] (the library does
//! no I/O), relative to the file that names them, and parsed as YAML or JSON;
//! a `$ref` inside a file is relative to that file. URLs are refused: there is
//! no network at generation time.
//!
//! Every value that moves is recorded in an [`Origin`], so a diagnostic about
//! it is reported in the file and at the pointer where it was written. A
//! reference that cannot be followed is kept, with why ([`Unresolved`]);
//! `lower`, which reports dangling references where it meets them, says so.

use std::collections::{HashMap, HashSet};

use serde_yaml::{Mapping, Value};

use super::shape::{field, key_text, Field, Kind};
use crate::diagnostics::{closest, pointer_join, Diagnostic, Related};

/// Reads another file of a spec split over several: given its path as the
/// spec names it (relative to the working directory, like the root file's
/// path in [`crate::Options::spec_file`]), its text or why it cannot be read.
pub type ReadFile<'a> = dyn Fn(&str) -> Result<String, String> + 'a;

/// A reader for a spec given as one text: every other file is missing.
pub fn no_files(path: &str) -> Result<String, String> {
    Err(format!(
        "the generator was given only the root file, not `{path}`"
    ))
}

/// Where a moved value was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    /// Its pointer in the bundled document.
    pub(crate) bundled: String,
    /// The index of its file in [`super::Sources`].
    pub(crate) file: usize,
    /// Its pointer in that file.
    pub(crate) pointer: String,
}

/// Why a `$ref` could not be followed, for the error `lower` reports where
/// it meets the reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// Where resolution stopped, when that is a place in some file.
    pub related: Option<Related>,
}

/// What lowering needs to know about the references loading followed.
#[derive(Debug, Clone, Default)]
pub struct Refs {
    /// Why each `$ref` that could not be followed cannot, by the reference
    /// as it now reads.
    pub unresolved: HashMap<String, Unresolved>,
    /// The keys of the schema components loading made from places the spec
    /// refers to (rather than the spec's own components), each with where it
    /// was written (`schemas/pet.yaml`, `#/components/schemas/Tag/allOf/0`).
    /// One that is only a scalar (`type: string`) is read as that scalar
    /// where it is used, not as a type of its own.
    pub hoisted_schemas: HashMap<String, String>,
}

/// The components sections values are hoisted into, by kind.
fn section(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Schema => "schemas",
        Kind::Parameter => "parameters",
        Kind::RequestBody => "requestBodies",
        Kind::Response => "responses",
        Kind::Header => "headers",
        Kind::Example => "examples",
        _ => return None,
    })
}

/// What a `$ref` of `kind` stands for, in a sentence.
fn noun(kind: Kind) -> &'static str {
    kind.describe()
}

/// One file of the spec.
struct FileDoc {
    /// Its path as diagnostics name it.
    label: String,
    /// Its path with `.` and `..` taken out, to tell two spellings of one
    /// file apart from two files.
    key: String,
    /// `None` when it cannot be read or is not valid YAML or JSON; the
    /// error says why.
    value: Option<Value>,
    error: Option<String>,
    /// Whether it is an OpenAPI document itself (`openapi` at its top), so
    /// pointers into it have a known kind.
    is_openapi: bool,
}

/// A place in one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Place {
    file: usize,
    pointer: String,
}

/// A `$ref` (or a reference written as a plain string) somewhere in some
/// file.
struct Site {
    at: Place,
    kind: Kind,
    reference: String,
    /// Set when the reference is a string, not a `$ref` object: what holds it.
    string: Option<StringRef>,
    resolution: Resolution,
}

/// Where a reference is written as a plain string, rewritten in place to
/// the root pointer it reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StringRef {
    /// A discriminator's `mapping` value.
    Mapping,
    /// The `schema` of a parameter's `x-field-selection`
    /// ([`crate::lower::extensions`]), which `lower` reads as a pointer to a
    /// component schema.
    FieldSelection,
}

enum Resolution {
    /// Not looked at yet.
    Pending,
    /// An entry of the root document's `components` (or something `lower`
    /// reports): the reference is written as this root pointer.
    Root(String),
    /// A value hoisted into a component: the index into `Bundler::targets`.
    Hoisted(usize),
    /// A path item or security scheme copied into the place of the `$ref`.
    Inlined(Place),
    /// A reference left as it is: kinds `lower` does not follow.
    Kept,
    /// Cannot be followed: the reference as rewritten, and why.
    Failed(String, Unresolved),
}

/// A value that becomes a component.
struct Target {
    place: Place,
    kind: Kind,
    /// The component key, once named.
    key: String,
    /// Whether it takes the place of a component of the root that is only
    /// a `$ref` to it, under that component's name.
    homed: bool,
}

/// What bundling made of a document.
pub(crate) struct Bundled {
    pub(crate) origins: Vec<Origin>,
    /// The components of the root a `$ref` in the root points inside
    /// (resolved or not): they are in use.
    pub(crate) pointed_into: HashSet<String>,
    pub(crate) refs: Refs,
    /// Problems found in other files (syntax errors) and with references of
    /// kinds `lower` does not follow; each already names its file.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

struct Bundler<'r> {
    files: Vec<FileDoc>,
    /// The texts of the files, shared with `Sources`: index → (label, text).
    texts: &'r mut Vec<(String, String)>,
    read: &'r ReadFile<'r>,
    /// The places whose references are recorded.
    scanned: HashSet<Place>,
    sites: Vec<Site>,
    targets: Vec<Target>,
    target_index: HashMap<Place, usize>,
    diagnostics: Vec<Diagnostic>,
}

/// Bundles `root` (the parsed root file, `texts[0]`) in place. `texts` holds
/// the text of every file read so far and gains the ones read now, so a
/// second run reads nothing again.
pub(crate) fn bundle(
    root: &mut Value,
    texts: &mut Vec<(String, String)>,
    read: &ReadFile<'_>,
) -> Bundled {
    let label = texts.first().map(|(l, _)| l.clone()).unwrap_or_default();
    let mut bundler = Bundler {
        files: vec![FileDoc {
            key: join_path("", &label),
            label,
            value: Some(std::mem::take(root)),
            error: None,
            is_openapi: true,
        }],
        texts,
        read,
        scanned: HashSet::new(),
        sites: Vec::new(),
        targets: Vec::new(),
        target_index: HashMap::new(),
        diagnostics: Vec::new(),
    };
    bundler.scan(0, "#", Kind::Document);
    let mut next = 0;
    while next < bundler.sites.len() {
        bundler.resolve(next);
        next += 1;
    }
    let bundled = bundler.rewrite();
    *root = bundler.files[0].value.take().unwrap_or(Value::Null);
    bundled
}

/// The unescaped segments of a pointer (`#/a~1b/c` → `["a/b", "c"]`).
fn segments(pointer: &str) -> Vec<String> {
    let rest = pointer.strip_prefix('#').unwrap_or(pointer);
    if rest.is_empty() {
        return Vec::new();
    }
    rest.strip_prefix('/')
        .unwrap_or(rest)
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// `#` and `segments`, escaped.
fn pointer_of(segments: &[String]) -> String {
    segments
        .iter()
        .fold("#".to_owned(), |at, s| pointer_join(&at, s))
}

/// A URI fragment's percent-encoding undone (`%7Bid%7D` → `{id}`).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let value = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(value as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a reference names a URL rather than a file.
fn is_url(reference: &str) -> bool {
    let path = reference.split('#').next().unwrap_or("");
    path.starts_with("//")
        || path.split_once(':').is_some_and(|(scheme, _)| {
            scheme.len() > 1
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

/// The path of `relative` as seen from the file `from` (`specs/a.yaml` +
/// `../b.yaml` → `b.yaml`), with `.` and `..` taken out.
fn join_path(from: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = if relative.starts_with('/') {
        Vec::new()
    } else {
        let mut dir: Vec<&str> = from.split('/').collect();
        dir.pop();
        dir
    };
    let absolute = relative.starts_with('/') || from.starts_with('/');
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != ".." && !p.is_empty()) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let joined = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// The kind of the object at `segments` of an OpenAPI document, when the
/// place is one the OpenAPI structure names.
fn kind_at(segments: &[String]) -> Option<Kind> {
    let mut kind = Kind::Document;
    let mut i = 0;
    while i < segments.len() {
        let key = segments[i].as_str();
        if kind == Kind::Callback {
            kind = Kind::PathItem;
            i += 1;
            continue;
        }
        match field(kind, key) {
            Field::Node(child) => {
                kind = child;
                i += 1;
            }
            Field::SingleSchema | Field::BoolOrSchema => {
                kind = Kind::Schema;
                i += 1;
            }
            Field::MapOf(child) | Field::ListOf(child) => {
                if i + 1 == segments.len() {
                    return None;
                }
                kind = child;
                i += 2;
            }
            _ => return None,
        }
    }
    Some(kind)
}

/// The entry of the root's `components` a pointer names, when it names one
/// (`#/components/schemas/Lead` → `("schemas", "Lead")`).
fn component(segments: &[String]) -> Option<(&str, &str)> {
    match segments {
        [components, section, name] if components == "components" => Some((section, name)),
        _ => None,
    }
}

/// Why `segments` do not lead anywhere in `value`: the index of the first
/// segment that fails, what is there instead, and a hint.
struct Miss {
    at: usize,
    message: String,
    hint: Option<String>,
}

/// Follows `segments` in `value`, a document that messages call `file`
/// (empty for the root, whose pointers stand alone).
fn navigate<'v>(value: &'v Value, segments: &[String], file: &str) -> Result<&'v Value, Miss> {
    let written = |pointer: &str| match (file, pointer) {
        ("", pointer) => pointer.to_owned(),
        (file, "#") => file.to_owned(),
        (file, pointer) => format!("{file}{pointer}"),
    };
    let mut current = value;
    for (i, segment) in segments.iter().enumerate() {
        let pointer = pointer_of(&segments[..i]);
        let here = written(&pointer);
        if let Some(reference) = current.get("$ref").and_then(Value::as_str) {
            return Err(Miss {
                at: i,
                message: format!("`{here}` is itself a `$ref` (to `{reference}`), which a JSON pointer does not pass through"),
                hint: Some(format!("point into the value `{reference}` names instead")),
            });
        }
        let next = match current {
            Value::Mapping(map) => match map.get(segment.as_str()) {
                Some(next) => next,
                None => {
                    let names = map.keys().map(key_text);
                    return Err(Miss {
                        at: i,
                        message: format!("`{here}` has no `{segment}`"),
                        hint: closest(segment, names).map(|name| {
                            format!("did you mean `{}`?", written(&pointer_join(&pointer, name)))
                        }),
                    });
                }
            },
            Value::Sequence(items) => {
                match segment.parse::<usize>().ok().and_then(|n| items.get(n)) {
                    Some(next) => next,
                    None => {
                        return Err(Miss {
                            at: i,
                            message: format!(
                                "`{here}` is a list of {} item(s), which has no item `{segment}`",
                                items.len()
                            ),
                            hint: None,
                        })
                    }
                }
            }
            _ => {
                return Err(Miss {
                    at: i,
                    message: format!("`{here}` is a single value, with nothing inside it"),
                    hint: None,
                })
            }
        };
        current = next;
    }
    Ok(current)
}

fn navigate_mut<'v>(value: &'v mut Value, segments: &[String]) -> Option<&'v mut Value> {
    let mut current = value;
    for segment in segments {
        current = match current {
            Value::Mapping(map) => map.get_mut(segment.as_str())?,
            Value::Sequence(items) => items.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// Words for a component name from where a value was (`Tag` `allOf` `0` →
/// `Tag AllOf 0`): `properties`, `content` with its media type, and `schema`
/// say nothing a name needs.
fn name_words(segments: &[String]) -> Vec<String> {
    let mut words = Vec::new();
    let mut i = 0;
    while i < segments.len() {
        let segment = segments[i].as_str();
        match segment {
            "properties" | "schema" | "paths" | "components" | "definitions" | "$defs" => {}
            "content" => i += 1,
            "items" => words.push("Item".to_owned()),
            "additionalProperties" => words.push("Value".to_owned()),
            "requestBody" => words.push("Body".to_owned()),
            "responses" => {
                if let Some(code) = segments.get(i + 1) {
                    words.push(format!("Status {code} Response"));
                    i += 1;
                }
            }
            other => words.push(other.to_owned()),
        }
        i += 1;
    }
    words
}

impl Bundler<'_> {
    /// Records every `$ref` under `pointer` of file `file`, a value of `kind`.
    fn scan(&mut self, file: usize, pointer: &str, kind: Kind) {
        let Some(root) = self.files[file].value.as_ref() else {
            return;
        };
        let Some(start) = navigate(root, &segments(pointer), "").ok() else {
            return;
        };
        let mut found = Vec::new();
        let mut stack: Vec<(&Value, String, Kind)> = vec![(start, pointer.to_owned(), kind)];
        while let Some((value, at, kind)) = stack.pop() {
            let Some(map) = value.as_mapping() else {
                continue;
            };
            if kind.may_be_ref() && map.contains_key("$ref") {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    found.push((at, kind, reference.to_owned(), None));
                }
                continue;
            }
            match kind {
                Kind::Callback => {
                    for (key, child) in map {
                        if !key_text(key).starts_with("x-") {
                            stack.push((child, pointer_join(&at, key_text(key)), Kind::PathItem));
                        }
                    }
                    continue;
                }
                Kind::SecurityRequirement => continue,
                Kind::Discriminator => {
                    let entries = map.get("mapping").and_then(Value::as_mapping);
                    for (key, target) in entries.into_iter().flatten() {
                        let Some(target) = target.as_str() else {
                            continue;
                        };
                        let file_like = [".yaml", ".yml", ".json"]
                            .iter()
                            .any(|e| target.split('#').next().unwrap_or("").ends_with(e));
                        if target.contains('#') || file_like {
                            let at = pointer_join(&pointer_join(&at, "mapping"), key_text(key));
                            found.push((
                                at,
                                Kind::Schema,
                                target.to_owned(),
                                Some(StringRef::Mapping),
                            ));
                        }
                    }
                    continue;
                }
                _ => {}
            }
            // The one extension that names a schema: a split spec points it
            // into another file like any `$ref`.
            if kind == Kind::Parameter {
                let selection = map.get("x-field-selection").and_then(Value::as_mapping);
                if let Some(target) = selection
                    .and_then(|m| m.get("schema"))
                    .and_then(Value::as_str)
                {
                    let at = pointer_join(&pointer_join(&at, "x-field-selection"), "schema");
                    found.push((
                        at,
                        Kind::Schema,
                        target.to_owned(),
                        Some(StringRef::FieldSelection),
                    ));
                }
            }
            // Children are pushed last first, so they are visited (and their
            // references recorded) in spec order.
            let mut children: Vec<(&Value, String, Kind)> = Vec::new();
            for (key, child) in map {
                let key = key_text(key);
                if key.starts_with("x-") {
                    continue;
                }
                let child_at = pointer_join(&at, key);
                match field(kind, key) {
                    Field::Node(k) => children.push((child, child_at, k)),
                    Field::SingleSchema | Field::BoolOrSchema => {
                        children.push((child, child_at, Kind::Schema))
                    }
                    Field::MapOf(k) => {
                        for (name, item) in child.as_mapping().into_iter().flatten() {
                            let name = key_text(name);
                            if name.starts_with("x-")
                                && matches!(
                                    (kind, key),
                                    (Kind::Document, "paths") | (Kind::Operation, "responses")
                                )
                            {
                                continue;
                            }
                            children.push((item, pointer_join(&child_at, name), k));
                        }
                    }
                    Field::ListOf(k) => {
                        for (i, item) in child.as_sequence().into_iter().flatten().enumerate() {
                            children.push((item, format!("{child_at}/{i}"), k));
                        }
                    }
                    _ => {}
                }
            }
            stack.extend(children.into_iter().rev());
        }
        for (pointer, kind, reference, string) in found {
            self.sites.push(Site {
                at: Place { file, pointer },
                kind,
                reference,
                string,
                resolution: Resolution::Pending,
            });
        }
    }

    /// Records the references under `place` unless that was done.
    fn scan_once(&mut self, place: &Place, kind: Kind) {
        if self.scanned.insert(place.clone()) {
            self.scan(place.file, &place.pointer, kind);
        }
    }

    /// The index of the file at `label`, read and parsed on first use.
    fn file(&mut self, label: &str) -> Result<usize, String> {
        let index = match self.files.iter().position(|f| f.key == label) {
            Some(index) => index,
            None => {
                let text = match self.texts.iter().find(|(l, _)| l == label) {
                    Some((_, text)) => Ok(text.clone()),
                    None => (self.read)(label).inspect(|text| {
                        self.texts.push((label.to_owned(), text.clone()));
                    }),
                };
                let (value, error) = match text {
                    Ok(text) => {
                        let is_json = text.trim_start().starts_with('{');
                        match super::parse_generic(&text, is_json) {
                            Ok(value) => (Some(value), None),
                            Err(mut syntax) => {
                                // Reported once, in that file.
                                syntax.file = label.to_owned();
                                self.diagnostics.push(*syntax);
                                (
                                    None,
                                    Some(
                                        "it is not valid YAML or JSON (see the error there)"
                                            .to_owned(),
                                    ),
                                )
                            }
                        }
                    }
                    Err(why) => (None, Some(why)),
                };
                let is_openapi = value
                    .as_ref()
                    .and_then(Value::as_mapping)
                    .is_some_and(|m| m.contains_key("openapi") || m.contains_key("swagger"));
                self.files.push(FileDoc {
                    label: label.to_owned(),
                    key: label.to_owned(),
                    value,
                    error,
                    is_openapi,
                });
                self.files.len() - 1
            }
        };
        match &self.files[index].error {
            Some(why) => Err(why.clone()),
            None => Ok(index),
        }
    }

    fn resolve(&mut self, index: usize) {
        let site = &self.sites[index];
        let (kind, reference, from) = (site.kind, site.reference.clone(), site.at.file);
        let reported = self.diagnostics.len();
        let resolution = self.resolution(kind, &reference, from);
        // A file first read for this reference that is not YAML or JSON:
        // its error says who named it.
        let site = &self.sites[index];
        for error in &mut self.diagnostics[reported..] {
            error.related = Some(Related {
                label: "named by the `$ref`".to_owned(),
                file: self.files[site.at.file].label.clone(),
                pointer: site.at.pointer.clone(),
                location: None,
            });
        }
        self.sites[index].resolution = resolution;
    }

    fn failed(reference: &str, message: String, hint: Option<String>) -> Resolution {
        Resolution::Failed(
            reference.to_owned(),
            Unresolved {
                message,
                hint,
                related: None,
            },
        )
    }

    fn resolution(&mut self, kind: Kind, reference: &str, from: usize) -> Resolution {
        if is_url(reference) {
            return Self::failed(
                reference,
                format!("`$ref: {reference}` is a URL; the generator reads no network, only files"),
                Some("save the document next to the spec and refer to it by a relative path (`./common.yaml#/components/schemas/Name`)".to_owned()),
            );
        }
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return Self::failed(
                reference,
                format!("`$ref: {reference}` names an anchor (`#{fragment}`), not a JSON pointer, which the generator does not follow"),
                Some("point at the value with a JSON pointer: `#/components/schemas/Name`".to_owned()),
            );
        }
        let pointer = format!("#{}", percent_decode(fragment));
        let segments = segments(&pointer);
        let file = if path.is_empty() {
            from
        } else {
            let label = join_path(&self.files[from].key, &percent_decode(path));
            match self.file(&label) {
                Ok(file) => file,
                Err(why) => {
                    let written = format!(
                        "{label}{}",
                        if fragment.is_empty() {
                            String::new()
                        } else {
                            format!("#{fragment}")
                        }
                    );
                    return Self::failed(
                        &written,
                        format!("`$ref: {reference}` names the file `{label}`, which cannot be read: {why}"),
                        Some("refer to other files by their path relative to the file the `$ref` is in".to_owned()),
                    );
                }
            }
        };
        // The written form of the reference from the root file, for messages.
        let written = if file == 0 {
            pointer.clone()
        } else {
            format!("{}{pointer}", self.files[file].label)
        };
        let unchecked = matches!(kind, Kind::Header | Kind::Example);
        if file == 0 && !unchecked {
            // An entry of the root's components, in its own section or not:
            // `lower` resolves it, and reports a typo or a wrong section
            // with a "did you mean".
            if component(&segments).is_some() {
                return Resolution::Root(pointer);
            }
        }
        if !kind.may_be_ref() || matches!(kind, Kind::Callback | Kind::Link) {
            return Resolution::Kept;
        }
        let known = if file == 0 || self.files[file].is_openapi {
            kind_at(&segments)
        } else {
            None
        };
        let Some(document) = self.files[file].value.as_ref() else {
            return Resolution::Kept;
        };
        let label = if file == 0 {
            ""
        } else {
            self.files[file].label.as_str()
        };
        if let Err(miss) = navigate(document, &segments, label) {
            let stopped = pointer_of(&segments[..miss.at]);
            return Resolution::Failed(
                written.clone(),
                Unresolved {
                    message: format!(
                        "`$ref` points at `{written}`, which does not exist: {}",
                        miss.message
                    ),
                    hint: miss.hint,
                    related: Some(Related {
                        label: "the pointer reaches no further than the value".to_owned(),
                        file: self.files[file].label.clone(),
                        pointer: stopped,
                        location: None,
                    }),
                },
            );
        }
        if let Ok(value) = navigate(document, &segments, label) {
            if !value.is_mapping() {
                return Self::failed(
                    &written,
                    format!(
                        "`$ref` points at `{written}`, which is a single value, where {} belongs",
                        noun(kind)
                    ),
                    Some(format!("point at {} (a mapping) here", noun(kind))),
                );
            }
        }
        if let Some(found) = known.filter(|k| *k != kind) {
            return Self::failed(
                &written,
                format!(
                    "`$ref` points at `{written}`, which is {}, where {} belongs",
                    noun(found),
                    noun(kind)
                ),
                Some(format!("point at {} here", noun(kind))),
            );
        }
        if file == 0 && component(&segments).is_some() {
            // A header or example component of the root: it exists.
            return Resolution::Root(pointer);
        }
        let place = Place { file, pointer };
        if section(kind).is_some() {
            if let Some(&target) = self.target_index.get(&place) {
                return match self.targets[target].kind == kind {
                    true => Resolution::Hoisted(target),
                    false => Self::failed(
                        &written,
                        format!(
                            "`$ref` points at `{written}` as {}, which another `$ref` uses as {}",
                            noun(kind),
                            noun(self.targets[target].kind)
                        ),
                        None,
                    ),
                };
            }
            let target = self.targets.len();
            self.targets.push(Target {
                place: place.clone(),
                kind,
                key: String::new(),
                homed: false,
            });
            self.target_index.insert(place.clone(), target);
            // What the root's own structure holds was scanned with the root.
            if file != 0 || known.is_none() {
                self.scan_once(&place, kind);
            }
            return Resolution::Hoisted(target);
        }
        // A path item or a security scheme: copied in place, in the root's
        // `paths` and `components.securitySchemes` only.
        if file != 0 || known.is_none() {
            self.scan_once(&place, kind);
        }
        Resolution::Inlined(place)
    }

    /// The pointer of the component a target becomes.
    fn component_pointer(&self, target: usize) -> String {
        let t = &self.targets[target];
        let section = section(t.kind).unwrap_or("schemas");
        pointer_join(&format!("#/components/{section}"), &t.key)
    }

    /// Names each target's component: from its place, unique in its section
    /// of the root's `components` (and, for schemas, as a Rust type name).
    fn name_targets(&mut self) {
        let mut taken: HashMap<&'static str, HashSet<String>> = HashMap::new();
        let components = self.files[0]
            .value
            .as_ref()
            .and_then(|v| v.get("components"))
            .and_then(Value::as_mapping);
        for kind in [
            Kind::Schema,
            Kind::Parameter,
            Kind::RequestBody,
            Kind::Response,
            Kind::Header,
            Kind::Example,
        ] {
            let section = section(kind).unwrap_or("schemas");
            let names = components
                .and_then(|c| c.get(section))
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
                .flat_map(|(k, _)| {
                    let k = key_text(k).to_owned();
                    [crate::naming::type_name(&k), k]
                })
                .collect();
            taken.insert(section, names);
        }
        // A component of the root that is only a `$ref` to a value that
        // moves (`Pet: {$ref: ./pet.yaml}`, the usual way to name another
        // file's schema) is where the value goes, under that name: no alias.
        for site in &self.sites {
            let Resolution::Hoisted(target) = site.resolution else {
                continue;
            };
            let segments = segments(&site.at.pointer);
            let homed = site.at.file == 0
                && site.string.is_none()
                && !self.targets[target].homed
                && component(&segments)
                    .is_some_and(|(sec, _)| Some(sec) == section(self.targets[target].kind));
            let only_ref = self.files[0]
                .value
                .as_ref()
                .and_then(|v| navigate(v, &segments, "").ok())
                .and_then(Value::as_mapping)
                .is_some_and(|m| m.len() == 1);
            if homed && only_ref {
                self.targets[target].homed = true;
                self.targets[target].key = segments[2].clone();
            }
        }
        for target in 0..self.targets.len() {
            if self.targets[target].homed {
                continue;
            }
            let t = &self.targets[target];
            let label = &self.files[t.place.file].label;
            let segments = segments(&t.place.pointer);
            let mut words = match segments.as_slice() {
                // A whole file is named after the file.
                [] => {
                    let stem = label.rsplit('/').next().unwrap_or(label);
                    vec![stem.split('.').next().unwrap_or(stem).to_owned()]
                }
                [c, sec, name, rest @ ..] if c == "components" => {
                    let mut words = vec![name.clone()];
                    words.extend(name_words(rest));
                    // A schema inside a parameter, response, body or header
                    // says what it belongs to.
                    let owner = match (sec.as_str(), t.kind) {
                        ("parameters", Kind::Schema) => Some("Parameter"),
                        ("responses", Kind::Schema) => Some("Response"),
                        ("requestBodies", Kind::Schema) => Some("Body"),
                        ("headers", Kind::Schema) => Some("Header"),
                        _ => None,
                    };
                    words.extend(owner.map(str::to_owned));
                    words
                }
                [paths, path, rest @ ..] if paths == "paths" => {
                    let mut words = name_words(rest);
                    if let Some(method) = words.first().cloned() {
                        words[0] = format!("{method} {path}");
                    } else {
                        words.push(path.clone());
                    }
                    words
                }
                other => name_words(other),
            };
            if words.is_empty() {
                words.push(format!("{} Component", noun(t.kind)));
            }
            let base = crate::naming::type_name(&words.join(" "));
            let section = section(t.kind).unwrap_or("schemas");
            let names = taken.entry(section).or_default();
            let mut key = base.clone();
            let mut n = 1;
            while names.contains(&key) || names.contains(&crate::naming::type_name(&key)) {
                n += 1;
                let separator = if base.ends_with(|c: char| c.is_ascii_digit()) {
                    "_"
                } else {
                    ""
                };
                key = format!("{base}{separator}{n}");
            }
            names.insert(crate::naming::type_name(&key));
            names.insert(key.clone());
            self.targets[target].key = key;
        }
    }

    /// Applies every resolution: references rewritten, values hoisted into
    /// the root's components, path items and security schemes copied.
    fn rewrite(&mut self) -> Bundled {
        self.name_targets();
        let labels: Vec<String> = self.files.iter().map(|f| f.label.clone()).collect();
        // Origins name a file by its place among the texts read, which
        // leaves out files that could not be read.
        let text_of: Vec<usize> = labels
            .iter()
            .map(|label| self.texts.iter().position(|(l, _)| l == label).unwrap_or(0))
            .collect();
        let mut refs = Refs::default();
        let mut diagnostics = std::mem::take(&mut self.diagnostics);
        let mut inline_sites = Vec::new();
        // References first, while every pointer is still where it was written.
        for index in 0..self.sites.len() {
            let written = match &self.sites[index].resolution {
                Resolution::Root(pointer) => Some(pointer.clone()),
                Resolution::Hoisted(target) => Some(self.component_pointer(*target)),
                Resolution::Failed(written, why) => {
                    let site = &self.sites[index];
                    if site.string == Some(StringRef::FieldSelection) {
                        // `lower` reports it where it reads the extension.
                        refs.unresolved.insert(written.clone(), why.clone());
                    } else if site.string == Some(StringRef::Mapping)
                        || matches!(site.kind, Kind::Header | Kind::Example)
                    {
                        // `lower` reads neither headers nor examples, and a
                        // mapping entry only as a name to compare: the
                        // client does not need them.
                        let effect = match site.kind {
                            _ if site.string == Some(StringRef::Mapping) => {
                                "this discriminator value selects no member".to_owned()
                            }
                            kind => format!("{} is ignored", noun(kind)),
                        };
                        let mut warning = Diagnostic::warning(
                            site.at.pointer.clone(),
                            format!("{}; {effect}", why.message),
                        );
                        warning.file = self.files[site.at.file].label.clone();
                        warning.hint = why.hint.clone();
                        warning.related = why.related.clone();
                        diagnostics.push(warning);
                    } else {
                        refs.unresolved.insert(written.clone(), why.clone());
                    }
                    Some(written.clone())
                }
                Resolution::Inlined(_) => {
                    inline_sites.push(index);
                    None
                }
                Resolution::Kept | Resolution::Pending => None,
            };
            let Some(written) = written else { continue };
            let site = &self.sites[index];
            if site.at.file == 0 && written == site.reference {
                continue;
            }
            let segments = segments(&site.at.pointer);
            let Some(value) = self.files[site.at.file]
                .value
                .as_mut()
                .and_then(|v| navigate_mut(v, &segments))
            else {
                continue;
            };
            if site.string.is_some() {
                *value = Value::String(written);
            } else if let Some(map) = value.as_mapping_mut() {
                map.insert(Value::String("$ref".to_owned()), Value::String(written));
            }
        }
        // Hoisted values, deepest first: a target inside another is replaced
        // by its `$ref` before the outer one moves.
        let mut order: Vec<usize> = (0..self.targets.len()).collect();
        order.sort_by_key(|t| std::cmp::Reverse(segments(&self.targets[*t].place.pointer).len()));
        let mut hoisted: Vec<Option<Value>> = vec![None; self.targets.len()];
        for target in order {
            let reference = self.component_pointer(target);
            let place = &self.targets[target].place;
            let segments = segments(&place.pointer);
            let Some(slot) = self.files[place.file]
                .value
                .as_mut()
                .and_then(|v| navigate_mut(v, &segments))
            else {
                continue;
            };
            let mut stub = Mapping::new();
            stub.insert(Value::String("$ref".to_owned()), Value::String(reference));
            hoisted[target] = Some(std::mem::replace(slot, Value::Mapping(stub)));
        }
        // Copies for path items and security schemes, followed through
        // chains of them.
        let mut origins = Vec::new();
        let mut copies = Vec::new();
        for index in inline_sites {
            let site = &self.sites[index];
            let in_place = match site.kind {
                Kind::PathItem => {
                    site.at.file == 0
                        && segments(&site.at.pointer)
                            .first()
                            .is_some_and(|s| s == "paths")
                        && segments(&site.at.pointer).len() == 2
                }
                Kind::SecurityScheme => site.at.file == 0 && segments(&site.at.pointer).len() == 3,
                _ => false,
            };
            if !in_place {
                continue;
            }
            match self.follow(index) {
                Ok((place, value)) => copies.push((site.at.pointer.clone(), place, value)),
                Err(why) => {
                    let site = &self.sites[index];
                    let mut error = Diagnostic::error(site.at.pointer.clone(), why);
                    error.file = self.files[site.at.file].label.clone();
                    diagnostics.push(error.with_hint(
                        "make one entry of the chain a definition rather than another `$ref`",
                    ));
                }
            }
        }
        for (at, place, value) in copies {
            let segments = segments(&at);
            let Some(slot) = self.files[0]
                .value
                .as_mut()
                .and_then(|v| navigate_mut(v, &segments))
            else {
                continue;
            };
            // Keys beside the `$ref` (3.1's `summary` and `description`) win.
            let mut copy = value;
            if let (Some(copy), Some(site)) = (copy.as_mapping_mut(), slot.as_mapping()) {
                for (k, v) in site {
                    if key_text(k) != "$ref" {
                        copy.insert(k.clone(), v.clone());
                    }
                }
            }
            *slot = copy;
            origins.push(Origin {
                bundled: at,
                file: text_of[place.file],
                pointer: place.pointer,
            });
        }
        // The hoisted values become components of the root, in the order
        // they were met.
        if hoisted.iter().any(Option::is_some) {
            if let Some(root) = self.files[0].value.as_mut().and_then(Value::as_mapping_mut) {
                let components = root
                    .entry(Value::String("components".to_owned()))
                    .or_insert_with(|| Value::Mapping(Mapping::new()));
                if let Some(components) = components.as_mapping_mut() {
                    for (target, value) in hoisted.into_iter().enumerate() {
                        let Some(value) = value else { continue };
                        let t = &self.targets[target];
                        let section = section(t.kind).unwrap_or("schemas");
                        let entries = components
                            .entry(Value::String(section.to_owned()))
                            .or_insert_with(|| Value::Mapping(Mapping::new()));
                        if let Some(entries) = entries.as_mapping_mut() {
                            entries.insert(Value::String(t.key.clone()), value);
                            if t.kind == Kind::Schema {
                                let written = match t.place.file {
                                    0 => t.place.pointer.clone(),
                                    file => match t.place.pointer.as_str() {
                                        "#" => labels[file].clone(),
                                        pointer => format!("{}{pointer}", labels[file]),
                                    },
                                };
                                refs.hoisted_schemas.insert(t.key.clone(), written);
                            }
                            origins.push(Origin {
                                bundled: pointer_join(&format!("#/components/{section}"), &t.key),
                                file: text_of[t.place.file],
                                pointer: t.place.pointer.clone(),
                            });
                        }
                    }
                }
            }
        }
        // The components of the root that references point inside.
        let pointed_into = self
            .sites
            .iter()
            .filter(|s| s.at.file == 0)
            .filter_map(|s| {
                let fragment = s.reference.strip_prefix('#')?;
                let segments = segments(&format!("#{}", percent_decode(fragment)));
                (segments.len() > 3 && segments[0] == "components")
                    .then(|| pointer_of(&segments[..3]))
            })
            .collect();
        Bundled {
            origins,
            pointed_into,
            refs,
            diagnostics,
        }
    }

    /// The value an inlined `$ref` stands for, following references of the
    /// same kind (a path item that is a `$ref` to another).
    fn follow(&self, index: usize) -> Result<(Place, Value), String> {
        let mut current = index;
        for _ in 0..=self.sites.len() {
            let Resolution::Inlined(place) = &self.sites[current].resolution else {
                return Err("this `$ref` cannot be followed".to_owned());
            };
            let value = self.files[place.file]
                .value
                .as_ref()
                .and_then(|v| navigate(v, &segments(&place.pointer), "").ok())
                .cloned()
                .unwrap_or(Value::Null);
            if value.get("$ref").is_none() {
                return Ok((place.clone(), value));
            }
            match self.sites.iter().position(|s| s.at == *place) {
                Some(next) => current = next,
                None => return Ok((place.clone(), value)),
            }
        }
        Err(format!(
            "the `$ref` chain starting here is a cycle of {}s",
            noun(self.sites[index].kind)
                .trim_start_matches("a ")
                .trim_start_matches("an ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_files;

    const HEAD: &str = "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\n";

    fn files<'a>(list: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Result<String, String> + 'a {
        move |path: &str| {
            list.iter()
                .find(|(p, _)| *p == path)
                .map(|(_, text)| (*text).to_owned())
                .ok_or_else(|| format!("no file `{path}`"))
        }
    }

    fn schemas(document: &crate::load::Document) -> serde_json::Value {
        serde_json::to_value(&document.api.components.as_ref().unwrap().schemas).unwrap()
    }

    #[test]
    fn paths_urls_and_kinds() {
        assert_eq!(join_path("specs/a.yaml", "../b.yaml"), "b.yaml");
        assert_eq!(join_path("specs/a.yaml", "./x/./y.yaml"), "specs/x/y.yaml");
        assert_eq!(join_path("a.yaml", "../b.yaml"), "../b.yaml");
        assert_eq!(join_path("/abs/a.yaml", "b.yaml"), "/abs/b.yaml");
        assert_eq!(join_path("", "./specs/a.yaml"), "specs/a.yaml");
        assert!(is_url("https://example.com/a.yaml#/X"));
        assert!(is_url("//example.com/a.yaml"));
        assert!(!is_url("./a.yaml#/X"));
        assert!(!is_url("#/components/schemas/A"));
        assert_eq!(percent_decode("~1a~1%7Bid%7D"), "~1a~1{id}");
        let kind = |p: &str| kind_at(&segments(p));
        assert_eq!(kind("#/components/schemas/Tag/allOf/0"), Some(Kind::Schema));
        assert_eq!(
            kind("#/components/responses/C/content/application~1json/schema"),
            Some(Kind::Schema)
        );
        assert_eq!(kind("#/components/parameters/limit"), Some(Kind::Parameter));
        assert_eq!(kind("#/paths/~1a/get/parameters/0"), Some(Kind::Parameter));
        assert_eq!(kind("#/paths/~1a/get/requestBody"), Some(Kind::RequestBody));
        assert_eq!(kind("#/components/schemas"), None);
        assert_eq!(kind("#/x-defs/A"), None);
    }

    #[test]
    fn two_references_to_one_place_share_one_component() {
        let text = format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          type: object\n          properties:\n            c:\n              type: string\n    X:\n      type: object\n      properties:\n        one:\n          $ref: '#/components/schemas/A/properties/b'\n        two:\n          $ref: '#/components/schemas/A/properties/b'\n"
        );
        let document = load_files("t.yaml", &text, &no_files).unwrap_or_else(|d| panic!("{d}"));
        let schemas = schemas(&document);
        assert_eq!(schemas["AB"]["properties"]["c"]["type"], "string");
        assert_eq!(
            schemas["A"]["properties"]["b"]["$ref"],
            "#/components/schemas/AB"
        );
        assert_eq!(
            schemas["X"]["properties"]["one"]["$ref"],
            "#/components/schemas/AB"
        );
        assert_eq!(
            schemas["X"]["properties"]["two"]["$ref"],
            "#/components/schemas/AB"
        );
        assert_eq!(
            document.refs.hoisted_schemas.get("AB").map(String::as_str),
            Some("#/components/schemas/A/properties/b")
        );
        // `A` is used by the references into it; only `X` is not.
        let unused: Vec<&str> = document
            .warnings
            .iter()
            .map(|w| w.message.as_str())
            .collect();
        assert_eq!(
            unused,
            ["schema `X` is not referenced anywhere; it is still generated as a type"]
        );
    }

    #[test]
    fn other_files_are_read_relative_to_the_file_that_names_them() {
        let root = format!(
            "{HEAD}paths:\n  /a:\n    $ref: 'paths/a.yaml'\ncomponents:\n  schemas:\n    Pet:\n      $ref: 'schemas/pet.json'\n"
        );
        let list = [
            (
                "specs/paths/a.yaml",
                "get:\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema:\n            $ref: '../schemas/pet.json'\n",
            ),
            (
                "specs/schemas/pet.json",
                r#"{"type": "object", "properties": {"tag": {"$ref": "defs.yaml#/Tag"}}}"#,
            ),
            ("specs/schemas/defs.yaml", "Tag:\n  type: string\n  enum: [a, b]\n"),
        ];
        let document =
            load_files("specs/root.yaml", &root, &files(&list)).unwrap_or_else(|d| panic!("{d}"));
        let read: Vec<&str> = document.sources.files().collect();
        assert_eq!(
            read,
            [
                "specs/root.yaml",
                "specs/paths/a.yaml",
                "specs/schemas/pet.json",
                "specs/schemas/defs.yaml"
            ]
        );
        let schemas = schemas(&document);
        // The root's alias is where the other file's schema goes.
        assert_eq!(schemas["Pet"]["type"], "object");
        assert_eq!(
            schemas["Pet"]["properties"]["tag"]["$ref"],
            "#/components/schemas/Tag"
        );
        assert_eq!(schemas["Tag"]["enum"], serde_json::json!(["a", "b"]));
        let paths = serde_json::to_value(&document.api.paths).unwrap();
        let schema =
            &paths["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(schema["$ref"], "#/components/schemas/Pet");
        assert!(document.warnings.is_empty(), "{}", document.warnings);
    }

    #[test]
    fn problems_are_located_in_the_file_they_are_in() {
        let root = format!(
            "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: 'pet.yaml'\n"
        );
        let list = [(
            "pet.yaml",
            "type: object\nproperties:\n  name:\n    type: string\n    requried: true\n",
        )];
        let document =
            load_files("root.yaml", &root, &files(&list)).unwrap_or_else(|d| panic!("{d}"));
        let warnings = document.sources.finish(document.warnings.clone());
        let warning = warnings.iter().next().expect("a warning about `requried`");
        assert_eq!(warning.file, "pet.yaml");
        assert_eq!(
            warning.pointer.as_deref(),
            Some("#/properties/name/requried")
        );
        assert_eq!(warning.location, Some((5, 5)));
    }

    #[test]
    fn references_that_cannot_be_followed_say_why() {
        let root = format!(
            "{HEAD}paths:\n  /a:\n    $ref: '#/paths/~1b'\n  /b:\n    $ref: '#/paths/~1a'\ncomponents:\n  schemas:\n    A:\n      $ref: 'missing.yaml#/A'\n    B:\n      $ref: 'https://example.com/b.yaml'\n"
        );
        let document = load_files("root.yaml", &root, &no_files).unwrap_or_else(|d| panic!("{d}"));
        let why = &document.refs.unresolved;
        assert!(
            why["missing.yaml#/A"].message.contains("cannot be read"),
            "{why:?}"
        );
        assert!(
            why["https://example.com/b.yaml"]
                .message
                .contains("is a URL"),
            "{why:?}"
        );
        let anchor =
            format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      $ref: '#pet'\n");
        let anchored =
            load_files("root.yaml", &anchor, &no_files).unwrap_or_else(|d| panic!("{d}"));
        let why = &anchored.refs.unresolved;
        assert!(why["#pet"].message.contains("anchor"), "{why:?}");
        let errors = document.sources.finish(document.warnings);
        let cycle = errors
            .iter()
            .find(|d| d.message.contains("cycle"))
            .expect("a cycle");
        assert_eq!(cycle.severity, crate::Severity::Error);
    }
}
