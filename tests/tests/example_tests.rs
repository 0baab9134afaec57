//! The comparison behind the generated crates' example tests
//! (`generator/src/emit/runtime/example_tests.rs`, included as it is
//! copied into every crate with examples): what counts as the same JSON,
//! and that a type which loses part of its example fails its test.

include!("../../generator/src/emit/runtime/example_tests.rs");

use serde::Deserialize;
use serde_json::json;

#[test]
fn numbers_and_date_times_compare_by_value_and_everything_else_exactly() {
    let same = |a: Value, b: Value| difference(&a, &b);
    assert_eq!(same(json!({"n": 2}), json!({"n": 2.0})), None);
    assert_eq!(same(json!(0.1), json!(0.1f32 as f64)), None);
    assert_eq!(
        same(
            json!("2024-01-31T12:00:00Z"),
            json!("2024-01-31T12:00:00+00:00")
        ),
        None
    );
    assert_eq!(
        same(
            json!("2024-01-31T12:00:00.5+01:00"),
            json!("2024-01-31T12:00:00.500000+01:00")
        ),
        None
    );
    // The same instant at another offset is another value.
    assert_eq!(
        same(
            json!("2024-01-31T12:00:00Z"),
            json!("2024-01-31T13:00:00+01:00")
        ),
        Some(String::new())
    );
    assert_eq!(
        same(json!({"a": [1, {"b": 2}]}), json!({"a": [1, {"b": 3}]})),
        Some("a/1/b".to_owned())
    );
    assert_eq!(
        same(json!({"a": 1}), json!({"a": 1, "b": null})),
        Some("b".to_owned())
    );
    assert_eq!(
        same(json!({"a": 1, "b": null}), json!({"a": 1})),
        Some("b".to_owned())
    );
    assert_eq!(same(json!([1, 2]), json!([1])), Some(String::new()));
    assert_eq!(same(json!(1), json!("1")), Some(String::new()));
    assert_eq!(same(json!(1), json!(2)), Some(String::new()));
}

/// A type that drops what it does not know, as generated types never do.
#[derive(Deserialize, Serialize)]
struct Lossy {
    kept: i64,
}

#[test]
#[should_panic(expected = "they differ at `/dropped`")]
fn a_type_that_loses_part_of_its_example_fails() {
    round_trip::<Lossy>(r#"{"kept": 1, "dropped": true}"#);
}

#[test]
#[should_panic(expected = "does not decode into")]
fn an_example_that_does_not_decode_fails() {
    round_trip::<Lossy>(r#"{"kept": "one"}"#);
}

#[test]
fn a_type_that_keeps_its_example_passes() {
    round_trip::<Lossy>(r#"{"kept": 1}"#);
}
