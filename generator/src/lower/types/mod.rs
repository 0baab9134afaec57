//! Schemas → named types and type references.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaData, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::Lowerer;
use crate::diagnostics::{pointer_join, Diagnostic};
use crate::ir::{Docs, IntegerKind, NumberKind, TypeDef, TypeKind, TypeRef};
use crate::naming;

mod objects;
mod variants;

/// A schema or a reference to one, whichever way the document boxes it.
#[derive(Clone, Copy)]
pub(crate) enum SchemaRef<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

/// The `properties` of an object schema.
type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

/// The docs of a schema.
pub(crate) fn schema_docs(data: &SchemaData) -> Docs {
    Docs {
        summary: data.title.clone(),
        description: data.description.clone(),
        deprecated: data.deprecated,
    }
}

/// A readable name of a type, for union variant names.
pub(crate) fn variant_label(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String => "String".to_owned(),
        TypeRef::Boolean => "Boolean".to_owned(),
        TypeRef::Integer(_) => "Integer".to_owned(),
        TypeRef::Number(_) => "Number".to_owned(),
        TypeRef::DateTime => "DateTime".to_owned(),
        TypeRef::Date => "Date".to_owned(),
        TypeRef::Any => "Value".to_owned(),
        TypeRef::AnyObject => "Object".to_owned(),
        TypeRef::Array(inner) => format!("{}List", variant_label(inner)),
        TypeRef::Map(inner) => format!("{}Map", variant_label(inner)),
    }
}

impl<'a> Lowerer<'a> {
    /// Chooses the Rust name of every component schema before any is lowered,
    /// so `$ref`s can be resolved in any order.
    pub(crate) fn name_components(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        for key in components.schemas.keys() {
            if self.hoisted_scalar(key).is_some() {
                continue;
            }
            let candidate = naming::type_name(key);
            let (name, changed) = self.type_names.claim(&candidate);
            if changed {
                self.diagnostics.push(
                    Diagnostic::warning(
                        pointer_join("#/components/schemas", key),
                        format!("schema `{key}` would be named `{candidate}` in Rust, which is taken; it is named `{name}`"),
                    )
                    .with_hint("rename one of the schemas so their Rust names differ"),
                );
            }
            self.component_names.insert(key.clone(), name);
        }
    }

    /// Lowers every component schema to a named type, in spec order.
    pub(crate) fn lower_components(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        for (key, schema) in &components.schemas {
            let pointer = pointer_join("#/components/schemas", key);
            let Some(name) = self.component_names.get(key).cloned() else {
                // A scalar loading brought in is no type of its own.
                continue;
            };
            match schema {
                ReferenceOr::Reference { reference } => {
                    // A component that is only a `$ref` is an alias; a chain
                    // of them that loops is reported rather than emitted as
                    // type aliases that never end.
                    let ty = match self.deref_schema(SchemaRef::Ref(reference), &pointer) {
                        Some(_) => self.type_ref(SchemaRef::Ref(reference), &pointer, &name).0,
                        None => TypeRef::Any,
                    };
                    self.types.push(TypeDef {
                        name,
                        pointer: pointer.clone(),
                        docs: Docs::default(),
                        kind: TypeKind::Alias(ty),
                    });
                }
                ReferenceOr::Item(schema) => {
                    let ty = TypeRef::Named(name.clone());
                    self.define(name.clone(), schema, &pointer);
                    let nullable = schema.schema_data.nullable;
                    self.note_schema_example(schema, &pointer, &ty, nullable, &name);
                }
            }
            // A component loading made is documented by where it was written
            // unless it documents itself: the spec has no component there.
            if let Some(written) = self.refs.hoisted_schemas.get(key) {
                let def = self.types.iter_mut().rev().find(|t| t.pointer == pointer);
                if let Some(def) =
                    def.filter(|d| d.docs.summary.is_none() && d.docs.description.is_none())
                {
                    def.docs.description = Some(format!("The schema at `{written}`."));
                }
            }
        }
    }

    /// The type of a schema used in some context, and whether it is nullable.
    /// Inline objects, enums and unions become new named types, named from
    /// `hint`.
    pub(crate) fn type_ref(
        &mut self,
        schema: SchemaRef<'a>,
        pointer: &str,
        hint: &str,
    ) -> (TypeRef, bool) {
        match schema {
            SchemaRef::Ref(reference) => (self.schema_ref(reference, pointer), false),
            SchemaRef::Item(schema) => {
                let nullable = schema.schema_data.nullable;
                let (ty, inner_nullable) = self.inline(schema, pointer, hint);
                let nullable = nullable || inner_nullable;
                self.note_schema_example(schema, pointer, &ty, nullable, hint);
                (ty, nullable)
            }
        }
    }

