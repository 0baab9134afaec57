//! The change report's rules against ground truth: each directory of
//! `tests/changes/` holds a spec before (`old.yaml`) and after (`new.yaml`)
//! one change, and `report.txt`, the report `cargo xtask diff old.yaml
//! new.yaml` prints, reviewed like code. Adding a case is adding a
//! directory; `UPDATE_GOLDEN=1 cargo test -p generator --test changes`
//! writes the reports of new or changed cases.
//!
//! `cargo xtask semver-checks` runs cargo-semver-checks on the crates each
//! pair generates; CHANGES.md records where it agrees.

use std::fs;
use std::path::{Path, PathBuf};

use generator::changes::{self, Side};
use generator::Options;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/changes")
}

fn model(dir: &Path, file: &str) -> Result<(generator::model::ApiModel, String), String> {
    let text = fs::read_to_string(dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
    let options = Options {
        spec_file: file.to_owned(),
        crate_name: Some("pair".to_owned()),
        command: "test".to_owned(),
        deny_warnings: false,
    };
    let model = generator::model_of(&text, &options).map_err(|d| format!("{file}:\n{d}"))?;
    Ok((model, text))
}

/// The report of one pair, compared with (or, with `UPDATE_GOLDEN=1`,
/// written to) its `report.txt`.
fn check(name: &str) -> Result<(), String> {
    let dir = cases_dir().join(name);
    let (old, old_text) = model(&dir, "old.yaml")?;
    let (new, new_text) = model(&dir, "new.yaml")?;
    let mut report = changes::compare(&old, &new, "old.yaml", "new.yaml");
    report.locate(Side::Old, &old_text);
    report.locate(Side::New, &new_text);
    let text = report.to_text(None);
    let path = dir.join("report.txt");
    let current = fs::read_to_string(&path).unwrap_or_default();
    if current == text {
        return Ok(());
    }
    if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        fs::write(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(&current, &text);
    Err(format!(
        "{}",
        diff.unified_diff()
            .header(&format!("{name}/report.txt"), &format!("{name} (now)"))
    ))
}

#[test]
fn every_pair_reports_what_its_report_txt_says() {
    let mut names: Vec<String> = fs::read_dir(cases_dir())
        .expect("the pairs live in tests/changes")
        .map(|e| e.expect("a readable directory entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names.len() >= 25,
        "only {} pairs in tests/changes",
        names.len()
    );
    let failures: Vec<String> = names
        .iter()
        .filter_map(|name| check(name).err().map(|e| format!("{name}:\n{e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{}\n{} of {} pairs differ; accept with `UPDATE_GOLDEN=1 cargo test -p generator --test changes`",
        failures.join("\n"),
        failures.len(),
        names.len()
    );
}

/// The semver line follows the strongest class, and an unchanged spec
/// reports nothing.
#[test]
fn semver_follows_the_strongest_change() {
    let dir = cases_dir();
    let semver = |name: &str| {
        let (old, _) = model(&dir.join(name), "old.yaml").expect("old loads");
        let (new, _) = model(&dir.join(name), "new.yaml").expect("new loads");
        changes::compare(&old, &new, "old", "new").semver().as_str()
    };
    assert_eq!(semver("unchanged"), "none");
    assert_eq!(semver("description-changed"), "patch");
    assert_eq!(semver("optional-parameter-added"), "minor");
    assert_eq!(semver("operation-removed"), "major");
}

/// What the crate was is read back from its own `api.yaml`: regenerating
/// against it reports nothing and bumps nothing, a change bumps the version
/// and adds a changelog entry, and an `api.yaml` that is not a model stops
/// generation with a message saying what to do.
#[test]
fn history_carries_the_version_and_changelog_forward() {
    let dir = cases_dir().join("enum-value-removed");
    let read = |file: &str| fs::read_to_string(dir.join(file)).expect("the pair is readable");
    let options = Options {
        spec_file: "spec.yaml".to_owned(),
        crate_name: Some("pair".to_owned()),
        command: "test".to_owned(),
        deny_warnings: false,
    };
    let file = |generated: &generator::Generated, path: &str| {
        generated
            .files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.contents.clone())
            .expect("the file is generated")
    };
    let first = generator::generate(&read("old.yaml"), &options).expect("old generates");
    let previous = generator::Previous {
        model: Some(file(&first, "api.yaml")),
        changelog: Some(file(&first, "CHANGELOG.md")),
    };
    let same = generator::generate_with(&read("old.yaml"), &options, &previous).unwrap();
    assert_eq!(same.files, first.files);
    assert!(same.report.is_some_and(|r| r.changes.is_empty()));

    let next = generator::generate_with(&read("new.yaml"), &options, &previous).unwrap();
    assert_eq!(next.model.version, "0.2.0");
    assert!(file(&next, "Cargo.toml").contains("version = \"0.2.0\""));
    let changelog = file(&next, "CHANGELOG.md");
    assert!(
        changelog.contains("## 0.2.0") && changelog.contains("## 0.1.0"),
        "{changelog}"
    );

    let broken = generator::Previous {
        model: Some("# Generated by hand\nformat: 7\n".to_owned()),
        changelog: None,
    };
    let error = generator::generate_with(&read("new.yaml"), &options, &broken)
        .expect_err("an unreadable api.yaml stops generation")
        .to_string();
    assert!(
        error.contains("`api.yaml` cannot be read (it is of format 7")
            && error.contains("remove it"),
        "{error}"
    );
}
