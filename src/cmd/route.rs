//! `newsdedup route [FILE]`: sign and pair lines keyed by their
//! component, from one stream of component, sign and pair lines sorted by
//! ordinal.

use std::path::PathBuf;

use clap::Args;

use newsdedup::error::Error;
use newsdedup::exit::ExitCode;

use super::args::{stage_inputs, stage_output};

#[derive(Debug, Clone, Args)]
pub struct RouteArgs {
    /// Component (`newsdedup components`), sign and pair lines, all sorted
    /// by key as one stream (`LC_ALL=C sort -m COMPONENTS SIGNS... PAIRS`);
    /// one file (merge several with `sort -m` first: a key's lines split
    /// across files would be routed apart); none or `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

pub fn run(args: &RouteArgs) -> Result<ExitCode, Error> {
    stage_output(|w| stage_inputs(args.file.as_slice(), |input| newsdedup::stages::route(input, w)))?;
    Ok(ExitCode::Success)
}
