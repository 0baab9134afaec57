//! The non-Rust files (minijinja templates) and `lib.rs`, which frames the
//! crate and its documentation.

use minijinja::{context, Environment};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_lines, rust_type};
use super::needs::runtime_files;
use crate::ir::{
    Api, ApiKeyLocation, AuthScheme, Decoding, Operation, ParameterLocation, RuntimeFeature,
    TypeKind, TypeRef,
};

fn render(name: &str, source: &str, ctx: minijinja::Value) -> Result<String, String> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    env.add_template(name, source)
        .map_err(|e| format!("internal error: template `{name}`: {e}"))?;
    let template = env
        .get_template(name)
        .map_err(|e| format!("internal error: template `{name}`: {e}"))?;
    template
        .render(ctx)
        .map_err(|e| format!("internal error: template `{name}`: {e}"))
}

/// A TOML basic string's contents.
fn toml_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', " ")
}

/// The generated crate's `Cargo.toml`.
pub(crate) fn cargo_toml(api: &Api, header: &str) -> Result<String, String> {
    render(
        "Cargo.toml",
        include_str!("../../templates/Cargo.toml.j2"),
        context! {
            header,
            crate_name => api.crate_name,
            version => api.crate_version,
            lib_name => api.lib_name,
            description => toml_escape(&if api.needs(RuntimeFeature::Client) {
                format!("Generated Rust client for the {}", api.title)
            } else {
                format!("Generated Rust types for the {}", api.title)
            }),
            client => api.needs(RuntimeFeature::Client),
            decode_json => api.needs(RuntimeFeature::SendJson) || api.needs(RuntimeFeature::SendJsonOrEmpty),
            thiserror => api.needs(RuntimeFeature::Client) || api.needs(RuntimeFeature::CustomFields),
            mock_test => api.needs(RuntimeFeature::Client) && super::mock::readme_test(api).is_some(),
        },
    )
}

/// The generated crate's `README.md`.
pub(crate) fn readme(api: &Api, header: &str) -> Result<String, String> {
    let operations: Vec<minijinja::Value> = api
        .operations
        .iter()
        .map(|op| {
            let summary = op
                .docs
                .summary
                .clone()
                .unwrap_or_default()
                .replace('|', "\\|")
                .replace('\n', " ");
            let deprecated = if op.docs.deprecated {
                " (deprecated)"
            } else {
                ""
            };
            context! {
                method => crate::naming::unraw(&op.method_name),
                http => format!("{} {}", op.method.as_str(), op.path),
                summary => format!("{summary}{deprecated}"),
            }
        })
        .collect();
    render(
        "README.md",
        include_str!("../../templates/README.md.j2"),
        context! {
            header,
            crate_name => api.crate_name,
            lib_name => api.lib_name,
            title => api.title,
            api_version => api.api_version,
            spec_file => api.spec_file,
            description => api.description.as_deref().map(str::trim),
            // Rustdoc's hidden `# ` lines would show in a rendered README.
            example => without_hidden_lines(&getting_started(api).join("\n")),
            guide => without_hidden_lines(&guide(api).join("\n\n")).replace("```no_run", "```rust,ignore"),
            client => api.needs(RuntimeFeature::Client),
            mock_test => super::mock::readme_test(api).filter(|_| api.needs(RuntimeFeature::Client)),
            fixtures => api.needs(RuntimeFeature::Example),
            pagination => api.needs(RuntimeFeature::Pagination),
            operations,
        },
    )
}

/// A usage example: make a client, then call the first operation that needs
/// only string path parameters and no body.
/// Plain Markdown from rustdoc text: hidden example lines (`# ...`) are
/// dropped and intra-doc links (`[`X`]`) become code spans.
fn without_hidden_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with("# ")).collect();
    lines.join("\n").replace("[`", "`").replace("`]", "`")
}

