//! `newsdedup cluster [FILE]`: each record of a multi-member cluster
//! with its canonical, one batch of whole components at a time.

use std::path::PathBuf;

use clap::Args;

use newsdedup::error::Error;
use newsdedup::exit::ExitCode;

use super::args::{stage_inputs, stage_output_pooled, CanonicalArg, SimArgs};

#[derive(Debug, Clone, Args)]
pub struct ClusterArgs {
    /// Routed lines (`newsdedup route`) sorted by key, so that each
    /// component's lines are together; one file (sort several together
    /// first: a component split across files would be clustered in two
    /// parts); none or `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Canonical article of each cluster.
    #[arg(long, value_enum, default_value = "longest")]
    pub canonical: CanonicalArg,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

pub fn run(args: &ClusterArgs) -> Result<ExitCode, Error> {
    let p = args.sim.params()?;
    stage_output_pooled(args.threads, |w| {
        stage_inputs(args.file.as_slice(), |input| {
            newsdedup::stages::cluster_components(input, &p, args.canonical.into(), w)
        })
    })?;
    Ok(ExitCode::Success)
}
