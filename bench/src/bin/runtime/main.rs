//! What the generated Close client costs at run time, against what a
//! hand-written client would spend on the same work, printed as Markdown
//! tables:
//!
//! - decode throughput: one page of 100 leads (as `GET /lead/` returns it)
//!   decoded into the generated `LeadList`, into plain `#[derive(Deserialize)]`
//!   structs with the same documented fields, and into `serde_json::Value`;
//! - per-request overhead: sequential `get_lead` calls through the generated
//!   client against the same GETs through a bare `reqwest::Client`, both
//!   against one keep-alive HTTP/1.1 responder on loopback and both decoding
//!   into the generated `Lead`, so the difference is the client's own work;
//! - pacing: 8 concurrent tasks sharing one client against a loopback
//!   server that allows 5 requests per second per endpoint group (fixed
//!   windows, Close's `RateLimit` header on every answer, 429 past the
//!   limit), with the client's throttling on and off: how many 429s the
//!   server served and how close to the limit the calls went.
//!
//! `cargo run --release --bin runtime -- [--quick]`; `--quick` runs a few
//! iterations only, to prove it works.

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// One lead as `GET /lead/{id}/` returns it.
const SEED: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/data/seed-get-lead-response.json"
));

/// The leads on the decoded page: a full page at Close's default `_limit`.
const LEADS: usize = 100;

/// Custom fields added to every lead, with values of each kind Close sends
/// (text, number, date, a user id, a list of choices); the seed has two more.
const CUSTOM_FIELDS: &[&str] = &[
    "cf_3JQxGcNzbT0U1hO4vZ7mCqYw8rKpLd2Ff5sEiA9uWj6",
    "cf_7hLkP2wQz9XyB4nM1cV6tR8sJ0dF3gA5eU2iO7pYb4K",
    "cf_Zq1W2e3R4t5Y6u7I8o9P0aSdFgHjKlXcVbNm1Q2w3E4",
    "cf_m9N8b7V6c5X4z3L2k1J0hGfDsApOiUyTrEwQ1a2S3d4",
];

/// `runtime repeat CASE N`: run one case `N` times and print nothing, for
/// `valgrind --tool=callgrind` (instruction counts, which the machine's
/// noise does not move; subtract a run with `N` = 0 for the set-up).
struct Repeat {
    /// `generated`, `handwritten` or `value` (decode one page), or
    /// `get-generated` or `get-bare` (one request).
    case: String,
    times: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let repeat = match args.as_slice() {
        [verb, case, times] if verb == "repeat" => Some(Repeat {
            case: case.clone(),
            times: times.parse().expect("usage: runtime repeat CASE N"),
        }),
        _ => None,
    };
    let page = lead_page(LEADS);
    if decode_table(&page, quick, repeat.as_ref()) {
        return;
    }
    println!();
    request_table(quick, repeat.as_ref());
    if repeat.is_none() {
        println!();
        pacing_table(quick);
    }
}

/// `{"data": [...], "has_more": true}` with `leads` copies of the seed,
/// each with its own ids, name and custom-field values.
fn lead_page(leads: usize) -> Vec<u8> {
    let seed: Value = serde_json::from_str(SEED).expect("the seed lead is JSON");
    let data: Vec<Value> = (0..leads)
        .map(|i| {
            let mut lead = seed.clone();
            let id = format!("lead_{i:043}");
            lead["id"] = json!(id);
            lead["name"] = json!(format!("Wayne Enterprises {i}"));
            lead["display_name"] = lead["name"].clone();
            lead["html_url"] = json!(format!("https://app.close.com/lead/{id}/"));
            let contact = format!("cont_{i:043}");
            lead["contact_ids"] = json!([contact]);
            lead["contacts"][0]["id"] = json!(contact);
            lead["contacts"][0]["lead_id"] = json!(id);
            if let Some(opportunities) = lead["opportunities"].as_array_mut() {
                for (n, opportunity) in opportunities.iter_mut().enumerate() {
                    opportunity["id"] = json!(format!("oppo_{i:041}_{n}"));
                    opportunity["lead_id"] = json!(id);
                }
            }
            let custom = |n: usize| format!("custom.{}", CUSTOM_FIELDS[n]);
            lead[custom(0)] = json!(format!("Referral {i}"));
            lead[custom(1)] = json!(1000.0 + i as f64 * 12.5);
            lead[custom(2)] = json!(format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28));
            lead[custom(3)] = json!(["user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA"]);
            lead
        })
        .collect();
    serde_json::to_vec(&json!({ "data": data, "has_more": true })).expect("a Value encodes")
}

