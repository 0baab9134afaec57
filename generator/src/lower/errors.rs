//! Error responses → the crate's `ErrorBody` variants and the decoders that
//! pick one by status.
//!
//! Every decision about error bodies is made here: which variant a body
//! type gets, which statuses share a decoder, in which order statuses are
//! matched, and what each decoder is called. `emit` prints the result.

use super::types::variant_label;
use crate::ir::{ErrorArm, ErrorBodyVariant, ErrorDecoder, Operation, StatusMatch};
use crate::naming::{self, Namespace};

/// Names one `ErrorBody` variant per distinct error body type and points
/// each error response at its variant.
pub(crate) fn error_body_variants(operations: &mut [Operation]) -> Vec<ErrorBodyVariant> {
    let mut names = Namespace::default();
    let mut variants: Vec<ErrorBodyVariant> = Vec::new();
    for error in operations.iter_mut().flat_map(|op| op.errors.iter_mut()) {
        let Some(ty) = &error.ty else { continue };
        let index = match variants.iter().position(|v| &v.ty == ty) {
            Some(i) => i,
            None => {
                let (rust_name, _) = names.claim(&naming::variant_name(&variant_label(ty)));
                variants.push(ErrorBodyVariant {
                    rust_name,
                    ty: ty.clone(),
                });
                variants.len() - 1
            }
        };
        error.variant = Some(index);
    }
    variants
}

/// One decoder per distinct table of error responses, shared by the
/// operations with that table, each named after the variants it decodes;
/// points each operation at its decoder. Operations that document no error
/// body get none.
pub(crate) fn error_decoders(
    operations: &mut [Operation],
    variants: &[ErrorBodyVariant],
) -> Vec<ErrorDecoder> {
    // Decoders are the only snake_case items of the `requests` module.
    let mut names = Namespace::default();
    let mut decoders: Vec<ErrorDecoder> = Vec::new();
    for op in operations.iter_mut() {
        let Some((arms, fallback)) = decoder_table(op) else {
            op.error_decoder = None;
            continue;
        };
        let index = match decoders
            .iter()
            .position(|d| d.arms == arms && d.fallback == fallback)
        {
            Some(index) => index,
            None => {
                let mut decoded: Vec<&str> = Vec::new();
                for variant in arms.iter().map(|a| a.variant).chain(fallback) {
                    let name = variants[variant].rust_name.as_str();
                    if !decoded.contains(&name) {
                        decoded.push(name);
                    }
                }
                let (name, _) = names.claim(&naming::value_name(&format!(
                    "decode {}",
                    decoded.join(" or ")
                )));
                decoders.push(ErrorDecoder {
                    name,
                    arms,
                    fallback,
                });
                decoders.len() - 1
            }
        };
        op.error_decoder = Some(index);
    }
    decoders
}

/// The arms of `op`'s decoder, in match order (exact codes, then classes, as
/// OpenAPI ranks them; statuses of one variant share an arm at the place of
/// the first), and the `default` variant. `None` without any error body.
fn decoder_table(op: &Operation) -> Option<(Vec<ErrorArm>, Option<usize>)> {
    let mut rows: Vec<(StatusMatch, usize)> = op
        .errors
        .iter()
        .filter_map(|e| e.variant.map(|v| (e.status, v)))
        .collect();
    if rows.is_empty() {
        return None;
    }
    rows.sort_by_key(|(status, _)| match status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Class(_) => 1,
        StatusMatch::Default => 2,
    });
    let mut arms: Vec<ErrorArm> = Vec::new();
    let mut fallback = None;
    for (status, variant) in rows {
        let range = match status {
            StatusMatch::Code(code) => (code, code),
            StatusMatch::Class(class) => (class * 100, class * 100 + 99),
            StatusMatch::Default => {
                fallback = Some(variant);
                continue;
            }
        };
        match arms.iter_mut().find(|arm| arm.variant == variant) {
            Some(arm) => arm.statuses.push(range),
            None => arms.push(ErrorArm {
                statuses: vec![range],
                variant,
            }),
        }
    }
    Some((arms, fallback))
}
