//! The command layer: clap definitions (each field's doc comment is its help
//! text), one file per command, turned into library calls. Nothing in the
//! library depends on this layer.

mod apply;
mod args;
mod cluster;
mod components;
mod count;
mod dedup;
mod eval;
mod explain;
mod gather;
mod index;
mod keyed;
mod merge;
mod pairs;
mod progress;
mod route;
mod sign;

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

use newsdedup::error::Error;
use newsdedup::exit::ExitCode;

const EXAMPLES: &str = "\
Examples:
  newsdedup fixtures/listing-janlipavsky.txt
  newsdedup --format text fixtures/listing-janlipavsky.txt
  cat dump.jsonl | newsdedup --stats > clusters.jsonl
  newsdedup -o clusters.jsonl a.txt b.jsonl
  newsdedup --check -q fixtures/*.jsonl || echo 'duplicates found'
  newsdedup eval --truth truth.jsonl corpus.jsonl
  newsdedup explain ID_A ID_B corpus.jsonl
  newsdedup index build -o news.idx archive/*.jsonl
  newsdedup --against news.idx --matches seen.jsonl -o new.jsonl today.jsonl
  newsdedup completions bash > ~/.local/share/bash-completion/completions/newsdedup
  newsdedup man > ~/.local/share/man/man1/newsdedup.1

Exit codes: 0 success; 1 with --check when duplicates were found, or when
eval scored below --min-ari/--min-f1; 2 any error (bad input reported on
stderr, bad option, an unreadable input, I/O, a gated eval whose truth does
not cover the input).
A closed output pipe (`newsdedup ... | head`) is not an error: the run still
exits with the code its outcome deserves. SIGINT/SIGTERM during `-o FILE`
remove the temporary file and exit 130/143.";

/// Find near-duplicate articles in scraped news dumps and write one
/// canonical article per story with the outlets that carried it.
#[derive(Debug, Parser)]
#[command(name = "newsdedup", version, after_help = EXAMPLES, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub run: dedup::DedupArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare the clusters with labelled truth: pairwise precision, recall,
    /// F1, adjusted Rand index, and the errors (the first of each kind listed).
    #[command(
        after_help = "Example:\n  newsdedup eval --truth web.truth.jsonl web.jsonl\n  newsdedup eval --label-field story --format json labelled.jsonl"
    )]
    Eval(eval::EvalArgs),
    /// Show why two records did or did not cluster.
    #[command(after_help = "Example:\n  newsdedup explain census-761 census-16223 web.jsonl")]
    Explain(explain::ExplainArgs),
    /// Keep an archive index of signed records, which `--against INDEX`
    /// compares today's records with.
    Index(index::IndexArgs),
    /// Stage 1 of a run apart (examples/staged.sh): per-outlet short line
    /// counts and input shapes of one shard, to be summed over all shards.
    Count(count::CountArgs),
    /// Stage 2: one sign line per record of a shard.
    Sign(sign::SignArgs),
    /// Stage 3: the verified pairs of all sign lines, in one process (global; or the keyed stages, groups to verify).
    Pairs(pairs::PairsArgs),
    /// Stage 3, keyed (1 of 7): a group line per record with a body, keyed by what makes exact copies.
    Groups(keyed::GroupsArgs),
    /// Stage 3, keyed (2 of 7): each exact copy with the copy that stands for it, from group lines grouped by key.
    Copies(keyed::CopiesArgs),
    /// Stage 3, keyed (3 of 7): how many of a shard's records join each bucket of the candidate index.
    Tally(keyed::TallyArgs),
    /// Stage 3, keyed (4 of 7): a key entry line for each bucket a shard's records join (bucket caps applied).
    Keys(keyed::KeysArgs),
    /// Stage 3, keyed (5 of 7): candidate pairs of each bucket, from key entry lines grouped by key.
    Buckets(keyed::BucketsArgs),
    /// Stage 3, keyed (6 of 7): each candidate's first signature shipped to its partner, from sign, candidate and copy lines grouped by ordinal.
    Join(keyed::JoinArgs),
    /// Stage 3, keyed (7 of 7): the verified pairs, from sign and shipped lines grouped by ordinal.
    Verify(keyed::VerifyArgs),
    /// Stage 4: the connected components of the verified pairs (global, over the pairs only).
    Components(components::ComponentsArgs),
    /// Stage 5: sign and pair lines keyed by component, from component, sign and pair lines merged by ordinal.
    Route(route::RouteArgs),
    /// Stage 6: each record of a multi-member cluster with its canonical, from routed lines grouped by component.
    Cluster(cluster::ClusterArgs),
    /// Stage 7: the clusters joined back onto one shard's records.
    Apply(apply::ApplyArgs),
    /// Stage 8: the output pieces of each multi-member cluster, from apply's member lines grouped by key.
    Gather(gather::GatherArgs),
    /// Stage 9: the output, from all pieces sorted by key.
    Merge(merge::MergeArgs),
    /// Print a shell completion script on stdout.
    #[command(
        after_help = "Example:\n  newsdedup completions bash > ~/.local/share/bash-completion/completions/newsdedup\n  newsdedup completions zsh > ~/.zfunc/_newsdedup\n  newsdedup completions fish > ~/.config/fish/completions/newsdedup.fish"
    )]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout, or write one page per command
    /// into a directory.
    #[command(
        after_help = "Example:\n  newsdedup man > ~/.local/share/man/man1/newsdedup.1\n  newsdedup man --dir ~/.local/share/man/man1"
    )]
    Man {
        /// Write newsdedup.1, newsdedup-eval.1, ... into DIR (created if
        /// need be) instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// The subcommands' names, for suggesting one for a mistyped word.
fn subcommand_names() -> Vec<String> {
    Cli::command().get_subcommands().map(|c| c.get_name().to_owned()).collect()
}

/// Edit distance (insertions, deletions, substitutions) between `a` and `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The subcommand `word` (the first argument) was probably meant to be: one
/// within edit distance 2 (1 for names of 4 letters or fewer), or one that
/// `word` (3 letters or more) begins. `None` when `word` names an existing
/// file, which is read as always, or looks like a path (`.` or `/` in it).
fn mistyped_subcommand(word: &std::ffi::OsStr) -> Option<String> {
    let w = word.to_str()?;
    if w.starts_with('-') || w.contains(['.', '/', '\\']) || std::path::Path::new(w).exists() {
        return None;
    }
    let lower = w.to_lowercase();
    let names = subcommand_names();
    if names.contains(&lower) && lower != w {
        return Some(lower);
    }
    names
        .into_iter()
        .filter(|n| n != w)
        .map(|n| (edit_distance(&lower, &n), n))
        .filter(|(d, n)| *d <= if n.len() <= 4 { 1 } else { 2 } || (lower.len() >= 3 && n.starts_with(&lower)))
        .min()
        .map(|(_, n)| n)
}

/// Parse the process's arguments and run; the outcome is the exit code.
pub fn main() -> ExitCode {
    if let Some(first) = std::env::args_os().nth(1) {
        if let Some(name) = mistyped_subcommand(&first) {
            newsdedup::message!(
                "unknown command '{}'; did you mean '{name}'? (no file of that name either; see --help)",
                first.to_string_lossy()
            );
            return ExitCode::Error;
        }
    }
    run(Cli::parse())
}

/// Run parsed arguments. Errors are printed here, once. A closed output pipe
/// never reaches here: each command ends its output there and keeps its outcome.
pub fn run(cli: Cli) -> ExitCode {
    let outcome = match &cli.command {
        None => dedup::run(&cli.run),
        Some(Command::Eval(a)) => eval::run(a),
        Some(Command::Explain(a)) => explain::run(a),
        Some(Command::Index(a)) => index::run(a),
        Some(Command::Count(a)) => count::run(a),
        Some(Command::Sign(a)) => sign::run(a),
        Some(Command::Pairs(a)) => pairs::run(a),
        Some(Command::Groups(a)) => keyed::groups(a),
        Some(Command::Copies(a)) => keyed::copies(a),
        Some(Command::Tally(a)) => keyed::tally(a),
        Some(Command::Keys(a)) => keyed::keys(a),
        Some(Command::Buckets(a)) => keyed::buckets(a),
        Some(Command::Join(a)) => keyed::join(a),
        Some(Command::Verify(a)) => keyed::verify(a),
        Some(Command::Components(a)) => components::run(a),
        Some(Command::Route(a)) => route::run(a),
        Some(Command::Cluster(a)) => cluster::run(a),
        Some(Command::Apply(a)) => apply::run(a),
        Some(Command::Gather(a)) => gather::run(a),
        Some(Command::Merge(a)) => merge::run(a),
        Some(Command::Completions { shell }) => completions(*shell),
        Some(Command::Man { dir }) => man(dir.as_deref()),
    };
    match outcome {
        Ok(code) => code,
        Err(Error::Reported(_)) => ExitCode::Error,
        Err(e) => {
            newsdedup::message!("{e}");
            ExitCode::Error
        }
    }
}

/// `newsdedup completions SHELL`.
fn completions(shell: clap_complete::Shell) -> Result<ExitCode, Error> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "newsdedup", &mut script);
    newsdedup::output::print(&String::from_utf8_lossy(&script))?;
    Ok(ExitCode::Success)
}

/// `newsdedup man [--dir DIR]`.
fn man(dir: Option<&std::path::Path>) -> Result<ExitCode, Error> {
    let cmd = Cli::command();
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.to_string_lossy(), e))?;
        clap_mangen::generate_to(cmd, dir).map_err(|e| Error::io(dir.to_string_lossy(), e))?;
        return Ok(ExitCode::Success);
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut page).map_err(|e| Error::io("man page", e))?;
    newsdedup::output::print(&String::from_utf8_lossy(&page))?;
    Ok(ExitCode::Success)
}

#[cfg(test)]
mod tests {
    use super::args::{thread_pool, MAX_THREADS};
    use super::*;
    use newsdedup::config::Params;

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
    fn mistyped_subcommands_are_suggested() {
        use std::ffi::OsStr;
        let guess = |w: &str| mistyped_subcommand(OsStr::new(w));
        assert_eq!(edit_distance("evl", "eval"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(guess("evl").as_deref(), Some("eval"));
        assert_eq!(guess("EVAL").as_deref(), Some("eval"));
        assert_eq!(guess("explian").as_deref(), Some("explain"));
        assert_eq!(guess("complet").as_deref(), Some("completions"));
        assert_eq!(guess("completion").as_deref(), Some("completions"));
        assert_eq!(guess("mna").as_deref(), None);
        assert_eq!(guess("men").as_deref(), Some("man"));
        for not in ["eval", "man", "a", "x", "zzzz", "evl.txt", "dir/evl", "-evl", "evaluation"] {
            assert_eq!(guess(not), None, "{not}");
        }
    }

    #[test]
    fn out_of_range_options_are_usage_errors() {
        let cli = Cli::parse_from(["newsdedup", "--jaccard", "1.5"]);
        assert!(matches!(cli.run.sim.params(), Err(Error::Usage(m)) if m.contains("--jaccard")));
    }
}
