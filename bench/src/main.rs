//! Benchmarks of the generator against progenitor 0.15, measured side by
//! side in one run and printed as Markdown tables:
//!
//! 1. generation in process, phase by phase ([`generation`]);
//! 2. generation as a whole process, with its peak memory ([`process`]);
//! 3. `cargo check` and `cargo build` of the generated crates ([`compile`]).
//!
//! `cargo xtask bench [--quick] [--runs N]` runs it in release mode.
//! `--quick` runs every cell once: enough to prove the benchmark works,
//! never to judge speed; `--runs N` takes the median of N runs, not 5.

mod compile;
mod generation;
mod process;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// The specs of the generation tables: the Close spec and three large public
/// ones, relative to the workspace root.
pub const SPECS: &[&str] = &[
    "spec/close.yaml",
    "../shared/specs/progenitor-nexus.json",
    "../shared/specs/github-api.github.com-2021.json",
    "../shared/specs/stripe-spec3-2023-09.yaml",
];

/// The workspace root (the parent of `bench/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ is inside the workspace")
        .to_path_buf()
}

/// The median of some samples (the upper one of an even count).
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// A duration in milliseconds, one decimal.
pub fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}

/// A ratio of two durations, two decimals.
pub fn ratio(ours: Duration, theirs: Duration) -> String {
    format!("{:.2}", ours.as_secs_f64() / theirs.as_secs_f64())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("child") {
        return process::child(&args[1..]);
    }
    let quick = args.iter().any(|a| a == "--quick");
    // `--only generation|process|compile`: one table (for work on it).
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1));
    let wanted = |table: &str| only.is_none_or(|o| o == table);
    // `--runs N`: the median of N runs instead of 5, for a cell whose
    // noise hides a difference.
    let runs = if quick {
        1
    } else {
        match args.iter().position(|a| a == "--runs") {
            Some(i) => match args.get(i + 1).and_then(|n| n.parse::<usize>().ok()) {
                Some(n) if n > 0 => n,
                _ => {
                    eprintln!("bench: `--runs` takes a number of runs, at least 1");
                    return ExitCode::FAILURE;
                }
            },
            None => 5,
        }
    };
    let root = root();
    // Panics inside progenitor are caught and reported in the tables; keep
    // its panic message off the terminal.
    std::panic::set_hook(Box::new(|_| {}));

    if wanted("generation") {
        println!("## Generation in process (median of {runs}, ms)\n");
        generation::run(&root, runs);
    }
    if wanted("process") {
        println!("\n## Generation as a whole process (median of {runs})\n");
        process::run(&root, runs);
    }
    if !wanted("compile") {
        return ExitCode::SUCCESS;
    }
    println!("\n## Compiling the generated crate alone (median of {runs}, s)\n");
    match compile::run(&root, runs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("bench: compile benchmark failed: {why}");
            ExitCode::FAILURE
        }
    }
}
