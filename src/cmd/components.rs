//! `newsdedup components [PAIRS...]`: the connected components of the
//! verified pairs' graph.

use std::path::PathBuf;

use clap::Args;

use newsdedup::error::Error;
use newsdedup::exit::ExitCode;

use super::args::{stage_inputs, stage_output};

#[derive(Debug, Clone, Args)]
pub struct ComponentsArgs {
    /// Pair lines (`newsdedup pairs`), any order; none or `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

pub fn run(args: &ComponentsArgs) -> Result<ExitCode, Error> {
    let mut pairs = Vec::new();
    stage_inputs(&args.files, |input| newsdedup::stages::read_pair_ends(input, &mut pairs))?;
    let members = newsdedup::stages::components(&pairs);
    stage_output(|w| newsdedup::stages::write_components(&members, w).map_err(|e| Error::io("stdout", e)))?;
    Ok(ExitCode::Success)
}
