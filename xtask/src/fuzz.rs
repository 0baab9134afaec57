//! `cargo xtask fuzz`: a fuzzing campaign over the whole generator pipeline.
//!
//! The cases come from the `fuzz` crate (structure-aware mutations of the
//! seed specs, each a pure function of the seed and the case number). They
//! run in a worker child process, one after another, because a stack
//! overflow aborts a process and cannot be caught: the worker announces each
//! case before running it, so when it dies the driver knows which case
//! killed it, reports it, and starts a new worker after it. A case that
//! sends nothing for `--timeout` seconds is a hang; a panic is caught in the
//! worker and reported without stopping the campaign.
//!
//! The seeds are the repository's specs (`fuzz::SEED_DIRS`); `--shared`
//! adds those in `../shared/specs` beside it (with `--max-seed-kb`, the big
//! ones). A case is a pure function of the seed, the case number and the
//! seed files, so a replay takes the same `--root`, `--shared` and
//! `--max-seed-kb`.

use std::io::{BufRead, BufReader, Write};
use std::panic;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::codegen::workspace_root;

struct Args {
    iterations: u64,
    seed: u64,
    start: u64,
    timeout: u64,
    replay: Option<u64>,
    write: Option<String>,
    worker: bool,
    /// Where the seed specs are read from (a workspace); a copy keeps case
    /// numbers stable while files change.
    root: PathBuf,
    /// Also seed from `ROOT/../shared/specs` (and its `openapi31/`).
    shared: bool,
    /// The largest seed spec to use, in bytes.
    max_seed_bytes: u64,
}

fn parse(args: &[String]) -> Result<Args> {
    let mut parsed = Args {
        iterations: 10_000,
        seed: 1,
        start: 0,
        timeout: 30,
        replay: None,
        write: None,
        worker: false,
        root: workspace_root(),
        shared: false,
        max_seed_bytes: fuzz::MAX_SEED_BYTES,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut number = |flag: &str| -> Result<u64> {
            let value = iter
                .next()
                .with_context(|| format!("`{flag}` needs a value"))?;
            value
                .replace('_', "")
                .parse()
                .with_context(|| format!("`{flag}` needs a whole number, not `{value}`"))
        };
        match arg.as_str() {
            "--iterations" => parsed.iterations = number("--iterations")?,
            "--seed" => parsed.seed = number("--seed")?,
            "--start" => parsed.start = number("--start")?,
            "--timeout" => parsed.timeout = number("--timeout")?.max(1),
            "--replay" => parsed.replay = Some(number("--replay")?),
            "--write" => {
                parsed.write = Some(iter.next().cloned().context("`--write` needs a path")?)
            }
            "--worker" => parsed.worker = true,
            "--shared" => parsed.shared = true,
            "--max-seed-kb" => parsed.max_seed_bytes = number("--max-seed-kb")? * 1024,
            "--root" => parsed.root = PathBuf::from(iter.next().context("`--root` needs a path")?),
            other => bail!("unknown argument `{other}` (see `cargo xtask --help`)"),
        }
    }
    Ok(parsed)
}

pub fn run(args: &[String]) -> Result<ExitCode> {
    let args = parse(args)?;
    let mut extra = Vec::new();
    if args.shared {
        let shared = args.root.join("../shared/specs");
        if !shared.is_dir() {
            bail!(
                "`--shared` reads `{}`, which is not a directory",
                shared.display()
            );
        }
        extra = vec![shared.clone(), shared.join("openapi31")];
    }
    let seeds = fuzz::seeds(&args.root, &extra, args.max_seed_bytes);
    if seeds.is_empty() {
        bail!("no seed specs found under `{}`", args.root.display());
    }
    if let Some(case) = args.replay {
        return replay(&seeds, args.seed, case, args.write.as_deref());
    }
    if args.worker {
        worker(&seeds, args.seed, args.start, args.start + args.iterations);
        return Ok(ExitCode::SUCCESS);
    }
    drive(&args, seeds.len())
}

