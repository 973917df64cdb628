//! `newsdedup count SHARD...`: the per-outlet short line counts of one
//! shard and the tally of its records' input shapes, summed over all shards
//! for `newsdedup sign --counts` (and `gather`, `apply` and `merge`).

use clap::Args;

use newsdedup::error::Error;
use newsdedup::exit::ExitCode;

use newsdedup::writer::filter::Shapes;

use super::args::{stage_output, InputArgs, KeepShape, SimArgs};
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
    // The shapes' kinds, not their text: what decides filter output's kind.
    let loaded = args.input.load_keeping_shapes(&Progress::new(false, 0), KeepShape::Kind)?;
    let arts = &loaded.read.articles;
    let records = loaded.pool.install(|| newsdedup::sign::first_pass(arts, &p));
    let counts = newsdedup::sign::count_lines(&records.map_err(Error::body)?, &p);
    let shapes = Shapes::of(arts);
    stage_output(|w| newsdedup::stages::write_counts(&counts, &shapes, w).map_err(|e| Error::io("stdout", e)))?;
    loaded.finish(ExitCode::Success)
}
