//! The command line: clap definitions (each field's doc comment is its help
//! text), validation into [`Params`], and the top-level [`run`].

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use crate::config::{CanonicalRule, Params};
use crate::error::Error;
use crate::exit::ExitCode;
use crate::output::Destination;
use crate::reader::{InputFormat, ReadOutcome};
use crate::writer::{Output, OutputFormat};

const EXAMPLES: &str = "\
Examples:
  newsdedup fixtures/listing-janlipavsky.txt
  newsdedup --format text fixtures/listing-janlipavsky.txt
  cat dump.jsonl | newsdedup --stats > clusters.jsonl
  newsdedup -o clusters.jsonl a.txt b.jsonl
  newsdedup --check -q fixtures/*.jsonl || echo 'duplicates found'
  newsdedup eval --truth truth.jsonl corpus.jsonl
  newsdedup explain ID_A ID_B corpus.jsonl

Exit codes: 0 success; 1 with --check when duplicates were found; 2 any
error (bad input reported on stderr, bad option, an unreadable input, I/O).
A closed output pipe (`newsdedup ... | head`) is not an error: the run still
exits with the code its outcome deserves. SIGINT/SIGTERM during `-o FILE`
remove the temporary file and exit 130/143.";

/// The most worker threads `--threads` accepts.
pub const MAX_THREADS: usize = 256;

/// Find near-duplicate articles in scraped news dumps and write one
/// canonical article per story with the outlets that carried it.
#[derive(Debug, Parser)]
#[command(name = "newsdedup", version, after_help = EXAMPLES, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare the clusters with labelled truth: pairwise precision, recall,
    /// F1, adjusted Rand index, and the errors (the first of each kind listed).
    #[command(
        after_help = "Example:\n  newsdedup eval --truth web.truth.jsonl web.jsonl\n  newsdedup eval --label-field story --format json labelled.jsonl"
    )]
    Eval(crate::eval::EvalArgs),
    /// Show why two records did or did not cluster.
    #[command(after_help = "Example:\n  newsdedup explain census-761 census-16223 web.jsonl")]
    Explain(crate::explain::ExplainArgs),
}

/// The inputs and how they are read.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Input files; none or `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Input format; auto decides per file by its name (.jsonl, .ndjson, .json, .txt),
    /// else by its first 64 KiB.
    #[arg(long = "input", value_enum, default_value = "auto", value_name = "FORMAT")]
    pub input: InputFormat,
    /// Stop at the first input problem or unreadable input, writing nothing
    /// (default: report each problem and each unreadable input, keep every
    /// record of the inputs that could be read, write the output, exit 2).
    #[arg(long)]
    pub strict: bool,
    /// Worker threads, 1 to 256 (default: one per core). Output does not depend on it.
    #[arg(long, short = 'j', value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_THREADS as u64))]
    pub threads: Option<usize>,
}

/// Similarity options. Thresholds are inclusive: a pair passes at `>=`.
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Words per shingle.
    #[arg(long, default_value_t = Params::default().shingle_size, value_name = "N")]
    pub shingle_size: usize,
    /// Duplicates when the Jaccard similarity of shingle sets is >= this.
    #[arg(long, default_value_t = Params::default().jaccard, value_name = "X")]
    pub jaccard: f64,
    /// Duplicates when >= this share of the smaller record's shingles is in the larger one.
    #[arg(long, default_value_t = Params::default().containment, value_name = "X")]
    pub containment: f64,
    /// Clusters merge only when every pair between them has containment >= this.
    #[arg(long, default_value_t = Params::default().link, value_name = "X")]
    pub link: f64,
    /// Records with fewer body words than this match only the same normalized text or URL.
    #[arg(long, default_value_t = Params::default().min_words, value_name = "N")]
    pub min_words: usize,
    /// Simhash tables propose pairs within this Hamming distance (inclusive).
    #[arg(long, default_value_t = Params::default().max_hamming, value_name = "K")]
    pub max_hamming: u32,
    /// A body line recurring in >= N records of one outlet is boilerplate (0: off).
    #[arg(long, default_value_t = Params::default().boilerplate_min, value_name = "N")]
    pub boilerplate_min: usize,
    /// Body lines with fewer words than N (headings, bylines, navigation) are
    /// left out of the compared text, unless no longer line remains (0: keep all).
    #[arg(long, default_value_t = Params::default().min_line_words, value_name = "N")]
    pub min_line_words: usize,
    /// Do not treat records with the same canonical URL as one article.
    #[arg(long)]
    pub no_urls: bool,
}

impl SimArgs {
    pub fn params(&self) -> Result<Params, Error> {
        let p = Params {
            shingle_size: self.shingle_size,
            jaccard: self.jaccard,
            containment: self.containment,
            link: self.link,
            min_words: self.min_words,
            max_hamming: self.max_hamming,
            boilerplate_min: self.boilerplate_min,
            min_line_words: self.min_line_words,
            use_urls: !self.no_urls,
        };
        p.validate().map_err(Error::Usage)?;
        Ok(p)
    }
}

/// The default command: deduplicate.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "jsonl")]
    pub format: OutputFormat,
    /// Write to FILE atomically (temp file + rename) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Canonical article of each cluster.
    #[arg(long, value_enum, default_value = "longest")]
    pub canonical: CanonicalRule,
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

/// The worker pool for `--threads` (default: one worker per core). A bad
/// value is refused while parsing; the pool is built once the inputs are read,
/// so that an unreadable input fails without waiting for it.
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Error> {
    match threads {
        Some(0) => return Err(Error::Usage("--threads must be at least 1".into())),
        Some(n) if n > MAX_THREADS => {
            return Err(Error::Usage(format!("--threads must be at most {MAX_THREADS}, not {n}")))
        }
        _ => {}
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start worker threads: {e}")))
}

/// Inputs read and their problems reported, with the worker pool to use.
pub struct Loaded {
    pub pool: rayon::ThreadPool,
    pub read: ReadOutcome,
    /// Problems reported on stderr (0 with `--strict`, which fails instead).
    pub problems: usize,
    /// Inputs that could not be opened or read, reported on stderr.
    pub unreadable: usize,
}

impl InputArgs {
    /// Read every input, report the unreadable ones and the problems, then
    /// build the worker pool. When no input at all could be read, the run
    /// ends here (exit 2) and writes nothing.
    pub fn load(&self) -> Result<Loaded, Error> {
        let all = crate::input::read_each(&self.files, self.input, self.strict)?;
        for e in &all.failed {
            crate::message!("{e}");
        }
        if !all.failed.is_empty() && all.read.inputs.is_empty() {
            return Err(Error::Reported(all.failed.len()));
        }
        let problems = crate::input::report_problems(&all.read, self.strict)?;
        let pool = thread_pool(self.threads)?;
        Ok(Loaded { pool, read: all.read, problems, unreadable: all.failed.len() })
    }
}

impl Loaded {
    /// `code`, unless input problems or unreadable inputs were reported: then exit 2.
    pub fn finish(&self, code: ExitCode) -> Result<ExitCode, Error> {
        if self.problems + self.unreadable > 0 {
            return Err(Error::Reported(self.problems + self.unreadable));
        }
        Ok(code)
    }
}

fn dedup_command(args: &RunArgs) -> Result<ExitCode, Error> {
    let start = Instant::now();
    let params = args.sim.params()?;
    // Opened first: an unwritable -o fails before any input is read.
    let dest = if args.quiet { None } else { Some(Destination::open(args.output.as_deref())?) };
    let loaded = args.input.load()?;
    let (read, problems) = (&loaded.read, loaded.problems);
    let result = loaded.pool.install(|| crate::dedup(&read.articles, &params, args.canonical));
    if let Some(dest) = dest {
        let out = Output { articles: &read.articles, sigs: &result.sigs, clusters: &result.clusters };
        // A reader that went away (`| head`) ends the output only: the run's
        // own outcome (--check, input problems) still decides the code.
        dest.write(|w| crate::writer::write(args.format, &out, w))?;
    }
    if args.stats {
        crate::message!(
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
        crate::message!("stages: {}", stages.join(", "));
    }
    loaded.finish(if args.check && result.duplicates() > 0 { ExitCode::DuplicatesFound } else { ExitCode::Success })
}

/// Parse arguments already split by the shell and run; the outcome is the
/// exit code. Errors are printed here, once. A closed output pipe never
/// reaches here: each command ends its output there and keeps its outcome.
pub fn run(cli: Cli) -> ExitCode {
    let outcome = match &cli.command {
        None => dedup_command(&cli.run),
        Some(Command::Eval(a)) => crate::eval::command(a),
        Some(Command::Explain(a)) => crate::explain::command(a),
    };
    match outcome {
        Ok(code) => code,
        Err(Error::Reported(_)) => ExitCode::Error,
        Err(e) => {
            crate::message!("{e}");
            ExitCode::Error
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults_match_params_default() {
        let cli = Cli::parse_from(["newsdedup"]);
        assert_eq!(cli.run.sim.params().unwrap(), Params::default());
    }

    #[test]
    fn threads_are_capped() {
        let max = MAX_THREADS.to_string();
        assert_eq!(Cli::try_parse_from(["newsdedup", "-j", &max]).unwrap().run.input.threads, Some(MAX_THREADS));
        for n in ["0", "257", "30000"] {
            assert!(Cli::try_parse_from(["newsdedup", "-j", n]).is_err(), "-j {n} accepted");
        }
        assert!(matches!(thread_pool(Some(MAX_THREADS + 1)), Err(Error::Usage(m)) if m.contains("256")));
    }

    #[test]
    fn out_of_range_options_are_usage_errors() {
        let cli = Cli::parse_from(["newsdedup", "--jaccard", "1.5"]);
        assert!(matches!(cli.run.sim.params(), Err(Error::Usage(m)) if m.contains("--jaccard")));
    }
}
