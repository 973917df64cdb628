//! The default command: deduplicate the inputs and write the clusters.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use newsdedup::error::Error;
use newsdedup::exit::ExitCode;
use newsdedup::output::Destination;
use newsdedup::writer::Output;

use super::args::{CanonicalArg, InputArgs, OutputArg, SimArgs};

/// The default command: deduplicate.
#[derive(Debug, Clone, Args)]
pub struct DedupArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "jsonl")]
    pub format: OutputArg,
    /// Write to FILE atomically (temp file + rename) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Canonical article of each cluster.
    #[arg(long, value_enum, default_value = "longest")]
    pub canonical: CanonicalArg,
    /// Exit 1 when any duplicates were found (for CI gates).
    #[arg(long)]
    pub check: bool,
    /// Write no clusters (with --check: only the exit code speaks).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print a summary to stderr: records, clusters, duplicates, time.
    #[arg(long)]
    pub stats: bool,
}

pub fn run(args: &DedupArgs) -> Result<ExitCode, Error> {
    let start = Instant::now();
    let params = args.sim.params()?;
    // Opened first: an unwritable -o fails before any input is read.
    let dest = if args.quiet { None } else { Some(Destination::open(args.output.as_deref())?) };
    let loaded = args.input.load_keeping_shapes(args.format == OutputArg::Filter)?;
    let (read, problems) = (&loaded.read, loaded.problems);
    let result = loaded.pool.install(|| newsdedup::dedup(&read.articles, &params, args.canonical.into()));
    if let Some(dest) = dest {
        let out = Output { articles: &read.articles, sigs: &result.sigs, clusters: &result.clusters };
        // A reader that went away (`| head`) ends the output only: the run's
        // own outcome (--check, input problems) still decides the code.
        dest.write(|w| newsdedup::writer::write(args.format.into(), &out, w))?;
    }
    if args.stats {
        newsdedup::message!(
            "{} records read, {} clusters, {} duplicates, {} problems, {} candidate pairs, {} verified pairs, {} boilerplate lines, {:.3}s",
            read.articles.len(),
            result.clusters.len(),
            result.duplicates(),
            problems,
            result.candidates.len(),
            result.edges.len(),
            result.boilerplate.len(),
            start.elapsed().as_secs_f64()
        );
        let stages: Vec<String> =
            result.timings.iter().map(|(name, t)| format!("{name} {:.3}s", t.as_secs_f64())).collect();
        newsdedup::message!("stages: {}", stages.join(", "));
    }
    loaded.finish(if args.check && result.duplicates() > 0 { ExitCode::DuplicatesFound } else { ExitCode::Success })
}
