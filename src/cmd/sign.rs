//! `newsdedup sign --counts FILE --ordinal-base N SHARD...`: one sign line
//! per record, signed under the boilerplate of all shards' counts.

use std::path::PathBuf;

use clap::Args;

use newsdedup::error::Error;
use newsdedup::exit::ExitCode;

use super::args::{counted_boilerplate, stage_output, InputArgs, SimArgs};
use super::progress::Progress;

#[derive(Debug, Clone, Args)]
pub struct SignArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Count lines of every shard (`newsdedup count`), summed; repeatable.
    #[arg(long, value_name = "FILE", required = true)]
    pub counts: Vec<PathBuf>,
    /// Ordinal of the shard's first record: the number of records before
    /// it in the single run's input order.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub ordinal_base: u64,
}

pub fn run(args: &SignArgs) -> Result<ExitCode, Error> {
    let p = args.sim.params()?;
    let (boiler, _) = counted_boilerplate(&args.counts, &p)?;
    let loaded = args.input.load(&Progress::new(false, 0))?;
    let arts = &loaded.read.articles;
    let records = loaded.pool.install(|| newsdedup::sign::sign_under(arts, &boiler, &p)).map_err(Error::body)?;
    stage_output(|w| {
        for (i, (a, r)) in arts.iter().zip(&records).enumerate() {
            newsdedup::stages::write_sign(args.ordinal_base + i as u64, &a.id, r, w)
                .map_err(|e| Error::io("stdout", e))?;
        }
        Ok(())
    })?;
    loaded.finish(ExitCode::Success)
}
