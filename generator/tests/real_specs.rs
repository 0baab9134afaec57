//! The real-world specs in `../shared/specs` load: the shape walk must not be
//! stricter than the typed parse, 64-bit-overflowing integers (OpenAI's and
//! DigitalOcean's `minimum`/`maximum`) must not fail the load, and Stripe's
//! 4 MB YAML must load at all. Only loading is checked here: lowering some
//! of them reports real mistakes in the specs (OpenAI's undeclared path
//! parameters).

use std::path::Path;

#[test]
fn every_shared_3_0_spec_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); the real specs live beside the repository",
            dir.display()
        )
    });
    let mut loaded = Vec::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if !path.extension().is_some_and(|e| e == "yaml" || e == "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Err(errors) = generator::load::load(&name, &text) {
            panic!("{name} does not load:\n{errors}");
        }
        loaded.push(name);
    }
    assert!(
        loaded.iter().any(|n| n.starts_with("stripe"))
            && loaded.iter().any(|n| n.starts_with("openai")),
        "the big specs are missing: {loaded:?}"
    );
}