mod handwritten;

/// Runs each case `iterations` times per sample, the cases taking turns
/// (in a rotating order) so that machine noise falls on all of them alike,
/// and returns each case's median time per iteration.
fn interleaved(cases: &mut [&mut dyn FnMut()], samples: usize, iterations: u32) -> Vec<Duration> {
    let mut times = vec![Vec::with_capacity(samples); cases.len()];
    for sample in 0..samples {
        for turn in 0..cases.len() {
            let case = (sample + turn) % cases.len();
            let start = Instant::now();
            for _ in 0..iterations {
                (cases[case])();
            }
            times[case].push(start.elapsed() / iterations);
        }
    }
    times.into_iter().map(median).collect()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Prints the decode table; or, with `repeat` naming a decode case, runs
/// that case and returns `true`.
fn decode_table(page: &[u8], quick: bool, repeat: Option<&Repeat>) -> bool {
    // Each decode is checked once before it is timed: the right number of
    // leads, and the custom fields where the type keeps them.
    let generated: close_api::types::LeadList =
        serde_json::from_slice(page).expect("the page decodes as the generated LeadList");
    assert_eq!(generated.data.len(), LEADS);
    assert!(generated.has_more);
    for lead in &generated.data {
        assert_eq!(lead.custom.len(), 2 + CUSTOM_FIELDS.len(), "{}", lead.id);
        assert!(lead.extra.is_empty(), "{:?}", lead.extra);
        assert_eq!(lead.contacts.as_ref().map(|c| c.len()), Some(1));
        assert_eq!(lead.contacts.as_ref().unwrap()[0].custom.len(), 1);
    }
    assert_eq!(
        generated.data[7].custom.get_f64(CUSTOM_FIELDS[1]),
        Some(1000.0 + 7.0 * 12.5)
    );
    let handwritten: handwritten::LeadList =
        serde_json::from_slice(page).expect("the page decodes as the hand-written LeadList");
    assert_eq!(handwritten.data.len(), LEADS);
    assert_eq!(handwritten.data[42].id, generated.data[42].id);
    assert!(handwritten.total_results.is_none());
    let value: Value = serde_json::from_slice(page).expect("the page is JSON");
    assert_eq!(value["data"].as_array().map(Vec::len), Some(LEADS));

    let (samples, iterations) = if quick { (1, 1) } else { (15, 20) };
    let input = black_box(page);
    let mut cases: [&mut dyn FnMut(); 3] = [
        &mut || {
            let page: close_api::types::LeadList = serde_json::from_slice(input).unwrap();
            black_box(page);
        },
        &mut || {
            let page: handwritten::LeadList = serde_json::from_slice(input).unwrap();
            black_box(page);
        },
        &mut || {
            let page: Value = serde_json::from_slice(input).unwrap();
            black_box(page);
        },
    ];
    if let Some(repeat) = repeat {
        let Some(case) = ["generated", "handwritten", "value"]
            .iter()
            .position(|c| *c == repeat.case)
        else {
            return false;
        };
        for _ in 0..repeat.times {
            cases[case]();
        }
        return true;
    }
    let times = interleaved(&mut cases, samples, iterations);
    let names = [
        "generated `close_api::types::LeadList`",
        "hand-written `#[derive(Deserialize)]` structs",
        "`serde_json::Value`",
    ];
    let mb_per_s = |time: Duration| page.len() as f64 / 1e6 / time.as_secs_f64();
    println!(
        "Decoding one page of {LEADS} leads ({:.0} KB, {} custom fields each) with `serde_json::from_slice`, median of {samples} samples of {iterations} decodes:",
        page.len() as f64 / 1e3,
        2 + CUSTOM_FIELDS.len(),
    );
    println!();
    println!("| Decoded into | Time per page | Throughput | vs hand-written |");
    println!("|---|---:|---:|---:|");
    for (name, time) in names.iter().zip(&times) {
        println!(
            "| {name} | {:.2} ms | {:.0} MB/s | {:.2}× |",
            time.as_secs_f64() * 1e3,
            mb_per_s(*time),
            // Throughput ratio: above 1 is faster than hand-written.
            times[1].as_secs_f64() / time.as_secs_f64(),
        );
    }
    false
}

/// A keep-alive HTTP/1.1 responder on loopback that answers every request
/// with `response`; one thread per connection.
fn serve(response: Vec<u8>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port is free");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let response = response.clone();
            std::thread::spawn(move || answer(stream, &response));
        }
    });
    addr
}

