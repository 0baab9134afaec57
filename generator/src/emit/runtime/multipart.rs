//! `multipart/form-data` bodies: text fields and files, encoded here into
//! bytes so that a retry can send them again.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// A `multipart/form-data` body: text fields and files, in order.
///
/// ```
/// # use std::error::Error;
/// # fn build() -> MULTIPART_CRATE::Multipart {
/// MULTIPART_CRATE::Multipart::new()
///     .text("purpose", "fine-tune")
///     .file("file", "train.jsonl", b"{}\n".to_vec())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Multipart {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file_name: None,
            content_type: None,
            data: value.into().into_bytes(),
        });
        self
    }

    /// Adds a file, sent as `application/octet-stream`.
    pub fn file(
        self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        data: impl Into<Vec<u8>>,
    ) -> Self {
        self.file_with_type(name, file_name, "application/octet-stream", data)
    }

    /// Adds a file with its media type.
    pub fn file_with_type(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Vec<u8>>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file_name: Some(file_name.into()),
            content_type: Some(content_type.into()),
            data: data.into(),
        });
        self
    }

    /// The `Content-Type` (with its boundary) and the encoded body.
    pub(crate) fn encode(&self) -> (String, Vec<u8>) {
        // A boundary that appears in no part, so no part can end the body early.
        let boundary = loop {
            let candidate = format!(
                "----{:016x}{:016x}",
                RandomState::new().build_hasher().finish(),
                RandomState::new().build_hasher().finish()
            );
            let needle = candidate.as_bytes();
            if !self
                .parts
                .iter()
                .any(|p| p.data.windows(needle.len()).any(|w| w == needle))
            {
                break candidate;
            }
        };
        let mut body = Vec::new();
        for part in &self.parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!(
                "Content-Disposition: form-data; name=\"{}\"",
                escape(&part.name)
            );
            if let Some(file_name) = &part.file_name {
                disposition.push_str(&format!("; filename=\"{}\"", escape(file_name)));
            }
            body.extend_from_slice(disposition.as_bytes());
            body.extend_from_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                body.extend_from_slice(
                    format!("Content-Type: {}\r\n", escape(content_type)).as_bytes(),
                );
            }
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(&part.data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    }
}

/// A header parameter's value as browsers write it: `"`, CR and LF
/// percent-encoded, so a name cannot end its quotes or its line.
fn escape(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_fields_and_files() {
        let (content_type, body) = Multipart::new()
            .text("purpose", "fine-tune")
            .file("file", "a\"b.txt", b"hi".to_vec())
            .encode();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22b.txt\"\r\n\
             Content-Type: application/octet-stream\r\n\r\nhi\r\n--{boundary}--\r\n"
        );
        assert_eq!(String::from_utf8(body).unwrap(), expected);
    }
}