    /// A schema component loading made from a place the spec refers to
    /// (`#/components/parameters/limit/schema`) that is only a scalar: it is
    /// read as that scalar where it is used, as it was where it was written,
    /// rather than as a type alias of its own.
    fn hoisted_scalar(&self, key: &str) -> Option<&'a Schema> {
        if !self.refs.hoisted_schemas.contains_key(key) {
            return None;
        }
        let doc = self.doc;
        let ReferenceOr::Item(schema) = doc.components.as_ref()?.schemas.get(key)? else {
            return None;
        };
        let scalar = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => s.enumeration.is_empty(),
            SchemaKind::Type(Type::Number(_) | Type::Integer(_) | Type::Boolean(_)) => true,
            _ => false,
        };
        (scalar
            && !schema
                .schema_data
                .extensions
                .contains_key(super::extensions::CUSTOM_FIELD_PREFIX))
        .then_some(schema)
    }

    /// Resolves `#/components/schemas/X` to X's Rust name.
    fn schema_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        let key = reference.strip_prefix("#/components/schemas/");
        if let Some(name) = key.and_then(|key| self.component_names.get(key)) {
            return TypeRef::Named(name.clone());
        }
        if let Some(schema) = key.and_then(|key| self.hoisted_scalar(key)) {
            return self.inline_plain(schema, reference, "").0;
        }
        let empty = IndexMap::new();
        let schemas = self.doc.components.as_ref().map_or(&empty, |c| &c.schemas);
        let d = super::refs::ref_error(
            pointer,
            reference,
            "schemas",
            schemas,
            &self.refs.unresolved,
        );
        self.diagnostics.push(d);
        TypeRef::Any
    }

    /// Follows a schema `$ref` to the schema itself.
    fn deref_schema(
        &mut self,
        schema: SchemaRef<'a>,
        pointer: &str,
    ) -> Option<(&'a Schema, String)> {
        let doc = self.doc;
        let mut current = schema;
        let mut at = pointer.to_owned();
        // A chain longer than the number of schemas must contain a cycle.
        let limit = doc.components.as_ref().map_or(0, |c| c.schemas.len()) + 1;
        for _ in 0..=limit {
            match current {
                SchemaRef::Item(s) => return Some((s, at)),
                SchemaRef::Ref(reference) => {
                    let found = reference
                        .strip_prefix("#/components/schemas/")
                        .and_then(|key| doc.components.as_ref()?.schemas.get(key));
                    match found {
                        Some(next) => {
                            current = SchemaRef::from(next);
                            at = reference.to_owned();
                        }
                        None => {
                            self.schema_ref(reference, &at);
                            return None;
                        }
                    }
                }
            }
        }
        self.diagnostics.push(
            Diagnostic::error(
                pointer,
                "the `$ref` chain starting here is a cycle: every schema in it is only a `$ref` to the next",
            )
            .with_hint("make one schema of the chain a definition rather than another `$ref`"),
        );
        None
    }

    /// Defines the named type `name` for `schema` and records it. The type is
    /// recorded before the inline types it contains, so output follows the
    /// order in which a reader meets them.
    fn define(&mut self, name: String, schema: &'a Schema, pointer: &str) {
        let slot = self.types.len();
        self.types.push(TypeDef {
            name: name.clone(),
            pointer: pointer.to_owned(),
            docs: schema_docs(&schema.schema_data),
            kind: TypeKind::Alias(TypeRef::Any),
        });
        self.defining.push(pointer.to_owned());
        let kind = self.define_kind(&name, schema, pointer);
        self.defining.pop();
        self.types[slot].kind = kind;
    }

    fn define_kind(&mut self, name: &str, schema: &'a Schema, pointer: &str) -> TypeKind {
        if let Some(parts) = self.object_parts(schema, pointer) {
            if !parts.properties.is_empty() || parts.prefix.is_some() {
                return TypeKind::Struct(self.lower_struct(name, parts, pointer));
            }
        }
        // A `oneOf` of string enums (how some generators document each
        // value) is one string enum.
        if let SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } =
            &schema.schema_kind
        {
            if members.len() > 1 {
                if let Some(values) = self.string_enum_members(members) {
                    return TypeKind::Enum(self.lower_described_enum(
                        values.iter().map(|(v, d)| (v.as_str(), d.clone())),
                    ));
                }
            }
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if s.enumeration.iter().any(Option::is_some) => {
                TypeKind::Enum(self.lower_enum(s.enumeration.iter().flatten().map(String::as_str)))
            }
            SchemaKind::Any(any)
                if !any.enumeration.is_empty()
                    && any.enumeration.iter().all(|v| v.is_string() || v.is_null()) =>
            {
                TypeKind::Enum(self.lower_enum(any.enumeration.iter().filter_map(|v| v.as_str())))
            }

            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members }
                if members.len() > 1 =>
            {
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                TypeKind::Union(self.lower_union(
                    name,
                    members,
                    &pointer_join(pointer, key),
                    schema.schema_data.discriminator.as_ref(),
                ))
            }
            _ => {
                // Not a type of its own: an alias of whatever it describes.
                let (ty, _) = self.inline_plain(schema, pointer, name);
                TypeKind::Alias(ty)
            }
        }
    }

    /// An inline schema: a reference to an existing type, or a new named type.
    fn inline(&mut self, schema: &'a Schema, pointer: &str, hint: &str) -> (TypeRef, bool) {
        let defines_type = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => s.enumeration.iter().any(Option::is_some),
            SchemaKind::OneOf { one_of: m } | SchemaKind::AnyOf { any_of: m } => m.len() > 1,
            SchemaKind::Any(any) => {
                !any.properties.is_empty()
                    || (!any.enumeration.is_empty()
                        && any.enumeration.iter().all(|v| v.is_string() || v.is_null()))
                    || any.one_of.len() > 1
                    || any.any_of.len() > 1
                    || any.all_of.len() > 1
            }
            SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
            SchemaKind::AllOf { all_of } => all_of.len() > 1,
            _ => false,
        } || schema
            .schema_data
            .extensions
            .contains_key(super::extensions::CUSTOM_FIELD_PREFIX);
        if defines_type {
            if let SchemaKind::AllOf { .. } = &schema.schema_kind {
                // An allOf that merges to nothing but a single type is that type.
                if self.object_parts(schema, pointer).is_none() {
                    return self.inline_plain(schema, pointer, hint);
                }
            }
            if self.defining.iter().any(|p| p == pointer) {
                // Only possible through `allOf`, which copies the properties
                // of a referenced schema, this one included, into a new type.
                self.diagnostics.push(
                    Diagnostic::error(
                        pointer,
                        "this inline schema contains itself: an `allOf` around it merges a schema that holds it",
                    )
                    .with_hint("move it into `components/schemas` and refer to it with `$ref`, so the type can refer to itself"),
                );
                return (TypeRef::Any, false);
            }
            let (name, _) = self.type_names.claim(&naming::type_name(hint));
            self.define(name.clone(), schema, pointer);
            return (TypeRef::Named(name), false);
        }
        self.inline_plain(schema, pointer, hint)
    }

    /// A schema that does not define a named type of its own.
    fn inline_plain(&mut self, schema: &'a Schema, pointer: &str, hint: &str) -> (TypeRef, bool) {
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => string_type(&s.format),
            SchemaKind::Type(Type::Number(n)) => TypeRef::Number(match n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => NumberKind::F32,
                _ => NumberKind::F64,
            }),
            SchemaKind::Type(Type::Integer(i)) => TypeRef::Integer(integer_kind(&i.format)),
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Object(o)) => {
                self.map_type(o.additional_properties.as_ref(), pointer, hint)
            }
            SchemaKind::Type(Type::Array(a)) => self.array_type(a.items.as_ref(), pointer, hint),
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                match members.first() {
                    Some(only) => {
                        return self.type_ref(only.into(), &format!("{pointer}/{key}/0"), hint)
                    }
                    None => TypeRef::Any,
                }
            }
            SchemaKind::AllOf { all_of } => match all_of.first() {
                // `allOf: [{$ref}]` is the 3.0 way to put `nullable` or a
                // description next to a reference.
                Some(only) => {
                    return self.type_ref(only.into(), &format!("{pointer}/allOf/0"), hint)
                }
                None => TypeRef::Any,
            },
            SchemaKind::Not { .. } => {
                self.warning(
                    pointer,
                    "`not` schemas are not supported; the value is kept as any JSON value",
                );
                TypeRef::Any
            }
            SchemaKind::Any(any) => match any.typ.as_deref() {
                Some("string") => {
                    let format = match any.format.as_deref() {
                        Some("date-time") => VariantOrUnknownOrEmpty::Item(StringFormat::DateTime),
                        Some("date") => VariantOrUnknownOrEmpty::Item(StringFormat::Date),
                        _ => VariantOrUnknownOrEmpty::Empty,
                    };
                    string_type(&format)
                }
                Some("integer") => TypeRef::Integer(IntegerKind::I64),
                Some("number") => TypeRef::Number(NumberKind::F64),
                Some("boolean") => TypeRef::Boolean,
                Some("array") => self.array_type(any.items.as_ref(), pointer, hint),
                Some("object") => self.map_type(any.additional_properties.as_ref(), pointer, hint),
                _ if any.items.is_some() => self.array_type(any.items.as_ref(), pointer, hint),
                _ if any.one_of.len() == 1 => {
                    return self.type_ref(
                        (&any.one_of[0]).into(),
                        &format!("{pointer}/oneOf/0"),
                        hint,
                    )
                }
                _ if any.any_of.len() == 1 => {
                    return self.type_ref(
                        (&any.any_of[0]).into(),
                        &format!("{pointer}/anyOf/0"),
                        hint,
                    )
                }
                _ if any.all_of.len() == 1 => {
                    return self.type_ref(
                        (&any.all_of[0]).into(),
                        &format!("{pointer}/allOf/0"),
                        hint,
                    )
                }
                _ => TypeRef::Any,
            },
        };
        (ty, false)
    }

    fn array_type(
        &mut self,
        items: Option<&'a ReferenceOr<Box<Schema>>>,
        pointer: &str,
        hint: &str,
    ) -> TypeRef {
        match items {
            Some(items) => {
                let (ty, _) = self.type_ref(
                    items.into(),
                    &pointer_join(pointer, "items"),
                    &format!("{hint} Item"),
                );
                TypeRef::Array(Box::new(ty))
            }
            None => TypeRef::Array(Box::new(TypeRef::Any)),
        }
    }

    fn map_type(
        &mut self,
        additional: Option<&'a AdditionalProperties>,
        pointer: &str,
        hint: &str,
    ) -> TypeRef {
        match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let (ty, nullable) = self.type_ref(
                    schema.as_ref().into(),
                    &pointer_join(pointer, "additionalProperties"),
                    &format!("{hint} Value"),
                );
                if nullable {
                    // Null values in a map are kept as JSON, not dropped.
                    TypeRef::AnyObject
                } else {
                    TypeRef::Map(Box::new(ty))
                }
            }
            _ => TypeRef::AnyObject,
        }
    }
}

