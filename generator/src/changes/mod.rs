//! What a change of API model means for the generated crate's callers: the
//! rules that compare two [`ApiModel`]s and classify each difference as
//! breaking, additive or internal, and the report they make.
//!
//! The rules judge the generated Rust code, not the HTTP contract: a new
//! enum value is additive because the enums are `#[non_exhaustive]`, a new
//! optional request field is additive because structs are built with `new`
//! and setters, and a renamed JSON property whose Rust name stays is
//! internal. README.md's "What a spec change does to callers" lists every
//! rule; each [`Change`] names its rule.
//!
//! The comparison is split by what it compares: `operations.rs` (the client,
//! its server and auth, operations, their arguments, setters, errors,
//! pagination and selection) and `types.rs` (types, fields, constructors,
//! variants).

mod operations;
mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::locate::Locator;
use crate::model::{
    ApiModel, AuthModel, Direction, FieldModel, InputModel, OperationModel, Shape, TypeModel,
    UnionVariantModel, VariantModel,
};

/// What a change does to code that uses the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Callers may stop compiling, or compile and behave differently.
    Breaking,
    /// Something new; every caller's code compiles and behaves as before.
    Additive,
    /// Documentation or wire details: callers' code is unaffected.
    Internal,
}

impl Class {
    /// The word the report prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Additive => "additive",
            Class::Internal => "internal",
        }
    }
}

/// The changelog section of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Something new.
    Added,
    /// Something that is there before and after.
    Changed,
    /// Something that is gone.
    Removed,
}

/// Which spec a change's location is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The spec before (for what was removed).
    Old,
    /// The spec after.
    New,
}

/// The version bump a set of changes implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Semver {
    /// No change.
    None,
    /// Internal changes only.
    Patch,
    /// Additive changes, none breaking.
    Minor,
    /// Some change is breaking.
    Major,
}

impl Semver {
    /// The word the report's last line prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Semver::None => "none",
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        }
    }

    /// `version` bumped by this much. Before 1.0 a breaking change bumps
    /// the minor version and anything else the patch, as Cargo reads `0.x`
    /// versions; a version that is not `MAJOR.MINOR.PATCH` is kept.
    pub fn bump(self, version: &str) -> String {
        let parts: Vec<Option<u64>> = version.split('.').map(|p| p.parse().ok()).collect();
        let [Some(major), Some(minor), Some(patch)] = parts[..] else {
            return version.to_owned();
        };
        let (major, minor, patch) = match (self, major) {
            (Semver::None, _) => (major, minor, patch),
            (Semver::Major, 0) => (0, minor + 1, 0),
            (Semver::Minor | Semver::Patch, 0) | (Semver::Patch, _) => (major, minor, patch + 1),
            (Semver::Major, _) => (major + 1, 0, 0),
            (Semver::Minor, _) => (major, minor + 1, 0),
        };
        format!("{major}.{minor}.{patch}")
    }
}

/// One difference between two models.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Breaking, additive or internal.
    pub class: Class,
    /// The rule that classified it (README.md lists them).
    pub rule: &'static str,
    /// Added, changed or removed, for the changelog.
    pub section: Section,
    /// The Rust item, such as `Client::get_lead` or `Lead.name`.
    pub item: String,
    /// What changed, in a few words.
    pub what: String,
    /// What it means for code that calls the crate.
    pub meaning: String,
    /// Where the spec declares the item, as a JSON pointer.
    pub at: String,
    /// Which spec `at` is in: the old one for what was removed.
    pub side: Side,
    /// The line and column of `at`, when that spec's text was at hand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<(usize, usize)>,
}

/// Every difference between two models, in the order the models hold the
/// items (the client, operations, types).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Where the old model came from (`generated/api.yaml`, a spec).
    pub old: String,
    /// Where the new model came from.
    pub new: String,
    /// The changes.
    pub changes: Vec<Change>,
}

