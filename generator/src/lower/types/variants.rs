//! String enums and `oneOf` / `anyOf` unions, with their discriminators.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::{variant_label, Lowerer, SchemaRef};
use crate::diagnostics::pointer_join;
use crate::ir::{EnumDef, EnumVariant, TagGroup, UnionDef, UnionTag, UnionVariant};
use crate::naming::{self, Namespace};

impl<'a> Lowerer<'a> {
    pub(super) fn lower_enum<'v>(&mut self, values: impl Iterator<Item = &'v str>) -> EnumDef {
        self.lower_described_enum(values.map(|v| (v, None)))
    }

    pub(super) fn lower_described_enum<'v>(
        &mut self,
        values: impl Iterator<Item = (&'v str, Option<String>)>,
    ) -> EnumDef {
        let mut names = Namespace::default();
        let mut variants: Vec<EnumVariant> = Vec::new();
        for (value, description) in values {
            if variants.iter().any(|v| v.wire_value == value) {
                continue;
            }
            let (rust_name, _) = names.claim(&naming::variant_name(value));
            variants.push(EnumVariant {
                rust_name,
                wire_value: value.to_owned(),
                description,
            });
        }
        let other = if names.contains("Other") {
            "UnknownValue"
        } else {
            "Other"
        };
        let (other_variant, _) = names.claim(other);
        EnumDef {
            variants,
            other_variant,
        }
    }

    /// The values (with their member's description) when every member of a
    /// `oneOf` / `anyOf` is a string enum.
    pub(super) fn string_enum_members(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
    ) -> Option<Vec<(String, Option<String>)>> {
        let mut values = Vec::new();
        for member in members {
            let schema = match member {
                ReferenceOr::Item(schema) => schema,
                ReferenceOr::Reference { reference } => {
                    let key = reference.strip_prefix("#/components/schemas/")?;
                    match self.doc.components.as_ref()?.schemas.get(key)? {
                        ReferenceOr::Item(schema) => schema,
                        ReferenceOr::Reference { .. } => return None,
                    }
                }
            };
            let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else {
                return None;
            };
            let known: Vec<&String> = string.enumeration.iter().flatten().collect();
            if known.is_empty() {
                return None;
            }
            let description = schema
                .schema_data
                .description
                .clone()
                .filter(|_| known.len() == 1);
            values.extend(known.into_iter().map(|v| (v.clone(), description.clone())));
        }
        Some(values)
    }

    pub(super) fn lower_union(
        &mut self,
        name: &str,
        members: &'a [ReferenceOr<Schema>],
        pointer: &str,
        discriminator: Option<&'a openapiv3::Discriminator>,
    ) -> UnionDef {
        let mut names = Namespace::default();
        let mut variants: Vec<UnionVariant> = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let at = format!("{pointer}/{i}");
            // A member's `title` names both its variant and, when inline, its type.
            // Without a title, a one-value string enum is named after its value.
            let title = match member {
                ReferenceOr::Item(schema) => {
                    schema
                        .schema_data
                        .title
                        .clone()
                        .or_else(|| match &schema.schema_kind {
                            SchemaKind::Type(Type::String(s)) if s.enumeration.len() == 1 => {
                                s.enumeration[0].as_ref().map(|v| naming::variant_name(v))
                            }
                            _ => None,
                        })
                }
                ReferenceOr::Reference { .. } => None,
            };
            let hint = match &title {
                Some(title) => format!("{name} {title}"),
                None => format!("{name} Variant{i}"),
            };
            let (ty, _) = self.type_ref(member.into(), &at, &hint);
            if variants.iter().any(|v| v.ty == ty) {
                continue;
            }
            let label = title.unwrap_or_else(|| variant_label(&ty));
            let (rust_name, _) = names.claim(&naming::variant_name(&label));
            let tag_values = match discriminator {
                Some(d) => self.tag_values(d, member, pointer),
                None => Vec::new(),
            };
            variants.push(UnionVariant {
                rust_name,
                ty,
                boxed: false,
                tag_values,
            });
        }
        let tag = discriminator.and_then(|d| {
            if let Some(untagged) = variants.iter().find(|v| v.tag_values.is_empty()) {
                self.warning(
                    &pointer_join(pointer.rsplit_once('/').map_or(pointer, |(p, _)| p), "discriminator"),
                    format!(
                        "the discriminator `{}` selects no member for variant `{}`; the union is decoded by trying each variant in order",
                        d.property_name, untagged.rust_name
                    ),
                );
                return None;
            }
            Some(UnionTag {
                property: d.property_name.clone(),
                unknown_variant: names.claim("Unknown").0,
                groups: tag_groups(&variants),
            })
        });
        UnionDef { variants, tag }
    }

    /// The discriminator values that select `member`: the `mapping` entries
    /// that point at it; else the values its tag property allows (a one-value
    /// enum); else, for a reference, the schema's name (OpenAPI's default).
    pub(super) fn tag_values(
        &mut self,
        discriminator: &'a openapiv3::Discriminator,
        member: &'a ReferenceOr<Schema>,
        pointer: &str,
    ) -> Vec<String> {
        let reference = match member {
            ReferenceOr::Reference { reference } => Some(reference.as_str()),
            ReferenceOr::Item(_) => None,
        };
        let key = reference.and_then(|r| r.strip_prefix("#/components/schemas/"));
        let mapped: Vec<String> = discriminator
            .mapping
            .iter()
            .filter(|(_, target)| {
                Some(target.as_str()) == reference || Some(target.as_str()) == key
            })
            .map(|(value, _)| value.clone())
            .collect();
        if !mapped.is_empty() {
            return mapped;
        }
        if let Some((schema, at)) = self.deref_schema(member.into(), pointer) {
            if let Some(parts) = self.object_parts(schema, &at) {
                if let Some((SchemaRef::Item(property), _)) =
                    parts.properties.get(discriminator.property_name.as_str())
                {
                    if let SchemaKind::Type(Type::String(string)) = &property.schema_kind {
                        let values: Vec<String> =
                            string.enumeration.iter().flatten().cloned().collect();
                        if !values.is_empty() {
                            return values;
                        }
                    }
                }
            }
        }
        key.map(|k| vec![k.to_owned()]).unwrap_or_default()
    }
}

/// Each tag value with the variants that claim it, in spec order.
fn tag_groups(variants: &[UnionVariant]) -> Vec<TagGroup> {
    let mut groups: Vec<TagGroup> = Vec::new();
    for (index, variant) in variants.iter().enumerate() {
        for value in &variant.tag_values {
            match groups.iter_mut().find(|g| g.value == *value) {
                Some(group) => group.variants.push(index),
                None => groups.push(TagGroup {
                    value: value.clone(),
                    variants: vec![index],
                }),
            }
        }
    }
    groups
}
