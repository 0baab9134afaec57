//! The API model computed from the IR: what `emit` prints, item by item.

use std::collections::BTreeSet;

use super::*;
use crate::ir::{
    Api, ApiKeyLocation, AuthScheme, BodyEncoding, Decoding, Docs, ExtraFields, Field, IntegerKind,
    NumberKind, Operation, PaginationStyle, Presence, RawBody, StatusMatch, TypeKind, TypeRef,
};

/// The model of the crate `emit` prints for `api`.
pub fn of(api: &Api) -> ApiModel {
    let directions = directions(api);
    let mut types: Vec<TypeModel> = api
        .types
        .iter()
        .map(|def| TypeModel {
            name: def.name.clone(),
            at: Some(def.pointer.clone()),
            used_in: directions_of(&directions, &def.name),
            deprecated: def.docs.deprecated,
            docs: fingerprint(&[docs_text(&def.docs)]),
            shape: shape(&def.kind),
        })
        .collect();
    if !api.error_bodies.is_empty() {
        types.push(TypeModel {
            name: "ErrorBody".to_owned(),
            at: None,
            used_in: vec![Direction::Response],
            deprecated: false,
            docs: fingerprint(&[]),
            shape: Shape::Union {
                non_exhaustive: true,
                tag: None,
                variants: api
                    .error_bodies
                    .iter()
                    .map(|v| UnionVariantModel {
                        name: v.rust_name.clone(),
                        ty: rust_type(&v.ty),
                        tags: Vec::new(),
                    })
                    .collect(),
            },
        });
    }
    ApiModel {
        format: FORMAT,
        crate_name: api.crate_name.clone(),
        version: api.crate_version.clone(),
        server: api.base_url.clone(),
        client: client(api),
        operations: api.operations.iter().map(|op| operation(api, op)).collect(),
        types,
    }
}

fn client(api: &Api) -> ClientModel {
    let new = match api.auth.first() {
        Some(AuthScheme::Basic { .. } | AuthScheme::ApiKey { .. }) => vec!["api_key".to_owned()],
        Some(AuthScheme::Bearer { .. }) => vec!["token".to_owned()],
        None => Vec::new(),
    };
    let auth = api
        .auth
        .iter()
        .map(|scheme| {
            let (name, kind, sent_as, description) = match scheme {
                AuthScheme::Basic { name, description } => (name, "basic", None, description),
                AuthScheme::Bearer { name, description } => (name, "bearer", None, description),
                AuthScheme::ApiKey {
                    name,
                    location,
                    parameter,
                    description,
                } => {
                    let place = match location {
                        ApiKeyLocation::Header => "header",
                        ApiKeyLocation::Query => "query",
                        ApiKeyLocation::Cookie => "cookie",
                    };
                    (
                        name,
                        "api_key",
                        Some(format!("{place} {parameter}")),
                        description,
                    )
                }
            };
            AuthModel {
                name: name.clone(),
                scheme: kind.to_owned(),
                sent_as,
                at: format!(
                    "#/components/securitySchemes/{}",
                    crate::diagnostics::escape_pointer_segment(name)
                ),
                docs: fingerprint(&[description.as_deref().unwrap_or("")]),
            }
        })
        .collect();
    ClientModel { new, auth }
}

