//! `cargo xtask bench [--quick]`: build and run the benchmark crate in
//! `bench/` (a workspace of its own, so progenitor never enters the main
//! build) in release mode, and print its table.

use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

use crate::codegen::workspace_root;

pub fn run(args: &[String]) -> Result<ExitCode> {
    let root = workspace_root();
    let status = Command::new(env!("CARGO"))
        .args(["run", "--release", "--quiet", "--manifest-path"])
        .arg(root.join("bench/Cargo.toml"))
        .arg("--")
        .args(args)
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", root.join("target/bench"))
        .status()
        .context("cannot run cargo for the benchmarks")?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
