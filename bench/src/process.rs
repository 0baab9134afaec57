//! Generation as a whole process, the way a user runs it: start, read the
//! spec, generate, format, write the crate, exit. Each run is a child
//! process of this binary (`bench child ...`), timed from spawn to exit, and
//! reports its peak resident memory (`VmHWM` of `/proc/self/status`, so
//! Linux only).
//!
//! The children leave their output in `target/bench/generated/`;
//! [`crate::compile`] uses the same children to write the crates it builds.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use generator::Options;

use crate::generation::{progenitor_once, time_parse};
use crate::{median, ms, ratio, SPECS};

/// Which generator a child runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Ours,
    Progenitor,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Ours => "ours",
            Side::Progenitor => "progenitor",
        }
    }
}

/// The dependencies of progenitor's generated code, as its README lists
/// them for a build.rs or static crate (chrono and uuid for their formats,
/// base64 and rand for websocket endpoints, which nexus has).
const PROGENITOR_MANIFEST: &str = r#"
[dependencies]
base64 = "0.21"
chrono = { version = "0.4", default-features = false, features = ["serde"] }
futures = "0.3"
progenitor-client = "=0.15.1"
rand = "0.8"
regress = "0.10"
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
uuid = { version = "1", features = ["serde", "v4"] }
"#;

/// `bench child ours|progenitor SPEC OUT_DIR CRATE_NAME`: generate one crate
/// into OUT_DIR and print `lines peak_kib`, or why it failed (exit 1).
pub fn child(args: &[String]) -> ExitCode {
    let [side, spec, out, name] = args else {
        eprintln!("usage: bench child ours|progenitor SPEC OUT_DIR CRATE_NAME");
        return ExitCode::from(2);
    };
    std::panic::set_hook(Box::new(|_| {}));
    let result = match side.as_str() {
        "ours" => generate_ours(spec, Path::new(out), name),
        "progenitor" => generate_progenitor(spec, Path::new(out), name),
        _ => Err(format!("unknown side `{side}`")),
    };
    match result {
        Ok(lines) => {
            println!("{lines} {}", peak_kib().unwrap_or(0));
            ExitCode::SUCCESS
        }
        Err(why) => {
            println!("{why}");
            ExitCode::FAILURE
        }
    }
}

fn generate_ours(spec: &str, out: &Path, name: &str) -> Result<usize, String> {
    let text = std::fs::read_to_string(crate::root().join(spec)).map_err(|e| e.to_string())?;
    let options = Options {
        spec_file: spec.to_owned(),
        crate_name: Some(name.to_owned()),
        command: "bench".to_owned(),
        deny_warnings: false,
    };
    let generated = generator::generate(&text, &options).map_err(|_| "spec error".to_owned())?;
    let mut lines = 0;
    for file in &generated.files {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&path, &file.contents).map_err(|e| e.to_string())?;
        if file.path.ends_with(".rs") {
            lines += file.contents.lines().count();
        }
    }
    Ok(lines)
}

fn generate_progenitor(spec: &str, out: &Path, name: &str) -> Result<usize, String> {
    let text = std::fs::read_to_string(crate::root().join(spec)).map_err(|e| e.to_string())?;
    let (code, _) = progenitor_once(&text, spec.ends_with(".json"));
    let code = code?;
    std::fs::create_dir_all(out.join("src")).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n{PROGENITOR_MANIFEST}"
    );
    std::fs::write(out.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(out.join("src/lib.rs"), &code).map_err(|e| e.to_string())?;
    Ok(code.lines().count())
}

/// This process's peak resident set size, in KiB.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// What one child run gave: its wall time, and lines and peak memory or why
/// it failed.
pub struct ChildRun {
    pub time: Duration,
    pub outcome: Result<(usize, u64), String>,
}

/// Runs one child and waits for it.
pub fn run_child(side: Side, spec: &str, out: &Path, name: &str) -> ChildRun {
    let exe = std::env::current_exe().expect("the benchmark knows its own path");
    let started = Instant::now();
    let output = Command::new(exe)
        .arg("child")
        .arg(side.name())
        .arg(spec)
        .arg(out)
        .arg(name)
        .output();
    let time = started.elapsed();
    let outcome = match output {
        Err(e) => Err(format!("cannot start: {e}")),
        Ok(output) => {
            let stdout = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            if output.status.success() {
                let mut fields = stdout.split(' ').map(|f| f.parse::<u64>().unwrap_or(0));
                let lines = fields.next().unwrap_or(0) as usize;
                Ok((lines, fields.next().unwrap_or(0)))
            } else {
                Err(stdout.chars().take(60).collect())
            }
        }
    };
    ChildRun { time, outcome }
}

/// The crate name for one side and spec, such as `ours-close`.
pub fn crate_name(side: Side, spec: &str) -> String {
    let stem = Path::new(spec)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("spec")
        .to_ascii_lowercase()
        .replace(|c: char| !c.is_ascii_alphanumeric(), "-");
    format!("{}-{stem}", side.name())
}

/// The directory a child of the generation table writes its crate to.
fn out_dir(root: &Path, side: Side, spec: &str) -> (std::path::PathBuf, String) {
    let name = crate_name(side, spec);
    (root.join("target/bench/generated").join(&name), name)
}

fn mib(kib: u64) -> String {
    format!("{:.0}", kib as f64 / 1024.0)
}

/// Prints the table: ours and progenitor alternately, `runs` times each.
pub fn run(root: &Path, runs: usize) {
    println!("| spec | ours (ms) | ours peak memory (MiB) | progenitor (ms) | progenitor peak memory (MiB) | ours / progenitor | typed parse alone, in process (ms) | ours / typed parse |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for spec in SPECS {
        let Ok(text) = std::fs::read_to_string(root.join(spec)) else {
            println!("| {spec} | not found |");
            continue;
        };
        let parse_alone = time_parse(&text, spec.ends_with(".json"), runs);
        let (our_dir, our_name) = out_dir(root, Side::Ours, spec);
        let (their_dir, their_name) = out_dir(root, Side::Progenitor, spec);
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        for _ in 0..runs {
            ours.push(run_child(Side::Ours, spec, &our_dir, &our_name));
            theirs.push(run_child(Side::Progenitor, spec, &their_dir, &their_name));
        }
        let summary = |runs: &[ChildRun]| -> Result<(Duration, u64), String> {
            let peak = runs
                .iter()
                .map(|r| r.outcome.clone().map(|(_, peak)| peak))
                .collect::<Result<Vec<u64>, String>>()?;
            let time = median(runs.iter().map(|r| r.time).collect());
            Ok((time, peak.into_iter().max().unwrap_or(0)))
        };
        let ours = summary(&ours);
        let theirs = summary(&theirs);
        let cell = |s: &Result<(Duration, u64), String>| match s {
            Ok((time, peak)) => (ms(*time), mib(*peak)),
            Err(why) => (format!("fails ({why})"), "-".to_owned()),
        };
        let (our_time, our_peak) = cell(&ours);
        let (their_time, their_peak) = cell(&theirs);
        let relative = match (&ours, &theirs) {
            (Ok((o, _)), Ok((t, _))) => ratio(*o, *t),
            _ => "-".to_owned(),
        };
        let over_parse = match &ours {
            Ok((o, _)) => ratio(*o, parse_alone),
            Err(_) => "-".to_owned(),
        };
        println!(
            "| {spec} | **{our_time}** | {our_peak} | **{their_time}** | {their_peak} | {relative} | {} | {over_parse} |",
            ms(parse_alone)
        );
    }
}
