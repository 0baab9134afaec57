//! Turns an OpenAPI document into the [`Api`] IR: every Rust name chosen,
//! every `$ref` resolved, every unsupported construct reported.
//!
//! No token streams are built here; `emit` does that from the IR alone.

mod cycles;
mod errors;
mod examples;
mod extensions;
mod operations;
mod refs;
mod runtime;
mod security;
mod servers;
mod setters;
mod types;

/// Read by loading too, which follows the schema it names into other files.
pub(crate) use extensions::FIELD_SELECTION;

use std::collections::HashMap;

use openapiv3::{OpenAPI, ReferenceOr, SecurityScheme};

use crate::load::Refs;

use crate::diagnostics::{pointer_join, Diagnostic, Diagnostics};
use crate::ir::{Api, ApiKeyLocation, AuthScheme, TypeDef, TypeRef};
use crate::naming::{self, Namespace};
use crate::Options;

/// The state of one lowering run.
pub(crate) struct Lowerer<'a> {
    doc: &'a OpenAPI,
    diagnostics: Diagnostics,
    /// Named types made so far, in the order they were made.
    types: Vec<TypeDef>,
    /// Every type name handed out in the crate's `types` module.
    type_names: Namespace,
    /// Component schema key → its Rust type name.
    component_names: HashMap<String, String>,
    /// Every `x-custom-field-prefix` met, with where.
    custom_prefixes: Vec<(String, String)>,
    /// Selectable type name → (its partial type, its field enum).
    selectable: HashMap<String, (String, String)>,
    /// Type name → its partial counterpart, for envelopes of selectable types.
    partials: HashMap<String, String>,
    /// Pointers of the schemas being defined, outermost first: an inline
    /// schema met again while it is being defined contains itself.
    defining: Vec<String>,
    /// What loading knows of the references it followed.
    refs: &'a Refs,
    /// The servers operations are sent to instead of the base URL.
    servers: Vec<crate::ir::Server>,
    /// The security schemes the client supports, made before operations
    /// name them.
    auth: Vec<AuthScheme>,
    /// The spec's examples met so far, checked once every type is lowered.
    examples: Vec<examples::Noted>,
}

/// Lowers `doc` into the IR, or returns every problem found.
///
/// Warnings are returned alongside the IR when there is no error.
pub fn lower(doc: &OpenAPI, options: &Options) -> Result<(Api, Diagnostics), Diagnostics> {
    lower_loaded(doc, &Refs::default(), options)
}

/// [`lower`] for a document as [`crate::load`] left it: `refs` says why
/// each `$ref` it could not follow cannot (for the error where lowering
/// meets it) and which components it made.
pub fn lower_loaded(
    doc: &OpenAPI,
    refs: &Refs,
    options: &Options,
) -> Result<(Api, Diagnostics), Diagnostics> {
    let mut lowerer = Lowerer {
        doc,
        diagnostics: Diagnostics::default(),
        types: Vec::new(),
        type_names: Namespace::default(),
        component_names: HashMap::new(),
        custom_prefixes: Vec::new(),
        selectable: HashMap::new(),
        partials: HashMap::new(),
        defining: Vec::new(),
        refs,
        servers: Vec::new(),
        auth: Vec::new(),
        examples: Vec::new(),
    };
    lowerer.name_components();
    lowerer.lower_components();
    lowerer.auth = lowerer.lower_security();
    let mut operations = lowerer.lower_operations();
    security::settle(&mut operations);
    let error_bodies = errors::error_body_variants(&mut operations);
    let error_decoders = errors::error_decoders(&mut operations, &error_bodies);
    let rate_limit_reset_body = lowerer.rate_limit_reset_body(&operations);
    cycles::box_cycles(&mut lowerer.types);
    setters::name_setters(&mut lowerer.types);
    let custom_field_prefix = lowerer.single_custom_prefix();
    let base_url = lowerer.base_url();
    let examples = lowerer.check_examples(custom_field_prefix.as_deref());

    let crate_name = options
        .crate_name
        .clone()
        .unwrap_or_else(|| naming::crate_name(&doc.info.title));
    let mut api = Api {
        title: doc.info.title.clone(),
        description: doc.info.description.clone(),
        api_version: doc.info.version.clone(),
        lib_name: naming::lib_name(&crate_name),
        crate_name,
        spec_file: options.spec_file.clone(),
        crate_version: "0.1.0".to_owned(),
        base_url,
        auth: lowerer.auth,
        types: lowerer.types,
        operations,
        custom_field_prefix,
        error_bodies,
        error_decoders,
        rate_limit_reset_body,
        servers: lowerer.servers,
        runtime: Default::default(),
        examples,
    };
    api.runtime = runtime::needs(&api);
    if lowerer.diagnostics.has_errors() {
        Err(lowerer.diagnostics)
    } else {
        Ok((api, lowerer.diagnostics))
    }
}

