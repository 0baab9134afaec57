//! Turns an OpenAPI document into the [`Api`] IR: every Rust name chosen,
//! every `$ref` resolved, every unsupported construct reported.
//!
//! No token streams are built here; `emit` does that from the IR alone.

mod cycles;
mod extensions;
mod operations;
mod refs;
mod types;

use std::collections::HashMap;

use openapiv3::{OpenAPI, ReferenceOr, SecurityScheme};

use crate::diagnostics::{pointer_join, Diagnostic, Diagnostics};
use crate::ir::{Api, AuthScheme, TypeDef};
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
    /// Pointers of the schemas being defined, outermost first: an inline
    /// schema met again while it is being defined contains itself.
    defining: Vec<String>,
}

/// Lowers `doc` into the IR, or returns every problem found.
///
/// Warnings are returned alongside the IR when there is no error.
pub fn lower(doc: &OpenAPI, options: &Options) -> Result<(Api, Diagnostics), Diagnostics> {
    let mut lowerer = Lowerer {
        doc,
        diagnostics: Diagnostics::default(),
        types: Vec::new(),
        type_names: Namespace::default(),
        component_names: HashMap::new(),
        defining: Vec::new(),
    };
    lowerer.name_components();
    lowerer.lower_components();
    let mut operations = lowerer.lower_operations();
    let error_bodies = types::error_body_variants(&mut operations);
    let auth = lowerer.lower_security();
    cycles::box_cycles(&mut lowerer.types);

    let crate_name = options
        .crate_name
        .clone()
        .unwrap_or_else(|| naming::crate_name(&doc.info.title));
    let api = Api {
        title: doc.info.title.clone(),
        description: doc.info.description.clone(),
        api_version: doc.info.version.clone(),
        lib_name: naming::lib_name(&crate_name),
        crate_name,
        spec_file: options.spec_file.clone(),
        base_url: doc
            .servers
            .first()
            .map(|s| s.url.trim_end_matches('/').to_owned()),
        auth,
        types: lowerer.types,
        operations,
        error_bodies,
    };
    if lowerer.diagnostics.has_errors() {
        Err(lowerer.diagnostics)
    } else {
        Ok((api, lowerer.diagnostics))
    }
}

impl Lowerer<'_> {
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
            let ReferenceOr::Item(scheme) = scheme else {
                self.warning(
                    &pointer,
                    "a `$ref` security scheme is not supported; it is ignored",
                );
                continue;
            };
            match scheme {
                SecurityScheme::HTTP {
                    scheme,
                    description,
                    ..
                } if scheme.eq_ignore_ascii_case("basic") => schemes.push(AuthScheme::Basic {
                    name: name.to_owned(),
                    description: description.clone(),
                }),
                SecurityScheme::HTTP {
                    scheme,
                    description,
                    ..
                } if scheme.eq_ignore_ascii_case("bearer") => schemes.push(AuthScheme::Bearer {
                    name: name.to_owned(),
                    description: description.clone(),
                }),
                _ => self.warning(
                    &pointer,
                    format!(
                        "security scheme `{name}` is not supported yet; the client does not set it \
                         (add the credential with `ClientBuilder::default_header`)"
                    ),
                ),
            }
        }
        schemes
    }
}