impl Report {
    /// The bump the changes imply.
    pub fn semver(&self) -> Semver {
        self.changes
            .iter()
            .map(|c| match c.class {
                Class::Breaking => Semver::Major,
                Class::Additive => Semver::Minor,
                Class::Internal => Semver::Patch,
            })
            .max()
            .unwrap_or(Semver::None)
    }

    /// How many changes there are of `class`.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    /// Whether any change is breaking.
    pub fn is_breaking(&self) -> bool {
        self.count(Class::Breaking) > 0
    }

    /// Fills in the line and column of the changes located in one side's
    /// spec, from its text.
    pub fn locate(&mut self, side: Side, text: &str) {
        let locator = Locator::new(text);
        for change in self.changes.iter_mut().filter(|c| c.side == side) {
            change.location = locator.locate(&change.at);
        }
    }

    /// The changes, breaking first, then additive, then internal, each in
    /// model order.
    pub fn by_class(&self) -> Vec<&Change> {
        let mut sorted: Vec<&Change> = self.changes.iter().collect();
        sorted.sort_by_key(|c| c.class);
        sorted
    }

    /// `2 breaking, 1 additive, 0 internal change(s)`.
    pub fn counts(&self) -> String {
        format!(
            "{} breaking, {} additive, {} internal change(s)",
            self.count(Class::Breaking),
            self.count(Class::Additive),
            self.count(Class::Internal)
        )
    }

    /// Where a change is, as the report prints it.
    pub fn place(&self, change: &Change) -> String {
        let file = match change.side {
            Side::Old => &self.old,
            Side::New => &self.new,
        };
        match change.location {
            Some((line, column)) => format!("{file}:{line}:{column} {}", change.at),
            None => format!("{file} {}", change.at),
        }
    }

    /// The report as text: each change with its class, rule, place and
    /// meaning, then a summary line with `versions` (`0.1.0 → 0.2.0`) when
    /// given, and last `semver: major|minor|patch|none`.
    pub fn to_text(&self, versions: Option<(&str, &str)>) -> String {
        let mut out = String::new();
        if self.changes.is_empty() {
            let _ = writeln!(out, "API unchanged: {} against {}", self.new, self.old);
        } else {
            let _ = writeln!(out, "API changes: {} against {}", self.new, self.old);
        }
        for change in self.by_class() {
            let _ = writeln!(
                out,
                "\n{:<8}  {}: {}  [{}]\n          at {}\n          {}",
                change.class.as_str(),
                change.item,
                change.what,
                change.rule,
                self.place(change),
                change.meaning
            );
        }
        let _ = write!(out, "\n{}", self.counts());
        if let Some((old, new)) = versions {
            if old == new {
                let _ = write!(out, "; version stays {new}");
            } else {
                let _ = write!(out, "; version {old} → {new}");
            }
        }
        let _ = writeln!(out, "\nsemver: {}", self.semver().as_str());
        out
    }

    /// The report as a Markdown table, for a pull request.
    pub fn to_markdown(&self, versions: Option<(&str, &str)>) -> String {
        let mut out = format!("### API changes: `{}` against `{}`\n\n", self.new, self.old);
        if !self.changes.is_empty() {
            out.push_str("| class | item | change | where | for Rust callers |\n");
            out.push_str("| --- | --- | --- | --- | --- |\n");
            for change in self.by_class() {
                let cell = |text: &str| text.replace('|', "\\|");
                let class = match change.class {
                    Class::Breaking => "**breaking**",
                    Class::Additive => "additive",
                    Class::Internal => "internal",
                };
                let _ = writeln!(
                    out,
                    "| {class} | `{}` | {} (`{}`) | `{}` | {} |",
                    cell(&change.item),
                    cell(&change.what),
                    change.rule,
                    cell(&self.place(change)),
                    cell(&change.meaning)
                );
            }
            out.push('\n');
        }
        let _ = write!(out, "{}", self.counts());
        if let Some((old, new)) = versions {
            let _ = write!(out, "; version `{old}` → `{new}`");
        }
        let _ = writeln!(out, "\n\nsemver: {}", self.semver().as_str());
        out
    }

