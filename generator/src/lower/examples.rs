//! The spec's examples: noted where lowering meets them (a schema's
//! `example`; the `example` and `examples` of a JSON media type, a
//! parameter or a response header), checked against the types they are
//! examples of once every type is lowered, and kept in the IR
//! (`Api::examples`), each to become a test of the generated crate.
//!
//! An example that does not fit its type is a warning (so an error in
//! strict mode) located at the value inside the example where it stops
//! fitting, and gets no test: the spec's author learns of it at `codegen`,
//! before any test runs. The check follows what the generated decoders
//! accept, and is stricter where the spec says more than they check: an
//! enum value the schema does not list decodes into the catch-all
//! variant, but an example that uses one disagrees with its schema.

use std::cell::Cell;
use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};
use serde_json::Value;

use super::types::{integer_kind, string_type, SchemaRef};
use super::Lowerer;
use crate::diagnostics::{pointer_join, Diagnostic};
use crate::ir::{self, ExtraFields, IntegerKind, NumberKind, Presence, TypeDef, TypeKind, TypeRef};
use crate::naming::{self, Namespace};

/// An example met while lowering, not yet checked.
pub(crate) struct Noted {
    /// The words its test is named from (`GetLead 200 response`).
    label: String,
    /// Where the value is.
    pointer: String,
    ty: TypeRef,
    nullable: bool,
    value: Value,
}

impl<'a> Lowerer<'a> {
    /// Notes the `example` of a schema at `pointer`, which lowered to `ty`.
    pub(crate) fn note_schema_example(
        &mut self,
        schema: &Schema,
        pointer: &str,
        ty: &TypeRef,
        nullable: bool,
        label: &str,
    ) {
        if let Some(value) = &schema.schema_data.example {
            let at = pointer_join(pointer, "example");
            self.note_example(label, at, ty, nullable, value);
        }
    }

    /// Notes the `example` and the `examples` of the media type, parameter
    /// or header at `pointer`, whose values are of type `ty`.
    pub(crate) fn note_examples(
        &mut self,
        example: Option<&Value>,
        examples: &'a IndexMap<String, ReferenceOr<openapiv3::Example>>,
        pointer: &str,
        ty: &TypeRef,
        label: &str,
    ) {
        if let Some(value) = example {
            self.note_example(label, pointer_join(pointer, "example"), ty, false, value);
        }
        for (key, entry) in examples {
            let at = pointer_join(&pointer_join(pointer, "examples"), key);
            let Some((entry, at)) = self.resolve(entry, &at, "examples", |c| &c.examples) else {
                continue;
            };
            match (&entry.value, &entry.external_value) {
                (Some(value), _) => {
                    let label = format!("{label} {key}");
                    self.note_example(&label, pointer_join(&at, "value"), ty, false, value);
                }
                (None, Some(url)) => self.diagnostics.push(
                    Diagnostic::warning(
                        pointer_join(&at, "externalValue"),
                        format!("the example's value is in `{url}`, which the generator does not read, so it is neither checked nor tested"),
                    )
                    .with_hint("write the value into the spec with `value:`"),
                ),
                (None, None) => {}
            }
        }
    }

    /// Notes the examples of a response's headers. Only a header whose
    /// schema is a scalar or a component has a type to test its examples
    /// with: the client does not read headers into types, so none is made
    /// for them here.
    pub(crate) fn note_header_examples(
        &mut self,
        headers: &'a IndexMap<String, ReferenceOr<openapiv3::Header>>,
        pointer: &str,
        label: &str,
    ) {
        for (name, header) in headers {
            let at = pointer_join(&pointer_join(pointer, "headers"), name);
            let Some((header, at)) = self.resolve(header, &at, "headers", |c| &c.headers) else {
                continue;
            };
            let openapiv3::ParameterSchemaOrContent::Schema(schema) = &header.format else {
                continue;
            };
            let Some(ty) = self.plain_type(SchemaRef::from(schema)) else {
                continue;
            };
            let label = format!("{label} {name} header");
            if let ReferenceOr::Item(schema) = schema {
                self.note_schema_example(schema, &pointer_join(&at, "schema"), &ty, false, &label);
            }
            self.note_examples(header.example.as_ref(), &header.examples, &at, &ty, &label);
        }
    }

