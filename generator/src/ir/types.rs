//! The IR's types: every named Rust type the crate defines, and the
//! references to types that fields, parameters and bodies hold.

use super::Docs;

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust type name (UpperCamelCase, unique in the crate).
    pub name: String,
    /// Where the schema is, as a JSON pointer.
    pub pointer: String,
    /// Documentation.
    pub docs: Docs,
    /// The shape of the type.
    pub kind: TypeKind,
}

/// The shapes a named type can take.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(StructDef),
    /// A string enum that keeps values it does not know.
    Enum(EnumDef),
    /// A value that is one of several types, tried in order (`oneOf` / `anyOf`).
    Union(UnionDef),
    /// Another name for an existing type (`pub type X = Y;`).
    Alias(TypeRef),
    /// The fields of a struct that a field-selection parameter can name.
    FieldEnum(FieldEnumDef),
}

/// The field names a field-selection parameter accepts (`x-field-selection`).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldEnumDef {
    /// The struct whose fields these are.
    pub of: String,
    /// One variant per property, then one per extra token, in that order.
    pub variants: Vec<EnumVariant>,
    /// The name of the variant holding a custom-field id, when the struct has
    /// custom fields; it is sent as the custom-field prefix and the id.
    pub custom_variant: Option<String>,
    /// The name of the variant that holds any other name, sent as is.
    pub other_variant: String,
}

/// A struct made from an object schema (and the members of an `allOf`).
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// Declared properties, in spec order.
    pub fields: Vec<Field>,
    /// What happens to properties the spec does not declare.
    pub extra: ExtraFields,
    /// The Rust name of the field that holds them (`extra`, unless a
    /// property took that name).
    pub extra_name: String,
    /// The Rust name of the field holding the custom fields (`custom`), when
    /// the schema has `x-custom-field-prefix`.
    pub custom_fields: Option<String>,
    /// Whether every field is optional, so the struct can derive `Default`.
    pub all_optional: bool,
    /// The names of the decoder's locals besides one per field: the map
    /// being read, the current key and what reading it gave, chosen not to
    /// clash with a field.
    pub decoder_locals: DecoderLocals,
}

/// The locals of a struct's written-out decoder that are not fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecoderLocals {
    /// The `MapAccess` being read (`map`).
    pub map: String,
    /// The current key (`key`).
    pub key: String,
    /// The result of reading the current key's value (`stored`).
    pub stored: String,
}

/// Where a struct keeps the properties it does not declare.
#[derive(Debug, Clone, PartialEq)]
pub enum ExtraFields {
    /// Kept as JSON values, so a decode → encode round trip loses nothing.
    Any,
    /// Kept with values of one type (`additionalProperties: {schema}`).
    Typed(TypeRef),
}

/// One property of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust field name (snake_case, keyword-escaped).
    pub rust_name: String,
    /// The JSON property name.
    pub wire_name: String,
    /// Documentation.
    pub docs: Docs,
    /// The value type, without the `Option`s that `presence` adds.
    pub ty: TypeRef,
    /// Whether the property must be there and whether it may be `null`.
    pub presence: Presence,
    /// Whether the value must be boxed to break a cycle of types.
    pub boxed: bool,
    /// `readOnly`: sent by the server only.
    pub read_only: bool,
    /// `writeOnly`: sent by the client only.
    pub write_only: bool,
    /// Where the property is, as a JSON pointer.
    pub pointer: String,
    /// The schema's `default`, as compact JSON: what the server assumes
    /// when the property is absent (the client never fills it in).
    pub default: Option<String>,
    /// The struct's method that sets the field (`with_name`); `None` for a
    /// required field, which `new` takes.
    pub setter: Option<String>,
    /// The struct's method that sets an optional nullable field to `null`
    /// (`clear_name`).
    pub clear: Option<String>,
}

/// Required or optional, nullable or not: four cases kept apart on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, may be null: `Option<T>`, `None` encodes as `null`.
    RequiredNullable,
    /// May be absent, never null: `Option<T>`, `None` is left out.
    Optional,
    /// May be absent or null: `Option<Option<T>>`, so "absent", "null" and a
    /// value stay three different things.
    OptionalNullable,
}

impl Presence {
    /// The presence of a property from its `required` and `nullable` flags.
    pub fn new(required: bool, nullable: bool) -> Self {
        match (required, nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::RequiredNullable,
            (false, false) => Presence::Optional,
            (false, true) => Presence::OptionalNullable,
        }
    }

    /// Whether a missing value is allowed (the field has a default).
    pub fn is_optional(self) -> bool {
        !matches!(self, Presence::Required)
    }

