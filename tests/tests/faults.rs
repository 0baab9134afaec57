//! The client under concurrency and faults, checked the way a workload
//! finds its failures: the emulator of Close's Lead API
//! (`support/emulator.rs`) applies each request and injects faults before
//! or after applying it, and every test compares the emulator's state with
//! what the client reported. A call reported `Ok` was applied exactly once;
//! one reported as failed was not applied unless the error says it may have
//! been (`may_have_been_applied`), and then at most once; nothing the
//! server sent is lost. No assertion is about time: durations only set the
//! faults up (an answer held back past the client's timeout).

#[path = "support/emulator.rs"]
mod emulator;

use std::time::Duration;

use close_api::types::{LeadCreate, LeadUpdate};
use close_api::{Client, CustomFieldId, Error, StreamExt};
use emulator::{lead, Emulator, Fault, Incoming, Limits};
use serde_json::{json, Value};

/// Longer than the client's timeout: the answer to a request the emulator
/// already applied comes too late.
const SLOW: Fault = Fault::SlowAfterApplying(Duration::from_secs(3));

/// The client's timeout: far above what a loopback answer takes even on a
/// loaded machine, far below `SLOW`.
const TIMEOUT: Duration = Duration::from_secs(1);

fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .base_url(emulator.url())
        .basic_auth("key", "")
        .timeout(TIMEOUT)
        .retry_backoff(Duration::from_millis(5), Duration::from_millis(20))
        .build()
        .expect("a loopback URL is accepted")
}

/// Runs `calls` on `tasks` concurrent tasks, and returns each call's
/// outcome by its index.
async fn concurrently<T, F>(tasks: usize, calls: Vec<F>) -> Vec<T>
where
    T: Send + 'static,
    F: std::future::Future<Output = T> + Send + 'static,
{
    let count = calls.len();
    let queue = std::sync::Arc::new(std::sync::Mutex::new(
        calls.into_iter().enumerate().collect::<Vec<_>>(),
    ));
    let workers: Vec<_> = (0..tasks)
        .map(|_| {
            let queue = queue.clone();
            tokio::spawn(async move {
                let mut done = Vec::new();
                loop {
                    let next = queue.lock().unwrap().pop();
                    let Some((index, call)) = next else {
                        return done;
                    };
                    done.push((index, call.await));
                }
            })
        })
        .collect();
    let mut outcomes: Vec<Option<T>> = (0..count).map(|_| None).collect();
    for worker in workers {
        for (index, outcome) in worker.await.expect("a worker does not panic") {
            outcomes[index] = Some(outcome);
        }
    }
    outcomes
        .into_iter()
        .map(|o| o.expect("every call ran"))
        .collect()
}

/// The failure each create gets on its first attempt, by the number in its
/// name: every kind, in turn.
fn create_fault(name: &str) -> Fault {
    let number: usize = name
        .trim_start_matches("lead-")
        .parse()
        .expect("names are lead-N");
    match number % 6 {
        0 => Fault::Unavailable,
        1 => SLOW,
        2 => Fault::TruncatedAfterApplying,
        3 => Fault::UndecodableAfterApplying,
        4 => Fault::BadGatewayAfterApplying,
        _ => Fault::None,
    }
}

