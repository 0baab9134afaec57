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
    PageField, Pagination, PaginationStyle, Parameter, ParameterLocation, SuccessResponse,
    TypeKind, TypeRef,
};

/// The name of the custom-field extension.
pub(crate) const CUSTOM_FIELD_PREFIX: &str = "x-custom-field-prefix";

/// The name of the pagination extension.
pub(crate) const PAGINATION: &str = "x-pagination";

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
