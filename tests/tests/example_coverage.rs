//! Every example of `spec/close.yaml` is a test of the committed crate:
//! the examples found by walking the spec's YAML (every `example`, every
//! entry of an `examples` map) are exactly the ones the generator kept in
//! the IR, each with a test in `generated/src/examples.rs`. The freshness
//! test says that file is what the spec generates; this one says nothing
//! fell through the cracks between the spec and the IR.

use std::collections::BTreeSet;

use generator::Options;
use serde_yaml::Value;

/// A JSON pointer segment (`~` and `/` escaped).
fn segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every example in `value`, by the pointer of its value; example values
/// themselves are not searched (an example may hold a key `example`).
fn examples(value: &Value, at: &str, found: &mut BTreeSet<String>) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map {
                let key = key.as_str().expect("the spec's keys are strings");
                let child_at = format!("{at}/{}", segment(key));
                match key {
                    "example" => {
                        found.insert(child_at);
                    }
                    "examples" if child.is_mapping() => {
                        for (name, entry) in child.as_mapping().into_iter().flatten() {
                            let name = name.as_str().expect("example names are strings");
                            assert!(
                                entry.get("$ref").is_none(),
                                "this walk does not follow `$ref`s; `{child_at}/{name}` has one"
                            );
                            found.insert(format!("{child_at}/{}/value", segment(name)));
                        }
                    }
                    _ => examples(child, &child_at, found),
                }
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter().enumerate() {
                examples(item, &format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn every_example_of_the_close_spec_is_a_test() {
    let root = tests::workspace_root();
    let text = std::fs::read_to_string(root.join("spec/close.yaml")).expect("the spec exists");
    let yaml: Value = serde_yaml::from_str(&text).expect("the spec is YAML");
    let mut in_spec = BTreeSet::new();
    examples(&yaml, "#", &mut in_spec);
    assert!(
        in_spec.len() >= 8,
        "the walk found too few examples: {in_spec:?}"
    );

    let options = Options {
        spec_file: "spec/close.yaml".to_owned(),
        crate_name: Some("close-api".to_owned()),
        command: "test".to_owned(),
        deny_warnings: true,
    };
    let document = generator::load::load("spec/close.yaml", &text).expect("the spec loads");
    let (api, warnings) =
        generator::lower::lower(&document.api, &options).expect("the spec lowers");
    assert!(warnings.is_empty(), "{warnings:?}");
    let in_ir: BTreeSet<String> = api.examples.iter().map(|e| e.pointer.clone()).collect();
    assert_eq!(in_spec, in_ir, "the spec's examples and the IR's differ");

    let module = std::fs::read_to_string(root.join("generated/src/examples.rs"))
        .expect("the committed crate has its examples module");
    for example in &api.examples {
        assert!(
            module.contains(&format!("fn {}()", example.test_name))
                && module.contains(&format!("`{}`", example.pointer)),
            "`{}` ({}) has no test in generated/src/examples.rs",
            example.pointer,
            example.test_name
        );
    }
}
