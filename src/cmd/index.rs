//! `newsdedup index build|add|remove|stats`: keep an archive index (see
//! [`newsdedup::index`]) that `newsdedup --against INDEX` compares today's
//! records with.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Subcommand};

use newsdedup::error::Error;
use newsdedup::exit::ExitCode;
use newsdedup::index::{self, Index};

use super::args::{InputArgs, SimArgs};

/// `newsdedup index`: build, extend, prune or describe an archive index.
#[derive(Debug, Clone, Args)]
pub struct IndexArgs {
    #[command(subcommand)]
    pub command: IndexCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum IndexCommand {
    /// Sign every archived record once and write the index: ids, the fields
    /// records are signed from, signatures, and the similarity options, which
    /// every later run against it must use.
    #[command(after_help = "Example:\n  newsdedup index build -o news.idx archive/*.jsonl")]
    Build(BuildArgs),
    /// Add records at the end of the archive (today's, once compared). A
    /// record already archived (same id, same text) is skipped; another text
    /// under an archived id is reported as a duplicate id and added renamed.
    #[command(after_help = "Example:\n  newsdedup index add news.idx today.jsonl")]
    Add(AddArgs),
    /// Drop the records with these ids (takedowns).
    #[command(after_help = "Example:\n  newsdedup index remove news.idx census-761 census-16223")]
    Remove(RemoveArgs),
    /// Describe an index: records, size, similarity options, boilerplate.
    #[command(after_help = "Example:\n  newsdedup index stats news.idx")]
    Stats(StatsArgs),
}

#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub sim: SimArgs,
    /// The index to write (atomically: a temp file beside it, then rename).
    #[arg(long, short = 'o', value_name = "INDEX", required = true)]
    pub output: PathBuf,
    /// Print a summary to stderr.
    #[arg(long)]
    pub stats: bool,
}

#[derive(Debug, Clone, Args)]
pub struct AddArgs {
    /// The index to add to (rewritten atomically, under a lock on INDEX.lock).
    #[arg(value_name = "INDEX")]
    pub index: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
    /// Print a summary to stderr.
    #[arg(long)]
    pub stats: bool,
}

#[derive(Debug, Clone, Args)]
pub struct RemoveArgs {
    /// The index to remove from (rewritten atomically, under a lock on INDEX.lock).
    #[arg(value_name = "INDEX")]
    pub index: PathBuf,
    /// Ids of the records to drop; an id not in the index is reported (exit 2)
    /// and the others are still dropped.
    #[arg(value_name = "ID", required = true)]
    pub ids: Vec<String>,
    /// Worker threads for signing again, 1 to 256 (default: one per core).
    #[arg(long, short = 'j', value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=super::args::MAX_THREADS as u64))]
    pub threads: Option<usize>,
    /// Print a summary to stderr.
    #[arg(long)]
    pub stats: bool,
}

#[derive(Debug, Clone, Args)]
pub struct StatsArgs {
    /// The index to describe.
    #[arg(value_name = "INDEX")]
    pub index: PathBuf,
}

pub fn run(args: &IndexArgs) -> Result<ExitCode, Error> {
    match &args.command {
        IndexCommand::Build(a) => build(a),
        IndexCommand::Add(a) => add(a),
        IndexCommand::Remove(a) => remove(a),
        IndexCommand::Stats(a) => stats(a),
    }
}

