//! `spec/close.yaml` means what the Close API does, as third-party tools read
//! it under OpenAPI 3.0.3 semantics.
//!
//! - Every `example` and `examples` entry in the spec, and every file in
//!   `tests/data`, is valid against its schema for `openapi-schema-validator`
//!   (PyPI), whose `OAS30Validator` honours `nullable` only beside a `type`
//!   in the same schema, as OpenAPI 3.0.3 says, and checks formats.
//! - So are the probes: what Close sends or accepts that a spec can easily
//!   get wrong (a null custom field, a lead without a primary email, a
//!   contact with the fields Close publishes beyond ours, nested field
//!   errors, an update that clears a custom field).
//! - Negative controls are rejected: broken instances, and the probes
//!   against a copy of the spec with its four old defects put back, so the
//!   test is seen to fail when the spec is wrong.
//! - Spectral's `spectral:oas` ruleset, the linter most OpenAPI users run,
//!   reports no error on the spec, and does on the broken copy.
//!
//! The validator is installed into `.tools/openapi-schema-validator` and
//! Spectral into `.tools/spectral` (both git-ignored) the first time; when
//! either cannot be installed the test fails, it never skips.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

/// Pinned so that a new release cannot change the verdict under us.
const SCHEMA_VALIDATOR: &str = "openapi-schema-validator==0.9.0";
/// Pinned likewise; a release that runs on this machine's Node 20.
const SPECTRAL: &str = "@stoplight/spectral-cli@6.15.0";

/// Each file in `tests/data` and the schema it is an instance of: the
/// operation's, so the data is checked against what the operation says.
const DATA: &[(&str, &str)] = &[
    (
        "create-lead-request.json",
        "#/paths/~1lead~1/post/requestBody/content/application~1json/schema",
    ),
    (
        "create-lead-response.json",
        "#/paths/~1lead~1/post/responses/200/content/application~1json/schema",
    ),
    (
        "seed-get-lead-response.json",
        "#/paths/~1lead~1{id}~1/get/responses/200/content/application~1json/schema",
    ),
];

const GET_LEAD: &str = "#/paths/~1lead~1{id}~1/get/responses/200/content/application~1json/schema";
const LIST_LEADS: &str = "#/paths/~1lead~1/get/responses/200/content/application~1json/schema";
const UPDATE_LEAD: &str = "#/paths/~1lead~1{id}~1/put/requestBody/content/application~1json/schema";
const BAD_REQUEST: &str = "#/components/responses/BadRequest/content/application~1json/schema";
const CONTACT: &str = "#/components/schemas/Contact";

fn root() -> PathBuf {
    tests::workspace_root()
}

fn spec() -> Value {
    let text = std::fs::read_to_string(root().join("spec/close.yaml")).expect("the spec exists");
    serde_yaml::from_str(&text).expect("the spec is YAML")
}

