//! The committed client in `generated/` is exactly what `spec/close.yaml`
//! generates, in strict mode as `cargo xtask codegen` runs it: a spec with
//! a warning fails here too. This never rewrites anything: run `cargo xtask
//! codegen`.

#[test]
fn generated_client_is_fresh() {
    if let Err(message) = tests::check_crate(
        "spec/close.yaml",
        "generated",
        "close-api",
        "cargo xtask codegen",
        "cargo xtask codegen",
        true,  // deny warnings: the project's own spec is held strictly
        false, // never rewrite the committed client from a test
    ) {
        panic!("{message}");
    }
}
