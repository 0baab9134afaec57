//! `cargo xtask codegen`: run the generator and write the crate, only the
//! files that changed, and only after the whole spec generated cleanly.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use generator::{File, Options};

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_owned()
}

#[derive(Debug)]
struct Args {
    check: bool,
    full: bool,
    spec: Option<String>,
    out: Option<String>,
    name: Option<String>,
    /// Strict mode. The project's own spec is read strictly (its client is
    /// committed, so it must be warning-free); a spec named with `--spec`
    /// leniently, with warnings. `--deny-warnings` and `--allow-warnings`
    /// choose explicitly.
    deny_warnings: bool,
    /// Every warning in full, rather than repeated ones summarised.
    verbose: bool,
}

fn parse(args: &[String]) -> Result<Args> {
    let mut parsed = Args {
        check: false,
        full: false,
        spec: None,
        out: None,
        name: None,
        deny_warnings: false,
        verbose: false,
    };
    let mut warnings_flag: Option<(&str, bool)> = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |flag: &str| {
            iter.next()
                .cloned()
                .with_context(|| format!("`{flag}` needs a value"))
        };
        match arg.as_str() {
            "--check" => parsed.check = true,
            "--full" => parsed.full = true,
            "--verbose" => parsed.verbose = true,
            "--spec" => parsed.spec = Some(value("--spec")?),
            "--out" => parsed.out = Some(value("--out")?),
            "--name" => parsed.name = Some(value("--name")?),
            flag @ ("--deny-warnings" | "--allow-warnings") => {
                let deny = flag == "--deny-warnings";
                if let Some((other, before)) = warnings_flag {
                    if before != deny {
                        bail!("`{other}` and `{flag}` contradict each other; give one");
                    }
                }
                warnings_flag = Some((flag, deny));
            }
            other => bail!("unknown argument `{other}` (see `cargo xtask --help`)"),
        }
    }
    if parsed.spec.is_some() != parsed.out.is_some() {
        bail!("`--spec` and `--out` go together: name the spec and the crate directory to write");
    }
    parsed.deny_warnings = match warnings_flag {
        Some((_, deny)) => deny,
        None => parsed.spec.is_none(),
    };
    Ok(parsed)
}