    /// Whether the property is left out of the JSON when it is `None`.
    pub fn may_be_absent(self) -> bool {
        matches!(self, Presence::Optional | Presence::OptionalNullable)
    }
}

/// A string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// Known values, in spec order.
    pub variants: Vec<EnumVariant>,
    /// The name of the catch-all variant that keeps an unknown value.
    pub other_variant: String,
}

/// One known value of a string enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The value on the wire.
    pub wire_value: String,
    /// What the value means, when the spec says (a `oneOf` member's description).
    pub description: Option<String>,
}

/// A `oneOf` / `anyOf`, decoded by trying each variant in order.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionDef {
    /// The alternatives, in spec order.
    pub variants: Vec<UnionVariant>,
    /// With a `discriminator`: the property whose value picks the variant,
    /// and the variant that keeps objects with a value the client does not
    /// know. Without one, variants are tried in order.
    pub tag: Option<UnionTag>,
}

/// The discriminator of a union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionTag {
    /// The JSON property that holds the tag.
    pub property: String,
    /// The name of the variant holding an object with an unknown tag.
    pub unknown_variant: String,
    /// Each tag value with the variants it selects, in spec order. A value
    /// that several variants claim (an ambiguous spec) tries them in order.
    pub groups: Vec<TagGroup>,
}

/// One value of a discriminator and the variants it selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagGroup {
    /// The tag value.
    pub value: String,
    /// Indexes into `UnionDef::variants`, tried in this order; never empty.
    pub variants: Vec<usize>,
}

/// One alternative of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The type it holds.
    pub ty: TypeRef,
    /// Whether the value must be boxed to break a cycle of types.
    pub boxed: bool,
    /// The discriminator values that select this variant.
    pub tag_values: Vec<String>,
}

/// A reference to a Rust type, as used in a field, parameter or body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// A named type in the generated crate.
    Named(String),
    /// `String`.
    String,
    /// `bool`.
    Boolean,
    /// An integer type.
    Integer(IntegerKind),
    /// `f64` or `f32`.
    Number(NumberKind),
    /// A date and time with offset (`format: date-time`).
    DateTime,
    /// A calendar date (`format: date`).
    Date,
    /// Any JSON value.
    Any,
    /// A JSON object with any values (`serde_json::Map`).
    AnyObject,
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// A map from string keys to `T`.
    Map(Box<TypeRef>),
}

/// The Rust integer types the generator uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntegerKind {
    /// `i32` (`format: int32`).
    I32,
    /// `i64` (`format: int64` or no format).
    I64,
    /// `u32` (`format: uint32`).
    U32,
    /// `u64` (`format: uint64` or `uint`).
    U64,
}

/// The Rust floating-point types the generator uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NumberKind {
    /// `f32` (`format: float`).
    F32,
    /// `f64` (`format: double` or no format).
    F64,
}

/// Whether values of `ty` print as one plain value (text, a number, an enum
/// value), so they can go in a path, a query string or a header.
pub fn is_scalar(ty: &TypeRef, types: &[TypeDef]) -> bool {
    is_scalar_at(ty, types, 0)
}

/// Whether every variant of a union is scalar, so the union is too.
pub fn is_scalar_union(union: &UnionDef, types: &[TypeDef]) -> bool {
    is_scalar_union_at(union, types, 1)
}

fn is_scalar_union_at(union: &UnionDef, types: &[TypeDef], depth: usize) -> bool {
    union
        .variants
        .iter()
        .all(|v| !v.boxed && is_scalar_at(&v.ty, types, depth))
}

fn is_scalar_at(ty: &TypeRef, types: &[TypeDef], depth: usize) -> bool {
    match ty {
        TypeRef::String
        | TypeRef::Boolean
        | TypeRef::Integer(_)
        | TypeRef::Number(_)
        | TypeRef::DateTime
        | TypeRef::Date => true,
        TypeRef::Any | TypeRef::AnyObject | TypeRef::Array(_) | TypeRef::Map(_) => false,
        // Named types nest; a cycle of aliases and unions is not scalar.
        TypeRef::Named(_) if depth > 16 => false,
        TypeRef::Named(name) => match types.iter().find(|t| &t.name == name).map(|t| &t.kind) {
            Some(TypeKind::Enum(_)) => true,
            Some(TypeKind::Alias(inner)) => is_scalar_at(inner, types, depth + 1),
            Some(TypeKind::Union(u)) => is_scalar_union_at(u, types, depth + 1),
            _ => false,
        },
    }
}
