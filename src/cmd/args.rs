//! Argument groups shared by the commands, the value enums that mirror the
//! library's, and turning them into library calls.

use std::path::PathBuf;

use std::io::IsTerminal;

use clap::{Args, ValueEnum};

use newsdedup::boilerplate::Boilerplate;
use newsdedup::config::{CanonicalRule, Fingerprint, Params};
use newsdedup::error::Error;
use newsdedup::exit::ExitCode;
use newsdedup::reader::{Fields, InputFormat, ReadOptions, ReadOutcome};
use newsdedup::stages::Format;
use newsdedup::writer::filter::Shapes;
use newsdedup::writer::OutputFormat;

use super::progress::Progress;

/// The key that ends input typed at a terminal.
const EOF_KEY: &str = if cfg!(windows) { "Ctrl-Z then Enter" } else { "Ctrl-D" };

/// The most worker threads `--threads` accepts.
pub const MAX_THREADS: usize = 256;

/// `--input`: which parser reads an input ([`InputFormat`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputArg {
    /// By name: `.jsonl`/`.ndjson` JSON Lines, `.json` JSON, `.csv` CSV,
    /// `.txt` listing text (a `.gz`/`.zst` suffix dropped); any other name
    /// (and stdin) by its first 64 KiB: a JSON array when it opens with `[`
    /// and an object, JSON Lines when most non-blank lines start with `{`,
    /// listing text otherwise.
    Auto,
    /// Scraped listing text (outlet, relative time, `- ` tags, title, body).
    Listing,
    /// One JSON object per line.
    Jsonl,
    /// A JSON array of objects (default ids `FILE#N`, N counting from 1); an
    /// input that does not open with `[` is read as JSON Lines.
    Json,
    /// CSV with a header row naming the fields (default ids `FILE:LINE`).
    Csv,
}

impl From<InputArg> for InputFormat {
    fn from(a: InputArg) -> InputFormat {
        match a {
            InputArg::Auto => InputFormat::Auto,
            InputArg::Listing => InputFormat::Listing,
            InputArg::Jsonl => InputFormat::Jsonl,
            InputArg::Json => InputFormat::Json,
            InputArg::Csv => InputFormat::Csv,
        }
    }
}

/// `--format` of the default command ([`OutputFormat`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputArg {
    /// One JSON object per cluster per line.
    Jsonl,
    /// One JSON array of cluster objects.
    Json,
    /// Human-readable: canonical title, outlets, duplicates, then the body.
    Text,
    /// The input records less their duplicates, each as it was read (JSON,
    /// CSV), with the duplicates it absorbed in one added `duplicates` field.
    Filter,
    /// One kept (canonical) id per line.
    Ids,
    /// id, canonical id and similarity of every input record (tab-separated, with a header).
    Tsv,
}

impl From<OutputArg> for OutputFormat {
    fn from(a: OutputArg) -> OutputFormat {
        match a {
            OutputArg::Jsonl => OutputFormat::Jsonl,
            OutputArg::Json => OutputFormat::Json,
            OutputArg::Text => OutputFormat::Text,
            OutputArg::Filter => OutputFormat::Filter,
            OutputArg::Ids => OutputFormat::Ids,
            OutputArg::Tsv => OutputFormat::Tsv,
        }
    }
}

/// `--canonical` ([`CanonicalRule`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CanonicalArg {
    /// The most complete version: most normalized body words; ties go to input order.
    Longest,
    /// The member read first.
    First,
}

impl From<CanonicalArg> for CanonicalRule {
    fn from(a: CanonicalArg) -> CanonicalRule {
        match a {
            CanonicalArg::Longest => CanonicalRule::Longest,
            CanonicalArg::First => CanonicalRule::First,
        }
    }
}

/// `--format` of the reports (`eval`, `explain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

