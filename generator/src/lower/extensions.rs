//! Our vendor extensions, read and checked.
//!
//! | extension | where | meaning |
//! | --- | --- | --- |
//! | `x-custom-field-prefix` | object schema | keys starting with this prefix are custom fields; `additionalProperties` types their values |
//! | `x-pagination` | operation | how to walk the pages of a list: offset (`skip`, `limit`, `items`, `has_more`) or cursor (`cursor`, `limit`, `items`, `next_cursor`) |

use indexmap::IndexMap;
use serde_json::Value;

use super::Lowerer;
use crate::diagnostics::{pointer_join, Diagnostic};
use crate::ir::{
    Docs, EnumVariant, FieldEnumDef, PageField, Pagination, PaginationStyle, Parameter,
    ParameterLocation, Presence, Selection, StructDef, SuccessResponse, TypeDef, TypeKind, TypeRef,
};
use crate::naming::{self, Namespace};

/// The name of the custom-field extension.
pub(crate) const CUSTOM_FIELD_PREFIX: &str = "x-custom-field-prefix";

/// The name of the pagination extension.
pub(crate) const PAGINATION: &str = "x-pagination";

/// The name of the field-selection extension.
pub(crate) const FIELD_SELECTION: &str = "x-field-selection";

/// The example shown when `x-field-selection` is malformed.
const FIELD_SELECTION_EXAMPLE: &str =
    "write `x-field-selection: {schema: '#/components/schemas/Lead', tokens: {all: _all}}` on the query parameter";

/// The example shown when `x-pagination` is malformed.
const PAGINATION_EXAMPLE: &str = "write `x-pagination: {style: offset, skip: _skip, limit: _limit, items: data, has_more: has_more}` \
     or `x-pagination: {style: cursor, cursor: _cursor, limit: _limit, items: data, next_cursor: cursor_next}`";

impl Lowerer<'_> {
    /// Reads `x-custom-field-prefix` from a schema's extensions.
    pub(crate) fn custom_field_prefix(
        &mut self,
        extensions: &IndexMap<String, serde_json::Value>,
        pointer: &str,
    ) -> Option<String> {
        let value = extensions.get(CUSTOM_FIELD_PREFIX)?;
        match value.as_str() {
            Some(prefix) if !prefix.is_empty() => Some(prefix.to_owned()),
            _ => {
                self.diagnostics.push(
                    Diagnostic::error(
                        pointer_join(pointer, CUSTOM_FIELD_PREFIX),
                        format!(
                            "`{CUSTOM_FIELD_PREFIX}` must be a non-empty string, found `{value}`"
                        ),
                    )
                    .with_hint(format!("write `{CUSTOM_FIELD_PREFIX}: \"custom.\"`")),
                );
                None
            }
        }
    }
}

