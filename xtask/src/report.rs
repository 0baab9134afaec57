//! The change report of `cargo xtask codegen`: the crate's committed
//! `api.yaml` and `CHANGELOG.md` go into the generator as what the crate was,
//! and what changed for callers is printed before anything else.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use generator::history::{CHANGELOG_FILE, MODEL_FILE};
use generator::{Generated, Previous};

/// The committed history of the crate in `out`.
pub fn previous(out: &Path) -> Result<Previous> {
    let read = |name: &str| -> Result<Option<String>> {
        let path = out.join(name);
        match fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot read `{}`", path.display())),
        }
    };
    Ok(Previous {
        model: read(MODEL_FILE)?,
        changelog: read(CHANGELOG_FILE)?,
    })
}

/// Prints the report of a run, when the API changed: `out_label` is the crate
/// directory as the user names it (`generated`). Returns whether it printed.
pub fn print(generated: &mut Generated, spec_text: &str, out_label: &str) -> bool {
    let Some(report) = &mut generated.report else {
        return false;
    };
    if report.changes.is_empty() {
        return false;
    }
    report.old = format!("{out_label}/{MODEL_FILE}");
    report.locate(generator::changes::Side::New, spec_text);
    let old = generated.previous_version.as_deref().unwrap_or("-");
    print!(
        "{}",
        report.to_text(Some((old, generated.model.version.as_str())))
    );
    println!();
    true
}

/// Whether `codegen --check` prints the whole diff of `path` (relative to the
/// crate): the API record always (the model, the changelog, the manifest
/// with its version); the code behind it only with `--full`, since the
/// report above says what it means.
pub fn shows_diff(relative: &Path, full: bool) -> bool {
    full || [MODEL_FILE, CHANGELOG_FILE, "Cargo.toml"]
        .iter()
        .any(|name| relative == Path::new(name))
}

/// One line for a file whose diff is left out: how many lines it adds and
/// removes.
pub fn summary_line(label: &str, old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let (mut added, mut removed) = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    format!(
        "{label}: +{added} -{removed} lines, the code behind the report (`--full` shows the diff)"
    )
}