/// The inputs and how they are read.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Input files; none or `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Input format; auto decides per file by its name (.jsonl, .ndjson, .json, .csv, .txt,
    /// each also with .gz or .zst), else by its first 64 KiB. Gzip and zstd input is
    /// found by its first bytes and decompressed, whatever its name.
    #[arg(long = "input", value_enum, default_value = "auto", value_name = "FORMAT")]
    pub input: InputArg,
    #[command(flatten)]
    pub fields: FieldArgs,
    /// Stop at the first input problem or unreadable input, writing nothing
    /// (default: report each problem and each unreadable input, keep every
    /// record of the inputs that could be read, write the output, exit 2).
    #[arg(long)]
    pub strict: bool,
    /// Worker threads, 1 to 256 (default: one per core). Output does not depend on it.
    #[arg(long, short = 'j', value_name = "N", allow_negative_numbers = true,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_THREADS as u64))]
    pub threads: Option<usize>,
    /// List at most N input problems of each kind on stderr, then one line
    /// counting the rest (0: list all). The exit code does not depend on it.
    #[arg(long, default_value_t = newsdedup::input::DEFAULT_MAX_PROBLEMS, value_name = "N", allow_negative_numbers = true)]
    pub max_problems: usize,
}

/// The names that JSON and CSV inputs give the known fields.
#[derive(Debug, Clone, Args)]
pub struct FieldArgs {
    /// JSON/CSV field holding the record id.
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,
    /// JSON/CSV field holding the outlet.
    #[arg(long, default_value = "source", value_name = "NAME")]
    pub source_field: String,
    /// JSON/CSV field holding the title.
    #[arg(long, default_value = "title", value_name = "NAME")]
    pub title_field: String,
    /// JSON/CSV field holding the article text (with the default, `text` is read too).
    #[arg(long, default_value = "body", value_name = "NAME")]
    pub body_field: String,
    /// JSON/CSV field holding the URL.
    #[arg(long, default_value = "url", value_name = "NAME")]
    pub url_field: String,
    /// JSON/CSV field holding the date.
    #[arg(long, default_value = "date", value_name = "NAME")]
    pub date_field: String,
}

impl FieldArgs {
    /// The library's [`Fields`]; an empty name, or one name given to two
    /// fields, is a usage error naming the options.
    pub fn fields(&self) -> Result<Fields, Error> {
        let given = [
            ("--id-field", &self.id_field),
            ("--source-field", &self.source_field),
            ("--title-field", &self.title_field),
            ("--body-field", &self.body_field),
            ("--url-field", &self.url_field),
            ("--date-field", &self.date_field),
        ];
        for (i, (option, name)) in given.iter().enumerate() {
            if name.is_empty() {
                return Err(Error::Usage(format!("{option} needs a field name")));
            }
            if let Some((other, _)) = given[..i].iter().find(|(_, n)| n == name) {
                return Err(Error::Usage(format!("{other} and {option} both name the field `{name}`")));
            }
        }
        Ok(Fields {
            id: self.id_field.clone(),
            source: self.source_field.clone(),
            title: self.title_field.clone(),
            body: self.body_field.clone(),
            url: self.url_field.clone(),
            date: self.date_field.clone(),
        })
    }
}

/// Similarity options. Thresholds are inclusive: a pair passes at `>=`.
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Words per shingle.
    #[arg(long, allow_negative_numbers = true, default_value_t = Params::default().shingle_size, value_name = "N")]
    pub shingle_size: usize,
    /// Duplicates when the Jaccard similarity of shingle sets is >= this.
    #[arg(long, allow_negative_numbers = true, default_value_t = Params::default().jaccard, value_name = "X")]
    pub jaccard: f64,
    /// Duplicates when >= this share of the smaller record's shingles is in the larger one.
    #[arg(long, allow_negative_numbers = true, default_value_t = Params::default().containment, value_name = "X")]
    pub containment: f64,
    /// Clusters merge only when every pair between them has containment >= this.
    #[arg(long, allow_negative_numbers = true, default_value_t = Params::default().link, value_name = "X")]
    pub link: f64,
    /// Records with fewer body words than this match only the same normalized text or URL.
    #[arg(long, allow_negative_numbers = true, default_value_t = Params::default().min_words, value_name = "N")]
    pub min_words: usize,
    /// Simhash tables propose pairs within this Hamming distance (inclusive).
    #[arg(long, allow_negative_numbers = true, default_value_t = Params::default().max_hamming, value_name = "K")]
    pub max_hamming: u32,
    /// A body line recurring in >= N records of one outlet is boilerplate (0: off).
    #[arg(long, allow_negative_numbers = true, default_value_t = Params::default().boilerplate_min, value_name = "N")]
    pub boilerplate_min: usize,
    /// Body lines with fewer words than N (headings, bylines, navigation) are
    /// left out of the compared text, unless no longer line remains (0: keep all).
    #[arg(long, allow_negative_numbers = true, default_value_t = Params::default().min_line_words, value_name = "N")]
    pub min_line_words: usize,
    /// Do not treat records with the same canonical URL as one article.
    #[arg(long)]
    pub no_urls: bool,
    /// How fingerprints hash shingles: xxh3 (one pass, the shingle set's own
    /// hashes) or simhash (the pinned `simhash` crate's SipHash, bit for bit).
    #[arg(long, value_enum, default_value = "xxh3", value_name = "HASH")]
    pub fingerprint: FingerprintArg,
}

