//! `newsdedup pairs [SIGNS...]`: the verified pairs of all sign lines.

use std::path::PathBuf;

use clap::Args;

use newsdedup::error::Error;
use newsdedup::exit::ExitCode;

use super::args::{stage_inputs, stage_output, thread_pool, SimArgs};

#[derive(Debug, Clone, Args)]
pub struct PairsArgs {
    /// Sign lines (`newsdedup sign`) of every shard, any order; none or `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

pub fn run(args: &PairsArgs) -> Result<ExitCode, Error> {
    let p = args.sim.params()?;
    let mut signs = Vec::new();
    stage_inputs(&args.files, |input| newsdedup::stages::read_signs(input, &mut signs))?;
    let (_, sigs) = newsdedup::stages::complete(signs)?;
    let (_, _, edges) = thread_pool(args.threads)?.install(|| newsdedup::pairs_verified(&sigs, &p, &mut |_, _| {}));
    stage_output(|w| {
        for e in &edges {
            newsdedup::stages::write_pair(e, w).map_err(|e| Error::io("stdout", e))?;
        }
        Ok(())
    })?;
    Ok(ExitCode::Success)
}