/// Reads requests (head, then a body of `Content-Length` bytes) and answers
/// each, until the client closes the connection.
fn answer(stream: TcpStream, response: &[u8]) {
    stream.set_nodelay(true).ok();
    let mut writer = stream.try_clone().expect("a TCP stream can be cloned");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        let mut body = 0usize;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    body = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut skip = vec![0; body];
        if std::io::Read::read_exact(&mut reader, &mut skip).is_err()
            || writer.write_all(response).is_err()
        {
            return;
        }
    }
}

/// Prints the per-request table; or, with `repeat` naming a request case,
/// runs that case.
fn request_table(quick: bool, repeat: Option<&Repeat>) {
    let body = SEED.as_bytes();
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nratelimit: limit=240, remaining=239, reset=1\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    let addr = serve(response);
    let base = format!("http://{addr}");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    let generated = close_api::Client::builder()
        .base_url(&base)
        .basic_auth("test_key", "")
        .build()
        .expect("a loopback URL is accepted");
    // The same headers the generated client sends.
    let mut headers = reqwest::header::HeaderMap::new();
    let mut authorization = reqwest::header::HeaderValue::from_static("Basic dGVzdF9rZXk6");
    authorization.set_sensitive(true);
    headers.insert(reqwest::header::AUTHORIZATION, authorization);
    headers.insert(
        reqwest::header::ACCEPT,
        reqwest::header::HeaderValue::from_static("application/json"),
    );
    headers.insert(
        reqwest::header::USER_AGENT,
        reqwest::header::HeaderValue::from_static("close-api/0.1.0"),
    );
    let bare = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("a reqwest client builds");
    let id = "lead_IIDHIStmFcFQZZP0BRe99V1MCoXWz2PGCm6EDmR9v2O";

    let via_generated = || async {
        generated
            .get_lead(id)
            .await
            .expect("the generated client gets the lead")
    };
    let via_bare = || async {
        let response = bare
            .get(format!("{base}/lead/{id}/"))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("reqwest gets the lead");
        let bytes = response.bytes().await.expect("the body arrives");
        serde_json::from_slice::<close_api::types::Lead>(&bytes).expect("the lead decodes")
    };

    // Both sides must have decoded the same lead.
    let (a, b) = runtime.block_on(async { (via_generated().await, via_bare().await) });
    assert_eq!(a, b);
    assert_eq!(a.id, id);
    assert_eq!(a.custom.len(), 2);

    if let Some(repeat) = repeat {
        runtime.block_on(async {
            for _ in 0..repeat.times {
                match repeat.case.as_str() {
                    "get-generated" => black_box(via_generated().await),
                    "get-bare" => black_box(via_bare().await),
                    other => panic!(
                        "no case `{other}`: generated, handwritten, value, get-generated, get-bare"
                    ),
                };
            }
        });
        return;
    }

    let (rounds, per_round, warmup) = if quick { (2, 5, 5) } else { (30, 400, 500) };
    let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    runtime.block_on(async {
        for _ in 0..warmup {
            black_box(via_generated().await);
            black_box(via_bare().await);
        }
        // Blocks of requests, the two sides taking turns and swapping who
        // goes first every round.
        for round in 0..rounds {
            for turn in 0..2 {
                let side = (round + turn) % 2;
                for _ in 0..per_round {
                    let start = Instant::now();
                    if side == 0 {
                        black_box(via_generated().await);
                    } else {
                        black_box(via_bare().await);
                    }
                    times[side].push(start.elapsed());
                }
            }
        }
    });

    let n = rounds * per_round;
    println!(
        "Sequential `GET /lead/{{id}}/` on loopback ({} B body, keep-alive), {n} requests per side in {rounds} alternating blocks, both decoding into `close_api::types::Lead`:",
        body.len()
    );
    println!();
    println!("| Client | Median | Mean | Median vs bare | Mean vs bare |");
    println!("|---|---:|---:|---:|---:|");
    let stats: Vec<(Duration, Duration)> = times
        .iter()
        .map(|t| {
            (
                median(t.clone()),
                t.iter().sum::<Duration>() / t.len() as u32,
            )
        })
        .collect();
    let names = [
        "generated `client.get_lead(id)`",
        "bare `reqwest::Client` + `from_slice`",
    ];
    for (name, (median, mean)) in names.iter().zip(&stats) {
        println!(
            "| {name} | {:.1} µs | {:.1} µs | {:.3}× | {:.3}× |",
            median.as_secs_f64() * 1e6,
            mean.as_secs_f64() * 1e6,
            median.as_secs_f64() / stats[1].0.as_secs_f64(),
            mean.as_secs_f64() / stats[1].1.as_secs_f64(),
        );
    }
}

