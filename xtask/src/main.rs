//! Project automation. `cargo xtask codegen` regenerates the committed client
//! from `spec/close.yaml`; this is the only code that writes generated files.

mod codegen;
mod corpus;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check] [--spec PATH --out DIR] [--name CRATE]
      Generate a client crate. Without --spec/--out: spec/close.yaml -> generated/.
      --check writes nothing and fails if any file is stale, printing a diff.
    corpus [DIR] [--no-check] [--only TEXT[,TEXT...]]
      Generate every spec under DIR (default ../shared/specs), cargo check each
      crate, and print a table. Exits 1 if any spec fails or has warnings.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some("corpus") => corpus::run(&args[1..]),
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