impl Lowerer<'_> {
    /// Reads and checks `x-pagination` against the operation's parameters and
    /// success type. Every problem is an error: a half-understood paginator
    /// would loop forever or skip pages.
    pub(crate) fn pagination(
        &mut self,
        extensions: &IndexMap<String, Value>,
        pointer: &str,
        parameters: &[Parameter],
        success: &SuccessResponse,
    ) -> Option<Pagination> {
        let value = extensions.get(PAGINATION)?;
        let at = pointer_join(pointer, PAGINATION);
        let fail = |lowerer: &mut Self, message: String| {
            lowerer
                .diagnostics
                .push(Diagnostic::error(&at, message).with_hint(PAGINATION_EXAMPLE));
            None::<Pagination>
        };
        let Some(map) = value.as_object() else {
            return fail(
                self,
                format!("`{PAGINATION}` must be a mapping, found `{value}`"),
            );
        };
        let text = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_owned);
        for key in map.keys() {
            if ![
                "style",
                "skip",
                "limit",
                "items",
                "has_more",
                "cursor",
                "next_cursor",
            ]
            .contains(&key.as_str())
            {
                return fail(self, format!("`{PAGINATION}` has an unknown key `{key}`"));
            }
        }
        let Some(style) = text("style") else {
            return fail(
                self,
                format!("`{PAGINATION}` needs `style: offset` or `style: cursor`"),
            );
        };
        let Some(items_key) = text("items") else {
            return fail(
                self,
                format!(
                    "`{PAGINATION}` needs `items`: the response property that holds a page's items"
                ),
            );
        };
        let param = |name: &str| {
            parameters
                .iter()
                .position(|p| p.wire_name == name && p.location == ParameterLocation::Query)
        };
        if let Some(limit) = text("limit") {
            if param(&limit).is_none() {
                return fail(self, format!("`{PAGINATION}.limit` names `{limit}`, which is not a query parameter of this operation"));
            }
        }
        if success.may_be_empty {
            return fail(
                self,
                format!("`{PAGINATION}` needs every success response to have a body"),
            );
        }
        let Some(TypeRef::Named(page_type)) = &success.ty else {
            return fail(
                self,
                format!("`{PAGINATION}` needs a success response whose body is an object schema"),
            );
        };
        let Some(fields) = self.struct_fields(page_type) else {
            return fail(self, format!("`{PAGINATION}` needs a success response whose body is an object schema; `{page_type}` is not one"));
        };
        let field = |wire: &str| fields.iter().find(|f| f.0 == wire).cloned();
        let Some((_, items_rust, TypeRef::Array(item_type), items_presence)) = field(&items_key)
        else {
            return fail(self, format!("`{PAGINATION}.items` names `{items_key}`, which is not an array property of `{page_type}`"));
        };
        let items = PageField {
            rust_name: items_rust,
            presence: items_presence,
        };
        let style = match style.as_str() {
            "offset" => {
                let (Some(skip_name), Some(has_more_key)) = (text("skip"), text("has_more")) else {
                    return fail(self, format!("offset `{PAGINATION}` needs `skip` (a query parameter) and `has_more` (a boolean property)"));
                };
                let Some(skip) = param(&skip_name) else {
                    return fail(self, format!("`{PAGINATION}.skip` names `{skip_name}`, which is not a query parameter of this operation"));
                };
                if !matches!(parameters[skip].ty, TypeRef::Integer(_)) {
                    return fail(
                        self,
                        format!("`{PAGINATION}.skip` names `{skip_name}`, which is not an integer"),
                    );
                }
                let Some((_, rust_name, TypeRef::Boolean, presence)) = field(&has_more_key) else {
                    return fail(self, format!("`{PAGINATION}.has_more` names `{has_more_key}`, which is not a boolean property of `{page_type}`"));
                };
                PaginationStyle::Offset {
                    skip,
                    skip_type: parameters[skip].ty.clone(),
                    has_more: PageField {
                        rust_name,
                        presence,
                    },
                }
            }
            "cursor" => {
                let (Some(cursor_name), Some(next_key)) = (text("cursor"), text("next_cursor"))
                else {
                    return fail(self, format!("cursor `{PAGINATION}` needs `cursor` (a query parameter) and `next_cursor` (a string property)"));
                };
                let Some(cursor) =
                    param(&cursor_name).filter(|i| parameters[*i].ty == TypeRef::String)
                else {
                    return fail(self, format!("`{PAGINATION}.cursor` names `{cursor_name}`, which is not a string query parameter of this operation"));
                };
                let Some((_, rust_name, TypeRef::String, presence)) = field(&next_key) else {
                    return fail(self, format!("`{PAGINATION}.next_cursor` names `{next_key}`, which is not a string property of `{page_type}`"));
                };
                PaginationStyle::Cursor {
                    cursor,
                    next_cursor: PageField {
                        rust_name,
                        presence,
                    },
                }
            }
            other => {
                return fail(
                    self,
                    format!("`{PAGINATION}.style` is `{other}`; it must be `offset` or `cursor`"),
                )
            }
        };
        Some(Pagination {
            style,
            items,
            item_type: *item_type,
        })
    }

    /// The fields of the struct named `name` (through aliases) as
    /// `(wire name, Rust name, type, presence)`.
    fn struct_fields(
        &self,
        name: &str,
    ) -> Option<Vec<(String, String, TypeRef, crate::ir::Presence)>> {
        let mut name = name.to_owned();
        // Aliases can chain; the number of types bounds any chain without a cycle.
        for _ in 0..=self.types.len() {
            let def = self.types.iter().find(|t| t.name == name)?;
            match &def.kind {
                TypeKind::Struct(s) => {
                    return Some(
                        s.fields
                            .iter()
                            .map(|f| {
                                (
                                    f.wire_name.clone(),
                                    f.rust_name.clone(),
                                    f.ty.clone(),
                                    f.presence,
                                )
                            })
                            .collect(),
                    )
                }
                TypeKind::Alias(TypeRef::Named(next)) => name = next.clone(),
                _ => return None,
            }
        }
        None
    }
}