/// The limit the pacing server enforces: requests per window per group.
const LIMIT: u64 = 5;

/// The pacing server's window.
const WINDOW: Duration = Duration::from_secs(1);

/// The concurrent tasks of the pacing table.
const TASKS: usize = 8;

/// What the rate-limited server has served.
#[derive(Default)]
struct Served {
    /// Answers with the lead.
    ok: u64,
    /// 429s.
    limited: u64,
    /// The current window's number and the requests admitted in it.
    window: u64,
    in_window: u64,
    /// The requests admitted in each window that saw one, by number.
    per_window: std::collections::BTreeMap<u64, u64>,
}

/// A loopback server with Close's rate limiting of one endpoint group:
/// fixed windows of `WINDOW` from its start, `LIMIT` requests admitted in
/// each, `RateLimit: limit, remaining, reset` on every answer (the reset
/// rounded up to the millisecond) and a 429 with `Retry-After` past the
/// limit. One thread per connection.
fn serve_limited(body: &'static [u8]) -> (SocketAddr, Arc<Mutex<Served>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port is free");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let served = Arc::new(Mutex::new(Served::default()));
    let start = Instant::now();
    let state = served.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let state = state.clone();
            std::thread::spawn(move || {
                answer_with(stream, || {
                    let mut served = state.lock().expect("no thread panics holding it");
                    let elapsed = start.elapsed();
                    let window = (elapsed.as_nanos() / WINDOW.as_nanos()) as u64;
                    if window != served.window {
                        served.window = window;
                        served.in_window = 0;
                    }
                    let ends = WINDOW * (window as u32 + 1);
                    let reset_ms = (ends - elapsed).as_micros().div_ceil(1000);
                    let admitted = served.in_window < LIMIT;
                    if admitted {
                        served.in_window += 1;
                        served.ok += 1;
                        *served.per_window.entry(window).or_default() += 1;
                    } else {
                        served.limited += 1;
                    }
                    let header = format!(
                        "ratelimit: limit={LIMIT}, remaining={}, reset={}.{:03}\r\n",
                        LIMIT - served.in_window,
                        reset_ms / 1000,
                        reset_ms % 1000
                    );
                    let (status, body, extra): (&str, &[u8], String) = if admitted {
                        ("200 OK", body, String::new())
                    } else {
                        (
                            "429 Too Many Requests",
                            br#"{"error": "Too many requests"}"#,
                            format!("retry-after: {}\r\n", reset_ms.div_ceil(1000)),
                        )
                    };
                    let mut response = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{header}{extra}content-length: {}\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    response.extend_from_slice(body);
                    response
                })
            });
        }
    });
    (addr, served)
}

/// Like [`answer`], with each response made by `respond` when its request
/// has been read.
fn answer_with(stream: TcpStream, mut respond: impl FnMut() -> Vec<u8>) {
    stream.set_nodelay(true).ok();
    let mut writer = stream.try_clone().expect("a TCP stream can be cloned");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        let mut body = 0usize;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    body = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut skip = vec![0; body];
        if std::io::Read::read_exact(&mut reader, &mut skip).is_err()
            || writer.write_all(&respond()).is_err()
        {
            return;
        }
    }
}

