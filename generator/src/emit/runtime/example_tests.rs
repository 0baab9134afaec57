// The spec's examples as tests: each is decoded into its Rust type and
// encoded back, and the JSON that comes back must be the example's.
//
// "The same JSON" allows two differences that do not change a value:
// numbers compare by value (`2` and `2.0`, and a `format: float` number
// and the `f32` nearest to it), and date-times compare as the same
// instant with the same offset (`Z` and `+00:00`, `.5` and `.500000`),
// since the crate's `Timestamp` writes them one way. The generator
// checked each example against its schema when it generated this file;
// an example that did not fit was reported then and is not here.
//
// Plain comments, not module docs: the workspace's
// `tests/tests/example_tests.rs` includes this file as it is.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Decodes `json` as `T`, encodes it again and fails unless the result is
/// the same JSON.
#[track_caller]
fn round_trip<T: DeserializeOwned + Serialize>(json: &str) {
    let example: Value = serde_json::from_str(json).expect("an example is JSON");
    let decoded: T = serde_json::from_str(json).unwrap_or_else(|e| {
        panic!(
            "the example does not decode into `{}`: {e}",
            std::any::type_name::<T>()
        )
    });
    let encoded = serde_json::to_value(&decoded).expect("a decoded value encodes");
    if let Some(at) = difference(&example, &encoded) {
        panic!(
            "the example does not encode back the same: they differ at `/{at}`\n  example: {example}\n  encoded: {encoded}"
        );
    }
}

/// Where `a` and `b` first differ as JSON values, up to the spelling of
/// numbers and date-times; `None` when they do not.
fn difference(a: &Value, b: &Value) -> Option<String> {
    let at = |key: &str, rest: String| {
        Some(if rest.is_empty() {
            key.to_owned()
        } else {
            format!("{key}/{rest}")
        })
    };
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                match b.get(key) {
                    Some(other) => {
                        if let Some(rest) = difference(value, other) {
                            return at(key, rest);
                        }
                    }
                    None => return at(key, String::new()),
                }
            }
            b.keys()
                .find(|key| !a.contains_key(*key))
                .and_then(|key| at(key, String::new()))
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().find_map(|(index, (a, b))| {
                difference(a, b).and_then(|rest| at(&index.to_string(), rest))
            })
        }
        (Value::Number(a), Value::Number(b)) => {
            let same = a == b
                || match (a.as_f64(), b.as_f64()) {
                    (Some(x), Some(y)) => x == y || x as f32 == y as f32,
                    _ => false,
                };
            (!same).then(String::new)
        }
        (Value::String(a), Value::String(b)) => (a != b && !same_instant(a, b)).then(String::new),
        (a, b) => (a != b).then(String::new),
    }
}

/// Whether `a` and `b` are RFC 3339 date-times of the same instant and
/// offset.
fn same_instant(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => a == b && a.offset() == b.offset(),
        _ => false,
    }
}