fn name(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn build(args: &BuildArgs) -> Result<ExitCode, Error> {
    let start = Instant::now();
    let params = args.sim.params()?;
    let _lock = index::lock(&args.output)?;
    let loaded = args.input.load(&super::progress::Progress::new(false, 0))?;
    let mut idx = Index::new(&name(&args.output), &params);
    loaded.pool.install(|| idx.append(&loaded.read.articles))?;
    idx.save(&args.output)?;
    if args.stats {
        newsdedup::message!(
            "{}: {} records, {} boilerplate lines, {} bytes, {:.3}s",
            idx.name(),
            idx.len(),
            idx.boilerplate().len(),
            size(&args.output),
            start.elapsed().as_secs_f64()
        );
    }
    loaded.finish(ExitCode::Success)
}

fn add(args: &AddArgs) -> Result<ExitCode, Error> {
    let start = Instant::now();
    let _lock = index::lock(&args.index)?;
    let mut idx = Index::open(&args.index)?;
    let (loaded, rescrapes) =
        args.input.load_checked(&super::progress::Progress::new(false, 0), |read| idx.check_ids(read))?;
    let skip: std::collections::HashSet<usize> = rescrapes.iter().map(|r| r.today).collect();
    let new: Vec<_> =
        loaded.read.articles.iter().enumerate().filter(|(i, _)| !skip.contains(i)).map(|(_, a)| a.clone()).collect();
    let resigned = loaded.pool.install(|| idx.append(&new))?;
    idx.save(&args.index)?;
    if args.stats {
        newsdedup::message!(
            "{}: {} records added, {} already archived (same id, same text), {} archived records signed again, {} records, {} bytes, {:.3}s",
            idx.name(),
            new.len(),
            rescrapes.len(),
            resigned,
            idx.len(),
            size(&args.index),
            start.elapsed().as_secs_f64()
        );
    }
    loaded.finish(ExitCode::Success)
}

fn remove(args: &RemoveArgs) -> Result<ExitCode, Error> {
    let start = Instant::now();
    let _lock = index::lock(&args.index)?;
    let mut idx = Index::open(&args.index)?;
    let before = idx.len();
    let pool = super::args::thread_pool(args.threads)?;
    let (missing, resigned) = pool.install(|| idx.remove(&args.ids))?;
    for id in &missing {
        newsdedup::message!("{}: no record with id `{id}`", idx.name());
    }
    if idx.len() < before {
        idx.save(&args.index)?;
    }
    if args.stats {
        newsdedup::message!(
            "{}: {} records removed, {} archived records signed again, {} records, {:.3}s",
            idx.name(),
            before - idx.len(),
            resigned,
            idx.len(),
            start.elapsed().as_secs_f64()
        );
    }
    if missing.is_empty() {
        Ok(ExitCode::Success)
    } else {
        Err(Error::Reported(missing.len()))
    }
}

fn stats(args: &StatsArgs) -> Result<ExitCode, Error> {
    let idx = Index::open(&args.index)?;
    let p = idx.params();
    let bytes = size(&args.index);
    let n = idx.len();
    let shingles: usize = idx.records().iter().map(|r| r.sig.shingles.len()).sum();
    let lines: usize = idx.records().iter().map(|r| r.short_lines.len()).sum();
    let per = |x: usize| if n == 0 { 0.0 } else { x as f64 / n as f64 };
    let text = format!(
        "index:            {}\nformat version:   {}\nrecords:          {n}\nfile bytes:       {bytes} ({:.0} a record)\n\
         shingles:         {shingles} ({:.1} a record)\nshort lines:      {lines} ({:.1} a record)\n\
         boilerplate:      {} lines ({} outlet lines counted)\n\
         parameters:       --shingle-size {} --jaccard {} --containment {} --link {} --min-words {} --max-hamming {} --boilerplate-min {} --min-line-words {}{}\n",
        idx.name(),
        match idx.version() {
            index::VERSION => index::VERSION.to_string(),
            old => format!("{old} (written as version {} by the next add or remove)", index::VERSION),
        },
        per(bytes as usize),
        per(shingles),
        per(lines),
        idx.boilerplate().len(),
        idx.line_counts(),
        p.shingle_size,
        p.jaccard,
        p.containment,
        p.link,
        p.min_words,
        p.max_hamming,
        p.boilerplate_min,
        p.min_line_words,
        if p.use_urls { "" } else { " --no-urls" },
    );
    newsdedup::output::print(&text)?;
    Ok(ExitCode::Success)
}
