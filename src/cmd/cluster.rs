//! `newsdedup cluster --signs FILE... [PAIRS...]`: each record of a
//! multi-member cluster with its canonical, from all verified pairs.

use std::path::PathBuf;

use clap::Args;

use newsdedup::error::Error;
use newsdedup::exit::ExitCode;

use super::args::{stage_inputs, stage_output, thread_pool, CanonicalArg, SimArgs};

#[derive(Debug, Clone, Args)]
pub struct ClusterArgs {
    /// Pair lines (`newsdedup pairs`), any order; none or `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Sign lines (`newsdedup sign`) of every shard; repeatable.
    #[arg(long, value_name = "FILE", required = true)]
    pub signs: Vec<PathBuf>,
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
    let mut signs = Vec::new();
    stage_inputs(&args.signs, |input| newsdedup::stages::read_signs(input, &mut signs))?;
    let (_, sigs) = newsdedup::stages::complete(signs)?;
    let mut edges = Vec::new();
    stage_inputs(&args.files, |input| newsdedup::stages::read_pairs(input, &mut edges))?;
    if let Some(e) = edges.iter().find(|e| e.a >= e.b || e.b as usize >= sigs.len()) {
        return Err(Error::Usage(format!("pair {} {}: not a pair of the signed records", e.a, e.b)));
    }
    newsdedup::stages::sort_pairs(&mut edges);
    let clusters = thread_pool(args.threads)?.install(|| {
        let ranks = newsdedup::pairs::content_ranks(&sigs);
        newsdedup::clusters_of(&sigs, &ranks, &edges, &p, args.canonical.into(), &mut |_, _| {}).2
    });
    stage_output(|w| newsdedup::stages::write_links(&clusters, w).map_err(|e| Error::io("stdout", e)))?;
    Ok(ExitCode::Success)
}
