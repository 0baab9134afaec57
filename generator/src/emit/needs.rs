//! The runtime a crate needs: which of the hand-written files in `runtime/`
//! it gets, and each file without the items the spec does not use.
//!
//! `lower` decides which [`RuntimeFeature`]s a spec needs; here they are only
//! applied. A whole file comes with a feature ([`RUNTIME`]); an optional item
//! inside a file is fenced by marker comments naming the features that keep
//! it, any one of them being enough:
//!
//! ```text
//! // @needs form query_deep
//!
//! fn deep_object_pairs(...) { ... }
//! // @end
//! ```
//!
//! Blocks nest. The marker lines are always dropped, and the lines of a block
//! no needed feature names are dropped with them; nothing else changes. A
//! block starts with a blank line, so the output is spaced the same whether
//! it is kept or not. The files are real Rust with every block in, and each
//! block is compiled and linted in some golden crate (the workspace's
//! `runtime_features` test checks that every feature is used by one): an
//! item that only a block uses is imported inside the block or named by its
//! path, so that no crate has an unused import.

use std::collections::BTreeSet;

use crate::ir::RuntimeFeature;

/// One file of the runtime.
pub(crate) struct RuntimeFile {
    /// The module name, which is also the file name (`src/<module>.rs`).
    pub(crate) module: &'static str,
    /// The file is copied when the crate needs any of these.
    pub(crate) needs: &'static [RuntimeFeature],
    /// What `lib.rs` re-exports from it.
    pub(crate) exports: &'static [&'static str],
    /// The source, with its markers.
    pub(crate) source: &'static str,
    /// The cargo feature the module is behind, which makes it public
    /// (`mock`); `None` for the modules every build has.
    pub(crate) feature: Option<&'static str>,
}

/// The hand-written runtime, in module order.
pub(crate) const RUNTIME: &[RuntimeFile] = &[
    RuntimeFile {
        module: "client",
        needs: &[RuntimeFeature::Client],
        exports: &["Client", "ClientBuilder"],
        feature: None,
        source: include_str!("runtime/client.rs"),
    },
    RuntimeFile {
        module: "custom_fields",
        needs: &[RuntimeFeature::CustomFields],
        exports: &["CustomFieldId", "CustomFields", "InvalidCustomFieldId"],
        feature: None,
        source: include_str!("runtime/custom_fields.rs"),
    },
    RuntimeFile {
        module: "decode",
        needs: &[RuntimeFeature::Object, RuntimeFeature::StringEnum],
        exports: &[],
        feature: None,
        source: include_str!("runtime/decode.rs"),
    },
    RuntimeFile {
        module: "encode",
        needs: &[RuntimeFeature::Object],
        exports: &[],
        feature: None,
        source: include_str!("runtime/encode.rs"),
    },
    RuntimeFile {
        module: "error",
        needs: &[RuntimeFeature::Client],
        exports: &["ApiError", "DecodeError", "Error", "TransportError"],
        feature: None,
        source: include_str!("runtime/error.rs"),
    },
    RuntimeFile {
        module: "mock",
        needs: &[RuntimeFeature::Client],
        exports: &[],
        feature: Some("mock"),
        source: include_str!("runtime/mock.rs"),
    },
    RuntimeFile {
        module: "multipart",
        needs: &[RuntimeFeature::Multipart],
        exports: &["Multipart"],
        feature: None,
        source: include_str!("runtime/multipart.rs"),
    },
    RuntimeFile {
        module: "pagination",
        needs: &[RuntimeFeature::Pagination],
        exports: &["BoxStream"],
        feature: None,
        source: include_str!("runtime/pagination.rs"),
    },
    RuntimeFile {
        module: "rate_limit",
        needs: &[RuntimeFeature::Client],
        exports: &["RateLimit"],
        feature: None,
        source: include_str!("runtime/rate_limit.rs"),
    },
    RuntimeFile {
        module: "request",
        needs: &[RuntimeFeature::Client],
        exports: &[],
        feature: None,
        source: include_str!("runtime/request.rs"),
    },
    RuntimeFile {
        module: "retry",
        needs: &[RuntimeFeature::Client],
        exports: &["Attempt"],
        feature: None,
        source: include_str!("runtime/retry.rs"),
    },
    RuntimeFile {
        module: "send",
        needs: &[RuntimeFeature::Client],
        exports: &["Response", "ResponseFuture"],
        feature: None,
        source: include_str!("runtime/send.rs"),
    },
    RuntimeFile {
        module: "timestamp",
        needs: &[RuntimeFeature::Timestamp],
        exports: &["Timestamp"],
        feature: None,
        source: include_str!("runtime/timestamp.rs"),
    },
    RuntimeFile {
        module: "trace",
        needs: &[RuntimeFeature::Client],
        exports: &[],
        feature: None,
        source: include_str!("runtime/trace.rs"),
    },
    RuntimeFile {
        module: "wire",
        needs: &[RuntimeFeature::Client],
        exports: &[],
        feature: None,
        source: include_str!("runtime/wire.rs"),
    },
];

/// The runtime files a crate with `features` gets.
pub(crate) fn runtime_files(
    features: &BTreeSet<RuntimeFeature>,
) -> impl Iterator<Item = &'static RuntimeFile> + '_ {
    RUNTIME
        .iter()
        .filter(|file| file.needs.iter().any(|f| features.contains(f)))
}