    /// The report as JSON: the changes, the counts and the bump.
    pub fn to_json(&self, versions: Option<(&str, &str)>) -> String {
        #[derive(Serialize)]
        struct Json<'a> {
            old: &'a str,
            new: &'a str,
            changes: &'a [Change],
            breaking: usize,
            additive: usize,
            internal: usize,
            semver: Semver,
            #[serde(skip_serializing_if = "Option::is_none")]
            old_version: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            new_version: Option<&'a str>,
        }
        let json = Json {
            old: &self.old,
            new: &self.new,
            changes: &self.changes,
            breaking: self.count(Class::Breaking),
            additive: self.count(Class::Additive),
            internal: self.count(Class::Internal),
            semver: self.semver(),
            old_version: versions.map(|v| v.0),
            new_version: versions.map(|v| v.1),
        };
        let mut text = serde_json::to_string_pretty(&json)
            .expect("the report holds only strings, numbers and lists");
        text.push('\n');
        text
    }
}

/// Compares `old` with `new` (labelled by where they came from).
pub fn compare(old: &ApiModel, new: &ApiModel, old_label: &str, new_label: &str) -> Report {
    let mut cx = Compare {
        renames: BTreeMap::new(),
        changes: Vec::new(),
    };
    cx.renames = type_renames(old, new);
    cx.server(old, new);
    cx.client(old, new);
    cx.operations(old, new);
    cx.types(old, new);
    Report {
        old: old_label.to_owned(),
        new: new_label.to_owned(),
        changes: cx.changes,
    }
}

struct Compare {
    /// Types renamed: old name → new name. A type that is only renamed is
    /// reported once, not again at every field that holds it.
    renames: BTreeMap<String, String>,
    changes: Vec<Change>,
}

/// Describes one change; `add` files it.
struct Entry<'a> {
    class: Class,
    rule: &'static str,
    section: Section,
    item: String,
    what: String,
    meaning: String,
    at: &'a str,
    side: Side,
}

fn entry<'a>(
    class: Class,
    rule: &'static str,
    section: Section,
    item: impl Into<String>,
    what: impl Into<String>,
    meaning: impl Into<String>,
    at: &'a str,
) -> Entry<'a> {
    Entry {
        class,
        rule,
        section,
        item: item.into(),
        what: what.into(),
        meaning: meaning.into(),
        at,
        side: if section == Section::Removed {
            Side::Old
        } else {
            Side::New
        },
    }
}

const DOCS_ONLY: &str = "rustdoc only; the code callers write is unaffected.";

impl Compare {
    fn add(&mut self, e: Entry<'_>) {
        self.changes.push(Change {
            class: e.class,
            rule: e.rule,
            section: e.section,
            item: e.item,
            what: e.what,
            meaning: e.meaning,
            at: e.at.to_owned(),
            side: e.side,
            location: None,
        });
    }

    /// An old type written with the new names of renamed types.
    fn renamed(&self, ty: &str) -> String {
        rename_idents(ty, &self.renames)
    }
}

fn o_at(n: &TypeModel) -> &str {
    n.at.as_deref().unwrap_or("#")
}

fn methods(f: &FieldModel) -> String {
    match (&f.setter, &f.clear) {
        (Some(s), Some(c)) => format!("`{s}`, `{c}`"),
        (Some(s), None) => format!("`{s}`"),
        _ => "none".to_owned(),
    }
}

fn literal_note(non_exhaustive: bool, ty: &str, otherwise: &str) -> String {
    if non_exhaustive {
        otherwise.to_owned()
    } else {
        format!("struct literals `{ty} {{ .. }}` must name it.")
    }
}

fn what_input(input: &InputModel) -> &'static str {
    match input.sent_as.split(' ').next() {
        Some("body") => "request body",
        Some("path") => "path parameter",
        Some("query") => "query parameter",
        Some("header") => "header",
        Some("cookie") => "cookie",
        _ => "input",
    }
}

