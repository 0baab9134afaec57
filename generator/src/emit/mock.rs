//! The mock's knowledge of the spec → `src/mock/spec.rs` of the generated
//! crate (under the cargo feature `mock`, beside the hand-written
//! `runtime/mock.rs`): each request builder's `mock::Operation` impl (its
//! success status and how its answer is written), `mock::Paged` for the
//! builders of paginated operations (how a page is written, which request
//! fetches the next), and `mock::Example` for the types with an example.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::examples::{pretty, raw_string};
use super::format::{chunked, part, Part};
use super::types::type_tokens;
use crate::ir::{Api, Decoding, Operation, Pagination, PaginationStyle, TypeRef};

/// The path of the module in the generated crate.
pub(crate) const PATH: &str = "src/mock/spec.rs";

/// The whole module.
pub(crate) fn spec_module(api: &Api) -> Vec<Part<'_>> {
    let mut parts = vec![part(|| {
        quote! {
            #![doc = " What the spec says each operation expects and answers, and its examples."]
        }
    })];
    parts.extend(chunked(&api.operations, |chunk| {
        let impls = chunk.iter().map(operation);
        quote! { #(#impls)* }
    }));
    parts.push(part(|| {
        let impls = api.examples.iter().filter(|e| e.fixture).map(|example| {
            let ty = type_tokens(&example.ty, &quote! { crate::types:: });
            let doc = format!(" The example at `{}`.", example.pointer);
            let json = raw_string(&pretty(&example.value));
            quote! {
                impl crate::mock::Example for #ty {
                    #[doc = #doc]
                    fn example() -> Self {
                        crate::mock::example(#json)
                    }
                }
            }
        });
        quote! { #(#impls)* }
    }));
    parts
}

/// What awaiting the builder returns, with `output` for a selection's `T`.
fn answer(op: &Operation, output: &TokenStream) -> TokenStream {
    match op.success.decoding {
        Decoding::Json => output.clone(),
        Decoding::JsonOrEmpty => quote! { Option<#output> },
        Decoding::Text => quote! { String },
        Decoding::Bytes => quote! { Vec<u8> },
        Decoding::Empty => quote! { () },
    }
}

/// The `Operation` impl of `op`'s builder, and its `Paged` impls.
fn operation(op: &Operation) -> TokenStream {
    let builder = format_ident!("{}", op.builder_name);
    let types = quote! { crate::types:: };
    let status = proc_macro2::Literal::u16_unsuffixed(op.success.status.unwrap_or(200));
    let send = format_ident!("{}", op.success.decoding.send_function().name());
    let (generics, self_ty, output) = match &op.selection {
        // Generic over what it decodes into: the full type, or the partial
        // one after `select`.
        Some(_) => (
            quote! { <T: serde::Serialize> },
            quote! { crate::requests::#builder<T> },
            quote! { T },
        ),
        None => {
            let output = op
                .success
                .ty
                .as_ref()
                .map_or_else(|| quote! { () }, |ty| type_tokens(ty, &types));
            (quote! {}, quote! { crate::requests::#builder }, output)
        }
    };
    let answer = answer(op, &output);
    let paged = op.pagination.as_ref().map(|pagination| {
        let full = op.success.ty.clone().unwrap_or(TypeRef::Any);
        let mut impls = vec![paged(
            quote! { crate::requests::#builder },
            &type_tokens(&pagination.item_type, &types),
            pagination,
        )];
        if let Some(selection) = &op.selection {
            let page = type_tokens(&selection.partial_success, &types);
            let item = selection
                .partial_item
                .as_ref()
                .unwrap_or(&pagination.item_type);
            if selection.partial_success != full {
                impls.push(paged(
                    quote! { crate::requests::#builder<#page> },
                    &type_tokens(item, &types),
                    pagination,
                ));
            }
        }
        quote! { #(#impls)* }
    });
    quote! {
        impl #generics crate::mock::Operation for #self_ty {
            type Answer = #answer;

            fn describe(&self) -> crate::mock::Described {
                crate::mock::Described::new(self.request(), #status)
            }

            fn answer(answer: &Self::Answer) -> crate::mock::Body {
                crate::mock::#send(answer)
            }
        }

        #paged
    }
}

/// The `Paged` impl of a paginated builder whose items are `item`.
fn paged(builder: TokenStream, item: &TokenStream, pagination: &Pagination) -> TokenStream {
    let items = &pagination.items.wire_name;
    let page = match &pagination.style {
        PaginationStyle::Offset { has_more, .. } => {
            let has_more = &has_more.wire_name;
            quote! { serde_json::json!({ #items: items, #has_more: next.is_some() }) }
        }
        // The last page's cursor is empty, which ends the walk whether the
        // field may be null or not.
        PaginationStyle::Cursor { next_cursor, .. } => {
            let next_cursor = &next_cursor.wire_name;
            quote! { serde_json::json!({ #items: items, #next_cursor: next.unwrap_or_default() }) }
        }
    };
    quote! {
        impl crate::mock::Paged for #builder {
            type Item = #item;

            fn page(items: &[Self::Item], next: Option<String>) -> serde_json::Value {
                #page
            }

            fn next(&self, page: &Self::Answer) -> Option<Self> {
                crate::pagination::Paginate::next_page(self, page)
            }
        }
    }
}

/// The path of the README's mock example, run as a test of the crate.
pub(crate) const README_TEST: &str = "tests/mock.rs";

/// The type `op`'s builder answers with, when it is a named type the mock
/// has an example of (`T::example()`).
fn fixture_answer<'a>(api: &Api, op: &'a Operation) -> Option<&'a str> {
    match (op.success.decoding, &op.success.ty) {
        (Decoding::Json, Some(TypeRef::Named(name))) if has_fixture(api, name) => Some(name),
        _ => None,
    }
}

fn has_fixture(api: &Api, name: &str) -> bool {
    api.examples
        .iter()
        .any(|e| e.fixture && e.ty == TypeRef::Named(name.to_owned()))
}

/// The README's example of testing code that uses the client, which is
/// also the crate's `tests/mock.rs`: one test for each scenario the spec
/// allows without values the generator cannot make up (every answer comes
/// from the spec's examples): a typed answer, pages that `items()` walks,
/// an error answer, and a rate limit waited out. `None` when the spec
/// allows none of them.
///
/// It is text rather than tokens so that its comments, which explain the
/// example to a reader of the README, are kept.
pub(crate) fn readme_test(api: &Api) -> Option<String> {
    let lib = &api.lib_name;
    let unraw = crate::naming::unraw;
    let answered = api.operations.iter().find_map(|op| {
        Some((
            super::templates::example_call(op)?,
            fixture_answer(api, op)?,
        ))
    });
    let paged = api.operations.iter().find_map(|op| {
        let call = super::templates::example_call(op)?;
        match &op.pagination.as_ref()?.item_type {
            TypeRef::Named(item) if has_fixture(api, item) => Some((op, call, item.as_str())),
            _ => None,
        }
    });
    let failing = api.operations.iter().find_map(|op| {
        let call = super::templates::example_call(op)?;
        op.errors.iter().find_map(|error| {
            let crate::ir::StatusMatch::Code(status @ 400..=499) = error.status else {
                return None;
            };
            match (&error.ty, error.variant) {
                (Some(TypeRef::Named(body)), Some(variant)) if has_fixture(api, body) => Some((
                    call.clone(),
                    status,
                    body.as_str(),
                    api.error_bodies[variant].rust_name.as_str(),
                )),
                _ => None,
            }
        })
    });
    if answered.is_none() && paged.is_none() && failing.is_none() {
        return None;
    }
    let mut types: Vec<&str> = answered.iter().map(|(_, ty)| *ty).collect();
    types.extend(paged.iter().map(|(_, _, item)| *item));
    types.extend(failing.iter().map(|(_, _, body, _)| *body));
    types.sort_unstable();
    types.dedup();
    let mut crate_uses = Vec::new();
    if answered.is_some() {
        crate_uses.push("Client");
    }
    if answered.is_some() || failing.is_some() {
        crate_uses.push("Error");
    }
    if failing.is_some() {
        crate_uses.push("ErrorBody");
    }
    if paged.is_some() {
        crate_uses.push("TryStreamExt");
    }
    let mut out = vec![
        "//! Testing code that calls the API, against the crate's typed mock (the".to_owned(),
        "//! cargo feature `mock`): `cargo test --features mock`.".to_owned(),
        "#![cfg(feature = \"mock\")]".to_owned(),
        String::new(),
    ];
    if answered.is_some() {
        out.push("use std::time::Duration;".to_owned());
        out.push(String::new());
    }
    out.push(format!("use {lib}::mock::{{Example, MockServer}};"));
    out.push(format!(
        "use {lib}::types::{};",
        if types.len() == 1 {
            types[0].to_owned()
        } else {
            format!("{{{}}}", types.join(", "))
        }
    ));
    out.push(match crate_uses.as_slice() {
        [one] => format!("use {lib}::{one};"),
        many => format!("use {lib}::{{{}}};", many.join(", ")),
    });
    if let Some((call, ty)) = &answered {
        out.extend([
            String::new(),
            "/// The code under test. It is given a client, so that a test can give it".to_owned(),
            "/// the mock's.".to_owned(),
            format!("async fn code_under_test(client: &Client) -> Result<{ty}, Error> {{"),
            format!("    {call}.await"),
            "}".to_owned(),
            String::new(),
            "#[tokio::test]".to_owned(),
            "async fn the_mock_answers_what_the_code_asks_for() {".to_owned(),
            "    let server = MockServer::start().await;".to_owned(),
            "    let client = server.client();".to_owned(),
            format!("    // The spec's example of a `{ty}`; change what the test needs."),
            format!("    let answer = {ty}::example();"),
            "    // The request the code should send, as the client's own builder, and".to_owned(),
            "    // the answer; the expected count is checked when the server is dropped."
                .to_owned(),
            "    let hits = server".to_owned(),
            format!("        .on({call})"),
            "        .expect(1)".to_owned(),
            "        .respond(&answer)".to_owned(),
            "        .await;".to_owned(),
            String::new(),
            "    assert_eq!(code_under_test(&client).await.unwrap(), answer);".to_owned(),
            "    assert_eq!(hits.count(), 1);".to_owned(),
            "}".to_owned(),
            String::new(),
            "#[tokio::test]".to_owned(),
            "async fn a_rate_limit_is_waited_out() {".to_owned(),
            "    let server = MockServer::start().await;".to_owned(),
            "    let client = server.client();".to_owned(),
            format!("    let answer = {ty}::example();"),
            "    // A 429 with `RateLimit: ..., reset=0.05` first; the client waits and retries."
                .to_owned(),
            "    let hits = server".to_owned(),
            format!("        .on({call})"),
            "        .rate_limited(1, Duration::from_millis(50))".to_owned(),
            "        .respond(&answer)".to_owned(),
            "        .await;".to_owned(),
            String::new(),
            "    assert_eq!(code_under_test(&client).await.unwrap(), answer);".to_owned(),
            "    assert_eq!(hits.count(), 2);".to_owned(),
            "}".to_owned(),
        ]);
    }
    if let Some((op, call, item)) = &paged {
        let method = unraw(&op.method_name);
        out.extend([
            String::new(),
            "#[tokio::test]".to_owned(),
            format!("async fn {method}_walks_every_page() {{"),
            "    let server = MockServer::start().await;".to_owned(),
            "    let client = server.client();".to_owned(),
            format!(
                "    let items = vec![{item}::example(), {item}::example(), {item}::example()];"
            ),
            "    // Two to a page: the page for this request, then the one for the request"
                .to_owned(),
            "    // the first page leads to, as `items()` sends it.".to_owned(),
            "    let hits = server".to_owned(),
            format!("        .on({call})"),
            "        .respond_pages(items.clone(), 2)".to_owned(),
            "        .await;".to_owned(),
            String::new(),
            format!("    let walked: Vec<{item}> = {call}.items().try_collect().await.unwrap();"),
            "    assert_eq!(walked, items);".to_owned(),
            "    assert_eq!(hits.count(), 2);".to_owned(),
            "}".to_owned(),
        ]);
    }
    if let Some((call, status, body, variant)) = &failing {
        out.extend([
            String::new(),
            "#[tokio::test]".to_owned(),
            format!("async fn a_{status}_is_an_error_with_the_documented_body() {{"),
            "    let server = MockServer::start().await;".to_owned(),
            "    let client = server.client();".to_owned(),
            format!("    let body = {body}::example();"),
            "    server".to_owned(),
            format!("        .on({call})"),
            format!("        .respond_error({status}, &body)"),
            "        .await;".to_owned(),
            String::new(),
            format!("    let Err(Error::Api(error)) = {call}.await else {{"),
            format!("        panic!(\"a {status} is an API error\");"),
            "    };".to_owned(),
            format!("    assert_eq!(error.status().as_u16(), {status});"),
            format!("    assert_eq!(error.body_typed(), Some(&ErrorBody::{variant}(body)));"),
            "}".to_owned(),
        ]);
    }
    let mut text = out.join("\n");
    text.push('\n');
    Some(text)
}
