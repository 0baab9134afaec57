//! The non-Rust files (minijinja templates) and `lib.rs`, which frames the
//! crate and its documentation.

use minijinja::{context, Environment};
use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_lines;
use crate::ir::{Api, AuthScheme, ParameterLocation, TypeRef};

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
            lib_name => api.lib_name,
            description => toml_escape(&format!("Generated Rust client for the {}", api.title)),
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
            example => example(api).into_iter().filter(|l| !l.starts_with("# ")).collect::<Vec<_>>().join("\n"),
            operations,
        },
    )
}

/// A usage example: make a client, then call the first operation that needs
/// only string path parameters and no body.
fn example(api: &Api) -> Vec<String> {
    let lib = &api.lib_name;
    let mut lines = vec![format!(
        "# async fn example() -> Result<(), {lib}::Error> {{"
    )];
    lines.push(match api.auth.first() {
        Some(AuthScheme::Basic { .. }) => {
            format!("let client = {lib}::Client::new(\"YOUR_API_KEY\");")
        }
        Some(AuthScheme::Bearer { .. }) => {
            format!("let client = {lib}::Client::new(\"YOUR_TOKEN\")?;")
        }
        None => format!("let client = {lib}::Client::new()?;"),
    });
    let call = api.operations.iter().find(|op| {
        op.body.as_ref().is_none_or(|b| !b.required)
            && op
                .parameters
                .iter()
                .filter(|p| p.required)
                .all(|p| p.location == ParameterLocation::Path && p.ty == TypeRef::String)
    });
    if let Some(op) = call {
        let args: Vec<String> = op
            .parameters
            .iter()
            .filter(|p| p.required)
            .map(|p| format!("\"{}\"", crate::naming::unraw(&p.rust_name)))
            .collect();
        lines.push(format!(
            "let response = client.{}({}).await?;",
            crate::naming::unraw(&op.method_name),
            args.join(", ")
        ));
        lines.push("println!(\"{response:?}\");".to_owned());
    }
    lines.push("# Ok(())".to_owned());
    lines.push("# }".to_owned());
    lines
}

/// The generated crate's `lib.rs`.
pub(crate) fn lib_rs(api: &Api) -> TokenStream {
    let mut intro = vec![format!("# {}", api.title)];
    intro.push(format!(
        "A client for the {} (API version {}), generated from `{}`.",
        api.title, api.api_version, api.spec_file
    ));
    if let Some(description) = &api.description {
        intro.push(description.clone());
    }
    let mut code = vec!["```no_run".to_owned()];
    code.extend(example(api));
    code.push("```".to_owned());
    intro.push(code.join("\n"));
    intro.push(
        "Each method of [`Client`] returns a request builder from [`requests`]: required \
         parameters are arguments, optional ones are builder methods, and `.await` sends the \
         request. Bodies are the types in [`types`]. Failures are an [`Error`]."
            .to_owned(),
    );
    let docs = doc_lines(intro.iter().map(String::as_str));
    let base_url = match &api.base_url {
        Some(url) => quote! { Some(#url) },
        None => quote! { None },
    };
    let custom_fields = api.custom_field_prefix.as_ref().map(|prefix| {
        quote! {
            mod custom_fields;
            pub use custom_fields::{CustomFieldId, CustomFields, InvalidCustomFieldId};
            /// The key prefix of custom fields (`x-custom-field-prefix`).
            const CUSTOM_FIELD_PREFIX: &str = #prefix;
        }
    });
    quote! {
        #(#![doc = #docs])*
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]
        // Descriptions come from the spec, which may hold Markdown rustdoc
        // reads differently (bare URLs, brackets that look like links).
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

        #[allow(dead_code, reason = "the runtime serves every spec; this one may not use all of it")]
        mod client;
        mod error;
        #[allow(dead_code, reason = "the runtime serves every spec; this one may not use all of it")]
        mod pagination;
        mod rate_limit;
        pub mod requests;
        pub mod types;
        #[allow(dead_code, reason = "the runtime serves every spec; this one may not use all of it")]
        mod wire;

        pub use client::{Client, ClientBuilder, Response, ResponseFuture};
        pub use pagination::BoxStream;
        pub use rate_limit::RateLimit;
        /// Stream combinators for the streams of paginated operations
        /// (`next`, `try_next`, `take`, `try_collect`, …), re-exported so
        /// examples need no other crate.
        pub use futures_util::{StreamExt, TryStreamExt};
        pub use error::{ApiError, Error};
        pub use types::ErrorBody;
        pub use wire::Timestamp;

        /// The server URL the spec names first, used unless the builder sets another.
        const DEFAULT_BASE_URL: Option<&str> = #base_url;

        #custom_fields
    }
}
