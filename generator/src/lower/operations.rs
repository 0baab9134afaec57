//! Paths and operations → [`Operation`]s with parameters, body and responses.

use openapiv3::{
    Parameter as OaParameter, ParameterSchemaOrContent, PathItem, ReferenceOr, StatusCode,
};

use super::types::SchemaRef;
use super::Lowerer;
use crate::diagnostics::{pointer_join, Diagnostic};
use crate::ir::{
    BodyEncoding, Decoding, Docs, ErrorResponse, Method, Operation, Parameter, ParameterLocation,
    PathPart, QueryStyle, RawBody, RequestBody, StatusMatch, SuccessResponse, TypeRef,
};
use crate::naming::{self, Namespace, Scope};

/// A media type without parameters, in lower case (`Application/JSON;
/// charset=utf-8` → `application/json`).
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// How a media type that is neither JSON nor a form is carried, or `None`
/// for multipart bodies, which need more than one value.
pub(crate) fn raw_kind(media_type: &str) -> Option<RawBody> {
    let essence = essence(media_type);
    if essence.starts_with("multipart/") {
        None
    } else if essence.starts_with("text/")
        || essence.ends_with("+xml")
        || essence == "application/xml"
    {
        Some(RawBody::Text)
    } else {
        Some(RawBody::Bytes)
    }
}

/// Whether a media type is an URL-encoded form.
pub(crate) fn is_form(media_type: &str) -> bool {
    essence(media_type) == "application/x-www-form-urlencoded"
}

/// Whether a media type is a multipart form.
pub(crate) fn is_multipart_form(media_type: &str) -> bool {
    essence(media_type) == "multipart/form-data"
}

/// Whether a media type carries JSON.
pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json" || essence.ends_with("+json")
}

/// A method name from the method and path, for an operation without a
/// usable `operationId` (`GET /lead/{id}/` → `get_lead_id`).
fn derived_method_name(method: Method, path: &str) -> String {
    naming::value_name(&format!(
        "{} {}",
        method.as_str().to_ascii_lowercase(),
        path.replace(['{', '}'], "")
    ))
}

fn methods(item: &PathItem) -> [(Method, Option<&openapiv3::Operation>); 8] {
    [
        (Method::Get, item.get.as_ref()),
        (Method::Put, item.put.as_ref()),
        (Method::Post, item.post.as_ref()),
        (Method::Delete, item.delete.as_ref()),
        (Method::Options, item.options.as_ref()),
        (Method::Head, item.head.as_ref()),
        (Method::Patch, item.patch.as_ref()),
        (Method::Trace, item.trace.as_ref()),
    ]
}

/// Splits `/lead/{id}/` into literal text and parameter names.
fn split_template(path: &str) -> Result<Vec<Result<String, String>>, String> {
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(Ok(rest[..open].to_owned()));
        }
        let Some(close) = rest[open..].find('}') else {
            return Err(format!(
                "the path template `{path}` has a `{{` without a closing `}}`"
            ));
        };
        let name = &rest[open + 1..open + close];
        if name.is_empty() || name.contains('{') {
            return Err(format!(
                "the path template `{path}` has an empty or nested `{{}}`"
            ));
        }
        parts.push(Err(name.to_owned()));
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Ok(rest.to_owned()));
    }
    Ok(parts)
}