pub fn run(args: &[String]) -> Result<ExitCode> {
    let started = Instant::now();
    let args = parse(args)?;
    let root = workspace_root();
    let (spec_path, spec_label, out, command, name) = match (&args.spec, &args.out) {
        (Some(spec), Some(out)) => (
            PathBuf::from(spec),
            spec.clone(),
            PathBuf::from(out),
            // The header names the whole command, so running it again
            // reproduces the crate byte for byte.
            match &args.name {
                Some(name) => {
                    format!("cargo xtask codegen --spec {spec} --out {out} --name {name}")
                }
                None => format!("cargo xtask codegen --spec {spec} --out {out}"),
            },
            args.name.clone(),
        ),
        _ => (
            root.join("spec/close.yaml"),
            "spec/close.yaml".to_owned(),
            root.join("generated"),
            "cargo xtask codegen".to_owned(),
            Some(args.name.clone().unwrap_or_else(|| "close-api".to_owned())),
        ),
    };
    let text = fs::read_to_string(&spec_path)
        .with_context(|| format!("cannot read the spec `{}`", spec_path.display()))?;
    let options = Options {
        spec_file: spec_label,
        crate_name: name,
        command,
        deny_warnings: args.deny_warnings,
    };
    let out_label = args.out.clone().unwrap_or_else(|| "generated".to_owned());
    let previous = crate::report::previous(&out)?;
    // The other files of a spec split over several are named relative to
    // the root file's path, which is relative to the working directory
    // (`--spec`) or the workspace (the own spec).
    let base = match args.spec {
        Some(_) => PathBuf::new(),
        None => root.clone(),
    };
    let read = |path: &str| read_spec_file(&base, path);
    let mut generated = match generator::generate_with_files(&text, &options, &previous, &read) {
        Ok(generated) => generated,
        Err(diagnostics) => {
            eprintln!("{}", diagnostics.summarized(args.verbose));
            if diagnostics.denied_warnings() > 0 {
                let why = match args.spec {
                    None => "the project's own spec must be warning-free",
                    Some(_) => "`--deny-warnings`",
                };
                eprintln!(
                    "warnings are errors in strict mode ({why}); `--allow-warnings` generates anyway"
                );
            }
            eprintln!("nothing was written to `{}`", out.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    if !generated.warnings.is_empty() {
        eprintln!("{}", generated.warnings.summarized(args.verbose));
    }
    crate::report::print(&mut generated, &text, &out_label);
    let plan = plan(&out, &generated.files)?;
    let elapsed = started.elapsed().as_millis();
    if args.check {
        if plan.is_clean() {
            println!(
                "codegen --check: `{}` is up to date ({} files, {elapsed} ms)",
                out.display(),
                plan.unchanged
            );
            return Ok(ExitCode::SUCCESS);
        }
        for (path, old, new) in &plan.write {
            let label = path.display().to_string();
            let relative = path.strip_prefix(&out).unwrap_or(path);
            if !crate::report::shows_diff(relative, args.full) {
                println!(
                    "{}",
                    crate::report::summary_line(&label, old.as_deref().unwrap_or(""), new)
                );
                continue;
            }
            let diff = similar::TextDiff::from_lines(old.as_deref().unwrap_or(""), new.as_str());
            print!(
                "{}",
                diff.unified_diff().context_radius(3).header(
                    &format!("{label} (committed)"),
                    &format!("{label} (generated)")
                )
            );
        }
        for path in &plan.remove {
            println!("stale generated file: {}", path.display());
        }
        eprintln!(
            "codegen --check: {} file(s) stale or missing and {} to remove in `{}`; run `{}` and commit the result",
            plan.write.len(),
            plan.remove.len(),
            out.display(),
            options.command
        );
        return Ok(ExitCode::FAILURE);
    }
    let (written, removed) = (plan.write.len(), plan.remove.len());
    apply(plan.write, &plan.remove)?;
    println!(
        "codegen: {} types, {} operations, {} example tests → `{}`: {written} written, {} unchanged, {removed} removed ({} ms)",
        generated.types,
        generated.operations,
        generated.example_tests,
        out.display(),
        plan.unchanged,
        started.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}

/// Another file of a split spec, for the generator, which reads none itself.
/// A URL never gets here: the generator refuses it.
pub fn read_spec_file(base: &Path, path: &str) -> Result<String, String> {
    fs::read_to_string(base.join(path)).map_err(|e| e.to_string())
}

/// What a run would change on disk.
struct Plan {
    /// Files to create or replace: path, current contents (if any), new contents.
    write: Vec<(PathBuf, Option<String>, String)>,
    /// Generated files that the spec no longer produces.
    remove: Vec<PathBuf>,
    unchanged: usize,
}

impl Plan {
    fn is_clean(&self) -> bool {
        self.write.is_empty() && self.remove.is_empty()
    }
}

fn plan(out: &Path, files: &[File]) -> Result<Plan> {
    let mut plan = Plan {
        write: Vec::new(),
        remove: Vec::new(),
        unchanged: 0,
    };
    let mut produced = BTreeSet::new();
    for file in files {
        let path = out.join(&file.path);
        produced.insert(path.clone());
        match fs::read_to_string(&path) {
            Ok(current) if current == file.contents => plan.unchanged += 1,
            Ok(current) => plan
                .write
                .push((path, Some(current), file.contents.clone())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                plan.write.push((path, None, file.contents.clone()))
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", path.display())),
        }
    }
    for path in existing_files(out)? {
        if produced.contains(&path) {
            continue;
        }
        // Only files this tool made (they carry its header) are ever removed.
        if fs::read_to_string(&path).is_ok_and(|c| generator::is_generated(&c)) {
            plan.remove.push(path);
        }
    }
    Ok(plan)
}

/// Every file under `dir`, skipping build output and hidden directories.
fn existing_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot list `{}`", dir.display())),
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name();
            if entry.file_type()?.is_dir() {
                if name != "target" && !name.to_string_lossy().starts_with('.') {
                    stack.push(path);
                }
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Writes every file to a temporary sibling first, then renames them all
/// into place, so an I/O failure while writing leaves the old crate intact.
fn apply(write: Vec<(PathBuf, Option<String>, String)>, remove: &[PathBuf]) -> Result<()> {
    let mut staged = Vec::new();
    for (path, _, contents) in write {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        let tmp = path.with_extension("codegen-tmp");
        if let Err(e) = fs::write(&tmp, contents) {
            for (tmp, _) in &staged {
                let _ = fs::remove_file(tmp);
            }
            let _ = fs::remove_file(&tmp);
            return Err(e).with_context(|| format!("cannot write `{}`", tmp.display()));
        }
        staged.push((tmp, path));
    }
    for (tmp, path) in staged {
        fs::rename(&tmp, &path)
            .with_context(|| format!("cannot move `{}` into place", path.display()))?;
    }
    for path in remove {
        fs::remove_file(path).with_context(|| format!("cannot remove `{}`", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| (*a).to_owned()).collect()
    }

    #[test]
    fn the_own_spec_is_strict_and_others_lenient_unless_told() {
        let own = parse(&args(&[])).unwrap();
        assert!(own.deny_warnings);
        assert!(parse(&args(&["--check"])).unwrap().deny_warnings);
        assert!(!parse(&args(&["--allow-warnings"])).unwrap().deny_warnings);
        let other = ["--spec", "a.yaml", "--out", "dir"];
        assert!(!parse(&args(&other)).unwrap().deny_warnings);
        let strict = parse(&args(&[&other[..], &["--deny-warnings"]].concat())).unwrap();
        assert!(strict.deny_warnings);
        let both = parse(&args(&["--deny-warnings", "--allow-warnings"])).unwrap_err();
        assert!(both.to_string().contains("contradict"), "{both}");
    }
}
