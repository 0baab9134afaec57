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

use serde_yaml::Value;

use super::shape::{field, key_text, Field, Kind};
use crate::diagnostics::{pointer_join, Diagnostic, Related};
use crate::lower::FIELD_SELECTION;

mod pointer;
mod rewrite;
#[cfg(test)]
mod tests;

use pointer::{
    component, is_url, join_path, kind_at, navigate, percent_decode, pointer_of, segments,
};

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

/// What holds a reference, for messages: `$ref` for a `$ref` object, else
/// the key of the string (`mapping`, `x-field-selection.schema`).
fn holder(string: Option<StringRef>) -> String {
    match string {
        None => "$ref".to_owned(),
        Some(StringRef::Mapping) => "mapping".to_owned(),
        Some(StringRef::FieldSelection) => format!("{FIELD_SELECTION}.schema"),
    }
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
                let selection = map.get(FIELD_SELECTION).and_then(Value::as_mapping);
                if let Some(target) = selection
                    .and_then(|m| m.get("schema"))
                    .and_then(Value::as_str)
                {
                    let at = pointer_join(&pointer_join(&at, FIELD_SELECTION), "schema");
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
        let string = site.string;
        let reported = self.diagnostics.len();
        let resolution = self.resolution(kind, &reference, from, string);
        // A file first read for this reference that is not YAML or JSON:
        // its error says who named it.
        let site = &self.sites[index];
        for error in &mut self.diagnostics[reported..] {
            error.related = Some(Related {
                label: format!("named by the `{}`", holder(string)),
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

    /// How the reference `reference` of `kind`, in file `from`, is followed;
    /// `string` says what holds it when it is not a `$ref` object.
    fn resolution(
        &mut self,
        kind: Kind,
        reference: &str,
        from: usize,
        string: Option<StringRef>,
    ) -> Resolution {
        let holder = holder(string);
        // `$ref`, and the reference as written: `$ref: ./pets.yaml`.
        let by = format!("`{holder}`");
        let written_as = format!("`{holder}: {reference}`");
        if is_url(reference) {
            return Self::failed(
                reference,
                format!("{written_as} is a URL; the generator reads no network, only files"),
                Some("save the document next to the spec and refer to it by a relative path (`./common.yaml#/components/schemas/Name`)".to_owned()),
            );
        }
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return Self::failed(
                reference,
                format!("{written_as} names an anchor (`#{fragment}`), not a JSON pointer, which the generator does not follow"),
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
                        format!("{written_as} names the file `{label}`, which cannot be read: {why}"),
                        Some(format!("refer to other files by their path relative to the file the {by} is in")),
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
                        "{by} points at `{written}`, which does not exist: {}",
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
                        "{by} points at `{written}`, which is a single value, where {} belongs",
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
                    "{by} points at `{written}`, which is {}, where {} belongs",
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
                            "{by} points at `{written}` as {}, which another reference uses as {}",
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
