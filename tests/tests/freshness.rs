//! The committed client in `generated/` is exactly what `spec/close.yaml`
//! generates. This never rewrites anything: run `cargo xtask codegen`.

#[test]
fn generated_client_is_fresh() {
    if let Err(message) = tests::check_crate(
        "spec/close.yaml",
        "generated",
        "close-api",
        "cargo xtask codegen",
        "cargo xtask codegen",
        false,
    ) {
        panic!("{message}");
    }
}
