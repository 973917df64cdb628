//! `newsdedup eval`: score the clusters of a run against labelled truth.

use std::path::PathBuf;

use clap::Args;

use newsdedup::error::Error;
use newsdedup::eval::{evaluate, read_truth, record_label};
use newsdedup::exit::ExitCode;

use super::args::{InputArgs, ReportFormat, SimArgs};

#[derive(Debug, Clone, Args)]
pub struct EvalArgs {
    /// Truth file: JSON Lines of `{"id": ..., "cluster": ...}`. Without it,
    /// labels are read from the input records' --label-field.
    #[arg(long, value_name = "TRUTH.jsonl")]
    pub truth: Option<PathBuf>,
    /// Field holding the label (in the truth file, or in the input records
    /// when --truth is not given: any field, known or passed through).
    #[arg(long, default_value = "cluster", value_name = "NAME")]
    pub label_field: String,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// List at most N false merges and N missed pairs, and the clusters
    /// holding the rest (0: every pair, but a cluster with more than 100
    /// errors of a kind as one line with its count).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub max_errors: usize,
    /// Exit 1 when the adjusted Rand index is below X, from -1 to 1 (for CI gates).
    #[arg(long, value_name = "X", value_parser = ari_gate)]
    pub min_ari: Option<f64>,
    /// Exit 1 when pairwise F1 is below X, from 0 to 1 (for CI gates).
    #[arg(long, value_name = "X", value_parser = f1_gate)]
    pub min_f1: Option<f64>,
}

/// A gate value: a number from `lo` to `hi`. NaN (which every score would
/// pass) and infinities are refused.
fn gate(s: &str, lo: f64, hi: f64) -> Result<f64, String> {
    let v: f64 = s.trim().parse().map_err(|_| format!("`{s}` is not a number"))?;
    if !(lo..=hi).contains(&v) {
        return Err(format!("must be a number from {lo} to {hi}, not {s}"));
    }
    Ok(v)
}

fn ari_gate(s: &str) -> Result<f64, String> {
    gate(s, -1.0, 1.0)
}

fn f1_gate(s: &str) -> Result<f64, String> {
    gate(s, 0.0, 1.0)
}

pub fn run(args: &EvalArgs) -> Result<ExitCode, Error> {
    let p = args.sim.params()?;
    let loaded = args.input.load()?;
    let arts = &loaded.read.articles;
    let truth: Vec<(String, String)> = match &args.truth {
        Some(path) => {
            let (t, bad) = read_truth(path, &args.label_field)?;
            if let (true, Some(first)) = (args.input.strict, bad.first()) {
                return Err(Error::Input(first.clone()));
            }
            for b in &bad {
                newsdedup::message!("{b}");
            }
            if !bad.is_empty() {
                return Err(Error::Usage(format!("{} problem(s) in the truth file", bad.len())));
            }
            t
        }
        None => arts.iter().filter_map(|a| record_label(a, &args.label_field).map(|l| (a.id.clone(), l))).collect(),
    };
    let ev = loaded.pool.install(|| evaluate(arts, &truth, &p, args.max_errors));
    if ev.scores.records == 0 {
        // Scores over no record would read as perfect: refuse instead.
        let from = match &args.truth {
            Some(t) => format!("the truth file {}", t.display()),
            None => format!("the input records' `{}` field", args.label_field),
        };
        return Err(Error::Usage(format!("no input record has a label in {from}")));
    }
    let s = &ev.scores;
    let text = match args.format {
        ReportFormat::Json => serde_json::to_string(&ev.to_json(arts, &p)).expect("JSON values serialize") + "\n",
        ReportFormat::Text => ev.to_text(arts, &p),
    };
    // The outcome is decided before the report is written: a closed pipe
    // (`| head`) ends the report, not the verdict.
    let below = args.min_ari.is_some_and(|m| s.ari < m) || args.min_f1.is_some_and(|m| s.f1 < m);
    newsdedup::output::print(&text)?;
    for id in &ev.missing_from_input {
        newsdedup::message!("truth id `{id}` is not in the input");
    }
    for id in &ev.missing_from_truth {
        newsdedup::message!("input id `{id}` has no label in the truth");
    }
    loaded.finish(if below { ExitCode::DuplicatesFound } else { ExitCode::Success })
}