impl Lowerer<'_> {
    /// The one custom-field prefix of the spec. The generated crate reads
    /// custom fields with one prefix, so a second one is an error.
    fn single_custom_prefix(&mut self) -> Option<String> {
        let (first, first_at) = self.custom_prefixes.first().cloned()?;
        let others: Vec<(String, String)> = self
            .custom_prefixes
            .iter()
            .filter(|(p, _)| *p != first)
            .cloned()
            .collect();
        for (other, at) in others {
            self.diagnostics.push(
                Diagnostic::error(
                    pointer_join(&at, extensions::CUSTOM_FIELD_PREFIX),
                    format!("this schema's custom-field prefix is `{other}`, but {first_at} uses `{first}`"),
                )
                .with_hint("one custom-field prefix per spec is supported; use the same prefix everywhere"),
            );
        }
        Some(first)
    }

    /// The client's default base URL: the first server's URL with its
    /// variables at their defaults, when the client can send requests there
    /// (see [`Self::server_url`]). Otherwise there is none, said in a
    /// warning, and the client needs `ClientBuilder::base_url` (`Client::new`
    /// returns the error that says so, never panics).
    fn base_url(&mut self) -> Option<String> {
        let server = self.doc.servers.first()?;
        self.server_url(
            server,
            "#/servers/0/url",
            "the client has no default base URL (set one with `ClientBuilder::base_url`)",
        )
    }

    /// What an operation's extension checks reported since `checks` follows
    /// from an error they could not see past: the first one in the
    /// operation since `mark`, else the first one inside a type its
    /// parameters or success response are made of (a dangling `$ref` in a
    /// component turns a field into any JSON value, and `x-field-selection`
    /// no longer finds its type).
    pub(crate) fn attribute_checks(
        &mut self,
        mark: usize,
        checks: usize,
        parameters: &[crate::ir::Parameter],
        success: &crate::ir::SuccessResponse,
    ) {
        if self.diagnostics.mark() == checks {
            return;
        }
        if let Some(cause) = self.diagnostics.first_error(mark..checks, |_| true) {
            self.diagnostics.attribute_to(&cause, checks);
            return;
        }
        let roots = parameters.iter().map(|p| &p.ty).chain(success.ty.as_ref());
        let places = self.type_pointers(roots);
        let inside = |pointer: &str| {
            places.iter().any(|place| {
                pointer
                    .strip_prefix(place.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
        };
        if let Some(cause) = self.diagnostics.first_error(0..checks, inside) {
            self.diagnostics.attribute_to(&cause, checks);
        }
    }

    /// The pointers of the named types `roots` are made of, through fields,
    /// variants, aliases, lists and maps.
    fn type_pointers<'t>(&self, roots: impl Iterator<Item = &'t TypeRef>) -> Vec<String> {
        use crate::ir::{ExtraFields, TypeKind};
        let mut pending: Vec<TypeRef> = roots.cloned().collect();
        let mut seen: Vec<String> = Vec::new();
        let mut pointers = Vec::new();
        while let Some(ty) = pending.pop() {
            let name = match ty {
                TypeRef::Named(name) => name,
                TypeRef::Array(inner) | TypeRef::Map(inner) => {
                    pending.push(*inner);
                    continue;
                }
                _ => continue,
            };
            if seen.contains(&name) {
                continue;
            }
            seen.push(name.clone());
            let Some(def) = self.types.iter().find(|t| t.name == name) else {
                continue;
            };
            pointers.push(def.pointer.clone());
            match &def.kind {
                TypeKind::Struct(s) => {
                    pending.extend(s.fields.iter().map(|f| f.ty.clone()));
                    if let ExtraFields::Typed(ty) = &s.extra {
                        pending.push(ty.clone());
                    }
                }
                TypeKind::Union(u) => pending.extend(u.variants.iter().map(|v| v.ty.clone())),
                TypeKind::Alias(ty) => pending.push(ty.clone()),
                TypeKind::Enum(_) | TypeKind::FieldEnum(_) => {}
            }
        }
        pointers
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(pointer, message));
    }

    fn warning(&mut self, pointer: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::warning(pointer, message));
    }

    /// Maps the security schemes to client authentication, in the order of the
    /// top-level `security` requirement, then the remaining schemes.
    fn lower_security(&mut self) -> Vec<AuthScheme> {
        let Some(components) = &self.doc.components else {
            return Vec::new();
        };
        let mut order: Vec<&str> = Vec::new();
        for requirement in self.doc.security.iter().flatten() {
            for name in requirement.keys() {
                if !order.contains(&name.as_str()) {
                    order.push(name);
                }
            }
        }
        for name in components.security_schemes.keys() {
            if !order.contains(&name.as_str()) {
                order.push(name);
            }
        }
        let mut schemes = Vec::new();
        for name in order {
            let pointer = pointer_join("#/components/securitySchemes", name);
            let Some(scheme) = components.security_schemes.get(name) else {
                self.error(
                    "#/security",
                    format!("the security requirement names `{name}`, which is not in `components.securitySchemes`"),
                );
                continue;
            };
            let scheme = match scheme {
                ReferenceOr::Item(scheme) => scheme,
                // Loading copies every security scheme a `$ref` reaches into
                // its place; what is left could not be followed.
                ReferenceOr::Reference { reference } => {
                    let d = refs::ref_error(
                        &pointer,
                        reference,
                        "securitySchemes",
                        &components.security_schemes,
                        &self.refs.unresolved,
                    );
                    self.diagnostics.push(d);
                    continue;
                }
            };
            let description = match scheme {
                SecurityScheme::APIKey { description, .. }
                | SecurityScheme::HTTP { description, .. }
                | SecurityScheme::OAuth2 { description, .. }
                | SecurityScheme::OpenIDConnect { description, .. } => description.clone(),
            };
            match scheme {
                SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => {
                    schemes.push(AuthScheme::Basic { name: name.to_owned(), description })
                }
                SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                    schemes.push(AuthScheme::Bearer { name: name.to_owned(), description })
                }
                // OAuth 2 and OpenID Connect end in an access token sent as a
                // bearer token; getting the token is the caller's business.
                SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => {
                    schemes.push(AuthScheme::Bearer { name: name.to_owned(), description })
                }
                SecurityScheme::APIKey { location, name: parameter, .. } => schemes.push(AuthScheme::ApiKey {
                    name: name.to_owned(),
                    location: match location {
                        openapiv3::APIKeyLocation::Header => ApiKeyLocation::Header,
                        openapiv3::APIKeyLocation::Query => ApiKeyLocation::Query,
                        openapiv3::APIKeyLocation::Cookie => ApiKeyLocation::Cookie,
                    },
                    parameter: parameter.clone(),
                    description,
                }),
                SecurityScheme::HTTP { scheme, .. } => self.warning(
                    &pointer,
                    format!(
                        "HTTP authentication scheme `{scheme}` of `{name}` is not supported; the client does not set it \
                         (add the header with `ClientBuilder::default_header`)"
                    ),
                ),
            }
        }
        schemes
    }
}
