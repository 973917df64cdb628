//! `newsdedup merge [PIECES...]`: the final output from the pieces of
//! `apply` and `gather`, sorted by key.

use std::path::PathBuf;

use clap::Args;

use newsdedup::error::Error;
use newsdedup::exit::ExitCode;

use super::args::{stage_inputs, stage_output, OutputArg};

#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    /// Piece lines sorted by key; none or `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format (the one the pieces were made in).
    #[arg(long, short = 'f', value_enum, default_value = "jsonl")]
    pub format: OutputArg,
}

pub fn run(args: &MergeArgs) -> Result<ExitCode, Error> {
    stage_output(|w| {
        if args.files.len() > 1 {
            return Err(Error::Usage("merge reads one sorted stream: sort the pieces into one input".into()));
        }
        stage_inputs(&args.files, |input| {
            newsdedup::stages::merge(input, newsdedup::stages::staged_format(args.format.into())?, w)
        })
    })?;
    Ok(ExitCode::Success)
}
