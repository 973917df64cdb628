//! `newsdedup apply --clusters FILE --ordinal-base N [--counts FILE] SHARD...`:
//! the clusters joined back onto one shard's records.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::Args;

use newsdedup::dates::AsOf;
use newsdedup::error::Error;
use newsdedup::exit::ExitCode;

use super::args::{stage_format, stage_inputs, stage_output, InputArgs, KeepShape, OutputArg};
use super::progress::Progress;

#[derive(Debug, Clone, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Link lines (`newsdedup cluster`); repeatable.
    #[arg(long, value_name = "FILE", required = true)]
    pub clusters: Vec<PathBuf>,
    /// Count lines of every shard (`newsdedup count`), summed; repeatable.
    /// Read with `-f filter` only, which needs them: its output's shape
    /// depends on every record's.
    #[arg(long, value_name = "FILE")]
    pub counts: Vec<PathBuf>,
    /// Ordinal of the shard's first record (as given to `newsdedup sign`).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub ordinal_base: u64,
    /// Output format of the final output.
    #[arg(long, short = 'f', value_enum, default_value = "jsonl")]
    pub format: OutputArg,
    /// As the default command's --as-of.
    #[arg(long, value_name = "DATE", value_parser = AsOf::parse)]
    pub as_of: Option<AsOf>,
}

pub fn run(args: &ApplyArgs) -> Result<ExitCode, Error> {
    let mut links = HashMap::new();
    let format = stage_format(args.format, &args.counts)?;
    stage_inputs(&args.clusters, |input| newsdedup::stages::read_links(input, &mut links))?;
    let loaded = args.input.load_keeping_shapes(&Progress::new(false, 0), KeepShape::for_format(format.format))?;
    let arts = &loaded.read.articles;
    stage_output(|w| {
        newsdedup::stages::apply_shard(arts, args.ordinal_base, &links, &format, args.as_of, w)
            .map_err(|e| Error::io("stdout", e))
    })?;
    loaded.finish(ExitCode::Success)
}
