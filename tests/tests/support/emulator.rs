//! A small emulator of Close's Lead API on loopback, with state, per-group
//! rate limits and injected faults, for `faults.rs`: the tests run a
//! workload through the generated client and compare what the client
//! reported with what the emulator applied.
//!
//! HTTP/1.1 is written by hand on a tokio `TcpListener`, so a fault can cut
//! a body short or hold an answer back after the write was applied, which
//! a mock server cannot. The server's tasks belong to the test's runtime
//! and end with it.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// What the emulator does with one request, chosen by the test's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally.
    None,
    /// 503 before anything is applied.
    Unavailable,
    /// Apply, then hold the answer back this long (past the client's
    /// timeout) and close the connection.
    SlowAfterApplying(Duration),
    /// Apply, then answer 502.
    BadGatewayAfterApplying,
    /// Apply, then send half the body and close the connection.
    TruncatedAfterApplying,
    /// Apply, then answer with a lead whose `date_created` is not a date.
    UndecodableAfterApplying,
}

/// A request as the plan sees it.
pub struct Incoming<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// The query string, without `?`.
    pub query: &'a str,
    pub body: &'a Value,
    /// How many times this exact request (method, path and body) has
    /// arrived, this one included.
    pub attempt: u32,
}

/// Requests allowed per window per endpoint group, in fixed windows from
/// the emulator's start.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_window: u64,
    pub window: Duration,
}