impl<'a> Lowerer<'a> {
    /// Reads `x-field-selection` from the operation's parameters and makes
    /// the field enum and the partial types it needs.
    pub(crate) fn selection(
        &mut self,
        declared: &[(&'a openapiv3::Parameter, String)],
        parameters: &[Parameter],
        success: &SuccessResponse,
        pagination: Option<&Pagination>,
    ) -> Option<Selection> {
        let (value, at, wire_name) = declared.iter().find_map(|(p, at)| {
            let data = p.parameter_data_ref();
            data.extensions
                .get(FIELD_SELECTION)
                .map(|v| (v, pointer_join(at, FIELD_SELECTION), data.name.clone()))
        })?;
        let fail = |lowerer: &mut Self, message: String| {
            lowerer
                .diagnostics
                .push(Diagnostic::error(&at, message).with_hint(FIELD_SELECTION_EXAMPLE));
            None::<Selection>
        };
        let Some(parameter) = parameters.iter().position(|p| {
            p.wire_name == wire_name
                && p.location == ParameterLocation::Query
                && p.ty == TypeRef::String
        }) else {
            return fail(
                self,
                format!("`{FIELD_SELECTION}` must be on a string query parameter"),
            );
        };
        let Some(map) = value.as_object() else {
            return fail(
                self,
                format!("`{FIELD_SELECTION}` must be a mapping, found `{value}`"),
            );
        };
        for key in map.keys() {
            if key != "schema" && key != "tokens" {
                return fail(
                    self,
                    format!("`{FIELD_SELECTION}` has an unknown key `{key}`"),
                );
            }
        }
        let reference = map
            .get("schema")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(selected) = reference
            .strip_prefix("#/components/schemas/")
            .and_then(|key| self.component_names.get(key))
            .cloned()
        else {
            return fail(self, format!("`{FIELD_SELECTION}.schema` must be a `$ref`-style pointer to a component schema, found `{reference}`"));
        };
        let mut tokens = Vec::new();
        match map.get("tokens") {
            None => {}
            Some(Value::Object(entries)) => {
                for (name, value) in entries {
                    let Some(wire) = value.as_str() else {
                        return fail(
                            self,
                            format!("`{FIELD_SELECTION}.tokens.{name}` must be a string"),
                        );
                    };
                    tokens.push((name.clone(), wire.to_owned()));
                }
            }
            Some(other) => {
                return fail(
                    self,
                    format!("`{FIELD_SELECTION}.tokens` must map names to values, found `{other}`"),
                )
            }
        }
        let Some((partial, field_enum)) = self.selectable_type(&selected, &tokens) else {
            return fail(
                self,
                format!(
                    "`{FIELD_SELECTION}.schema` names `{reference}`, which is not an object schema"
                ),
            );
        };
        if success.may_be_empty {
            return fail(
                self,
                format!("`{FIELD_SELECTION}` needs every success response to have a body"),
            );
        }
        let Some(partial_success) = self.partial_of(success.ty.as_ref(), &selected, &partial)
        else {
            return fail(self, format!("the success response must be `{reference}` or an object with a property of that type (or a list of it) for `{FIELD_SELECTION}`"));
        };
        let partial_item = pagination.map(|p| match &p.item_type {
            TypeRef::Named(n) if *n == selected => TypeRef::Named(partial.clone()),
            other => other.clone(),
        });
        Some(Selection {
            parameter,
            field_enum,
            partial_success,
            partial_item,
        })
    }

    /// The partial type and field enum of `name`, made on first use.
    fn selectable_type(
        &mut self,
        name: &str,
        tokens: &[(String, String)],
    ) -> Option<(String, String)> {
        if let Some(found) = self.selectable.get(name) {
            return Some(found.clone());
        }
        let def = self.types.iter().find(|t| t.name == name)?.clone();
        let TypeKind::Struct(full) = &def.kind else {
            return None;
        };
        let partial = self
            .type_names
            .claim(&naming::type_name(&format!("{name} Partial")))
            .0;
        let field_enum = self
            .type_names
            .claim(&naming::type_name(&format!("{name} Field")))
            .0;
        let mut fields = full.fields.clone();
        for field in &mut fields {
            field.presence = match field.presence {
                Presence::Required | Presence::Optional => Presence::Optional,
                Presence::RequiredNullable | Presence::OptionalNullable => {
                    Presence::OptionalNullable
                }
            };
        }
        self.types.push(TypeDef {
            name: partial.clone(),
            pointer: def.pointer.clone(),
            docs: Docs {
                summary: Some(format!("`{name}` with every field optional: what a response holds when the request selected some of its fields.")),
                description: None,
                deprecated: false,
            },
            kind: TypeKind::Struct(StructDef { fields, all_optional: true, ..full.clone() }),
        });
        let mut names = Namespace::default();
        let mut variants: Vec<EnumVariant> = full
            .fields
            .iter()
            .map(|f| EnumVariant {
                rust_name: names.claim(&naming::variant_name(&f.wire_name)).0,
                wire_value: f.wire_name.clone(),
                description: None,
            })
            .collect();
        variants.extend(tokens.iter().map(|(token, wire)| EnumVariant {
            rust_name: names.claim(&naming::variant_name(token)).0,
            wire_value: wire.clone(),
            description: None,
        }));
        let custom_variant = full.custom_fields.as_ref().map(|_| names.claim("Custom").0);
        let other_variant = names.claim("Other").0;
        self.types.push(TypeDef {
            name: field_enum.clone(),
            pointer: def.pointer.clone(),
            docs: Docs {
                summary: Some(format!("A field of `{name}` that a request can select.")),
                description: None,
                deprecated: false,
            },
            kind: TypeKind::FieldEnum(FieldEnumDef {
                of: name.to_owned(),
                variants,
                custom_variant,
                other_variant,
            }),
        });
        self.selectable
            .insert(name.to_owned(), (partial.clone(), field_enum.clone()));
        Some((partial, field_enum))
    }

    /// `ty` with `selected` replaced by `partial`, directly or in a property
    /// (a page envelope); `None` when `selected` is not there.
    fn partial_of(
        &mut self,
        ty: Option<&TypeRef>,
        selected: &str,
        partial: &str,
    ) -> Option<TypeRef> {
        let TypeRef::Named(name) = ty? else {
            return None;
        };
        if name == selected {
            return Some(TypeRef::Named(partial.to_owned()));
        }
        if let Some(done) = self.partials.get(name) {
            return Some(TypeRef::Named(done.clone()));
        }
        let def = self.types.iter().find(|t| &t.name == name)?.clone();
        let TypeKind::Struct(envelope) = &def.kind else {
            return None;
        };
        let swap = |ty: &TypeRef| match ty {
            TypeRef::Named(n) if n == selected => Some(TypeRef::Named(partial.to_owned())),
            TypeRef::Array(inner) if **inner == TypeRef::Named(selected.to_owned()) => {
                Some(TypeRef::Array(Box::new(TypeRef::Named(partial.to_owned()))))
            }
            _ => None,
        };
        if !envelope.fields.iter().any(|f| swap(&f.ty).is_some()) {
            return None;
        }
        let mut fields = envelope.fields.clone();
        for field in &mut fields {
            if let Some(ty) = swap(&field.ty) {
                field.ty = ty;
            }
        }
        let envelope_partial = self
            .type_names
            .claim(&naming::type_name(&format!("{name} Partial")))
            .0;
        self.types.push(TypeDef {
            name: envelope_partial.clone(),
            pointer: def.pointer.clone(),
            docs: Docs {
                summary: Some(format!("`{name}` holding `{partial}`s: the response when the request selected some fields.")),
                description: None,
                deprecated: false,
            },
            kind: TypeKind::Struct(StructDef { fields, ..envelope.clone() }),
        });
        self.partials.insert(name.clone(), envelope_partial.clone());
        Some(TypeRef::Named(envelope_partial))
    }
}
