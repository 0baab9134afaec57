//! Object schemas (and the `allOf` members merged into them) as structs.

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

use super::{schema_docs, Lowerer, Properties, SchemaRef};
use crate::diagnostics::{pointer_join, Diagnostic};
use crate::ir::{DecoderLocals, Docs, ExtraFields, Field, Presence, StructDef};
use crate::naming::{self, Namespace};

/// The parts of an object schema, gathered across `allOf` members.
#[derive(Default)]
pub(super) struct ObjectParts<'a> {
    pub(super) properties: IndexMap<&'a str, (SchemaRef<'a>, String)>,
    pub(super) required: Vec<&'a str>,
    /// Where each entry of `required` is, in the same order.
    pub(super) required_at: Vec<String>,
    pub(super) additional: Option<(&'a AdditionalProperties, String)>,
    pub(super) prefix: Option<String>,
    /// The `allOf` members merged so far, by pointer: merging one twice adds
    /// nothing, and revisiting them made diamond-shaped `allOf`s exponential.
    pub(super) merged: Vec<String>,
    /// The members being merged, outermost first, to tell a cycle.
    pub(super) active: Vec<String>,
}

impl<'a> Lowerer<'a> {
    /// Gathers the object parts of `schema`, following `allOf` members.
    /// `None` when the schema is not an object at all.
    pub(super) fn object_parts(
        &mut self,
        schema: &'a Schema,
        pointer: &str,
    ) -> Option<ObjectParts<'a>> {
        let mut parts = ObjectParts::default();
        let mut is_object = false;
        self.collect_parts(schema, pointer, &mut parts, &mut is_object, 0);
        is_object.then_some(parts)
    }

    pub(super) fn collect_parts(
        &mut self,
        schema: &'a Schema,
        pointer: &str,
        parts: &mut ObjectParts<'a>,
        is_object: &mut bool,
        depth: usize,
    ) {
        // Deeper nesting than this only happens through a cycle of allOfs.
        if depth > 32 {
            self.error(
                pointer,
                "`allOf` members include the schema itself (a cycle of `allOf`s)",
            );
            return;
        }
        if parts.prefix.is_none() {
            parts.prefix = self.custom_field_prefix(&schema.schema_data.extensions, pointer);
        }
        let (properties, required, additional, all_of): (
            Option<&'a Properties>,
            &'a [String],
            _,
            &'a [ReferenceOr<Schema>],
        ) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (
                Some(&o.properties),
                &o.required,
                o.additional_properties.as_ref(),
                &[],
            ),
            SchemaKind::AllOf { all_of } => (None, &[], None, all_of),
            SchemaKind::Any(any) if any.typ.as_deref().is_none_or(|t| t == "object") => {
                let is_obj = any.typ.is_some()
                    || !any.properties.is_empty()
                    || any.additional_properties.is_some();
                if !is_obj && any.all_of.is_empty() {
                    return;
                }
                (
                    is_obj.then_some(&any.properties),
                    &any.required,
                    any.additional_properties.as_ref(),
                    &any.all_of,
                )
            }
            _ => return,
        };
        if let Some(properties) = properties {
            *is_object = true;
            for (key, value) in properties {
                let at = pointer_join(&pointer_join(pointer, "properties"), key);
                parts.properties.insert(key, (value.into(), at));
            }
        }
        for (i, r) in required.iter().enumerate() {
            if !parts.required.contains(&r.as_str()) {
                parts.required.push(r);
                parts
                    .required_at
                    .push(format!("{}/{i}", pointer_join(pointer, "required")));
            }
        }
        if let Some(additional) = additional {
            parts.additional = Some((additional, pointer.to_owned()));
        }
        for (i, member) in all_of.iter().enumerate() {
            let at = format!("{pointer}/allOf/{i}");
            if let Some((member, at)) = self.deref_schema(member.into(), &at) {
                if parts.active.contains(&at) || at == pointer {
                    self.diagnostics.push(
                        Diagnostic::error(
                            pointer,
                            format!("`allOf` members include `{at}`, which contains this schema (a cycle of `allOf`s)"),
                        )
                        .with_hint("a schema can refer to itself through a property, never through `allOf`"),
                    );
                    continue;
                }
                if parts.merged.contains(&at) {
                    continue;
                }
                parts.merged.push(at.clone());
                parts.active.push(pointer.to_owned());
                self.collect_parts(member, &at, parts, is_object, depth + 1);
                parts.active.pop();
            }
        }
    }

    pub(super) fn lower_struct(
        &mut self,
        name: &str,
        parts: ObjectParts<'a>,
        pointer: &str,
    ) -> StructDef {
        let mut names = Namespace::default();
        let mut fields = Vec::new();
        for (wire, (schema, at)) in &parts.properties {
            let (ty, nullable) = self.type_ref(*schema, at, &naming::nested_type_name(name, wire));
            let (docs, read_only, write_only, default) = match schema {
                SchemaRef::Item(s) => (
                    schema_docs(&s.schema_data),
                    s.schema_data.read_only,
                    s.schema_data.write_only,
                    s.schema_data.default.as_ref().map(|d| d.to_string()),
                ),
                // A scalar hoisted out of its place keeps its docs.
                SchemaRef::Ref(reference) => match reference
                    .strip_prefix("#/components/schemas/")
                    .and_then(|key| self.hoisted_scalar(key))
                {
                    Some(s) => (
                        schema_docs(&s.schema_data),
                        s.schema_data.read_only,
                        s.schema_data.write_only,
                        s.schema_data.default.as_ref().map(|d| d.to_string()),
                    ),
                    None => (Docs::default(), false, false, None),
                },
            };
            let candidate = naming::value_name(wire);
            let (rust_name, changed) = names.claim(&candidate);
            if changed {
                self.warning(at, format!("property `{wire}` would be the Rust field `{candidate}`, which another property took; it is `{rust_name}`"));
            }
            fields.push(Field {
                rust_name,
                wire_name: (*wire).to_owned(),
                docs,
                ty,
                presence: Presence::new(parts.required.contains(wire), nullable),
                boxed: false,
                read_only,
                write_only,
                pointer: at.clone(),
                default,
                setter: None,
                clear: None,
            });
        }
        // A name in `required` that no property has is most often a typo;
        // the generator reads it as JSON Schema does (the key must be
        // there, and it is kept with the extra fields).
        if parts.prefix.is_none() {
            for (r, at) in parts.required.iter().zip(&parts.required_at) {
                if parts.properties.contains_key(r) {
                    continue;
                }
                let names = parts.properties.keys().copied();
                let hint = match crate::diagnostics::closest(r, names) {
                    Some(meant) => format!("did you mean `{meant}`?"),
                    None => format!("add a property `{r}`, or remove it from `required`"),
                };
                self.diagnostics.push(
                    Diagnostic::warning(
                        at,
                        format!("`required` lists `{r}`, which is not among the properties; the generator keeps it with the extra fields"),
                    )
                    .with_hint(hint),
                );
            }
        }
        let extra = match (&parts.additional, &parts.prefix) {
            (Some((AdditionalProperties::Schema(schema), at)), None) => {
                let (ty, nullable) = self.type_ref(
                    schema.as_ref().into(),
                    &pointer_join(at, "additionalProperties"),
                    &format!("{name} Value"),
                );
                if nullable {
                    ExtraFields::Any
                } else {
                    ExtraFields::Typed(ty)
                }
            }
            (Some((AdditionalProperties::Schema(schema), at)), Some(_)) => {
                // The schema types the custom fields; it is lowered so its type
                // exists and is documented, but values stay JSON so a field of
                // another shape never fails a decode.
                self.type_ref(
                    schema.as_ref().into(),
                    &pointer_join(at, "additionalProperties"),
                    &format!("{name} Custom Field"),
                );
                ExtraFields::Any
            }
            _ => ExtraFields::Any,
        };
        let custom_fields = parts.prefix.as_ref().map(|prefix| {
            self.custom_prefixes
                .push((prefix.clone(), pointer.to_owned()));
            names.claim("custom").0
        });
        let (extra_name, _) = names.claim("extra");
        let all_optional = fields.iter().all(|f| f.presence.is_optional());
        // The decoder's locals share the fields' namespace: one per field,
        // then these.
        let decoder_locals = DecoderLocals {
            map: names.claim("map").0,
            key: names.claim("key").0,
            stored: names.claim("stored").0,
        };
        StructDef {
            fields,
            extra,
            extra_name,
            custom_fields,
            all_optional,
            decoder_locals,
        }
    }
}
