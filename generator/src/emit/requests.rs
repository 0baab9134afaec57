//! Operations → `requests.rs` of the generated crate: `Client::new`, one
//! client method and one request builder per operation, and the error
//! decoders.
//!
//! A builder owns a clone of the client (an `Arc`) and its arguments, so the
//! future it returns is `'static + Send`. What every builder shares (`send`,
//! `send_with_response`, `IntoFuture`) is the runtime's `request_builder!`;
//! what varies (fields, setters, how `request()` fills the request) is
//! printed here. Generated code names everything by its full path
//! (`crate::Client`, `crate::request::Request`), so no schema or operation
//! name can shadow it; the one import is the module `types` (no type or
//! builder is snake_case).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_attrs, item_doc_lines, item_docs, type_link};
use super::format::{chunked, part, Part};
use super::paginate::paginate;
use super::types::{ident, type_tokens};
use crate::ir::{
    Api, ApiKeyLocation, AuthScheme, BodyEncoding, Decoding, ErrorDecoder, Operation,
    ParameterLocation, PathPart, QueryStyle, RawBody, RequestBody, RuntimeFeature, TypeRef,
};

/// The whole `requests.rs` module body, as parts built on worker threads.
pub(crate) fn requests_module(api: &Api) -> Vec<Part<'_>> {
    let mut parts: Vec<Part<'_>> = vec![part(|| {
        let constructor = constructor(api);
        let types = api
            .operations_name_types()
            .then(|| quote! { use crate::types; });
        quote! {
            #![doc = " One request builder per operation, returned by the methods of [`Client`](crate::Client)."]
            #![doc = ""]
            #![doc = " A builder holds the required parameters; optional ones are set with its"]
            #![doc = " methods. Await it to send the request, or call its `send` method."]
            #![allow(deprecated)]

            #types

            #constructor
        }
    })];
    parts.extend(chunked(&api.operations, |chunk| {
        let methods = chunk.iter().map(|op| client_method(api, op));
        quote! {
            impl crate::Client {
                #(#methods)*
            }
        }
    }));
    parts.extend(chunked(&api.operations, |chunk| {
        let builders = chunk.iter().map(|op| builder(api, op));
        quote! { #(#builders)* }
    }));
    parts.push(part(|| {
        let decoders = api.error_decoders.iter().map(|d| decoder_fn(api, d));
        quote! { #(#decoders)* }
    }));
    parts
}

/// `Client::new`: the spec's preferred credentials, or none. It returns a
/// `Result` whatever the scheme, and never panics.
fn constructor(api: &Api) -> TokenStream {
    const ERRORS: &str = "# Errors\n\n[`Error::Config`](crate::Error::Config) when the spec names no server URL the client can use (set one with [`Client::builder`](crate::Client::builder)), or when the credential holds characters a header cannot carry.";
    let (docs, argument, build) = match api.auth.first() {
        Some(AuthScheme::Basic { description, .. }) => (
            doc_attrs([
                "A client that authenticates with HTTP Basic, sending `api_key` as the user name and an empty password.",
                description.as_deref().unwrap_or(""),
                "Use [`Client::builder`](crate::Client::builder) for a Bearer token, another base URL, timeouts or default headers.",
                ERRORS,
            ]),
            Some(quote! { api_key }),
            quote! { basic_auth(api_key, "") },
        ),
        Some(AuthScheme::Bearer { description, .. }) => (
            doc_attrs([
                "A client that authenticates with `Authorization: Bearer <token>`.",
                description.as_deref().unwrap_or(""),
                ERRORS,
            ]),
            Some(quote! { token }),
            quote! { bearer_token(token) },
        ),
        Some(AuthScheme::ApiKey {
            location,
            parameter,
            description,
            ..
        }) => {
            let (setter, place) = match location {
                ApiKeyLocation::Header => (
                    quote! { api_key_header },
                    format!("the `{parameter}` header"),
                ),
                ApiKeyLocation::Query => (
                    quote! { api_key_query },
                    format!("the `{parameter}` query parameter"),
                ),
                ApiKeyLocation::Cookie => (
                    quote! { api_key_cookie },
                    format!("the `{parameter}` cookie"),
                ),
            };
            (
                doc_attrs([
                    format!("A client that sends `api_key` as {place}.").as_str(),
                    description.as_deref().unwrap_or(""),
                    ERRORS,
                ]),
                Some(quote! { api_key }),
                quote! { #setter(#parameter, api_key) },
            )
        }
        None => (
            doc_attrs([
                "A client with no credentials. Use [`Client::builder`](crate::Client::builder) for other settings.",
                "# Errors\n\n[`Error::Config`](crate::Error::Config) when the spec names no server URL the client can use (set one with [`Client::builder`](crate::Client::builder)).",
            ]),
            None,
            quote! {},
        ),
    };
    let (parameter, call) = match argument {
        Some(argument) => (
            quote! { #argument: impl Into<String> },
            quote! { crate::Client::builder().#build.build() },
        ),
        None => (quote! {}, quote! { crate::Client::builder().build() }),
    };
    quote! {
        impl crate::Client {
            #docs
            pub fn new(#parameter) -> Result<Self, crate::Error> {
                #call
            }
        }
    }
}

/// The type a parameter is taken as by its argument or setter, and how the
/// value is stored: text is taken as anything that becomes a `String`.
fn taken_as(ty: &TypeRef) -> (TokenStream, TokenStream) {
    let types = quote! { types:: };
    match ty {
        TypeRef::String => (quote! { impl Into<String> }, quote! { value.into() }),
        other => (type_tokens(other, &types), quote! { value }),
    }
}

/// What the builder stores: the value, owned.
fn stored(ty: &TypeRef) -> TokenStream {
    type_tokens(ty, &quote! { types:: })
}

/// The type a request body is stored and taken as: the body type, or
/// `String` / `Vec<u8>` / `Multipart` for the other encodings.
fn body_type(body: &RequestBody) -> TokenStream {
    match body.encoding {
        BodyEncoding::Raw(RawBody::Text) => quote! { String },
        BodyEncoding::Raw(RawBody::Bytes) => quote! { Vec<u8> },
        BodyEncoding::Multipart { .. } => quote! { crate::Multipart },
        _ => stored(&body.ty),
    }
}

/// The type of the body argument or setter, and how it becomes the stored
/// value (empty: as it is): raw bodies accept anything that becomes their
/// stored type.
fn body_argument(body: &RequestBody) -> (TokenStream, TokenStream) {
    match body.encoding {
        BodyEncoding::Raw(_) => {
            let ty = body_type(body);
            (quote! { impl Into<#ty> }, quote! { body.into() })
        }
        _ => (body_type(body), TokenStream::new()),
    }
}

/// What `send` resolves to, before a selection makes it generic.
fn success_type(op: &Operation) -> TokenStream {
    let types = quote! { types:: };
    match (op.success.decoding, &op.success.ty) {
        (Decoding::JsonOrEmpty, Some(ty)) => {
            let ty = type_tokens(ty, &types);
            quote! { Option<#ty> }
        }
        (Decoding::Json, Some(ty)) => type_tokens(ty, &types),
        (Decoding::Text, _) => quote! { String },
        (Decoding::Bytes, _) => quote! { Vec<u8> },
        // A JSON decoding always has a type (lower sets them together).
        (Decoding::Json | Decoding::JsonOrEmpty, None) | (Decoding::Empty, _) => quote! { () },
    }
}

fn location_word(location: ParameterLocation) -> &'static str {
    match location {
        ParameterLocation::Path => "path parameter",
        ParameterLocation::Query => "query parameter",
        ParameterLocation::Header => "header",
        ParameterLocation::Cookie => "cookie",
    }
}

/// One line of the `# Arguments` list.
fn one_line(text: Option<&str>) -> Option<String> {
    text.map(|t| t.trim().replace('\n', " "))
        .filter(|t| !t.is_empty())
}

/// The docs of `op`'s client method.
fn method_docs(api: &Api, op: &Operation) -> Vec<String> {
    let route = format!("`{} {}`", op.method.as_str(), op.path);
    let mut arguments = Vec::new();
    for p in op.parameters.iter().filter(|p| p.required) {
        let description = one_line(p.docs.description.as_deref())
            .unwrap_or_else(|| format!("the `{}` {}", p.wire_name, location_word(p.location)));
        arguments.push(format!(
            "- `{}`: {description}",
            crate::naming::unraw(&p.rust_name)
        ));
    }
    let mut parts = None;
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        match &body.encoding {
            BodyEncoding::Multipart { fields } => {
                arguments.push(
                    "- `body`: a [`Multipart`](crate::Multipart) body, with the parts below"
                        .to_owned(),
                );
                let lines: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        let kind = if f.binary { "a file" } else { "text" };
                        let required = if f.required { ", required" } else { "" };
                        let description = one_line(f.description.as_deref())
                            .map(|d| format!(": {d}"))
                            .unwrap_or_default();
                        format!("- `{}` ({kind}{required}){description}", f.name)
                    })
                    .collect();
                parts = Some(format!("# Parts\n\n{}", lines.join("\n")));
            }
            _ => arguments.push(format!(
                "- `body`: {}",
                one_line(body.docs.description.as_deref())
                    .unwrap_or_else(|| "the request body".to_owned())
            )),
        }
    }
    let mut extra = vec![route];
    extra.extend(server_doc(api, op));
    extra.extend(super::security::security_doc(api, op));
    if !arguments.is_empty() {
        extra.push(format!("# Arguments\n\n{}", arguments.join("\n")));
    }
    extra.extend(parts);
    let setters = if has_setters(op) {
        "set optional parameters on it, then "
    } else {
        ""
    };
    let article = if op.builder_name.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    };
    let mut returns = format!(
        "Returns {article} [`{}`] builder: {setters}{}.",
        op.builder_name,
        awaited(op)
    );
    if let Some(selection) = &op.selection {
        returns.push_str(&format!(
            " [`select`]({}::select) makes it return {} instead.",
            op.builder_name,
            type_link(&selection.partial_success)
        ));
    }
    if let Some(pagination) = &op.pagination {
        returns.push_str(&format!(
            " [`items`]({}::items) streams each {} of every page, fetching pages as it goes.",
            op.builder_name,
            type_link(&pagination.item_type)
        ));
    }
    extra.push(returns);
    item_doc_lines(
        &op.docs,
        &format!("Sends `{} {}`.", op.method.as_str(), op.path),
        &extra,
    )
}

/// Where an operation sent to a server of its own goes.
fn server_doc(api: &Api, op: &Operation) -> Option<String> {
    let server = &api.servers[op.server?];
    let at = match &server.url {
        Some(url) => format!("`{url}`"),
        None => format!("`{}`", server.template),
    };
    Some(format!(
        "Sent to {at} ([`Server::{0}`](crate::Server::{0})), not the base URL; [`ClientBuilder::server_url`](crate::ClientBuilder::server_url) sends it elsewhere.",
        server.variant
    ))
}

/// Whether `op`'s builder has setters: optional parameters or body.
fn has_setters(op: &Operation) -> bool {
    op.parameters.iter().any(|p| !p.required) || op.body.as_ref().is_some_and(|b| !b.required)
}

/// What awaiting `op`'s builder gives, for its docs (``.await` it for the
/// [`Lead`]``).
fn awaited(op: &Operation) -> String {
    match (op.success.decoding, &op.success.ty) {
        (Decoding::Json, Some(ty)) => format!("`.await` it for the {}", type_link(ty)),
        (Decoding::JsonOrEmpty, Some(ty)) => format!(
            "`.await` it for the {} (`None` when the answer has no body)",
            type_link(ty)
        ),
        (Decoding::Text, _) => "`.await` it for the body, as a `String`".to_owned(),
        (Decoding::Bytes, _) => "`.await` it for the body, as bytes (`Vec<u8>`)".to_owned(),
        (Decoding::Json | Decoding::JsonOrEmpty, None) | (Decoding::Empty, _) => {
            "`.await` it to send the request (the answer has no body)".to_owned()
        }
    }
}

/// The client method of `op`: its required parameters and body as
/// arguments, the rest unset.
fn client_method(api: &Api, op: &Operation) -> TokenStream {
    let docs = method_docs(api, op);
    let deprecated = op.docs.deprecated.then(|| quote! { #[deprecated] });
    let method = ident(&op.method_name);
    let builder = format_ident!("{}", op.builder_name);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for p in &op.parameters {
        let name = ident(&p.rust_name);
        if p.required {
            let (input, _) = taken_as(&p.ty);
            args.push(quote! { #name: #input });
            inits.push(match p.ty {
                TypeRef::String => quote! { #name: #name.into() },
                _ => quote! { #name },
            });
        } else {
            inits.push(quote! { #name: None });
        }
    }
    if let Some(body) = &op.body {
        if body.required {
            let (input, value) = body_argument(body);
            args.push(quote! { body: #input });
            inits.push(if value.is_empty() {
                quote! { body }
            } else {
                quote! { body: #value }
            });
        } else {
            inits.push(quote! { body: None });
        }
    }
    if op.selection.is_some() {
        inits.push(quote! { _output: std::marker::PhantomData });
    }
    quote! {
        #(#[doc = #docs])*
        #deprecated
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder {
                client: self.clone(),
                #(#inits,)*
            }
        }
    }
}

/// The builder of `op`: its struct, its setters and `request()`, the
/// runtime's `request_builder!` and, when paginated, its streams.
fn builder(api: &Api, op: &Operation) -> TokenStream {
    let name = format_ident!("{}", op.builder_name);
    let selection = op.selection.as_ref();
    let mut fields = vec![quote! { client: crate::Client, }];
    for p in &op.parameters {
        let field = ident(&p.rust_name);
        let ty = stored(&p.ty);
        fields.push(if p.required {
            quote! { #field: #ty, }
        } else {
            quote! { #field: Option<#ty>, }
        });
    }
    if let Some(body) = &op.body {
        let ty = body_type(body);
        fields.push(if body.required {
            quote! { body: #ty, }
        } else {
            quote! { body: Option<#ty>, }
        });
    }
    // A builder with a selection parameter is generic over what it decodes
    // into: the full type, or the partial one after `select`.
    let (generics, self_ty) = match selection {
        None => (quote! {}, quote! { #name }),
        Some(_) => {
            let output = success_type(op);
            fields.push(quote! { _output: std::marker::PhantomData<fn() -> T>, });
            (quote! { <T = #output> }, quote! { #name<T> })
        }
    };
    let impl_generics = selection.map(|_| quote! { <T> });
    let doc = format!(
        " Request builder for [`Client::{}`](crate::Client::{}): `{} {}`.",
        crate::naming::unraw(&op.method_name),
        crate::naming::unraw(&op.method_name),
        op.method.as_str(),
        op.path
    );

    let mut setters = Vec::new();
    for (index, p) in op.parameters.iter().enumerate() {
        // The selection parameter is set through `select`, which also
        // switches the output to the partial type: a raw string setter
        // would let a partial response meet the full type.
        if p.required || selection.is_some_and(|s| s.parameter == index) {
            continue;
        }
        let field = ident(&p.rust_name);
        let (input, value) = taken_as(&p.ty);
        let docs = item_docs(
            &p.docs,
            &format!("Sets the `{}` {}.", p.wire_name, location_word(p.location)),
            &[format!(
                "Sent as the `{}` {}.{}",
                p.wire_name,
                location_word(p.location),
                p.default
                    .as_ref()
                    .map(|d| format!(" The server assumes `{d}` when it is not sent."))
                    .unwrap_or_default()
            )],
        );
        let deprecated = p.docs.deprecated.then(|| quote! { #[deprecated] });
        setters.push(quote! {
            #docs
            #deprecated
            pub fn #field(mut self, value: #input) -> Self {
                self.#field = Some(#value);
                self
            }
        });
    }
    if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
        let (input, value) = body_argument(body);
        let value = if value.is_empty() {
            quote! { body }
        } else {
            value
        };
        setters.push(quote! {
            #[doc = " Sets the request body."]
            pub fn body(mut self, body: #input) -> Self {
                self.body = Some(#value);
                self
            }
        });
    }
    let select = selection.map(|sel| {
        let selected = ident(&op.parameters[sel.parameter].rust_name);
        let field_enum = format_ident!("{}", sel.field_enum);
        let partial = type_tokens(&sel.partial_success, &quote! { types:: });
        let moves = op
            .parameters
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != sel.parameter)
            .map(|(_, p)| {
                let f = ident(&p.rust_name);
                quote! { #f: self.#f, }
            });
        let body_move = op.body.as_ref().map(|_| quote! { body: self.body, });
        let doc = format!(
            " Selects the fields the response carries (`{}`). The response then decodes into `{}`, in which every field is optional, so fields that were not selected cannot fail the decoding.",
            op.parameters[sel.parameter].wire_name,
            partial.to_string().replace(' ', "")
        );
        quote! {
            #[doc = #doc]
            pub fn select(self, fields: impl IntoIterator<Item = types::#field_enum>) -> #name<#partial> {
                let names: Vec<String> = fields.into_iter().map(|field| field.to_string()).collect();
                #name {
                    client: self.client,
                    #(#moves)*
                    #body_move
                    #selected: Some(names.join(",")),
                    _output: std::marker::PhantomData,
                }
            }
        }
    });
    let request = request_fn(api, op);
    let returns = match one_line(op.success.description.as_deref()) {
        Some(description) => format!(" On success: {description}"),
        None => " Sends the request.".to_owned(),
    };
    let send = format_ident!("{}", op.success.decoding.send_function().name());
    let fixed = match selection {
        None => {
            let output = success_type(op);
            quote! { crate::send::request_builder!(#name, #output, #send, #returns); }
        }
        Some(_) => quote! { crate::send::request_builder!(#name, T, #send, #returns); },
    };
    let pagination = op.pagination.as_ref().map(|p| {
        let types = quote! { types:: };
        let full = paginate(
            op,
            p,
            &quote! { #name },
            &success_type(op),
            &type_tokens(&p.item_type, &types),
        );
        let partial = selection.map(|sel| {
            let page = type_tokens(&sel.partial_success, &types);
            let item = type_tokens(sel.partial_item.as_ref().unwrap_or(&p.item_type), &types);
            paginate(op, p, &quote! { #name<#page> }, &page, &item)
        });
        quote! { #full #partial }
    });
    let how = if has_setters(op) {
        " Set optional parameters with its methods, then `.await` it."
    } else {
        " `.await` it to send the request."
    };
    quote! {
        #[doc = #doc]
        #[doc = ""]
        #[doc = #how]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #name #generics {
            #(#fields)*
        }

        impl #impl_generics #self_ty {
            #(#setters)*
            #select
            #request
        }

        #fixed
        #pagination
    }
}

/// The builder's `request()`: the route, the path parameters in template
/// order (the runtime puts each, percent-encoded, in the place of the next
/// `{name}`), the other parameters and the body.
fn request_fn(api: &Api, op: &Operation) -> TokenStream {
    let path_values = op.path_parts.iter().filter_map(|part| match part {
        PathPart::Literal(_) => None,
        PathPart::Parameter(i) => {
            let field = ident(&op.parameters[*i].rust_name);
            Some(quote! { &self.#field })
        }
    });
    let method = format_ident!("{}", op.method.as_str());
    let decoder = match op.error_decoder {
        Some(index) => {
            let name = ident(&api.error_decoders[index].name);
            quote! { #name }
        }
        None => quote! { crate::request::no_error_body },
    };
    let mut fill = Vec::new();
    if let Some(server) = op.server {
        let variant = format_ident!("{}", api.servers[server].variant);
        fill.push(quote! { request.server(crate::Server::#variant); });
    }
    fill.extend(super::security::security_call(api, op));
    for p in &op.parameters {
        let field = ident(&p.rust_name);
        let wire = &p.wire_name;
        let value = if p.required {
            quote! { Some(&self.#field) }
        } else {
            quote! { self.#field.as_ref() }
        };
        let Some(filler) = p.filler() else {
            // A path parameter, which `Request::new` puts in the path.
            continue;
        };
        let method = format_ident!("{}", filler.name());
        fill.push(match (filler, p.style) {
            (RuntimeFeature::QueryDeep, _) => quote! { request.#method(#wire, #value)?; },
            (RuntimeFeature::QueryJoined, QueryStyle::Joined(separator)) => {
                let separator = separator.to_string();
                quote! { request.#method(#wire, #value, #separator); }
            }
            _ => quote! { request.#method(#wire, #value); },
        });
    }
    if let Some(body) = &op.body {
        let media = &body.media_type;
        let method = format_ident!("{}", body.encoding.filler().name());
        let set = match &body.encoding {
            BodyEncoding::Json => quote! { request.#method(#media, body)?; },
            BodyEncoding::Form { deep_object } => {
                quote! { request.#method(#media, body, &[#(#deep_object),*])?; }
            }
            BodyEncoding::Raw(_) => quote! { request.#method(#media, body.clone()); },
            BodyEncoding::Multipart { .. } => quote! { request.#method(body); },
        };
        fill.push(if body.required {
            quote! {
                let body = &self.body;
                #set
            }
        } else {
            quote! {
                if let Some(body) = &self.body {
                    #set
                }
            }
        });
    }
    let route = format!("{} {}", op.method.as_str(), op.path);
    let idempotent = op.idempotent;
    let operation = &op.operation_id;
    let mutable = (!fill.is_empty()).then(|| quote! { mut });
    quote! {
        pub(crate) fn request(&self) -> Result<crate::request::Request, crate::Error> {
            let #mutable request = crate::request::Request::new(#operation, #route, reqwest::Method::#method, #idempotent, &[#(#path_values),*], #decoder)?;
            #(#fill)*
            Ok(request)
        }
    }
}

/// An error decoder: the IR's arms in the IR's order.
fn decoder_fn(api: &Api, decoder: &ErrorDecoder) -> TokenStream {
    let name = ident(&decoder.name);
    let decode = |variant: usize| {
        let v = ident(&api.error_bodies[variant].rust_name);
        quote! { serde_json::from_slice(body).ok().map(types::ErrorBody::#v) }
    };
    let fallback = match decoder.fallback {
        Some(variant) => decode(variant),
        None => quote! { None },
    };
    if decoder.arms.is_empty() {
        return quote! {
            fn #name(_status: u16, body: &[u8]) -> Option<types::ErrorBody> {
                #fallback
            }
        };
    }
    let arms = decoder.arms.iter().map(|arm| {
        let patterns = arm.statuses.iter().map(|(low, high)| {
            let low_literal = proc_macro2::Literal::u16_unsuffixed(*low);
            if low == high {
                quote! { #low_literal }
            } else {
                let high = proc_macro2::Literal::u16_unsuffixed(*high);
                quote! { #low_literal..=#high }
            }
        });
        let decode = decode(arm.variant);
        quote! { #(#patterns)|* => #decode, }
    });
    quote! {
        fn #name(status: u16, body: &[u8]) -> Option<types::ErrorBody> {
            match status {
                #(#arms)*
                _ => #fallback,
            }
        }
    }
}
