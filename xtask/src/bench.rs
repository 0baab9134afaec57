//! `cargo xtask bench [--quick] [--runs N] [--only TABLE]`: build and run the
//! benchmarks in `bench/` (a workspace of its own, so progenitor never
//! enters the main build) in release mode, and print their tables.
//!
//! Two binaries: `bench` (generation in process and as a process, compile
//! cost of the generated code; TABLE `generation`, `process` or `compile`)
//! and `runtime` (decode throughput and per-request overhead of the
//! generated client; TABLE `runtime`).

use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

use crate::codegen::workspace_root;

pub fn run(args: &[String]) -> Result<ExitCode> {
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);
    let quick: Vec<String> = args.iter().filter(|a| *a == "--quick").cloned().collect();
    if only != Some("runtime") && !run_bin("bench", args)? {
        return Ok(ExitCode::FAILURE);
    }
    if only.is_none() || only == Some("runtime") {
        println!("\n## The generated client at run time\n");
        if !run_bin("runtime", &quick)? {
            return Ok(ExitCode::FAILURE);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs one binary of the benchmark crate; whether it succeeded.
fn run_bin(bin: &str, args: &[String]) -> Result<bool> {
    let root = workspace_root();
    let status = Command::new(env!("CARGO"))
        .args([
            "run",
            "--release",
            "--quiet",
            "--bin",
            bin,
            "--manifest-path",
        ])
        .arg(root.join("bench/Cargo.toml"))
        .arg("--")
        .args(args)
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", root.join("target/bench"))
        .status()
        .with_context(|| format!("cannot run cargo for the `{bin}` benchmark"))?;
    Ok(status.success())
}