/// `--fingerprint` ([`Fingerprint`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FingerprintArg {
    /// The XXH3 hashes of the shingle set, hashed once for both (default).
    Xxh3,
    /// SipHash per shingle, bit-identical to the pinned `simhash` crate (the reference).
    Simhash,
}

impl From<FingerprintArg> for Fingerprint {
    fn from(a: FingerprintArg) -> Fingerprint {
        match a {
            FingerprintArg::Xxh3 => Fingerprint::Xxh3,
            FingerprintArg::Simhash => Fingerprint::Simhash,
        }
    }
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
            fingerprint: self.fingerprint.into(),
        };
        p.validate().map_err(Error::Usage)?;
        Ok(p)
    }
}

/// The worker pool for `--threads` (default: one worker per core). A bad
/// value is refused while parsing; the pool is built before the inputs are
/// read, which it reads too.
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

/// How much of each record's input shape to keep ([`ReadOptions::keep_shape`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeepShape {
    /// None: the records' fields only.
    No,
    /// What decides the kind of filter output, not the record's text
    /// ([`ReadOptions::shape_kind_only`]: `newsdedup count`).
    Kind,
    /// All of it: the output is `--format filter`.
    Whole,
}

impl KeepShape {
    /// The whole shape for `--format filter`, none for the other formats.
    pub fn for_format(format: OutputFormat) -> KeepShape {
        if format == OutputFormat::Filter {
            KeepShape::Whole
        } else {
            KeepShape::No
        }
    }
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
    /// True when stdin is among the inputs and is a terminal: someone types
    /// the input there, so no progress bar may draw over it.
    pub fn reads_terminal(&self) -> bool {
        let reads_stdin = self.files.is_empty() || self.files.iter().any(|f| f.as_os_str() == "-");
        reads_stdin && std::io::stdin().is_terminal()
    }

    /// Read every input, report the unreadable ones and the problems (at
    /// most --max-problems of each kind, with the bar of `progress` off the
    /// line), on the worker pool. When no input at all could be
    /// read, the run ends here (exit 2) and writes nothing.
    pub fn load(&self, progress: &Progress) -> Result<Loaded, Error> {
        self.load_checked(progress, |_| Ok(())).map(|(loaded, ())| loaded)
    }

    /// [`load`](InputArgs::load), keeping each record's input shape as
    /// `keep_shape` says (for `--format filter`).
    pub fn load_keeping_shapes(&self, progress: &Progress, keep_shape: KeepShape) -> Result<Loaded, Error> {
        self.load_checked_keeping_shapes(progress, keep_shape, |_| Ok(())).map(|(loaded, ())| loaded)
    }

    /// [`load`](InputArgs::load), with `check` run on the records read
    /// before their problems are reported (it may add problems: ids that
    /// clash with an archive's).
    pub fn load_checked<T>(
        &self,
        progress: &Progress,
        check: impl FnOnce(&mut ReadOutcome) -> Result<T, Error>,
    ) -> Result<(Loaded, T), Error> {
        self.load_checked_keeping_shapes(progress, KeepShape::No, check)
    }