type Plan = Box<dyn Fn(&Incoming<'_>) -> Fault + Send + Sync>;

/// The emulator's state.
struct State {
    /// Leads by id.
    leads: BTreeMap<String, Value>,
    next_id: u64,
    /// How often each exact request has arrived.
    seen: HashMap<(String, String, Vec<u8>), u32>,
    /// Each group's current window and the requests admitted in it.
    windows: HashMap<String, (u64, u64)>,
    /// Every request: method, path and the status answered (0 when no
    /// whole answer was sent).
    log: Vec<(String, String, u16)>,
}

/// A running emulator.
#[derive(Clone)]
pub struct Emulator {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

/// One lead as the API returns it, with `id` and `name`.
pub fn lead(id: &str, name: &str) -> Value {
    let mut lead: Value =
        serde_json::from_str(include_str!("../../data/seed-get-lead-response.json"))
            .expect("the seed lead is JSON");
    lead["id"] = json!(id);
    lead["name"] = json!(name);
    lead["display_name"] = json!(name);
    lead
}

impl Emulator {
    /// Starts an emulator that answers as `plan` says, rate-limited by
    /// `limits` when given.
    pub async fn start(
        limits: Option<Limits>,
        plan: impl Fn(&Incoming<'_>) -> Fault + Send + Sync + 'static,
    ) -> Emulator {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port is free");
        let addr = listener
            .local_addr()
            .expect("a bound listener has an address");
        let state = Arc::new(Mutex::new(State {
            leads: BTreeMap::new(),
            next_id: 1,
            seen: HashMap::new(),
            windows: HashMap::new(),
            log: Vec::new(),
        }));
        let emulator = Emulator {
            addr,
            state: state.clone(),
        };
        let plan: Arc<Plan> = Arc::new(Box::new(plan));
        let started = Instant::now();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (state, plan) = (state.clone(), plan.clone());
                tokio::spawn(serve(stream, state, plan, limits, started));
            }
        });
        emulator
    }

    /// The base URL to give the client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .expect("no emulator task panics holding the state")
    }

    /// Stores `lead` as it is (tests put broken leads in this way).
    pub fn insert(&self, lead: Value) {
        let id = lead["id"].as_str().expect("a lead has an id").to_owned();
        self.state().leads.insert(id, lead);
    }

    /// Every lead, by id.
    pub fn leads(&self) -> BTreeMap<String, Value> {
        self.state().leads.clone()
    }

    /// The ids of the leads named `name`.
    pub fn ids_named(&self, name: &str) -> Vec<String> {
        self.state()
            .leads
            .values()
            .filter(|lead| lead["name"] == name)
            .map(|lead| lead["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Every request received: method, path, status (0: no whole answer).
    pub fn log(&self) -> Vec<(String, String, u16)> {
        self.state().log.clone()
    }

    /// How many 429s were served.
    pub fn too_many(&self) -> usize {
        self.state()
            .log
            .iter()
            .filter(|(_, _, s)| *s == 429)
            .count()
    }
}

/// The endpoint group of a path: its template.
fn route(method: &str, path: &str) -> String {
    let template = match path.trim_matches('/').split('/').collect::<Vec<_>>()[..] {
        ["lead", "merge"] => "/lead/merge/".to_owned(),
        ["lead", _] => "/lead/{id}/".to_owned(),
        _ => path.to_owned(),
    };
    format!("{method} {template}")
}

/// Reads one request: method, path with query, body. `None` when the
/// client closed the connection.
async fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, String, Vec<u8>)> {
    let mut line = String::new();
    if reader.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut length = 0usize;
    loop {
        line.clear();
        if reader.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await.ok()?;
    Some((method, target, body))
}

/// Serves one connection until the client closes it or a fault does.
async fn serve(
    stream: TcpStream,
    state: Arc<Mutex<State>>,
    plan: Arc<Plan>,
    limits: Option<Limits>,
    started: Instant,
) {
    let mut reader = BufReader::new(stream);
    while let Some((method, target, body)) = read_request(&mut reader).await {
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        // Decide and apply under the lock; write after it.
        let (status, answer, fault, headers) = {
            let mut state = state
                .lock()
                .expect("no emulator task panics holding the state");
            let key = (method.clone(), target.clone(), body.clone());
            let attempt = {
                let seen = state.seen.entry(key).or_insert(0);
                *seen += 1;
                *seen
            };
            let mut headers = String::new();
            let mut limited = false;
            if let Some(limits) = limits {
                let elapsed = started.elapsed();
                let window = (elapsed.as_nanos() / limits.window.as_nanos()) as u64;
                let ends = limits.window * (window as u32 + 1);
                let reset_ms = (ends - elapsed).as_micros().div_ceil(1000);
                let entry = state
                    .windows
                    .entry(route(&method, path))
                    .or_insert((window, 0));
                if entry.0 != window {
                    *entry = (window, 0);
                }
                limited = entry.1 >= limits.per_window;
                if !limited {
                    entry.1 += 1;
                }
                headers = format!(
                    "ratelimit: limit={}, remaining={}, reset={}.{:03}\r\n",
                    limits.per_window,
                    limits.per_window - entry.1,
                    reset_ms / 1000,
                    reset_ms % 1000
                );
                if limited {
                    headers.push_str(&format!("retry-after: {}\r\n", reset_ms.div_ceil(1000)));
                }
            }
            let fault = if limited {
                Fault::None
            } else {
                plan(&Incoming {
                    method: &method,
                    path,
                    query,
                    body: &json,
                    attempt,
                })
            };
            let (status, answer) = if limited {
                (429, json!({"error": "Too many requests"}))
            } else if fault == Fault::Unavailable {
                (503, json!({"error": "Service unavailable"}))
            } else {
                apply(&mut state, &method, path, query, &json)
            };
            let (status, answer) = match fault {
                Fault::BadGatewayAfterApplying => (502, json!({"error": "Bad gateway"})),
                Fault::UndecodableAfterApplying if status == 200 => {
                    let mut broken = answer;
                    broken["date_created"] = json!("yesterday");
                    (status, broken)
                }
                _ => (status, answer),
            };
            let logged = match fault {
                Fault::SlowAfterApplying(_) | Fault::TruncatedAfterApplying => 0,
                _ => status,
            };
            state.log.push((method.clone(), path.to_owned(), logged));
            (status, answer, fault, headers)
        };
        let body = serde_json::to_vec(&answer).expect("a Value encodes");
        let head = format!(
            "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\n\r\n",
            reason(status),
            body.len()
        );
        let stream = reader.get_mut();
        match fault {
            Fault::SlowAfterApplying(delay) => {
                tokio::time::sleep(delay).await;
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                return;
            }
            Fault::TruncatedAfterApplying => {
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body[..body.len() / 2]).await;
                let _ = stream.flush().await;
                return;
            }
            _ => {
                if stream.write_all(head.as_bytes()).await.is_err()
                    || stream.write_all(&body).await.is_err()
                {
                    return;
                }
            }
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        429 => "Too Many Requests",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Other",
    }
}

/// Applies a request to the leads, as Close does, and answers it.
fn apply(state: &mut State, method: &str, path: &str, query: &str, body: &Value) -> (u16, Value) {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let not_found = (404, json!({"error": "Not found"}));
    match (method, &segments[..]) {
        ("POST", ["lead"]) => {
            let id = format!("lead_{:04}", state.next_id);
            state.next_id += 1;
            let mut created = lead(&id, body["name"].as_str().unwrap_or_default());
            if let Value::Object(fields) = body {
                for (key, value) in fields {
                    if key != "name" {
                        created[key] = value.clone();
                    }
                }
            }
            state.leads.insert(id, created.clone());
            (200, created)
        }
        ("GET", ["lead"]) => {
            let number = |name: &str| {
                query
                    .split('&')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(key, _)| *key == name)
                    .and_then(|(_, value)| value.parse::<usize>().ok())
            };
            let (skip, limit) = (
                number("_skip").unwrap_or(0),
                number("_limit").unwrap_or(100),
            );
            let data: Vec<Value> = state
                .leads
                .values()
                .skip(skip)
                .take(limit)
                .cloned()
                .collect();
            let has_more = skip + data.len() < state.leads.len();
            (200, json!({"data": data, "has_more": has_more}))
        }
        ("GET", ["lead", id]) => match state.leads.get(*id) {
            Some(lead) => (200, lead.clone()),
            None => not_found,
        },
        ("PUT", ["lead", id]) => {
            let Some(lead) = state.leads.get_mut(*id) else {
                return not_found;
            };
            let Value::Object(fields) = body else {
                return (400, json!({"error": "The body must be an object."}));
            };
            // PUT behaves as PATCH; `.add` and `.remove` change one value
            // of a multi-value custom field, once per request applied.
            for (key, value) in fields {
                if let Some(field) = key.strip_suffix(".add") {
                    let mut values = lead[field].as_array().cloned().unwrap_or_default();
                    values.push(value.clone());
                    lead[field] = Value::Array(values);
                } else if let Some(field) = key.strip_suffix(".remove") {
                    let mut values = lead[field].as_array().cloned().unwrap_or_default();
                    if let Some(at) = values.iter().position(|v| v == value) {
                        values.remove(at);
                    }
                    lead[field] = Value::Array(values);
                } else {
                    lead[key] = value.clone();
                }
            }
            (200, lead.clone())
        }
        ("DELETE", ["lead", id]) => match state.leads.remove(*id) {
            Some(_) => (200, json!({})),
            None => not_found,
        },
        _ => not_found,
    }
}
