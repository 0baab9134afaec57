//! The crate's history across regenerations: its `api.yaml` (the API model),
//! its `CHANGELOG.md` and the version in its `Cargo.toml`.
//!
//! What the crate was before is an input, [`Previous`]: the caller (`xtask`)
//! reads the committed `api.yaml` and `CHANGELOG.md` and passes their text,
//! so this library still touches no file. The new version is the old one
//! bumped by what the change report implies; the changelog gains an entry
//! only when the API changed, so regenerating an unchanged spec gives the
//! same files.

use crate::changes::{self, Class, Report, Section, Semver};
use crate::model::{self, ApiModel};

/// The files of the crate as it was, as text; each `None` when absent.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    /// `api.yaml`.
    pub model: Option<String>,
    /// `CHANGELOG.md`.
    pub changelog: Option<String>,
}

/// The path of the model snapshot in the crate.
pub const MODEL_FILE: &str = "api.yaml";
/// The path of the changelog in the crate.
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";

/// The crate's new model, version and report.
#[derive(Debug, Clone)]
pub(crate) struct History {
    /// The model of the new crate, with its version.
    pub model: ApiModel,
    /// The changes against the previous model; `None` without one.
    pub report: Option<Report>,
    /// The version the crate had, when known.
    pub previous_version: Option<String>,
    /// The previous changelog's entries (from its first `## ` heading).
    previous_entries: Option<String>,
}

impl History {
    /// Compares the new crate's model with the previous one.
    ///
    /// # Errors
    ///
    /// Why the previous `api.yaml` cannot be read.
    pub fn new(api: &crate::ir::Api, previous: &Previous) -> Result<Self, String> {
        let mut model = model::of(api);
        let old = match &previous.model {
            Some(text) => Some(ApiModel::from_yaml(text).map_err(|e| {
                format!("the existing crate's `{MODEL_FILE}` cannot be read ({e}); remove it to start the change history afresh")
            })?),
            None => None,
        };
        let previous_entries = previous.changelog.as_deref().and_then(entries);
        let previous_version = old
            .as_ref()
            .map(|m| m.version.clone())
            .or_else(|| previous_entries.as_deref().and_then(first_version));
        let report = old.as_ref().map(|old| {
            changes::compare(
                old,
                &model,
                &format!("{} (before)", api.spec_file),
                &api.spec_file,
            )
        });
        model.version = match (&previous_version, &report) {
            (Some(version), Some(report)) => report.semver().bump(version),
            (Some(version), None) => version.clone(),
            (None, _) => model.version,
        };
        Ok(History {
            model,
            report,
            previous_version,
            previous_entries,
        })
    }

    /// The crate's version.
    pub fn version(&self) -> &str {
        &self.model.version
    }

    /// The text of `api.yaml`.
    pub fn model_file(&self, header: &str) -> String {
        self.model.to_yaml(&format!(
            "# {header}\n# The public API of this crate, compared at every regeneration (`cargo xtask diff`)."
        ))
    }

    /// The text of `CHANGELOG.md`: the header, a new entry when the API
    /// changed, then the previous entries.
    pub fn changelog_file(&self, header: &str, spec_file: &str) -> String {
        let mut out = format!(
            "<!-- {header} -->\n\n# Changelog of `{}`\n\nOne entry per regeneration that changed the crate's API, newest first, written by the generator from its change report. Breaking changes are marked; before 1.0 they bump the minor version, anything else the patch.\n",
            self.model.crate_name
        );
        let entry = match (&self.report, &self.previous_entries) {
            (Some(report), _) if report.semver() != Semver::None => {
                Some(entry(report, self.version()))
            }
            (_, Some(_)) => None,
            (_, None) => Some(format!(
                "## {}\n\nFirst generated from `{spec_file}`.\n",
                self.version()
            )),
        };
        if let Some(entry) = entry {
            out.push('\n');
            out.push_str(&entry);
        }
        if let Some(entries) = &self.previous_entries {
            out.push('\n');
            out.push_str(entries);
        }
        out
    }
}

/// One changelog entry: the report's changes by section.
fn entry(report: &Report, version: &str) -> String {
    let mut out = format!(
        "## {version}\n\nRegenerated from `{}`: {}.\n",
        report.new,
        report.counts()
    );
    for (section, title) in [
        (Section::Added, "Added"),
        (Section::Changed, "Changed"),
        (Section::Removed, "Removed"),
    ] {
        let items: Vec<String> = report
            .by_class()
            .into_iter()
            .filter(|c| c.section == section)
            .map(|c| {
                let mark = match c.class {
                    Class::Breaking => "**Breaking:** ",
                    Class::Additive => "",
                    Class::Internal => "Internal: ",
                };
                format!("- {mark}`{}`: {}; {}", c.item, c.what, c.meaning)
            })
            .collect();
        if !items.is_empty() {
            out.push_str(&format!("\n### {title}\n\n{}\n", items.join("\n")));
        }
    }
    out
}

/// A changelog's entries: everything from its first `## ` heading.
fn entries(changelog: &str) -> Option<String> {
    let start = if changelog.starts_with("## ") {
        0
    } else {
        changelog.find("\n## ")? + 1
    };
    Some(changelog[start..].to_owned())
}

/// The version of the newest entry (`## 0.2.0`).
fn first_version(entries: &str) -> Option<String> {
    let line = entries.lines().next()?;
    let version = line.strip_prefix("## ")?.split_whitespace().next()?;
    Some(version.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_start_at_the_first_heading() {
        let text = "<!-- header -->\n\n# Changelog\n\nintro\n\n## 0.2.0\n\nx\n\n## 0.1.0\n";
        let found = entries(text).expect("entries");
        assert!(found.starts_with("## 0.2.0"));
        assert_eq!(first_version(&found).as_deref(), Some("0.2.0"));
        assert_eq!(entries("# Changelog\n\nnothing yet\n"), None);
    }
}
