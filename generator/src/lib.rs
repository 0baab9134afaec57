//! Generates a Rust API client crate from an OpenAPI 3.0 or 3.1 document.
//!
//! The pipeline is `load → lower → emit`: [`load`] parses the document,
//! [`lower`] builds the [`ir::Api`] with every Rust name chosen and every
//! `$ref` resolved, and `emit` turns the IR into files. This library never
//! touches the file system: [`generate`] returns the files in memory, and the
//! `xtask` crate writes them.

use std::time::{Duration, Instant};

pub mod changes;
pub mod diagnostics;
pub mod downgrade;
mod emit;
pub mod history;
pub mod ir;
pub mod load;
pub mod locate;
pub mod lower;
pub mod model;
pub mod naming;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use emit::{File, HEADER_MARK};
pub use history::Previous;
pub use load::{no_files, ReadFile};

/// What to generate and how to label it.
#[derive(Debug, Clone)]
pub struct Options {
    /// The spec file as it should appear in diagnostics and file headers
    /// (a path relative to the workspace, so output does not depend on where
    /// the repository is checked out).
    pub spec_file: String,
    /// The Cargo package name; by default derived from `info.title`.
    pub crate_name: Option<String>,
    /// The command named in generated headers, such as `cargo xtask codegen`.
    pub command: String,
    /// Strict mode: every warning is an error, so generation fails unless
    /// the spec is warning-free. For a spec the project owns (whose client
    /// is committed); lenient mode (`false`) is for specs from elsewhere.
    pub deny_warnings: bool,
}

/// The generated crate.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Every file, sorted by path.
    pub files: Vec<File>,
    /// Problems that did not stop generation.
    pub warnings: Diagnostics,
    /// The number of named types generated.
    pub types: usize,
    /// The number of operations generated.
    pub operations: usize,
    /// The number of the spec's examples that became tests.
    pub example_tests: usize,
    /// The crate's API model (`api.yaml`).
    pub model: model::ApiModel,
    /// What changed for callers since [`Previous`]; `None` when there was no
    /// previous model to compare with.
    pub report: Option<changes::Report>,
    /// The crate's version before, when known.
    pub previous_version: Option<String>,
    /// Every file the spec is made of, the root first, as
    /// [`Options::spec_file`] names the root: a change to any of them can
    /// change the crate.
    pub spec_files: Vec<String>,
}

/// Runs the whole pipeline on the text of one spec.
///
/// # Errors
///
/// Every problem found in the phase that failed, located in the spec; in
/// strict mode ([`Options::deny_warnings`]) also every warning, as an error.
pub fn generate(text: &str, options: &Options) -> Result<Generated, Diagnostics> {
    generate_timed(text, options).0
}

/// [`generate`] for a crate that exists: its `api.yaml` and `CHANGELOG.md`
/// are compared with and carried forward, and its version is bumped by what
/// changed for callers.
///
/// # Errors
///
/// Every problem found in the phase that failed, located in the spec, or a
/// previous `api.yaml` that cannot be read.
pub fn generate_with(
    text: &str,
    options: &Options,
    previous: &Previous,
) -> Result<Generated, Diagnostics> {
    pipeline(text, options, previous, &no_files).0
}

/// The API model of a spec, without generating the crate (for comparing
/// two specs).
///
/// # Errors
///
/// Every problem found in the phase that failed, located in the spec.
pub fn model_of(text: &str, options: &Options) -> Result<model::ApiModel, Diagnostics> {
    model_of_files(text, options, &no_files)
}

/// [`model_of`] for a spec split over files (see [`generate_files`]).
///
/// # Errors
///
/// Every problem found in the phase that failed, each located in its file.
pub fn model_of_files(
    text: &str,
    options: &Options,
    read: &ReadFile<'_>,
) -> Result<model::ApiModel, Diagnostics> {
    let document = load::load_files(&options.spec_file, text, read)?;
    match lower::lower_loaded(&document.api, &document.refs, options) {
        Ok((api, _)) => Ok(model::of(&api)),
        Err(errors) => {
            let mut diagnostics = document.warnings;
            diagnostics.extend(errors);
            Err(document.sources.finish(diagnostics))
        }
    }
}

/// [`generate`] for a spec split over several files: `text` is the root
/// file's, and `read` reads the others its `$ref`s name (see [`ReadFile`]).
/// The library reads nothing itself.
///
/// # Errors
///
/// As [`generate`], each problem located in the file it is in.
pub fn generate_files(
    text: &str,
    options: &Options,
    read: &ReadFile<'_>,
) -> Result<Generated, Diagnostics> {
    pipeline(text, options, &Previous::default(), read).0
}

