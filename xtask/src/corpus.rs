//! `cargo xtask corpus`: run the generator over every spec in a directory,
//! `cargo check` each generated crate, and print one table.
//!
//! The crates go to `target/corpus/crates/<spec>` under a workspace of their
//! own, sharing one target directory, so dependencies are built once.
//!
//! Specs are read in lenient mode, as `--spec` reads them: warnings do not
//! stop generation, and the table counts them. A spec that does not load or
//! generate is a failed row ("generation failed" and the first diagnostic)
//! and the command exits 1, as for a crate that does not check. This is where the big specs in `../shared/specs`
//! are checked to load at all (Stripe's 4 MB YAML, OpenAI's integers beyond
//! 64 bits): `cargo test` reads only the repository, and its
//! `generator/tests/real_specs.rs` loads the small specs vendored in
//! `tests/specs`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use generator::Options;

use crate::codegen::workspace_root;

struct Row {
    spec: String,
    operations: String,
    types: String,
    lines: String,
    generate_ms: String,
    skipped: String,
    /// The generator's warnings: specs from elsewhere are read in lenient
    /// mode, where warnings do not stop generation.
    warnings: String,
    check: String,
    check_s: String,
}

pub fn run(args: &[String]) -> Result<ExitCode> {
    let mut dir = None;
    let mut only_generate = false;
    let mut filter: Option<String> = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--no-check" => only_generate = true,
            "--only" => filter = Some(iter.next().context("`--only` needs a substring of spec file names")?.clone()),
            other if !other.starts_with('-') && dir.is_none() => dir = Some(PathBuf::from(other)),
            other => bail!("unknown argument `{other}`: usage: cargo xtask corpus [DIR] [--no-check] [--only TEXT]"),
        }
    }
    let root = workspace_root();
    // By default the shared real-world specs and the repository's own
    // corpus (`tests/corpus`: specs written for what the generator reads).
    let dirs = match dir {
        Some(dir) => vec![dir],
        None => vec![root.join("../shared/specs"), root.join("tests/corpus")],
    };
    let mut specs = Vec::new();
    for dir in &dirs {
        specs.extend(spec_files(dir)?.into_iter().map(|spec| (dir.clone(), spec)));
    }
    if let Some(filter) = &filter {
        // A comma-separated list of substrings of file names.
        let wanted: Vec<&str> = filter
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect();
        specs.retain(|(_, p)| wanted.iter().any(|w| p.to_string_lossy().contains(w)));
    }
    if specs.is_empty() {
        let dirs: Vec<String> = dirs.iter().map(|d| format!("`{}`", d.display())).collect();
        bail!("no specs (.yaml, .yml, .json) under {}", dirs.join(" or "));
    }
    let out = root.join("target/corpus");
    let crates = out.join("crates");
    let _ = fs::remove_dir_all(&crates);
    fs::create_dir_all(&crates)?;
    fs::write(
        out.join("Cargo.toml"),
        "# A workspace of its own for the corpus crates, written by `cargo xtask corpus`.\n[workspace]\nresolver = \"2\"\nmembers = [\"crates/*\"]\n",
    )?;
    // Reuse the main lock file so the corpus builds the same dependency versions.
    if let Ok(lock) = fs::read(root.join("Cargo.lock")) {
        fs::write(out.join("Cargo.lock"), lock)?;
    }

    let mut rows = Vec::new();
    let mut failures = 0;
    for (dir, spec) in &specs {
        let label = spec.strip_prefix(dir).unwrap_or(spec).display().to_string();
        let name = format!("corpus-{}", sanitize(&label));
        eprintln!("corpus: {label}");
        let text = fs::read_to_string(spec)
            .with_context(|| format!("cannot read `{}`", spec.display()))?;
        let options = Options {
            spec_file: label.clone(),
            crate_name: Some(name.clone()),
            command: "cargo xtask corpus".to_owned(),
            // Specs from elsewhere are read leniently.
            deny_warnings: false,
        };
        let started = Instant::now();
        // The other files of a split spec, named relative to `dir` as the
        // label is.
        let read = |path: &str| crate::codegen::read_spec_file(dir, path);
        let generated = generator::generate_files(&text, &options, &read);
        let generate_ms = started.elapsed().as_millis();
        let generated = match generated {
            Ok(generated) => generated,
            Err(diagnostics) => {
                failures += 1;
                let first = diagnostics
                    .iter()
                    .next()
                    .map(|d| d.message.clone())
                    .unwrap_or_default();
                rows.push(Row {
                    spec: label,
                    operations: "-".into(),
                    types: "-".into(),
                    lines: "-".into(),
                    generate_ms: generate_ms.to_string(),
                    skipped: "-".into(),
                    warnings: "-".into(),
                    check: format!(
                        "generation failed: {}",
                        first.chars().take(80).collect::<String>()
                    ),
                    check_s: "-".into(),
                });
                continue;
            }
        };
        let skipped = generated
            .warnings
            .iter()
            .filter(|d| d.message.contains("is skipped"))
            .count();
        let lines: usize = generated
            .files
            .iter()
            .filter(|f| f.path.ends_with(".rs"))
            .map(|f| f.contents.lines().count())
            .sum();
        let crate_dir = crates.join(&name);
        for file in &generated.files {
            let path = crate_dir.join(&file.path);
            fs::create_dir_all(path.parent().expect("generated paths are inside the crate"))?;
            fs::write(&path, &file.contents)?;
        }
        let (check, check_s) = if only_generate {
            ("not run".to_owned(), "-".to_owned())
        } else {
            let started = Instant::now();
            let output = Command::new(env!("CARGO"))
                .args([
                    "check",
                    "--quiet",
                    "--message-format=short",
                    "--package",
                    &name,
                ])
                .current_dir(&out)
                .env("CARGO_TARGET_DIR", out.join("target"))
                .output()
                .context("cannot run cargo check")?;
            let seconds = started.elapsed().as_secs_f64();
            let stderr = String::from_utf8_lossy(&output.stderr);
            let warnings = stderr
                .lines()
                .filter(|l| l.contains("warning:") && !l.contains("generated"))
                .count();
            let errors = stderr.lines().filter(|l| l.contains("error")).count();
            let verdict = if output.status.success() && warnings == 0 {
                "ok".to_owned()
            } else if output.status.success() {
                failures += 1;
                format!("{warnings} warning(s)")
            } else {
                failures += 1;
                let first = stderr
                    .lines()
                    .find(|l| l.contains("error"))
                    .unwrap_or("")
                    .chars()
                    .take(100)
                    .collect::<String>();
                format!("{errors} error line(s): {first}")
            };
            (verdict, format!("{seconds:.1}"))
        };
        rows.push(Row {
            spec: label,
            operations: generated.operations.to_string(),
            types: generated.types.to_string(),
            lines: lines.to_string(),
            generate_ms: generate_ms.to_string(),
            skipped: skipped.to_string(),
            warnings: generated.warnings.len().to_string(),
            check,
            check_s,
        });
    }
    print!("{}", table(&rows));
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| spec | operations | types | lines | generate (ms) | skipped operations | warnings | cargo check | check (s) |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.spec,
            r.operations,
            r.types,
            r.lines,
            r.generate_ms,
            r.skipped,
            r.warnings,
            r.check.replace('|', "\\\\|"),
            r.check_s
        );
    }
    out
}

/// A crate-name-safe form of a file path.
fn sanitize(label: &str) -> String {
    let stem = label.rsplit_once('.').map_or(label, |(stem, _)| stem);
    stem.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// Every spec under `dir`. A spec split over files keeps its other files in
/// a folder named like it (`split-petstore.yaml`, `split-petstore/`), whose
/// files are not specs of their own.
fn spec_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in
            fs::read_dir(&dir).with_context(|| format!("cannot list `{}`", dir.display()))?
        {
            let path = entry?.path();
            let is_spec_folder = ["yaml", "yml", "json"]
                .iter()
                .any(|e| path.with_extension(e).is_file());
            if path.is_dir() && is_spec_folder {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}
