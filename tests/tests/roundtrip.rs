//! Close's documented examples decode into the generated types and encode
//! back to the same JSON: every field, custom fields and unknown ones included.

use close_api::types::{Lead, LeadCreate};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

fn data(name: &str) -> Value {
    let path = tests::workspace_root().join("tests/data").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("test data is valid JSON")
}

/// Decodes `input` as `T` and encodes it again; the result must equal `input`.
fn round_trip<T: DeserializeOwned + Serialize>(input: &Value) -> T {
    let decoded: T =
        serde_json::from_value(input.clone()).unwrap_or_else(|e| panic!("does not decode: {e}"));
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    assert_eq!(&encoded, input, "the round trip changed the JSON");
    decoded
}

#[test]
fn seed_lead_round_trips() {
    let lead: Lead = round_trip(&data("seed-get-lead-response.json"));
    assert_eq!(lead.id, "lead_IIDHIStmFcFQZZP0BRe99V1MCoXWz2PGCm6EDmR9v2O");
    assert_eq!(lead.url, None);
    assert_eq!(lead.description.as_deref(), Some(""));
    assert_eq!(
        lead.date_created.to_string(),
        "2013-02-01T00:54:51.333000+00:00"
    );
    assert_eq!(
        lead.custom
            .get_str("cf_ORxgoOQ5YH1p7lDQzFJ88b4z0j7PLLTRaG66m8bmcKv"),
        Some("Website contact form")
    );
    assert_eq!(
        lead.custom
            .get_strs("cf_nenE344jkwrjyRRezwsf8b4V1MCoXWIDHIStmFavZks"),
        Some(vec!["Choice 1", "Choice 2"])
    );
    assert_eq!(lead.custom.len(), 2);
    assert!(
        lead.extra.keys().all(|k| !k.starts_with("custom.")),
        "custom fields are not kept twice: {:?}",
        lead.extra.keys().collect::<Vec<_>>()
    );
    #[allow(deprecated)]
    let opportunities = lead
        .opportunities
        .as_ref()
        .expect("the seed has opportunities");
    assert_eq!(opportunities[1].value_period.as_str(), "monthly");
    let contact = &lead.contacts.as_ref().expect("the seed has contacts")[0];
    assert_eq!(
        contact
            .custom
            .get_str("cf_j0P7kHmgFTZZnYBFtyPSZ3uQw4dpW8xKcW7Krps8atj"),
        Some("CEO")
    );
}

#[test]
fn create_lead_examples_round_trip() {
    let body: LeadCreate = round_trip(&data("create-lead-request.json"));
    assert_eq!(body.name.as_deref(), Some("Bluth Company"));
    assert_eq!(body.custom.len(), 4);
    round_trip::<Lead>(&data("create-lead-response.json"));
}

#[test]
fn unknown_fields_and_enum_values_survive() {
    let mut lead = data("seed-get-lead-response.json");
    lead["brand_new_field"] = json!({"nested": [1, 2, 3]});
    lead["opportunities"][0]["status_type"] = json!("on_hold");
    let decoded: Lead = round_trip(&lead);
    assert_eq!(
        decoded.extra["brand_new_field"],
        json!({"nested": [1, 2, 3]})
    );
}

#[test]
fn custom_and_unknown_keys_split_whether_or_not_the_parser_lends_them() {
    // `\u0041` makes serde_json unescape the key into an owned string.
    let text = data("seed-get-lead-response.json").to_string();
    let text = text.replacen(
        '{',
        r#"{"custom.cf_\u0041bc": 7, "brand_\u006eew": [1], "custom.cf_plain": "x", "#,
        1,
    );
    let lead: Lead = serde_json::from_str(&text).unwrap();
    assert_eq!(lead.custom.get("cf_Abc"), Some(&json!(7)));
    assert_eq!(lead.custom.get("cf_plain"), Some(&json!("x")));
    assert_eq!(lead.extra.get("brand_new"), Some(&json!([1])));
    assert!(lead.extra.keys().all(|k| !k.starts_with("custom.")));
}