    /// [`load_checked`](InputArgs::load_checked), keeping each record's
    /// input shape as `keep_shape` says (for `--format filter`).
    pub fn load_checked_keeping_shapes<T>(
        &self,
        progress: &Progress,
        keep_shape: KeepShape,
        check: impl FnOnce(&mut ReadOutcome) -> Result<T, Error>,
    ) -> Result<(Loaded, T), Error> {
        // Every body waits in a temporary file until it is signed and written
        // (a small input too: one path for all, and its cost is one file).
        let opts = ReadOptions {
            format: self.input.into(),
            fields: self.fields.fields()?,
            keep_shape: keep_shape != KeepShape::No,
            shape_kind_only: keep_shape == KeepShape::Kind,
            spool_above: Some(0),
        };
        if self.reads_terminal() {
            // Without this, a bare `newsdedup` looks hung.
            newsdedup::message!("reading stdin ({EOF_KEY} to end; --help for usage)");
        }
        progress.stage("read");
        // The inputs are read by the run's workers too: `--threads 1` reads
        // on one thread.
        let pool = thread_pool(self.threads)?;
        let mut all = pool.install(|| newsdedup::input::read_each_with(&self.files, &opts, self.strict))?;
        progress.suspend(|| {
            for e in &all.failed {
                newsdedup::message!("{e}");
            }
        });
        if !all.failed.is_empty() && all.read.inputs.is_empty() {
            return Err(Error::Reported(all.failed.len()));
        }
        let checked = check(&mut all.read)?;
        let problems =
            progress.suspend(|| newsdedup::input::report_problems_capped(&all.read, self.strict, self.max_problems))?;
        Ok((Loaded { pool, read: all.read, problems, unreadable: all.failed.len() }, checked))
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

/// Run `each` over the stage-line inputs `files` (none or `-`: stdin), in order.
pub fn stage_inputs(
    files: &[PathBuf],
    mut each: impl FnMut(&mut newsdedup::stages::LineInput<Box<dyn std::io::BufRead>>) -> Result<(), Error>,
) -> Result<(), Error> {
    let stdin = [PathBuf::from("-")];
    for path in if files.is_empty() { &stdin[..] } else { files } {
        let name = newsdedup::input::display_name(path);
        let reader: Box<dyn std::io::BufRead> = if name == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            let file = std::fs::File::open(path).map_err(|e| Error::io(&name, e))?;
            Box::new(std::io::BufReader::with_capacity(1 << 16, file))
        };
        each(&mut newsdedup::stages::LineInput::new(reader, &name))?;
    }
    Ok(())
}

/// The boilerplate of the summed count lines in `files` (`newsdedup
/// count`), and the shapes of the records they count.
pub fn counted_boilerplate(files: &[PathBuf], p: &Params) -> Result<(Boilerplate, Shapes), Error> {
    let mut counts = newsdedup::boilerplate::LineCounts::default();
    let mut shapes = Shapes::default();
    stage_inputs(files, |input| newsdedup::stages::read_counts(input, &mut shapes, Some(&mut counts)))?;
    Ok((counts.boilerplate(p.boilerplate_min), shapes))
}

/// `format` as the stages make it; for `-f filter`, over the shapes of the
/// records the summed count lines in `counts` tally (read only then; none
/// given is a usage error then).
pub fn stage_format(format: OutputArg, counts: &[PathBuf]) -> Result<Format, Error> {
    let format = OutputFormat::from(format);
    if format != OutputFormat::Filter || counts.is_empty() {
        return Format::new(format, None);
    }
    let mut shapes = Shapes::default();
    stage_inputs(counts, |input| newsdedup::stages::read_counts(input, &mut shapes, None))?;
    Format::new(format, Some(&shapes))
}

/// Write stage lines to stdout, buffered; a closed pipe is an error here
/// (a later stage that stops reading has failed).
pub fn stage_output(f: impl FnOnce(&mut dyn std::io::Write) -> Result<(), Error>) -> Result<(), Error> {
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    f(&mut w)?;
    std::io::Write::flush(&mut w).map_err(|e| Error::io("stdout", e))
}

/// [`stage_output`] for a stage whose writer runs inside a worker pool of
/// `threads`: the writer holds stdout itself, not its lock, which is bound
/// to the thread that takes it.
pub fn stage_output_pooled(
    threads: Option<usize>,
    f: impl FnOnce(&mut (dyn std::io::Write + Send)) -> Result<(), Error> + Send,
) -> Result<(), Error> {
    let pool = thread_pool(threads)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
    pool.install(|| f(&mut w))?;
    std::io::Write::flush(&mut w).map_err(|e| Error::io("stdout", e))
}