/// The arguments for calling `op` in an example, when they are all string
/// path parameters and there is no required body.
pub(crate) fn example_call(op: &Operation) -> Option<String> {
    let simple = op.body.as_ref().is_none_or(|b| !b.required)
        && op
            .parameters
            .iter()
            .filter(|p| p.required)
            .all(|p| p.location == ParameterLocation::Path && p.ty == TypeRef::String);
    simple.then(|| {
        let args: Vec<String> = op
            .parameters
            .iter()
            .filter(|p| p.required)
            .map(|p| format!("\"{}\"", crate::naming::unraw(&p.rust_name)))
            .collect();
        format!(
            "client.{}({})",
            crate::naming::unraw(&op.method_name),
            args.join(", ")
        )
    })
}

/// A compiled example: `body` inside an async function returning the
/// crate's `Result`, after a line that makes `client`. Lines starting with
/// `# ` are hidden in rustdoc and dropped from the README.
fn example_with(api: &Api, uses: &[String], body: &[String]) -> Vec<String> {
    let lib = &api.lib_name;
    let mut lines = uses.to_vec();
    lines.push(format!(
        "# async fn example() -> Result<(), {lib}::Error> {{"
    ));
    lines.push(match api.auth.first() {
        Some(AuthScheme::Basic { .. }) => {
            format!("let client = {lib}::Client::new(\"YOUR_API_KEY\")?;")
        }
        Some(AuthScheme::Bearer { .. }) => {
            format!("let client = {lib}::Client::new(\"YOUR_TOKEN\")?;")
        }
        Some(AuthScheme::ApiKey { .. }) => {
            format!("let client = {lib}::Client::new(\"YOUR_API_KEY\")?;")
        }
        None => format!("let client = {lib}::Client::new()?;"),
    });
    lines.extend(body.iter().cloned());
    lines.push("# Ok(())".to_owned());
    lines.push("# }".to_owned());
    lines
}

/// The path of a base URL after its host (`/api/v1`), empty when it has none.
fn base_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme
        .find('/')
        .map_or("", |slash| after_scheme[slash..].trim_end_matches('/'))
}

/// The first example: what most users set up first (the credential, read
/// from the environment, the base URL and timeouts), then one call.
fn getting_started(api: &Api) -> Vec<String> {
    let lib = &api.lib_name;
    let mut lines = vec![
        "use std::time::Duration;".to_owned(),
        String::new(),
        "# async fn example() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
    ];
    // `local` is the variable holding the credential, which `setter` sends.
    let credential = |what: &str, local: &str, setter: String| {
        let var = crate::naming::env_var(&api.crate_name, what);
        [
            "// The credential, from the environment rather than the source.".to_owned(),
            format!("let {local} = std::env::var(\"{var}\")?;"),
            format!("let client = {lib}::Client::builder()"),
            format!("    .{setter}"),
        ]
    };
    match api.auth.first() {
        Some(AuthScheme::Basic { .. }) => lines.extend(credential(
            "KEY",
            "api_key",
            "basic_auth(api_key, \"\")".to_owned(),
        )),
        Some(AuthScheme::Bearer { .. }) => lines.extend(credential(
            "TOKEN",
            "token",
            "bearer_token(token)".to_owned(),
        )),
        Some(AuthScheme::ApiKey {
            location,
            parameter,
            ..
        }) => {
            let setter = match location {
                ApiKeyLocation::Header => "api_key_header",
                ApiKeyLocation::Query => "api_key_query",
                ApiKeyLocation::Cookie => "api_key_cookie",
            };
            lines.extend(credential(
                "KEY",
                "api_key",
                format!("{setter}({parameter:?}, api_key)"),
            ))
        }
        None => lines.push(format!("let client = {lib}::Client::builder()")),
    }
    let first_path = api
        .operations
        .first()
        .map(|op| format!(" (`{}`)", op.path))
        .unwrap_or_default();
    match &api.base_url {
        Some(url) => {
            let path = base_path(url);
            lines.push(format!(
                "    // The spec's server, used when this line is left out. Operation paths{first_path}"
            ));
            lines.push(if path.is_empty() {
                "    // are appended to it.".to_owned()
            } else {
                format!(
                    "    // are appended to it, so a base URL of your own ends in `{path}` too."
                )
            });
            lines.push(format!("    .base_url({url:?})"));
        }
        None => {
            lines.push(format!(
                "    // Required: the spec names no server the client can use. Operation paths{first_path}"
            ));
            lines.push("    // are appended to it.".to_owned());
            lines.push("    .base_url(\"https://api.example.com\")".to_owned());
        }
    }
    lines.extend([
        "    // No timeout is set by default: a request waits as long as the server does."
            .to_owned(),
        "    .timeout(Duration::from_secs(30))".to_owned(),
        "    .connect_timeout(Duration::from_secs(5))".to_owned(),
        "    .build()?;".to_owned(),
    ]);
    if let Some((op, call)) = api
        .operations
        .iter()
        .find_map(|op| Some((op, example_call(op)?)))
    {
        let value = match awaited_type(op) {
            Some(ty) => format!(" // {ty}"),
            None => String::new(),
        };
        lines.push(format!("let response = {call}.await?;{value}"));
        lines.push("println!(\"{response:?}\");".to_owned());
    }
    lines.push("# Ok(())".to_owned());
    lines.push("# }".to_owned());
    lines
}