#[tokio::test]
async fn concurrent_creates_under_faults_are_applied_at_most_once_and_nothing_is_lost() {
    let emulator = Emulator::start(None, |request: &Incoming<'_>| {
        match (request.method, request.path, request.attempt) {
            ("POST", "/lead/", 1) => create_fault(request.body["name"].as_str().unwrap_or("")),
            _ => Fault::None,
        }
    })
    .await;
    let client = client(&emulator);
    let names: Vec<String> = (0..36).map(|i| format!("lead-{i}")).collect();
    let calls = names
        .iter()
        .map(|name| {
            let mut body = LeadCreate::default();
            body.name = Some(name.clone());
            client.create_lead(body).send()
        })
        .collect();
    let outcomes = concurrently(8, calls).await;

    for (name, outcome) in names.iter().zip(&outcomes) {
        let on_server = emulator.ids_named(name);
        assert!(
            on_server.len() <= 1,
            "{name} was created {} times: {outcome:?}",
            on_server.len()
        );
        match outcome {
            Ok(lead) => assert_eq!(on_server, std::slice::from_ref(&lead.id), "{name}"),
            Err(Error::Decode(error)) => {
                // Created, and the answer did not decode: the id is still
                // in the error, and it is the lead on the server.
                let body: Value = error.json().expect("the body is JSON");
                assert_eq!(on_server, [body["id"].as_str().unwrap().to_owned()]);
                assert_eq!(error.path(), "date_created");
            }
            Err(error) if error.may_have_been_applied() => {
                assert!(
                    !error.is_retryable(),
                    "{name}: a retry could create it twice, yet the hint says retry: {error}"
                );
            }
            Err(error) => assert!(
                on_server.is_empty(),
                "{name}: reported not applied: {error}"
            ),
        }
        // Each fault ends the way it must: a create is never sent twice
        // once it may have reached the server, and never reported Ok
        // unless it was.
        let expected = match create_fault(name) {
            Fault::Unavailable => "503, not sent again",
            Fault::SlowAfterApplying(_) => "timed out",
            Fault::TruncatedAfterApplying => "cut off",
            Fault::UndecodableAfterApplying => "decode",
            Fault::BadGatewayAfterApplying => "502",
            Fault::None => "ok",
        };
        let ended = match outcome {
            Ok(_) => "ok",
            Err(Error::Api(api)) if api.status().as_u16() == 503 => "503, not sent again",
            Err(Error::Api(api)) if api.status().as_u16() == 502 => "502",
            Err(Error::Timeout(_)) => "timed out",
            Err(Error::Transport(e)) if e.cause().contains("cut off") => "cut off",
            Err(Error::Decode(_)) => "decode",
            Err(other) => panic!("{name}: unexpected {other}"),
        };
        assert_eq!(ended, expected, "{name}");
    }
    let posts = emulator
        .log()
        .iter()
        .filter(|(method, _, _)| method == "POST")
        .count();
    assert_eq!(posts, names.len(), "no create was sent twice");
}

#[tokio::test]
async fn custom_field_adds_are_never_applied_twice_while_plain_updates_are_retried() {
    const FIELD: &str = "cf_tags";
    let key = format!("custom.{FIELD}");
    let emulator = Emulator::start(None, |request: &Incoming<'_>| {
        if request.method != "PUT" || request.attempt > 1 {
            return Fault::None;
        }
        let added = request.body["custom.cf_tags.add"].as_str().unwrap_or("");
        let number: usize = added.trim_start_matches('v').parse().unwrap_or(0);
        match number % 4 {
            0 => SLOW,
            1 => Fault::Unavailable,
            2 => Fault::TruncatedAfterApplying,
            _ => Fault::None,
        }
    })
    .await;
    emulator.insert(lead("lead_1", "Wayne Enterprises"));
    let client = client(&emulator);
    let field = CustomFieldId::new(FIELD).unwrap();
    let values: Vec<String> = (0..16).map(|i| format!("v{i}")).collect();
    let calls = values
        .iter()
        .map(|value| {
            let mut update = LeadUpdate::default();
            update.custom.add(&field, value.as_str());
            client.update_lead("lead_1", update).send()
        })
        .collect();
    let outcomes = concurrently(4, calls).await;

    let stored = emulator.leads()["lead_1"][&key].clone();
    let count = |value: &str| {
        stored
            .as_array()
            .map_or(0, |all| all.iter().filter(|v| *v == value).count())
    };
    for (value, outcome) in values.iter().zip(&outcomes) {
        assert!(
            count(value) <= 1,
            "{value} was added {} times",
            count(value)
        );
        match outcome {
            Ok(_) => assert_eq!(count(value), 1, "{value} reported added"),
            Err(error) if error.may_have_been_applied() => {
                assert!(!error.is_retryable(), "{value}: {error}");
            }
            Err(error) => assert_eq!(count(value), 0, "{value}: {error}"),
        }
    }
    let puts = emulator
        .log()
        .iter()
        .filter(|(method, _, _)| method == "PUT")
        .count();
    assert_eq!(puts, values.len(), "no `.add` was sent twice");

    // Setting the field is idempotent: the same faults are retried away.
    let retried = Emulator::start(None, |request: &Incoming<'_>| {
        match (request.method, request.attempt) {
            ("PUT", 1) => SLOW,
            ("PUT", 2) => Fault::Unavailable,
            _ => Fault::None,
        }
    })
    .await;
    retried.insert(lead("lead_1", "Wayne Enterprises"));
    let mut update = LeadUpdate::default();
    update.custom.set(&field, json!(["vip"]));
    let response = Client::builder()
        .basic_auth("api_key", "")
        .base_url(retried.url())
        .timeout(TIMEOUT)
        .retry_backoff(Duration::from_millis(5), Duration::from_millis(20))
        .build()
        .unwrap()
        .update_lead("lead_1", update)
        .send_with_response()
        .await
        .expect("a set is retried");
    assert_eq!(response.attempts(), 3);
    assert_eq!(retried.leads()["lead_1"][&key], json!(["vip"]));
}

