//! Which parts of the hand-written runtime the crate uses, read off the
//! finished IR: emit copies those and nothing else, so a spec without
//! forms gets no form encoder, one without pagination no `pagination.rs`.

use std::collections::BTreeSet;

use crate::ir::{
    Api, ApiKeyLocation, AuthScheme, ExtraFields, Presence, RuntimeFeature, TypeDef, TypeKind,
    TypeRef, UnionDef,
};

/// The runtime features `api` needs.
pub(crate) fn needs(api: &Api) -> BTreeSet<RuntimeFeature> {
    let mut needs = BTreeSet::new();
    let mut date_time = false;
    if !api.operations.is_empty() {
        needs.insert(RuntimeFeature::Client);
    }
    for op in &api.operations {
        needs.insert(op.success.decoding.send_function());
        needs.extend(op.parameters.iter().filter_map(|p| p.filler()));
        if let Some(body) = &op.body {
            needs.insert(body.encoding.filler());
        }
        if op.error_decoder.is_none() {
            needs.insert(RuntimeFeature::NoErrorBody);
        }
        if op.pagination.is_some() {
            needs.insert(RuntimeFeature::Pagination);
        }
        if op.server.is_some() {
            needs.insert(RuntimeFeature::Servers);
        }
        if op.security.per_operation {
            needs.insert(RuntimeFeature::Security);
            // The `Scheme` variants the builders name.
            let schemes = op.security.alternatives.iter().flatten();
            for scheme in schemes.filter_map(|u| api.auth.get(u.scheme?)) {
                needs.insert(match scheme {
                    AuthScheme::Basic { .. } => RuntimeFeature::SchemeBasic,
                    AuthScheme::Bearer { .. } => RuntimeFeature::SchemeBearer,
                    AuthScheme::ApiKey { location, .. } => match location {
                        ApiKeyLocation::Header => RuntimeFeature::SchemeHeader,
                        ApiKeyLocation::Query => RuntimeFeature::SchemeQuery,
                        ApiKeyLocation::Cookie => RuntimeFeature::SchemeCookie,
                    },
                });
            }
        }
        // A parameter, body or response can be a `date-time` itself,
        // which no named type holds.
        let types = op
            .parameters
            .iter()
            .map(|p| &p.ty)
            .chain(op.body.iter().map(|b| &b.ty))
            .chain(op.success.ty.iter())
            .chain(op.errors.iter().filter_map(|e| e.ty.as_ref()));
        date_time |= types.into_iter().any(mentions_date_time);
    }
    if api.rate_limit_reset_body.is_some() && needs.contains(&RuntimeFeature::Client) {
        needs.insert(RuntimeFeature::RateLimitResetBody);
    }
    for def in &api.types {
        date_time |= def_mentions_date_time(def);
        match &def.kind {
            TypeKind::Struct(s) => {
                needs.insert(RuntimeFeature::Object);
                if s.custom_fields.is_none() {
                    needs.insert(RuntimeFeature::Extra);
                }
                if !s.fields.is_empty() {
                    needs.insert(RuntimeFeature::Field);
                }
                // One required property is checked on its own; `missing`
                // names the first absent of several.
                let required = s.fields.iter().filter(|f| f.presence == Presence::Required);
                if required.count() > 1 {
                    needs.insert(RuntimeFeature::Missing);
                }
                for field in &s.fields {
                    needs.insert(if field.presence.may_be_absent() {
                        RuntimeFeature::OptionalEntry
                    } else {
                        RuntimeFeature::Entry
                    });
                    needs.insert(match field.presence {
                        Presence::RequiredNullable | Presence::Optional => {
                            RuntimeFeature::AbsentOrNull
                        }
                        // Bound by the required properties' `match`, or the
                        // field's value as it is.
                        Presence::Required | Presence::OptionalNullable => continue,
                    });
                }
            }
            TypeKind::Enum(_) => {
                needs.insert(RuntimeFeature::StringEnum);
            }
            TypeKind::Union(_) | TypeKind::Alias(_) | TypeKind::FieldEnum(_) => {}
        }
    }
    if api.custom_field_prefix.is_some() {
        // `CustomFields` decodes through the struct machinery and reads
        // date-time values (`get_datetime`).
        needs.insert(RuntimeFeature::CustomFields);
        needs.insert(RuntimeFeature::Object);
        date_time = true;
    }
    if date_time {
        needs.insert(RuntimeFeature::Timestamp);
    }
    if needs.contains(&RuntimeFeature::Client) && api.examples.iter().any(|e| e.fixture) {
        needs.insert(RuntimeFeature::Example);
    }
    needs
}

/// Whether a type definition holds a `date-time` anywhere in its own shape.
fn def_mentions_date_time(def: &TypeDef) -> bool {
    match &def.kind {
        TypeKind::Struct(s) => {
            s.fields.iter().any(|f| mentions_date_time(&f.ty))
                || matches!(&s.extra, ExtraFields::Typed(ty) if mentions_date_time(ty))
        }
        TypeKind::Union(UnionDef { variants, .. }) => {
            variants.iter().any(|v| mentions_date_time(&v.ty))
        }
        TypeKind::Alias(ty) => mentions_date_time(ty),
        TypeKind::Enum(_) | TypeKind::FieldEnum(_) => false,
    }
}

/// Whether `ty` is or contains a `date-time`, not looking into named types
/// (each named type is looked at once, on its own).
fn mentions_date_time(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::DateTime => true,
        TypeRef::Array(inner) | TypeRef::Map(inner) => mentions_date_time(inner),
        TypeRef::Named(_)
        | TypeRef::String
        | TypeRef::Boolean
        | TypeRef::Integer(_)
        | TypeRef::Number(_)
        | TypeRef::Date
        | TypeRef::Any
        | TypeRef::AnyObject => false,
    }
}
