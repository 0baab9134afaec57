//! Our vendor extensions, read and checked.
//!
//! | extension | where | meaning |
//! | --- | --- | --- |
//! | `x-custom-field-prefix` | object schema | keys starting with this prefix are custom fields; `additionalProperties` types their values |

use indexmap::IndexMap;

use super::Lowerer;
use crate::diagnostics::{pointer_join, Diagnostic};

/// The name of the custom-field extension.
pub(crate) const CUSTOM_FIELD_PREFIX: &str = "x-custom-field-prefix";

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
