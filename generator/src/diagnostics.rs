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
    /// The problem this one follows from: it is listed right after that
    /// problem, never before it, so the first problem shown is a cause.
    pub cause: Option<Related>,
    /// How a group of problems of this kind is summarised ("components are
    /// not referenced anywhere"), for a kind whose every instance says the
    /// same; `None` groups problems by their message with its quoted names
    /// left out (see [`Diagnostics::summarized`]).
    pub summary: Option<String>,
}

/// The note that names the problem another follows from.
fn cause_note(pointer: &str) -> Related {
    Related {
        label: "this follows from the problem".to_owned(),
        file: String::new(),
        pointer: pointer.to_owned(),
        location: None,
    }
}

/// A second place a diagnostic points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// What is there, such as "first used".
    pub label: String,
    /// The file it is in. Empty until located: the pointer is then into the
    /// document as the generator read it (with other files brought in), and
    /// locating finds the file it was written in.
    pub file: String,
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
            cause: None,
            summary: None,
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

    /// Says that this problem follows from the one at `pointer`, so it is
    /// listed after it.
    pub fn caused_by(mut self, pointer: &str) -> Self {
        self.cause = Some(cause_note(pointer));
        self
    }

    /// Says how a group of problems of this kind is summarised (see
    /// [`Diagnostics::summarized`]).
    pub fn with_summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = Some(summary.into());
        self
    }

    /// Adds another place that matters, such as the first of two duplicates.
    pub fn with_related(mut self, label: impl Into<String>, pointer: impl Into<String>) -> Self {
        self.related = Some(Related {
            label: label.into(),
            file: String::new(),
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
        for related in [&self.related, &self.cause].into_iter().flatten() {
            let Related {
                label,
                file,
                pointer,
                location,
            } = related;
            let file = if file.is_empty() { &self.file } else { file };
            match location {
                Some((line, column)) => writeln!(
                    f,
                    "   = note: {label} at {file}:{line}:{column} ({pointer})"
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
    /// How many of the errors are warnings that strict mode denied.
    denied: usize,
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
        self.denied += other.denied;
    }

    /// How many of the errors are warnings denied by strict mode.
    pub fn denied_warnings(&self) -> usize {
        self.denied
    }

    /// Strict mode: every warning becomes an error. The problems keep their
    /// order and wording; the summary line says how many were warnings.
    pub(crate) fn deny_warnings(&mut self) {
        for d in &mut self.items {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
                self.denied += 1;
            }
        }
    }

    /// The number of problems recorded so far: a mark for
    /// [`Self::first_error`] and [`Self::attribute_to`].
    pub(crate) fn mark(&self) -> usize {
        self.items.len()
    }

    /// The pointer of the first error recorded in `range` whose pointer
    /// `place` accepts.
    pub(crate) fn first_error(
        &self,
        range: std::ops::Range<usize>,
        place: impl Fn(&str) -> bool,
    ) -> Option<String> {
        self.items
            .get(range)
            .into_iter()
            .flatten()
            .filter(|d| d.severity == Severity::Error)
            .filter_map(|d| d.pointer.clone())
            .find(|pointer| place(pointer))
    }

    /// Every problem recorded since `effects` that has no cause yet follows
    /// from the problem at `cause`.
    pub(crate) fn attribute_to(&mut self, cause: &str, effects: usize) {
        for d in self.items.iter_mut().skip(effects) {
            if d.cause.is_none() && d.pointer.as_deref() != Some(cause) {
                d.cause = Some(cause_note(cause));
            }
        }
    }

    /// Stamps every problem with the file name and, where the parser gave no
    /// line, the line and column of its pointer in `text`; then sorts them by
    /// place, errors before warnings at the same place, so output is stable.
    ///
    /// `text` is indexed only when some problem needs a location, once, in
    /// linear time (see [`Locator`]).
    #[cfg(test)]
    pub(crate) fn finish(self, file: &str, text: &str) -> Self {
        self.finish_in(&[(file, text)], &|_| None)
    }

    /// [`Self::finish`] for a spec of several files (`files`, the root
    /// first). A problem that names no file yet is at a pointer into the
    /// document as the generator read it, with other files brought in:
    /// `origin` says where such a pointer was written (the index of a file
    /// and the pointer in it), or `None` for a place in the root as written.
    /// A problem that names its file is at a pointer in that file. Problems
    /// are sorted by file, in the order of `files`, then by place.
    pub(crate) fn finish_in(
        mut self,
        files: &[(&str, &str)],
        origin: &dyn Fn(&str) -> Option<(usize, String)>,
    ) -> Self {
        let mut locators: Vec<Option<Locator>> = files.iter().map(|_| None).collect();
        let index_of = |name: &str| files.iter().position(|(f, _)| *f == name);
        // Where a pointer was written: the file's index and the pointer there.
        let place = |file: &str, pointer: &str| -> (Option<usize>, String) {
            if file.is_empty() {
                match origin(pointer) {
                    Some((index, pointer)) => (Some(index), pointer),
                    None => (Some(0), pointer.to_owned()),
                }
            } else {
                (index_of(file), pointer.to_owned())
            }
        };
        let mut locate = |index: Option<usize>, pointer: &str| -> Option<(usize, usize)> {
            let index = index?;
            let (_, text) = files.get(index)?;
            locators[index]
                .get_or_insert_with(|| Locator::new(text))
                .locate(pointer)
        };
        let mut order: Vec<usize> = Vec::with_capacity(self.items.len());
        for d in &mut self.items {
            let mut index = if d.file.is_empty() {
                Some(0)
            } else {
                index_of(&d.file)
            };
            if let Some(pointer) = d.pointer.clone() {
                let (at, pointer) = place(&d.file, &pointer);
                index = at;
                if d.location.is_none() {
                    d.location = locate(index, &pointer);
                }
                d.pointer = Some(pointer);
            }
            if d.file.is_empty() {
                d.file = index
                    .and_then(|i| files.get(i))
                    .map_or(files.first().map_or("", |(f, _)| *f), |(f, _)| *f)
                    .to_owned();
            }
            for related in [&mut d.related, &mut d.cause].into_iter().flatten() {
                let (at, pointer) = place(&related.file, &related.pointer);
                if related.location.is_none() {
                    related.location = locate(at, &pointer);
                }
                related.pointer = pointer;
                if let Some((file, _)) = at.and_then(|i| files.get(i)) {
                    related.file = (*file).to_owned();
                }
            }
            order.push(index.unwrap_or(files.len()));
        }
        let mut keyed: Vec<(usize, Diagnostic)> = order.into_iter().zip(self.items).collect();
        keyed.sort_by(|(fa, a), (fb, b)| {
            (fa, a.location, &a.pointer, b.severity, &a.message)
                .cmp(&(fb, b.location, &b.pointer, a.severity, &b.message))
        });
        self.items = keyed.into_iter().map(|(_, d)| d).collect();
        self.items.dedup();
        self.items = causes_first(std::mem::take(&mut self.items));
        self
    }
}

/// Puts every problem that follows from another right after it (and after
/// the problems that follow from that one too), keeping the sorted order
/// otherwise. A cause that is not among the problems is forgotten, so no note
/// points at nothing; so is one on a loop of causes.
fn causes_first(items: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let count = items.len();
    let mut parent: Vec<Option<usize>> = (0..count).map(|i| cause_index(&items, i)).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (i, p) in parent.iter().enumerate() {
        if let Some(p) = p {
            children[*p].push(i);
        }
    }
    let mut order = Vec::with_capacity(count);
    let mut seen = vec![false; count];
    let mut visit = |root: usize, order: &mut Vec<usize>| {
        let mut stack = vec![root];
        while let Some(i) = stack.pop() {
            if !std::mem::replace(&mut seen[i], true) {
                order.push(i);
                stack.extend(children[i].iter().rev());
            }
        }
    };
    for root in (0..count).filter(|i| parent[*i].is_none()) {
        visit(root, &mut order);
    }
    // What is left is on a loop of causes: each is shown as a cause itself.
    while let Some(i) = (0..count).find(|i| !order.contains(i)) {
        parent[i] = None;
        visit(i, &mut order);
    }
    let mut slots: Vec<Option<Diagnostic>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| {
            let mut d = slots[i].take()?;
            if parent[i].is_none() {
                d.cause = None;
            }
            Some(d)
        })
        .collect()
}

/// The index of the problem `items[i]` follows from: an error at its cause's
/// place, else any other problem there.
fn cause_index(items: &[Diagnostic], i: usize) -> Option<usize> {
    let cause = items[i].cause.as_ref()?;
    let in_file = |j: usize| cause.file.is_empty() || items[j].file == cause.file;
    let mut at = (0..items.len())
        .filter(|j| *j != i && items[*j].pointer.as_ref() == Some(&cause.pointer) && in_file(*j));
    let first = at.clone().next()?;
    Some(
        at.find(|j| items[*j].severity == Severity::Error)
            .unwrap_or(first),
    )
}

/// How many warnings of one kind are printed before they are summarised.
const LISTED: usize = 3;

/// The message with its quoted names left out: what warnings of one kind
/// have in common (`schema \`A\` is …` and `schema \`B\` is …`).
fn message_kind(message: &str) -> String {
    let parts: Vec<&str> = message
        .split('`')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { "…" } else { part })
        .collect();
    parts.join("`")
}

/// The message of warnings of one kind, with the quoted names that differ
/// between them left out (`the operation has no \`operationId\`; its
/// method is named \`…\``).
fn common_message(members: &[&Diagnostic]) -> String {
    let split: Vec<Vec<&str>> = members
        .iter()
        .map(|d| d.message.split('`').collect())
        .collect();
    let Some(first) = split.first() else {
        return String::new();
    };
    let parts: Vec<&str> = first
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let same = split.iter().all(|other| other.get(i) == Some(part));
            if i % 2 == 1 && !same {
                "…"
            } else {
                part
            }
        })
        .collect();
    parts.join("`")
}

