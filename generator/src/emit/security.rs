//! What an operation authenticates with, as its builder tells the request
//! (`request.security(...)`, when the client picks credentials per
//! operation) and as its method's docs say.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, ApiKeyLocation, AuthScheme, Operation, SchemeUse};

/// The runtime's `Scheme` for a scheme the client supports.
fn scheme_tokens(scheme: &AuthScheme) -> TokenStream {
    match scheme {
        AuthScheme::Basic { .. } => quote! { crate::client::Scheme::Basic },
        AuthScheme::Bearer { .. } => quote! { crate::client::Scheme::Bearer },
        AuthScheme::ApiKey {
            location,
            parameter,
            ..
        } => match location {
            ApiKeyLocation::Header => quote! { crate::client::Scheme::Header(#parameter) },
            ApiKeyLocation::Query => quote! { crate::client::Scheme::Query(#parameter) },
            ApiKeyLocation::Cookie => quote! { crate::client::Scheme::Cookie(#parameter) },
        },
    }
}

/// `request.security(...)` for an operation whose credentials the client
/// picks: its alternatives, each without the schemes the client does not
/// support.
pub(crate) fn security_call(api: &Api, op: &Operation) -> Option<TokenStream> {
    if !op.security.per_operation {
        return None;
    }
    let alternatives = op.security.alternatives.iter().map(|alternative| {
        let schemes = alternative
            .iter()
            .filter_map(|u| Some(scheme_tokens(&api.auth[u.scheme?])));
        quote! { &[#(#schemes),*] }
    });
    Some(quote! { request.security(&[#(#alternatives),*]); })
}

/// One scheme in words: its name, how it is sent and given, its scopes.
fn describe(api: &Api, used: &SchemeUse) -> String {
    let how = match used.scheme.map(|i| &api.auth[i]) {
        Some(AuthScheme::Basic { .. }) => "HTTP Basic, [`ClientBuilder::basic_auth`](crate::ClientBuilder::basic_auth)".to_owned(),
        Some(AuthScheme::Bearer { .. }) => "a bearer token, [`ClientBuilder::bearer_token`](crate::ClientBuilder::bearer_token)".to_owned(),
        Some(AuthScheme::ApiKey { location, parameter, .. }) => {
            let (place, setter) = match location {
                ApiKeyLocation::Header => ("header", "api_key_header"),
                ApiKeyLocation::Query => ("query parameter", "api_key_query"),
                ApiKeyLocation::Cookie => ("cookie", "api_key_cookie"),
            };
            format!("an API key in the `{parameter}` {place}, [`ClientBuilder::{setter}`](crate::ClientBuilder::{setter})")
        }
        None => "not sent by the client; add it with [`ClientBuilder::default_header`](crate::ClientBuilder::default_header)".to_owned(),
    };
    let scopes = match used.scopes.as_slice() {
        [] => String::new(),
        scopes => {
            let list: Vec<String> = scopes.iter().map(|s| format!("`{s}`")).collect();
            format!(", with the scopes {}", list.join(", "))
        }
    };
    format!("`{}` ({how}){scopes}", used.name)
}

/// The `# Authentication` section of an operation's method docs, when
/// lower says it has one.
pub(crate) fn security_doc(api: &Api, op: &Operation) -> Option<String> {
    if !op.security.documented {
        return None;
    }
    let lines: Vec<String> = op
        .security
        .alternatives
        .iter()
        .map(|alternative| match alternative.as_slice() {
            [] => "no credentials".to_owned(),
            schemes => {
                let parts: Vec<String> = schemes.iter().map(|u| describe(api, u)).collect();
                parts.join(" and ")
            }
        })
        .collect();
    let body = match lines.as_slice() {
        [] => "Sends no credentials.".to_owned(),
        [one] => format!("Needs {one}."),
        many => format!(
            "Needs one of these, {}:\n\n{}",
            if op.security.per_operation {
                "and sends the first the client was given"
            } else {
                "as the client was given (it sends every credential it has)"
            },
            many.iter()
                .map(|l| format!("- {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    };
    let unconfigured = if op.security.refuses_without_credentials() {
        "\n\nA client that was not given them does not send the request: it fails with [`Error::Config`](crate::Error::Config)."
    } else {
        ""
    };
    Some(format!("# Authentication\n\n{body}{unconfigured}"))
}