impl<'a> Lowerer<'a> {
    pub(crate) fn lower_operations(&mut self) -> Vec<Operation> {
        let doc = self.doc;
        let mut operations = Vec::new();
        let mut method_names = Namespace::reserving(&[Scope::ClientMethod]);
        let mut builder_names = Namespace::default();
        let mut seen_ids: Vec<(String, String)> = Vec::new();
        for (path, item) in doc.paths.iter() {
            let item_pointer = pointer_join("#/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                // Loading copies every path item a `$ref` reaches into its
                // place; what is left could not be followed.
                ReferenceOr::Reference { reference } => {
                    let empty: indexmap::IndexMap<String, ()> = indexmap::IndexMap::new();
                    let d = super::refs::ref_error(
                        &item_pointer,
                        reference,
                        "pathItems",
                        &empty,
                        &self.refs.unresolved,
                    );
                    self.diagnostics.push(d);
                    continue;
                }
            };
            for (method, operation) in methods(item) {
                let Some(operation) = operation else { continue };
                let pointer = pointer_join(&item_pointer, &method.as_str().to_ascii_lowercase());
                let operation_id = match &operation.operation_id {
                    Some(id) if !id.trim().is_empty() => id.clone(),
                    _ => {
                        let derived = derived_method_name(method, path);
                        self.diagnostics.push(
                            Diagnostic::warning(&pointer, format!("the operation has no `operationId`; its method is named `{derived}`"))
                                .with_hint("add an `operationId` so the method name stays stable"),
                        );
                        derived
                    }
                };
                let operation_id = match seen_ids.iter().find(|(id, _)| *id == operation_id) {
                    // A repeated id (real specs reuse `list` and `get` per
                    // resource) gets a name from method and path instead.
                    Some((_, first)) => {
                        let derived = derived_method_name(method, path);
                        self.diagnostics.push(
                            Diagnostic::warning(
                                pointer_join(&pointer, "operationId"),
                                format!("`operationId: {operation_id}` is used twice; this operation's method is named `{derived}`"),
                            )
                            .with_related("first used", first.clone())
                            .with_hint("every operationId should be unique; it names the client method"),
                        );
                        derived
                    }
                    None => operation_id,
                };
                seen_ids.push((operation_id.clone(), pointer.clone()));
                let candidate = naming::value_name(&operation_id);
                let (method_name, changed) = method_names.claim(&candidate);
                if changed {
                    self.warning(&pointer, format!("`operationId: {operation_id}` would be the method `{candidate}`, which is taken; it is `{method_name}`"));
                }
                let (builder_name, _) = builder_names.claim(&naming::type_name(&operation_id));
                if let Some(op) = self.lower_operation(
                    path,
                    item,
                    operation,
                    method,
                    &pointer,
                    operation_id,
                    method_name,
                    builder_name,
                ) {
                    operations.push(op);
                }
            }
        }
        operations
    }