impl<'a> Lowerer<'a> {
    /// The fields a multipart body's schema declares, for documentation.
    pub(crate) fn multipart_fields(
        &mut self,
        schema: SchemaRef<'a>,
        pointer: &str,
    ) -> Vec<crate::ir::MultipartField> {
        let Some((schema, at)) = self.deref_schema(schema, pointer) else {
            return Vec::new();
        };
        let Some(parts) = self.object_parts(schema, &at) else {
            return Vec::new();
        };
        let is_binary = |s: &Schema| match &s.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                matches!(
                    string.format,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
                )
            }
            SchemaKind::Type(Type::Array(array)) => matches!(
                array.items.as_ref(),
                Some(ReferenceOr::Item(item)) if matches!(&item.schema_kind, SchemaKind::Type(Type::String(s)) if matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary)))
            ),
            _ => false,
        };
        parts
            .properties
            .iter()
            .map(|(name, (schema, _))| {
                let (binary, description) = match schema {
                    SchemaRef::Item(s) => (is_binary(s), s.schema_data.description.clone()),
                    SchemaRef::Ref(_) => (false, None),
                };
                crate::ir::MultipartField {
                    name: (*name).to_owned(),
                    binary,
                    required: parts.required.contains(name),
                    description,
                }
            })
            .collect()
    }
}

pub(crate) fn string_type(format: &VariantOrUnknownOrEmpty<StringFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
        _ => TypeRef::String,
    }
}

pub(crate) fn integer_kind(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> IntegerKind {
    match format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => IntegerKind::I32,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uint32" => IntegerKind::U32,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uint64" || f == "uint" => IntegerKind::U64,
        _ => IntegerKind::I64,
    }
}