/// A marker line, if `line` is one.
enum Marker<'a> {
    /// `// @needs a b`: the features named.
    Needs(&'a str),
    /// `// @end`.
    End,
}

/// Reads a marker line; `Err` for a line that looks like a marker but is
/// not one (`// @need x`, `// @end x`), so a typo cannot pass as a comment.
fn marker(line: &str) -> Result<Option<Marker<'_>>, String> {
    let Some(rest) = line.trim_start().strip_prefix("// @") else {
        return Ok(None);
    };
    let rest = rest.trim_end();
    if rest == "end" {
        return Ok(Some(Marker::End));
    }
    match rest.strip_prefix("needs ") {
        Some(names) if !names.trim().is_empty() => Ok(Some(Marker::Needs(names))),
        _ => Err(format!(
            "`{}` is not a marker: write `// @needs <feature>...` or `// @end`",
            line.trim()
        )),
    }
}

/// `source` without its marker lines and without the blocks none of whose
/// features `features` holds. `file` names the file in errors.
///
/// # Errors
///
/// A malformed marker, an unknown feature, or unbalanced blocks: a bug of
/// the runtime, which the tests below catch before it ships.
pub(crate) fn strip(
    file: &str,
    source: &str,
    features: &BTreeSet<RuntimeFeature>,
) -> Result<String, String> {
    let mut out = String::with_capacity(source.len());
    // Whether each open block is kept.
    let mut open: Vec<bool> = Vec::new();
    for (index, line) in source.lines().enumerate() {
        let at = |message: String| format!("runtime/{file}:{}: {message}", index + 1);
        match marker(line).map_err(at)? {
            Some(Marker::Needs(names)) => {
                let mut keep = false;
                for name in names.split_whitespace() {
                    let feature = RuntimeFeature::from_name(name)
                        .ok_or_else(|| at(format!("`{name}` is not a runtime feature")))?;
                    keep |= features.contains(&feature);
                }
                open.push(keep);
            }
            Some(Marker::End) => {
                open.pop()
                    .ok_or_else(|| at("`// @end` without `// @needs`".to_owned()))?;
            }
            None if open.iter().all(|keep| *keep) => {
                out.push_str(line);
                out.push('\n');
            }
            None => {}
        }
    }
    if !open.is_empty() {
        return Err(format!(
            "runtime/{file}: {} `// @needs` block(s) not closed with `// @end`",
            open.len()
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(names: &[&str]) -> BTreeSet<RuntimeFeature> {
        names
            .iter()
            .map(|n| RuntimeFeature::from_name(n).expect("a feature the test names exists"))
            .collect()
    }

    #[test]
    fn every_runtime_file_has_balanced_known_markers() {
        let all: BTreeSet<RuntimeFeature> = RuntimeFeature::ALL.into_iter().collect();
        for file in RUNTIME {
            let name = format!("{}.rs", file.module);
            let stripped = strip(&name, file.source, &all).unwrap_or_else(|e| panic!("{e}"));
            let without_markers: String = file
                .source
                .lines()
                .filter(|l| !l.trim_start().starts_with("// @"))
                .map(|l| format!("{l}\n"))
                .collect();
            assert_eq!(stripped, without_markers, "{name} with every feature");
            strip(&name, file.source, &BTreeSet::new()).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn every_feature_is_in_use() {
        // A feature no file and no marker names would be decided for nothing.
        for feature in RuntimeFeature::ALL {
            let marked = RUNTIME.iter().any(|file| {
                file.needs.contains(&feature)
                    || file.source.lines().any(|line| {
                        matches!(marker(line), Ok(Some(Marker::Needs(names)))
                            if names.split_whitespace().any(|n| n == feature.name()))
                    })
            });
            assert!(
                marked,
                "no runtime file or marker uses `{}`",
                feature.name()
            );
            assert_eq!(RuntimeFeature::from_name(feature.name()), Some(feature));
        }
    }

    #[test]
    fn blocks_are_kept_by_any_feature_they_name_and_nest() {
        let source =
            "a\n// @needs form query_deep\nb\n    // @needs json\n    c\n    // @end\n// @end\nd\n";
        assert_eq!(strip("t.rs", source, &features(&[])).unwrap(), "a\nd\n");
        assert_eq!(
            strip("t.rs", source, &features(&["query_deep"])).unwrap(),
            "a\nb\nd\n"
        );
        assert_eq!(
            strip("t.rs", source, &features(&["json"])).unwrap(),
            "a\nd\n"
        );
        assert_eq!(
            strip("t.rs", source, &features(&["form", "json"])).unwrap(),
            "a\nb\n    c\nd\n"
        );
    }

    #[test]
    fn malformed_markers_are_errors() {
        let none = BTreeSet::new();
        let error = |source: &str| strip("t.rs", source, &none).unwrap_err();
        assert_eq!(
            error("a\n// @needs nonsense\n// @end\n"),
            "runtime/t.rs:2: `nonsense` is not a runtime feature"
        );
        assert_eq!(
            error("// @end\n"),
            "runtime/t.rs:1: `// @end` without `// @needs`"
        );
        assert_eq!(
            error("// @needs json\n"),
            "runtime/t.rs: 1 `// @needs` block(s) not closed with `// @end`"
        );
        assert_eq!(
            error("  // @need json\n"),
            "runtime/t.rs:1: `// @need json` is not a marker: write `// @needs <feature>...` or `// @end`"
        );
        assert!(strip("t.rs", "/// @needs in a doc comment\n", &none).is_ok());
    }
}