    #[allow(clippy::too_many_arguments)]
    fn lower_operation(
        &mut self,
        path: &str,
        item: &'a PathItem,
        operation: &'a openapiv3::Operation,
        method: Method,
        pointer: &str,
        operation_id: String,
        method_name: String,
        builder_name: String,
    ) -> Option<Operation> {
        let mark = self.diagnostics.mark();
        let errors_before = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .count();
        let mut parameters: Vec<Parameter> = Vec::new();

        // Path-level parameters first, then the operation's, which override
        // one with the same name and location.
        let mut declared: Vec<(&'a OaParameter, String)> = Vec::new();
        let item_pointer = pointer
            .rsplit_once('/')
            .map_or(pointer, |(p, _)| p)
            .to_owned();
        let sources = item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, format!("{item_pointer}/parameters/{i}")))
            .chain(
                operation
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, format!("{pointer}/parameters/{i}"))),
            );
        for (parameter, at) in sources {
            let Some((parameter, at)) =
                self.resolve(parameter, &at, "parameters", |c| &c.parameters)
            else {
                continue;
            };
            let key = |p: &OaParameter| {
                (
                    p.parameter_data_ref().name.clone(),
                    std::mem::discriminant(p),
                )
            };
            declared.retain(|(p, _)| key(p) != key(parameter));
            declared.push((parameter, at));
        }
        // The builder's own methods and fields; a parameter with one of
        // their names gets another.
        let paginated = operation
            .extensions
            .contains_key(super::extensions::PAGINATION);
        let selecting = declared.iter().any(|(p, _)| {
            p.parameter_data_ref()
                .extensions
                .contains_key(super::extensions::FIELD_SELECTION)
        });
        let mut setters = Namespace::reserving(&naming::builder_scopes(paginated, selecting));

        let template = match split_template(path) {
            Ok(t) => t,
            Err(message) => {
                self.error(pointer, message);
                return None;
            }
        };
        // Path parameters in template order become the method's arguments.
        let mut path_parts = Vec::new();
        for part in &template {
            match part {
                Ok(text) => path_parts.push(PathPart::Literal(text.clone())),
                Err(name) => {
                    let found = declared.iter().find(|(p, _)| {
                        matches!(p, OaParameter::Path { .. })
                            && p.parameter_data_ref().name == *name
                    });
                    match found {
                        Some((p, at)) => {
                            let index = parameters.len();
                            if let Some(param) = self.lower_parameter(
                                p,
                                at,
                                ParameterLocation::Path,
                                &builder_name,
                                &mut setters,
                            ) {
                                parameters.push(param);
                                path_parts.push(PathPart::Parameter(index));
                            }
                        }
                        None => {
                            // One sloppy endpoint must not cost the whole
                            // client: the template says the parameter is
                            // there, so take it as a required string.
                            let mut warning = Diagnostic::warning(pointer, format!("the path template uses `{{{name}}}`, but no path parameter `{name}` is declared; the method takes it as a string"))
                                .with_hint(format!("add `- {{name: {name}, in: path, required: true, schema: {{type: string}}}}` to `parameters`"));
                            // A parameter whose `$ref` could not be followed
                            // may well be the one the template names.
                            let unresolved = |at: &str| {
                                [item_pointer.as_str(), pointer].iter().any(|base| {
                                    at.strip_prefix(&format!("{base}/parameters/"))
                                        .is_some_and(|i| i.parse::<usize>().is_ok())
                                })
                            };
                            let here = mark..self.diagnostics.mark();
                            if let Some(cause) = self.diagnostics.first_error(here, unresolved) {
                                warning = warning.caused_by(&cause);
                            }
                            self.diagnostics.push(warning);
                            let (rust_name, _) = setters.claim(&naming::value_name(name));
                            path_parts.push(PathPart::Parameter(parameters.len()));
                            parameters.push(Parameter {
                                rust_name,
                                wire_name: name.clone(),
                                location: ParameterLocation::Path,
                                ty: TypeRef::String,
                                style: QueryStyle::Form,
                                required: true,
                                docs: Docs::default(),
                                pointer: pointer.to_owned(),
                                default: None,
                            });
                        }
                    }
                }
            }
        }
        for (p, at) in &declared {
            let location = match p {
                OaParameter::Path { .. } => {
                    let name = &p.parameter_data_ref().name;
                    if !template.iter().any(|t| t.as_ref().err() == Some(name)) {
                        self.warning(at, format!("path parameter `{name}` is declared but the path `{path}` has no `{{{name}}}`; it is ignored"));
                    }
                    continue;
                }
                OaParameter::Query { .. } => ParameterLocation::Query,
                OaParameter::Header { .. } => ParameterLocation::Header,
                OaParameter::Cookie { .. } => ParameterLocation::Cookie,
            };
            if let Some(param) = self.lower_parameter(p, at, location, &builder_name, &mut setters)
            {
                parameters.push(param);
            }
        }

        let body = match &operation.request_body {
            None => None,
            Some(body) => {
                let at = pointer_join(pointer, "requestBody");
                let (body, at) = self.resolve(body, &at, "requestBodies", |c| &c.request_bodies)?;
                // JSON when the operation takes it, else a form.
                let chosen = body
                    .content
                    .iter()
                    .find(|(media, _)| is_json(media))
                    .map(|(media, content)| (media, content, BodyEncoding::Json))
                    .or_else(|| {
                        body.content.iter().find(|(media, _)| is_form(media)).map(
                            |(media, content)| {
                                let deep_object = content
                                    .encoding
                                    .iter()
                                    .filter(|(_, e)| {
                                        matches!(e.style, Some(openapiv3::QueryStyle::DeepObject))
                                    })
                                    .map(|(name, _)| name.clone())
                                    .collect();
                                (media, content, BodyEncoding::Form { deep_object })
                            },
                        )
                    })
                    .or_else(|| {
                        body.content
                            .iter()
                            .find(|(media, _)| is_multipart_form(media))
                            .map(|(media, content)| {
                                let fields = match &content.schema {
                                    Some(schema) => {
                                        let at = pointer_join(
                                            &pointer_join(&pointer_join(&at, "content"), media),
                                            "schema",
                                        );
                                        self.multipart_fields(SchemaRef::from(schema), &at)
                                    }
                                    None => Vec::new(),
                                };
                                (media, content, BodyEncoding::Multipart { fields })
                            })
                    })
                    .or_else(|| {
                        body.content.iter().find_map(|(media, content)| {
                            Some((media, content, BodyEncoding::Raw(raw_kind(media)?)))
                        })
                    });
                match chosen {
                    Some((media, content, encoding)) => {
                        let ty = match &content.schema {
                            // A raw or multipart body is not a value of its schema's type.
                            _ if matches!(
                                encoding,
                                BodyEncoding::Raw(_) | BodyEncoding::Multipart { .. }
                            ) =>
                            {
                                TypeRef::String
                            }
                            Some(schema) => {
                                let schema_at = pointer_join(
                                    &pointer_join(&pointer_join(&at, "content"), media),
                                    "schema",
                                );
                                self.type_ref(
                                    SchemaRef::from(schema),
                                    &schema_at,
                                    &format!("{builder_name} Body"),
                                )
                                .0
                            }
                            None => TypeRef::Any,
                        };
                        if matches!(encoding, BodyEncoding::Json | BodyEncoding::Form { .. }) {
                            let media_at = pointer_join(&pointer_join(&at, "content"), media);
                            let label = format!("{builder_name} request");
                            self.note_examples(
                                content.example.as_ref(),
                                &content.examples,
                                &media_at,
                                &ty,
                                &label,
                            );
                        }
                        let (_, _) = setters.claim("body");
                        Some(RequestBody {
                            ty,
                            media_type: media.clone(),
                            encoding,
                            required: body.required,
                            docs: Docs {
                                summary: None,
                                description: body.description.clone(),
                                deprecated: false,
                            },
                        })
                    }
                    None => {
                        let media: Vec<&str> = body.content.keys().map(String::as_str).collect();
                        self.warning(
                            pointer,
                            format!("operation `{operation_id}` is skipped: its request body is `{}`, and multipart bodies are not supported yet (it would need one value per part)", media.join("`, `")),
                        );
                        return None;
                    }
                }
            }
        };

        let server = self.operation_server(item, operation, pointer);
        let security = self.operation_security(operation, pointer);
        let (success, errors) = self.lower_responses(operation, pointer, &builder_name);
        // The extensions are checked against the parameters and responses;
        // where those have an error, what the checks say follows from it.
        let checks = self.diagnostics.mark();
        let pagination = self.pagination(&operation.extensions, pointer, &parameters, &success);
        let selection = self.selection(&declared, &parameters, &success, pagination.as_ref());
        let idempotent = self.idempotent(&operation.extensions, pointer, method);
        self.attribute_checks(mark, checks, &parameters, &success);
        let errors_after = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .count();
        if errors_after > errors_before {
            return None;
        }
        Some(Operation {
            method_name,
            builder_name,
            operation_id,
            pointer: pointer.to_owned(),
            docs: Docs {
                summary: operation.summary.clone(),
                description: operation.description.clone(),
                deprecated: operation.deprecated,
            },
            method,
            path: path.to_owned(),
            path_parts,
            parameters,
            body,
            success,
            errors,
            pagination,
            selection,
            error_decoder: None,
            server,
            security,
            idempotent,
        })
    }

    fn lower_parameter(
        &mut self,
        parameter: &'a OaParameter,
        pointer: &str,
        location: ParameterLocation,
        builder_name: &str,
        setters: &mut Namespace,
    ) -> Option<Parameter> {
        let data = parameter.parameter_data_ref();
        let mark = self.diagnostics.mark();
        let default = match &data.format {
            ParameterSchemaOrContent::Schema(openapiv3::ReferenceOr::Item(schema)) => {
                schema.schema_data.default.as_ref().map(|d| d.to_string())
            }
            _ => None,
        };
        let ty = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let hint = format!("{builder_name} {}", data.name);
                self.type_ref(
                    SchemaRef::from(schema),
                    &pointer_join(pointer, "schema"),
                    &hint,
                )
                .0
            }
            ParameterSchemaOrContent::Content(_) => {
                self.warning(
                    pointer,
                    format!(
                        "parameter `{}` uses `content` instead of `schema`; it is sent as a string",
                        data.name
                    ),
                );
                TypeRef::String
            }
        };
        let (query_style, explode) = match parameter {
            OaParameter::Query { style, .. } => (
                Some(style),
                data.explode.unwrap_or(!matches!(
                    style,
                    openapiv3::QueryStyle::SpaceDelimited | openapiv3::QueryStyle::PipeDelimited
                )),
            ),
            _ => (None, true),
        };
        // The type of the schema, which its examples are values of, before
        // a structured type is taken as a string below.
        let schema_ty = ty.clone();
        let mut style = QueryStyle::Form;
        let ty = match ty {
            TypeRef::Array(inner)
                if location == ParameterLocation::Query
                    && crate::ir::is_scalar(&inner, &self.types) =>
            {
                if !explode {
                    style = QueryStyle::Joined(match query_style {
                        Some(openapiv3::QueryStyle::SpaceDelimited) => ' ',
                        Some(openapiv3::QueryStyle::PipeDelimited) => '|',
                        _ => ',',
                    });
                }
                TypeRef::Array(inner)
            }
            ref ty if crate::ir::is_scalar(ty, &self.types) => ty.clone(),
            ty @ (TypeRef::Map(_) | TypeRef::AnyObject | TypeRef::Named(_))
                if matches!(query_style, Some(openapiv3::QueryStyle::DeepObject)) =>
            {
                style = QueryStyle::DeepObject;
                ty
            }
            _ => {
                let mut warning = Diagnostic::warning(pointer, format!("parameter `{}` has a structured type (an object, a map or a list of those), which is not supported yet here; the method takes it as a string, sent as is", data.name));
                // A schema `$ref` that could not be followed leaves any JSON
                // value, which is what this is about.
                let here = mark..self.diagnostics.mark();
                if let Some(cause) = self.diagnostics.first_error(here, |_| true) {
                    warning = warning.caused_by(&cause);
                }
                self.diagnostics.push(warning);
                TypeRef::String
            }
        };
        if let ParameterSchemaOrContent::Schema(_) = &data.format {
            let label = format!("{builder_name} {} parameter", data.name);
            self.note_examples(
                data.example.as_ref(),
                &data.examples,
                pointer,
                &schema_ty,
                &label,
            );
        }
        let candidate = naming::value_name(&data.name);
        let (rust_name, changed) = setters.claim(&candidate);
        if changed {
            self.warning(pointer, format!("parameter `{}` would be `{candidate}` in Rust, which is taken; it is `{rust_name}`", data.name));
        }
        Some(Parameter {
            rust_name,
            wire_name: data.name.clone(),
            location,
            ty,
            style,
            required: data.required || location == ParameterLocation::Path,
            docs: Docs {
                summary: None,
                description: data.description.clone(),
                deprecated: data.deprecated.unwrap_or(false),
            },
            pointer: pointer.to_owned(),
            default,
        })
    }

    fn lower_responses(
        &mut self,
        operation: &'a openapiv3::Operation,
        pointer: &str,
        builder_name: &str,
    ) -> (SuccessResponse, Vec<ErrorResponse>) {
        let responses_at = pointer_join(pointer, "responses");
        let mut success = SuccessResponse {
            status: None,
            ty: None,
            raw: None,
            may_be_empty: false,
            description: None,
            decoding: Decoding::Empty,
        };
        let mut errors = Vec::new();
        let mut entries: Vec<(StatusMatch, &'a ReferenceOr<openapiv3::Response>, String)> =
            operation
                .responses
                .responses
                .iter()
                .map(|(code, response)| {
                    let (status, key) = match code {
                        StatusCode::Code(c) => (StatusMatch::Code(*c), c.to_string()),
                        StatusCode::Range(r) => (StatusMatch::Class(*r), format!("{r}XX")),
                    };
                    (status, response, pointer_join(&responses_at, &key))
                })
                .collect();
        if let Some(default) = &operation.responses.default {
            entries.push((
                StatusMatch::Default,
                default,
                pointer_join(&responses_at, "default"),
            ));
        }
        // The other 2xx responses: their status, JSON type and whether they have a body.
        let mut others: Vec<(u16, Option<TypeRef>, bool)> = Vec::new();
        let first_success = entries
            .iter()
            .filter_map(|(s, _, _)| match s {
                StatusMatch::Code(c) if (200..300).contains(c) => Some(*c),
                _ => None,
            })
            .min();
        for (status, response, at) in entries {
            let Some((response, at)) = self.resolve(response, &at, "responses", |c| &c.responses)
            else {
                continue;
            };
            let json = response.content.iter().find(|(media, _)| is_json(media));
            let is_success = match status {
                StatusMatch::Code(c) => Some(c) == first_success,
                StatusMatch::Class(2) => first_success.is_none() && success.status.is_none(),
                _ => false,
            };
            let is_other_success =
                matches!(status, StatusMatch::Code(200..=299) | StatusMatch::Class(2));
            let hint = match status {
                _ if is_success => format!("{builder_name} Response"),
                StatusMatch::Code(c) => format!("{builder_name} Status{c} Response"),
                StatusMatch::Class(c) => format!("{builder_name} Status{c}xx Response"),
                StatusMatch::Default => format!("{builder_name} Default Response"),
            };
            let ty = json.map(|(media, content)| match &content.schema {
                Some(schema) => {
                    let schema_at = pointer_join(
                        &pointer_join(&pointer_join(&at, "content"), media),
                        "schema",
                    );
                    self.type_ref(SchemaRef::from(schema), &schema_at, &hint).0
                }
                None => TypeRef::Any,
            });
            let label = match status {
                StatusMatch::Code(c) => format!("{builder_name} {c} response"),
                StatusMatch::Class(c) => format!("{builder_name} {c}xx response"),
                StatusMatch::Default => format!("{builder_name} default response"),
            };
            if let (Some((media, content)), Some(ty)) = (json, &ty) {
                let media_at = pointer_join(&pointer_join(&at, "content"), media);
                self.note_examples(
                    content.example.as_ref(),
                    &content.examples,
                    &media_at,
                    ty,
                    &label,
                );
            }
            self.note_header_examples(&response.headers, &at, &label);
            if is_success {
                // Without JSON, the first media type says whether the body is
                // text or bytes; it is returned as it came.
                let raw = match json {
                    Some(_) => None,
                    None => response
                        .content
                        .keys()
                        .next()
                        .map(|media| raw_kind(media).unwrap_or(RawBody::Bytes)),
                };
                success = SuccessResponse {
                    status: match status {
                        StatusMatch::Code(c) => Some(c),
                        _ => None,
                    },
                    ty,
                    raw,
                    may_be_empty: false,
                    description: Some(response.description.clone()),
                    decoding: Decoding::Empty,
                };
            } else if is_other_success {
                // Another 2xx also succeeds; reconciled with the first below.
                let code = match status {
                    StatusMatch::Code(c) => c,
                    _ => 200,
                };
                others.push((code, ty, !response.content.is_empty()));
            } else {
                errors.push(ErrorResponse {
                    status,
                    ty,
                    variant: None,
                    description: Some(response.description.clone()),
                });
            }
        }
        self.reconcile_successes(&mut success, others, &responses_at);
        success.decoding = match (&success.ty, success.raw) {
            (Some(_), _) if success.may_be_empty => Decoding::JsonOrEmpty,
            (Some(_), _) => Decoding::Json,
            (None, Some(RawBody::Text)) => Decoding::Text,
            (None, Some(RawBody::Bytes)) => Decoding::Bytes,
            (None, None) => Decoding::Empty,
        };
        (success, errors)
    }

    /// Makes one return type out of several 2xx responses: an empty one makes
    /// it `Option<T>`; two different JSON types make it any JSON value.
    fn reconcile_successes(
        &mut self,
        success: &mut SuccessResponse,
        others: Vec<(u16, Option<TypeRef>, bool)>,
        at: &str,
    ) {
        for (code, ty, has_body) in others {
            match (&success.ty, ty) {
                (_, None) if !has_body => success.may_be_empty = true,
                (None, Some(ty)) if success.raw.is_none() => {
                    success.ty = Some(ty);
                    success.may_be_empty = true;
                }
                (Some(main), Some(ty)) if *main != ty => {
                    self.warning(
                        &pointer_join(at, &code.to_string()),
                        format!(
                            "the {code} response's body has another type than the {} response's; the method returns it as any JSON value",
                            success.status.map_or("first".to_owned(), |s| s.to_string())
                        ),
                    );
                    success.ty = Some(TypeRef::Any);
                }
                _ => {}
            }
        }
    }
}
