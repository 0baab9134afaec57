//! Token streams → formatted Rust text, on every core.
//!
//! Parsing a token stream into `syn` is most of the cost of formatting (the
//! printing is a quarter of it), and one large file would keep one core
//! busy while the other waits. So each file's top-level items are split
//! into contiguous chunks without parsing them ([`split_items`]), the chunks
//! of every file are parsed and printed by a pool of threads, and the
//! printed chunks are joined in order. Printing item by item gives the same
//! text as printing the whole file: `prettyplease` prints a file as its
//! items one after another.
//!
//! Token streams cannot cross threads (they hold `Rc`s), so each chunk
//! crosses as text, which costs a twentieth of the parse it spreads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Items per chunk: large enough that the per-chunk cost is noise, small
/// enough to balance the threads.
const ITEMS_PER_CHUNK: usize = 64;

/// Formats Rust files given as token streams, in the order given.
///
/// # Errors
///
/// When a stream is not a valid Rust file, which is a bug of the emitter.
pub(crate) fn format_files<const N: usize>(
    sources: [(&'static str, TokenStream); N],
) -> Result<Vec<(&'static str, String)>, String> {
    // Work units: (file, chunk) in output order.
    let mut units: Vec<(usize, String)> = Vec::new();
    for (index, (_, tokens)) in sources.iter().enumerate() {
        for chunk in split_items(tokens.clone()) {
            units.push((
                index,
                chunk.into_iter().collect::<TokenStream>().to_string(),
            ));
        }
    }
    let printed: Vec<Mutex<Option<Result<String, String>>>> =
        units.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(units.len().max(1));
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some((_, chunk)) = units.get(i) else {
            break;
        };
        let result = syn::parse_file(chunk)
            .map(|file| prettyplease::unparse(&file))
            .map_err(|e| e.to_string());
        if let Ok(mut slot) = printed[i].lock() {
            *slot = Some(result);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(work);
        }
        work();
    });

    let mut texts = vec![String::new(); N];
    for ((file, _), slot) in units.iter().zip(printed) {
        let result = slot
            .into_inner()
            .ok()
            .flatten()
            .unwrap_or_else(|| Err("a formatting thread failed".to_owned()));
        match result {
            Ok(text) => texts[*file].push_str(&text),
            Err(e) => {
                let path = sources[*file].0;
                return Err(format!("internal error: the generated `{path}` is not valid Rust ({e}); please report this with the spec"));
            }
        }
    }
    Ok(sources
        .iter()
        .zip(texts)
        .map(|((path, _), text)| (*path, space_items(&text)))
        .collect())
}

/// Splits a file's tokens into chunks of whole top-level items, without
/// parsing them. An item ends at a top-level `;`, or at a top-level brace
/// group that no `;` follows (`struct S { .. }`, `impl T { .. }`, but not
/// `use a::{b, c};`). Inner attributes (`#![..]`, `//!`) open the file and
/// stay in the first chunk.
fn split_items(tokens: TokenStream) -> Vec<Vec<TokenTree>> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut chunks = Vec::new();
    let mut chunk: Vec<TokenTree> = Vec::new();
    let mut items_in_chunk = 0;
    let mut trees = trees.into_iter().peekable();
    while let Some(tree) = trees.next() {
        let ends_item = match &tree {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace
                    && !matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';')
            }
            _ => false,
        };
        chunk.push(tree);
        if ends_item {
            items_in_chunk += 1;
            if items_in_chunk == ITEMS_PER_CHUNK {
                chunks.push(std::mem::take(&mut chunk));
                items_in_chunk = 0;
            }
        }
    }
    if !chunk.is_empty() || chunks.is_empty() {
        chunks.push(chunk);
    }
    chunks
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
        "struct ", "enum ", "use ",
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
