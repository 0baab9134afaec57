//! Generation in process, phase by phase: ours against progenitor's
//! build.rs recipe (`Generator::generate_tokens`, then `prettyplease`).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

use generator::{Options, PhaseTimes};

use crate::{median, ms, ratio, SPECS};

fn parse(text: &str, json: bool) -> Result<openapiv3::OpenAPI, String> {
    if json {
        serde_json::from_str(text).map_err(|e| e.to_string())
    } else {
        serde_yaml::from_str(text).map_err(|e| e.to_string())
    }
}

/// The median time of the typed parse of `text`, the floor of generation.
pub fn time_parse(text: &str, json: bool, runs: usize) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let started = Instant::now();
                let _ = parse(text, json);
                started.elapsed()
            })
            .collect(),
    )
}

/// One progenitor run: parse, generate tokens, format. The formatted code,
/// or why it failed, and the time of each step.
pub fn progenitor_once(text: &str, json: bool) -> (Result<String, String>, [Duration; 3]) {
    let mut times = [Duration::ZERO; 3];
    let started = Instant::now();
    let spec = match parse(text, json) {
        Ok(spec) => spec,
        Err(e) => return (Err(format!("parse: {e}")), times),
    };
    times[0] = started.elapsed();
    let started = Instant::now();
    let tokens = catch_unwind(AssertUnwindSafe(|| {
        let mut generator = progenitor::Generator::new(&progenitor::GenerationSettings::default());
        generator.generate_tokens(&spec).map_err(|e| e.to_string())
    }));
    times[1] = started.elapsed();
    let tokens = match tokens {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => {
            return (
                Err(format!("error: {}", e.chars().take(60).collect::<String>())),
                times,
            )
        }
        Err(_) => return (Err("panicked".to_owned()), times),
    };
    let started = Instant::now();
    let file: syn::File = match syn::parse2(tokens) {
        Ok(file) => file,
        Err(e) => return (Err(format!("unparsable output: {e}")), times),
    };
    let formatted = prettyplease::unparse(&file);
    times[2] = started.elapsed();
    (Ok(formatted), times)
}

/// Prints the table: one row per spec, `runs` runs per cell.
pub fn run(root: &Path, runs: usize) {
    println!("| spec | ours: load | lower | emit | format | **total** (ms) | typed parse alone | progenitor: parse | generate | format | **total** (ms) | ours / progenitor | lines ours / progenitor |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for spec in SPECS {
        let path = root.join(spec);
        let Ok(text) = std::fs::read_to_string(&path) else {
            println!("| {spec} | not found at {} |", path.display());
            continue;
        };
        let json = spec.ends_with(".json");
        let options = Options {
            spec_file: (*spec).to_owned(),
            crate_name: Some("bench".to_owned()),
            command: "bench".to_owned(),
            deny_warnings: false,
        };

        let mut phases: Vec<PhaseTimes> = Vec::new();
        let mut totals = Vec::new();
        let mut our_lines = 0;
        for _ in 0..runs {
            let started = Instant::now();
            let (result, times) = generator::generate_timed(&text, &options);
            totals.push(started.elapsed());
            phases.push(times);
            if let Ok(generated) = result {
                our_lines = generated
                    .files
                    .iter()
                    .filter(|f| f.path.ends_with(".rs"))
                    .map(|f| f.contents.lines().count())
                    .sum();
            }
        }
        let phase = |f: fn(&PhaseTimes) -> Duration| median(phases.iter().map(f).collect());
        let ours = median(totals);

        let parse_alone = time_parse(&text, json, runs);

        let mut theirs = Vec::new();
        let mut their_phases = Vec::new();
        let mut their_result = Err(String::new());
        for _ in 0..runs {
            let started = Instant::now();
            let (result, times) = progenitor_once(&text, json);
            theirs.push(started.elapsed());
            their_phases.push(times);
            their_result = result;
        }
        let their_phase = |i: usize| median(their_phases.iter().map(|t| t[i]).collect());
        let (their_total, relative, their_lines) = match &their_result {
            Ok(code) => {
                let total = median(theirs);
                (
                    ms(total),
                    ratio(ours, total),
                    code.lines().count().to_string(),
                )
            }
            Err(why) => (format!("fails ({why})"), "-".to_owned(), "-".to_owned()),
        };
        println!(
            "| {spec} | {} | {} | {} | {} | **{}** | {} | {} | {} | {} | **{}** | {} | {} / {} |",
            ms(phase(|p| p.load)),
            ms(phase(|p| p.lower)),
            ms(phase(|p| p.emit)),
            ms(phase(|p| p.format)),
            ms(ours),
            ms(parse_alone),
            ms(their_phase(0)),
            ms(their_phase(1)),
            ms(their_phase(2)),
            their_total,
            relative,
            our_lines,
            their_lines,
        );
    }
}
