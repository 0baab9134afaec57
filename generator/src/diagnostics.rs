//! Problems found in a spec, each pointing at the place it was found.
//!
//! Every phase collects all of its problems into [`Diagnostics`] before it
//! stops, so a user fixes a whole round of mistakes at once instead of one
//! per run.

use std::fmt;

use crate::locate::Locator;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation went on; the user should still look.
    Warning,
    /// Generation cannot produce a correct client.
    Error,
}

/// One problem, located in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The spec file, as the user named it.
    pub file: String,
    /// One-based line and column, where the parser gave them.
    pub location: Option<(usize, usize)>,
    /// JSON pointer into the document, such as `#/paths/~1lead~1/get`.
    pub pointer: Option<String>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it, where there is something useful to say.
    pub hint: Option<String>,
    /// Another place that matters (where a duplicate was first defined).
    pub related: Option<Related>,
}

/// A second place a diagnostic points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// What is there, such as "first used".
    pub label: String,
    /// JSON pointer into the document.
    pub pointer: String,
    /// One-based line and column, once located.
    pub location: Option<(usize, usize)>,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, Some(pointer.into()), message.into())
    }

    /// A warning at `pointer`.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, Some(pointer.into()), message.into())
    }

    fn new(severity: Severity, pointer: Option<String>, message: String) -> Self {
        Diagnostic {
            severity,
            file: String::new(),
            location: None,
            pointer,
            message,
            hint: None,
            related: None,
        }
    }

    /// An error with no pointer, for the document as a whole (syntax errors).
    pub fn document_error(message: impl Into<String>, location: Option<(usize, usize)>) -> Self {
        let mut d = Self::new(Severity::Error, None, message.into());
        d.location = location;
        d
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds another place that matters, such as the first of two duplicates.
    pub fn with_related(mut self, label: impl Into<String>, pointer: impl Into<String>) -> Self {
        self.related = Some(Related {
            label: label.into(),
            pointer: pointer.into(),
            location: None,
        });
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        match self.location {
            Some((line, column)) => writeln!(f, "  --> {}:{line}:{column}", self.file)?,
            None => writeln!(f, "  --> {}", self.file)?,
        }
        if let Some(pointer) = &self.pointer {
            writeln!(f, "   = at {pointer}")?;
        }
        if let Some(related) = &self.related {
            let Related {
                label,
                pointer,
                location,
            } = related;
            match location {
                Some((line, column)) => writeln!(
                    f,
                    "   = note: {label} at {}:{line}:{column} ({pointer})",
                    self.file
                )?,
                None => writeln!(f, "   = note: {label} at {pointer}")?,
            }
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "   = hint: {hint}")?;
        }
        Ok(())
    }
}

/// The problems of one run, in the order they were found until sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Whether any error (not only warnings) was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All problems.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// The number of problems.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds every problem of `other`.
    pub(crate) fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Stamps every problem with the file name and, where the parser gave no
    /// line, the line and column of its pointer in `text`; then sorts them by
    /// place, errors before warnings at the same place, so output is stable.
    ///
    /// `text` is indexed only when some problem needs a location, once, in
    /// linear time (see [`Locator`]).
    pub(crate) fn finish(mut self, file: &str, text: &str) -> Self {
        let needs_index = self.items.iter().any(|d| {
            (d.location.is_none() && d.pointer.is_some())
                || d.related.as_ref().is_some_and(|r| r.location.is_none())
        });
        let locator = needs_index.then(|| Locator::new(text));
        for d in &mut self.items {
            d.file = file.to_owned();
            let Some(locator) = &locator else { continue };
            if d.location.is_none() {
                if let Some(pointer) = &d.pointer {
                    d.location = locator.locate(pointer);
                }
            }
            if let Some(related) = &mut d.related {
                if related.location.is_none() {
                    related.location = locator.locate(&related.pointer);
                }
            }
        }
        self.items.sort_by(|a, b| {
            (a.location, &a.pointer, b.severity, &a.message)
                .cmp(&(b.location, &b.pointer, a.severity, &b.message))
        });
        self.items.dedup();
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.items {
            writeln!(f, "{d}")?;
        }
        let errors = self
            .items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = self.items.len() - errors;
        write!(f, "{errors} error(s), {warnings} warning(s)")
    }
}

impl std::error::Error for Diagnostics {}

/// The JSON pointer escape of one path segment (RFC 6901).
pub fn escape_pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Builds `base/segment` with the segment escaped.
pub fn pointer_join(base: &str, segment: &str) -> String {
    format!("{base}/{}", escape_pointer_segment(segment))
}