fn operation(api: &Api, op: &Operation) -> OperationModel {
    let mut arguments = Vec::new();
    let mut setters = Vec::new();
    for (index, p) in op.parameters.iter().enumerate() {
        let location = match p.location {
            crate::ir::ParameterLocation::Path => "path",
            crate::ir::ParameterLocation::Query => "query",
            crate::ir::ParameterLocation::Header => "header",
            crate::ir::ParameterLocation::Cookie => "cookie",
        };
        let input = InputModel {
            name: crate::naming::unraw(&p.rust_name).to_owned(),
            ty: match &p.ty {
                TypeRef::String => "impl Into<String>".to_owned(),
                other => rust_type(other),
            },
            sent_as: format!("{location} {}", p.wire_name),
            at: p.pointer.clone(),
            default: p.default.clone(),
            deprecated: p.docs.deprecated,
            docs: fingerprint(&[docs_text(&p.docs)]),
        };
        if p.required {
            arguments.push(input);
        } else if op.selection.as_ref().is_none_or(|s| s.parameter != index) {
            // The selection parameter is set by `select`, not a setter.
            setters.push(input);
        }
    }
    let body = op.body.as_ref().map(|body| {
        let ty = match &body.encoding {
            BodyEncoding::Raw(RawBody::Text) => "impl Into<String>".to_owned(),
            BodyEncoding::Raw(RawBody::Bytes) => "impl Into<Vec<u8>>".to_owned(),
            BodyEncoding::Multipart { .. } => "Multipart".to_owned(),
            _ => rust_type(&body.ty),
        };
        let input = InputModel {
            name: "body".to_owned(),
            ty,
            sent_as: "body".to_owned(),
            at: format!("{}/requestBody", op.pointer),
            default: None,
            deprecated: false,
            docs: fingerprint(&[docs_text(&body.docs)]),
        };
        if body.required {
            arguments.push(input);
        } else {
            setters.push(input);
        }
        let encoding = match &body.encoding {
            BodyEncoding::Json => "json".to_owned(),
            BodyEncoding::Form { deep_object } if deep_object.is_empty() => "form".to_owned(),
            BodyEncoding::Form { deep_object } => {
                format!("form, deepObject: {}", deep_object.join(", "))
            }
            BodyEncoding::Raw(RawBody::Text) => "text".to_owned(),
            BodyEncoding::Raw(RawBody::Bytes) => "bytes".to_owned(),
            BodyEncoding::Multipart { fields } => format!(
                "multipart: {}",
                fields
                    .iter()
                    .map(|f| {
                        let required = if f.required { "" } else { "?" };
                        format!("{}{required}", f.name)
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        format!("{} ({encoding})", body.media_type)
    });
    let errors = op
        .errors
        .iter()
        .map(|e| ErrorModel {
            status: match e.status {
                StatusMatch::Code(code) => code.to_string(),
                StatusMatch::Class(class) => format!("{class}XX"),
                StatusMatch::Default => "default".to_owned(),
            },
            body: e
                .variant
                .map(|v| format!("ErrorBody::{}", api.error_bodies[v].rust_name)),
        })
        .collect();
    let pagination = op.pagination.as_ref().map(|p| PaginationModel {
        style: match &p.style {
            PaginationStyle::Offset { skip, has_more, .. } => format!(
                "offset: skip {}, has_more {}, items {}",
                op.parameters[*skip].wire_name, has_more.rust_name, p.items.rust_name
            ),
            PaginationStyle::Cursor {
                cursor,
                next_cursor,
            } => format!(
                "cursor: cursor {}, next {}, items {}",
                op.parameters[*cursor].wire_name, next_cursor.rust_name, p.items.rust_name
            ),
        },
        item: rust_type(&p.item_type),
    });
    let selection = op.selection.as_ref().map(|s| SelectionModel {
        parameter: op.parameters[s.parameter].wire_name.clone(),
        fields: s.field_enum.clone(),
        returns: rust_type(&s.partial_success),
    });
    OperationModel {
        method: crate::naming::unraw(&op.method_name).to_owned(),
        builder: op.builder_name.clone(),
        http: format!("{} {}", op.method.as_str(), op.path),
        at: op.pointer.clone(),
        arguments,
        setters,
        body,
        returns: returns(op),
        errors,
        pagination,
        selection,
        deprecated: op.docs.deprecated,
        docs: fingerprint(&[
            docs_text(&op.docs),
            op.success.description.as_deref().unwrap_or(""),
        ]),
    }
}

/// What awaiting the builder gives, as `emit::requests` declares it.
fn returns(op: &Operation) -> String {
    match (op.success.decoding, &op.success.ty) {
        (Decoding::JsonOrEmpty, Some(ty)) => format!("Option<{}>", rust_type(ty)),
        (Decoding::Json, Some(ty)) => rust_type(ty),
        (Decoding::Text, _) => "String".to_owned(),
        (Decoding::Bytes, _) => "Vec<u8>".to_owned(),
        (Decoding::Json | Decoding::JsonOrEmpty, None) | (Decoding::Empty, _) => "()".to_owned(),
    }
}

fn shape(kind: &TypeKind) -> Shape {
    match kind {
        TypeKind::Struct(s) => {
            let fields = s.fields.iter().map(field).collect();
            Shape::Struct {
                non_exhaustive: true,
                default: s.all_optional,
                new: Some(
                    s.fields
                        .iter()
                        .filter(|f| f.presence == Presence::Required)
                        .map(|f| crate::naming::unraw(&f.rust_name).to_owned())
                        .collect(),
                ),
                fields,
                extra: format!(
                    "{}: {}",
                    crate::naming::unraw(&s.extra_name),
                    match &s.extra {
                        ExtraFields::Any => "serde_json::Map<String, serde_json::Value>".to_owned(),
                        ExtraFields::Typed(ty) =>
                            format!("std::collections::BTreeMap<String, {}>", rust_type(ty)),
                    }
                ),
                custom: s
                    .custom_fields
                    .as_ref()
                    .map(|c| format!("{}: CustomFields", crate::naming::unraw(c))),
            }
        }
        TypeKind::Enum(e) => Shape::Enum {
            non_exhaustive: true,
            variants: e
                .variants
                .iter()
                .map(|v| VariantModel {
                    name: v.rust_name.clone(),
                    wire: v.wire_value.clone(),
                })
                .collect(),
            other: e.other_variant.clone(),
        },
        TypeKind::Union(u) => {
            let mut variants: Vec<UnionVariantModel> = u
                .variants
                .iter()
                .map(|v| UnionVariantModel {
                    name: v.rust_name.clone(),
                    ty: if v.boxed {
                        format!("Box<{}>", rust_type(&v.ty))
                    } else {
                        rust_type(&v.ty)
                    },
                    tags: v.tag_values.clone(),
                })
                .collect();
            if let Some(tag) = &u.tag {
                variants.push(UnionVariantModel {
                    name: tag.unknown_variant.clone(),
                    ty: "serde_json::Value".to_owned(),
                    tags: Vec::new(),
                });
            }
            Shape::Union {
                non_exhaustive: true,
                tag: u.tag.as_ref().map(|t| t.property.clone()),
                variants,
            }
        }
        TypeKind::Alias(ty) => Shape::Alias {
            target: rust_type(ty),
        },
        TypeKind::FieldEnum(f) => Shape::FieldEnum {
            non_exhaustive: true,
            of: f.of.clone(),
            variants: f
                .variants
                .iter()
                .map(|v| VariantModel {
                    name: v.rust_name.clone(),
                    wire: v.wire_value.clone(),
                })
                .collect(),
            custom: f.custom_variant.clone(),
            other: f.other_variant.clone(),
        },
    }
}

fn field(f: &Field) -> FieldModel {
    let mut ty = rust_type(&f.ty);
    if f.boxed {
        ty = format!("Box<{ty}>");
    }
    let (ty, presence) = match f.presence {
        Presence::Required => (ty, "required"),
        Presence::RequiredNullable => (format!("Option<{ty}>"), "required_nullable"),
        Presence::Optional => (format!("Option<{ty}>"), "optional"),
        Presence::OptionalNullable => (format!("Option<Option<{ty}>>"), "optional_nullable"),
    };
    let flags = format!(
        "{}{}",
        if f.read_only { "readOnly " } else { "" },
        if f.write_only { "writeOnly" } else { "" }
    );
    FieldModel {
        name: crate::naming::unraw(&f.rust_name).to_owned(),
        wire: f.wire_name.clone(),
        ty,
        presence: presence.to_owned(),
        at: f.pointer.clone(),
        setter: f.setter.clone(),
        clear: f.clear.clone(),
        default: f.default.clone(),
        docs: fingerprint(&[docs_text(&f.docs), &flags]),
    }
}

/// The Rust type `ty` is declared as, with types of the crate by their
/// plain name.
pub fn rust_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String => "String".to_owned(),
        TypeRef::Boolean => "bool".to_owned(),
        TypeRef::Integer(IntegerKind::I32) => "i32".to_owned(),
        TypeRef::Integer(IntegerKind::I64) => "i64".to_owned(),
        TypeRef::Integer(IntegerKind::U32) => "u32".to_owned(),
        TypeRef::Integer(IntegerKind::U64) => "u64".to_owned(),
        TypeRef::Number(NumberKind::F32) => "f32".to_owned(),
        TypeRef::Number(NumberKind::F64) => "f64".to_owned(),
        TypeRef::DateTime => "Timestamp".to_owned(),
        TypeRef::Date => "chrono::NaiveDate".to_owned(),
        TypeRef::Any => "serde_json::Value".to_owned(),
        TypeRef::AnyObject => "serde_json::Map<String, serde_json::Value>".to_owned(),
        TypeRef::Array(inner) => format!("Vec<{}>", rust_type(inner)),
        TypeRef::Map(inner) => format!("std::collections::BTreeMap<String, {}>", rust_type(inner)),
    }
}

fn docs_text(docs: &Docs) -> &str {
    // The summary and description both reach rustdoc; deprecation is its
    // own entry of the model.
    docs.description
        .as_deref()
        .or(docs.summary.as_deref())
        .unwrap_or("")
}

/// A short, stable fingerprint of documentation text (FNV-1a, 64 bits), so
/// the snapshot notices a change without copying every description.
fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The direction of every named type: from the operations' inputs and
/// outputs, through fields, variants, aliases and containers.
fn directions(api: &Api) -> Vec<(String, Direction)> {
    let mut seen: BTreeSet<(String, Direction)> = BTreeSet::new();
    let mut stack: Vec<(TypeRef, Direction)> = Vec::new();
    for op in &api.operations {
        for p in &op.parameters {
            stack.push((p.ty.clone(), Direction::Request));
        }
        if let Some(body) = &op.body {
            stack.push((body.ty.clone(), Direction::Request));
        }
        if let Some(ty) = &op.success.ty {
            stack.push((ty.clone(), Direction::Response));
        }
        if let Some(selection) = &op.selection {
            stack.push((selection.partial_success.clone(), Direction::Response));
            stack.push((
                TypeRef::Named(selection.field_enum.clone()),
                Direction::Request,
            ));
        }
        for e in &op.errors {
            if let Some(ty) = &e.ty {
                stack.push((ty.clone(), Direction::Response));
            }
        }
    }
    while let Some((ty, direction)) = stack.pop() {
        match ty {
            TypeRef::Array(inner) | TypeRef::Map(inner) => stack.push((*inner, direction)),
            TypeRef::Named(name) => {
                if !seen.insert((name.clone(), direction)) {
                    continue;
                }
                let Some(def) = api.types.iter().find(|t| t.name == name) else {
                    continue;
                };
                match &def.kind {
                    TypeKind::Struct(s) => {
                        stack.extend(s.fields.iter().map(|f| (f.ty.clone(), direction)));
                        if let ExtraFields::Typed(ty) = &s.extra {
                            stack.push((ty.clone(), direction));
                        }
                    }
                    TypeKind::Union(u) => {
                        stack.extend(u.variants.iter().map(|v| (v.ty.clone(), direction)))
                    }
                    TypeKind::Alias(ty) => stack.push((ty.clone(), direction)),
                    TypeKind::Enum(_) | TypeKind::FieldEnum(_) => {}
                }
            }
            _ => {}
        }
    }
    seen.into_iter().collect()
}

fn directions_of(directions: &[(String, Direction)], name: &str) -> Vec<Direction> {
    directions
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, d)| *d)
        .collect()
}