/// Problems as a user reads them: warnings that repeat are summarised.
pub struct Summarized<'a> {
    diagnostics: &'a Diagnostics,
    verbose: bool,
}

impl Diagnostics {
    /// The problems for a person to read. Unless `verbose`, warnings of one
    /// kind that repeat are one line each, with the count and the first
    /// three places: a kind is a [`Diagnostic::summary`] (summarised
    /// from two on; every unreferenced component is one line), else the
    /// message with its quoted names left out (from four on). Errors,
    /// warnings that follow from another problem, and a kind's first few
    /// are printed as they are.
    pub fn summarized(&self, verbose: bool) -> Summarized<'_> {
        Summarized {
            diagnostics: self,
            verbose,
        }
    }

    /// The group each problem is summarised in, when it is.
    fn groups(&self) -> Vec<Option<usize>> {
        let key = |d: &Diagnostic| match &d.summary {
            Some(summary) => (true, summary.clone()),
            None => (false, message_kind(&d.message)),
        };
        let mut keys: Vec<((bool, String), Vec<usize>)> = Vec::new();
        for (i, d) in self.items.iter().enumerate() {
            if d.severity != Severity::Warning || d.cause.is_some() {
                continue;
            }
            let key = key(d);
            match keys.iter_mut().find(|(k, _)| *k == key) {
                Some((_, members)) => members.push(i),
                None => keys.push((key, vec![i])),
            }
        }
        let mut groups = vec![None; self.items.len()];
        for (group, ((explicit, _), members)) in keys.iter().enumerate() {
            let threshold = if *explicit { 2 } else { LISTED + 1 };
            if members.len() >= threshold {
                for i in members {
                    groups[*i] = Some(group);
                }
            }
        }
        groups
    }
}