/// What awaiting `op`'s builder gives, for a comment in an example
/// (``a `LeadList` ``), when it gives a value.
fn awaited_type(op: &Operation) -> Option<String> {
    let ty = match (op.success.decoding, &op.success.ty) {
        (Decoding::Json, Some(ty)) => rust_type(ty),
        (Decoding::JsonOrEmpty, Some(ty)) => format!("Option<{}>", rust_type(ty)),
        (Decoding::Text, _) => "String".to_owned(),
        (Decoding::Bytes, _) => "Vec<u8>".to_owned(),
        _ => return None,
    };
    Some(format!("a `{ty}`"))
}

/// The "many calls at once" example: a stream of calls, at most four in
/// flight, of an operation called with one id, else of the first simple one.
fn many_calls(api: &Api) -> Option<Vec<String>> {
    let lib = &api.lib_name;
    let by_id = api.operations.iter().find(|op| {
        let required: Vec<_> = op.parameters.iter().filter(|p| p.required).collect();
        required.len() == 1
            && required[0].location == ParameterLocation::Path
            && required[0].ty == TypeRef::String
            && op.body.as_ref().is_none_or(|b| !b.required)
    });
    let (source, call) = match by_id {
        Some(op) => (
            "[\"id_1\", \"id_2\", \"id_3\"]".to_owned(),
            format!(
                "|id| client.{}(id).send()",
                crate::naming::unraw(&op.method_name)
            ),
        ),
        None => {
            let call = api.operations.iter().find_map(example_call)?;
            ("0..3".to_owned(), format!("|_| {call}.send()"))
        }
    };
    Some(example_with(
        api,
        &[format!("use {lib}::{{stream, StreamExt}};")],
        &[
            "// At most four requests in flight; answers come in as they finish.".to_owned(),
            format!("let answers: Vec<_> = stream::iter({source})"),
            format!("    .map({call})"),
            "    .buffer_unordered(4)".to_owned(),
            "    .collect()".to_owned(),
            "    .await;".to_owned(),
            "for answer in answers {".to_owned(),
            "    println!(\"{:?}\", answer?);".to_owned(),
            "}".to_owned(),
        ],
    ))
}