    /// The type of a schema that defines no type of its own: a component
    /// or a scalar; `None` for anything else.
    fn plain_type(&self, schema: SchemaRef<'_>) -> Option<TypeRef> {
        match schema {
            SchemaRef::Ref(reference) => reference
                .strip_prefix("#/components/schemas/")
                .and_then(|key| self.component_names.get(key))
                .map(|name| TypeRef::Named(name.clone())),
            SchemaRef::Item(schema) => match &schema.schema_kind {
                SchemaKind::Type(Type::String(s)) if s.enumeration.is_empty() => {
                    Some(string_type(&s.format))
                }
                SchemaKind::Type(Type::Integer(i)) if i.enumeration.is_empty() => {
                    Some(TypeRef::Integer(integer_kind(&i.format)))
                }
                SchemaKind::Type(Type::Number(n)) if n.enumeration.is_empty() => {
                    Some(TypeRef::Number(match n.format {
                        VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => {
                            NumberKind::F32
                        }
                        _ => NumberKind::F64,
                    }))
                }
                SchemaKind::Type(Type::Boolean(_)) => Some(TypeRef::Boolean),
                _ => None,
            },
        }
    }

    fn note_example(
        &mut self,
        label: &str,
        pointer: String,
        ty: &TypeRef,
        nullable: bool,
        value: &Value,
    ) {
        // A component (a parameter, a response) is met once per operation
        // that uses it; its examples are one test each.
        if self.examples.iter().any(|e| e.pointer == pointer) {
            return;
        }
        self.examples.push(Noted {
            label: label.to_owned(),
            pointer,
            ty: ty.clone(),
            nullable,
            value: value.clone(),
        });
    }

    /// Checks every noted example against its type, once all types are
    /// lowered: a warning for each that does not fit, and the IR's
    /// examples for the others, each with the name of its test.
    /// `custom_field_prefix` is the spec's prefix of custom-field keys,
    /// whose values are any JSON.
    pub(crate) fn check_examples(&mut self, custom_field_prefix: Option<&str>) -> Vec<ir::Example> {
        let checker = Checker {
            types: self.types.iter().map(|t| (t.name.as_str(), t)).collect(),
            prefix: custom_field_prefix,
            budget: Cell::new(0),
            depth: Cell::new(0),
        };
        let mut names = Namespace::default();
        let mut checked = Vec::new();
        for example in std::mem::take(&mut self.examples) {
            let mut path = Vec::new();
            checker.budget.set(BUDGET);
            let fits = if example.nullable && example.value.is_null() {
                Ok(())
            } else {
                checker.check(&example.value, &example.ty, &mut path)
            };
            if let Err(mismatch) = fits {
                let at = mismatch
                    .path
                    .iter()
                    .fold(example.pointer.clone(), |at, part| pointer_join(&at, part));
                let place = if mismatch.path.is_empty() {
                    "the example".to_owned()
                } else {
                    format!("`/{}` of the example", mismatch.path.join("/"))
                };
                self.diagnostics.push(
                    Diagnostic::warning(
                        at,
                        format!(
                            "{place} {}, so the example does not fit its schema and is not tested",
                            mismatch.message
                        ),
                    )
                    .with_hint("correct the example, or the schema if the example shows what the API sends"),
                );
                continue;
            }
            let (test_name, _) = names.claim(&naming::value_name(&example.label));
            // The mock offers one example per type as `T::example()`: a
            // type of its own (an alias may name a type of `std`, which two
            // aliases can share), and a value rather than `null`.
            let fixture = match &example.ty {
                TypeRef::Named(name) => {
                    let own_type = checker.types.get(name.as_str()).is_some_and(|def| {
                        matches!(
                            def.kind,
                            TypeKind::Struct(_) | TypeKind::Enum(_) | TypeKind::Union(_)
                        )
                    });
                    own_type
                        && !example.value.is_null()
                        && !checked
                            .iter()
                            .any(|e: &ir::Example| e.fixture && e.ty == example.ty)
                }
                _ => false,
            };
            checked.push(ir::Example {
                test_name,
                pointer: example.pointer,
                ty: example.ty,
                nullable: example.nullable,
                value: example.value,
                fixture,
            });
        }
        checked
    }
}

