//! Spec text → `#[doc]` attributes, one per line, made safe for rustdoc.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Docs, IntegerKind, NumberKind, TypeRef};

/// Makes spec Markdown safe to put in rustdoc: code blocks without a
/// language (which rustdoc would compile as Rust doctests) become `text`
/// blocks, and indentation, which Markdown would read as code, is removed.
pub(crate) fn sanitize(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_fence = false;
    for line in text.trim().lines() {
        let trimmed = line.trim();
        if let Some(lang) = trimmed.strip_prefix("```") {
            if !in_fence && (lang.trim().is_empty() || lang.trim() == "rust") {
                lines.push("```text".to_owned());
            } else {
                lines.push(trimmed.to_owned());
            }
            in_fence = !in_fence;
            continue;
        }
        lines.push(if in_fence {
            line.trim_end().to_owned()
        } else {
            trimmed.to_owned()
        });
    }
    if in_fence {
        lines.push("```".to_owned());
    }
    lines
}

/// `#[doc]` attributes for `paragraphs`, separated by blank doc lines.
pub(crate) fn doc_attrs<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let lines = doc_lines(paragraphs);
    quote! { #(#[doc = #lines])* }
}

/// The text of each doc line (with the leading space rustdoc strips) for
/// `paragraphs`, separated by blank lines.
pub(crate) fn doc_lines<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in paragraphs {
        let paragraph = sanitize(paragraph);
        if paragraph.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(paragraph);
    }
    lines
        .iter()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        })
        .collect()
}

/// The doc attributes of an item: summary, description and the extra
/// paragraphs, or `fallback` when the spec says nothing.
pub(crate) fn item_docs(docs: &Docs, fallback: &str, extra: &[String]) -> TokenStream {
    let lines = item_doc_lines(docs, fallback, extra);
    quote! { #(#[doc = #lines])* }
}

/// The lines of [`item_docs`].
pub(crate) fn item_doc_lines(docs: &Docs, fallback: &str, extra: &[String]) -> Vec<String> {
    let mut paragraphs: Vec<&str> = Vec::new();
    if let Some(summary) = docs.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        paragraphs.push(summary);
    }
    if let Some(description) = docs.description.as_deref().filter(|s| !s.trim().is_empty()) {
        if docs.summary.as_deref().map(str::trim) != Some(description.trim()) {
            paragraphs.push(description);
        }
    }
    if paragraphs.is_empty() {
        paragraphs.push(fallback);
    }
    paragraphs.extend(extra.iter().map(String::as_str));
    doc_lines(paragraphs)
}

/// A type as the docs write it: named types by their name alone.
pub(crate) fn rust_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => crate::naming::unraw(name).to_owned(),
        TypeRef::String => "String".to_owned(),
        TypeRef::Boolean => "bool".to_owned(),
        TypeRef::Integer(IntegerKind::I32) => "i32".to_owned(),
        TypeRef::Integer(IntegerKind::I64) => "i64".to_owned(),
        TypeRef::Integer(IntegerKind::U32) => "u32".to_owned(),
        TypeRef::Integer(IntegerKind::U64) => "u64".to_owned(),
        TypeRef::Number(NumberKind::F32) => "f32".to_owned(),
        TypeRef::Number(NumberKind::F64) => "f64".to_owned(),
        TypeRef::DateTime => "Timestamp".to_owned(),
        TypeRef::Date => "NaiveDate".to_owned(),
        TypeRef::Any => "serde_json::Value".to_owned(),
        TypeRef::AnyObject => "serde_json::Map<String, serde_json::Value>".to_owned(),
        TypeRef::Array(inner) => format!("Vec<{}>", rust_type(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", rust_type(inner)),
    }
}

/// A type for a sentence of the docs: a named type linked to its
/// definition, any other in a code span.
pub(crate) fn type_link(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => format!("[`{name}`](crate::types::{name})"),
        other => format!("`{}`", rust_type(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn bare_code_blocks_become_text() {
        assert_eq!(sanitize("a\n```\nx\n```"), ["a", "```text", "x", "```"]);
        assert_eq!(sanitize("```json\n{}\n```"), ["```json", "{}", "```"]);
        assert_eq!(sanitize("    indented"), ["indented"]);
        assert_eq!(sanitize("```\nopen"), ["```text", "open", "```"]);
    }
}