/// The guide sections about the client: errors, retries and rate limits.
fn client_guide(api: &Api) -> Vec<String> {
    let wait = match &api.rate_limit_reset_body {
        Some(pointer) => {
            format!("the `RateLimit` reset, else `Retry-After`, else the body's `{pointer}`")
        }
        None => "the `RateLimit` reset, else `Retry-After`".to_owned(),
    };
    let custom_fields = match &api.custom_field_prefix {
        Some(prefix) if api.needs(RuntimeFeature::Json) => format!(
            ", and a body that adds or removes a value of a multi-value custom field \
             (`{prefix}<id>.add`, `{prefix}<id>.remove`) never is, whatever the method"
        ),
        _ => String::new(),
    };
    vec![
        "## Errors".to_owned(),
        "Every method fails with one [`Error`]. An error status is `Error::Api`, \
         whose [`ApiError`] has the status, headers and raw body, the body decoded \
         as the spec documents it for that status (`body_typed()`), the server's message and the \
         wait it asked for. A success whose body does not match the spec is `Error::Decode`: the \
         request was applied, and its [`DecodeError`] keeps the status, the headers, the whole body \
         and the path where decoding failed. A request refused before it was sent (an empty path \
         parameter, a URL too long to send) is `Error::Request`; a failed connection is \
         `Error::Transport` or `Error::Timeout`, whose [`TransportError`] names the root cause. \
         Every error lists the attempts made (`history()`); `may_have_been_applied()` says whether \
         the server may have acted on the failed request, and `is_retryable()` whether sending it \
         again may help and cannot apply it twice."
            .to_owned(),
        "## Retries and rate limits".to_owned(),
        format!(
            "The client retries by itself, and only where a retry cannot apply a request twice: a \
             429 after the wait the server asked for ({wait}); 502, 503, 504, timeouts and broken \
             connections for idempotent requests, with exponential backoff and full jitter; a \
             connection that was never made, for any request. A request is idempotent when its \
             method is (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) unless the spec says otherwise \
             with `x-idempotent`{custom_fields}. A DELETE retried after an attempt that may have \
             deleted it, and then answered 404 or 410, is `Error::AlreadyDeleted`. Requests to each \
             endpoint are paced by its `RateLimit` headers: no more are sent in a window than the \
             last answer said remain, and waiting requests go first come, first served when it \
             resets, so concurrent calls spread over windows instead of collecting 429s. Tune it with `ClientBuilder::max_retries`, `retry_deadline`, `retry_backoff` \
             and `proactive_throttling`; `send_with_response` returns the status, headers and \
             rate-limit state along with the value, and how many attempts the call took and how \
             long it waited for the rate limit."
        ),
    ]
}

