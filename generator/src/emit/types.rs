//! Named types → `types.rs` of the generated crate.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs::{doc_attrs, doc_lines, item_doc_lines, item_docs};
use super::format::{chunked, part, Code, Part};
use super::text;
use crate::ir::{
    Api, EnumDef, ExtraFields, Field, FieldEnumDef, IntegerKind, NumberKind, Presence, StructDef,
    TypeDef, TypeKind, TypeRef, UnionDef,
};
use crate::naming;

/// An identifier from a name `naming` chose (which may be raw, `r#type`).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The Rust type for `ty`. `types` is the path to the types module as seen
/// from where the tokens go (empty inside it).
pub(crate) fn type_tokens(ty: &TypeRef, types: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote! { #types #name }
        }
        TypeRef::String => quote! { String },
        TypeRef::Boolean => quote! { bool },
        TypeRef::Integer(IntegerKind::I32) => quote! { i32 },
        TypeRef::Integer(IntegerKind::I64) => quote! { i64 },
        TypeRef::Integer(IntegerKind::U32) => quote! { u32 },
        TypeRef::Integer(IntegerKind::U64) => quote! { u64 },
        TypeRef::Number(NumberKind::F32) => quote! { f32 },
        TypeRef::Number(NumberKind::F64) => quote! { f64 },
        TypeRef::DateTime => quote! { crate::Timestamp },
        TypeRef::Date => quote! { chrono::NaiveDate },
        TypeRef::Any => quote! { serde_json::Value },
        TypeRef::AnyObject => quote! { serde_json::Map<String, serde_json::Value> },
        TypeRef::Array(inner) => {
            let inner = type_tokens(inner, types);
            quote! { Vec<#inner> }
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner, types);
            quote! { std::collections::BTreeMap<String, #inner> }
        }
    }
}

/// The whole `types.rs` module body.
pub(crate) fn types_module(api: &Api) -> Vec<Part<'_>> {
    let has_structs = api
        .types
        .iter()
        .any(|t| matches!(t.kind, TypeKind::Struct(_)));
    let has_unions = api
        .types
        .iter()
        .any(|t| matches!(t.kind, TypeKind::Union(_)));
    let mut parts: Vec<Part<'_>> = vec![part(move || {
        let serde_use = if has_structs {
            Some(quote! { use serde::{Deserialize, Deserializer, Serialize}; })
        } else {
            has_unions.then(|| quote! { use serde::{Deserialize, Serialize}; })
        };
        quote! {
            #![doc = " The request and response bodies of the API, one type per schema."]
            #![allow(deprecated, clippy::large_enum_variant, clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]

            #serde_use
        }
    })];
    parts.extend(chunked(&api.types, |chunk| {
        let here = TokenStream::new();
        let mut code = Code::default();
        for def in chunk {
            // Items of a fixed shape are written as text when they can be
            // (see `text`): the same characters, without parsing and
            // printing them.
            match &def.kind {
                TypeKind::Struct(s) => {
                    let shape = struct_shape(def, s, &here);
                    code.text_or_tokens(text::struct_def(&shape), || struct_def(&shape));
                    let plan = StructDecode::new(&def.name, s);
                    code.text_or_tokens(text::deserialize_struct(&plan), || {
                        deserialize_struct(&plan)
                    });
                }
                TypeKind::Enum(e) => {
                    code.tokens(type_def(def, &here, &api.types));
                    code.text_or_tokens(text::enum_impls(&def.name, e), || {
                        enum_impls(&def.name, e)
                    });
                }
                _ => code.tokens(type_def(def, &here, &api.types)),
            }
        }
        code
    }));
    parts.push(part(|| error_body(api, &TokenStream::new())));
    parts
}

