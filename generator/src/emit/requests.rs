//! Operations → `requests.rs` of the generated crate: one client method and
//! one request builder per operation.

use std::sync::Arc;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_attrs, doc_lines, item_doc_lines, item_docs};
use super::format::{chunked, part, Code, Part};
use super::text;
use super::types::{ident, type_tokens};
use crate::ir::{
    Api, ApiKeyLocation, AuthScheme, BodyEncoding, ErrorResponse, Operation, PageField, Pagination,
    PaginationStyle, ParameterLocation, PathPart, Presence, QueryStyle, RawBody, StatusMatch,
    TypeRef,
};

/// The whole `requests.rs` module body, as parts built on worker threads.
pub(crate) fn requests_module(api: &Api) -> Vec<Part<'_>> {
    let decoders = Arc::new(error_decoders(api));
    let mut parts: Vec<Part<'_>> = vec![part(|| {
        // A spec without operations uses none of these; unused imports
        // would warn.
        let imports = if api.operations.is_empty() {
            match api.auth.first() {
                Some(AuthScheme::Basic { .. }) => quote! { use crate::Client; },
                _ => quote! { use crate::{Client, Error}; },
            }
        } else {
            quote! {
                use std::future::IntoFuture;

                use crate::client::{Request, Response, ResponseFuture};
                use crate::types::ErrorBody;
                use crate::{Client, Error};
            }
        };
        let constructor = constructor(api);
        quote! {
            #![doc = " One request builder per operation, returned by the methods of [`Client`]."]
            #![doc = ""]
            #![doc = " A builder holds the required parameters; optional ones are set with its"]
            #![doc = " methods. Await it to send the request, or call its `send` method."]
            #![allow(deprecated)]

            #imports

            #constructor
        }
    })];
    parts.extend(chunked(&api.operations, |chunk| {
        let types = quote! { crate::types:: };
        let plans: Vec<MethodPlan> = chunk.iter().map(|op| client_method(op, &types)).collect();
        let mut code = Code::default();
        // The block as text when every method can be (see `text`).
        code.text_or_tokens(text::client_methods(&plans), || {
            let methods = plans.iter().map(client_method_tokens);
            quote! {
                impl Client {
                    #(#methods)*
                }
            }
        });
        code
    }));
    let of_builders = Arc::clone(&decoders);
    parts.extend(chunked(&api.operations, move |chunk| {
        let types = quote! { crate::types:: };
        let mut code = Code::default();
        for op in chunk {
            let name = &of_builders.names[of_builders.of_operation[&op.method_name]];
            let decoder = format_ident!("{name}");
            code.append(builder(op, &types, &decoder));
        }
        code
    }));
    parts.push(part(move || {
        let fns = decoders
            .names
            .iter()
            .zip(&decoders.tables)
            .map(|(name, table)| decoder_fn(api, &format_ident!("{name}"), table));
        quote! { #(#fns)* }
    }));
    parts
}

/// `Client::new`, with the spec's preferred credentials.
fn constructor(api: &Api) -> TokenStream {
    let expect = "building a client with Basic credentials cannot fail: base64 is always a valid header value, and the base URL is the spec's own";
    match api.auth.first() {
        Some(AuthScheme::Basic { description, .. }) => {
            let docs = doc_attrs(
                [
                    "A client that authenticates with HTTP Basic, sending `api_key` as the user name and an empty password.",
                    description.as_deref().unwrap_or(""),
                    "Use [`Client::builder`] for a Bearer token, another base URL, timeouts or default headers.",
                ],
            );
            quote! {
                impl Client {
                    #docs
                    pub fn new(api_key: impl Into<String>) -> Self {
                        Client::builder().basic_auth(api_key, "").build().expect(#expect)
                    }
                }
            }
        }
        Some(AuthScheme::Bearer { description, .. }) => {
            let docs = doc_attrs(
                [
                    "A client that authenticates with `Authorization: Bearer <token>`.",
                    description.as_deref().unwrap_or(""),
                    "# Errors\n\n[`Error::Config`] when the token holds characters a header cannot carry.",
                ],
            );
            quote! {
                impl Client {
                    #docs
                    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
                        Client::builder().bearer_token(token).build()
                    }
                }
            }
        }
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
            let docs = doc_attrs([
                format!("A client that sends `api_key` as {place}.").as_str(),
                description.as_deref().unwrap_or(""),
                "# Errors\n\n[`Error::Config`] when the key holds characters a header cannot carry.",
            ]);
            quote! {
                impl Client {
                    #docs
                    pub fn new(api_key: impl Into<String>) -> Result<Self, Error> {
                        Client::builder().#setter(#parameter, api_key).build()
                    }
                }
            }
        }
        None => quote! {
            impl Client {
                #[doc = " A client with no credentials. Use [`Client::builder`] for other settings."]
                #[doc = ""]
                #[doc = " # Errors"]
                #[doc = ""]
                #[doc = " [`Error::Config`] when the spec names no server URL."]
                pub fn new() -> Result<Self, Error> {
                    Client::builder().build()
                }
            }
        },
    }
}