#[test]
fn enums_decode_known_and_unknown_strings_and_refuse_other_types() {
    use close_api::types::OpportunityStatusType;
    let known: OpportunityStatusType = serde_json::from_value(json!("won")).unwrap();
    assert_eq!(known, OpportunityStatusType::Won);
    // Escaped, so serde_json cannot lend the string: still matched.
    let escaped: OpportunityStatusType = serde_json::from_str(r#""\u0077on""#).unwrap();
    assert_eq!(escaped, OpportunityStatusType::Won);
    let unknown: OpportunityStatusType = serde_json::from_value(json!("on_hold")).unwrap();
    assert_eq!(unknown, OpportunityStatusType::Other("on_hold".to_owned()));
    assert_eq!(serde_json::to_value(&unknown).unwrap(), json!("on_hold"));
    assert_eq!(
        OpportunityStatusType::from("lost"),
        OpportunityStatusType::Lost
    );
    let error = serde_json::from_value::<OpportunityStatusType>(json!(3))
        .unwrap_err()
        .to_string();
    assert_eq!(error, "invalid type: integer `3`, expected a string");
}

#[test]
fn structs_say_what_is_missing_or_mistyped_and_keep_a_repeated_key_last() {
    let missing = serde_json::from_value::<Lead>(json!({})).unwrap_err();
    assert_eq!(missing.to_string(), "missing field `id`");
    let mistyped = serde_json::from_str::<Lead>("[1]").unwrap_err().to_string();
    assert!(
        mistyped.starts_with("invalid type: sequence, expected struct Lead"),
        "{mistyped}"
    );
    let field = serde_json::from_value::<close_api::types::Address>(json!({"city": 7}))
        .unwrap_err()
        .to_string();
    assert_eq!(field, "invalid type: integer `7`, expected a string");
    // As `serde_json::Value` does: the last of two equal keys wins.
    let twice: close_api::types::LeadUpdate =
        serde_json::from_str(r#"{"description": "a", "description": "b"}"#).unwrap();
    assert_eq!(twice.description, Some(Some("b".to_owned())));
}

#[test]
fn typed_additional_properties_are_kept_and_checked() {
    use golden_collections::types::{Bag, Metrics};
    let metrics: Metrics = round_trip(&json!({"total": 3.0, "p50": 1.5}));
    assert_eq!(metrics.total, Some(3.0));
    assert_eq!(metrics.extra.get("p50"), Some(&1.5));
    let error = serde_json::from_value::<Metrics>(json!({"p50": "fast"}))
        .unwrap_err()
        .to_string();
    assert_eq!(error, "invalid type: string \"fast\", expected f64");
    // Custom fields next to undeclared keys, in a struct whose properties are
    // all optional.
    let bag: Bag = round_trip(&json!({"custom.cf_1": ["a"], "other": null, "tags": ["t"]}));
    assert_eq!(bag.custom.get("cf_1"), Some(&json!(["a"])));
    assert_eq!(bag.extra.get("other"), Some(&Value::Null));
    assert_eq!(bag.tags, Some(vec!["t".to_owned()]));
}

/// What the spec was fixed to allow (see `spec_examples.rs`) decodes into
/// the generated types, and encodes back unchanged.
#[test]
fn nulls_and_published_extra_fields_decode() {
    use close_api::types::Contact;
    let mut lead = data("seed-get-lead-response.json");
    lead["primary_email"] = Value::Null;
    lead["custom.cf_empty"] = Value::Null;
    lead["smart_fields"] = json!({"num_calls": 3});
    let decoded: Lead = round_trip(&lead);
    assert_eq!(decoded.primary_email, Some(None));
    assert_eq!(decoded.custom.get("cf_empty"), Some(&Value::Null));
    assert_eq!(
        decoded.extra.get("smart_fields"),
        Some(&json!({"num_calls": 3}))
    );

    let mut contact = lead["contacts"][0].clone();
    contact["timezone"] = json!("America/New_York");
    contact["lead_suggestions_operation_id"] = Value::Null;
    contact["integration_links"] = json!([{"name": "Dialer", "url": "https://example.com"}]);
    contact["subscriptions"] = json!([{"subscription_id": "sub_1", "start_date": null}]);
    contact["a_future_field"] = json!({"nested": [1]});
    let decoded: Contact = round_trip(&contact);
    assert_eq!(decoded.timezone, Some(Some("America/New_York".into())));
    assert_eq!(decoded.lead_suggestions_operation_id, Some(None));
    assert_eq!(decoded.integration_links.map(|l| l.len()), Some(1));
    assert_eq!(
        decoded.extra.get("a_future_field"),
        Some(&json!({"nested": [1]}))
    );
}

#[test]
fn absent_null_and_value_stay_apart_in_updates() {
    use close_api::types::LeadUpdate;
    let absent = LeadUpdate::default();
    assert_eq!(serde_json::to_value(&absent).unwrap(), json!({}));
    let cleared = LeadUpdate::new().clear_description();
    assert_eq!(
        serde_json::to_value(&cleared).unwrap(),
        json!({"description": null})
    );
    let decoded: LeadUpdate = serde_json::from_value(json!({"description": null})).unwrap();
    assert_eq!(decoded.description, Some(None));
    let decoded: LeadUpdate = serde_json::from_value(json!({})).unwrap();
    assert_eq!(decoded.description, None);
}

#[test]
fn spec_examples_are_the_documented_ones() {
    let spec: Value = serde_yaml::from_str(
        &std::fs::read_to_string(tests::workspace_root().join("spec/close.yaml"))
            .expect("the spec is readable"),
    )
    .expect("the spec is YAML");
    let json = |pointer: &str| {
        spec.pointer(pointer)
            .unwrap_or_else(|| panic!("the spec has no {pointer}"))
            .clone()
    };
    assert_eq!(
        json("/paths/~1lead~1{id}~1/get/responses/200/content/application~1json/example"),
        data("seed-get-lead-response.json")
    );
    assert_eq!(
        json("/paths/~1lead~1/post/requestBody/content/application~1json/example"),
        data("create-lead-request.json")
    );
    assert_eq!(
        json("/paths/~1lead~1/post/responses/200/content/application~1json/example"),
        data("create-lead-response.json")
    );
}

#[test]
fn discriminated_unions_pick_by_tag_and_keep_unknown_tags() {
    use golden_composition::types::{Event, Figure};
    let created: Event = round_trip(&json!({"kind": "created", "id": "e_1"}));
    assert!(matches!(created, Event::Created(ref c) if c.id == "e_1"));
    // The mapping, not the schema name, says which value means `Deleted`.
    let removed: Event = round_trip(&json!({"kind": "removed", "at": "2024-01-02T03:04:05+00:00"}));
    assert!(matches!(removed, Event::Deleted(_)));
    let unknown: Event = round_trip(&json!({"kind": "archived", "whatever": [1]}));
    assert!(
        matches!(unknown, Event::Unknown(_)),
        "a new kind of event is kept, not rejected"
    );

    let circle: Figure = round_trip(&json!({"type": "circle", "radius": 2.5}));
    assert!(matches!(circle, Figure::Circle(_)));
    // A square without its side fails as a square, with serde's own words.
    let error = serde_json::from_value::<Figure>(json!({"type": "square"})).unwrap_err();
    assert!(
        error.to_string().contains("missing field `side`"),
        "{error}"
    );
}

#[test]
fn an_object_or_the_empty_string_decodes_both_ways() {
    use golden_composition::types::MaybeOwner;
    let unset: MaybeOwner = round_trip(&json!(""));
    assert!(
        !matches!(unset, MaybeOwner::Person(_)),
        "the empty string is not a person"
    );
    let person: MaybeOwner = round_trip(&json!({"name": "Ada"}));
    assert!(matches!(person, MaybeOwner::Person(ref p) if p.name.as_deref() == Some("Ada")));
}
