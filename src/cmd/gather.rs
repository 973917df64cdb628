//! `newsdedup gather --counts FILE [MEMBERS...]`: the output pieces of each
//! multi-member cluster, from the member lines of `apply` grouped by key.

use std::path::PathBuf;

use clap::Args;

use newsdedup::dates::AsOf;
use newsdedup::error::Error;
use newsdedup::exit::ExitCode;
use newsdedup::stages::Format;

use super::args::{counted_boilerplate, stage_inputs, stage_output, OutputArg, SimArgs};

#[derive(Debug, Clone, Args)]
pub struct GatherArgs {
    /// Member lines (`newsdedup apply`), sorted by key; none or `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Count lines of every shard (`newsdedup count`); repeatable.
    #[arg(long, value_name = "FILE", required = true)]
    pub counts: Vec<PathBuf>,
    /// Output format of the final output.
    #[arg(long, short = 'f', value_enum, default_value = "jsonl")]
    pub format: OutputArg,
    /// As the default command's --as-of.
    #[arg(long, value_name = "DATE", value_parser = AsOf::parse)]
    pub as_of: Option<AsOf>,
}

pub fn run(args: &GatherArgs) -> Result<ExitCode, Error> {
    let p = args.sim.params()?;
    let (boiler, shapes) = counted_boilerplate(&args.counts, &p)?;
    let format = Format::new(args.format.into(), Some(&shapes))?;
    stage_output(|w| {
        stage_inputs(&args.files, |input| newsdedup::stages::gather(input, &boiler, &p, &format, args.as_of, w))
    })?;
    Ok(ExitCode::Success)
}
