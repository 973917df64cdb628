//! `newsdedup count SHARD...`: the per-outlet short line counts of one
//! shard, summed over all shards by `newsdedup sign --counts`.

use clap::Args;

use newsdedup::error::Error;
use newsdedup::exit::ExitCode;

use super::args::{stage_output, InputArgs, SimArgs};
use super::progress::Progress;

#[derive(Debug, Clone, Args)]
pub struct CountArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub sim: SimArgs,
}

pub fn run(args: &CountArgs) -> Result<ExitCode, Error> {
    let p = args.sim.params()?;
    let loaded = args.input.load(&Progress::new(false, 0))?;
    let arts = &loaded.read.articles;
    let records = loaded.pool.install(|| newsdedup::sign::first_pass(arts, &p));
    let counts = newsdedup::sign::count_lines(&records.map_err(|e| Error::io(newsdedup::spool::NAME, e))?, &p);
    stage_output(|w| newsdedup::stages::write_counts(&counts, arts.len(), w).map_err(|e| Error::io("stdout", e)))?;
    loaded.finish(ExitCode::Success)
}
