//! The methods that build a struct: `new` takes the required fields, and
//! every other field gets a setter (`with_name`), an optional nullable one a
//! second method that sends `null` (`clear_name`). Structs are
//! `#[non_exhaustive]`, so these are how callers build them, and a field
//! added to the spec adds a method instead of breaking a struct literal.
//!
//! It runs after every type exists, partial types (whose fields all became
//! optional) included.

use crate::ir::{Presence, TypeDef, TypeKind};
use crate::naming::{self, Namespace, Scope};

/// Names the setters of every struct's fields.
pub(super) fn name_setters(types: &mut [TypeDef]) {
    for def in types {
        let TypeKind::Struct(s) = &mut def.kind else {
            continue;
        };
        // Methods are a namespace apart from fields; `new` and the methods
        // of the derived traits are taken from the start.
        let mut methods = Namespace::reserving(&[Scope::TypeMethod]);
        for field in &mut s.fields {
            let (setter, clear) = naming::setter_names(&field.rust_name);
            field.setter = match field.presence {
                Presence::Required => None,
                _ => Some(methods.claim(&setter).0),
            };
            field.clear = match field.presence {
                Presence::OptionalNullable => Some(methods.claim(&clear).0),
                _ => None,
            };
        }
    }
}
