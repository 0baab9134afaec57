//! `spec/close.yaml` and every fixture pass a third-party validator,
//! `openapi-spec-validator` from PyPI.
//!
//! The validator is installed into `.tools/openapi-spec-validator` (git-ignored)
//! the first time; when it cannot be installed the test fails, it never skips.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Pinned so that a new release cannot change the verdict under us.
const VALIDATOR: &str = "openapi-spec-validator==0.9.0";

fn validator() -> PathBuf {
    let venv = tests::workspace_root().join(".tools/openapi-spec-validator");
    let program = venv.join("bin/openapi-spec-validator");
    if program.exists() {
        return program;
    }
    let run = tests::run_install_step;
    run(
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
        "create a Python venv in .tools (python3 -m venv)",
    );
    run(
        Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            VALIDATOR,
        ]),
        &format!("install {VALIDATOR} from PyPI"),
    );
    assert!(
        program.exists(),
        "the validator was installed but {} is missing",
        program.display()
    );
    program
}

fn validate(program: &Path, spec: &str) -> Result<(), String> {
    let output = Command::new(program)
        .arg(spec)
        .current_dir(tests::workspace_root())
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if output.status.success() && stdout.contains(": OK") {
        Ok(())
    } else {
        Err(format!(
            "{spec} is not a valid OpenAPI document:\n{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

#[test]
fn specs_pass_openapi_spec_validator() {
    let program = validator();
    let mut specs = vec!["spec/close.yaml".to_owned()];
    let mut fixtures: Vec<String> =
        std::fs::read_dir(tests::workspace_root().join("tests/fixtures"))
            .expect("tests/fixtures exists")
            .map(|e| {
                e.expect("readable")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            // A split spec's other files are in a folder named like it; the
            // validator reads them through the root file's references.
            .filter(|name| name.ends_with(".yaml") || name.ends_with(".json"))
            .map(|name| format!("tests/fixtures/{name}"))
            .collect();
    fixtures.sort();
    specs.extend(fixtures);
    let failures: Vec<String> = specs
        .iter()
        .filter_map(|spec| validate(&program, spec).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
