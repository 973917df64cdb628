//! The command line of `newsdedup-gen`: its flags, help text and examples.

use std::path::PathBuf;

use clap::Parser;

const EXAMPLES: &str = "\
Examples:
  newsdedup-gen --seed 1 --articles 10000 --out gen.jsonl --truth gen.truth.jsonl \\
      --base-truth web.truth.jsonl web.jsonl listing.txt
  newsdedup eval --truth gen.truth.jsonl gen.jsonl";

/// Write a seeded, labelled corpus of syndicated copies, new stories and
/// decoys built from real news articles, for `newsdedup eval`.
#[derive(Debug, Parser)]
#[command(name = "newsdedup-gen", version, after_help = EXAMPLES)]
pub(crate) struct Cli {
    /// Seed of the pseudo-random generator: the same seed and inputs give byte-identical files.
    #[arg(long, value_name = "N")]
    pub(crate) seed: u64,
    /// Number of records to write, exactly.
    #[arg(long, value_name = "N")]
    pub(crate) articles: usize,
    /// Corpus to write: JSON Lines of `id`, `source`, `title`, `date`, `body`.
    #[arg(long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    /// Truth to write: JSON Lines of `id`, `cluster`, one row per record in corpus order.
    #[arg(long, value_name = "FILE")]
    pub(crate) truth: PathBuf,
    /// Share of the records that are decoys: different articles quoting the same statements as a story.
    #[arg(long, default_value_t = 0.1, value_name = "FRACTION")]
    pub(crate) decoys: f64,
    /// Truth for the inputs (`{"id": ..., "cluster": ...}` a line; repeatable): only one article
    /// per cluster, the longest, becomes a base story. Without it every input record is its own story.
    #[arg(long, value_name = "FILE")]
    pub(crate) base_truth: Vec<PathBuf>,
    /// Inputs, listing text or JSON Lines as newsdedup reads them.
    #[arg(value_name = "INPUT", required = true)]
    pub(crate) inputs: Vec<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
