//! JSON pointers and file paths as the bundler reads them: segments,
//! navigation, relative paths, and the words a hoisted value is named from.

use serde_yaml::Value;

use crate::diagnostics::{closest, pointer_join};
use crate::load::shape::{field, key_text, Field, Kind};

/// The unescaped segments of a pointer (`#/a~1b/c` → `["a/b", "c"]`).
pub(super) fn segments(pointer: &str) -> Vec<String> {
    let rest = pointer.strip_prefix('#').unwrap_or(pointer);
    if rest.is_empty() {
        return Vec::new();
    }
    rest.strip_prefix('/')
        .unwrap_or(rest)
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// `#` and `segments`, escaped.
pub(super) fn pointer_of(segments: &[String]) -> String {
    segments
        .iter()
        .fold("#".to_owned(), |at, s| pointer_join(&at, s))
}

/// A URI fragment's percent-encoding undone (`%7Bid%7D` → `{id}`).
pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let value = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(value as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a reference names a URL rather than a file.
pub(super) fn is_url(reference: &str) -> bool {
    let path = reference.split('#').next().unwrap_or("");
    path.starts_with("//")
        || path.split_once(':').is_some_and(|(scheme, _)| {
            scheme.len() > 1
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

/// The path of `relative` as seen from the file `from` (`specs/a.yaml` +
/// `../b.yaml` → `b.yaml`), with `.` and `..` taken out.
pub(super) fn join_path(from: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = if relative.starts_with('/') {
        Vec::new()
    } else {
        let mut dir: Vec<&str> = from.split('/').collect();
        dir.pop();
        dir
    };
    let absolute = relative.starts_with('/') || from.starts_with('/');
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != ".." && !p.is_empty()) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let joined = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// The kind of the object at `segments` of an OpenAPI document, when the
/// place is one the OpenAPI structure names.
pub(super) fn kind_at(segments: &[String]) -> Option<Kind> {
    let mut kind = Kind::Document;
    let mut i = 0;
    while i < segments.len() {
        let key = segments[i].as_str();
        if kind == Kind::Callback {
            kind = Kind::PathItem;
            i += 1;
            continue;
        }
        match field(kind, key) {
            Field::Node(child) => {
                kind = child;
                i += 1;
            }
            Field::SingleSchema | Field::BoolOrSchema => {
                kind = Kind::Schema;
                i += 1;
            }
            Field::MapOf(child) | Field::ListOf(child) => {
                if i + 1 == segments.len() {
                    return None;
                }
                kind = child;
                i += 2;
            }
            _ => return None,
        }
    }
    Some(kind)
}

/// The entry of the root's `components` a pointer names, when it names one
/// (`#/components/schemas/Lead` → `("schemas", "Lead")`).
pub(super) fn component(segments: &[String]) -> Option<(&str, &str)> {
    match segments {
        [components, section, name] if components == "components" => Some((section, name)),
        _ => None,
    }
}

/// Why `segments` do not lead anywhere in `value`: the index of the first
/// segment that fails, what is there instead, and a hint.
pub(super) struct Miss {
    pub(super) at: usize,
    pub(super) message: String,
    pub(super) hint: Option<String>,
}

/// Follows `segments` in `value`, a document that messages call `file`
/// (empty for the root, whose pointers stand alone).
pub(super) fn navigate<'v>(
    value: &'v Value,
    segments: &[String],
    file: &str,
) -> Result<&'v Value, Miss> {
    let written = |pointer: &str| match (file, pointer) {
        ("", pointer) => pointer.to_owned(),
        (file, "#") => file.to_owned(),
        (file, pointer) => format!("{file}{pointer}"),
    };
    let mut current = value;
    for (i, segment) in segments.iter().enumerate() {
        let pointer = pointer_of(&segments[..i]);
        let here = written(&pointer);
        if let Some(reference) = current.get("$ref").and_then(Value::as_str) {
            return Err(Miss {
                at: i,
                message: format!("`{here}` is itself a `$ref` (to `{reference}`), which a JSON pointer does not pass through"),
                hint: Some(format!("point into the value `{reference}` names instead")),
            });
        }
        let next = match current {
            Value::Mapping(map) => match map.get(segment.as_str()) {
                Some(next) => next,
                None => {
                    let names = map.keys().map(key_text);
                    return Err(Miss {
                        at: i,
                        message: format!("`{here}` has no `{segment}`"),
                        hint: closest(segment, names).map(|name| {
                            format!("did you mean `{}`?", written(&pointer_join(&pointer, name)))
                        }),
                    });
                }
            },
            Value::Sequence(items) => {
                match segment.parse::<usize>().ok().and_then(|n| items.get(n)) {
                    Some(next) => next,
                    None => {
                        return Err(Miss {
                            at: i,
                            message: format!(
                                "`{here}` is a list of {} item(s), which has no item `{segment}`",
                                items.len()
                            ),
                            hint: None,
                        })
                    }
                }
            }
            _ => {
                return Err(Miss {
                    at: i,
                    message: format!("`{here}` is a single value, with nothing inside it"),
                    hint: None,
                })
            }
        };
        current = next;
    }
    Ok(current)
}

pub(super) fn navigate_mut<'v>(value: &'v mut Value, segments: &[String]) -> Option<&'v mut Value> {
    let mut current = value;
    for segment in segments {
        current = match current {
            Value::Mapping(map) => map.get_mut(segment.as_str())?,
            Value::Sequence(items) => items.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// Words for a component name from where a value was (`Tag` `allOf` `0` →
/// `Tag AllOf 0`): `properties`, `content` with its media type, and `schema`
/// say nothing a name needs.
pub(super) fn name_words(segments: &[String]) -> Vec<String> {
    let mut words = Vec::new();
    let mut i = 0;
    while i < segments.len() {
        let segment = segments[i].as_str();
        match segment {
            "properties" | "schema" | "paths" | "components" | "definitions" | "$defs" => {}
            "content" => i += 1,
            "items" => words.push("Item".to_owned()),
            "additionalProperties" => words.push("Value".to_owned()),
            "requestBody" => words.push("Body".to_owned()),
            "responses" => {
                if let Some(code) = segments.get(i + 1) {
                    words.push(format!("Status {code} Response"));
                    i += 1;
                }
            }
            other => words.push(other.to_owned()),
        }
        i += 1;
    }
    words
}
