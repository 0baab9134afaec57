//! Structure-aware fuzzing of the whole generator pipeline.
//!
//! A case is a seed spec (the fixtures, the bad specs, `spec/close.yaml` and
//! the real-world specs vendored in `tests/specs`) read as a generic value and mutated
//! the way real specs go wrong: keys dropped, types swapped, `$ref`s broken or
//! pointed outside the file, cycles injected, names made into keywords or
//! symbols, subtrees copied (duplicate operationIds) or nested deeply. Some
//! cases are then damaged as text (cut short, a character changed) to reach
//! the parsers and the locator. [`run`] feeds the text to
//! [`generator::generate`]; the only failure is a panic, a hang or a crash.
//!
//! Every case is a pure function of the seed, the case index and the seed
//! files, so any finding is replayed exactly with
//! `cargo xtask fuzz --seed S --replay K` (and the same seed options). The
//! seeds are read from the repository only ([`SEED_DIRS`]), so this crate's
//! tests need nothing beside it; a campaign may add directories of its own
//! (`cargo xtask fuzz --shared` adds `../shared/specs`). The campaign driver
//! (process isolation, so a stack overflow is reported rather than fatal) is
//! `xtask/src/fuzz.rs`.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

/// By default, specs larger than this are not used as seeds: a case should
/// take milliseconds, and the big specs take seconds each.
pub const MAX_SEED_BYTES: u64 = 64 * 1024;