/// One run of the pacing table: what the server served and what the calls
/// saw.
struct Paced {
    calls: usize,
    succeeded: usize,
    gave_up: usize,
    served_ok: u64,
    served_429: u64,
    elapsed: Duration,
    waited: Duration,
    /// Requests admitted per window, over the windows between the first
    /// and the last (which the run fills only in part); `None` when the
    /// run spans fewer than three.
    per_full_window: Option<f64>,
}

/// `TASKS` tasks, each making `per_task` sequential `get_lead` calls through
/// one shared client, against a fresh rate-limited server.
fn pace(throttling: bool, per_task: usize) -> Paced {
    let (addr, served) = serve_limited(SEED.as_bytes());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    let client = close_api::Client::builder()
        .base_url(format!("http://{addr}"))
        .basic_auth("test_key", "")
        .proactive_throttling(throttling)
        .build()
        .expect("a loopback URL is accepted");
    let started = Instant::now();
    let outcomes: Vec<(usize, usize, Duration)> = runtime.block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move {
                    let (mut succeeded, mut gave_up, mut waited) = (0, 0, Duration::ZERO);
                    for _ in 0..per_task {
                        match client.get_lead("lead_1").send_with_response().await {
                            Ok(response) => {
                                succeeded += 1;
                                waited += response.rate_limit_wait();
                            }
                            Err(_) => gave_up += 1,
                        }
                    }
                    (succeeded, gave_up, waited)
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.expect("a pacing task does not panic"));
        }
        outcomes
    });
    let elapsed = started.elapsed();
    let served = served.lock().expect("no thread panics holding it");
    let windows: Vec<u64> = match (
        served.per_window.keys().next(),
        served.per_window.keys().next_back(),
    ) {
        (Some(first), Some(last)) if last - first >= 2 => (first + 1..*last)
            .map(|w| served.per_window.get(&w).copied().unwrap_or(0))
            .collect(),
        _ => Vec::new(),
    };
    let per_full_window =
        (!windows.is_empty()).then(|| windows.iter().sum::<u64>() as f64 / windows.len() as f64);
    Paced {
        per_full_window,
        calls: TASKS * per_task,
        succeeded: outcomes.iter().map(|o| o.0).sum(),
        gave_up: outcomes.iter().map(|o| o.1).sum(),
        served_ok: served.ok,
        served_429: served.limited,
        elapsed,
        waited: outcomes.iter().map(|o| o.2).sum(),
    }
}

/// Prints the pacing table: the client's throttling on (the default) and
/// off, against the same server.
fn pacing_table(quick: bool) {
    let per_task = if quick { 1 } else { 10 };
    let runs = [
        ("paced (default)", pace(true, per_task)),
        ("throttling off", pace(false, per_task)),
    ];
    println!(
        "{TASKS} concurrent tasks, {per_task} sequential `get_lead` calls each, one shared client, against a loopback server allowing {LIMIT} requests per {} s window per endpoint group (`RateLimit` on every answer, 429 past the limit):",
        WINDOW.as_secs_f64()
    );
    println!();
    println!("| Client | Calls | Succeeded | Gave up | Requests served | 429s | 429s / requests | Wall time | Admitted per full window | vs limit | Rate-limit wait per call |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, run) in runs {
        let requests = run.served_ok + run.served_429;
        let (per_window, vs_limit) = match run.per_full_window {
            Some(mean) => (
                format!("{mean:.2}"),
                format!("{:.0} %", 100.0 * mean / LIMIT as f64),
            ),
            None => ("-".to_owned(), "-".to_owned()),
        };
        println!(
            "| {name} | {} | {} | {} | {requests} | {} | {:.1} % | {:.1} s | {per_window} | {vs_limit} | {:.2} s |",
            run.calls,
            run.succeeded,
            run.gave_up,
            run.served_429,
            100.0 * run.served_429 as f64 / requests.max(1) as f64,
            run.elapsed.as_secs_f64(),
            run.waited.as_secs_f64() / run.succeeded.max(1) as f64,
        );
    }
}
