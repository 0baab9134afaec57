//! `cargo xtask diff OLD NEW`: what changes for the callers of the generated
//! client between two specs, or between a generated crate (its `api.yaml`)
//! and a spec: the same report `codegen` prints.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use generator::changes::{self, Side};
use generator::history::MODEL_FILE;
use generator::model::ApiModel;
use generator::Options;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Markdown,
    Json,
}

struct Args {
    old: String,
    new: String,
    fail_on_breaking: bool,
    format: Format,
}

fn parse(args: &[String]) -> Result<Args> {
    let mut paths = Vec::new();
    let mut fail_on_breaking = false;
    let mut format = Format::Text;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--fail-on" => match iter.next().map(String::as_str) {
                Some("breaking") => fail_on_breaking = true,
                other => bail!("`--fail-on` takes `breaking`, not {other:?}"),
            },
            "--format" => {
                format = match iter.next().map(String::as_str) {
                    Some("text") => Format::Text,
                    Some("markdown") => Format::Markdown,
                    Some("json") => Format::Json,
                    other => bail!("`--format` takes `text`, `markdown` or `json`, not {other:?}"),
                }
            }
            flag if flag.starts_with("--") => {
                bail!("unknown argument `{flag}` (see `cargo xtask --help`)")
            }
            path => paths.push(path.to_owned()),
        }
    }
    let [old, new] = <[String; 2]>::try_from(paths).map_err(|paths| {
        anyhow::anyhow!(
            "`diff` takes two specs or crates, OLD and NEW; got {}",
            paths.len()
        )
    })?;
    Ok(Args {
        old,
        new,
        fail_on_breaking,
        format,
    })
}

/// One side: a model, where it came from, and the spec text to locate
/// changes in (for a spec).
struct Input {
    model: ApiModel,
    label: String,
    spec_text: Option<String>,
}

/// A crate directory or an `api.yaml` is read as a model; anything else is
/// a spec and is lowered to one. `Err(Ok(code))`: the spec has errors,
/// already printed.
fn side(path: &str) -> Result<std::result::Result<Input, ExitCode>> {
    let as_path = Path::new(path);
    let model_path = if as_path.is_dir() {
        Some(as_path.join(MODEL_FILE))
    } else if as_path.file_name().is_some_and(|n| n == MODEL_FILE) {
        Some(as_path.to_owned())
    } else {
        None
    };
    if let Some(model_path) = model_path {
        let text = fs::read_to_string(&model_path)
            .with_context(|| format!("cannot read `{}`", model_path.display()))?;
        let model = ApiModel::from_yaml(&text)
            .map_err(|e| anyhow::anyhow!("`{}`: {e}", model_path.display()))?;
        return Ok(Ok(Input {
            model,
            label: model_path.display().to_string(),
            spec_text: None,
        }));
    }
    let text =
        fs::read_to_string(as_path).with_context(|| format!("cannot read the spec `{path}`"))?;
    let options = Options {
        spec_file: path.to_owned(),
        crate_name: None,
        command: "cargo xtask diff".to_owned(),
        deny_warnings: false,
    };
    match generator::model_of(&text, &options) {
        Ok(model) => Ok(Ok(Input {
            model,
            label: path.to_owned(),
            spec_text: Some(text),
        })),
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            Ok(Err(ExitCode::from(2)))
        }
    }
}

pub fn run(args: &[String]) -> Result<ExitCode> {
    let args = parse(args)?;
    let old = match side(&args.old)? {
        Ok(side) => side,
        Err(code) => return Ok(code),
    };
    let new = match side(&args.new)? {
        Ok(side) => side,
        Err(code) => return Ok(code),
    };
    let mut report = changes::compare(&old.model, &new.model, &old.label, &new.label);
    if let Some(text) = &old.spec_text {
        report.locate(Side::Old, text);
    }
    if let Some(text) = &new.spec_text {
        report.locate(Side::New, text);
    }
    // Against a crate, say what its version would become.
    let bumped = report.semver().bump(&old.model.version);
    let versions = old
        .spec_text
        .is_none()
        .then_some((old.model.version.as_str(), bumped.as_str()));
    let text = match args.format {
        Format::Text => report.to_text(versions),
        Format::Markdown => report.to_markdown(versions),
        Format::Json => report.to_json(versions),
    };
    print!("{text}");
    Ok(if args.fail_on_breaking && report.is_breaking() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