/// The guide sections after the first example, each a Markdown paragraph
/// list, with compiled examples for the features this spec uses.
fn guide(api: &Api) -> Vec<String> {
    let lib = &api.lib_name;
    let fence = |lines: Vec<String>| format!("```no_run\n{}\n```", lines.join("\n"));
    let mut sections = Vec::new();
    if api.needs(RuntimeFeature::Client) {
        sections.extend(client_guide(api));
    }
    if api.needs(RuntimeFeature::Client) {
        sections.push("## Tracing".to_owned());
        sections.push(format!(
            "Every call is a [tracing](https://docs.rs/tracing) span named `request`, at the \
             `INFO` level with the target `{lib}::trace`: `operation` (the `operationId`), \
             `method` and `path` (the template, such as `{path}`), and once the call ends \
             `attempts`, `status`, `error` (why it failed: a status or a kind of failure) and \
             `duration`. Each retry is an event `retrying` in that span, with `attempt`, \
             `reason` and `wait`; a call that waited because its endpoint's rate limit was \
             spent has an event `waited for the rate limit`, with `wait`. Credentials, URLs \
             (a query may hold a key), path values, headers and bodies are never recorded. \
             Without a \
             subscriber, a call pays a few atomic loads for this; with one, such as \
             `tracing_subscriber::fmt().with_env_filter(\"{lib}=info\").init()` in your \
             application, the spans appear in its logs.",
            lib = api.lib_name,
            path = api
                .operations
                .iter()
                .find(|op| op.path.contains('{'))
                .or(api.operations.first())
                .map_or("/", |op| op.path.as_str()),
        ));
    }
    if let Some(example) = many_calls(api) {
        sections.push("## Many calls at once".to_owned());
        sections.push(
            "A request builder owns a clone of the client (an `Arc`, cheap to clone) and its \
             arguments, so its future is `'static + Send`: it can be spawned, or many can run \
             together. [`stream`] and [`StreamExt`] are re-exported from `futures` for this; \
             `buffer_unordered(n)` keeps at most `n` requests in flight. Clones of a client share \
             its connections and its rate-limit state, so calls that run together also wait \
             together when an endpoint has no requests left."
                .to_owned(),
        );
        sections.push(fence(example));
    }
    if let Some((op, call)) = api
        .operations
        .iter()
        .filter(|op| op.pagination.is_some())
        .find_map(|op| Some((op, example_call(op)?)))
    {
        sections.push("## Pagination".to_owned());
        sections.push(format!(
            "Paginated operations have `pages()` and `items()`: streams that fetch the next page \
             only when read past the current one. `{}` is one:",
            crate::naming::unraw(&op.method_name)
        ));
        sections.push(fence(example_with(
            api,
            &[format!("use {lib}::TryStreamExt;")],
            &[
                format!("let mut items = {call}.items();"),
                "while let Some(item) = items.try_next().await? {".to_owned(),
                "    println!(\"{item:?}\");".to_owned(),
                "}".to_owned(),
            ],
        )));
    }
    let selectable = api
        .operations
        .iter()
        .filter_map(|op| Some((op, op.selection.as_ref()?, example_call(op)?)))
        .find_map(|(op, selection, call)| {
            let def = api.types.iter().find(|t| t.name == selection.field_enum)?;
            let TypeKind::FieldEnum(fields) = &def.kind else {
                return None;
            };
            Some((
                op,
                selection,
                call,
                fields.variants.first()?.rust_name.clone(),
            ))
        });
    if let Some((op, selection, call, variant)) = selectable {
        sections.push("## Field selection".to_owned());
        sections.push(format!(
            "`{}` can select the fields it returns; the answer then decodes into a type whose fields are all optional:",
            crate::naming::unraw(&op.method_name)
        ));
        sections.push(fence(example_with(
            api,
            &[format!("use {lib}::types::{};", selection.field_enum)],
            &[
                format!(
                    "let partial = {call}.select([{}::{variant}]).await?;",
                    selection.field_enum
                ),
                "println!(\"{partial:?}\");".to_owned(),
            ],
        )));
    }
    if let Some(prefix) = &api.custom_field_prefix {
        sections.push("## Custom fields".to_owned());
        sections.push(format!(
            "Keys that start with `{prefix}` are custom fields, gathered by field id into the \
             `custom` map ([`CustomFields`]) of the types that carry them and \
             written back as flat keys. In an update, `set` a value, `clear` it (`null`), or `add` / \
             `remove_value` one value of a multi-value field; ids are checked by \
             [`CustomFieldId`]."
        ));
    }
    if !api.examples.is_empty() {
        sections.push("## The spec's examples".to_owned());
        sections.push(format!(
            "The {} examples in `{}` are tests of this crate (`src/examples.rs`, run by \
             `cargo test`): each is decoded into its Rust type and encoded back, and must come \
             back as the same JSON. An example that does not fit its schema is reported when the \
             crate is generated, and is not among them.",
            api.examples.len(),
            api.spec_file
        ));
    }
    sections.push("## Unknown data".to_owned());
    sections.push(
        "Properties the spec does not declare are kept in each struct's `extra` map and unknown \
         enum values in the enum's catch-all variant, so a decode → encode round trip loses nothing."
            .to_owned(),
    );
    sections
}

