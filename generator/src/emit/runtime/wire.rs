//! How requests and responses look on the wire: path segments, form
//! bodies and `deepObject` parameters, and JSON decoding that says where a
//! body did not match.

use std::fmt;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::Error;

/// Characters left as they are in a path segment: RFC 3986 unreserved.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The path of `template` (`/lead/{id}/`) with each `{name}`, in order,
/// replaced by the next of `values`, percent-encoded so that it stays one
/// path segment: `/`, `?`, `#` and spaces are encoded.
///
/// An empty value is refused: it would make an empty segment (`/lead//`),
/// which servers read as another path (the list instead of one item, a
/// DELETE of the collection). `.` and `..` are refused: URL parsers read
/// them, and every percent-encoded spelling of them (`%2E%2E`), as "this"
/// and "parent" segments, so no encoding keeps them from changing the
/// request path.
///
/// Also returns the longest parameter and its encoded length, which an
/// over-long URL's error names.
pub(crate) fn fill_path(
    template: &'static str,
    values: &[&dyn fmt::Display],
) -> Result<FilledPath, Error> {
    use std::fmt::Write as _;

    let mut path = String::with_capacity(template.len() + 16 * values.len());
    let mut longest: Option<(&'static str, usize)> = None;
    let mut text = String::new();
    let mut values = values.iter();
    let mut rest = template;
    // Byte searches: the braces are ASCII, and a `char` search costs more
    // than the rest of this function on every request.
    let find = |text: &str, byte: u8| text.bytes().position(|b| b == byte);
    while let Some(open) = find(rest, b'{') {
        let close = find(&rest[open..], b'}').map_or(rest.len(), |c| open + c);
        let name = rest.get(open + 1..close).unwrap_or_default();
        let value = values
            .next()
            .ok_or_else(|| Error::Request(format!("no value for the path parameter `{name}`")))?;
        text.clear();
        // Writing into a String cannot fail.
        let _ = write!(text, "{value}");
        if text.is_empty() {
            return Err(Error::Request(format!(
                "the path parameter `{name}` is empty: the path would have an empty segment, which names another resource"
            )));
        }
        if text == "." || text == ".." {
            return Err(Error::Request(format!(
                "the path parameter `{name}` cannot be `{text}`: it would change the request path"
            )));
        }
        path.push_str(&rest[..open]);
        let before = path.len();
        path.extend(utf8_percent_encode(&text, PATH_SEGMENT));
        let length = path.len() - before;
        if longest.is_none_or(|(_, most)| length > most) {
            longest = Some((name, length));
        }
        rest = rest.get(close + 1..).unwrap_or_default();
    }
    path.push_str(rest);
    Ok(FilledPath { path, longest })
}

/// A path with its parameters filled in.
#[derive(Debug, PartialEq)]
pub(crate) struct FilledPath {
    pub(crate) path: String,
    /// The longest parameter and its encoded length.
    pub(crate) longest: Option<(&'static str, usize)>,
}
// @needs form

/// Characters left as they are in a form field: the WHATWG
/// `application/x-www-form-urlencoded` set; space becomes `+`.
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// `key=value&...`, percent-encoded for a form body.
pub(crate) fn encode_form(pairs: &[(String, String)]) -> String {
    let encode = |text: &str| {
        utf8_percent_encode(text, FORM)
            .to_string()
            .replace("%20", "+")
    };
    pairs
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}
// @end
// @needs form query_deep

/// A form field's text for a scalar; objects inside a `form`-style value
/// have no standard spelling and are sent as JSON.
fn form_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}
// @end
// @needs form

/// `form` style with `explode`: `key=value`, an array repeats the key, an
/// object's properties become fields of their own, `null` is left out.
pub(crate) fn form_pairs(key: &str, value: serde_json::Value, pairs: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Array(items) => {
            for item in items.iter().filter(|v| !v.is_null()) {
                pairs.push((key.to_owned(), form_text(item)));
            }
        }
        serde_json::Value::Object(properties) => {
            for (name, inner) in properties.iter().filter(|(_, v)| !v.is_null()) {
                pairs.push((name.clone(), form_text(inner)));
            }
        }
        scalar => pairs.push((key.to_owned(), form_text(&scalar))),
    }
}
// @end
// @needs form query_deep

/// `deepObject` style: `key[sub]=value`, `key[0]=value`, to any depth.
pub(crate) fn deep_object_pairs(
    key: String,
    value: serde_json::Value,
    pairs: &mut Vec<(String, String)>,
) {
    match value {
        serde_json::Value::Object(properties) => {
            for (name, inner) in properties {
                deep_object_pairs(format!("{key}[{name}]"), inner, pairs);
            }
        }
        serde_json::Value::Array(items) => {
            for (index, inner) in items.into_iter().enumerate() {
                deep_object_pairs(format!("{key}[{index}]"), inner, pairs);
            }
        }
        scalar => pairs.push((key, form_text(&scalar))),
    }
}
// @end
// @needs send_json send_json_or_empty

/// Decodes a JSON body, saying where in the body it failed; the error keeps
/// the whole body.
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(
    status: reqwest::StatusCode,
    body: &bytes::Bytes,
) -> Result<T, Error> {
    // Tracking the path costs half as much again as the decode itself, and
    // it is only read when decoding fails: so decode plainly first, and
    // decode again, tracked, only a body that failed. Decoding is a pure
    // function of the bytes, so the second pass fails at the same place.
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let fail = |path: String, error: serde_json::Error| {
        Error::Decode(Box::new(crate::error::DecodeError::new(
            status,
            body.clone(),
            path,
            error.to_string(),
            Some(Box::new(error)),
        )))
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        fail(path, e.into_inner())
    })?;
    deserializer.end().map_err(|e| fail(".".to_owned(), e))?;
    Ok(value)
}
// @end

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fill_each_placeholder_with_one_encoded_segment() {
        let id = "a b/c";
        let filled = fill_path("/org/{org}/lead/{id}/", &[&7, &id]).unwrap();
        assert_eq!(filled.path, "/org/7/lead/a%20b%2Fc/");
        assert_eq!(filled.longest, Some(("id", 9)));
        assert_eq!(fill_path("/me/", &[]).unwrap().longest, None);
        assert_eq!(
            fill_path("/{first}{second}", &[&"x", &"y"]).unwrap().path,
            "/xy"
        );
        let error = fill_path("/lead/{id}", &[&".."]).unwrap_err().to_string();
        assert!(error.contains("`id` cannot be `..`"), "{error}");
        let error = fill_path("/lead/{id}/", &[&""]).unwrap_err().to_string();
        assert!(error.contains("`id` is empty"), "{error}");
    }
    // @needs form

    #[test]
    fn forms_encode_flat_repeated_and_deep_fields() {
        use serde_json::json;

        let mut pairs = Vec::new();
        form_pairs("To", json!("+15551234"), &mut pairs);
        form_pairs("Event", json!(["a", "b c"]), &mut pairs);
        form_pairs("Gone", serde_json::Value::Null, &mut pairs);
        deep_object_pairs(
            "metadata".into(),
            json!({"order": "6735", "note": null}),
            &mut pairs,
        );
        deep_object_pairs(
            "items".into(),
            json!([{"price": "p_1", "quantity": 2}]),
            &mut pairs,
        );
        assert_eq!(
            encode_form(&pairs),
            "To=%2B15551234&Event=a&Event=b+c&metadata%5Bnote%5D=&metadata%5Border%5D=6735&items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bquantity%5D=2"
        );
    }
    // @end
}
