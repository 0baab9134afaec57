//! Resolves `$ref`s to components, with a "did you mean" for misspellings.
//!
//! Loading has brought everything else a `$ref` can reach (a place inside
//! another component, another file) into `components`; a reference it could
//! not follow is kept with why, and reported here, where it is met.

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::ReferenceOr;

use super::Lowerer;
use crate::diagnostics::{closest, Diagnostic};
use crate::load::Unresolved;

/// A `$ref` that could not be followed.
pub(crate) fn ref_error<T>(
    pointer: &str,
    reference: &str,
    section: &str,
    candidates: &IndexMap<String, T>,
    unresolved: &HashMap<String, Unresolved>,
) -> Diagnostic {
    if let Some(why) = unresolved.get(reference) {
        let mut diagnostic = Diagnostic::error(pointer, why.message.clone());
        diagnostic.hint = why.hint.clone();
        diagnostic.related = why.related.clone();
        return diagnostic;
    }
    let prefix = format!("#/components/{section}/");
    if !reference.starts_with('#') {
        // Loading follows every reference to another file; one left here
        // was given to `lower` without loading.
        return Diagnostic::error(
            pointer,
            format!("`$ref: {reference}` points outside this file, which was not read"),
        )
        .with_hint("generate from the spec's file, so the files it names are read too");
    }
    let Some(name) = reference.strip_prefix(&prefix) else {
        return Diagnostic::error(
            pointer,
            format!("`$ref: {reference}` must point into `{prefix}` here"),
        )
        .with_hint(format!(
            "only an entry of `components.{section}` can stand here"
        ));
    };
    let diagnostic = Diagnostic::error(
        pointer,
        format!("`$ref` points at `{reference}`, which does not exist"),
    );
    match closest(name, candidates.keys().map(String::as_str)) {
        Some(best) => diagnostic.with_hint(format!("did you mean `{prefix}{best}`?")),
        None => diagnostic,
    }
}

impl<'a> Lowerer<'a> {
    /// Follows `item` through `components.<section>` until it reaches a value.
    /// Returns the value and the pointer where it is defined.
    pub(crate) fn resolve<T>(
        &mut self,
        item: &'a ReferenceOr<T>,
        pointer: &str,
        section: &str,
        select: impl Fn(&'a openapiv3::Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    ) -> Option<(&'a T, String)> {
        let mut current = item;
        let mut at = pointer.to_owned();
        // A chain longer than the number of components must contain a cycle.
        let limit = self.doc.components.as_ref().map_or(0, |c| select(c).len()) + 1;
        for _ in 0..=limit {
            match current {
                ReferenceOr::Item(value) => return Some((value, at)),
                ReferenceOr::Reference { reference } => {
                    let prefix = format!("#/components/{section}/");
                    let map = self.doc.components.as_ref().map(&select);
                    match map
                        .and_then(|m| reference.strip_prefix(&prefix).and_then(|name| m.get(name)))
                    {
                        Some(next) => {
                            at = reference.clone();
                            current = next;
                        }
                        None => {
                            let empty = IndexMap::new();
                            let d = ref_error(
                                &at,
                                reference,
                                section,
                                map.unwrap_or(&empty),
                                &self.refs.unresolved,
                            );
                            self.diagnostics.push(d);
                            return None;
                        }
                    }
                }
            }
        }
        self.diagnostics.push(
            Diagnostic::error(
                pointer,
                format!(
                    "the `$ref` chain starting here is a cycle through `#/components/{section}`"
                ),
            )
            .with_hint("make one entry of the chain a definition rather than another `$ref`"),
        );
        None
    }
}
