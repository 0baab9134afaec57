//! `cargo xtask codegen` as a user runs it: bad specs get located errors and
//! leave the output untouched; good ones write only what changed, `--check`
//! reports drift, and files the spec no longer produces are removed.
//!
//! The folder says a case's mode. A spec in `tests/bad/` has an error, so
//! it fails in both modes (it is run as `--spec` runs it, leniently). A spec
//! in `tests/warn/` has only warnings: in lenient mode it generates and
//! prints them (`NAME.stderr`); in strict mode (`--deny-warnings`, how the
//! project's own spec is read) it fails, writes nothing, and prints them as
//! errors (`NAME.strict.stderr`). Accept new wording with `UPDATE_GOLDEN=1
//! cargo test -p xtask`, and review the diff as you would code.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// A fresh, empty directory outside the workspace (a generated crate inside
/// it would be taken for a workspace member).
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-cli-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("codegen")
        .args(args)
        .current_dir(root())
        .output()
        .expect("xtask runs")
}

/// Every file under `dir` with its contents and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                let meta = entry.metadata().unwrap();
                files.insert(
                    entry.path(),
                    (fs::read(entry.path()).unwrap(), meta.modified().unwrap()),
                );
            }
        }
    }
    files
}

/// Every diagnostic names a line and column (`--> file:line:column`).
fn assert_located(relative: &str, stderr: &str) {
    for line in stderr.lines().filter(|l| l.trim_start().starts_with("-->")) {
        let mut parts = line.rsplitn(3, ':');
        let column = parts.next().unwrap_or("");
        let row = parts.next().unwrap_or("");
        assert!(
            column.parse::<usize>().is_ok() && row.parse::<usize>().is_ok(),
            "{relative}: a diagnostic without a line and column: `{line}`"
        );
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn bad_specs_get_located_errors_and_write_nothing() {
    let out = temp_dir("bad");
    let out_str = out.to_str().unwrap();
    let ok = codegen(&["--spec", "tests/fixtures/objects.yaml", "--out", out_str]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let before = snapshot(&out);
    let mut failures = Vec::new();
    let mut specs: Vec<PathBuf> = fs::read_dir(root().join("tests/bad"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    assert!(
        specs.len() >= 51,
        "the bad-spec suite shrank to {} specs",
        specs.len()
    );
    for spec in specs {
        let relative = spec
            .strip_prefix(root())
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let result = codegen(&["--spec", &relative, "--out", out_str]);
        let stderr = text(&result.stderr).replace(out_str, "<out>");
        assert_eq!(
            result.status.code(),
            Some(1),
            "{relative} must fail with exit code 1:\n{stderr}"
        );
        assert!(
            !stderr.contains("panicked"),
            "{relative} panicked:\n{stderr}"
        );
        // A spec split over files keeps the others in a folder named
        // like it; a problem there names that file.
        let folder = format!(
            "{}/",
            relative.rsplit_once('.').map_or(&*relative, |(s, _)| s)
        );
        assert!(
            stderr.contains(&relative) || stderr.contains(&folder),
            "{relative}: the message must name the file:\n{stderr}"
        );
        assert!(
            stderr.contains("error: "),
            "{relative}: no error line:\n{stderr}"
        );
        assert_located(&relative, &stderr);
        golden(
            &spec.with_extension("stderr"),
            &relative,
            &stderr,
            &mut failures,
        );
        assert_eq!(
            snapshot(&out),
            before,
            "{relative} changed the output directory"
        );
    }
    assert!(
        failures.is_empty(),
        "{}\nrun `UPDATE_GOLDEN=1 cargo test -p xtask` to accept",
        failures.join("\n")
    );
    fs::remove_dir_all(&out).unwrap();
}

/// Compares `actual` with the golden file at `path`, or rewrites it.
fn golden(path: &Path, relative: &str, actual: &str, failures: &mut Vec<String>) {
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let expected = fs::read_to_string(path).unwrap_or_default();
    if update {
        fs::write(path, actual).unwrap();
    } else if expected != actual {
        failures.push(format!(
            "{relative}: the message in {} changed:\n{}",
            path.file_name().unwrap().to_string_lossy(),
            similar::TextDiff::from_lines(expected.as_str(), actual)
                .unified_diff()
                .header("expected", "actual")
        ));
    }
}

/// Specs in `tests/warn/` generate a crate in lenient mode, and what they
/// print (their warnings) is reviewed like the errors. In strict mode the
/// same warnings are errors, nothing is written, and the first line printed
/// is an error; a spec without warnings generates in both modes. The
/// expected stderr of each mode is beside each spec.
#[test]
fn warning_specs_generate_leniently_and_fail_strictly() {
    let mut failures = Vec::new();
    let mut specs: Vec<PathBuf> = fs::read_dir(root().join("tests/warn"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    assert!(
        specs.len() >= 22,
        "the warning suite shrank to {} specs",
        specs.len()
    );
    for spec in specs {
        let relative = spec
            .strip_prefix(root())
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let stem = spec.file_stem().unwrap().to_str().unwrap();
        let out = temp_dir(&format!("warn-{stem}"));
        let out_str = out.to_str().unwrap();

        let result = codegen(&["--spec", &relative, "--out", out_str]);
        let stderr = text(&result.stderr).replace(out_str, "<out>");
        assert!(
            result.status.success(),
            "{relative} must generate a crate in lenient mode:\n{stderr}"
        );
        assert!(
            stderr.is_empty() || stderr.starts_with("warning: "),
            "{relative}: lenient mode prints only warnings:\n{stderr}"
        );
        assert_located(&relative, &stderr);
        golden(
            &spec.with_extension("stderr"),
            &relative,
            &stderr,
            &mut failures,
        );
        let types = || fs::read_to_string(out.join("src/types.rs")).unwrap();
        if stem == "ref-cycle-required" {
            // A cycle through required fields is boxed, not infinitely sized.
            let types = types();
            assert!(types.contains("pub next: Box<Link>"), "{types}");
            assert!(types.contains("pub node: Box<Node>"), "{types}");
        }
        if stem == "required-true-swagger2" {
            // The one reading of Swagger 2.0's flag: the property is required.
            let types = types();
            assert!(types.contains("pub name: String,"), "{types}");
            assert!(types.contains("pub description: Description,"), "{types}");
            assert!(types.contains("pub public: Option<bool>,"), "{types}");
        }
        if stem == "repeated-warnings" {
            // Summarised by default; `--verbose` prints every one in full.
            assert_eq!(stderr.matches("\nwarning: ").count() + 1, 2, "{stderr}");
            let verbose = codegen(&["--spec", &relative, "--out", out_str, "--verbose"]);
            let all = text(&verbose.stderr);
            assert_eq!(
                all.matches("warning: the operation has no `operationId`")
                    .count(),
                4,
                "{all}"
            );
            assert_eq!(
                all.matches("is not referenced anywhere").count(),
                2,
                "{all}"
            );
        }
        let warned = !stderr.is_empty();
        fs::remove_dir_all(&out).unwrap();

        let out = temp_dir(&format!("warn-strict-{stem}"));
        let out_str = out.to_str().unwrap();
        let strict = codegen(&["--spec", &relative, "--out", out_str, "--deny-warnings"]);
        let stderr = text(&strict.stderr).replace(out_str, "<out>");
        if !warned {
            assert!(
                strict.status.success() && stderr.is_empty(),
                "{relative} has no warning, so strict mode generates it too:\n{stderr}"
            );
            fs::remove_dir_all(&out).unwrap();
            continue;
        }
        assert_eq!(
            strict.status.code(),
            Some(1),
            "{relative} must fail in strict mode:\n{stderr}"
        );
        assert!(
            stderr.starts_with("error: ") && !stderr.contains("\nwarning: "),
            "{relative}: in strict mode every problem is an error:\n{stderr}"
        );
        assert!(
            stderr.contains("denied in strict mode"),
            "{relative}: strict mode must say why warnings fail:\n{stderr}"
        );
        assert_located(&relative, &stderr);
        assert!(
            snapshot(&out).is_empty(),
            "{relative} wrote files in strict mode"
        );
        golden(
            &spec.with_extension("strict.stderr"),
            &relative,
            &stderr,
            &mut failures,
        );
        fs::remove_dir_all(&out).unwrap();
    }
    assert!(
        failures.is_empty(),
        "{}\nrun `UPDATE_GOLDEN=1 cargo test -p xtask` to accept",
        failures.join("\n")
    );
}

#[test]
fn codegen_writes_only_changes_checks_and_prunes() {
    let out = temp_dir("write");
    let out_str = out.to_str().unwrap();
    let args = [
        "--spec",
        "tests/fixtures/objects.yaml",
        "--out",
        out_str,
        "--name",
        "objects-client",
    ];

    // A fresh directory: --check reports every file missing, writes nothing.
    let check = codegen(&[&args[..], &["--check"]].concat());
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stderr).contains("run `cargo xtask codegen --spec tests/fixtures/objects.yaml"),
        "{}",
        text(&check.stderr)
    );
    assert!(snapshot(&out).is_empty());

    let first = codegen(&args);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains(" written, 0 unchanged, 0 removed"),
        "{}",
        text(&first.stdout)
    );
    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"objects-client\""), "{manifest}");

    // Nothing changed: nothing is written, mtimes stay.
    let before = snapshot(&out);
    let second = codegen(&args);
    assert!(
        text(&second.stdout).contains(": 0 written,"),
        "{}",
        text(&second.stdout)
    );
    assert_eq!(snapshot(&out), before);
    assert!(codegen(&[&args[..], &["--check"]].concat())
        .status
        .success());

    // A hand edit is drift: --check fails, naming the file, and --full
    // shows its diff.
    fs::write(out.join("src/types.rs"), "// Generated by hand\n").unwrap();
    let check = codegen(&[&args[..], &["--check"]].concat());
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stdout).contains("src/types.rs: +")
            && !text(&check.stdout).contains("+// Generated by `cargo xtask codegen"),
        "{}",
        text(&check.stdout)
    );
    let check = codegen(&[&args[..], &["--check", "--full"]].concat());
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stdout).contains("+// Generated by `cargo xtask codegen"),
        "{}",
        text(&check.stdout)
    );

    // Stale generated files are removed; files without the header are kept.
    fs::write(
        out.join("src/old.rs"),
        "// Generated by `cargo xtask codegen` from `x`. Do not edit by hand.\n",
    )
    .unwrap();
    fs::write(out.join("src/mine.rs"), "// my own file\n").unwrap();
    let third = codegen(&args);
    assert!(
        text(&third.stdout).contains("1 written,") && text(&third.stdout).contains("1 removed"),
        "{}",
        text(&third.stdout)
    );
    assert!(!out.join("src/old.rs").exists());
    assert!(out.join("src/mine.rs").exists());
    fs::remove_dir_all(&out).unwrap();
}