#[tokio::test]
async fn a_burst_under_rate_limits_is_paced_without_429s() {
    let limits = Limits {
        per_window: 4,
        window: Duration::from_millis(300),
    };
    let emulator = Emulator::start(Some(limits), |_: &Incoming<'_>| Fault::None).await;
    for i in 0..8 {
        emulator.insert(lead(&format!("lead_{i}"), "Wayne Enterprises"));
    }
    let client = client(&emulator);
    let calls = (0..32)
        .map(|i| {
            client
                .get_lead(format!("lead_{}", i % 8))
                .send_with_response()
        })
        .collect();
    let outcomes = concurrently(8, calls).await;
    let mut waited = Duration::ZERO;
    for outcome in &outcomes {
        let response = outcome.as_ref().expect("every call succeeds");
        assert_eq!(response.attempts(), 1, "paced, nothing is refused");
        waited += response.rate_limit_wait();
    }
    assert!(waited > Duration::ZERO, "the calls were held back");
    assert_eq!(emulator.too_many(), 0, "no 429 was served");
    assert_eq!(emulator.log().len(), 32);

    // Without pacing the same kind of burst collects 429s: the emulator
    // does refuse what a window cannot take. (A window long enough that
    // the burst surely falls in one, and no retries, so it ends at once.)
    let limits = Limits {
        per_window: 4,
        window: Duration::from_secs(30),
    };
    let unpaced = Emulator::start(Some(limits), |_: &Incoming<'_>| Fault::None).await;
    for i in 0..8 {
        unpaced.insert(lead(&format!("lead_{i}"), "Wayne Enterprises"));
    }
    let eager = Client::builder()
        .basic_auth("api_key", "")
        .base_url(unpaced.url())
        .proactive_throttling(false)
        .max_retries(0)
        .build()
        .unwrap();
    let calls = (0..8)
        .map(|i| eager.get_lead(format!("lead_{i}")).send())
        .collect();
    let outcomes = concurrently(8, calls).await;
    assert_eq!(unpaced.too_many(), 4);
    assert_eq!(outcomes.iter().filter(|o| o.is_err()).count(), 4);
}

#[tokio::test]
async fn reads_survive_cut_off_and_unavailable_answers_and_bad_leads_are_kept() {
    // The second page is cut off after it was read, then unavailable, then
    // served; one lead on it does not decode.
    let emulator = Emulator::start(None, |request: &Incoming<'_>| {
        let second_page = request.method == "GET" && request.query.contains("_skip=3");
        match request.attempt {
            1 if second_page => Fault::TruncatedAfterApplying,
            2 if second_page => Fault::Unavailable,
            _ => Fault::None,
        }
    })
    .await;
    for i in 0..7 {
        let mut stored = lead(&format!("lead_{i}"), &format!("Lead {i}"));
        if i == 4 {
            stored["date_created"] = json!("yesterday");
        }
        emulator.insert(stored);
    }
    let results: Vec<_> = client(&emulator)
        .list_leads()
        .limit(3)
        .items()
        .collect()
        .await;
    let mut seen = Vec::new();
    for result in &results {
        match result {
            Ok(lead) => seen.push(lead.id.clone()),
            Err(Error::Decode(error)) => {
                // The lead that does not decode is read from the error.
                let page: Value = error.json().unwrap();
                let index: usize = error
                    .path()
                    .trim_start_matches("data[")
                    .split(']')
                    .next()
                    .and_then(|i| i.parse().ok())
                    .expect("the path names the item");
                seen.push(page["data"][index]["id"].as_str().unwrap().to_owned());
                assert_eq!(error.path(), format!("data[{index}].date_created"));
            }
            Err(other) => panic!("unexpected {other}"),
        }
    }
    let on_server: Vec<String> = emulator.leads().into_keys().collect();
    assert_eq!(seen, on_server, "every lead, in order, none lost");
    assert_eq!(
        results.iter().filter(|r| r.is_err()).count(),
        1,
        "only the bad lead is an error"
    );
}

#[tokio::test]
async fn a_delete_whose_answer_was_lost_is_reported_already_deleted() {
    let emulator = Emulator::start(None, |request: &Incoming<'_>| {
        match (request.method, request.attempt) {
            ("DELETE", 1) if request.path == "/lead/lead_1/" => SLOW,
            ("DELETE", 1) if request.path == "/lead/lead_2/" => Fault::Unavailable,
            _ => Fault::None,
        }
    })
    .await;
    for id in ["lead_1", "lead_2"] {
        emulator.insert(lead(id, "Wayne Enterprises"));
    }
    let client = client(&emulator);
    let lost = client.delete_lead("lead_1").await;
    match &lost {
        Err(error @ Error::AlreadyDeleted(_)) => {
            assert!(error.may_have_been_applied());
            assert!(!error.is_retryable());
        }
        other => panic!("expected AlreadyDeleted, got {other:?}"),
    }
    // A 503 before deleting, then the retry deletes it: a plain success.
    client
        .delete_lead("lead_2")
        .await
        .expect("the retry deletes it");
    assert!(emulator.leads().is_empty(), "both are gone, as reported");
    // A lead that never existed is a plain 404.
    let missing = client.delete_lead("lead_9").await;
    assert!(matches!(missing, Err(Error::Api(_))), "{missing:?}");
}

#[tokio::test]
async fn bad_input_never_reaches_the_server() {
    let emulator = Emulator::start(None, |_: &Incoming<'_>| Fault::None).await;
    emulator.insert(lead("lead_1", "Wayne Enterprises"));
    let client = client(&emulator);
    let empty = client.delete_lead("").await.expect_err("an empty id");
    assert!(matches!(empty, Error::Request(_)), "{empty}");
    assert!(empty.to_string().contains("`id` is empty"), "{empty}");
    let long = client
        .get_lead("x".repeat(70_000))
        .await
        .expect_err("too long");
    assert!(matches!(long, Error::Request(_)), "{long}");
    assert!(long.to_string().contains("70000 bytes"), "{long}");
    assert!(long.to_string().len() < 400, "a message a person can read");
    assert!(emulator.log().is_empty(), "nothing was sent");
    assert_eq!(emulator.leads().len(), 1, "and nothing deleted");
}
