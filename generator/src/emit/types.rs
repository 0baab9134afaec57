//! Named types → `types.rs` of the generated crate.
//!
//! Everything here prints a decision the IR already holds; what is the same
//! for every type (`Display`, `Serialize` and `Deserialize` of string enums,
//! the `Deserialize` of structs) is a runtime macro or generic function, so
//! only what varies is printed per type.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs::{doc_attrs, item_doc_lines, item_docs};
use super::format::{chunked, part, Part};
use crate::ir::{
    Api, EnumDef, ExtraFields, Field, FieldEnumDef, IntegerKind, NumberKind, Presence,
    RuntimeFeature, StructDef, TypeDef, TypeKind, TypeRef, UnionDef,
};

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
    let mut parts: Vec<Part<'_>> = vec![part(|| {
        quote! {
            #![doc = " The request and response bodies of the API, one type per schema."]
            #![allow(deprecated, clippy::large_enum_variant, clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::too_many_arguments)]
        }
    })];
    parts.extend(chunked(&api.types, |chunk| {
        let defs = chunk.iter().map(|def| type_def(def, &api.types));
        quote! { #(#defs)* }
    }));
    // `ErrorBody` is what the client's `ApiError` decodes into.
    if api.needs(RuntimeFeature::Client) {
        parts.push(part(|| error_body(api)));
    }
    parts
}

