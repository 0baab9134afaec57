//! Our vendor extensions, read and checked.
//!
//! | extension | where | meaning |
//! | --- | --- | --- |
//! | `x-custom-field-prefix` | object schema | keys starting with this prefix are custom fields; `additionalProperties` types their values |
//! | `x-pagination` | operation | how to walk the pages of a list: offset (`skip`, `limit`, `items`, `has_more`) or cursor (`cursor`, `limit`, `items`, `next_cursor`) |
//! | `x-field-selection` | string query parameter | the parameter selects which fields of a schema the response carries |
//! | `x-rate-limit-reset-body` | 429 response | a JSON pointer to where its body holds the seconds until the limit resets |
//! | `x-idempotent` | operation | `false`: never sent again once it may have reached the server, whatever its method; `true`: may be, whatever its method |

use std::collections::HashSet;

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, StatusCode};
use serde_json::Value;

use super::Lowerer;
use crate::diagnostics::{pointer_join, Diagnostic};
use crate::ir::{
    Docs, EnumVariant, ExtraFields, FieldEnumDef, Operation, PageField, Pagination,
    PaginationStyle, Parameter, ParameterLocation, Presence, Selection, StatusMatch, StructDef,
    SuccessResponse, TypeDef, TypeKind, TypeRef,
};
use crate::naming::{self, Namespace};

/// The name of the custom-field extension.
pub(crate) const CUSTOM_FIELD_PREFIX: &str = "x-custom-field-prefix";

/// The name of the pagination extension.
pub(crate) const PAGINATION: &str = "x-pagination";

/// The name of the field-selection extension.
pub(crate) const FIELD_SELECTION: &str = "x-field-selection";

/// The name of the extension that says where a 429 body holds the reset.
pub(crate) const RATE_LIMIT_RESET_BODY: &str = "x-rate-limit-reset-body";

/// The name of the extension that says whether an operation is idempotent.
pub(crate) const IDEMPOTENT: &str = "x-idempotent";

/// The example shown when `x-rate-limit-reset-body` is malformed.
const RATE_LIMIT_RESET_BODY_EXAMPLE: &str =
    "write `x-rate-limit-reset-body: /error/rate_reset` on the 429 response: \
     a JSON pointer to the number of seconds, in its JSON body, until the limit resets";

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
    /// Whether an operation may be sent again once it may have reached the
    /// server: `x-idempotent` when the operation has it, else what HTTP says
    /// of its method.
    pub(crate) fn idempotent(
        &mut self,
        extensions: &IndexMap<String, Value>,
        pointer: &str,
        method: crate::ir::Method,
    ) -> bool {
        match extensions.get(IDEMPOTENT) {
            None => method.is_idempotent(),
            Some(Value::Bool(idempotent)) => *idempotent,
            Some(other) => {
                self.diagnostics.push(
                    Diagnostic::error(
                        pointer_join(pointer, IDEMPOTENT),
                        format!("`{IDEMPOTENT}` must be `true` or `false`, found `{other}`"),
                    )
                    .with_hint(format!(
                        "write `{IDEMPOTENT}: false` on an operation that must never be sent twice (one that adds to a list or a counter), or `{IDEMPOTENT}: true` on one that may (a search sent as POST)"
                    )),
                );
                method.is_idempotent()
            }
        }
    }

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
            wire_name: items_key.clone(),
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
                        wire_name: has_more_key,
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
                        wire_name: next_key,
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
            // A pointer into another file that loading could not follow.
            if let Some(why) = self.refs.unresolved.get(reference) {
                let mut error = Diagnostic::error(
                    pointer_join(&at, "schema"),
                    format!(
                        "{}; `{FIELD_SELECTION}` needs the schema it selects from",
                        why.message
                    ),
                );
                error.hint = why.hint.clone();
                error.related = why.related.clone();
                self.diagnostics.push(error);
                return None;
            }
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