fn data(name: &str) -> Value {
    let text = std::fs::read_to_string(root().join("tests/data").join(name))
        .unwrap_or_else(|e| panic!("tests/data/{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("tests/data/{name}: {e}"))
}

/// One instance to validate against the schema at `pointer` of `document`,
/// and whether it must pass.
#[derive(Clone)]
struct Case {
    name: String,
    document: &'static str,
    pointer: String,
    instance: Value,
    valid: bool,
}

/// An instance that must be valid against the spec.
fn case(name: &str, pointer: &str, instance: Value) -> Case {
    Case {
        name: name.to_owned(),
        document: "spec",
        pointer: pointer.to_owned(),
        instance,
        valid: true,
    }
}

/// An instance the spec must reject.
fn rejected(name: &str, pointer: &str, instance: Value) -> Case {
    Case {
        valid: false,
        ..case(name, pointer, instance)
    }
}

/// The JSON pointer escape of one segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Every example in the document, each against the schema it illustrates:
/// a media type's, parameter's or header's `example` and `examples` against
/// its `schema`, and a schema's own `example` against that schema.
fn examples(value: &Value, pointer: &str, found: &mut Vec<Case>) {
    match value {
        Value::Object(map) => {
            let own_schema = if map.contains_key("schema") {
                format!("{pointer}/schema")
            } else {
                pointer.to_owned()
            };
            if let Some(example) = map.get("example") {
                let name = format!("the example at {pointer}");
                found.push(case(&name, &own_schema, example.clone()));
            }
            if let Some(entries) = map.get("examples").and_then(Value::as_object) {
                for (key, entry) in entries {
                    let at = format!("{pointer}/examples/{}", escape(key));
                    let value = entry.get("value").unwrap_or_else(|| {
                        panic!("{at}: only inline `value` examples are checked here; add support for this kind")
                    });
                    found.push(case(
                        &format!("the example at {at}"),
                        &own_schema,
                        value.clone(),
                    ));
                }
            }
            for (key, inner) in map {
                // Examples are data, not spec; extensions are ours.
                if key == "example" || key == "examples" || key.starts_with("x-") {
                    continue;
                }
                examples(inner, &format!("{pointer}/{}", escape(key)), found);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                examples(inner, &format!("{pointer}/{i}"), found);
            }
        }
        _ => {}
    }
}

/// What Close sends or accepts and the spec must allow, each with whether
/// the spec with its old defects rejected it (the defect it guards).
fn probes() -> Vec<(Case, bool)> {
    let lead = data("seed-get-lead-response.json");
    let with = |changes: Value| {
        let mut lead = lead.clone();
        for (key, value) in changes.as_object().expect("changes are an object") {
            lead[key] = value.clone();
        }
        lead
    };
    let mut contact = lead["contacts"][0].clone();
    let published = json!({
        "integration_links": [{"name": "Open in Dialer", "url": "https://example.com/dial"}],
        "recent_calls": [{
            "id": "acti_1", "dialer_id": null, "duration": 42,
            "finish_timestamp": "2024-05-01T10:00:00+00:00", "status": "completed"
        }],
        "subscriptions": [{
            "subscription_id": "sub_1", "sequence_id": "seq_1", "sequence_name": "Onboarding",
            "sequence_status": "active", "subscription_status": "active",
            "subscription_status_reason": null, "contact_email": "bruce@example.com",
            "date_created": "2024-05-01T10:00:00+00:00", "initial_email_id": null,
            "start_date": null
        }],
        "timezone": "America/New_York",
        "timezone_source": "phone",
        "lead_suggestions_operation_id": null,
        "a_future_field": {"nested": [1, 2, 3]}
    });
    for (key, value) in published.as_object().expect("an object") {
        contact[key] = value.clone();
    }
    vec![
        (
            case(
                "a lead with a custom field that has no value (null)",
                GET_LEAD,
                with(json!({"custom.cf_empty": null})),
            ),
            true,
        ),
        (
            case(
                "a lead without a primary email or phone (null)",
                GET_LEAD,
                with(json!({"primary_email": null, "primary_phone": null})),
            ),
            true,
        ),
        (
            case(
                "a lead with a primary email and phone",
                GET_LEAD,
                with(json!({
                    "primary_email": {"email": "bruce@example.com", "type": "office"},
                    "primary_phone": {"phone": "+16503334444", "type": "office"}
                })),
            ),
            false,
        ),
        (
            case(
                "a lead with a field the spec does not list, holding an object",
                GET_LEAD,
                with(json!({"smart_fields": {"num_calls": 3}})),
            ),
            true,
        ),
        (
            case(
                "a page of leads",
                LIST_LEADS,
                json!({"data": [lead.clone()], "has_more": false}),
            ),
            false,
        ),
        (
            case(
                "a contact with the fields Close publishes beyond the spec's",
                CONTACT,
                contact,
            ),
            true,
        ),
        (
            case(
                "nested field errors",
                BAD_REQUEST,
                json!({
                    "errors": [],
                    "field-errors": {
                        "name": "This field is required.",
                        "addresses": {
                            "errors": ["Invalid address."],
                            "field-errors": {"zipcode": "Not a valid zip code."}
                        }
                    }
                }),
            ),
            true,
        ),
        (
            case(
                "an update that clears a custom field and adds to another",
                UPDATE_LEAD,
                json!({
                    "custom.cf_empty": null,
                    "custom.cf_choices.add": "Choice 3",
                    "name": "Renamed",
                    "description": null
                }),
            ),
            true,
        ),
    ]
}

/// Instances the spec must reject: if these passed, so would anything.
fn broken_instances() -> Vec<Case> {
    let lead = data("seed-get-lead-response.json");
    let without_id = {
        let mut lead = lead.clone();
        lead.as_object_mut().expect("an object").remove("id");
        lead
    };
    let mut bad_date = lead.clone();
    bad_date["date_created"] = json!("yesterday");
    let mut bad_email = lead.clone();
    bad_email["primary_email"] = json!(5);
    vec![
        rejected("a lead without its id", GET_LEAD, without_id),
        rejected(
            "a lead whose date_created is not a date-time",
            GET_LEAD,
            bad_date,
        ),
        rejected(
            "a lead whose primary email is a number",
            GET_LEAD,
            bad_email,
        ),
        rejected(
            "a field error that is a number",
            BAD_REQUEST,
            json!({"field-errors": {"name": 5}}),
        ),
        rejected(
            "an update whose custom field is an object",
            UPDATE_LEAD,
            json!({"custom.cf_x": {"a": 1}}),
        ),
    ]
}

/// Sets the value at `pointer`, whose parent must exist: a change to the
/// spec that moves it is a change to make here too.
fn set(document: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer below the root");
    let missing = || format!("the spec has no `{parent}` any more; update the broken copy");
    match document.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(key.replace("~1", "/").replace("~0", "~"), value);
        }
        Some(Value::Array(items)) => {
            let slot = key.parse::<usize>().ok().and_then(|i| items.get_mut(i));
            *slot.unwrap_or_else(|| panic!("{}", missing())) = value;
        }
        _ => panic!("{}", missing()),
    }
}