fn type_def(def: &TypeDef, here: &TokenStream, types: &[TypeDef]) -> TokenStream {
    let name = ident(&def.name);
    let docs = item_docs(&def.docs, &format!("The schema at `{}`.", def.pointer), &[]);
    let deprecated = def.docs.deprecated.then(|| quote! { #[deprecated] });
    match &def.kind {
        TypeKind::Struct(s) => struct_def(&struct_shape(def, s, here)),
        TypeKind::Enum(e) => enum_def(&name, docs, deprecated, e),
        TypeKind::Union(u) => {
            let display = crate::ir::is_scalar_union(u, types).then(|| {
                let arms = u.variants.iter().map(|v| {
                    let variant = ident(&v.rust_name);
                    quote! { #name::#variant(value) => value.fmt(f), }
                });
                quote! {
                    impl std::fmt::Display for #name {
                        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            match self {
                                #(#arms)*
                            }
                        }
                    }
                }
            });
            let def = union_def(&name, docs, deprecated, u, here);
            quote! { #def #display }
        }
        TypeKind::Alias(ty) => {
            let ty = type_tokens(ty, here);
            quote! { #docs #deprecated pub type #name = #ty; }
        }
        TypeKind::FieldEnum(f) => field_enum_def(&name, docs, f),
    }
}

/// A struct definition: what both the token and the text emitter write.
pub(crate) struct StructShape {
    pub(crate) docs: Vec<String>,
    pub(crate) deprecated: bool,
    pub(crate) name: String,
    pub(crate) derive_default: bool,
    /// The declared properties, then the custom fields and the extra map.
    pub(crate) fields: Vec<FieldShape>,
}

/// One field of a [`StructShape`].
pub(crate) struct FieldShape {
    pub(crate) docs: Vec<String>,
    /// `#[serde(rename = …)]`.
    pub(crate) rename: Option<String>,
    /// `#[serde(skip_serializing_if = "Option::is_none")]`.
    pub(crate) skip_none: bool,
    /// `#[serde(flatten)]`.
    pub(crate) flatten: bool,
    pub(crate) name: String,
    pub(crate) ty: TokenStream,
}

fn field_shape(field: &Field, here: &TokenStream) -> FieldShape {
    let mut ty = type_tokens(&field.ty, here);
    if field.boxed {
        ty = quote! { Box<#ty> };
    }
    let mut notes = Vec::new();
    match field.presence {
        Presence::Required => {}
        Presence::RequiredNullable => notes.push("Always sent; `None` is `null`.".to_owned()),
        Presence::Optional => notes.push("`None` when absent.".to_owned()),
        Presence::OptionalNullable => {
            notes.push("`None` when absent, `Some(None)` when `null`.".to_owned())
        }
    }
    if field.docs.deprecated {
        notes.push("**Deprecated.**".to_owned());
    }
    if field.read_only {
        notes.push("Sent by the server only.".to_owned());
    }
    if field.write_only {
        notes.push("Sent by the client only.".to_owned());
    }
    let notes = [notes.join(" ")];
    let docs = item_doc_lines(
        &field.docs,
        &format!("The `{}` property.", field.wire_name),
        &notes,
    );
    let rename =
        naming::needs_rename(&field.rust_name, &field.wire_name).then(|| field.wire_name.clone());
    let (ty, skip_none) = match field.presence {
        Presence::Required => (ty, false),
        Presence::RequiredNullable => (quote! { Option<#ty> }, false),
        Presence::Optional => (quote! { Option<#ty> }, true),
        Presence::OptionalNullable => (quote! { Option<Option<#ty>> }, true),
    };
    FieldShape {
        docs,
        rename,
        skip_none,
        flatten: false,
        name: field.rust_name.clone(),
        ty,
    }
}

/// The [`StructShape`] of `def`, a struct.
pub(crate) fn struct_shape(def: &TypeDef, s: &StructDef, here: &TokenStream) -> StructShape {
    let mut fields: Vec<FieldShape> = s.fields.iter().map(|f| field_shape(f, here)).collect();
    if let Some(custom_name) = &s.custom_fields {
        fields.push(FieldShape {
            docs: doc_lines(["Custom fields, by field id; written back as one flat key each."]),
            rename: None,
            skip_none: false,
            flatten: true,
            name: custom_name.clone(),
            ty: quote! { crate::CustomFields },
        });
    }
    let (extra_ty, extra_docs) = match &s.extra {
        ExtraFields::Any => (
            quote! { serde_json::Map<String, serde_json::Value> },
            "Properties the spec does not declare, kept so that a decode → encode round trip loses nothing.",
        ),
        ExtraFields::Typed(ty) => {
            let ty = type_tokens(ty, here);
            (
                quote! { std::collections::BTreeMap<String, #ty> },
                "Additional properties (`additionalProperties`).",
            )
        }
    };
    fields.push(FieldShape {
        docs: doc_lines([extra_docs]),
        rename: None,
        skip_none: false,
        flatten: true,
        name: s.extra_name.clone(),
        ty: extra_ty,
    });
    StructShape {
        docs: item_doc_lines(&def.docs, &format!("The schema at `{}`.", def.pointer), &[]),
        deprecated: def.docs.deprecated,
        name: def.name.clone(),
        derive_default: s.all_optional,
        fields,
    }
}

/// The tokens of a struct definition.
pub(crate) fn struct_def(shape: &StructShape) -> TokenStream {
    let name = ident(&shape.name);
    let docs = &shape.docs;
    let deprecated = shape.deprecated.then(|| quote! { #[deprecated] });
    let derive_default = shape.derive_default.then(|| quote! { Default, });
    let fields = shape.fields.iter().map(|f| {
        let docs = &f.docs;
        let rename = f
            .rename
            .as_ref()
            .map(|wire| quote! { #[serde(rename = #wire)] });
        let skip = f
            .skip_none
            .then(|| quote! { #[serde(skip_serializing_if = "Option::is_none")] });
        let flatten = f.flatten.then(|| quote! { #[serde(flatten)] });
        let name = ident(&f.name);
        let ty = &f.ty;
        quote! {
            #(#[doc = #docs])*
            #rename
            #skip
            #flatten
            pub #name: #ty,
        }
    });
    quote! {
        #(#[doc = #docs])*
        #deprecated
        #[derive(Debug, Clone, PartialEq, #derive_default Serialize)]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// What a struct's written-out `Deserialize` needs (see the runtime's
/// `wire::Object` for why it is written out): the locals, one per property
/// and named after it, and names for the map and the key that no property
/// has. Both the token and the text emitter read it.
pub(crate) struct StructDecode<'a> {
    /// The struct's name.
    pub(crate) name: &'a str,
    /// The declared properties.
    pub(crate) fields: &'a [Field],
    /// The field holding undeclared properties.
    pub(crate) extra: &'a str,
    /// The field holding custom fields, if any.
    pub(crate) custom: Option<&'a str>,
    /// The name of the `MapAccess` argument.
    pub(crate) map: String,
    /// The name of the current key.
    pub(crate) key: String,
}

impl<'a> StructDecode<'a> {
    pub(crate) fn new(name: &'a str, s: &'a StructDef) -> Self {
        let taken = |candidate: &str| {
            s.fields.iter().any(|f| f.rust_name == candidate)
                || s.extra_name == candidate
                || s.custom_fields.as_deref() == Some(candidate)
        };
        let free = |base: &str| {
            let mut candidate = base.to_owned();
            while taken(&candidate) {
                candidate.push('_');
            }
            candidate
        };
        StructDecode {
            name,
            fields: &s.fields,
            extra: &s.extra_name,
            custom: s.custom_fields.as_deref(),
            map: free("map"),
            key: free("key"),
        }
    }
}

/// The `Deserialize` and `wire::Object` impls of a struct: a local per
/// property, one `match` over the keys, the rest kept in the extra map (or
/// the custom fields).
pub(crate) fn deserialize_struct(plan: &StructDecode<'_>) -> TokenStream {
    let name = ident(plan.name);
    let map = ident(&plan.map);
    let key = ident(&plan.key);
    let locals: Vec<Ident> = plan.fields.iter().map(|f| ident(&f.rust_name)).collect();
    let arms = plan.fields.iter().zip(&locals).map(|(f, local)| {
        let wire = &f.wire_name;
        quote! { #wire => #local = Some(#map.next_value()?), }
    });
    let values = plan.fields.iter().zip(&locals).map(|(f, local)| {
        let wire = &f.wire_name;
        match f.presence {
            Presence::Required => quote! { #local: crate::wire::required(#local, #wire)?, },
            Presence::RequiredNullable | Presence::Optional => {
                quote! { #local: crate::wire::absent_or_null(#local), }
            }
            Presence::OptionalNullable => quote! { #local, },
        }
    });
    let extra = ident(plan.extra);
    let (custom_local, other, custom_value) = match plan.custom {
        Some(custom) => {
            let custom = ident(custom);
            (
                Some(quote! { let mut #custom = crate::CustomFields::new(); }),
                quote! { crate::custom_fields::take(&mut #map, &mut #custom, &mut #extra, #key)? },
                Some(quote! { #custom, }),
            )
        }
        None => (
            None,
            quote! { crate::wire::extra(&mut #map, &mut #extra, #key)? },
            None,
        ),
    };
    // A struct without declared properties keeps every key: no `match`.
    let dispatch = if plan.fields.is_empty() {
        quote! { #other; }
    } else {
        quote! {
            match #key.as_str() {
                #(#arms)*
                _ => #other,
            }
        }
    };
    quote! {
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::wire::deserialize_object(deserializer)
            }
        }

        impl<'de> crate::wire::Object<'de> for #name {
            fn visit<A: serde::de::MapAccess<'de>>(mut #map: A) -> Result<Self, A::Error> {
                #(let mut #locals = None;)*
                #custom_local
                let mut #extra = Default::default();
                while let Some(#key) = crate::wire::next_key(&mut #map)? {
                    #dispatch
                }
                Ok(#name {
                    #(#values)*
                    #custom_value
                    #extra,
                })
            }
        }
    }
}

fn enum_def(
    name: &Ident,
    docs: TokenStream,
    deprecated: Option<TokenStream>,
    e: &EnumDef,
) -> TokenStream {
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire_value;
        let doc = match &v.description {
            Some(description) => doc_attrs([format!("`{wire}`: {description}").as_str()]),
            None => doc_attrs([format!("`{wire}`").as_str()]),
        };
        quote! {
            #doc
            #variant,
        }
    });
    let other = ident(&e.other_variant);
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            #[doc = " A value this client does not know yet, kept as it was sent."]
            #other(String),
        }
    }
}

/// The impls of a string enum: `as_str`, `From<&str>`, `Display`, and
/// `Serialize` / `Deserialize` through them. Written out rather than
/// derived: a derived enum with an untagged fallback variant buffers every
/// value before matching it, and costs several times this much code to
/// compile.
pub(crate) fn enum_impls(name: &str, e: &EnumDef) -> TokenStream {
    let name = ident(name);
    let arms = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire_value;
        quote! { #name::#variant => #wire, }
    });
    let from_arms = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire_value;
        quote! { #wire => #name::#variant, }
    });
    let other = ident(&e.other_variant);
    quote! {
        impl #name {
            #[doc = " The value as sent on the wire."]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#arms)*
                    #name::#other(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_arms)*
                    other => #name::#other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::wire::deserialize_enum(deserializer)
            }
        }
    }
}

fn field_enum_def(name: &Ident, docs: TokenStream, f: &FieldEnumDef) -> TokenStream {
    let variants = f.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let doc = format!(" `{}`", v.wire_value);
        quote! {
            #[doc = #doc]
            #variant,
        }
    });
    let arms = f.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire_value;
        quote! { #name::#variant => f.write_str(#wire), }
    });
    let other = ident(&f.other_variant);
    let (custom_variant, custom_arm) = match &f.custom_variant {
        Some(custom) => {
            let custom = ident(custom);
            (
                Some(quote! {
                    #[doc = " A custom field, by id."]
                    #custom(crate::CustomFieldId),
                }),
                Some(
                    quote! { #name::#custom(id) => write!(f, "{}{}", crate::CUSTOM_FIELD_PREFIX, id), },
                ),
            )
        }
        None => (None, None),
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            #custom_variant
            #[doc = " Any other field name, sent as it is (for example a computed field)."]
            #other(String),
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #(#arms)*
                    #custom_arm
                    #name::#other(name) => f.write_str(name),
                }
            }
        }
    }
}

fn union_def(
    name: &Ident,
    docs: TokenStream,
    deprecated: Option<TokenStream>,
    u: &UnionDef,
    here: &TokenStream,
) -> TokenStream {
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let mut ty = type_tokens(&v.ty, here);
        if v.boxed {
            ty = quote! { Box<#ty> };
        }
        let doc = format!(" The value as `{}`.", ty.to_string().replace(' ', ""));
        quote! {
            #[doc = #doc]
            #variant(#ty),
        }
    });
    let Some(tag) = &u.tag else {
        return quote! {
            #docs
            #[doc = ""]
            #[doc = " Decoded by trying each variant in order; the first that fits wins."]
            #deprecated
            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#variants)*
            }
        };
    };
    // With a discriminator the tag picks the variant, so a body that does
    // not fit it fails with that variant's error rather than "no variant
    // matched", and an unknown tag is kept rather than rejected.
    let property = &tag.property;
    let unknown = ident(&tag.unknown_variant);
    // Each tag value with the variants that claim it, in spec order. A value
    // claimed by several (an ambiguous spec) tries them in order.
    let mut by_value: Vec<(&str, Vec<&crate::ir::UnionVariant>)> = Vec::new();
    for v in &u.variants {
        for value in &v.tag_values {
            match by_value.iter_mut().find(|(known, _)| known == value) {
                Some((_, claimants)) => claimants.push(v),
                None => by_value.push((value, vec![v])),
            }
        }
    }
    let decode = |v: &crate::ir::UnionVariant, value: TokenStream| {
        let variant = ident(&v.rust_name);
        if v.boxed {
            quote! { serde_json::from_value(#value).map(|value| #name::#variant(Box::new(value))) }
        } else {
            quote! { serde_json::from_value(#value).map(#name::#variant) }
        }
    };
    let arms = by_value.iter().map(|(value, claimants)| {
        let (last, earlier) = claimants.split_last().expect("every entry has a claimant");
        let mut attempt = decode(last, quote! { value });
        for v in earlier.iter().rev() {
            let first = decode(v, quote! { value.clone() });
            attempt = quote! { #first.or_else(|_| #attempt) };
        }
        quote! { Some(#value) => #attempt, }
    });
    let how = format!(" Decoded by its `{property}` property, which names the variant.");
    let unknown_doc =
        format!(" An object whose `{property}` this client does not know, kept as it was sent.");
    quote! {
        #docs
        #[doc = ""]
        #[doc = #how]
        #deprecated
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            #unknown(serde_json::Value),
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                                let value = serde_json::Value::deserialize(deserializer)?;
                let tag = value.get(#property).and_then(serde_json::Value::as_str).map(str::to_owned);
                let decoded = match tag.as_deref() {
                    #(#arms)*
                    _ => return Ok(#name::#unknown(value)),
                };
                decoded.map_err(serde::de::Error::custom)
            }
        }
    }
}

fn error_body(api: &Api, here: &TokenStream) -> TokenStream {
    let variants = api.error_bodies.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let ty = type_tokens(&v.ty, here);
        let doc = format!(" A body of type `{}`.", ty.to_string().replace(' ', ""));
        quote! {
            #[doc = #doc]
            #variant(#ty),
        }
    });
    quote! {
        #[doc = " The body of an error response, decoded as the type the spec documents for its status."]
        #[doc = ""]
        #[doc = " Get it with [`ApiError::body_typed`](crate::ApiError::body_typed)."]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum ErrorBody {
            #(#variants)*
        }
    }
}
