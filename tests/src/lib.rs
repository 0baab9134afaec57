//! Helpers shared by the workspace's tests: where things are, and one
//! `check_crate` that compares a generated crate with the files on disk.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use generator::{Options, Previous};

/// The environment variable that accepts new golden output.
pub const UPDATE_VAR: &str = "UPDATE_GOLDEN";

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives one level below the root")
        .to_owned()
}

/// Generates `spec` (a path relative to the workspace root) and compares every
/// file with the crate in `dir` (also relative), byte for byte.
///
/// On a mismatch it returns a unified diff per file and `fix`, the command that
/// brings `dir` up to date. With `UPDATE_GOLDEN=1` in `update_allowed` mode it
/// rewrites `dir` instead. With `deny_warnings` (strict mode, as `cargo xtask
/// codegen` reads the project's own spec) a spec with warnings does not
/// generate.
pub fn check_crate(
    spec: &str,
    dir: &str,
    crate_name: &str,
    command: &str,
    fix: &str,
    deny_warnings: bool,
    update_allowed: bool,
) -> Result<(), String> {
    let root = workspace_root();
    let text =
        fs::read_to_string(root.join(spec)).map_err(|e| format!("cannot read {spec}: {e}"))?;
    let options = Options {
        spec_file: spec.to_owned(),
        crate_name: Some(crate_name.to_owned()),
        command: command.to_owned(),
        deny_warnings,
    };
    let dir = root.join(dir);
    // The committed model and changelog are what the crate was: with them
    // an unchanged spec regenerates the same version and changelog.
    let read = |name: &str| fs::read_to_string(dir.join(name)).ok();
    let previous = Previous {
        model: read(generator::history::MODEL_FILE),
        changelog: read(generator::history::CHANGELOG_FILE),
    };
    let generated = generator::generate_with(&text, &options, &previous)
        .map_err(|d| format!("{spec} does not generate:\n{d}"))?;
    let update = update_allowed && std::env::var(UPDATE_VAR).is_ok_and(|v| v == "1");
    let mut problems = String::new();
    let mut expected_paths = Vec::new();
    for file in &generated.files {
        let path = dir.join(&file.path);
        expected_paths.push(path.clone());
        let current = fs::read_to_string(&path).unwrap_or_default();
        if current == file.contents {
            continue;
        }
        if update {
            fs::create_dir_all(
                path.parent()
                    .expect("generated files are inside the crate directory"),
            )
            .map_err(|e| e.to_string())?;
            fs::write(&path, &file.contents)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            continue;
        }
        let diff = similar::TextDiff::from_lines(current.as_str(), file.contents.as_str());
        let label = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        problems.push_str(
            &diff
                .unified_diff()
                .context_radius(2)
                .header(
                    &format!("{label} (on disk)"),
                    &format!("{label} (generated)"),
                )
                .to_string(),
        );
    }
    for path in generated_files_in(&dir) {
        if !expected_paths.contains(&path) {
            if update {
                fs::remove_file(&path).map_err(|e| e.to_string())?;
            } else {
                problems.push_str(&format!("stale generated file: {}\n", path.display()));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{problems}\n`{}` is out of date; run `{fix}` to accept the new output",
            dir.display()
        ))
    }
}

fn generated_files_in(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if entry.file_name() != "target" {
                    stack.push(path);
                }
            } else if fs::read_to_string(&path).is_ok_and(|c| generator::is_generated(&c)) {
                found.push(path);
            }
        }
    }
    found
}

/// Runs an install step for a test's tool, failing the test with the step's
/// output when it fails: a missing tool fails, it never skips.
pub fn run_install_step(command: &mut Command, what: &str) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot {what}: {e}"));
    assert!(
        output.status.success(),
        "cannot {what}:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