/// A deterministic generator (SplitMix64): the same seed gives the same cases
/// on every machine, with no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for one case of a campaign.
    pub fn for_case(seed: u64, case: u64) -> Self {
        let mut rng = Rng(seed ^ case.wrapping_mul(0xD1B5_4A32_D192_ED03));
        rng.next_u64();
        rng
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`; `0` when `n` is zero.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A spec to start mutating from.
#[derive(Debug, Clone)]
pub struct Seed {
    /// Where it came from, for reports.
    pub name: String,
    /// The text.
    pub text: String,
}

/// The folders of the repository the seed specs are read from, relative to
/// its root.
pub const SEED_DIRS: &[&str] = &[
    "spec",
    "tests/bad",
    "tests/fixtures",
    "tests/specs",
    "tests/specs/openapi31",
];

/// The seed specs of at most `max_bytes` in [`SEED_DIRS`] under `root` (the
/// repository), then in the `extra` folders, skipping a text already taken
/// (an extra folder may hold copies of the vendored specs). Sorted by name,
/// so case numbers mean the same thing on every machine with the same files.
pub fn seeds(root: &Path, extra: &[PathBuf], max_bytes: u64) -> Vec<Seed> {
    let dirs = SEED_DIRS
        .iter()
        .map(|d| root.join(d))
        .chain(extra.iter().cloned());
    let mut seeds: Vec<Seed> = Vec::new();
    let mut texts = HashSet::new();
    for dir in dirs {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let is_spec = path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json");
            let small = entry
                .metadata()
                .is_ok_and(|m| m.is_file() && m.len() <= max_bytes);
            if is_spec && small {
                paths.push(path);
            }
        }
        paths.sort();
        for path in paths {
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            if texts.insert(text.clone()) {
                let name = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                seeds.push(Seed { name, text });
            }
        }
    }
    seeds.sort_by(|a, b| a.name.cmp(&b.name));
    seeds
}

/// One step from a value to a child.
#[derive(Debug, Clone)]
enum Step {
    Key(Value),
    Index(usize),
}

/// The path of every node, in document order (an explicit stack: mutated
/// documents can be deep).
fn node_paths(root: &Value) -> Vec<Vec<Step>> {
    let mut out = Vec::new();
    let mut stack: Vec<(Vec<Step>, &Value)> = vec![(Vec::new(), root)];
    while let Some((path, value)) = stack.pop() {
        match value {
            Value::Mapping(map) => {
                for (k, v) in map {
                    let mut p = path.clone();
                    p.push(Step::Key(k.clone()));
                    stack.push((p, v));
                }
            }
            Value::Sequence(items) => {
                for (i, v) in items.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(Step::Index(i));
                    stack.push((p, v));
                }
            }
            _ => {}
        }
        out.push(path);
    }
    out
}

fn get_mut<'a>(mut value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    for step in path {
        value = match (step, value) {
            (Step::Key(k), Value::Mapping(map)) => map.get_mut(k)?,
            (Step::Index(i), Value::Sequence(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Every `$ref` string's path.
fn ref_paths(root: &Value) -> Vec<Vec<Step>> {
    node_paths(root)
        .into_iter()
        .filter(|p| matches!(p.last(), Some(Step::Key(Value::String(k))) if k == "$ref"))
        .collect()
}

/// The names of the component schemas.
fn schema_names(root: &Value) -> Vec<String> {
    root.get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping)
        .map(|m| {
            m.keys()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

/// A value of some type, often a wrong one for wherever it lands.
fn random_value(rng: &mut Rng) -> Value {
    match rng.below(12) {
        0 => Value::Null,
        1 => Value::Bool(rng.one_in(2)),
        2 => Value::Number((rng.next_u64() as i64).into()),
        3 => Value::Number(serde_yaml::Number::from(-1.5e300)),
        4 => s(""),
        5 => s(rng.pick::<&str>(&[
            "yes",
            "true",
            "string",
            "object",
            "3.1.0",
            "#/components/schemas/",
        ])),
        6 => Value::Sequence(vec![s("string"), s("null")]),
        7 => Value::Mapping(Mapping::new()),
        8 => {
            let mut m = Mapping::new();
            m.insert(s("$ref"), s("#/components/schemas/Missing"));
            Value::Mapping(m)
        }
        9 => {
            let mut m = Mapping::new();
            m.insert(
                s("type"),
                s(rng.pick::<&str>(&["object", "array", "string", "integer"])),
            );
            m.insert(s("required"), Value::Bool(true));
            Value::Mapping(m)
        }
        10 => Value::Sequence(Vec::new()),
        _ => s(rng.pick::<&str>(&[
            "type", "self", "Self", "crate", "123", "$%^", "a b", "ñ", "r#x",
        ])),
    }
}

/// Keys worth inserting: the ones the generator reads.
const KEYS: &[&str] = &[
    "$ref",
    "type",
    "required",
    "nullable",
    "properties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "additionalProperties",
    "enum",
    "format",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "content",
    "schema",
    "in",
    "name",
    "x-custom-field-prefix",
    "discriminator",
    "description",
    "readOnly",
    "default",
    "openapi",
    "components",
    "securitySchemes",
    "security",
];

/// Names that stress naming: keywords, symbols, collisions after case
/// conversion, empty.
const NAMES: &[&str] = &[
    "type", "Type", "TYPE", "self", "Self", "super", "crate", "", "1st", "$", "+", "a-b", "a_b",
    "aB", "Client", "Error", "Result", "extra", "send", "new", "r#type", "ä",
];

/// Applies one random mutation.
fn mutate_once(doc: &mut Value, rng: &mut Rng) {
    let paths = node_paths(doc);
    // Weighted so most cases stay close enough to a valid spec to reach
    // lowering and emitting, not only the parsers.
    let kind = match rng.below(20) {
        0..=2 => 0,
        3..=5 => 1,
        6..=8 => 2,
        9..=11 => 3,
        12 | 13 => 4,
        14 | 15 => 5,
        16 | 17 => 6,
        18 => 7,
        _ if rng.one_in(3) => 8,
        _ => 9,
    };
    match kind {
        // Drop a key or an item.
        0 => {
            let path = rng.pick(&paths).clone();
            if let Some((last, parent)) = path.split_last() {
                match (last, get_mut(doc, parent)) {
                    (Step::Key(k), Some(Value::Mapping(map))) => {
                        map.remove(k);
                    }
                    (Step::Index(i), Some(Value::Sequence(items))) if *i < items.len() => {
                        items.remove(*i);
                    }
                    _ => {}
                }
            }
        }
        // Swap a node's type.
        1 => {
            let path = rng.pick(&paths).clone();
            let replacement = random_value(rng);
            if let Some(node) = get_mut(doc, &path) {
                *node = replacement;
            }
        }
        // Break or redirect a `$ref`.
        2 => {
            let refs = ref_paths(doc);
            if refs.is_empty() {
                return;
            }
            let path = rng.pick(&refs).clone();
            let names = schema_names(doc);
            let target = match rng.below(8) {
                0 => "other.yaml#/components/schemas/Thing".to_owned(),
                1 => "https://example.com/spec.yaml#/X".to_owned(),
                2 => "#/components/schemas/Leed".to_owned(),
                3 => "#".to_owned(),
                4 => String::new(),
                5 => "#/paths/~1lead~1/get".to_owned(),
                _ => format!("#/components/schemas/{}", rng.pick_or(&names, "Nope")),
            };
            if let Some(node) = get_mut(doc, &path) {
                *node = s(&target);
            }
        }
        // Inject a cycle: a schema that refers to itself or another through
        // required properties, `allOf`, or a bare `$ref`.
        3 => {
            let names = schema_names(doc);
            if names.is_empty() {
                return;
            }
            let a = rng.pick(&names).clone();
            let b = rng.pick(&names).clone();
            let Some(schemas) = doc
                .get_mut("components")
                .and_then(|c| c.get_mut("schemas"))
                .and_then(Value::as_mapping_mut)
            else {
                return;
            };
            let reference = |name: &str| {
                let mut m = Mapping::new();
                m.insert(s("$ref"), s(&format!("#/components/schemas/{name}")));
                Value::Mapping(m)
            };
            let replacement = match rng.below(4) {
                0 => reference(&b),
                1 => {
                    let mut m = Mapping::new();
                    m.insert(
                        s("allOf"),
                        Value::Sequence(vec![reference(&b), reference(&a)]),
                    );
                    Value::Mapping(m)
                }
                2 => {
                    let mut props = Mapping::new();
                    props.insert(s("next"), reference(&b));
                    props.insert(s("items"), {
                        let mut m = Mapping::new();
                        m.insert(s("type"), s("array"));
                        m.insert(s("items"), reference(&a));
                        Value::Mapping(m)
                    });
                    let mut m = Mapping::new();
                    m.insert(s("type"), s("object"));
                    m.insert(s("required"), Value::Sequence(vec![s("next"), s("items")]));
                    m.insert(s("properties"), Value::Mapping(props));
                    Value::Mapping(m)
                }
                _ => {
                    let mut m = Mapping::new();
                    m.insert(
                        s("oneOf"),
                        Value::Sequence(vec![reference(&a), reference(&b)]),
                    );
                    Value::Mapping(m)
                }
            };
            schemas.insert(s(&a), replacement);
        }
        // Rename a key to something naming must cope with.
        4 => {
            let path = rng.pick(&paths).clone();
            let name = s(rng.pick::<&str>(NAMES));
            if let Some((Step::Key(k), parent)) = path.split_last() {
                if let Some(Value::Mapping(map)) = get_mut(doc, parent) {
                    if let Some(v) = map.remove(k) {
                        map.insert(name, v);
                    }
                }
            }
        }
        // Insert a key the generator reads, with some value.
        5 => {
            let path = rng.pick(&paths).clone();
            let key = s(rng.pick::<&str>(KEYS));
            let value = random_value(rng);
            if let Some(Value::Mapping(map)) = get_mut(doc, &path) {
                map.insert(key, value);
            }
        }
        // Copy a subtree next to itself under another name (duplicate
        // operationIds, colliding names).
        6 => {
            let path = rng.pick(&paths).clone();
            if let Some((Step::Key(k), parent)) = path.split_last() {
                if let Some(Value::Mapping(map)) = get_mut(doc, parent) {
                    if let Some(v) = map.get(k).cloned() {
                        let new_key = match k.as_str() {
                            Some(k) => s(&format!("{k}{}", rng.pick(&["_", "-", "2", "X", ""]))),
                            None => s("copy"),
                        };
                        map.insert(new_key, v);
                    }
                }
            }
        }
        // Nest a node deeply.
        7 => {
            let path = rng.pick(&paths).clone();
            // The parsers refuse nesting deeper than 128; stay mostly below.
            let deep = rng.one_in(10);
            let depth = 1 + rng.below(if deep { 300 } else { 60 });
            let key = *rng.pick(&["allOf", "items", "properties", "oneOf"]);
            if let Some(node) = get_mut(doc, &path) {
                let mut inner = std::mem::replace(node, Value::Null);
                for _ in 0..depth {
                    let mut m = Mapping::new();
                    let wrapped = match key {
                        "items" => inner,
                        "properties" => {
                            let mut p = Mapping::new();
                            p.insert(s("p"), inner);
                            Value::Mapping(p)
                        }
                        _ => Value::Sequence(vec![inner]),
                    };
                    m.insert(s(key), wrapped);
                    inner = Value::Mapping(m);
                }
                *node = inner;
            }
        }
        // Change the version.
        8 => {
            if let Some(map) = doc.as_mapping_mut() {
                let version = random_version(rng);
                map.insert(s("openapi"), version);
            }
        }
        // Copy one node over another (a schema where a parameter goes…).
        _ => {
            let a = rng.pick(&paths).clone();
            let b = rng.pick(&paths).clone();
            let value_b = get_mut(doc, &b).map(|v| v.clone());
            if let (Some(value_b), Some(node_a)) = (value_b, get_mut(doc, &a)) {
                *node_a = value_b;
            }
        }
    }
}

fn random_version(rng: &mut Rng) -> Value {
    match rng.below(6) {
        0 => s("2.0"),
        1 => s("3.1.0"),
        2 => Value::Number(serde_yaml::Number::from(3.0)),
        3 => Value::Null,
        4 => s("3.0.0"),
        _ => s("3.0.3"),
    }
}

impl Rng {
    fn pick_or<'a>(&mut self, items: &'a [String], default: &'a str) -> &'a str {
        if items.is_empty() {
            default
        } else {
            &items[self.below(items.len())]
        }
    }
}

/// Damages the text itself: cut it short or change one character.
fn mutate_text(text: &mut String, rng: &mut Rng) {
    if text.is_empty() {
        return;
    }
    let mut at = rng.below(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    match rng.below(3) {
        0 => text.truncate(at),
        1 => text.insert(
            at,
            *rng.pick(&['{', '[', ':', '-', '"', '\'', '\n', '\t', '&', '*', '#']),
        ),
        _ => {
            let end = (at + rng.below(40)).min(text.len());
            let mut end = end;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(at..end, "");
        }
    }
}

/// The text of case `case` of the campaign `seed`, and the seed spec it
/// came from.
pub fn case_text(seeds: &[Seed], seed: u64, case: u64) -> (String, String) {
    let mut rng = Rng::for_case(seed, case);
    let base = rng.pick(seeds);
    let json = base.text.trim_start().starts_with('{');
    let mut text = match serde_yaml::from_str::<Value>(&base.text) {
        Ok(mut doc) => {
            for _ in 0..1 + rng.below(3) {
                mutate_once(&mut doc, &mut rng);
            }
            let as_json = if rng.one_in(4) { !json } else { json };
            if as_json {
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            } else {
                serde_yaml::to_string(&doc).unwrap_or_default()
            }
        }
        // Seeds that do not parse (the syntax-error specs) get text damage
        // only, always.
        Err(_) => {
            let mut text = base.text.clone();
            mutate_text(&mut text, &mut rng);
            text
        }
    };
    if rng.one_in(8) {
        mutate_text(&mut text, &mut rng);
    }
    (text, base.name.clone())
}

/// Runs the whole pipeline on `text`. Returns whether it generated a crate;
/// the fuzzer only cares that it returns at all.
pub fn run(text: &str) -> bool {
    let options = generator::Options {
        spec_file: "fuzz.yaml".to_owned(),
        crate_name: None,
        command: "cargo xtask fuzz".to_owned(),
        // Lenient, so that as much of the pipeline as possible runs.
        deny_warnings: false,
    };
    generator::generate(text, &options).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("fuzz/ lives one level below the workspace root")
            .to_owned()
    }

    #[test]
    fn cases_are_deterministic_and_mutated() {
        let seeds = seeds(&root(), &[], MAX_SEED_BYTES);
        assert!(seeds.len() >= 10, "{} seeds", seeds.len());
        let mut changed = 0;
        for case in 0..50 {
            let (a, name) = case_text(&seeds, 7, case);
            let (b, _) = case_text(&seeds, 7, case);
            assert_eq!(a, b, "case {case} is not deterministic");
            let original = &seeds.iter().find(|s| s.name == name).unwrap().text;
            if &a != original {
                changed += 1;
            }
        }
        // A mutation can be a no-op (dropping a key that is not there);
        // most must not be.
        assert!(changed >= 40, "only {changed} of 50 cases were mutated");
    }

    /// The seeds are the repository's own specs, the vendored real-world
    /// ones included; an extra folder adds only texts not already taken.
    #[test]
    fn seeds_come_from_the_repository_and_extras_add_new_texts() {
        let root = root();
        let own = seeds(&root, &[], MAX_SEED_BYTES);
        for prefix in [
            "spec/",
            "tests/bad/",
            "tests/fixtures/",
            "tests/specs/openapi31/",
        ] {
            assert!(
                own.iter().any(|s| s.name.starts_with(prefix)),
                "no seed from {prefix}"
            );
        }
        assert!(
            own.iter().all(|s| !s.name.starts_with("..")),
            "a seed from outside the repository"
        );

        let copies = seeds(&root, &[root.join("tests/specs")], MAX_SEED_BYTES);
        let names = |seeds: &[Seed]| seeds.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&copies), names(&own), "copies were added twice");

        let with_warn = seeds(&root, &[root.join("tests/warn")], MAX_SEED_BYTES);
        let added: Vec<String> = names(&with_warn)
            .into_iter()
            .filter(|n| !names(&own).contains(n))
            .collect();
        assert!(
            !added.is_empty() && added.iter().all(|n| n.starts_with("tests/warn/")),
            "{added:?}"
        );
    }

    /// Every spec a campaign found a crash with stays fixed: the files in
    /// `tests/fuzz-regressions` run through the whole pipeline.
    #[test]
    fn regressions_do_not_panic() {
        let dir = root().join("tests/fuzz-regressions");
        let mut count = 0;
        for entry in fs::read_dir(&dir).expect("tests/fuzz-regressions exists") {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml" || e == "json") {
                let text = fs::read_to_string(&path).unwrap();
                // The generator runs on a main thread (8 MiB of stack) in
                // `cargo xtask` and in the fuzz worker, not on a 2 MiB test
                // thread: test each case with the stack it has in real use.
                let handle = std::thread::Builder::new()
                    .stack_size(8 << 20)
                    .spawn(move || run(&text))
                    .unwrap();
                assert!(handle.join().is_ok(), "{} panicked", path.display());
                count += 1;
            }
        }
        assert!(count > 0, "no regression specs in {}", dir.display());
    }
}
