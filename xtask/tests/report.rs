//! The change report as a user meets it: `cargo xtask codegen` prints it,
//! bumps the crate's version and adds a changelog entry when the spec's API
//! changed; `--check` prints it before the diff; `cargo xtask diff` prints
//! the same report for two specs, or a crate and a spec.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the root")
        .to_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-report-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("xtask runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn pair(name: &str, side: &str) -> String {
    format!("tests/changes/{name}/{side}.yaml")
}

#[test]
fn codegen_reports_bumps_the_version_and_writes_the_changelog() {
    let dir = temp_dir("codegen");
    let spec = dir.join("spec.yaml");
    let out = dir.join("crate");
    let (spec_arg, out_arg) = (spec.to_str().unwrap(), out.to_str().unwrap());
    let args = [
        "codegen", "--spec", spec_arg, "--out", out_arg, "--name", "pair",
    ];
    fs::copy(root().join(pair("operation-removed", "old")), &spec).unwrap();
    let first = xtask(&args);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        !text(&first.stdout).contains("semver:"),
        "{}",
        text(&first.stdout)
    );
    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("version = \"0.1.0\""), "{manifest}");

    // A breaking change: --check prints the report, the API record's diff
    // and one line for the code, and fails.
    fs::copy(root().join(pair("operation-removed", "new")), &spec).unwrap();
    let check = xtask(&[&args[..], &["--check"]].concat());
    let stdout = text(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{stdout}");
    let report = stdout.find("[operation-removed]").expect("the report");
    let diff = stdout
        .find("api.yaml (committed)")
        .expect("the model's diff");
    assert!(report < diff, "{stdout}");
    assert!(
        stdout.contains("version 0.1.0 → 0.2.0\nsemver: major\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("-version = \"0.1.0\"\n+version = \"0.2.0\""),
        "{stdout}"
    );
    assert!(stdout.contains("src/requests.rs: +"), "{stdout}");

    let second = xtask(&args);
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(text(&second.stdout).contains("[operation-removed]"));
    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("version = \"0.2.0\""), "{manifest}");
    let changelog = fs::read_to_string(out.join("CHANGELOG.md")).unwrap();
    let newest = changelog.find("## 0.2.0").expect("an entry for 0.2.0");
    let first_entry = changelog.find("## 0.1.0").expect("the first entry kept");
    assert!(newest < first_entry, "{changelog}");
    assert!(
        changelog.contains("### Removed\n\n- **Breaking:** `Client::delete_widget`"),
        "{changelog}"
    );

    // Regenerating the same spec changes nothing, version included.
    let third = xtask(&args);
    assert!(
        text(&third.stdout).contains(": 0 written,"),
        "{}",
        text(&third.stdout)
    );
    assert!(xtask(&[&args[..], &["--check"]].concat()).status.success());

    // An additive change bumps the patch version.
    fs::copy(root().join(pair("operation-added", "new")), &spec).unwrap();
    let fourth = xtask(&args);
    assert!(
        text(&fourth.stdout).contains("semver: minor"),
        "{}",
        text(&fourth.stdout)
    );
    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("version = \"0.2.1\""), "{manifest}");

    // Against the crate, `diff` says what the version would become.
    let against = xtask(&["diff", out_arg, &pair("operation-removed", "new")]);
    let stdout = text(&against.stdout);
    assert!(stdout.contains("version 0.2.1 → 0.3.0"), "{stdout}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn diff_ends_with_the_semver_line_and_fails_only_on_breaking_when_asked() {
    let breaking = [
        "diff",
        &pair("enum-value-removed", "old"),
        &pair("enum-value-removed", "new"),
    ];
    let run = xtask(&breaking);
    let stdout = text(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout.lines().last(), Some("semver: major"), "{stdout}");
    let failing = xtask(&[&breaking[..], &["--fail-on", "breaking"]].concat());
    assert_eq!(failing.status.code(), Some(1));

    let additive = [
        "diff",
        &pair("operation-added", "old"),
        &pair("operation-added", "new"),
    ];
    let run = xtask(&[&additive[..], &["--fail-on", "breaking"]].concat());
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(text(&run.stdout).lines().last(), Some("semver: minor"));

    let same = xtask(&["diff", &pair("unchanged", "old"), &pair("unchanged", "new")]);
    assert_eq!(text(&same.stdout).lines().last(), Some("semver: none"));

    let json = xtask(&[&breaking[..], &["--format", "json"]].concat());
    let stdout = text(&json.stdout);
    assert!(
        stdout.starts_with('{')
            && stdout.contains("\"semver\": \"major\"")
            && stdout.contains("\"rule\": \"enum-value-removed\""),
        "{stdout}"
    );
    let markdown = xtask(&[&breaking[..], &["--format", "markdown"]].concat());
    let stdout = text(&markdown.stdout);
    assert!(
        stdout.contains("| **breaking** | `Color::Green` |"),
        "{stdout}"
    );

    let bad = xtask(&[
        "diff",
        "tests/bad/dangling-ref.yaml",
        &pair("unchanged", "new"),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("dangling-ref.yaml"),
        "{}",
        text(&bad.stderr)
    );
}