fn type_def(def: &TypeDef, types: &[TypeDef]) -> TokenStream {
    let name = ident(&def.name);
    let docs = item_docs(&def.docs, &format!("The schema at `{}`.", def.pointer), &[]);
    let deprecated = def.docs.deprecated.then(|| quote! { #[deprecated] });
    let here = TokenStream::new();
    match &def.kind {
        TypeKind::Struct(s) => {
            let definition = struct_def(&name, docs, deprecated, s, &here);
            let methods = struct_methods(&name, s, &here);
            let encoder = serialize_struct(&name, s);
            let decoder = deserialize_struct(&name, s);
            quote! { #definition #methods #encoder #decoder }
        }
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
            let def = union_def(&name, docs, deprecated, u, &here);
            quote! { #def #display }
        }
        TypeKind::Alias(ty) => {
            let ty = type_tokens(ty, &here);
            quote! { #docs #deprecated pub type #name = #ty; }
        }
        TypeKind::FieldEnum(f) => field_enum_def(&name, docs, f),
    }
}

/// The type of a field as declared: its value type, boxed where the IR
/// says, inside the `Option`s its presence adds.
fn field_type(field: &Field, here: &TokenStream) -> TokenStream {
    let mut ty = type_tokens(&field.ty, here);
    if field.boxed {
        ty = quote! { Box<#ty> };
    }
    match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => quote! { Option<#ty> },
        Presence::OptionalNullable => quote! { Option<Option<#ty>> },
    }
}

fn field_tokens(field: &Field, here: &TokenStream) -> TokenStream {
    let mut notes = Vec::new();
    match field.presence {
        Presence::Required => {}
        Presence::RequiredNullable => notes.push("Always sent; `None` is `null`."),
        Presence::Optional => notes.push("`None` when absent."),
        Presence::OptionalNullable => notes.push("`None` when absent, `Some(None)` when `null`."),
    }
    if field.docs.deprecated {
        notes.push("**Deprecated.**");
    }
    if field.read_only {
        notes.push("Sent by the server only.");
    }
    if field.write_only {
        notes.push("Sent by the client only.");
    }
    let default = field
        .default
        .as_ref()
        .map(|d| format!("The server assumes `{d}` when it is absent."));
    notes.extend(default.as_deref());
    let docs = item_doc_lines(
        &field.docs,
        &format!("The `{}` property.", field.wire_name),
        &[notes.join(" ")],
    );
    let name = ident(&field.rust_name);
    let ty = field_type(field, here);
    quote! {
        #(#[doc = #docs])*
        pub #name: #ty,
    }
}

fn struct_def(
    name: &Ident,
    docs: TokenStream,
    deprecated: Option<TokenStream>,
    s: &StructDef,
    here: &TokenStream,
) -> TokenStream {
    let fields = s.fields.iter().map(|f| field_tokens(f, here));
    let custom = s.custom_fields.as_ref().map(|custom| {
        let custom = ident(custom);
        quote! {
            #[doc = " Custom fields, by field id; written back as one flat key each."]
            pub #custom: crate::CustomFields,
        }
    });
    let (extra_ty, extra_doc) = match &s.extra {
        ExtraFields::Any => (
            quote! { serde_json::Map<String, serde_json::Value> },
            " Properties the spec does not declare, kept so that a decode → encode round trip loses nothing.",
        ),
        ExtraFields::Typed(ty) => {
            let ty = type_tokens(ty, here);
            (
                quote! { std::collections::BTreeMap<String, #ty> },
                " Additional properties (`additionalProperties`).",
            )
        }
    };
    let extra = ident(&s.extra_name);
    let derive_default = s.all_optional.then(|| quote! { Default, });
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, #derive_default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #custom
            #[doc = #extra_doc]
            pub #extra: #extra_ty,
        }
    }
}

/// A struct's constructor, which takes its required fields in spec order,
/// and the setters lower named for the rest: the way callers build a
/// `#[non_exhaustive]` struct, so a field added to the spec never breaks
/// them.
fn struct_methods(name: &Ident, s: &StructDef, here: &TokenStream) -> TokenStream {
    // Text is taken as anything that becomes a `String`; a boxed value
    // unboxed. `taken` gives the parameter's type and the stored value of
    // the argument `arg`.
    let taken = |f: &Field, arg: &Ident| {
        let ty = type_tokens(&f.ty, here);
        match f.ty {
            TypeRef::String => (quote! { impl Into<String> }, quote! { #arg.into() }),
            _ if f.boxed => (ty, quote! { Box::new(#arg) }),
            _ => (ty, quote! { #arg }),
        }
    };
    let value_arg = ident("value");
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    for f in &s.fields {
        let field = ident(&f.rust_name);
        let (input, value) = taken(f, &value_arg);
        if f.presence == Presence::Required {
            args.push(quote! { #field: #input });
            inits.push(match f.ty {
                TypeRef::String => quote! { #field: #field.into(), },
                _ if f.boxed => quote! { #field: Box::new(#field), },
                _ => quote! { #field, },
            });
        } else {
            inits.push(quote! { #field: None, });
        }
        let wire = &f.wire_name;
        if let Some(setter) = &f.setter {
            let setter = ident(setter);
            let stored = match f.presence {
                Presence::OptionalNullable => quote! { Some(Some(#value)) },
                _ => quote! { Some(#value) },
            };
            let doc = format!(
                " Sets `{}` (the `{wire}` property).",
                crate::naming::unraw(&f.rust_name)
            );
            setters.push(quote! {
                #[doc = #doc]
                pub fn #setter(mut self, value: #input) -> Self {
                    self.#field = #stored;
                    self
                }
            });
        }
        if let Some(clear) = &f.clear {
            let clear = ident(clear);
            let doc = format!(" Sends `{wire}` as `null`, which the server reads as clearing it; to leave it unchanged, set nothing.");
            setters.push(quote! {
                #[doc = #doc]
                pub fn #clear(mut self) -> Self {
                    self.#field = Some(None);
                    self
                }
            });
        }
    }
    if let Some(custom) = &s.custom_fields {
        let custom = ident(custom);
        inits.push(quote! { #custom: crate::CustomFields::new(), });
    }
    let extra = ident(&s.extra_name);
    let doc = if args.is_empty() {
        format!(" A `{name}` with every field unset; set them with its `with_` methods.")
    } else {
        format!(" A `{name}` from its required fields; set the others with its `with_` methods.")
    };
    quote! {
        impl #name {
            #[doc = #doc]
            pub fn new(#(#args),*) -> Self {
                #name {
                    #(#inits)*
                    #extra: Default::default(),
                }
            }

            #(#setters)*
        }
    }
}

/// The `Serialize` impl of a struct: one call per property on the
/// runtime's `ObjectWriter`, in declaration order, then the custom fields
/// and the extra map, flat. Written out rather than derived for the same
/// reason as the decoder (see below): serde's derive, with a `?` per entry
/// and `flatten`, cost nexus's `cargo check` 11 % more.
fn serialize_struct(name: &Ident, s: &StructDef) -> TokenStream {
    let entries = s.fields.iter().map(|f| {
        let wire = &f.wire_name;
        let field = ident(&f.rust_name);
        if f.presence.may_be_absent() {
            quote! { object.optional_entry(#wire, &self.#field); }
        } else {
            quote! { object.entry(#wire, &self.#field); }
        }
    });
    let custom = s.custom_fields.as_ref().map(|custom| {
        let custom = ident(custom);
        quote! { object.entries(self.#custom.entries()); }
    });
    let extra = ident(&s.extra_name);
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut object = crate::encode::ObjectWriter::start(serializer)?;
                #(#entries)*
                #custom
                object.entries(&self.#extra);
                object.end()
            }
        }
    }
}

/// The `wire::Object` impl of a struct (a local per property, one `match`
/// over the keys, the rest kept in the extra map or the custom fields), and
/// `Deserialize` through the runtime's `object!`.
///
/// Each arm is one call and the `match` has one `?`: an arm that reads
/// its value inline (`x = Some(map.next_value()?)`) costs the user's
/// `cargo check` about 10 % more on a spec with many structs, each `?`
/// being a branch and a conversion to type-check and borrow-check.
fn deserialize_struct(name: &Ident, s: &StructDef) -> TokenStream {
    let map = ident(&s.decoder_locals.map);
    let key = ident(&s.decoder_locals.key);
    let stored = ident(&s.decoder_locals.stored);
    let locals: Vec<Ident> = s.fields.iter().map(|f| ident(&f.rust_name)).collect();
    let arms = s.fields.iter().zip(&locals).map(|(f, local)| {
        let wire = &f.wire_name;
        quote! { #wire => crate::decode::field(&mut #map, &mut #local), }
    });
    let values = s
        .fields
        .iter()
        .zip(&locals)
        .map(|(f, local)| match f.presence {
            // A required property's local is bound to its value by the
            // `match` below; an optional nullable one's is the value.
            Presence::Required | Presence::OptionalNullable => quote! { #local, },
            Presence::RequiredNullable | Presence::Optional => {
                quote! { #local: crate::decode::absent_or_null(#local), }
            }
        });
    let extra = ident(&s.extra_name);
    let (custom_local, other, custom_value) = match &s.custom_fields {
        Some(custom) => {
            let custom = ident(custom);
            (
                Some(quote! { let mut #custom = crate::CustomFields::new(); }),
                quote! { crate::custom_fields::take(&mut #map, &mut #custom, &mut #extra, #key) },
                Some(quote! { #custom, }),
            )
        }
        None => (
            None,
            quote! { crate::decode::extra(&mut #map, &mut #extra, #key) },
            None,
        ),
    };
    let value = quote! {
        Ok(#name {
            #(#values)*
            #custom_value
            #extra,
        })
    };
    // The required properties are checked together, in one `match`: all
    // present builds the value, else the first absent one is the error.
    // A `?` per property cost nexus's `cargo check` 7 % more.
    let (required, names): (Vec<&Ident>, Vec<&String>) = s
        .fields
        .iter()
        .zip(&locals)
        .filter(|(f, _)| f.presence == Presence::Required)
        .map(|(f, local)| (local, &f.wire_name))
        .unzip();
    let build = match required.as_slice() {
        [] => value,
        [one] => {
            let name = names[0];
            quote! {
                match #one {
                    Some(#one) => #value,
                    None => Err(serde::de::Error::missing_field(#name)),
                }
            }
        }
        _ => quote! {
            match (#(#required),*) {
                (#(Some(#required)),*) => #value,
                (#(#required),*) => Err(crate::decode::missing(&[#((#required.is_none(), #names)),*])),
            }
        },
    };
    // A struct without declared properties keeps every key: no `match`.
    let dispatch = if s.fields.is_empty() {
        quote! { #other?; }
    } else {
        quote! {
            let #stored = match #key.as_str() {
                #(#arms)*
                _ => #other,
            };
            #stored?;
        }
    };
    quote! {
        crate::decode::object!(#name);

        impl<'de> crate::decode::Object<'de> for #name {
            fn visit<A: serde::de::MapAccess<'de>>(mut #map: A) -> Result<Self, A::Error> {
                #(let mut #locals = None;)*
                #custom_local
                let mut #extra = Default::default();
                while let Some(#key) = crate::decode::next_key(&mut #map)? {
                    #dispatch
                }
                #build
            }
        }
    }
}

/// A string enum, its `as_str` and `From<&str>`, and the runtime's
/// `string_enum!` for the rest.
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
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = " A value this client does not know yet, kept as it was sent."]
            #other(String),
        }

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

        crate::decode::string_enum!(#name);
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
        #[non_exhaustive]
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
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            #[non_exhaustive]
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
    let decode = |index: usize, value: TokenStream| {
        let v = &u.variants[index];
        let variant = ident(&v.rust_name);
        if v.boxed {
            quote! { serde_json::from_value(#value).map(|value| #name::#variant(Box::new(value))) }
        } else {
            quote! { serde_json::from_value(#value).map(#name::#variant) }
        }
    };
    let arms = tag.groups.iter().map(|group| {
        // Every variant but the last gets a clone to try; the last takes the
        // value.
        let mut attempt = TokenStream::new();
        for (position, index) in group.variants.iter().enumerate().rev() {
            attempt = if position + 1 == group.variants.len() {
                decode(*index, quote! { value })
            } else {
                let first = decode(*index, quote! { value.clone() });
                quote! { #first.or_else(|_| #attempt) }
            };
        }
        let value = &group.value;
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
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            #unknown(serde_json::Value),
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
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

fn error_body(api: &Api) -> TokenStream {
    let here = TokenStream::new();
    let variants = api.error_bodies.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let ty = type_tokens(&v.ty, &here);
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
