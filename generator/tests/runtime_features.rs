//! Every part of the runtime is compiled, linted and documented in a crate
//! of the workspace, and so is every way of leaving a part out.
//!
//! A generated crate holds only the runtime its spec needs (the runtime's
//! `// @needs` blocks and optional files), so a block no committed crate
//! keeps is never compiled, and a crate that drops a block is the only
//! check that the rest stands without it. The committed crates are the
//! golden crates (`tests/fixtures/NAME.yaml` → `tests/golden/NAME/`, each a
//! workspace member) and the Close crate (`spec/close.yaml` →
//! `generated/`): for every runtime feature, one of them must need it and
//! one must not.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use generator::ir::RuntimeFeature;
use generator::Options;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate is one level below the workspace root")
        .to_owned()
}

/// The runtime features of the spec at `path` (relative to the root).
fn features(path: &str) -> BTreeSet<RuntimeFeature> {
    let text = std::fs::read_to_string(root().join(path))
        .unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let read = |name: &str| std::fs::read_to_string(root().join(name)).map_err(|e| e.to_string());
    let document = generator::load::load_files(path, &text, &read)
        .unwrap_or_else(|d| panic!("{path} does not load:\n{d}"));
    let options = Options {
        spec_file: path.to_owned(),
        crate_name: None,
        command: "test".to_owned(),
        deny_warnings: false,
    };
    let (api, _) = generator::lower::lower_loaded(&document.api, &document.refs, &options)
        .unwrap_or_else(|d| panic!("{path} does not lower:\n{d:?}"));
    api.runtime
}

/// Every committed crate's spec, with the crate's directory.
fn committed_crates() -> Vec<(String, String)> {
    let mut crates = vec![("spec/close.yaml".to_owned(), "generated".to_owned())];
    let fixtures = root().join("tests/fixtures");
    let entries =
        std::fs::read_dir(&fixtures).unwrap_or_else(|e| panic!("cannot list tests/fixtures: {e}"));
    for entry in entries {
        let path = entry.expect("a directory entry is readable").path();
        let (Some(stem), Some("yaml")) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.extension().and_then(|e| e.to_str()),
        ) else {
            continue;
        };
        crates.push((
            format!("tests/fixtures/{stem}.yaml"),
            format!("tests/golden/{stem}"),
        ));
    }
    crates.sort();
    crates
}

#[test]
fn every_runtime_feature_is_compiled_with_and_without() {
    let crates: Vec<(String, BTreeSet<RuntimeFeature>)> = committed_crates()
        .into_iter()
        .map(|(spec, dir)| {
            assert!(
                root().join(&dir).join("Cargo.toml").is_file(),
                "{spec} has no committed crate in {dir}"
            );
            let features = features(&spec);
            (spec, features)
        })
        .collect();
    let mut problems = Vec::new();
    for feature in RuntimeFeature::ALL {
        let with = crates.iter().filter(|(_, f)| f.contains(&feature)).count();
        if with == 0 {
            problems.push(format!(
                "no committed crate needs `{}`: add a fixture that does",
                feature.name()
            ));
        }
        if with == crates.len() {
            problems.push(format!(
                "every committed crate needs `{}`: add a fixture that does not",
                feature.name()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n(crates: {:?})",
        problems.join("\n"),
        crates.iter().map(|(spec, _)| spec).collect::<Vec<_>>()
    );
}