/// The spec with its four old defects put back, as it was before they were
/// fixed: `nullable` beside a `oneOf` or an `allOf` without `type` (which
/// OpenAPI 3.0.3 ignores), a Contact missing the published properties,
/// custom-field-only `additionalProperties` on Lead and Contact, and field
/// errors that cannot nest an error body.
fn broken_copy(spec: &Value) -> Value {
    let mut broken = spec.clone();
    let schemas = "/components/schemas";
    let value = format!("{schemas}/CustomFieldValue");
    let members = broken
        .pointer_mut(&format!("{value}/oneOf"))
        .and_then(Value::as_array_mut)
        .expect("CustomFieldValue has oneOf");
    members.pop();
    set(&mut broken, &format!("{value}/nullable"), json!(true));
    for (property, target) in [("primary_email", "Email"), ("primary_phone", "Phone")] {
        set(
            &mut broken,
            &format!("{schemas}/Lead/properties/{property}"),
            json!({"allOf": [{"$ref": format!("#/components/schemas/{target}")}], "nullable": true}),
        );
    }
    let custom_only = json!({"$ref": "#/components/schemas/CustomFieldValue"});
    for schema in ["Lead", "Contact"] {
        set(
            &mut broken,
            &format!("{schemas}/{schema}/additionalProperties"),
            custom_only.clone(),
        );
    }
    let contact = broken
        .pointer_mut(&format!("{schemas}/Contact/properties"))
        .and_then(Value::as_object_mut)
        .expect("Contact has properties");
    for published in [
        "integration_links",
        "recent_calls",
        "subscriptions",
        "timezone",
        "timezone_source",
        "lead_suggestions_operation_id",
    ] {
        contact.remove(published);
    }
    set(
        &mut broken,
        &format!("{schemas}/FieldErrors/additionalProperties/oneOf/1"),
        json!({"$ref": "#/components/schemas/FieldErrors"}),
    );
    broken
}

fn schema_validator() -> PathBuf {
    let venv = root().join(".tools/openapi-schema-validator");
    let python = venv.join("bin/python");
    let installed = venv.join("installed");
    if installed.exists() {
        return python;
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
            SCHEMA_VALIDATOR,
        ]),
        &format!("install {SCHEMA_VALIDATOR} from PyPI"),
    );
    std::fs::write(&installed, SCHEMA_VALIDATOR).expect("the venv is writable");
    python
}

