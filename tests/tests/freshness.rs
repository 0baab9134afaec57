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

/// Copies `from` (a file or a folder) to `to`.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).expect("a temporary folder");
        for entry in std::fs::read_dir(from).expect("a readable folder") {
            let entry = entry.expect("a folder entry");
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).expect("a temporary folder");
        }
        std::fs::copy(from, to).expect("a copy");
    }
}

/// The check reads every file of a spec split over several, so it goes
/// stale when any of them changes, not only the root.
#[test]
fn a_change_in_another_file_of_the_spec_is_noticed() {
    let root = tests::workspace_root();
    let dir = std::env::temp_dir().join(format!("freshness-split-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_tree(
        &root.join("tests/fixtures/split-files.yaml"),
        &dir.join("split-files.yaml"),
    );
    copy_tree(
        &root.join("tests/fixtures/split-files"),
        &dir.join("split-files"),
    );
    let spec = dir.join("split-files.yaml");
    let spec = spec.to_str().expect("a UTF-8 path");
    let krate = dir.join("crate");
    let command = "cargo xtask codegen";
    let options = generator::Options {
        spec_file: spec.to_owned(),
        crate_name: Some("split".to_owned()),
        command: command.to_owned(),
        deny_warnings: false,
    };
    let read = |path: &str| std::fs::read_to_string(path).map_err(|e| e.to_string());
    let text = std::fs::read_to_string(spec).expect("the root file");
    let generated =
        generator::generate_files(&text, &options, &read).expect("the fixture generates");
    assert_eq!(generated.spec_files.len(), 8, "{:?}", generated.spec_files);
    for file in generated.files {
        let path = krate.join(&file.path);
        std::fs::create_dir_all(path.parent().expect("inside the crate")).expect("a folder");
        std::fs::write(path, file.contents).expect("a generated file");
    }
    let krate = krate.to_str().expect("a UTF-8 path");
    let check = || tests::check_crate(spec, krate, "split", command, "regenerate", false, false);
    check().expect("the crate is fresh");
    let definitions = dir.join("split-files/schemas/definitions.yaml");
    let text = std::fs::read_to_string(&definitions).expect("the fixture's definitions");
    std::fs::write(
        &definitions,
        text.replace("enum: [cat, dog]", "enum: [cat, dog, hamster]"),
    )
    .expect("an edit");
    let diff = check().expect_err("a changed file makes the crate stale");
    assert!(diff.contains("+    Hamster,"), "{diff}");
    std::fs::remove_dir_all(&dir).expect("cleanup");
}