/// Where an example stops fitting its type, and how.
#[derive(Debug, PartialEq)]
struct Mismatch {
    /// The keys and indexes from the example's root to the value.
    path: Vec<String>,
    /// What is wrong, as the end of a sentence whose subject is the value.
    message: String,
}

/// Checks values against the lowered types.
struct Checker<'t> {
    types: HashMap<&'t str, &'t TypeDef>,
    prefix: Option<&'t str>,
    /// How many more values one example may visit: unions nested in
    /// unions try every variant, which a hostile spec can make
    /// exponential.
    budget: Cell<usize>,
    /// How deep the check is.
    depth: Cell<usize>,
}

/// The values one example's check may visit, far beyond any real one.
const BUDGET: usize = 100_000;

/// How deep the check of one example may recurse: values nest at most 128
/// deep (the YAML parser's limit), with a few type hops per level.
const MAX_DEPTH: usize = 512;

impl Checker<'_> {
    /// Whether `value` is a value of `ty`; `path` is where it is, and
    /// comes back as it went in.
    fn check(&self, value: &Value, ty: &TypeRef, path: &mut Vec<String>) -> Result<(), Mismatch> {
        let Some(left) = self.budget.get().checked_sub(1) else {
            return Err(Mismatch {
                path: path.clone(),
                message: "has unions nested too deeply to check".to_owned(),
            });
        };
        self.budget.set(left);
        // Aliases and unions can refer to each other without a value
        // getting any deeper (a cycle lower reports), so the depth of the
        // check is bounded too, not only the value's.
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return Err(Mismatch {
                path: path.clone(),
                message:
                    "is nested too deeply to check, or its types refer to each other without end"
                        .to_owned(),
            });
        }
        self.depth.set(depth + 1);
        let result = self.check_here(value, ty, path);
        self.depth.set(depth);
        result
    }

    fn check_here(
        &self,
        value: &Value,
        ty: &TypeRef,
        path: &mut Vec<String>,
    ) -> Result<(), Mismatch> {
        let fail = |path: &Vec<String>, wants: &str| {
            Err(Mismatch {
                path: path.clone(),
                message: format!("is {}, where the schema wants {wants}", describe(value)),
            })
        };
        match ty {
            TypeRef::Any => Ok(()),
            TypeRef::String if value.is_string() => Ok(()),
            TypeRef::String => fail(path, "a string"),
            TypeRef::Boolean if value.is_boolean() => Ok(()),
            TypeRef::Boolean => fail(path, "a boolean"),
            TypeRef::Integer(kind) => {
                let fits = match kind {
                    IntegerKind::I64 => value.is_i64(),
                    IntegerKind::U64 => value.is_u64(),
                    IntegerKind::I32 => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
                    IntegerKind::U32 => value.as_u64().is_some_and(|n| u32::try_from(n).is_ok()),
                };
                if fits {
                    Ok(())
                } else {
                    let name = match kind {
                        IntegerKind::I32 => "i32",
                        IntegerKind::I64 => "i64",
                        IntegerKind::U32 => "u32",
                        IntegerKind::U64 => "u64",
                    };
                    fail(path, &format!("an integer that fits an `{name}`"))
                }
            }
            TypeRef::Number(kind) => {
                let fits = value.as_f64().is_some_and(|n| match kind {
                    // A value beyond `f32` would decode as infinity and
                    // encode as `null`.
                    NumberKind::F32 => (n as f32).is_finite(),
                    NumberKind::F64 => true,
                });
                if fits {
                    Ok(())
                } else {
                    fail(path, "a number")
                }
            }
            TypeRef::DateTime if value.as_str().is_some_and(is_date_time) => Ok(()),
            TypeRef::DateTime => fail(
                path,
                "an RFC 3339 date-time such as `2024-01-31T12:00:00+00:00`",
            ),
            TypeRef::Date if value.as_str().is_some_and(is_date) => Ok(()),
            TypeRef::Date => fail(path, "a date such as `2024-01-31`"),
            TypeRef::AnyObject if value.is_object() => Ok(()),
            TypeRef::AnyObject => fail(path, "an object"),
            TypeRef::Array(inner) => {
                let Some(items) = value.as_array() else {
                    return fail(path, "a list");
                };
                for (index, item) in items.iter().enumerate() {
                    path.push(index.to_string());
                    self.check(item, inner, path)?;
                    path.pop();
                }
                Ok(())
            }
            TypeRef::Map(inner) => {
                let Some(entries) = value.as_object() else {
                    return fail(path, "an object");
                };
                for (key, entry) in entries {
                    path.push(key.clone());
                    self.check(entry, inner, path)?;
                    path.pop();
                }
                Ok(())
            }
            TypeRef::Named(name) => match self.types.get(name.as_str()).map(|t| &t.kind) {
                // A name lower did not define was reported where it was used.
                None => Ok(()),
                Some(TypeKind::Alias(inner)) => self.check(value, inner, path),
                Some(TypeKind::Struct(def)) => self.check_struct(value, def, path),
                Some(TypeKind::Enum(def)) => {
                    let Some(text) = value.as_str() else {
                        return fail(path, "a string");
                    };
                    if def.variants.iter().any(|v| v.wire_value == text) {
                        Ok(())
                    } else {
                        fail(
                            path,
                            &format!(
                                "one of {}",
                                listed(def.variants.iter().map(|v| v.wire_value.as_str()))
                            ),
                        )
                    }
                }
                Some(TypeKind::FieldEnum(_)) if value.is_string() => Ok(()),
                Some(TypeKind::FieldEnum(_)) => fail(path, "a string"),
                Some(TypeKind::Union(def)) => self.check_union(value, name, def, path),
            },
        }
    }

    fn check_struct(
        &self,
        value: &Value,
        def: &ir::StructDef,
        path: &mut Vec<String>,
    ) -> Result<(), Mismatch> {
        let Some(object) = value.as_object() else {
            return Err(Mismatch {
                path: path.clone(),
                message: format!("is {}, where the schema wants an object", describe(value)),
            });
        };
        for field in &def.fields {
            let nullable = matches!(
                field.presence,
                Presence::RequiredNullable | Presence::OptionalNullable
            );
            match object.get(&field.wire_name) {
                None if matches!(
                    field.presence,
                    Presence::Required | Presence::RequiredNullable
                ) =>
                {
                    return Err(Mismatch {
                        path: path.clone(),
                        message: format!("has no `{}`, which the schema requires", field.wire_name),
                    });
                }
                None => {}
                Some(Value::Null) if nullable => {}
                Some(Value::Null) => {
                    path.push(field.wire_name.clone());
                    return Err(Mismatch {
                        path: path.clone(),
                        message: "is null, which the schema does not allow (it is not `nullable`)"
                            .to_owned(),
                    });
                }
                Some(field_value) => {
                    path.push(field.wire_name.clone());
                    self.check(field_value, &field.ty, path)?;
                    path.pop();
                }
            }
        }
        for (key, extra) in object {
            if def.fields.iter().any(|f| f.wire_name == *key) {
                continue;
            }
            // Custom fields hold any JSON value, as do untyped extra keys.
            let custom = def.custom_fields.is_some()
                && self.prefix.is_some_and(|prefix| key.starts_with(prefix));
            if let (false, ExtraFields::Typed(ty)) = (custom, &def.extra) {
                path.push(key.clone());
                self.check(extra, ty, path)?;
                path.pop();
            }
        }
        Ok(())
    }

    fn check_union(
        &self,
        value: &Value,
        name: &str,
        def: &ir::UnionDef,
        path: &mut Vec<String>,
    ) -> Result<(), Mismatch> {
        let candidates: Vec<usize> = match &def.tag {
            None => (0..def.variants.len()).collect(),
            Some(tag) => {
                let found = value.get(&tag.property).and_then(Value::as_str);
                let Some(found) = found else {
                    return Err(Mismatch {
                        path: path.clone(),
                        message: format!(
                            "has no string `{}`, the discriminator of `{name}`",
                            tag.property
                        ),
                    });
                };
                match tag.groups.iter().find(|g| g.value == found) {
                    Some(group) => group.variants.clone(),
                    None => {
                        path.push(tag.property.clone());
                        return Err(Mismatch {
                            path: path.clone(),
                            message: format!(
                                "is `{found}`, where the schema wants one of {}",
                                listed(tag.groups.iter().map(|g| g.value.as_str()))
                            ),
                        });
                    }
                }
            }
        };
        let mut first_mismatch = None;
        for index in &candidates {
            let mut trial = path.clone();
            match self.check(value, &def.variants[*index].ty, &mut trial) {
                Ok(()) => return Ok(()),
                // Out of budget: that, not the variants, is the answer.
                Err(mismatch) if self.budget.get() == 0 => return Err(mismatch),
                Err(mismatch) => {
                    first_mismatch.get_or_insert(mismatch);
                }
            }
        }
        // One candidate: its own mismatch says more than "fits none".
        match (candidates.len(), first_mismatch) {
            (1, Some(mismatch)) => Err(mismatch),
            _ => Err(Mismatch {
                path: path.clone(),
                message: format!(
                    "is {}, which fits none of the variants of `{name}` ({})",
                    describe(value),
                    listed(
                        candidates
                            .iter()
                            .map(|i| def.variants[*i].rust_name.as_str())
                    )
                ),
            }),
        }
    }
}

