//! The default command: deduplicate the inputs and write the clusters.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use newsdedup::dates::AsOf;
use newsdedup::error::Error;
use newsdedup::exit::ExitCode;
use newsdedup::index::Index;
use newsdedup::output::Destination;
use newsdedup::writer::Output;

use super::args::{CanonicalArg, InputArgs, KeepShape, OutputArg, SimArgs};
use super::progress::Progress;

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
    /// Exit 1 when any duplicates were found (for CI gates); without -q,
    /// list each duplicate on stderr (its id, its canonical's, similarity).
    #[arg(long)]
    pub check: bool,
    /// Resolve relative dates (`3 days ago`, `yesterday`) against the scrape
    /// time DATE (YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS]; a date alone is its
    /// last second): each `date` is followed by `date_resolved`, an ISO date,
    /// or null when the date names no one day.
    #[arg(long, value_name = "DATE", value_parser = as_of)]
    pub as_of: Option<AsOf>,
    /// Write no clusters, no progress bar (with --check: only the exit code speaks).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print a summary to stderr: records, clusters, duplicates, time.
    #[arg(long)]
    pub stats: bool,
    /// Compare with the archive index INDEX (`newsdedup index build`): write
    /// only today's stories that are not in it, the same as one run over the
    /// archive and today together; report each dropped record with the
    /// archived id it matched on stderr, or in --matches FILE.
    #[arg(long, value_name = "INDEX")]
    pub against: Option<PathBuf>,
    /// With --against: write the dropped records to FILE (atomically), one JSON
    /// object a line: `id`, `archived` (the archived id it matched),
    /// `similarity`, `containment`.
    #[arg(long, value_name = "FILE", requires = "against")]
    pub matches: Option<PathBuf>,
}

fn as_of(s: &str) -> Result<AsOf, String> {
    AsOf::parse(s)
}

pub fn run(args: &DedupArgs) -> Result<ExitCode, Error> {
    if let Some(index) = &args.against {
        return against(args, index);
    }
    let start = Instant::now();
    let params = args.sim.params()?;
    // Opened first: an unwritable -o fails before any input is read.
    let dest = if args.quiet { None } else { Some(Destination::open(args.output.as_deref())?) };
    // read, the library's stages, write
    let progress = Progress::new(!args.quiet && !args.input.reads_terminal(), newsdedup::STAGES.len() as u64 + 2);
    let loaded = args.input.load_keeping_shapes(&progress, KeepShape::for_format(args.format.into()))?;
    let (read, problems) = (&loaded.read, loaded.problems);
    let result = loaded
        .pool
        .install(|| newsdedup::dedup_observed(&read.articles, &params, args.canonical.into(), &mut progress.hook()))?;
    if let Some(dest) = dest {
        // On a terminal the clusters would run into the bar: it goes first.
        if args.output.is_none() && std::io::stdout().is_terminal() {
            progress.finish();
        }
        progress.stage("write");
        let out =
            Output { articles: &read.articles, sigs: &result.sigs, clusters: &result.clusters, as_of: args.as_of };
        // A reader that went away (`| head`) ends the output only: the run's
        // own outcome (--check, input problems) still decides the code.
        dest.write(|w| loaded.pool.install(|| newsdedup::writer::write(args.format.into(), &out, w)))?;
    }
    progress.finish();
    if args.check && !args.quiet {
        list_duplicates(&read.articles, &result);
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
    let found = result.duplicates() > 0;
    let code = loaded.finish(if args.check && found { ExitCode::DuplicatesFound } else { ExitCode::Success });
    exit_frees(result);
    exit_frees(loaded);
    code
}

/// Leave `value` for the process's exit to free: the run's records,
/// signatures and clusters are millions of small blocks, and returning them
/// one by one to the allocator just before the exit returns all of its
/// memory at once took 30 ms of a 100k-record run and 0.4 s of a 1M one.
/// Only for what the command holds to its end (nothing of it is written,
/// flushed or removed on drop: the spool is an unnamed file, the output is
/// already persisted).
fn exit_frees<T>(value: T) {
    std::mem::forget(value);
}

/// `--against INDEX`: today's new stories only, and a report of the others.
fn against(args: &DedupArgs, path: &std::path::Path) -> Result<ExitCode, Error> {
    let start = Instant::now();
    let params = args.sim.params()?;
    // Opened first: an unwritable -o or --matches fails before any input is read.
    let dest = if args.quiet { None } else { Some(Destination::open(args.output.as_deref())?) };
    let report = args.matches.as_deref().map(|m| Destination::open(Some(m))).transpose()?;
    let index = Index::open(path)?;
    index.check_params(&params)?;
    let progress = Progress::new(false, 0);
    let keep_shape = KeepShape::for_format(args.format.into());
    let (loaded, rescrapes) =
        args.input.load_checked_keeping_shapes(&progress, keep_shape, |read| index.check_ids(read))?;
    let (read, problems) = (&loaded.read, loaded.problems);
    let result = loaded.pool.install(|| index.against(&read.articles, &rescrapes, args.canonical.into()))?;
    if let Some(dest) = dest {
        let out =
            Output { articles: &read.articles, sigs: &result.sigs, clusters: &result.clusters, as_of: args.as_of };
        dest.write(|w| loaded.pool.install(|| newsdedup::writer::write(args.format.into(), &out, w)))?;
    }
    let records = result.matches.iter().map(|m| m.record(&read.articles, &result.archived_ids));
    match report {
        Some(report) => report.write(|w| {
            for r in records {
                serde_json::to_writer(&mut *w, &r)?;
                w.write_all(b"\n")?;
            }
            Ok(())
        })?,
        None => {
            for (m, r) in result.matches.iter().zip(records) {
                newsdedup::message!(
                    "{}: already archived as {} (similarity {}, containment {})",
                    read.articles[m.today].id,
                    result.archived_ids[m.archived as usize],
                    r["similarity"],
                    r["containment"]
                );
            }
        }
    }
    if args.stats {
        newsdedup::message!(
            "{} records read, {} already archived, {} clusters, {} duplicates, {} problems, {} archived records, {} signed again, {} candidate pairs, {} verified pairs, {} boilerplate lines, {:.3}s",
            read.articles.len(),
            result.matches.len(),
            result.clusters.len(),
            result.duplicates(),
            problems,
            result.archived_ids.len(),
            result.resigned,
            result.candidates,
            result.edges,
            result.boilerplate,
            start.elapsed().as_secs_f64()
        );
        let stages: Vec<String> =
            result.timings.iter().map(|(name, t)| format!("{name} {:.3}s", t.as_secs_f64())).collect();
        newsdedup::message!("stages: {}", stages.join(", "));
    }
    let found = result.duplicates() + result.matches.len() > 0;
    let code = loaded.finish(if args.check && found { ExitCode::DuplicatesFound } else { ExitCode::Success });
    exit_frees(result);
    exit_frees(loaded);
    code
}

/// `--check`: one line on stderr per duplicate found in this run, in the
/// clusters' order: its id, its canonical's id, their similarity (Jaccard of
/// shingle sets, 4 decimals, as in the output).
fn list_duplicates(articles: &[newsdedup::record::Article], result: &newsdedup::Dedup) {
    for c in &result.clusters {
        let (canon, sig) = (&articles[c.canonical as usize].id, &result.sigs[c.canonical as usize]);
        for d in c.duplicates() {
            let s = newsdedup::verify::similarity(sig, &result.sigs[d as usize]);
            let jaccard = newsdedup::writer::round4(s.jaccard);
            newsdedup::message!("duplicate {} of {canon}, similarity {jaccard}", articles[d as usize].id);
        }
    }
}
