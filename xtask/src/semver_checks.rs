//! `cargo xtask semver-checks`: the change report against a second opinion.
//! For each pair of `tests/changes/`, generate the crate before and after,
//! run cargo-semver-checks on the two, and print a Markdown table of both
//! verdicts (CHANGES.md keeps it, with every disagreement explained).
//!
//! cargo-semver-checks is installed from crates.io, at a pinned version,
//! into `.tools/` (git-ignored) on first use; the default tests never run
//! it (it builds rustdoc JSON of two crates per pair).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};
use generator::changes::{self, Class, Semver};
use generator::Options;

use crate::codegen::workspace_root;

/// The version installed: its lints and its rustdoc JSON reader are what
/// CHANGES.md records.
const VERSION: &str = "0.51.0";

struct Args {
    only: Option<Vec<String>>,
}

fn parse(args: &[String]) -> Result<Args> {
    let mut only = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--only" => {
                let list = iter.next().context("`--only` needs a list of pair names")?;
                only = Some(list.split(',').map(str::to_owned).collect());
            }
            other => bail!("unknown argument `{other}` (see `cargo xtask --help`)"),
        }
    }
    Ok(Args { only })
}

/// The cargo-semver-checks binary, installed first if it is not there.
fn tool(root: &Path) -> Result<PathBuf> {
    let install_root = root.join(".tools/cargo-semver-checks");
    let binary = install_root.join("bin/cargo-semver-checks");
    let installed = Command::new(&binary)
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(VERSION));
    if installed {
        return Ok(binary);
    }
    eprintln!(
        "installing cargo-semver-checks {VERSION} into {} (takes a while, once)",
        install_root.display()
    );
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args([
            "install",
            "cargo-semver-checks",
            "--locked",
            "--version",
            VERSION,
            "--root",
        ])
        .arg(&install_root)
        .status()
        .context("cannot run `cargo install`")?;
    if !status.success() {
        bail!("`cargo install cargo-semver-checks` failed");
    }
    Ok(binary)
}

/// What cargo-semver-checks said about one pair.
struct Verdict {
    /// The bump it requires: `Major`, `Minor`, or `None`.
    semver: Semver,
    /// The lints that failed.
    lints: Vec<String>,
}

fn run_tool(tool: &Path, new: &Path, old: &Path, target: &Path) -> Result<Verdict> {
    let output = Command::new(tool)
        .args([
            "semver-checks",
            "--release-type",
            "patch",
            "--color",
            "never",
        ])
        .arg("--manifest-path")
        .arg(new.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(old)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .context("cannot run cargo-semver-checks")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let lints = text
        .lines()
        .filter_map(|l| l.strip_prefix("--- failure "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_owned)
        .collect();
    let semver = if text.contains("requires new major version") {
        Semver::Major
    } else if text.contains("requires new minor version") {
        Semver::Minor
    } else if text.contains("no semver update required") {
        Semver::None
    } else {
        bail!(
            "cargo-semver-checks gave no verdict on `{}`:\n{text}",
            new.display()
        );
    };
    Ok(Verdict { semver, lints })
}

/// Writes the crate `spec` generates into `dir`, as a workspace of its own.
fn generate(root: &Path, spec: &str, dir: &Path) -> Result<generator::model::ApiModel> {
    let text =
        fs::read_to_string(root.join(spec)).with_context(|| format!("cannot read `{spec}`"))?;
    let options = Options {
        spec_file: spec.to_owned(),
        crate_name: Some("pair".to_owned()),
        command: "cargo xtask semver-checks".to_owned(),
        deny_warnings: false,
    };
    let generated = generator::generate(&text, &options)
        .map_err(|d| anyhow::anyhow!("`{spec}` does not generate:\n{d}"))?;
    let _ = fs::remove_dir_all(dir);
    for file in &generated.files {
        let path = dir.join(&file.path);
        fs::create_dir_all(path.parent().expect("a file is inside the crate"))?;
        let mut contents = file.contents.clone();
        // The scratch crates live under the target directory, inside this
        // workspace; each is made a workspace of its own.
        if file.path == "Cargo.toml" {
            contents.push_str("\n[workspace]\n");
        }
        fs::write(&path, contents).with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    Ok(generated.model)
}

pub fn run(args: &[String]) -> Result<ExitCode> {
    let args = parse(args)?;
    let root = workspace_root();
    let tool = tool(&root)?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("semver-checks");
    let mut names: Vec<String> = fs::read_dir(root.join("tests/changes"))
        .context("the pairs live in tests/changes")?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    if let Some(only) = &args.only {
        names.retain(|n| only.contains(n));
    }
    println!("| pair | report | cargo-semver-checks | lints that failed | agree |");
    println!("| --- | --- | --- | --- | --- |");
    let mut unsafe_misses = Vec::new();
    for name in &names {
        let dir = target.join("pairs").join(name);
        let old = generate(
            &root,
            &format!("tests/changes/{name}/old.yaml"),
            &dir.join("old"),
        )?;
        let new = generate(
            &root,
            &format!("tests/changes/{name}/new.yaml"),
            &dir.join("new"),
        )?;
        let report = changes::compare(&old, &new, "old.yaml", "new.yaml");
        let verdict = run_tool(
            &tool,
            &dir.join("new"),
            &dir.join("old"),
            &target.join("target"),
        )?;
        let ours = report.semver();
        let breaking = report.count(Class::Breaking) > 0;
        let theirs_breaking = verdict.semver == Semver::Major;
        if theirs_breaking && !breaking {
            unsafe_misses.push(name.clone());
        }
        let agree = if breaking == theirs_breaking {
            "yes"
        } else {
            "**no**"
        };
        let lints = if verdict.lints.is_empty() {
            "-".to_owned()
        } else {
            verdict
                .lints
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!(
            "| `{name}` | {} ({}) | {} | {lints} | {agree} |",
            ours.as_str(),
            report.counts().replace(" change(s)", ""),
            verdict.semver.as_str()
        );
    }
    if unsafe_misses.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "cargo-semver-checks finds breaking changes the report calls safe in: {}",
            unsafe_misses.join(", ")
        );
        Ok(ExitCode::FAILURE)
    }
}
