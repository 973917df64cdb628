//! The command layer: clap definitions (each field's doc comment is its help
//! text), one file per command, turned into library calls. Nothing in the
//! library depends on this layer.

mod args;
mod dedup;
mod eval;
mod explain;
mod index;

use clap::{Parser, Subcommand};

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

Exit codes: 0 success; 1 with --check when duplicates were found; 2 any
error (bad input reported on stderr, bad option, an unreadable input, I/O).
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
}

/// Parse the process's arguments and run; the outcome is the exit code.
pub fn main() -> ExitCode {
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

#[cfg(test)]
mod tests {
    use super::args::{thread_pool, MAX_THREADS};
    use super::*;
    use clap::CommandFactory;
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
    fn out_of_range_options_are_usage_errors() {
        let cli = Cli::parse_from(["newsdedup", "--jaccard", "1.5"]);
        assert!(matches!(cli.run.sim.params(), Err(Error::Usage(m)) if m.contains("--jaccard")));
    }
}
