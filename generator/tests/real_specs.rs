//! The real-world specs vendored in `tests/specs` (the OpenAPI examples, 3.0
//! and 3.1, and three of Oxide's) load, and each has its source recorded in
//! `tests/specs/SOURCES.tsv`. Only loading is checked here; `cargo xtask
//! corpus` generates and `cargo check`s them.
//!
//! The big specs (Stripe's 4 MB YAML, OpenAI's integers beyond 64 bits) live
//! outside the repository, beside it, and `cargo test` reads nothing
//! outside it: `cargo xtask corpus` generates every one of them and fails on
//! any that does not load.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/specs")
}

/// The spec files under `dir` and its subfolders, as paths relative to it.
fn spec_files(dir: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(current) = stack.pop() {
        let entries = std::fs::read_dir(&current)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", current.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            {
                let relative = path.strip_prefix(dir).unwrap();
                found.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found
}

#[test]
fn every_vendored_spec_is_sourced_and_loads() {
    let dir = specs_dir();
    let sources = std::fs::read_to_string(dir.join("SOURCES.tsv"))
        .unwrap_or_else(|e| panic!("cannot read {}/SOURCES.tsv: {e}", dir.display()));
    let mut listed = BTreeSet::new();
    for line in sources.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let columns: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            columns.len(),
            5,
            "SOURCES.tsv rows are file, repository, path, commit, license: `{line}`"
        );
        assert!(
            columns.iter().all(|c| !c.trim().is_empty()),
            "SOURCES.tsv has an empty column: `{line}`"
        );
        listed.insert(columns[0].to_owned());
    }
    let files = spec_files(&dir);
    assert_eq!(
        files, listed,
        "the specs in tests/specs and the rows of its SOURCES.tsv differ"
    );
    assert!(
        files.iter().any(|f| f.starts_with("openapi31/")),
        "no OpenAPI 3.1 spec in {files:?}"
    );

    let mut failures = Vec::new();
    for name in &files {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        if let Err(errors) = generator::load::load(name, &text) {
            failures.push(format!("{name} does not load:\n{errors}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