impl fmt::Display for Summarized<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.verbose {
            return write!(f, "{}", self.diagnostics);
        }
        let items = &self.diagnostics.items;
        let groups = self.diagnostics.groups();
        let mut printed = Vec::new();
        for (i, d) in items.iter().enumerate() {
            let Some(group) = groups[i] else {
                writeln!(f, "{d}")?;
                continue;
            };
            if printed.contains(&group) {
                continue;
            }
            printed.push(group);
            let members: Vec<&Diagnostic> = (0..items.len())
                .filter(|j| groups[*j] == Some(group))
                .map(|j| &items[j])
                .collect();
            let places: Vec<String> = members
                .iter()
                .take(LISTED)
                .map(|d| {
                    let at = match d.location {
                        Some((line, column)) => format!("{}:{line}:{column}", d.file),
                        None => d.file.clone(),
                    };
                    match &d.pointer {
                        Some(pointer) => format!("{at} ({pointer})"),
                        None => at,
                    }
                })
                .collect();
            let what = match &d.summary {
                Some(summary) => format!("{} {summary}", members.len()),
                None => format!("{}× {}", members.len(), common_message(&members)),
            };
            let rest = members.len() - places.len();
            let places = match places.split_last() {
                Some((last, first)) if rest == 0 && !first.is_empty() => {
                    format!("{} and {last}", first.join(", "))
                }
                _ if rest > 0 => format!("{} and {rest} more", places.join(", ")),
                _ => places.join(", "),
            };
            writeln!(f, "warning: {what}, at {places} (`--verbose` shows each)\n")?;
        }
        write!(f, "{}", self.diagnostics.tally())
    }
}