/// [`generate_with`] for a spec split over files (see [`generate_files`]):
/// what `cargo xtask codegen` runs.
///
/// # Errors
///
/// As [`generate_with`], each problem located in the file it is in.
pub fn generate_with_files(
    text: &str,
    options: &Options,
    previous: &Previous,
    read: &ReadFile<'_>,
) -> Result<Generated, Diagnostics> {
    pipeline(text, options, previous, read).0
}

/// How long each phase of one run took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhaseTimes {
    /// Parsing and checking the document.
    pub load: Duration,
    /// Building the IR.
    pub lower: Duration,
    /// Emitting the non-Rust files and planning the Rust ones (the parts
    /// each file is built from).
    pub emit: Duration,
    /// Building the Rust files' token streams and formatting them with
    /// `prettyplease`: one phase, because both run part by part on every
    /// core.
    pub format: Duration,
}

/// [`generate`], also saying how long each phase took (for the benchmarks).
pub fn generate_timed(
    text: &str,
    options: &Options,
) -> (Result<Generated, Diagnostics>, PhaseTimes) {
    pipeline(text, options, &Previous::default(), &no_files)
}

/// [`generate_timed`] for a spec split over files (see [`generate_files`]).
pub fn generate_timed_files(
    text: &str,
    options: &Options,
    read: &ReadFile<'_>,
) -> (Result<Generated, Diagnostics>, PhaseTimes) {
    pipeline(text, options, &Previous::default(), read)
}

fn pipeline(
    text: &str,
    options: &Options,
    previous: &Previous,
    read: &ReadFile<'_>,
) -> (Result<Generated, Diagnostics>, PhaseTimes) {
    let mut times = PhaseTimes::default();
    let file = &options.spec_file;
    let started = Instant::now();
    // Strict mode reports warnings as errors wherever the run stops.
    let fail = |mut diagnostics: Diagnostics| {
        if options.deny_warnings {
            diagnostics.deny_warnings();
        }
        Err(diagnostics)
    };
    let document = match load::load_files(file, text, read) {
        Ok(document) => document,
        Err(diagnostics) => return (fail(diagnostics), times),
    };
    times.load = started.elapsed();
    let mut diagnostics = document.warnings;
    let started = Instant::now();
    let sources = &document.sources;
    let lowered = lower::lower_loaded(&document.api, &document.refs, options);
    times.lower = started.elapsed();
    let mut api = match lowered {
        Ok((api, warnings)) => {
            diagnostics.extend(warnings);
            api
        }
        Err(errors) => {
            diagnostics.extend(errors);
            return (fail(sources.finish(diagnostics)), times);
        }
    };
    // A warning-free spec is what strict mode asks; the whole document has
    // been checked by now, so every warning is reported in this one round.
    if options.deny_warnings && !diagnostics.is_empty() {
        return (fail(sources.finish(diagnostics)), times);
    }
    let started = Instant::now();
    let history = match history::History::new(&api, previous) {
        Ok(history) => history,
        Err(message) => {
            diagnostics.push(Diagnostic::document_error(message, None));
            return (Err(sources.finish(diagnostics)), times);
        }
    };
    api.crate_version = history.version().to_owned();
    let emitted = emit::emit(&api, &options.command);
    let (mut files, format) = match emitted {
        Ok(emitted) => emitted,
        Err(message) => {
            diagnostics.push(Diagnostic::document_error(message, None));
            return (fail(sources.finish(diagnostics)), times);
        }
    };
    let header = emit::header(&options.command, &api.spec_file);
    files.push(File {
        path: history::MODEL_FILE.to_owned(),
        contents: history.model_file(&header),
    });
    files.push(File {
        path: history::CHANGELOG_FILE.to_owned(),
        contents: history.changelog_file(&header, &api.spec_file),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    times.format = format;
    times.emit = started.elapsed().saturating_sub(format);
    let generated = Generated {
        files,
        warnings: sources.finish(diagnostics),
        types: api.types.len(),
        operations: api.operations.len(),
        example_tests: api.examples.len(),
        model: history.model,
        report: history.report,
        previous_version: history.previous_version,
        spec_files: sources.files().map(str::to_owned).collect(),
    };
    (Ok(generated), times)
}

/// Whether a file's contents carry a generated-file header, so the writer may
/// replace or remove it.
pub fn is_generated(contents: &str) -> bool {
    contents.lines().next().is_some_and(|first| {
        let first = first.trim_start_matches(['/', '#', '<', '!', '-', ' ']);
        first.starts_with(HEADER_MARK)
    })
}