#[test]
fn usage_errors_are_explained() {
    let only_spec = codegen(&["--spec", "spec/close.yaml"]);
    assert_eq!(only_spec.status.code(), Some(1));
    assert!(text(&only_spec.stderr).contains("`--spec` and `--out` go together"));
    let missing = codegen(&["--spec", "tests/bad/nope.yaml", "--out", "/tmp/unused"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).contains("cannot read the spec `tests/bad/nope.yaml`"),
        "{}",
        text(&missing.stderr)
    );
}

/// The fuzz driver reports a worker that dies (as on a stack overflow) and a
/// panic by case number, runs every case all the same, and fails.
#[test]
fn fuzz_reports_crashes_and_panics_and_goes_on() {
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["fuzz", "--iterations", "6", "--seed", "5"])
        .env("XTASK_FUZZ_ABORT_AT", "2")
        .env("XTASK_FUZZ_PANIC_AT", "4")
        .current_dir(root())
        .output()
        .expect("xtask runs");
    let stdout = text(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("found crash 2 ("), "{stdout}");
    assert!(stdout.contains("found panic 4 "), "{stdout}");
    assert!(stdout.contains("fuzz: 6 executions in "), "{stdout}");
    assert!(stdout.contains("2 finding(s)"), "{stdout}");

    let clean = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["fuzz", "--iterations", "6", "--seed", "5"])
        .current_dir(root())
        .output()
        .expect("xtask runs");
    assert!(clean.status.success(), "{}", text(&clean.stdout));
}

