//! `newsdedup merge [PIECES...]`: the final output from the pieces of
//! `apply` and `gather`, sorted by key.

use std::path::PathBuf;

use clap::Args;

use newsdedup::error::Error;
use newsdedup::exit::ExitCode;

use super::args::{stage_format, stage_inputs, stage_output, OutputArg};

#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    /// Piece lines sorted by key; none or `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format (the one the pieces were made in).
    #[arg(long, short = 'f', value_enum, default_value = "jsonl")]
    pub format: OutputArg,
    /// Count lines of every shard (`newsdedup count`), summed; repeatable.
    /// Read with `-f filter` only, which needs them: its output's shape
    /// (CSV with its header row, a JSON array, JSON Lines) depends on every
    /// record's.
    #[arg(long, value_name = "FILE")]
    pub counts: Vec<PathBuf>,
}

pub fn run(args: &MergeArgs) -> Result<ExitCode, Error> {
    if args.files.len() > 1 {
        return Err(Error::Usage("merge reads one sorted stream: sort the pieces into one input".into()));
    }
    let format = stage_format(args.format, &args.counts)?;
    stage_output(|w| stage_inputs(&args.files, |input| newsdedup::stages::merge(input, &format, w)))?;
    Ok(ExitCode::Success)
}