impl Lowerer<'_> {
    /// Reads `x-rate-limit-reset-body` from the operations' responses: where
    /// a 429 body holds the seconds until the rate limit resets. It must be
    /// on a 429 response and be a JSON pointer to a number of that response's
    /// JSON body. The client reads it from any 429, so a spec names one.
    pub(crate) fn rate_limit_reset_body(&mut self, operations: &[Operation]) -> Option<String> {
        let doc = self.doc;
        // The pointer and where it was first met.
        let mut found: Option<(String, String)> = None;
        // A response component shared by many operations is checked once.
        let mut checked = HashSet::new();
        for (path, item) in doc.paths.iter() {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            let item_at = pointer_join("#/paths", path);
            for (method, operation) in item.iter() {
                let op_at = pointer_join(&item_at, method);
                let responses_at = pointer_join(&op_at, "responses");
                let entries = operation
                    .responses
                    .responses
                    .iter()
                    .map(|(code, response)| {
                        let key = match code {
                            StatusCode::Code(c) => c.to_string(),
                            StatusCode::Range(r) => format!("{r}XX"),
                        };
                        (*code == StatusCode::Code(429), response, key)
                    })
                    .chain(
                        operation
                            .responses
                            .default
                            .iter()
                            .map(|r| (false, r, "default".to_owned())),
                    );
                for (is_429, response, key) in entries {
                    let at = pointer_join(&responses_at, &key);
                    let Some((response, at)) =
                        self.resolve(response, &at, "responses", |c| &c.responses)
                    else {
                        continue;
                    };
                    let Some(value) = response.extensions.get(RATE_LIMIT_RESET_BODY) else {
                        continue;
                    };
                    let at = pointer_join(&at, RATE_LIMIT_RESET_BODY);
                    if !checked.insert(at.clone()) {
                        continue;
                    }
                    let body = operations
                        .iter()
                        .find(|op| op.pointer == op_at)
                        .and_then(|op| {
                            op.errors
                                .iter()
                                .find(|e| e.status == StatusMatch::Code(429))
                        })
                        .and_then(|e| e.ty.clone());
                    let Some(pointer) = self.check_reset_body(value, is_429, body, &at) else {
                        continue;
                    };
                    match &found {
                        None => found = Some((pointer, at)),
                        Some((first, first_at)) if *first != pointer => {
                            self.diagnostics.push(
                                Diagnostic::error(
                                    &at,
                                    format!("this 429 response's reset is at `{pointer}`, but another says `{first}`"),
                                )
                                .with_related("the other", first_at.clone())
                                .with_hint("the client reads the reset from every 429 at one place; use the same pointer everywhere"),
                            );
                        }
                        Some(_) => {}
                    }
                }
            }
        }
        found.map(|(pointer, _)| pointer)
    }

    /// Checks one `x-rate-limit-reset-body` (at `at`) and returns its pointer.
    fn check_reset_body(
        &mut self,
        value: &Value,
        is_429: bool,
        body: Option<TypeRef>,
        at: &str,
    ) -> Option<String> {
        let fail = |lowerer: &mut Self, message: String| {
            lowerer
                .diagnostics
                .push(Diagnostic::error(at, message).with_hint(RATE_LIMIT_RESET_BODY_EXAMPLE));
            None
        };
        if !is_429 {
            return fail(
                self,
                format!("`{RATE_LIMIT_RESET_BODY}` is read only on a 429 response"),
            );
        }
        let Some(pointer) = value.as_str() else {
            return fail(
                self,
                format!("`{RATE_LIMIT_RESET_BODY}` must be a JSON pointer, found `{value}`"),
            );
        };
        let Some(path) = json_pointer(pointer) else {
            return fail(self, format!("`{RATE_LIMIT_RESET_BODY}` is `{pointer}`, which is not a JSON pointer to a property (`/error/rate_reset`: `/` before each key, `~1` for a `/` and `~0` for a `~` in one)"));
        };
        let Some(body) = body else {
            return fail(
                self,
                format!(
                    "`{RATE_LIMIT_RESET_BODY}` needs the 429 response to have a JSON body schema"
                ),
            );
        };
        if !self.number_at(&body, &path, &mut HashSet::new()) {
            let name = match &body {
                TypeRef::Named(name) => format!(" `{name}`"),
                _ => String::new(),
            };
            return fail(self, format!("`{RATE_LIMIT_RESET_BODY}` points at `{pointer}`, which is not a number property of the 429 body{name}"));
        }
        Some(pointer.to_owned())
    }

    /// Whether the JSON pointer `path` (unescaped keys) leads to a number in
    /// values of `ty`: through declared properties, any member of a union,
    /// map values, array items and values of any JSON. `seen` holds the
    /// named types already tried with as many keys left, so a cycle of
    /// types, or unions that share members, is walked once.
    fn number_at(
        &self,
        ty: &TypeRef,
        path: &[String],
        seen: &mut HashSet<(String, usize)>,
    ) -> bool {
        match (ty, path.split_first()) {
            (TypeRef::Any, _) | (TypeRef::AnyObject, Some(_)) => true,
            (TypeRef::Integer(_) | TypeRef::Number(_), None) => true,
            (TypeRef::Map(inner), Some((_, rest))) => self.number_at(inner, rest, seen),
            (TypeRef::Array(inner), Some((index, rest))) => {
                index.parse::<usize>().is_ok() && self.number_at(inner, rest, seen)
            }
            (TypeRef::Named(name), _) => {
                if !seen.insert((name.clone(), path.len())) {
                    return false;
                }
                match self.types.iter().find(|t| t.name == *name).map(|t| &t.kind) {
                    Some(TypeKind::Alias(inner)) => self.number_at(inner, path, seen),
                    Some(TypeKind::Union(u)) => {
                        u.variants.iter().any(|v| self.number_at(&v.ty, path, seen))
                    }
                    Some(TypeKind::Struct(s)) => {
                        let Some((key, rest)) = path.split_first() else {
                            return false;
                        };
                        match s.fields.iter().find(|f| f.wire_name == *key) {
                            Some(field) => self.number_at(&field.ty, rest, seen),
                            None => matches!(&s.extra, ExtraFields::Typed(extra)
                                if self.number_at(extra, rest, seen)),
                        }
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }
}

/// The keys of a JSON pointer (RFC 6901) with `~1` and `~0` unescaped, or
/// `None` when it is not one or points at the whole document.
fn json_pointer(text: &str) -> Option<Vec<String>> {
    let rest = text.strip_prefix('/')?;
    rest.split('/')
        .map(|key| {
            let mut unescaped = String::with_capacity(key.len());
            let mut chars = key.chars();
            while let Some(c) = chars.next() {
                match c {
                    '~' => match chars.next() {
                        Some('0') => unescaped.push('~'),
                        Some('1') => unescaped.push('/'),
                        _ => return None,
                    },
                    other => unescaped.push(other),
                }
            }
            Some(unescaped)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::json_pointer;

    #[test]
    fn json_pointers_unescape_their_keys() {
        assert_eq!(
            json_pointer("/error/rate_reset"),
            Some(vec!["error".to_owned(), "rate_reset".to_owned()])
        );
        assert_eq!(
            json_pointer("/a~1b/c~0d"),
            Some(vec!["a/b".to_owned(), "c~d".to_owned()])
        );
        assert_eq!(json_pointer("error.rate_reset"), None);
        assert_eq!(json_pointer(""), None);
        assert_eq!(json_pointer("/a~2"), None);
    }
}
