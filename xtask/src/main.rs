//! Project automation. `cargo xtask codegen` regenerates the committed client
//! from `spec/close.yaml`; this is the only code that writes generated files.
//! `cargo xtask fuzz` runs a fuzzing campaign over the generator.

mod bench;
mod codegen;
mod corpus;
mod diff;
mod fuzz;
mod report;
mod semver_checks;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check [--full]] [--spec PATH --out DIR] [--name CRATE]
          [--deny-warnings | --allow-warnings] [--verbose]
      Generate a client crate. Without --spec/--out: spec/close.yaml -> generated/.
      Prints what changed for the crate's callers (against its committed
      api.yaml), bumps its version and adds a CHANGELOG.md entry.
      --check writes nothing and fails if any file is stale, printing the
      report, then the diff of api.yaml, CHANGELOG.md and Cargo.toml, and one
      line for each other stale file (--full: every diff).
      The project's own spec is read in strict mode (a warning fails, nothing
      is written); a spec given with --spec in lenient mode (warnings are
      printed and generation goes on). --deny-warnings / --allow-warnings
      choose the mode explicitly. Warnings of one kind that repeat are
      summarised in one line (count and first places); --verbose prints each.
      A spec split over files is read from disk, its other files relative to
      the file that names them.
  diff OLD NEW [--fail-on breaking] [--format text|markdown|json]
      What changes for the callers of the generated client between two specs;
      OLD or NEW may be a generated crate (its api.yaml). The text ends with
      `semver: major|minor|patch|none`. Exit 1 with --fail-on breaking when a
      change is breaking.
  semver-checks [--only NAME[,NAME...]]
      Cross-check the change report with cargo-semver-checks (installed into
      .tools/ on first use): generate each pair of tests/changes/ before and
      after, run cargo-semver-checks on the two crates and print a Markdown
      table (CHANGES.md). Exit 1 when it finds a breaking change in a pair
      the report calls safe.
  bench [--quick] [--runs N] [--only generation|process|compile|runtime]
      Benchmarks in release mode, printed as tables, against progenitor in the
      same run: generation (in process, phase by phase, and as a whole process
      with peak memory), cargo check/build of the generated crates, and the
      generated client's decode throughput and per-request overhead.
      --quick runs each once (CI uses it to keep it working); --runs N takes
      the median of N runs, not 5, in the generation and compile tables.
  corpus [DIR] [--no-check] [--only TEXT[,TEXT...]]
      Generate every spec under DIR (default ../shared/specs and tests/corpus;
      a split spec's other files are in a folder named like it) in lenient mode,
      cargo check each crate, and print a table (with the generator's warnings
      counted). Exits 1 if any spec fails to generate or its crate fails
      cargo check or has compiler warnings.
  fuzz [--iterations N] [--seed S] [--start K] [--timeout SECS] [--root DIR]
       [--shared] [--max-seed-kb KB]
      Run N mutated specs (default 10000) through the whole pipeline in a
      worker process; report panics, hangs and crashes (stack overflows) by
      case number, and exit 1 if there are any. Seeds are read from the
      workspace (or DIR): spec/, tests/bad, tests/fixtures, tests/specs;
      --shared adds DIR/../shared/specs. Up to 64 KB each unless
      --max-seed-kb says otherwise (the big shared specs take seconds a case).
  fuzz --seed S --replay K [--root DIR] [--shared] [--max-seed-kb KB]
       [--write FILE]
      Rebuild case K of seed S (from the same seeds), optionally write it,
      and run it here.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("corpus") => corpus::run(&args[1..]),
        Some("diff") => diff::run(&args[1..]),
        Some("semver-checks") => semver_checks::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("-h" | "--help") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(anyhow::anyhow!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