/// The type a required argument is accepted as, and how it is stored.
fn argument(ty: &TypeRef, types: &TokenStream) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::String => (quote! { impl Into<String> }, quote! { String }),
        other => {
            let t = type_tokens(other, types);
            (t.clone(), t)
        }
    }
}

fn setter_input(ty: &TypeRef, types: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => quote! { impl Into<String> },
        other => type_tokens(other, types),
    }
}

fn has_lifetime_body(op: &Operation) -> bool {
    op.body.is_some()
}

fn success_type(op: &Operation, types: &TokenStream) -> TokenStream {
    match (&op.success.ty, op.success.raw) {
        (Some(ty), _) if op.success.may_be_empty => {
            let ty = type_tokens(ty, types);
            quote! { Option<#ty> }
        }
        (Some(ty), _) => type_tokens(ty, types),
        (None, Some(RawBody::Text)) => quote! { String },
        (None, Some(RawBody::Bytes)) => quote! { Vec<u8> },
        (None, None) => quote! { () },
    }
}

/// The type a request body is borrowed as: the body type, or `str` / `[u8]`
/// for a raw body.
fn body_type(body: &crate::ir::RequestBody, types: &TokenStream) -> TokenStream {
    match body.encoding {
        BodyEncoding::Raw(RawBody::Text) => quote! { str },
        BodyEncoding::Raw(RawBody::Bytes) => quote! { [u8] },
        BodyEncoding::Multipart { .. } => quote! { crate::Multipart },
        _ => type_tokens(&body.ty, types),
    }
}

/// A client method: `pub fn {name}{lifetime}({self_ref}, {args}) -> {ret}`
/// returning `{builder} { client: self, {inits} }`. Both the token and the
/// text emitter read it.
pub(crate) struct MethodPlan {
    pub(crate) docs: Vec<String>,
    pub(crate) deprecated: bool,
    pub(crate) name: syn::Ident,
    /// `<'a>` when a body is borrowed, else empty.
    pub(crate) lifetime: TokenStream,
    pub(crate) self_ref: TokenStream,
    /// `(name, type)` of each argument.
    pub(crate) args: Vec<(syn::Ident, TokenStream)>,
    pub(crate) ret: TokenStream,
    pub(crate) builder: syn::Ident,
    /// `(field, value)`: `value` is `None` for the shorthand `field`.
    pub(crate) inits: Vec<(syn::Ident, Option<TokenStream>)>,
}

/// The tokens of a client method.
pub(crate) fn client_method_tokens(plan: &MethodPlan) -> TokenStream {
    let MethodPlan {
        docs,
        name,
        lifetime,
        self_ref,
        ret,
        builder,
        ..
    } = plan;
    let deprecated = plan.deprecated.then(|| quote! { #[deprecated] });
    let args = plan.args.iter().map(|(name, ty)| quote! { #name: #ty });
    let inits = plan.inits.iter().map(|(field, value)| match value {
        Some(value) => quote! { #field: #value },
        None => quote! { #field },
    });
    quote! {
        #(#[doc = #docs])*
        #deprecated
        pub fn #name #lifetime (#self_ref, #(#args),*) -> #ret {
            #builder {
                client: self,
                #(#inits,)*
            }
        }
    }
}

/// The [`MethodPlan`] of `op`'s client method.
pub(crate) fn client_method(op: &Operation, types: &TokenStream) -> MethodPlan {
    let method = ident(&op.method_name);
    let builder = format_ident!("{}", op.builder_name);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for p in op.parameters.iter().filter(|p| p.required) {
        let name = ident(&p.rust_name);
        let (input, _) = argument(&p.ty, types);
        args.push((name.clone(), input));
        inits.push(match p.ty {
            TypeRef::String => (name.clone(), Some(quote! { #name.into() })),
            _ => (name, None),
        });
    }
    for p in op.parameters.iter().filter(|p| !p.required) {
        inits.push((ident(&p.rust_name), Some(quote! { None })));
    }
    if op.selection.is_some() {
        inits.push((
            format_ident!("_output"),
            Some(quote! { std::marker::PhantomData }),
        ));
    }
    if let Some(body) = &op.body {
        let ty = body_type(body, types);
        if body.required {
            args.push((format_ident!("body"), quote! { &'a #ty }));
            inits.push((format_ident!("body"), Some(quote! { Some(body) })));
        } else {
            inits.push((format_ident!("body"), Some(quote! { None })));
        }
    }
    let lifetime = if has_lifetime_body(op) {
        quote! { <'a> }
    } else {
        quote! {}
    };
    let self_ref = if has_lifetime_body(op) {
        quote! { &'a self }
    } else {
        quote! { &self }
    };
    let ret = if has_lifetime_body(op) {
        quote! { #builder<'a> }
    } else {
        quote! { #builder<'_> }
    };
    let route = format!("`{} {}`", op.method.as_str(), op.path);
    let mut arg_docs = Vec::new();
    for p in op.parameters.iter().filter(|p| p.required) {
        let description = p
            .docs
            .description
            .as_deref()
            .unwrap_or("")
            .trim()
            .replace('\n', " ");
        arg_docs.push(format!(
            "- `{}`: {}",
            crate::naming::unraw(&p.rust_name),
            if description.is_empty() {
                format!("the `{}` {}", p.wire_name, location_word(p.location))
            } else {
                description
            }
        ));
    }
    let mut multipart_parts = None;
    if let Some(crate::ir::RequestBody {
        encoding: BodyEncoding::Multipart { fields },
        ..
    }) = &op.body
    {
        let lines: Vec<String> = fields
            .iter()
            .map(|f| {
                let kind = if f.binary { "a file" } else { "text" };
                let required = if f.required { ", required" } else { "" };
                let description = f
                    .description
                    .as_deref()
                    .map(|d| format!(": {}", d.trim().replace('\n', " ")))
                    .unwrap_or_default();
                format!("- `{}` ({kind}{required}){description}", f.name)
            })
            .collect();
        arg_docs.push(
            "- `body`: a [`Multipart`](crate::Multipart) body, with the parts below".to_owned(),
        );
        multipart_parts = Some(format!("# Parts\n\n{}", lines.join("\n")));
    }
    if let Some(body) = op
        .body
        .as_ref()
        .filter(|b| b.required && !matches!(b.encoding, BodyEncoding::Multipart { .. }))
    {
        let description = body
            .docs
            .description
            .as_deref()
            .unwrap_or("the request body")
            .trim()
            .replace('\n', " ");
        arg_docs.push(format!("- `body`: {description}"));
    }
    let mut extra = vec![route];
    if !arg_docs.is_empty() {
        extra.push(format!("# Arguments\n\n{}", arg_docs.join("\n")));
    }
    if let Some(parts) = multipart_parts {
        extra.push(parts);
    }
    extra.push(format!(
        "Returns a [`{}`] builder: set optional parameters on it, then `.await` it.",
        op.builder_name
    ));
    MethodPlan {
        docs: item_doc_lines(
            &op.docs,
            &format!("Sends `{} {}`.", op.method.as_str(), op.path),
            &extra,
        ),
        deprecated: op.docs.deprecated,
        name: method,
        lifetime,
        self_ref,
        args,
        ret,
        builder,
        inits,
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

/// The `send` / `send_with_response` impl and the `IntoFuture` impl of a
/// builder: one shape for every operation, so written as text where it can
/// be (see `text`).
pub(crate) struct SendPlan {
    /// `impl<'a>`, or with the output parameter `impl<'a, T: …>`.
    pub(crate) generics: TokenStream,
    /// The builder type, `Name<'a>` or `Name<'a, T>`.
    pub(crate) self_ty: TokenStream,
    /// What `send` resolves to.
    pub(crate) output: TokenStream,
    /// The runtime's send function (`send_json`, …).
    pub(crate) send: syn::Ident,
    /// The doc lines of `send`.
    pub(crate) docs: Vec<String>,
}

/// The [`SendPlan`] of `op`'s builder.
pub(crate) fn send_plan(op: &Operation, types: &TokenStream) -> SendPlan {
    let name = format_ident!("{}", op.builder_name);
    // A builder with a selection parameter is generic over what it decodes
    // into: the full type, or the partial one after `select`.
    let (generics, self_ty, output) = match op.selection {
        None => (
            quote! { impl<'a> },
            quote! { #name<'a> },
            success_type(op, types),
        ),
        Some(_) => (
            quote! { impl<'a, T: serde::de::DeserializeOwned + Send + 'a> },
            quote! { #name<'a, T> },
            quote! { T },
        ),
    };
    let send = match (&op.success.ty, op.success.raw) {
        (Some(_), _) if op.success.may_be_empty => format_ident!("send_json_or_empty"),
        (Some(_), _) => format_ident!("send_json"),
        (None, Some(RawBody::Text)) => format_ident!("send_text"),
        (None, Some(RawBody::Bytes)) => format_ident!("send_bytes"),
        (None, None) => format_ident!("send_empty"),
    };
    let returns = match &op.success.description {
        Some(d) if !d.trim().is_empty() => format!("On success: {}", d.trim()),
        _ => "Sends the request.".to_owned(),
    };
    SendPlan {
        generics,
        self_ty,
        output,
        send,
        docs: doc_lines([
            "Sends the request and decodes the response.",
            returns.as_str(),
            "# Errors\n\n[`Error::Api`] for an error status (its body decoded as the spec documents it), \
             and the other [`Error`] variants for transport, timeout and decoding failures.",
        ]),
    }
}

/// The doc lines of `send_with_response`.
pub(crate) const SEND_WITH_RESPONSE_DOCS: [&str; 6] = [
    " Like [`send`](Self::send), but also returns the status, the headers and",
    " the rate-limit state of the response.",
    "",
    " # Errors",
    "",
    " As [`send`](Self::send).",
];

/// The tokens of the `send` impl.
pub(crate) fn send_impl(plan: &SendPlan) -> TokenStream {
    let SendPlan {
        generics,
        self_ty,
        output,
        send,
        docs,
    } = plan;
    let more = SEND_WITH_RESPONSE_DOCS;
    quote! {
        #generics #self_ty {
            #(#[doc = #docs])*
            pub fn send(self) -> ResponseFuture<'a, #output> {
                Box::pin(crate::client::value(self.client.#send(self.request())))
            }

            #(#[doc = #more])*
            pub fn send_with_response(self) -> ResponseFuture<'a, Response<#output>> {
                Box::pin(self.client.#send(self.request()))
            }
        }
    }
}

/// The tokens of the `IntoFuture` impl.
pub(crate) fn into_future_impl(plan: &SendPlan) -> TokenStream {
    let SendPlan {
        generics,
        self_ty,
        output,
        ..
    } = plan;
    quote! {
        #generics IntoFuture for #self_ty {
            type Output = Result<#output, Error>;
            type IntoFuture = ResponseFuture<'a, #output>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    }
}

/// The struct of a request builder.
pub(crate) struct BuilderStruct {
    pub(crate) docs: Vec<String>,
    pub(crate) name: syn::Ident,
    /// `<'a>`, or `<'a, T = Output>` for a builder generic over its output.
    pub(crate) generics: TokenStream,
    /// `(name, type)`: the client, the parameters, the body, the output
    /// marker.
    pub(crate) fields: Vec<(syn::Ident, TokenStream)>,
}

/// The tokens of a builder's struct.
pub(crate) fn builder_struct(shape: &BuilderStruct) -> TokenStream {
    let BuilderStruct {
        docs,
        name,
        generics,
        ..
    } = shape;
    let fields = shape.fields.iter().map(|(name, ty)| quote! { #name: #ty, });
    quote! {
        #(#[doc = #docs])*
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #name #generics {
            #(#fields)*
        }
    }
}

/// The builder of `op`: its struct, its setters and `request`, its `send`
/// methods, its pagination and its `IntoFuture`.
/// The [`BuilderStruct`] of `op`'s builder.
pub(crate) fn builder_shape(op: &Operation, types: &TokenStream) -> BuilderStruct {
    let name = format_ident!("{}", op.builder_name);
    let mut fields = vec![(format_ident!("client"), quote! { &'a Client })];
    for p in &op.parameters {
        let stored = argument(&p.ty, types).1;
        let ty = if p.required {
            stored
        } else {
            quote! { Option<#stored> }
        };
        fields.push((ident(&p.rust_name), ty));
    }
    if let Some(body) = &op.body {
        let body_ty = body_type(body, types);
        fields.push((format_ident!("body"), quote! { Option<&'a #body_ty> }));
    }
    // A builder with a selection parameter is generic over what it decodes
    // into: the full type, or the partial one after `select`.
    let generics = match op.selection {
        None => quote! { <'a> },
        Some(_) => {
            let output = success_type(op, types);
            fields.push((
                format_ident!("_output"),
                quote! { std::marker::PhantomData<fn() -> T> },
            ));
            quote! { <'a, T = #output> }
        }
    };
    let doc = format!(
        " Request builder for [`Client::{}`]: `{} {}`.",
        crate::naming::unraw(&op.method_name),
        op.method.as_str(),
        op.path
    );
    BuilderStruct {
        docs: vec![
            doc,
            String::new(),
            " Set optional parameters with its methods, then `.await` it.".to_owned(),
        ],
        name,
        generics,
        fields,
    }
}

fn builder(op: &Operation, types: &TokenStream, decoder: &syn::Ident) -> Code {
    let name = format_ident!("{}", op.builder_name);
    let mut setters = Vec::new();
    let selection = op.selection.as_ref();
    for (index, p) in op.parameters.iter().enumerate() {
        let field = ident(&p.rust_name);
        // The selection parameter is set through `select`, which also
        // switches the output to the partial type: a raw string setter
        // would let a partial response meet the full type.
        if !p.required && selection.is_none_or(|s| s.parameter != index) {
            let input = setter_input(&p.ty, types);
            let value = match p.ty {
                TypeRef::String => quote! { value.into() },
                _ => quote! { value },
            };
            let docs = item_docs(
                &p.docs,
                &format!("Sets the `{}` {}.", p.wire_name, location_word(p.location)),
                &[format!(
                    "Sent as the `{}` {}.",
                    p.wire_name,
                    location_word(p.location)
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
    }
    if let Some(body) = &op.body {
        let body_ty = body_type(body, types);
        if !body.required {
            setters.push(quote! {
                #[doc = " Sets the request body."]
                pub fn body(mut self, body: &'a #body_ty) -> Self {
                    self.body = Some(body);
                    self
                }
            });
        }
    }

    // The path parameters in template order; the runtime puts each,
    // percent-encoded, in the place of the next `{name}` of the route.
    let path_values = op.path_parts.iter().filter_map(|part| match part {
        PathPart::Literal(_) => None,
        PathPart::Parameter(i) => {
            let field = ident(&op.parameters[*i].rust_name);
            Some(quote! { &self.#field })
        }
    });
    let path = quote! { &[#(#path_values),*] };
    let method = format_ident!("{}", op.method.as_str());
    let mut fill = Vec::new();
    for p in &op.parameters {
        let field = ident(&p.rust_name);
        let wire = &p.wire_name;
        let value = if p.required {
            quote! { Some(&self.#field) }
        } else {
            quote! { self.#field.as_ref() }
        };
        match (p.location, &p.ty) {
            (ParameterLocation::Path, _) => {}
            (ParameterLocation::Query, _) if p.style == QueryStyle::DeepObject => {
                fill.push(quote! { request.query_deep(#wire, #value)?; })
            }
            (ParameterLocation::Query, TypeRef::Array(_)) => match p.style {
                QueryStyle::Joined(separator) => {
                    let separator = separator.to_string();
                    fill.push(quote! { request.query_joined(#wire, #value, #separator); })
                }
                _ => fill.push(quote! { request.query_each(#wire, #value); }),
            },
            (ParameterLocation::Query, _) => fill.push(quote! { request.query(#wire, #value); }),
            (ParameterLocation::Header, _) => fill.push(quote! { request.header(#wire, #value); }),
            (ParameterLocation::Cookie, _) => fill.push(quote! { request.cookie(#wire, #value); }),
        }
    }
    if let Some(body) = &op.body {
        let media = &body.media_type;
        fill.push(match &body.encoding {
            BodyEncoding::Json => quote! {
                if let Some(body) = self.body {
                    request.json(#media, body)?;
                }
            },
            BodyEncoding::Form { deep_object } => quote! {
                if let Some(body) = self.body {
                    request.form(#media, body, &[#(#deep_object),*])?;
                }
            },
            BodyEncoding::Raw(RawBody::Text) => quote! {
                if let Some(body) = self.body {
                    request.raw(#media, body.as_bytes().to_vec());
                }
            },
            BodyEncoding::Raw(RawBody::Bytes) => quote! {
                if let Some(body) = self.body {
                    request.raw(#media, body.to_vec());
                }
            },
            BodyEncoding::Multipart { .. } => quote! {
                if let Some(body) = self.body {
                    request.multipart(body);
                }
            },
        });
    }
    let route = format!("{} {}", op.method.as_str(), op.path);
    let full_self = quote! { #name<'a> };
    let (setters_generics, self_ty) = match selection {
        None => (quote! { impl<'a> }, quote! { #name<'a> }),
        Some(_) => (quote! { impl<'a, T> }, quote! { #name<'a, T> }),
    };
    let select = selection.map(|sel| {
        let selected = ident(&op.parameters[sel.parameter].rust_name);
        let field_enum = format_ident!("{}", sel.field_enum);
        let partial = type_tokens(&sel.partial_success, types);
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
            pub fn select(self, fields: impl IntoIterator<Item = #types #field_enum>) -> #name<'a, #partial> {
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
    let paginate = op.pagination.as_ref().map(|p| {
        let full = paginate(
            op,
            p,
            &full_self,
            &success_type(op, types),
            &type_tokens(&p.item_type, types),
        );
        let partial = selection.map(|sel| {
            let page = type_tokens(&sel.partial_success, types);
            let item = type_tokens(sel.partial_item.as_ref().unwrap_or(&p.item_type), types);
            paginate(op, p, &quote! { #name<'a, #page> }, &page, &item)
        });
        quote! { #full #partial }
    });
    let mutable = if fill.is_empty() {
        quote! {}
    } else {
        quote! { mut }
    };
    let plan = send_plan(op, types);
    let mut code = Code::default();
    let shape = builder_shape(op, types);
    // Written as text when it can be (see `text`).
    code.text_or_tokens(text::builder_struct(&shape), || builder_struct(&shape));
    code.tokens(quote! {
        #setters_generics #self_ty {
            #(#setters)*
            #select

            fn request(&self) -> Result<Request, Error> {
                let #mutable request = Request::new(#route, reqwest::Method::#method, #path, #decoder)?;
                #(#fill)*
                Ok(request)
            }
        }
    });
    // Written as text when it can be (see `text`): the same characters,
    // without parsing and printing them.
    code.text_or_tokens(text::send_impl(&plan), || send_impl(&plan));
    if let Some(paginate) = paginate {
        code.tokens(paginate);
    }
    code.text_or_tokens(text::into_future_impl(&plan), || into_future_impl(&plan));
    code
}

/// The error decoders, one per distinct table of error responses: their
/// names, their tables, and which one each operation uses.
struct Decoders {
    names: Vec<String>,
    tables: Vec<Vec<(StatusMatch, usize)>>,
    of_operation: std::collections::HashMap<String, usize>,
}

fn error_decoders(api: &Api) -> Decoders {
    let mut decoders = Decoders {
        names: Vec::new(),
        tables: Vec::new(),
        of_operation: Default::default(),
    };
    for op in &api.operations {
        let table: Vec<(StatusMatch, usize)> = op
            .errors
            .iter()
            .filter_map(|e: &ErrorResponse| e.variant.map(|v| (e.status, v)))
            .collect();
        let index = match decoders.tables.iter().position(|t| *t == table) {
            Some(i) => i,
            None => {
                decoders
                    .names
                    .push(format!("{}_error", crate::naming::unraw(&op.method_name)));
                decoders.tables.push(table);
                decoders.tables.len() - 1
            }
        };
        decoders.of_operation.insert(op.method_name.clone(), index);
    }
    decoders
}

fn decoder_fn(api: &Api, name: &syn::Ident, table: &[(StatusMatch, usize)]) -> TokenStream {
    // Exact codes first, then classes, then `default`, as OpenAPI ranks them.
    let mut rows: Vec<&(StatusMatch, usize)> = table.iter().collect();
    rows.sort_by_key(|(status, _)| match status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Class(_) => 1,
        StatusMatch::Default => 2,
    });
    let mut arms: Vec<(Vec<TokenStream>, usize)> = Vec::new();
    let mut default = None;
    for (status, variant) in rows {
        let pattern = match status {
            StatusMatch::Code(code) => {
                let code = proc_macro2::Literal::u16_unsuffixed(*code);
                quote! { #code }
            }
            StatusMatch::Class(class) => {
                let low = proc_macro2::Literal::u16_unsuffixed(class * 100);
                let high = proc_macro2::Literal::u16_unsuffixed(class * 100 + 99);
                quote! { #low..=#high }
            }
            StatusMatch::Default => {
                default = Some(*variant);
                continue;
            }
        };
        match arms.iter_mut().find(|(_, v)| v == variant) {
            Some((patterns, _)) => patterns.push(pattern),
            None => arms.push((vec![pattern], *variant)),
        }
    }
    let arms: Vec<TokenStream> = arms
        .into_iter()
        .map(|(patterns, variant)| {
            let v = ident(&api.error_bodies[variant].rust_name);
            quote! { #(#patterns)|* => serde_json::from_slice(body).ok().map(ErrorBody::#v), }
        })
        .collect();
    let fallback = match default {
        Some(variant) => {
            let v = ident(&api.error_bodies[variant].rust_name);
            quote! { _ => serde_json::from_slice(body).ok().map(ErrorBody::#v), }
        }
        None => quote! { _ => None, },
    };
    let only_default = arms.is_empty() && default.is_some();
    let status = if table.is_empty() || only_default {
        quote! { _status }
    } else {
        quote! { status }
    };
    let body = if table.is_empty() {
        quote! { _body }
    } else {
        quote! { body }
    };
    let inner = if table.is_empty() {
        quote! { None }
    } else if only_default {
        let v = ident(&api.error_bodies[default.expect("checked above")].rust_name);
        quote! { serde_json::from_slice(body).ok().map(ErrorBody::#v) }
    } else {
        quote! {
            match status {
                #(#arms)*
                #fallback
            }
        }
    };
    quote! {
        fn #name(#status: u16, #body: &[u8]) -> Option<ErrorBody> {
            #inner
        }
    }
}

/// `page.<field>` as an `Option<&T>`, whatever the field's presence.
fn page_field(field: &PageField) -> TokenStream {
    let name = ident(&field.rust_name);
    match field.presence {
        Presence::Required => quote! { Some(&page.#name) },
        Presence::RequiredNullable | Presence::Optional => quote! { page.#name.as_ref() },
        Presence::OptionalNullable => quote! { page.#name.as_ref().and_then(Option::as_ref) },
    }
}

/// The `Paginate` impl and the `pages` / `items` streams of a builder.
fn paginate(
    op: &Operation,
    pagination: &Pagination,
    builder: &TokenStream,
    page: &TokenStream,
    item: &TokenStream,
) -> TokenStream {
    let items_field = ident(&pagination.items.rust_name);
    let into_items = match pagination.items.presence {
        Presence::Required => quote! { page.#items_field },
        Presence::RequiredNullable | Presence::Optional => {
            quote! { page.#items_field.unwrap_or_default() }
        }
        Presence::OptionalNullable => quote! { page.#items_field.flatten().unwrap_or_default() },
    };
    let count = match pagination.items.presence {
        Presence::Required => quote! { page.#items_field.len() },
        _ => {
            let field = page_field(&pagination.items);
            quote! { #field.map_or(0, Vec::len) }
        }
    };
    let next = match &pagination.style {
        PaginationStyle::Offset {
            skip,
            skip_type,
            has_more,
        } => {
            let skip_param = &op.parameters[*skip];
            let skip_name = ident(&skip_param.rust_name);
            // The skip parameter is an integer, never a named type.
            let skip_ty = type_tokens(skip_type, &TokenStream::new());
            let has_more = match has_more.presence {
                Presence::Required => {
                    let name = ident(&has_more.rust_name);
                    quote! { page.#name }
                }
                _ => {
                    let field = page_field(has_more);
                    quote! { #field.copied().unwrap_or(false) }
                }
            };
            let current = if skip_param.required {
                quote! { self.#skip_name }
            } else {
                quote! { self.#skip_name.unwrap_or(0) }
            };
            let set = if skip_param.required {
                quote! { next.#skip_name = #current + count as #skip_ty; }
            } else {
                quote! { next.#skip_name = Some(#current + count as #skip_ty); }
            };
            quote! {
                let count = #count;
                // An empty page ends the walk even if the server claims more,
                // so a misbehaving server cannot make the stream loop forever.
                if !#has_more || count == 0 {
                    return None;
                }
                let mut next = self.clone();
                #set
                Some(next)
            }
        }
        PaginationStyle::Cursor {
            cursor,
            next_cursor,
        } => {
            let cursor_param = &op.parameters[*cursor];
            let cursor_name = ident(&cursor_param.rust_name);
            let next_cursor = page_field(next_cursor);
            let current = if cursor_param.required {
                quote! { Some(&self.#cursor_name) }
            } else {
                quote! { self.#cursor_name.as_ref() }
            };
            let set = if cursor_param.required {
                quote! { next.#cursor_name = cursor.clone(); }
            } else {
                quote! { next.#cursor_name = Some(cursor.clone()); }
            };
            quote! {
                // A repeated cursor would fetch the same page forever.
                let cursor = #next_cursor.filter(|c| !c.is_empty() && Some(*c) != #current)?;
                let mut next = self.clone();
                #set
                Some(next)
            }
        }
    };
    let route = format!("{} {}", op.method.as_str(), op.path);
    let pages_doc = format!(" Every page of `{route}`, starting with this request's; the next page is fetched only when the stream is read past the current one. An error ends the stream after it is yielded.");
    let items_doc = " Every item of every page, fetched lazily a page at a time; `.take(n)` stops after `n` items without fetching further pages.";
    quote! {
        impl<'a> crate::pagination::Paginate<'a> for #builder {
            type Page = #page;
            type Item = #item;

            fn fetch(self) -> ResponseFuture<'a, Self::Page> {
                self.send()
            }

            fn next_page(&self, page: &Self::Page) -> Option<Self> {
                #next
            }

            fn into_items(page: Self::Page) -> Vec<Self::Item> {
                #into_items
            }
        }

        impl<'a> #builder {
            #[doc = #pages_doc]
            pub fn pages(self) -> crate::BoxStream<'a, Result<#page, Error>> {
                crate::pagination::pages(self)
            }

            #[doc = #items_doc]
            pub fn items(self) -> crate::BoxStream<'a, Result<#item, Error>> {
                crate::pagination::items(self)
            }
        }
    }
}