/// Rebuilds one case, optionally writes it, and runs it in this process so
/// a panic shows its message and backtrace.
fn replay(seeds: &[fuzz::Seed], seed: u64, case: u64, write: Option<&str>) -> Result<ExitCode> {
    let (text, from) = fuzz::case_text(seeds, seed, case);
    eprintln!("case {case} of seed {seed}, mutated from {from}");
    if let Some(path) = write {
        std::fs::write(path, &text).with_context(|| format!("cannot write `{path}`"))?;
        eprintln!("written to {path}");
    }
    let generated = fuzz::run(&text);
    eprintln!(
        "the pipeline returned ({})",
        if generated {
            "generated"
        } else {
            "diagnostics"
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// The last panic message, set by the worker's panic hook.
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// Runs cases `start..end`, announcing each on stdout (`start K`), saying
/// which generated a crate (`generated`), reporting panics (`panic K
/// message`) and closing with `done`.
fn worker(seeds: &[fuzz::Seed], seed: u64, start: u64, end: u64) {
    panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = info.to_string().replace('\n', " ");
        }
    }));
    // The driver's own test makes a worker crash or panic at a given case,
    // to check that both are reported and the campaign goes on.
    let case_from_env = |name: &str| -> Option<u64> { std::env::var(name).ok()?.parse().ok() };
    let abort_at = case_from_env("XTASK_FUZZ_ABORT_AT");
    let panic_at = case_from_env("XTASK_FUZZ_PANIC_AT");
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for case in start..end {
        // A closed pipe means the driver is gone; stop quietly.
        if writeln!(out, "start {case}")
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
        if abort_at == Some(case) {
            std::process::abort();
        }
        let (text, from) = fuzz::case_text(seeds, seed, case);
        match panic::catch_unwind(|| {
            assert!(
                panic_at != Some(case),
                "a panic asked for by XTASK_FUZZ_PANIC_AT"
            );
            fuzz::run(&text)
        }) {
            Ok(true) => {
                let _ = writeln!(out, "generated");
            }
            Ok(false) => {}
            Err(_) => {
                let message = LAST_PANIC.lock().map(|m| m.clone()).unwrap_or_default();
                let _ = writeln!(out, "panic {case} (from {from}): {message}");
            }
        }
    }
    let _ = writeln!(out, "done");
    let _ = out.flush();
}

/// Runs the campaign in worker processes, restarting after a crash or hang.
fn drive(args: &Args, seed_count: usize) -> Result<ExitCode> {
    let started = Instant::now();
    let end = args.start + args.iterations;
    let exe = std::env::current_exe().context("cannot find the xtask binary")?;
    let mut next = args.start;
    let mut findings: Vec<String> = Vec::new();
    let mut generated = 0u64;
    let mut last_report = Instant::now();
    println!(
        "fuzz: seed {}, cases {}..{end}, {seed_count} seed specs",
        args.seed, args.start
    );
    while next < end {
        let mut child = Command::new(&exe)
            .args(["fuzz", "--worker", "--seed", &args.seed.to_string()])
            .arg("--root")
            .arg(&args.root)
            .args(args.shared.then_some("--shared"))
            .args(["--max-seed-kb", &(args.max_seed_bytes / 1024).to_string()])
            .args(["--start", &next.to_string()])
            .args(["--iterations", &(end - next).to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot start a fuzz worker")?;
        let stdout = child.stdout.take().context("worker stdout")?;
        let (send, receive) = mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut current: Option<u64> = None;
        let mut finished = false;
        loop {
            match receive.recv_timeout(Duration::from_secs(args.timeout)) {
                Ok(line) => {
                    if let Some(case) = line.strip_prefix("start ") {
                        current = case.parse().ok();
                        if let Some(case) = current {
                            next = case + 1;
                        }
                    } else if line.starts_with("panic ") {
                        println!("fuzz: found {line}");
                        findings.push(line);
                    } else if line == "generated" {
                        generated += 1;
                    } else if line == "done" {
                        finished = true;
                    }
                    if last_report.elapsed() > Duration::from_secs(60) {
                        last_report = Instant::now();
                        let done = next - args.start;
                        println!(
                            "fuzz: {done} executions, {:.0} s, {} finding(s)",
                            started.elapsed().as_secs_f64(),
                            findings.len()
                        );
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    let finding = format!(
                        "hang {} (no progress for {} s)",
                        current.map_or("?".to_owned(), |c| c.to_string()),
                        args.timeout
                    );
                    println!("fuzz: found {finding}");
                    findings.push(finding);
                    break;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = child.wait().context("cannot wait for the fuzz worker")?;
                    if !finished || !status.success() {
                        let mut stderr = String::new();
                        if let Some(mut pipe) = child.stderr.take() {
                            let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
                        }
                        let last = stderr.lines().last().unwrap_or("").to_owned();
                        let finding = format!(
                            "crash {} ({status}): {last}",
                            current.map_or("?".to_owned(), |c| c.to_string())
                        );
                        println!("fuzz: found {finding}");
                        findings.push(finding);
                    }
                    break;
                }
            }
        }
        if finished {
            next = end;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let executions = end - args.start;
    println!(
        "fuzz: {executions} executions in {elapsed:.1} s ({:.0}/s), {generated} generated a crate, {} finding(s)",
        executions as f64 / elapsed.max(0.001),
        findings.len()
    );
    if findings.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for finding in &findings {
        println!("  {finding}");
    }
    let mut same_seeds = String::new();
    if args.root != workspace_root() {
        same_seeds.push_str(&format!(" --root {}", args.root.display()));
    }
    if args.shared {
        same_seeds.push_str(" --shared");
    }
    if args.max_seed_bytes != fuzz::MAX_SEED_BYTES {
        same_seeds.push_str(&format!(" --max-seed-kb {}", args.max_seed_bytes / 1024));
    }
    println!(
        "replay one with `cargo xtask fuzz --seed {}{same_seeds} --replay CASE --write case.yaml`",
        args.seed
    );
    Ok(ExitCode::FAILURE)
}