/// Copies `from` (a file or a folder) to `to`.
fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        fs::copy(from, to).unwrap();
    }
}

/// A spec split over files: every file is read, so `--check` notices a
/// change in any of them, and a problem in one is reported in it.
#[test]
fn a_change_in_any_file_of_a_split_spec_is_noticed() {
    let dir = temp_dir("split");
    let fixtures = root().join("tests/fixtures");
    copy_tree(
        &fixtures.join("split-files.yaml"),
        &dir.join("split-files.yaml"),
    );
    copy_tree(&fixtures.join("split-files"), &dir.join("split-files"));
    let spec = dir.join("split-files.yaml");
    let out = dir.join("out");
    let args = [
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let first = codegen(&args);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(codegen(&[&args[..], &["--check"]].concat())
        .status
        .success());

    // A property added in a file two `$ref`s away from the root.
    let owner = dir.join("split-files/schemas/owner/owner.yaml");
    let changed = fs::read_to_string(&owner).unwrap() + "  nickname:\n    type: string\n";
    fs::write(&owner, changed).unwrap();
    let check = codegen(&[&args[..], &["--check", "--full"]].concat());
    assert_eq!(check.status.code(), Some(1), "{}", text(&check.stderr));
    assert!(
        text(&check.stdout).contains("Owner.nickname: new optional field")
            && text(&check.stdout).contains("+    pub nickname: Option<String>,"),
        "{}",
        text(&check.stdout)
    );

    // A mistake in that file is reported there, at its line.
    fs::write(
        &owner,
        "type: object\nproperties:\n  name:\n    type: strng\n",
    )
    .unwrap();
    let broken = codegen(&args);
    assert_eq!(broken.status.code(), Some(1));
    let owner_label = owner.to_str().unwrap();
    assert!(
        text(&broken.stderr).contains(&format!("--> {owner_label}:4:5")),
        "{}",
        text(&broken.stderr)
    );
    fs::remove_dir_all(&dir).unwrap();
}
