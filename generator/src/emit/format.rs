//! The tokens of the Rust files, built and formatted on every core.
//!
//! Building token streams and parsing them into `syn` for `prettyplease` is
//! most of the generator's time, and one large file would keep one core
//! busy while the other waits. So an emitter gives each file as parts
//! ([`Part`]): functions that each build a run of whole top-level items. A
//! pool of threads runs the parts, parses and prints each, and the printed
//! parts are joined in order. Printing part by part gives the text of
//! printing the whole file, because `prettyplease` prints a file as its
//! items one after another. Token streams cannot cross threads (they hold
//! `Rc`s), which is why a part builds its tokens on the thread that formats
//! them. Every item is built as tokens and printed by `prettyplease`, pinned
//! to an exact version in `generator/Cargo.toml` (the golden tests catch a
//! change in how it prints).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use proc_macro2::TokenStream;

/// Builds some top-level items of a file, on a worker thread.
pub(crate) type Part<'a> = Box<dyn Fn() -> TokenStream + Sync + 'a>;

/// Parses and prints the items of one part.
fn print(tokens: TokenStream) -> Result<String, String> {
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| e.to_string())?;
    Ok(prettyplease::unparse(&file))
}

/// Items per part: large enough that the per-part cost is noise, small
/// enough to balance the threads.
const ITEMS_PER_PART: usize = 48;

/// One part per run of [`ITEMS_PER_PART`] of `items`, built by `build`.
pub(crate) fn chunked<'a, T: Sync>(
    items: &'a [T],
    build: impl Fn(&'a [T]) -> TokenStream + Send + Sync + 'a,
) -> Vec<Part<'a>> {
    let build = Arc::new(build);
    items
        .chunks(ITEMS_PER_PART)
        .map(|chunk| {
            let build = Arc::clone(&build);
            Box::new(move || build(chunk)) as Part<'a>
        })
        .collect()
}

/// A part of one builder.
pub(crate) fn part<'a>(build: impl Fn() -> TokenStream + Sync + 'a) -> Part<'a> {
    Box::new(build)
}

/// Builds and formats Rust files given as parts, in the order given.
///
/// # Errors
///
/// When a part is not valid Rust, which is a bug of the emitter.
pub(crate) fn format_files(
    files: Vec<(&'static str, Vec<Part<'_>>)>,
) -> Result<Vec<(&'static str, String)>, String> {
    // Work units: (file, part) in output order.
    let units: Vec<(usize, &Part<'_>)> = files
        .iter()
        .enumerate()
        .flat_map(|(index, (_, parts))| parts.iter().map(move |part| (index, part)))
        .collect();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(units.len().max(1));
    // Each thread takes the next unit until none is left and returns what
    // it printed, by unit index.
    let work = || {
        let mut printed = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((_, part)) = units.get(i) else {
                return printed;
            };
            let result = print(part());
            printed.push((i, result));
        }
    };
    let mut printed: Vec<(usize, Result<String, String>)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut printed = work();
        for helper in helpers {
            // A panic in a part is a bug of the emitter; pass it on.
            printed.extend(
                helper
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
        }
        printed
    });
    printed.sort_unstable_by_key(|(i, _)| *i);

    let mut texts = vec![String::new(); files.len()];
    for ((file, _), (_, result)) in units.iter().zip(printed) {
        match result {
            Ok(text) => texts[*file].push_str(&text),
            Err(e) => {
                let path = files[*file].0;
                return Err(format!("internal error: the generated `{path}` is not valid Rust ({e}); please report this with the spec"));
            }
        }
    }
    Ok(files
        .iter()
        .zip(texts)
        .map(|((path, _), text)| (*path, space_items(&text)))
        .collect())
}

/// `use` and `mod` declarations stay together in one block each.
fn declaration_group(line: &str) -> Option<&'static str> {
    let line = line.strip_prefix("pub ").unwrap_or(line);
    if line.starts_with("use ") {
        Some("use")
    } else if line.starts_with("mod ") {
        Some("mod")
    } else {
        None
    }
}

/// `prettyplease` puts no blank lines between items; add one between
/// top-level items and between the items of an `impl` block, as rustfmt'd
/// hand-written code has.
fn space_items(text: &str) -> String {
    const ITEM_STARTS: &[&str] = &[
        "///", "#[", "pub ", "pub(", "fn ", "async fn", "impl", "const ", "type ", "mod ",
        "struct ", "enum ", "use ", "crate::",
    ];
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous: Option<&str> = None;
    // Whether the last attribute opened was inner (`#![...]`), so that the
    // `)]` closing a multi-line one ends the crate's inner attributes.
    let mut inner_attribute = false;
    for line in text.lines() {
        if line.starts_with("#![") {
            inner_attribute = true;
        } else if line.starts_with("#[") {
            inner_attribute = false;
        }
        if let Some(prev) = previous {
            let indent = line.len() - line.trim_start().len();
            let prev_indent = prev.len() - prev.trim_start().len();
            let body = line.trim_start();
            let prev_body = prev.trim_start();
            let starts_item = ITEM_STARTS.iter().any(|s| body.starts_with(s));
            let same_group = declaration_group(prev_body).is_some()
                && declaration_group(prev_body) == declaration_group(body);
            let after_item = prev_body == "}"
                || (indent == 0 && prev_body.ends_with(';') && !same_group)
                || (indent == 0
                    && (prev_body.starts_with("//!")
                        || prev_body.starts_with("#![")
                        || (prev_body == ")]" && inner_attribute))
                    && !body.starts_with("//!")
                    && !body.starts_with("#!["));
            if (indent == 0 || indent == 4) && indent == prev_indent && starts_item && after_item {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use quote::{format_ident, quote};

    use super::*;

    fn item(i: usize) -> TokenStream {
        let name = format_ident!("Item{i}");
        let doc = format!(" Item number {i}.");
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone)]
            pub struct #name { pub value: Option<Vec<String>>, pub other: std::collections::BTreeMap<String, u64> }

            impl #name {
                pub fn new(value: Option<Vec<String>>) -> Self { #name { value, other: Default::default() } }
            }
        }
    }

    #[test]
    fn formatting_in_parts_prints_what_formatting_the_whole_file_does() {
        let items: Vec<usize> = (0..130).collect();
        let header = || quote! { #![doc = " A module."] #![allow(dead_code)] use std::fmt; };
        let whole: Vec<Part<'_>> = vec![part(|| {
            let header = header();
            let all = (0..130).map(item);
            quote! { #header #(#all)* }
        })];
        let mut parts: Vec<Part<'_>> = vec![part(header)];
        parts.extend(chunked(&items, |chunk| {
            let some = chunk.iter().map(|i| item(*i));
            quote! { #(#some)* }
        }));
        assert!(parts.len() > 3, "130 items make several parts");
        let formatted = format_files(vec![("whole.rs", whole), ("parts.rs", parts)]).unwrap();
        assert_eq!(formatted[0].1, formatted[1].1);
        assert!(formatted[0].1.contains("pub struct Item129 {"));
    }

    #[test]
    fn invalid_tokens_are_an_internal_error_naming_the_file() {
        let parts: Vec<Part<'_>> = vec![part(|| quote! { struct ; })];
        let error = format_files(vec![("src/types.rs", parts)]).unwrap_err();
        assert!(
            error.contains("`src/types.rs` is not valid Rust"),
            "{error}"
        );
    }
}
