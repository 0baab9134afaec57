//! Golden tests: each fixture spec under `tests/fixtures/` generates exactly
//! the crate committed under `tests/golden/<name>/`, and those crates are
//! workspace members, so they must also compile, pass clippy and document.
//!
//! Accept new output with `UPDATE_GOLDEN=1 cargo test -p tests --test golden`.

use tests::check_crate;

fn check(name: &str) {
    let spec = format!("tests/fixtures/{name}.yaml");
    let dir = format!("tests/golden/{name}");
    let crate_name = format!("golden-{name}");
    let command = format!("cargo xtask codegen --spec {spec} --out {dir} --name {crate_name}");
    let fix = format!("UPDATE_GOLDEN=1 cargo test -p tests --test golden {name}");
    // Fixtures exercise what foreign specs do, warnings included, so they
    // are read leniently, as `--spec` reads them.
    let deny_warnings = false;
    if let Err(message) = check_crate(
        &spec,
        &dir,
        &crate_name,
        &command,
        &fix,
        deny_warnings,
        true,
    ) {
        panic!("{message}");
    }
}

#[test]
fn objects() {
    check("objects");
}

#[test]
fn enums() {
    check("enums");
}

#[test]
fn collections() {
    check("collections");
}

#[test]
fn composition() {
    check("composition");
}

#[test]
fn operations() {
    check("operations");
}

#[test]
fn security() {
    check("security");
}

#[test]
fn openapi31() {
    check("openapi31");
}

#[test]
fn hostile() {
    check("hostile");
}

#[test]
fn types_only() {
    check("types-only");
}

#[test]
fn untyped() {
    check("untyped");
}

#[test]
fn deep_refs() {
    check("deep-refs");
}

#[test]
fn split_files() {
    check("split-files");
}

#[test]
fn servers() {
    check("servers");
}

#[test]
fn operation_security() {
    check("operation-security");
}