/// How a value reads in a message.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) if s.chars().count() <= 40 => format!("the string `{s}`"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// `` `a`, `b` and `c` ``.
fn listed<'v>(values: impl Iterator<Item = &'v str>) -> String {
    let quoted: Vec<String> = values.map(|v| format!("`{v}`")).collect();
    match quoted.split_last() {
        None => "nothing".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// `digits` ASCII digits at the start of `text`, as a number, and the rest.
fn number(text: &str, digits: usize) -> Option<(u32, &str)> {
    let head = text.get(..digits)?;
    if !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((head.parse().ok()?, &text[digits..]))
}

/// `YYYY-MM-DD` with a day the month has, and what follows it.
fn date_prefix(text: &str) -> Option<&str> {
    let (year, rest) = number(text, 4)?;
    let (month, rest) = number(rest.strip_prefix('-')?, 2)?;
    let (day, rest) = number(rest.strip_prefix('-')?, 2)?;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then_some(rest)
}

/// A calendar date as `format: date` writes it (`2024-01-31`).
fn is_date(text: &str) -> bool {
    date_prefix(text) == Some("")
}

/// An RFC 3339 date-time (`2024-01-31T12:00:00.5+01:00`), as the generated
/// `Timestamp` reads it.
fn is_date_time(text: &str) -> bool {
    let time = || -> Option<()> {
        let rest = date_prefix(text)?;
        let rest = rest.strip_prefix(['T', 't'])?;
        let (hour, rest) = number(rest, 2)?;
        let (minute, rest) = number(rest.strip_prefix(':')?, 2)?;
        let (second, mut rest) = number(rest.strip_prefix(':')?, 2)?;
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        if let Some(fraction) = rest.strip_prefix('.') {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            rest = &fraction[digits..];
        }
        if rest == "Z" || rest == "z" {
            return Some(());
        }
        let offset = rest.strip_prefix(['+', '-'])?;
        let (hours, offset) = number(offset, 2)?;
        let (minutes, offset) = number(offset.strip_prefix(':')?, 2)?;
        (hours < 24 && minutes < 60 && offset.is_empty()).then_some(())
    };
    time().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_date_times_are_read_as_chrono_reads_them() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2024-13-01"));
        assert!(!is_date("2024-1-01"));
        assert!(is_date_time("2013-02-01T00:54:51.333000+00:00"));
        assert!(is_date_time("2024-01-31t12:00:00Z"));
        assert!(is_date_time("2016-12-31T23:59:60-05:30"));
        assert!(!is_date_time("2024-01-31T12:00:00"));
        assert!(!is_date_time("2024-01-31 12:00:00Z"));
        assert!(!is_date_time("2024-01-31T24:00:00Z"));
        assert!(!is_date_time("2024-01-31T12:00:00.+00:00"));
        assert!(!is_date_time("2024-01-31T12:00:00+0000"));
    }

    #[test]
    fn unions_of_unions_stop_at_the_budget() {
        use crate::ir::{Docs, UnionDef, UnionVariant};
        let def = |name: &str, kind| TypeDef {
            name: name.to_owned(),
            pointer: String::new(),
            docs: Docs::default(),
            kind,
        };
        let variant = |name: &str| UnionVariant {
            rust_name: name.to_owned(),
            ty: TypeRef::Array(Box::new(TypeRef::Named(name.to_owned()))),
            boxed: false,
            tag_values: Vec::new(),
        };
        // `U` is a list of `A` or a list of `B`, and both are `U` again:
        // a value nested 40 deep that fails at its leaf is 2^40 tries.
        let types = [
            def(
                "U",
                TypeKind::Union(UnionDef {
                    variants: vec![variant("A"), variant("B")],
                    tag: None,
                }),
            ),
            def("A", TypeKind::Alias(TypeRef::Named("U".to_owned()))),
            def("B", TypeKind::Alias(TypeRef::Named("U".to_owned()))),
        ];
        let checker = Checker {
            types: types.iter().map(|t| (t.name.as_str(), t)).collect(),
            prefix: None,
            budget: Cell::new(BUDGET),
            depth: Cell::new(0),
        };
        let mut value = Value::Bool(true);
        for _ in 0..40 {
            value = Value::Array(vec![value]);
        }
        let mismatch = checker
            .check(&value, &TypeRef::Named("U".to_owned()), &mut Vec::new())
            .unwrap_err();
        assert_eq!(mismatch.message, "has unions nested too deeply to check");
    }

    #[test]
    fn aliases_that_loop_end_the_check() {
        use crate::ir::Docs;
        // Lower reports the cycle; the check of an example of it must end.
        let types = [TypeDef {
            name: "Loop".to_owned(),
            pointer: String::new(),
            docs: Docs::default(),
            kind: TypeKind::Alias(TypeRef::Named("Loop".to_owned())),
        }];
        let checker = Checker {
            types: types.iter().map(|t| (t.name.as_str(), t)).collect(),
            prefix: None,
            budget: Cell::new(BUDGET),
            depth: Cell::new(0),
        };
        let result = checker.check(
            &Value::Null,
            &TypeRef::Named("Loop".to_owned()),
            &mut Vec::new(),
        );
        assert!(result.unwrap_err().message.contains("without end"));
    }

    #[test]
    fn lists_read_as_a_sentence() {
        assert_eq!(listed(["a"].into_iter()), "`a`");
        assert_eq!(listed(["a", "b", "c"].into_iter()), "`a`, `b` or `c`");
    }
}