/// Runs the validator over every case; the verdict of each, by name.
fn validate(documents: &[(&str, &Value)], cases: &[Case]) -> Vec<(String, Vec<String>)> {
    let job = json!({
        "documents": documents.iter().map(|(n, d)| ((*n).to_owned(), (*d).clone())).collect::<serde_json::Map<_, _>>(),
        "cases": cases.iter().map(|c| json!({
            "name": c.name, "document": c.document, "pointer": c.pointer, "instance": c.instance
        })).collect::<Vec<_>>(),
    });
    let path = std::env::temp_dir().join(format!("spec-examples-{}.json", std::process::id()));
    std::fs::write(&path, job.to_string()).expect("the temporary directory is writable");
    let output = Command::new(schema_validator())
        .arg(root().join("tests/tools/validate_instances.py"))
        .arg(&path)
        .output()
        .expect("the validator runs");
    let _ = std::fs::remove_file(&path);
    assert!(
        output.status.success(),
        "the validator failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> =
        serde_json::from_slice(&output.stdout).expect("the validator prints JSON");
    assert_eq!(results.len(), cases.len(), "one verdict per case");
    results
        .into_iter()
        .map(|r| {
            let name = r["name"].as_str().unwrap_or_default().to_owned();
            let errors = r["errors"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            (name, errors)
        })
        .collect()
}

#[test]
fn examples_data_and_probes_are_valid_under_openapi_3_0_3() {
    let spec = spec();
    let broken = broken_copy(&spec);
    let mut valid = Vec::new();
    examples(&spec, "#", &mut valid);
    // Every `example:` and `examples:` key in the text was found.
    let text = std::fs::read_to_string(root().join("spec/close.yaml")).expect("the spec exists");
    let in_text = text
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            l.starts_with("example:") || l.starts_with("examples:")
        })
        .count();
    assert_eq!(
        valid.len(),
        in_text,
        "the walk found {} examples, the text has {in_text}",
        valid.len()
    );
    assert!(valid.len() >= 7, "the spec lost its examples");
    let mut files: Vec<String> = std::fs::read_dir(root().join("tests/data"))
        .expect("tests/data exists")
        .map(|e| {
            e.expect("readable")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".json"))
        .collect();
    files.sort();
    let mapped: Vec<&str> = DATA.iter().map(|(file, _)| *file).collect();
    assert_eq!(
        files, mapped,
        "every file in tests/data needs its schema in DATA"
    );
    for (file, pointer) in DATA {
        valid.push(case(&format!("tests/data/{file}"), pointer, data(file)));
    }
    // Negative controls: broken instances, and the probes against the spec
    // with its old defects, must be rejected.
    let mut cases = valid;
    cases.extend(broken_instances());
    for (probe, guards_a_defect) in probes() {
        if guards_a_defect {
            cases.push(Case {
                name: format!("{} (against the old spec)", probe.name),
                document: "broken",
                valid: false,
                ..probe.clone()
            });
        }
        cases.push(probe);
    }
    assert!(cases.iter().filter(|c| !c.valid).count() >= 10);

    let verdicts = validate(&[("spec", &spec), ("broken", &broken)], &cases);
    let mut failures = Vec::new();
    for (case, (name, errors)) in cases.iter().zip(&verdicts) {
        assert_eq!(&case.name, name, "verdicts come back in order");
        match (case.valid, errors.is_empty()) {
            (true, false) => failures.push(format!(
                "{name} must be valid against {}:\n  {}",
                case.pointer,
                errors.join("\n  ")
            )),
            (false, true) => failures.push(format!(
                "{name} must be rejected by {} but was accepted: the check cannot fail",
                case.pointer
            )),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn spectral() -> PathBuf {
    let prefix = root().join(".tools/spectral");
    let binary = prefix.join("node_modules/.bin/spectral");
    if binary.exists() {
        return binary;
    }
    tests::run_install_step(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(SPECTRAL),
        &format!("install {SPECTRAL} with npm"),
    );
    assert!(
        binary.exists(),
        "npm installed {SPECTRAL} but {} is missing",
        binary.display()
    );
    binary
}

/// Spectral's errors (severity 0) on the spec at `path`, one line each.
fn spectral_errors(binary: &Path, path: &Path) -> Vec<String> {
    let output = Command::new(binary)
        .arg("lint")
        .arg(path)
        .arg("--ruleset")
        .arg(root().join("tests/tools/spectral-oas.yaml"))
        .args(["--format", "json", "--quiet"])
        .current_dir(root())
        .output()
        .expect("spectral runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let results: Vec<Value> = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "spectral printed no JSON ({e}):\n{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    results
        .iter()
        .filter(|r| r["severity"] == json!(0))
        .map(|r| {
            let line = r["range"]["start"]["line"].as_u64().map_or(0, |l| l + 1);
            format!(
                "{}:{line}: {} ({})",
                path.display(),
                r["message"],
                r["code"]
            )
        })
        .collect()
}

#[test]
fn spectral_oas_ruleset_finds_no_error() {
    let binary = spectral();
    let errors = spectral_errors(&binary, &root().join("spec/close.yaml"));
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    // The broken copy has errors Spectral must find, or this test could not fail.
    let path = std::env::temp_dir().join(format!("spectral-broken-{}.json", std::process::id()));
    std::fs::write(&path, broken_copy(&spec()).to_string())
        .expect("the temporary directory is writable");
    let errors = spectral_errors(&binary, &path);
    let _ = std::fs::remove_file(&path);
    assert!(
        errors.iter().any(|e| e.contains("nullable")),
        "Spectral found no `nullable` error in the broken copy:\n{}",
        errors.join("\n")
    );
}