fn body_of(body: Option<&str>) -> String {
    body.map(|b| format!(" with body `{b}`"))
        .unwrap_or_default()
}

fn kind_word(shape: &Shape) -> &'static str {
    match shape {
        Shape::Struct { .. } => "struct",
        Shape::Enum { .. } => "enum",
        Shape::Union { .. } => "union enum",
        Shape::Alias { .. } => "type alias",
        Shape::FieldEnum { .. } => "field enum",
    }
}

/// `ty` with every identifier in `renames` replaced.
fn rename_idents(ty: &str, renames: &BTreeMap<String, String>) -> String {
    if renames.is_empty() {
        return ty.to_owned();
    }
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(renames.get(word.as_str()).unwrap_or(word));
        word.clear();
    };
    for c in ty.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Types that were renamed: a type only in `old` and one only in `new` at
/// the same place in the spec, or of the same shape (with the renames found
/// so far applied, so a renamed struct's renamed inline types pair too).
fn type_renames(old: &ApiModel, new: &ApiModel) -> BTreeMap<String, String> {
    let new_names: BTreeSet<&str> = new.types.iter().map(|t| t.name.as_str()).collect();
    let old_names: BTreeSet<&str> = old.types.iter().map(|t| t.name.as_str()).collect();
    let mut gone: Vec<&TypeModel> = old
        .types
        .iter()
        .filter(|t| !new_names.contains(t.name.as_str()))
        .collect();
    let mut fresh: Vec<&TypeModel> = new
        .types
        .iter()
        .filter(|t| !old_names.contains(t.name.as_str()))
        .collect();
    let mut renames = BTreeMap::new();
    loop {
        let mut found = None;
        'search: for (i, o) in gone.iter().enumerate() {
            let signature = shape_signature(o, &renames);
            for (j, n) in fresh.iter().enumerate() {
                let same_place =
                    o.at.is_some() && o.at == n.at && kind_word(&o.shape) == kind_word(&n.shape);
                if same_place || signature == shape_signature(n, &BTreeMap::new()) {
                    found = Some((i, j));
                    break 'search;
                }
            }
        }
        let Some((i, j)) = found else { break };
        renames.insert(gone[i].name.clone(), fresh[j].name.clone());
        gone.remove(i);
        fresh.remove(j);
    }
    renames
}

/// What a type is, leaving out its name, place and documentation.
fn shape_signature(t: &TypeModel, renames: &BTreeMap<String, String>) -> String {
    let mut shape = t.shape.clone();
    if let Shape::Struct { fields, .. } = &mut shape {
        for f in fields {
            f.at.clear();
            f.docs.clear();
        }
    }
    let text = serde_json::to_string(&shape).expect("a shape holds only strings and lists");
    rename_idents(&text, renames)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_bump_as_cargo_reads_them() {
        assert_eq!(Semver::Major.bump("0.1.0"), "0.2.0");
        assert_eq!(Semver::Minor.bump("0.1.3"), "0.1.4");
        assert_eq!(Semver::Patch.bump("0.1.3"), "0.1.4");
        assert_eq!(Semver::None.bump("0.1.3"), "0.1.3");
        assert_eq!(Semver::Major.bump("1.2.3"), "2.0.0");
        assert_eq!(Semver::Minor.bump("1.2.3"), "1.3.0");
        assert_eq!(Semver::Patch.bump("1.2.3"), "1.2.4");
        assert_eq!(Semver::Major.bump("1.2"), "1.2");
    }

    #[test]
    fn renames_replace_whole_identifiers_only() {
        let renames = BTreeMap::from([("Lead".to_owned(), "Customer".to_owned())]);
        assert_eq!(
            rename_idents("Option<Vec<Lead>>, LeadStatus", &renames),
            "Option<Vec<Customer>>, LeadStatus"
        );
    }
}
