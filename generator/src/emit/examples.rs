//! The spec's examples → `src/examples.rs` of the generated crate, a
//! `#[cfg(test)]` module: the hand-written `round_trip` and its JSON
//! comparison (`runtime/example_tests.rs`, copied), then one test per
//! `ir::Example` that hands it the example as JSON text and its type.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::format::{part, Part};
use super::types::{ident, type_tokens};
use crate::ir::Api;

/// The path of the module in the generated crate.
pub(crate) const PATH: &str = "src/examples.rs";

/// What every examples module starts with: `round_trip` and the comparison.
pub(crate) const SUPPORT: &str = include_str!("runtime/example_tests.rs");

/// The generated tests, in a module of their own so that no test name can
/// shadow the support functions above them.
pub(crate) fn tests_module(api: &Api) -> Vec<Part<'_>> {
    vec![part(|| {
        let types = quote! { crate::types:: };
        let tests = api.examples.iter().map(|example| {
            let name = ident(&example.test_name);
            let ty = type_tokens(&example.ty, &types);
            let ty = if example.nullable {
                quote! { Option<#ty> }
            } else {
                ty
            };
            let doc = format!(" `{}`", example.pointer);
            let json = raw_string(&pretty(&example.value));
            quote! {
                #[doc = #doc]
                #[test]
                fn #name() {
                    let json = #json;
                    super::round_trip::<#ty>(json);
                }
            }
        });
        quote! {
            /// One test per example, named after where it is in the spec.
            mod tests {
                #(#tests)*
            }
        }
    })]
}

/// The value as indented JSON with every object's keys sorted, so the
/// output is the same whatever order `serde_json`'s maps keep.
pub(crate) fn pretty(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                Value::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), sorted(&map[k])))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string_pretty(&sorted(value)).expect("a JSON value always prints as JSON text")
}

/// A raw string literal holding `text` as it is, with as many `#` as it
/// takes that the text cannot close it.
pub(crate) fn raw_string(text: &str) -> TokenStream {
    let mut hashes = "#".to_owned();
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .expect("a raw string literal whose closing delimiter is not in its text is one token")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_strings_outlast_their_text() {
        assert_eq!(raw_string("a").to_string(), "r#\"a\"#");
        assert_eq!(raw_string("\"#").to_string(), "r##\"\"#\"##");
    }

    #[test]
    fn keys_print_sorted() {
        let value: Value = serde_json::from_str(r#"{"b": 1, "a": {"d": [], "c": null}}"#).unwrap();
        assert_eq!(
            pretty(&value),
            "{\n  \"a\": {\n    \"c\": null,\n    \"d\": []\n  },\n  \"b\": 1\n}"
        );
    }
}
