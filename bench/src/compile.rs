//! What the generated code costs its users: `cargo check` and `cargo build`
//! (debug, non-incremental) of the generated crate alone, its dependencies
//! built first. Ours against progenitor's output for nexus, and ours for the
//! Close spec.
//!
//! The crates live in a workspace of their own under
//! `target/bench/compile/`, with its own target directory. Each timed run
//! touches the crate's `src/lib.rs` so cargo rebuilds that crate and nothing
//! else; cargo's own start-up is in every cell alike.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use crate::process::{crate_name, run_child, Side};
use crate::{median, ratio};

/// The crates of the table: (side, spec).
const CRATES: &[(Side, &str)] = &[
    (Side::Ours, "../shared/specs/progenitor-nexus.json"),
    (Side::Progenitor, "../shared/specs/progenitor-nexus.json"),
    (Side::Ours, "spec/close.yaml"),
];

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The CPU time (user + system) of this process's waited-for children, from
/// `/proc/self/stat` (Linux; clock ticks of 10 ms).
fn children_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    // cutime and cstime are fields 16 and 17 of the whole line.
    let ticks: u64 = fields
        .get(13..15)
        .unwrap_or_default()
        .iter()
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// One timed cargo run: wall time and CPU time.
#[derive(Clone, Copy)]
struct Timing {
    wall: Duration,
    cpu: Duration,
}

/// Runs `cargo <verb> -p <name>` in the workspace; how long it took.
fn cargo_run(dir: &Path, verb: &str, name: &str) -> Result<Timing, String> {
    let cpu_before = children_cpu();
    let started = Instant::now();
    let output = Command::new(cargo())
        .args([verb, "--quiet", "-p", name])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let wall = started.elapsed();
    let cpu = children_cpu().saturating_sub(cpu_before);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        return Err(format!(
            "`cargo {verb} -p {name}` failed:\n{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    Ok(Timing { wall, cpu })
}

/// Marks the crate's root file as changed, so cargo rebuilds the crate.
fn touch(path: &Path) -> Result<(), String> {
    std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}

fn lines(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir.join("src")) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|text| text.lines().count())
        .sum()
}

fn secs(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64())
}

/// Prints the table.
///
/// # Errors
///
/// When a crate cannot be generated or does not compile.
pub fn run(root: &Path, runs: usize) -> Result<(), String> {
    let dir = root.join("target/bench/compile");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut members: Vec<(String, PathBuf, String)> = Vec::new();
    for &(side, spec) in CRATES {
        let name = crate_name(side, spec);
        let out = dir.join(&name);
        let child = run_child(side, spec, &out, &name);
        if let Err(why) = child.outcome {
            return Err(format!("generating {name}: {why}"));
        }
        members.push((name, out, spec.to_owned()));
    }
    let manifest = format!(
        "# Written by the benchmark (bench/src/compile.rs).\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members
            .iter()
            .map(|(name, _, _)| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;

    // Dependencies first, and a first build of each crate, untimed.
    for (name, _, _) in &members {
        cargo_run(&dir, "check", name)?;
        cargo_run(&dir, "build", name)?;
    }
    let mut check: Vec<Vec<Timing>> = vec![Vec::new(); members.len()];
    let mut build: Vec<Vec<Timing>> = vec![Vec::new(); members.len()];
    // Alternate the crates within each round, so noise hits all alike.
    for _ in 0..runs {
        for (i, (name, out, _)) in members.iter().enumerate() {
            touch(&out.join("src/lib.rs"))?;
            check[i].push(cargo_run(&dir, "check", name)?);
            touch(&out.join("src/lib.rs"))?;
            build[i].push(cargo_run(&dir, "build", name)?);
        }
    }
    let medians = |timings: Vec<Vec<Timing>>| -> Vec<(Duration, Duration)> {
        timings
            .into_iter()
            .map(|runs| {
                (
                    median(runs.iter().map(|t| t.wall).collect()),
                    median(runs.iter().map(|t| t.cpu).collect()),
                )
            })
            .collect()
    };
    let check = medians(check);
    let build = medians(build);

    println!("| crate | spec | lines | `cargo check` (s) | CPU (s) | `cargo build` (s) | CPU (s) | check: ours / progenitor | build: ours / progenitor |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (i, (name, out, spec)) in members.iter().enumerate() {
        // The progenitor crate of the same spec, when this one is ours.
        let theirs = members
            .iter()
            .position(|(other, _, s)| s == spec && other.starts_with("progenitor-"));
        let (check_ratio, build_ratio) = match theirs {
            Some(j) if j != i => (ratio(check[i].0, check[j].0), ratio(build[i].0, build[j].0)),
            _ => ("-".to_owned(), "-".to_owned()),
        };
        println!(
            "| {name} | {spec} | {} | **{}** | {} | {} | {} | {check_ratio} | {build_ratio} |",
            lines(out),
            secs(check[i].0),
            secs(check[i].1),
            secs(build[i].0),
            secs(build[i].1),
        );
    }
    Ok(())
}