pub(crate) fn lib_rs(api: &Api) -> TokenStream {
    let client = api.needs(RuntimeFeature::Client);
    let mut intro = vec![format!("# {}", api.title)];
    intro.push(if client {
        format!(
            "A client for the {} (API version {}), generated from `{}`.",
            api.title, api.api_version, api.spec_file
        )
    } else {
        format!(
            "The types of the {} (API version {}), generated from `{}`, which has no operations.",
            api.title, api.api_version, api.spec_file
        )
    });
    if let Some(description) = &api.description {
        intro.push(description.clone());
    }
    if client {
        let mut code = vec!["```no_run".to_owned()];
        code.extend(getting_started(api));
        code.push("```".to_owned());
        intro.push(code.join("\n"));
        intro.push(
            "[`Client::new`] is the short form, with the spec's server and no timeouts. Each \
             method of [`Client`] returns a request builder from [`requests`]: required \
             parameters are arguments, optional ones are builder methods, and `.await` sends the \
             request and returns the decoded answer. Bodies are the types in [`types`]. Failures \
             are an [`Error`]."
                .to_owned(),
        );
    }
    intro.extend(guide(api));
    let docs = doc_lines(intro.iter().map(String::as_str));
    let modules: Vec<_> = runtime_files(&api.runtime).collect();
    let mods = modules.iter().map(|file| {
        let module = format_ident!("{}", file.module);
        match file.feature {
            Some(feature) => quote! {
                #[cfg(feature = #feature)]
                pub mod #module;
            },
            None => quote! { mod #module; },
        }
    });
    let requests = client.then(|| quote! { pub mod requests; });
    let examples = (!api.examples.is_empty()).then(|| {
        quote! {
            #[cfg(test)]
            mod examples;
        }
    });
    let uses = modules
        .iter()
        .filter(|file| !file.exports.is_empty())
        .map(|file| {
            let module = format_ident!("{}", file.module);
            let exports: Vec<_> = file.exports.iter().map(|e| format_ident!("{e}")).collect();
            match exports.as_slice() {
                [one] => quote! { pub use #module::#one; },
                many => quote! { pub use #module::{#(#many),*}; },
            }
        });
    let streams = client.then(|| {
        quote! {
            /// Streams from `futures`, re-exported so the examples need no other
            /// crate: `stream::iter` makes a stream of calls, and the combinators
            /// run them together (`buffer_unordered`) or read paginated
            /// operations (`next`, `try_next`, `take`, `try_collect`, …).
            pub use futures_util::{stream, StreamExt, TryStreamExt};
        }
    });
    let client_items = client.then(|| {
        let base_url = match &api.base_url {
            Some(url) => quote! { Some(#url) },
            None => quote! { None },
        };
        quote! {
            pub use types::ErrorBody;

            /// The server URL the spec names first, used unless the builder sets another.
            const DEFAULT_BASE_URL: Option<&str> = #base_url;
        }
    });
    let servers = api
        .needs(RuntimeFeature::Servers)
        .then(|| super::servers::server_enum(api));
    let custom_field_prefix = api.custom_field_prefix.as_ref().map(|prefix| {
        quote! {
            /// The key prefix of custom fields (`x-custom-field-prefix`).
            const CUSTOM_FIELD_PREFIX: &str = #prefix;
        }
    });
    let reset_body = api
        .rate_limit_reset_body
        .as_ref()
        .filter(|_| api.needs(RuntimeFeature::RateLimitResetBody))
        .map(|pointer| {
            quote! {
                /// Where a 429 body holds the seconds until the rate limit resets, as a
                /// JSON pointer (`x-rate-limit-reset-body`).
                const RATE_LIMIT_RESET_BODY: &str = #pointer;
            }
        });
    quote! {
        #(#![doc = #docs])*
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]
        // Descriptions come from the spec, which may hold Markdown rustdoc
        // reads differently (bare URLs, brackets that look like links).
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

        #(#mods)*
        #requests
        pub mod types;
        #examples

        #(#uses)*
        #streams
        #client_items
        #servers
        #custom_field_prefix
        #reset_body
    }
}
