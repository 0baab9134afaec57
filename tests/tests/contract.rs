//! Contract test: every operation of the generated client against Prism, a
//! third-party mock server of `spec/close.yaml`, on loopback.
//!
//! Prism validates each request against the spec (a request it rejects comes
//! back as an error status, which fails the test) and answers with the spec's
//! examples (static mode) or with data it makes up from the schemas (dynamic
//! mode, 100 answers per operation). Every answer must decode. A mismatch is
//! fixed in the spec or the generator, never by loosening this test.
//!
//! Prism is installed into `.tools/prism` (git-ignored) on first use; when it
//! cannot be installed the test fails, it never skips.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use close_api::types::{Lead, LeadList};
use close_api::types::{LeadCreate, LeadField, LeadMerge, LeadUpdate};
use close_api::{Client, CustomFieldId, Error};
use serde_json::{json, Value};

/// Pinned: the newest release that runs on this machine's Node 20.
const PRISM: &str = "@stoplight/prism-cli@5.14.2";

/// Answers per operation from the dynamic mock.
const DYNAMIC_ROUNDS: usize = 100;

fn prism_binary() -> PathBuf {
    let prefix = tests::workspace_root().join(".tools/prism");
    let binary = prefix.join("node_modules/.bin/prism");
    if binary.exists() {
        return binary;
    }
    tests::run_install_step(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(PRISM),
        &format!("install {PRISM} with npm"),
    );
    assert!(
        binary.exists(),
        "npm installed {PRISM} but {} is missing",
        binary.display()
    );
    binary
}

/// A running Prism; killed when dropped, so no test leaves one behind.
struct Prism {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Prism {
    fn start(binary: &PathBuf, dynamic: bool) -> Prism {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::env::temp_dir().join(format!("prism-{}-{port}.log", std::process::id()));
        let mut command = Command::new(binary);
        command.args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()]);
        if dynamic {
            command.arg("--dynamic");
        }
        let child = command
            .arg(tests::workspace_root().join("spec/close.yaml"))
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Prism: {e}"));
        let prism = Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "Prism did not start:\n{}",
                prism.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        prism
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn client(&self) -> Client {
        Client::builder()
            .base_url(&self.url)
            .basic_auth("api_key", "")
            .max_retries(0)
            .build()
            .unwrap()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// Follows `$ref`s and single-member `allOf`s (the 3.0 nullable reference)
/// to the schema itself.
fn resolve<'s>(mut schema: &'s Value, spec: &'s Value) -> &'s Value {
    for _ in 0..16 {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            schema = spec
                .pointer(reference.trim_start_matches('#'))
                .expect("the spec's $refs resolve");
        } else if let Some([only]) = schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            schema = only;
        } else {
            break;
        }
    }
    schema
}

/// Removes every property the schema declares but does not require, at
/// every depth: the smallest body the spec allows. Undeclared properties
/// stay (they are the extra fields).
fn strip_optional(value: &mut Value, schema: &Value, spec: &Value) {
    let schema = resolve(schema, spec);
    match value {
        Value::Object(map) => {
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                return;
            };
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            map.retain(|key, _| !properties.contains_key(key) || required.contains(&key.as_str()));
            for (key, inner) in map.iter_mut() {
                if let Some(property) = properties.get(key) {
                    strip_optional(inner, property, spec);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for inner in items {
                    strip_optional(inner, item, spec);
                }
            }
        }
        _ => {}
    }
}

/// Fetches `path` from the dynamic mock as raw JSON, strips it to its
/// required properties, and decodes it as `T`.
async fn decode_minimal<T: serde::de::DeserializeOwned>(
    url: &str,
    schema: &str,
    spec: &Value,
) -> Result<(), String> {
    let raw: Value = reqwest::Client::new()
        .get(url)
        .basic_auth("api_key", Some(""))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let mut minimal = raw.clone();
    strip_optional(&mut minimal, &json!({"$ref": schema}), spec);
    serde_json::from_value::<T>(minimal.clone())
        .map(drop)
        .map_err(|e| format!("{schema}: {e} in {minimal}"))
}

fn example(name: &str) -> serde_json::Value {
    let text =
        std::fs::read_to_string(tests::workspace_root().join("tests/data").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Calls every operation once; returns what failed, by operation.
async fn call_every_operation(client: &Client) -> Vec<String> {
    let create: LeadCreate = serde_json::from_value(example("create-lead-request.json")).unwrap();
    let merge = LeadMerge::new("lead_a", "lead_b");
    let mut update = LeadUpdate::new().clear_description().with_name("Renamed");
    update
        .custom
        .set(&CustomFieldId::new("cf_abc").unwrap(), "value");
    let mut failures = Vec::new();
    let mut check = |operation: &str, result: Result<(), Error>| {
        if let Err(error) = result {
            failures.push(format!("{operation}: {error}"));
        }
    };
    check(
        "list_leads",
        client.list_leads().limit(10).skip(0).await.map(drop),
    );
    check(
        "list_leads (selected)",
        client
            .list_leads()
            .select([LeadField::Id, LeadField::DisplayName])
            .await
            .map(drop),
    );
    check("create_lead", client.create_lead(create).await.map(drop));
    check("merge_leads", client.merge_leads(merge).await.map(drop));
    check("get_lead", client.get_lead("lead_123").await.map(drop));
    check(
        "get_lead (selected)",
        client
            .get_lead("lead_123")
            .select([LeadField::All])
            .await
            .map(drop),
    );
    check(
        "update_lead",
        client.update_lead("lead_123", update).await.map(drop),
    );
    check(
        "delete_lead",
        client.delete_lead("lead_123").await.map(drop),
    );
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_against_prism() {
    let binary = prism_binary();
    let static_mock = Prism::start(&binary, false);
    let dynamic_mock = Prism::start(&binary, true);

    let failures = call_every_operation(&static_mock.client()).await;
    assert!(
        failures.is_empty(),
        "against Prism's examples:\n{}\n\nPrism's log:\n{}",
        failures.join("\n"),
        static_mock.log_text()
    );

    let client = dynamic_mock.client();
    let mut failures = Vec::new();
    for _ in 0..DYNAMIC_ROUNDS {
        failures.extend(call_every_operation(&client).await);
    }
    // Prism fills every optional property, so also decode its answers with
    // every optional property taken out.
    let spec: Value = serde_yaml::from_str(
        &std::fs::read_to_string(tests::workspace_root().join("spec/close.yaml")).unwrap(),
    )
    .unwrap();
    let (lead_url, list_url) = (
        format!("{}/lead/lead_1/", dynamic_mock.url),
        format!("{}/lead/", dynamic_mock.url),
    );
    for _ in 0..DYNAMIC_ROUNDS {
        let lead = decode_minimal::<Lead>(&lead_url, "#/components/schemas/Lead", &spec).await;
        let page =
            decode_minimal::<LeadList>(&list_url, "#/components/schemas/LeadList", &spec).await;
        for result in [lead, page] {
            if let Err(e) = result {
                failures.push(format!("minimal body: {e}"));
            }
        }
    }
    failures.sort();
    failures.dedup();
    assert!(
        failures.is_empty(),
        "{} kinds of failure against Prism's generated data:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
