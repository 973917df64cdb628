//! `newsdedup eval`: score the clusters of a run against labelled truth.

use std::path::PathBuf;

use clap::Args;

use newsdedup::error::Error;
use newsdedup::eval::{evaluate_observed, read_truth, record_label};
use newsdedup::exit::ExitCode;

use super::args::{InputArgs, ReportFormat, SimArgs};
use super::progress::Progress;

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
    #[arg(long, default_value_t = 20, value_name = "N", allow_negative_numbers = true)]
    pub max_errors: usize,
    /// Exit 1 when the adjusted Rand index is below X, from -1 to 1 (for CI
    /// gates), saying so on stderr.
    #[arg(long, value_name = "X", value_parser = ari_gate, allow_negative_numbers = true)]
    pub min_ari: Option<f64>,
    /// Exit 1 when pairwise F1 is below X, from 0 to 1 (for CI gates),
    /// saying so on stderr.
    #[arg(long, value_name = "X", value_parser = f1_gate, allow_negative_numbers = true)]
    pub min_f1: Option<f64>,
    /// With a gate (--min-ari, --min-f1), score the labelled records only
    /// when the truth and the input do not cover each other (default: such
    /// a run is an error, exit 2, the gates not applied).
    #[arg(long)]
    pub allow_partial_truth: bool,
}

/// `value` for a message saying it is below `bar`: 4 decimals, or as many
/// more as it takes not to read as the bar itself (0.94996 below 0.95).
fn below(value: f64, bar: f64) -> String {
    (4..17)
        .map(|d| format!("{value:.d$}"))
        .find(|s| s.parse::<f64>().is_ok_and(|v| v < bar))
        .unwrap_or(value.to_string())
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
    // read, the library's stages, score
    let progress = Progress::new(!args.input.reads_terminal(), newsdedup::STAGES.len() as u64 + 2);
    let loaded = args.input.load(&progress)?;
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
    let ev = loaded.pool.install(|| evaluate_observed(arts, &truth, &p, args.max_errors, &mut progress.hook()))?;
    progress.finish();
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
    let mut failed = Vec::new();
    if let Some(m) = args.min_ari.filter(|&m| s.ari < m) {
        failed.push(format!("ARI {} is below --min-ari {m}", below(s.ari, m)));
    }
    if let Some(m) = args.min_f1.filter(|&m| s.f1 < m) {
        failed.push(format!("F1 {} is below --min-f1 {m}", below(s.f1, m)));
    }
    let gated = args.min_ari.is_some() || args.min_f1.is_some();
    let (unlabelled, absent) = (ev.missing_from_truth.len(), ev.missing_from_input.len());
    let partial = gated && !args.allow_partial_truth && unlabelled + absent > 0;
    newsdedup::output::print(&text)?;
    let cap = args.input.max_problems;
    list_ids(&ev.missing_from_input, cap, "is not in the input", "truth ids not in the input", "truth");
    list_ids(&ev.missing_from_truth, cap, "has no label in the truth", "input ids with no label", "input");
    if partial {
        let mut gaps = Vec::new();
        if unlabelled > 0 {
            gaps.push(format!("{unlabelled} of {} input records have no label", arts.len()));
        }
        if absent > 0 {
            gaps.push(format!("{absent} of {} truth ids are not in the input", truth.len()));
        }
        newsdedup::message!(
            "the truth does not cover the input ({}): the gates were not applied; --allow-partial-truth scores the labelled records only",
            gaps.join(", ")
        );
        return Err(Error::Reported(unlabelled + absent));
    }
    for f in &failed {
        newsdedup::message!("{f}");
    }
    loaded.finish(if failed.is_empty() { ExitCode::Success } else { ExitCode::DuplicatesFound })
}

/// One line per id on stderr, at most `cap` (0: all), then one counting the rest.
fn list_ids(ids: &[String], cap: usize, each: &str, rest: &str, from: &str) {
    let shown = if cap == 0 { ids.len() } else { ids.len().min(cap) };
    for id in &ids[..shown] {
        newsdedup::message!("{from} id `{id}` {each}");
    }
    if shown < ids.len() {
        newsdedup::message!(
            "{} more {rest} not listed ({} in all; --max-problems 0 lists every one)",
            ids.len() - shown,
            ids.len()
        );
    }
}
