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

    fn server(&mut self, old: &ApiModel, new: &ApiModel) {
        const AT: &str = "#/servers/0/url";
        match (&old.server, &new.server) {
            (Some(a), Some(b)) if a != b => self.add(entry(
                Class::Breaking,
                "server-changed",
                Section::Changed,
                "Client::new",
                format!("default base URL `{a}` → `{b}`"),
                "clients made with `Client::new` (or a builder without `base_url`) send every request to the new URL.",
                AT,
            )),
            (None, Some(b)) => self.add(entry(
                Class::Additive,
                "server-added",
                Section::Added,
                "Client::new",
                format!("default base URL `{b}`"),
                "`Client::new` works without `ClientBuilder::base_url`; code that sets a base URL is unaffected.",
                AT,
            )),
            (Some(a), None) => self.add(entry(
                Class::Breaking,
                "server-removed",
                Section::Removed,
                "Client::new",
                format!("default base URL `{a}` removed"),
                "`Client::new` returns `Error::Config` until `ClientBuilder::base_url` sets a URL.",
                AT,
            )),
            _ => {}
        }
    }

    fn client(&mut self, old: &ApiModel, new: &ApiModel) {
        let (a, b) = (old.client.auth.first(), new.client.auth.first());
        let at =
            |scheme: Option<&AuthModel>| scheme.map_or("#/security".to_owned(), |s| s.at.clone());
        let (old_at, new_at) = (at(a), at(b));
        let new_args = |m: &ApiModel| format!("Client::new({})", m.client.new.join(", "));
        if old.client.new != new.client.new {
            let (rule, what) = match (a, b) {
                (None, Some(s)) => (
                    "auth-added",
                    format!("authentication `{}` ({}) added", s.name, s.scheme),
                ),
                (Some(s), None) => (
                    "auth-removed",
                    format!("authentication `{}` removed", s.name),
                ),
                _ => ("auth-changed", "authentication scheme changed".to_owned()),
            };
            let section = if b.is_none() {
                Section::Removed
            } else {
                Section::Changed
            };
            let place = if b.is_none() { &old_at } else { &new_at };
            self.add(entry(
                Class::Breaking,
                rule,
                section,
                "Client::new",
                format!("{what}: `{}` → `{}`", new_args(old), new_args(new)),
                "calls to `Client::new` must pass the new arguments.",
                place,
            ));
        } else if let (Some(a), Some(b)) = (a, b) {
            if a.scheme != b.scheme {
                self.add(entry(
                    Class::Breaking,
                    "auth-changed",
                    Section::Changed,
                    "Client::new",
                    format!("authentication `{}` ({}) → `{}` ({})", a.name, a.scheme, b.name, b.scheme),
                    "`Client::new` compiles as before but sends its credential another way: callers must pass the new kind of credential.",
                    &new_at,
                ));
            } else if a.sent_as != b.sent_as {
                self.add(entry(
                    Class::Internal,
                    "auth-sent-elsewhere",
                    Section::Changed,
                    "Client::new",
                    format!(
                        "the API key is sent as {} (was {})",
                        b.sent_as.as_deref().unwrap_or("-"),
                        a.sent_as.as_deref().unwrap_or("-")
                    ),
                    "the same credential goes where the spec now says; callers' code is unaffected.",
                    &new_at,
                ));
            } else if a.docs != b.docs {
                self.add(entry(
                    Class::Internal,
                    "description-changed",
                    Section::Changed,
                    "Client::new",
                    "description of the authentication changed",
                    DOCS_ONLY,
                    &new_at,
                ));
            }
        }
        // Schemes after the first only document `ClientBuilder`'s setters,
        // which every client has.
        let others = |m: &ApiModel| -> Vec<(String, String)> {
            m.client
                .auth
                .iter()
                .skip(1)
                .map(|s| (s.name.clone(), s.scheme.clone()))
                .collect()
        };
        if others(old) != others(new) {
            self.add(entry(
                Class::Internal,
                "auth-alternatives-changed",
                Section::Changed,
                "ClientBuilder",
                "the other security schemes the spec lists changed",
                "documentation only: `ClientBuilder` sets any credential whatever the spec lists.",
                &new_at,
            ));
        }
    }

    fn operations(&mut self, old: &ApiModel, new: &ApiModel) {
        let new_names: BTreeSet<&str> = new.operations.iter().map(|o| o.method.as_str()).collect();
        let old_names: BTreeSet<&str> = old.operations.iter().map(|o| o.method.as_str()).collect();
        // An operation whose method name went away and whose route now has
        // another name was renamed.
        let mut renamed: BTreeMap<&str, &OperationModel> = BTreeMap::new();
        for o in old
            .operations
            .iter()
            .filter(|o| !new_names.contains(o.method.as_str()))
        {
            if let Some(n) = new
                .operations
                .iter()
                .find(|n| !old_names.contains(n.method.as_str()) && n.http == o.http)
            {
                renamed.insert(o.method.as_str(), n);
            }
        }
        let renamed_to: BTreeSet<&str> = renamed.values().map(|n| n.method.as_str()).collect();
        for o in &old.operations {
            if let Some(n) = new.operations.iter().find(|n| n.method == o.method) {
                self.operation(o, n);
            } else if let Some(n) = renamed.get(o.method.as_str()) {
                self.add(entry(
                    Class::Breaking,
                    "operation-renamed",
                    Section::Changed,
                    format!("Client::{}", o.method),
                    format!(
                        "renamed to `Client::{}` (builder `{}` → `{}`)",
                        n.method, o.builder, n.builder
                    ),
                    format!(
                        "calls to `client.{}(..)` stop compiling; call `client.{}(..)`.",
                        o.method, n.method
                    ),
                    &n.at,
                ));
                self.operation(o, n);
            } else {
                self.add(entry(
                    Class::Breaking,
                    "operation-removed",
                    Section::Removed,
                    format!("Client::{}", o.method),
                    format!("operation `{}` removed", o.http),
                    format!(
                        "`client.{}(..)` and its builder `{}` no longer exist; code that calls it stops compiling.",
                        o.method, o.builder
                    ),
                    &o.at,
                ));
            }
        }
        for n in &new.operations {
            if !old_names.contains(n.method.as_str()) && !renamed_to.contains(n.method.as_str()) {
                self.add(entry(
                    Class::Additive,
                    "operation-added",
                    Section::Added,
                    format!("Client::{}", n.method),
                    format!("new operation `{}`", n.http),
                    format!(
                        "a new method `client.{}(..)` returning the builder `{}`.",
                        n.method, n.builder
                    ),
                    &n.at,
                ));
            }
        }
    }

    /// The changes to one operation that is there before and after.
    fn operation(&mut self, o: &OperationModel, n: &OperationModel) {
        let method = format!("Client::{}", n.method);
        if o.builder != n.builder && o.method == n.method {
            self.add(entry(
                Class::Breaking,
                "type-renamed",
                Section::Changed,
                &o.builder,
                format!("builder renamed to `{}`", n.builder),
                "code that names the builder type stops compiling; code that only chains its methods is unaffected.",
                &n.at,
            ));
        }
        if o.http != n.http {
            self.add(entry(
                Class::Internal,
                "operation-moved",
                Section::Changed,
                &method,
                format!("sends `{}` (was `{}`)", n.http, o.http),
                "the method sends the request where the spec now says; callers' code is unaffected.",
                &n.at,
            ));
        }
        self.arguments(o, n, &method);
        self.setters(o, n);
        if o.body != n.body && o.body.is_some() && n.body.is_some() {
            self.add(entry(
                Class::Internal,
                "body-encoding-changed",
                Section::Changed,
                &method,
                format!(
                    "request body sent as {} (was {})",
                    n.body.as_deref().unwrap_or("-"),
                    o.body.as_deref().unwrap_or("-")
                ),
                "the body is encoded as the spec now says; callers pass the same value.",
                &n.at,
            ));
        }
        if self.renamed(&o.returns) != n.returns {
            self.add(entry(
                Class::Breaking,
                "returns-changed",
                Section::Changed,
                &method,
                format!("returns `{}` (was `{}`)", n.returns, o.returns),
                "code that uses the awaited value as the old type stops compiling.",
                &n.at,
            ));
        }
        self.errors(o, n, &method);
        self.pagination(o, n, &method);
        self.selection(o, n, &method);
        self.deprecation(o.deprecated, n.deprecated, &method, &n.at);
        if o.docs != n.docs {
            self.add(entry(
                Class::Internal,
                "description-changed",
                Section::Changed,
                &method,
                "documentation changed",
                DOCS_ONLY,
                &n.at,
            ));
        }
    }

    fn arguments(&mut self, o: &OperationModel, n: &OperationModel, method: &str) {
        let names =
            |list: &[InputModel]| -> Vec<String> { list.iter().map(|i| i.name.clone()).collect() };
        let (old_names, new_names) = (names(&o.arguments), names(&n.arguments));
        // An argument renamed in place (same position, same type): callers
        // pass arguments by position, so nothing changes for them.
        let mut renamed: BTreeMap<String, String> = BTreeMap::new();
        if o.arguments.len() == n.arguments.len() {
            for (a, b) in o.arguments.iter().zip(&n.arguments) {
                if a.name != b.name
                    && !new_names.contains(&a.name)
                    && !old_names.contains(&b.name)
                    && self.renamed(&a.ty) == b.ty
                {
                    renamed.insert(a.name.clone(), b.name.clone());
                    self.add(entry(
                        Class::Internal,
                        "argument-renamed",
                        Section::Changed,
                        method,
                        format!("argument `{}` renamed `{}` ({})", a.name, b.name, b.sent_as),
                        "arguments are passed by position; callers' code is unaffected.",
                        &b.at,
                    ));
                }
            }
        }
        for b in &n.arguments {
            if old_names.contains(&b.name) || renamed.values().any(|r| r == &b.name) {
                continue;
            }
            if o.setters.iter().any(|s| s.name == b.name) {
                self.add(entry(
                    Class::Breaking,
                    "parameter-made-required",
                    Section::Changed,
                    method,
                    format!("`{}` ({}) is now required", b.name, b.sent_as),
                    format!(
                        "`client.{}(..)` takes `{}` as an argument and the builder's setter `{}` is gone: every call must change.",
                        n.method, b.name, b.name
                    ),
                    &b.at,
                ));
            } else {
                self.add(entry(
                    Class::Breaking,
                    "argument-added",
                    Section::Changed,
                    method,
                    format!(
                        "new required argument `{}: {}` ({})",
                        b.name, b.ty, b.sent_as
                    ),
                    format!("every call to `client.{}(..)` must pass it.", n.method),
                    &b.at,
                ));
            }
        }
        for a in &o.arguments {
            if new_names.contains(&a.name) || renamed.contains_key(&a.name) {
                continue;
            }
            if n.setters.iter().any(|s| s.name == a.name) {
                self.add(entry(
                    Class::Breaking,
                    "parameter-made-optional",
                    Section::Changed,
                    method,
                    format!("`{}` ({}) is now optional", a.name, a.sent_as),
                    format!(
                        "`client.{}(..)` no longer takes `{}`; set it with the builder's `{}(..)`: every call must change.",
                        n.method, a.name, a.name
                    ),
                    &n.at,
                ));
            } else {
                self.add(entry(
                    Class::Breaking,
                    "argument-removed",
                    Section::Changed,
                    method,
                    format!("argument `{}` ({}) removed", a.name, a.sent_as),
                    format!(
                        "every call to `client.{}(..)` passes one argument too many.",
                        n.method
                    ),
                    &n.at,
                ));
            }
        }
        let common_old: Vec<&String> = old_names.iter().filter(|x| new_names.contains(x)).collect();
        let common_new: Vec<&String> = new_names.iter().filter(|x| old_names.contains(x)).collect();
        if common_old != common_new {
            self.add(entry(
                Class::Breaking,
                "arguments-reordered",
                Section::Changed,
                method,
                format!(
                    "arguments reordered: ({}) → ({})",
                    old_names.join(", "),
                    new_names.join(", ")
                ),
                "calls pass their arguments in the old order: they stop compiling, or, where the types agree, send values in the wrong place.",
                &n.at,
            ));
        }
        for a in &o.arguments {
            if let Some(b) = n.arguments.iter().find(|b| b.name == a.name) {
                self.input(a, b, method, "argument", Class::Breaking);
            }
        }
    }

    fn setters(&mut self, o: &OperationModel, n: &OperationModel) {
        let builder = &n.builder;
        for b in &n.setters {
            let existed = o.setters.iter().any(|a| a.name == b.name);
            let was_argument = o.arguments.iter().any(|a| a.name == b.name);
            if !existed && !was_argument {
                self.add(entry(
                    Class::Additive,
                    "setter-added",
                    Section::Added,
                    format!("{builder}::{}", b.name),
                    format!("new optional {} `{}: {}`", what_input(b), b.name, b.ty),
                    "a new builder method; calls that do not set it send what they sent before.",
                    &b.at,
                ));
            }
        }
        for a in &o.setters {
            match n.setters.iter().find(|b| b.name == a.name) {
                Some(b) => self.input(
                    a,
                    b,
                    &format!("{builder}::{}", b.name),
                    "setter",
                    Class::Breaking,
                ),
                None if n.arguments.iter().any(|b| b.name == a.name) => {}
                None => {
                    let replaced = n
                        .selection
                        .as_ref()
                        .filter(|s| a.sent_as == format!("query {}", s.parameter))
                        .map(|_| " (now set by `select`)")
                        .unwrap_or("");
                    self.add(entry(
                        Class::Breaking,
                        "setter-removed",
                        Section::Removed,
                        format!("{}::{}", o.builder, a.name),
                        format!("optional {} `{}` removed{replaced}", what_input(a), a.name),
                        format!(
                            "code that calls `.{}(..)` on the builder stops compiling.",
                            a.name
                        ),
                        &a.at,
                    ));
                }
            }
        }
    }

    /// An argument or setter that is there before and after.
    fn input(&mut self, a: &InputModel, b: &InputModel, item: &str, kind: &str, retype: Class) {
        let item = if kind == "argument" {
            format!("{item}({})", b.name)
        } else {
            item.to_owned()
        };
        if self.renamed(&a.ty) != b.ty {
            self.add(entry(
                retype,
                if kind == "argument" {
                    "argument-retyped"
                } else {
                    "setter-retyped"
                },
                Section::Changed,
                &item,
                format!("{kind} type `{}` → `{}`", a.ty, b.ty),
                "calls that pass the old type stop compiling.",
                &b.at,
            ));
        }
        if a.sent_as != b.sent_as && a.name == b.name {
            self.add(entry(
                Class::Internal,
                "wire-name-changed",
                Section::Changed,
                &item,
                format!("sent as {} (was {})", b.sent_as, a.sent_as),
                "the Rust name is unchanged; the value goes where the spec now says.",
                &b.at,
            ));
        }
        if a.default != b.default {
            self.add(entry(
                Class::Breaking,
                "default-changed",
                Section::Changed,
                &item,
                format!(
                    "default {} → {}",
                    a.default.as_deref().unwrap_or("none"),
                    b.default.as_deref().unwrap_or("none")
                ),
                "code compiles as before, but requests that leave it unset now get the new default from the server.",
                &b.at,
            ));
        }
        self.deprecation(a.deprecated, b.deprecated, &item, &b.at);
        if a.docs != b.docs {
            self.add(entry(
                Class::Internal,
                "description-changed",
                Section::Changed,
                &item,
                "documentation changed",
                DOCS_ONLY,
                &b.at,
            ));
        }
    }

    fn errors(&mut self, o: &OperationModel, n: &OperationModel, method: &str) {
        for b in &n.errors {
            match o.errors.iter().find(|a| a.status == b.status) {
                None => self.add(entry(
                    Class::Additive,
                    "error-added",
                    Section::Added,
                    method,
                    format!("documents error status {}{}", b.status, body_of(b.body.as_deref())),
                    "`ApiError::body_typed` decodes that status's body; errors are still `Error::Api`.",
                    &n.at,
                )),
                Some(a) if a.body.as_deref().map(|t| self.renamed(t)) != b.body => self.add(entry(
                    Class::Breaking,
                    "error-retyped",
                    Section::Changed,
                    method,
                    format!(
                        "error status {} decodes as {} (was {})",
                        b.status,
                        b.body.as_deref().unwrap_or("no body"),
                        a.body.as_deref().unwrap_or("no body")
                    ),
                    "code matching the old `ErrorBody` variant for this status no longer sees it.",
                    &n.at,
                )),
                Some(_) => {}
            }
        }
        for a in &o.errors {
            if !n.errors.iter().any(|b| b.status == a.status) {
                self.add(entry(
                    Class::Breaking,
                    "error-removed",
                    Section::Removed,
                    method,
                    format!("error status {} no longer documented", a.status),
                    "`ApiError::body_typed` returns `None` for that status: code matching its `ErrorBody` variant no longer sees it.",
                    &o.at,
                ));
            }
        }
    }

    fn pagination(&mut self, o: &OperationModel, n: &OperationModel, method: &str) {
        match (&o.pagination, &n.pagination) {
            (None, Some(p)) => self.add(entry(
                Class::Additive,
                "pagination-added",
                Section::Added,
                method,
                format!("paginated ({})", p.style),
                format!("the builder `{}` gains `pages()` and `items()`.", n.builder),
                &n.at,
            )),
            (Some(_), None) => self.add(entry(
                Class::Breaking,
                "pagination-removed",
                Section::Removed,
                method,
                "no longer paginated",
                format!("`pages()` and `items()` of `{}` are gone; code that calls them stops compiling.", n.builder),
                &o.at,
            )),
            (Some(a), Some(b)) => {
                if self.renamed(&a.item) != b.item {
                    self.add(entry(
                        Class::Breaking,
                        "pagination-changed",
                        Section::Changed,
                        method,
                        format!("`items()` yields `{}` (was `{}`)", b.item, a.item),
                        "code that uses the items as the old type stops compiling.",
                        &n.at,
                    ));
                }
                if a.style != b.style {
                    self.add(entry(
                        Class::Internal,
                        "pagination-style-changed",
                        Section::Changed,
                        method,
                        format!("pages by {} (was {})", b.style, a.style),
                        "`pages()` and `items()` walk the pages the new way; callers' code is unaffected.",
                        &n.at,
                    ));
                }
            }
            (None, None) => {}
        }
    }

    fn selection(&mut self, o: &OperationModel, n: &OperationModel, method: &str) {
        match (&o.selection, &n.selection) {
            (None, Some(s)) => self.add(entry(
                Class::Additive,
                "selection-added",
                Section::Added,
                method,
                format!("field selection by `{}`", s.parameter),
                format!(
                    "the builder gains `select([{}::..])`, which returns `{}`; without it the full type is returned as before.",
                    s.fields, s.returns
                ),
                &n.at,
            )),
            (Some(s), None) => self.add(entry(
                Class::Breaking,
                "selection-removed",
                Section::Removed,
                method,
                format!("no field selection by `{}`", s.parameter),
                "`select(..)` is gone; code that calls it stops compiling.",
                &o.at,
            )),
            (Some(a), Some(b)) => {
                if self.renamed(&a.fields) != b.fields || self.renamed(&a.returns) != b.returns {
                    self.add(entry(
                        Class::Breaking,
                        "selection-changed",
                        Section::Changed,
                        method,
                        format!(
                            "`select` takes `{}` and returns `{}` (was `{}`, `{}`)",
                            b.fields, b.returns, a.fields, a.returns
                        ),
                        "code that names the old field enum or partial type stops compiling.",
                        &n.at,
                    ));
                } else if a.parameter != b.parameter {
                    self.add(entry(
                        Class::Internal,
                        "wire-name-changed",
                        Section::Changed,
                        method,
                        format!("selection sent as `{}` (was `{}`)", b.parameter, a.parameter),
                        "`select` sends the fields where the spec now says.",
                        &n.at,
                    ));
                }
            }
            (None, None) => {}
        }
    }

    fn deprecation(&mut self, old: bool, new: bool, item: &str, at: &str) {
        match (old, new) {
            (false, true) => self.add(entry(
                Class::Additive,
                "deprecated",
                Section::Changed,
                item,
                "deprecated",
                "code that uses it gets a deprecation warning, and still compiles.",
                at,
            )),
            (true, false) => self.add(entry(
                Class::Internal,
                "undeprecated",
                Section::Changed,
                item,
                "no longer deprecated",
                "the deprecation warning goes away.",
                at,
            )),
            _ => {}
        }
    }

    fn types(&mut self, old: &ApiModel, new: &ApiModel) {
        for o in &old.types {
            let new_name = self
                .renames
                .get(&o.name)
                .cloned()
                .unwrap_or_else(|| o.name.clone());
            match new.find_type(&new_name) {
                Some(n) => {
                    if n.name != o.name {
                        self.add(entry(
                            Class::Breaking,
                            "type-renamed",
                            Section::Changed,
                            &o.name,
                            format!("renamed to `{}`", n.name),
                            format!("code that names `{}` stops compiling; its fields and variants are the same.", o.name),
                            n.at.as_deref().unwrap_or("#"),
                        ));
                    }
                    self.one_type(o, n);
                }
                None => self.add(entry(
                    Class::Breaking,
                    "type-removed",
                    Section::Removed,
                    &o.name,
                    format!("{} removed", kind_word(&o.shape)),
                    format!("code that names `{}` stops compiling.", o.name),
                    o.at.as_deref().unwrap_or("#"),
                )),
            }
        }
        let kept: BTreeSet<String> = old
            .types
            .iter()
            .map(|o| {
                self.renames
                    .get(&o.name)
                    .cloned()
                    .unwrap_or_else(|| o.name.clone())
            })
            .collect();
        for n in new.types.iter().filter(|n| !kept.contains(&n.name)) {
            self.add(entry(
                Class::Additive,
                "type-added",
                Section::Added,
                &n.name,
                format!("new {}", kind_word(&n.shape)),
                "a new public type; nothing existing changes.",
                n.at.as_deref().unwrap_or("#"),
            ));
        }
    }

    fn one_type(&mut self, o: &TypeModel, n: &TypeModel) {
        let at = n.at.as_deref().unwrap_or("#");
        self.deprecation(o.deprecated, n.deprecated, &n.name, at);
        if o.docs != n.docs {
            self.add(entry(
                Class::Internal,
                "description-changed",
                Section::Changed,
                &n.name,
                "documentation changed",
                DOCS_ONLY,
                at,
            ));
        }
        match (&o.shape, &n.shape) {
            (
                Shape::Struct {
                    non_exhaustive: ne_a,
                    default: d_a,
                    new: new_a,
                    fields: f_a,
                    extra: x_a,
                    custom: c_a,
                },
                Shape::Struct {
                    non_exhaustive: ne_b,
                    default: d_b,
                    new: new_b,
                    fields: f_b,
                    extra: x_b,
                    custom: c_b,
                },
            ) => {
                self.exhaustiveness(
                    *ne_a,
                    *ne_b,
                    n,
                    "struct literals `",
                    "` and patterns without `..`",
                );
                self.fields(n, f_a, f_b, *ne_b, new_b.as_deref());
                self.constructor(n, new_a.as_deref(), new_b.as_deref(), at);
                if *d_a && !*d_b {
                    self.add(entry(
                        Class::Breaking,
                        "default-impl-removed",
                        Section::Removed,
                        &n.name,
                        "no longer implements `Default`",
                        format!("`{}::default()` stops compiling.", n.name),
                        at,
                    ));
                } else if !*d_a && *d_b {
                    self.add(entry(
                        Class::Additive,
                        "default-impl-added",
                        Section::Added,
                        &n.name,
                        "implements `Default`",
                        "a new trait implementation.",
                        at,
                    ));
                }
                if self.renamed(x_a) != *x_b {
                    self.add(entry(
                        Class::Breaking,
                        "field-retyped",
                        Section::Changed,
                        &n.name,
                        format!("undeclared properties kept as `{x_b}` (was `{x_a}`)"),
                        "code that reads or fills that map as the old type stops compiling.",
                        at,
                    ));
                }
                match (c_a, c_b) {
                    (None, Some(c)) => {
                        let class = if *ne_b {
                            Class::Additive
                        } else {
                            Class::Breaking
                        };
                        self.add(entry(
                            class,
                            "field-added",
                            Section::Added,
                            &n.name,
                            format!("custom fields `{c}`"),
                            literal_note(*ne_b, &n.name, "a new public field."),
                            at,
                        ));
                    }
                    (Some(c), None) => self.add(entry(
                        Class::Breaking,
                        "field-removed",
                        Section::Removed,
                        &n.name,
                        format!("custom fields `{c}` removed"),
                        "code that reads them stops compiling.",
                        at,
                    )),
                    _ => {}
                }
            }
            (
                Shape::Enum {
                    non_exhaustive: ne_a,
                    variants: v_a,
                    other: o_a,
                },
                Shape::Enum {
                    non_exhaustive: ne_b,
                    variants: v_b,
                    other: o_b,
                },
            )
            | (
                Shape::FieldEnum {
                    non_exhaustive: ne_a,
                    variants: v_a,
                    other: o_a,
                    ..
                },
                Shape::FieldEnum {
                    non_exhaustive: ne_b,
                    variants: v_b,
                    other: o_b,
                    ..
                },
            ) => {
                self.exhaustiveness(
                    *ne_a,
                    *ne_b,
                    n,
                    "`match`es on `",
                    "` without a wildcard arm",
                );
                self.enum_variants(n, v_a, v_b, *ne_b);
                if o_a != o_b {
                    self.add(entry(
                        Class::Breaking,
                        "enum-variant-renamed",
                        Section::Changed,
                        format!("{}::{o_a}", n.name),
                        format!("catch-all variant renamed `{o_b}`"),
                        "code that names the old variant stops compiling.",
                        at,
                    ));
                }
                if let (
                    Shape::FieldEnum { custom: c_a, .. },
                    Shape::FieldEnum { custom: c_b, .. },
                ) = (&o.shape, &n.shape)
                {
                    if c_a != c_b {
                        let (class, section) = match (c_a, c_b, *ne_b) {
                            (None, Some(_), true) => (Class::Additive, Section::Added),
                            (None, Some(_), false) => (Class::Breaking, Section::Added),
                            _ => (Class::Breaking, Section::Changed),
                        };
                        self.add(entry(
                            class,
                            "enum-value-added",
                            section,
                            &n.name,
                            format!(
                                "custom-field variant {} → {}",
                                c_a.as_deref().unwrap_or("none"),
                                c_b.as_deref().unwrap_or("none")
                            ),
                            "the variant that names a custom field changed.",
                            at,
                        ));
                    }
                }
            }
            (
                Shape::Union {
                    non_exhaustive: ne_a,
                    tag: t_a,
                    variants: v_a,
                },
                Shape::Union {
                    non_exhaustive: ne_b,
                    tag: t_b,
                    variants: v_b,
                },
            ) => {
                self.exhaustiveness(
                    *ne_a,
                    *ne_b,
                    n,
                    "`match`es on `",
                    "` without a wildcard arm",
                );
                self.union_variants(n, v_a, v_b, *ne_b, t_b.is_none());
                if t_a != t_b {
                    self.add(entry(
                        Class::Internal,
                        "tag-changed",
                        Section::Changed,
                        &n.name,
                        format!(
                            "discriminator {} → {}",
                            t_a.as_deref().unwrap_or("none"),
                            t_b.as_deref().unwrap_or("none")
                        ),
                        "the value picks its variant the new way; callers' code is unaffected.",
                        at,
                    ));
                }
            }
            (Shape::Alias { target: a }, Shape::Alias { target: b }) => {
                if self.renamed(a) != *b {
                    self.add(entry(
                        Class::Breaking,
                        "alias-retargeted",
                        Section::Changed,
                        &n.name,
                        format!("now `{b}` (was `{a}`)"),
                        "code that uses it as the old type stops compiling.",
                        at,
                    ));
                }
            }
            (a, b) => self.add(entry(
                Class::Breaking,
                "type-kind-changed",
                Section::Changed,
                &n.name,
                format!("{} → {}", kind_word(a), kind_word(b)),
                "code that builds, reads or matches it as before stops compiling.",
                at,
            )),
        }
    }

    fn exhaustiveness(&mut self, old: bool, new: bool, n: &TypeModel, what: &str, how: &str) {
        let at = n.at.as_deref().unwrap_or("#");
        if !old && new {
            self.add(entry(
                Class::Breaking,
                "non-exhaustive-added",
                Section::Changed,
                &n.name,
                "now `#[non_exhaustive]`",
                format!("{what}{}{how} stop compiling outside the crate; in exchange, later additions to it do not break callers.", n.name),
                at,
            ));
        } else if old && !new {
            self.add(entry(
                Class::Additive,
                "non-exhaustive-removed",
                Section::Changed,
                &n.name,
                "no longer `#[non_exhaustive]`",
                "code may build or match it exhaustively; nothing existing breaks.",
                at,
            ));
        }
    }

    fn fields(
        &mut self,
        n: &TypeModel,
        old: &[FieldModel],
        new: &[FieldModel],
        non_exhaustive: bool,
        ctor: Option<&[String]>,
    ) {
        let ty = &n.name;
        let request = n.used_in.contains(&Direction::Request);
        let in_ctor = |f: &FieldModel| ctor.is_some_and(|c| c.contains(&f.name));
        // Fields pair by Rust name, then by wire name (a Rust rename).
        let mut paired: Vec<(Option<&FieldModel>, Option<&FieldModel>)> = Vec::new();
        let mut used = BTreeSet::new();
        for a in old {
            let b = new.iter().find(|b| b.name == a.name).or_else(|| {
                new.iter()
                    .find(|b| b.wire == a.wire && !old.iter().any(|x| x.name == b.name))
            });
            if let Some(b) = b {
                used.insert(b.name.clone());
            }
            paired.push((Some(a), b));
        }
        paired.extend(
            new.iter()
                .filter(|b| !used.contains(&b.name))
                .map(|b| (None, Some(b))),
        );
        for pair in paired {
            match pair {
                (Some(a), None) => self.add(entry(
                    Class::Breaking,
                    "field-removed",
                    Section::Removed,
                    format!("{ty}.{}", a.name),
                    format!("field `{}: {}` removed", a.name, a.ty),
                    format!("code that reads or sets `{}` stops compiling.", a.name),
                    &a.at,
                )),
                (None, Some(b)) => {
                    let (class, meaning) = if !non_exhaustive {
                        (Class::Breaking, format!("struct literals `{ty} {{ .. }}` must name `{}`; code that only reads `{ty}` is unaffected.", b.name))
                    } else if in_ctor(b) {
                        let readers = if request {
                            ""
                        } else {
                            " (code that only reads it is unaffected)"
                        };
                        (Class::Breaking, format!("`{ty}::new` takes a new argument `{}`: every call must pass it{readers}.", b.name))
                    } else {
                        let how = match (&b.setter, &b.clear) {
                            (Some(s), Some(c)) => format!(" and the methods `{s}`, `{c}`"),
                            (Some(s), None) => format!(" and the setter `{s}`"),
                            _ => String::new(),
                        };
                        (Class::Additive, format!("a new public field{how}; existing code compiles and sends what it sent before."))
                    };
                    self.add(entry(
                        class,
                        "field-added",
                        Section::Added,
                        format!("{ty}.{}", b.name),
                        format!(
                            "new {} field `{}: {}`",
                            b.presence.replace('_', " "),
                            b.name,
                            b.ty
                        ),
                        meaning,
                        &b.at,
                    ));
                }
                (Some(a), Some(b)) => self.field(n, a, b, request),
                (None, None) => {}
            }
        }
    }

    fn field(&mut self, n: &TypeModel, a: &FieldModel, b: &FieldModel, request: bool) {
        let item = format!("{}.{}", n.name, b.name);
        if a.name != b.name {
            self.add(entry(
                Class::Breaking,
                "field-renamed",
                Section::Changed,
                format!("{}.{}", n.name, a.name),
                format!("Rust field renamed `{}` (property `{}`)", b.name, b.wire),
                format!(
                    "code that reads or sets `{}` stops compiling; use `{}`.",
                    a.name, b.name
                ),
                &b.at,
            ));
        } else if a.wire != b.wire {
            self.add(entry(
                Class::Internal,
                "wire-name-changed",
                Section::Changed,
                &item,
                format!("property `{}` is now `{}` on the wire", a.wire, b.wire),
                "the Rust field keeps its name; it is read and written under the new property name.",
                &b.at,
            ));
        }
        let old_ty = self.renamed(&a.ty);
        if a.presence != b.presence {
            let required = |p: &str| p.starts_with("required");
            let nullable = |p: &str| p.ends_with("nullable");
            let (rule, what) = if required(&b.presence) && !required(&a.presence) {
                ("field-made-required", "made required")
            } else if !required(&b.presence) && required(&a.presence) {
                ("field-made-optional", "made optional")
            } else if nullable(&b.presence) {
                ("field-nullable-changed", "made nullable")
            } else {
                ("field-nullable-changed", "no longer nullable")
            };
            // `Option<T>` either way: optional ↔ required and nullable.
            let (class, meaning) = if old_ty != b.ty {
                (Class::Breaking, format!("the field is `{}` (was `{}`): code that reads, sets or constructs it stops compiling.", b.ty, a.ty))
            } else if request {
                let now = if required(&b.presence) {
                    "sent as `null`"
                } else {
                    "left out"
                };
                (Class::Breaking, format!("code compiles as before, but a `None` in a request is now {now}, which the server may read differently."))
            } else {
                (
                    Class::Internal,
                    "the field's type is unchanged; `None` now stands for the new case.".to_owned(),
                )
            };
            self.add(entry(
                class,
                rule,
                Section::Changed,
                &item,
                format!("{what}: `{}` → `{}`", a.ty, b.ty),
                meaning,
                &b.at,
            ));
        } else if old_ty != b.ty {
            self.add(entry(
                Class::Breaking,
                "field-retyped",
                Section::Changed,
                &item,
                format!("type `{}` → `{}`", a.ty, b.ty),
                "code that reads or sets it as the old type stops compiling.",
                &b.at,
            ));
        }
        if (&a.setter, &a.clear) != (&b.setter, &b.clear)
            && a.presence == b.presence
            && a.name == b.name
        {
            let gone = a.setter.is_some() && a.setter != b.setter
                || a.clear.is_some() && a.clear != b.clear;
            let (class, meaning) = if gone {
                (
                    Class::Breaking,
                    "code that calls the old methods stops compiling.",
                )
            } else {
                (Class::Additive, "new methods; nothing existing changes.")
            };
            self.add(entry(
                class,
                "setter-changed",
                Section::Changed,
                &item,
                format!("methods {} → {}", methods(a), methods(b)),
                meaning,
                &b.at,
            ));
        }
        if a.default != b.default {
            let (class, meaning) = if request {
                (Class::Breaking, "code compiles as before, but a request that leaves it unset now gets the new default from the server.")
            } else {
                (Class::Internal, "the type is only read from responses: the documentation of what an absent value means changed.")
            };
            self.add(entry(
                class,
                "default-changed",
                Section::Changed,
                &item,
                format!(
                    "default {} → {}",
                    a.default.as_deref().unwrap_or("none"),
                    b.default.as_deref().unwrap_or("none")
                ),
                meaning,
                &b.at,
            ));
        }
        if a.docs != b.docs {
            self.add(entry(
                Class::Internal,
                "description-changed",
                Section::Changed,
                &item,
                "documentation changed",
                DOCS_ONLY,
                &b.at,
            ));
        }
    }

    fn constructor(&mut self, n: &TypeModel, a: Option<&[String]>, b: Option<&[String]>, at: &str) {
        match (a, b) {
            (Some(a), Some(b)) => {
                let common_a: Vec<&String> = a.iter().filter(|x| b.contains(x)).collect();
                let common_b: Vec<&String> = b.iter().filter(|x| a.contains(x)).collect();
                if common_a != common_b {
                    self.add(entry(
                        Class::Breaking,
                        "constructor-reordered",
                        Section::Changed,
                        format!("{}::new", n.name),
                        format!("arguments reordered: ({}) → ({})", a.join(", "), b.join(", ")),
                        "calls pass their arguments in the old order: they stop compiling, or, where the types agree, fill the wrong fields.",
                        at,
                    ));
                }
            }
            (None, Some(b)) => self.add(entry(
                Class::Additive,
                "constructor-added",
                Section::Added,
                format!("{}::new", n.name),
                format!("constructor `new({})`", b.join(", ")),
                "a new way to build it; nothing existing changes.",
                at,
            )),
            (Some(_), None) => self.add(entry(
                Class::Breaking,
                "constructor-removed",
                Section::Removed,
                format!("{}::new", n.name),
                "constructor removed",
                "code that calls it stops compiling.",
                at,
            )),
            (None, None) => {}
        }
    }

    fn enum_variants(
        &mut self,
        n: &TypeModel,
        old: &[VariantModel],
        new: &[VariantModel],
        non_exhaustive: bool,
    ) {
        let at = n.at.as_deref().unwrap_or("#");
        for b in new {
            match old.iter().find(|a| a.wire == b.wire) {
                None if old.iter().any(|a| a.name == b.name) => {}
                None => {
                    let (class, meaning) = if non_exhaustive {
                        (Class::Additive, format!("the enum is `#[non_exhaustive]`, so `match`es already have a wildcard arm; a `{}` that decoded as the catch-all variant now decodes as `{}`.", b.wire, b.name))
                    } else {
                        (Class::Breaking, format!("exhaustive `match`es on `{}` stop compiling until they handle `{}`.", n.name, b.name))
                    };
                    self.add(entry(
                        class,
                        "enum-value-added",
                        Section::Added,
                        format!("{}::{}", n.name, b.name),
                        format!("new value `{}`", b.wire),
                        meaning,
                        at,
                    ));
                }
                Some(a) if a.name != b.name => self.add(entry(
                    Class::Breaking,
                    "enum-variant-renamed",
                    Section::Changed,
                    format!("{}::{}", n.name, a.name),
                    format!("value `{}` is now the variant `{}`", b.wire, b.name),
                    format!("code that names `{}::{}` stops compiling.", n.name, a.name),
                    at,
                )),
                Some(_) => {}
            }
        }
        for a in old {
            if new.iter().any(|b| b.wire == a.wire) {
                continue;
            }
            match new.iter().find(|b| b.name == a.name) {
                Some(b) => self.add(entry(
                    Class::Internal,
                    "wire-name-changed",
                    Section::Changed,
                    format!("{}::{}", n.name, a.name),
                    format!("value `{}` is now `{}` on the wire", a.wire, b.wire),
                    "the Rust variant keeps its name; it is read and written as the new value.",
                    at,
                )),
                None => self.add(entry(
                    Class::Breaking,
                    "enum-value-removed",
                    Section::Removed,
                    format!("{}::{}", n.name, a.name),
                    format!("value `{}` removed", a.wire),
                    format!("code that names `{}::{}` stops compiling; the value, if still sent, decodes as the catch-all variant.", n.name, a.name),
                    o_at(n),
                )),
            }
        }
    }

    fn union_variants(
        &mut self,
        n: &TypeModel,
        old: &[UnionVariantModel],
        new: &[UnionVariantModel],
        non_exhaustive: bool,
        untagged: bool,
    ) {
        let at = n.at.as_deref().unwrap_or("#");
        for (index, b) in new.iter().enumerate() {
            match old.iter().find(|a| a.name == b.name) {
                None => {
                    let last = index + 1 == new.len() || !untagged;
                    let (class, meaning) = match (non_exhaustive, last) {
                        (true, true) => (Class::Additive, "the enum is `#[non_exhaustive]`, so `match`es already have a wildcard arm.".to_owned()),
                        (true, false) => (Class::Breaking, "the variants are tried in order and the new one comes before others: values that decoded as a later variant may now decode as this one.".to_owned()),
                        (false, _) => (Class::Breaking, format!("exhaustive `match`es on `{}` stop compiling until they handle `{}`.", n.name, b.name)),
                    };
                    self.add(entry(
                        class,
                        "variant-added",
                        Section::Added,
                        format!("{}::{}", n.name, b.name),
                        format!("new variant `{}({})`", b.name, b.ty),
                        meaning,
                        at,
                    ));
                }
                Some(a) => {
                    if self.renamed(&a.ty) != b.ty {
                        self.add(entry(
                            Class::Breaking,
                            "variant-retyped",
                            Section::Changed,
                            format!("{}::{}", n.name, b.name),
                            format!("holds `{}` (was `{}`)", b.ty, a.ty),
                            "code that builds or matches it with the old type stops compiling.",
                            at,
                        ));
                    }
                    if a.tags != b.tags {
                        self.add(entry(
                            Class::Internal,
                            "tag-changed",
                            Section::Changed,
                            format!("{}::{}", n.name, b.name),
                            format!("selected by {:?} (was {:?})", b.tags, a.tags),
                            "the value picks its variant the new way; callers' code is unaffected.",
                            at,
                        ));
                    }
                }
            }
        }
        for a in old {
            if !new.iter().any(|b| b.name == a.name) {
                self.add(entry(
                    Class::Breaking,
                    "variant-removed",
                    Section::Removed,
                    format!("{}::{}", n.name, a.name),
                    format!("variant `{}({})` removed", a.name, a.ty),
                    "code that builds or matches it stops compiling.",
                    at,
                ));
            }
        }
        if untagged {
            let order = |list: &[UnionVariantModel], other: &[UnionVariantModel]| -> Vec<String> {
                list.iter()
                    .filter(|v| other.iter().any(|w| w.name == v.name))
                    .map(|v| v.name.clone())
                    .collect()
            };
            if order(old, new) != order(new, old) {
                self.add(entry(
                    Class::Breaking,
                    "variants-reordered",
                    Section::Changed,
                    &n.name,
                    "variants tried in a new order",
                    "a value that fits several variants may decode as another one.",
                    at,
                ));
            }
        }
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