impl Diagnostics {
    /// The closing line: how many errors and warnings.
    fn tally(&self) -> String {
        let errors = self
            .items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = self.items.len() - errors;
        match self.denied {
            0 => format!("{errors} error(s), {warnings} warning(s)"),
            denied => format!(
                "{errors} error(s) ({denied} of them warnings, denied in strict mode), {warnings} warning(s)"
            ),
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.items {
            writeln!(f, "{d}")?;
        }
        write!(f, "{}", self.tally())
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

/// The candidate closest to `name`, if it is close enough to be a typo.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Edit distance over chars, counting a swap of two neighbours as one edit
/// (optimal string alignment), so `nmae` is one edit from `name`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows: the one before the previous, the previous, the current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 0..a.len() {
        let mut current = vec![i + 1; b.len() + 1];
        for j in 0..b.len() {
            let substitution = previous[j] + usize::from(a[i] != b[j]);
            let mut best = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                best = best.min(before[j - 1] + 1);
            }
            current[j + 1] = best;
        }
        before = std::mem::replace(&mut previous, current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["Lead", "Contact", "LeadList"];
        assert_eq!(closest("Leed", names.into_iter()), Some("Lead"));
        assert_eq!(closest("lead", names.into_iter()), Some("Lead"));
        assert_eq!(closest("Opportunity", names.into_iter()), None);
        assert_eq!(
            closest("requried", ["required", "readOnly"].into_iter()),
            Some("required")
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("nmae", "name"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            closest("nmae", ["lead_id", "name"].into_iter()),
            Some("name")
        );
    }

    fn at(pointer: &str, message: &str) -> Diagnostic {
        Diagnostic::error(pointer, message)
    }

    #[test]
    fn consequences_follow_their_cause() {
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(at("#/a", "follows").caused_by("#/c"));
        diagnostics.push(at("#/b", "unrelated"));
        diagnostics.push(at("#/c", "cause"));
        diagnostics.push(at("#/d", "no such cause").caused_by("#/nowhere"));
        diagnostics.push(at("#/e", "loop one").caused_by("#/f"));
        diagnostics.push(at("#/f", "loop two").caused_by("#/e"));
        let text = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\n";
        let finished = diagnostics.finish("t.yaml", text);
        let order: Vec<&str> = finished.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            order,
            [
                "unrelated",
                "cause",
                "follows",
                "no such cause",
                "loop one",
                "loop two"
            ]
        );
        let follows = finished.iter().nth(2).unwrap();
        assert!(
            follows
                .to_string()
                .contains("= note: this follows from the problem at t.yaml:3:1 (#/c)"),
            "{follows}"
        );
        assert!(finished.iter().nth(3).unwrap().cause.is_none());
    }

    #[test]
    fn a_check_follows_from_the_first_error_since_the_mark() {
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(at("#/before", "earlier"));
        let causes = diagnostics.mark();
        diagnostics.push(Diagnostic::warning("#/w", "a warning is no cause"));
        diagnostics.push(at("#/ref", "dangling"));
        let effects = diagnostics.mark();
        diagnostics.push(at("#/check", "a check that needed it"));
        let cause = diagnostics.first_error(causes..effects, |_| true).unwrap();
        assert_eq!(cause, "#/ref");
        assert_eq!(
            diagnostics.first_error(0..effects, |p| p.starts_with("#/w")),
            None
        );
        diagnostics.attribute_to(&cause, effects);
        let check = diagnostics.iter().last().unwrap();
        assert_eq!(
            check.cause.as_ref().map(|c| c.pointer.as_str()),
            Some("#/ref")
        );
    }

    #[test]
    fn repeated_warnings_are_summarised_unless_verbose() {
        let mut diagnostics = Diagnostics::default();
        for name in ["a", "b", "c", "d"] {
            diagnostics.push(Diagnostic::warning(
                format!("#/{name}"),
                format!("`{name}` is odd; `x` says so"),
            ));
        }
        for name in ["e", "f", "g"] {
            diagnostics.push(Diagnostic::warning(
                format!("#/{name}"),
                format!("`{name}` is rare"),
            ));
        }
        diagnostics.push(Diagnostic::warning("#/h", "`h` is odd; `x` says so").caused_by("#/i"));
        diagnostics.push(at("#/i", "`i` is odd; `x` says so"));
        for name in ["j", "k"] {
            diagnostics.push(
                Diagnostic::warning(format!("#/{name}"), "unused")
                    .with_summary("things are unused"),
            );
        }
        let text = (b'a'..=b'k')
            .map(|c| format!("{}: 1\n", c as char))
            .collect::<String>();
        let finished = diagnostics.finish("t.yaml", &text);
        let short = finished.summarized(false).to_string();
        assert!(
            short.starts_with("warning: 4× `…` is odd; `x` says so, at t.yaml:1:1 (#/a), t.yaml:2:1 (#/b), t.yaml:3:1 (#/c) and 1 more (`--verbose` shows each)\n"),
            "{short}"
        );
        // Three of a kind, an error and what follows from it are shown in full.
        assert_eq!(short.matches("is rare").count(), 3, "{short}");
        assert!(short.contains("error: `i` is odd"), "{short}");
        assert!(short.contains("warning: `h` is odd"), "{short}");
        assert!(
            short.contains(
                "warning: 2 things are unused, at t.yaml:10:1 (#/j) and t.yaml:11:1 (#/k)"
            ),
            "{short}"
        );
        assert!(short.ends_with("1 error(s), 10 warning(s)"), "{short}");
        assert_eq!(finished.summarized(true).to_string(), finished.to_string());
    }

    #[test]
    fn denied_warnings_are_errors_and_counted() {
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(Diagnostic::warning("#/a", "w"));
        diagnostics.push(at("#/b", "e"));
        diagnostics.deny_warnings();
        assert!(diagnostics.iter().all(|d| d.severity == Severity::Error));
        assert!(diagnostics
            .to_string()
            .ends_with("2 error(s) (1 of them warnings, denied in strict mode), 0 warning(s)"));
    }
}
