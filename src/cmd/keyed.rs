//! The `pairs` stage keyed (`newsdedup groups`, `copies`, `tally`, `keys`,
//! `buckets`, `join`, `verify`): see [`newsdedup::keyed`].

use std::path::PathBuf;

use clap::Args;

use newsdedup::error::Error;
use newsdedup::exit::ExitCode;
use newsdedup::keyed::{Copies, Tallies};

use super::args::{stage_inputs, stage_output, stage_output_pooled, SimArgs};

#[derive(Debug, Clone, Args)]
pub struct GroupsArgs {
    /// Sign lines (`newsdedup sign`) of one shard or more, any order; none or `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

pub fn groups(args: &GroupsArgs) -> Result<ExitCode, Error> {
    stage_output(|w| stage_inputs(&args.files, |input| newsdedup::keyed::write_groups(input, w)))?;
    Ok(ExitCode::Success)
}

#[derive(Debug, Clone, Args)]
pub struct CopiesArgs {
    /// Group lines (`newsdedup groups`) sorted by key, so that each body's
    /// lines are together; one file (sort several together first); none or
    /// `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

pub fn copies(args: &CopiesArgs) -> Result<ExitCode, Error> {
    stage_output(|w| stage_inputs(args.file.as_slice(), |input| newsdedup::keyed::copies(input, w)))?;
    Ok(ExitCode::Success)
}

/// The copy lines of `files`, every one.
fn read_copies(files: &[PathBuf]) -> Result<Copies, Error> {
    let mut copies = Copies::default();
    stage_inputs(files, |input| copies.read(input))?;
    copies.done()
}

#[derive(Debug, Clone, Args)]
pub struct TallyArgs {
    /// Sign lines of one shard (or more), any order; none or `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Copy lines (`newsdedup copies`) of the whole input; repeatable.
    #[arg(long, value_name = "FILE", required = true)]
    pub copies: Vec<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
}

pub fn tally(args: &TallyArgs) -> Result<ExitCode, Error> {
    let p = args.sim.params()?;
    let copies = read_copies(&args.copies)?;
    let mut tally = newsdedup::keyed::Tally::default();
    stage_inputs(&args.files, |input| tally.read(input, &copies, &p))?;
    stage_output(|w| tally.write(w))?;
    Ok(ExitCode::Success)
}

#[derive(Debug, Clone, Args)]
pub struct KeysArgs {
    /// Sign lines of one shard (or more), any order; none or `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Copy lines (`newsdedup copies`) of the whole input; repeatable.
    #[arg(long, value_name = "FILE", required = true)]
    pub copies: Vec<PathBuf>,
    /// Tally lines (`newsdedup tally`) of every shard, summed by key or not
    /// (counts of one key add up); only buckets over the cap are kept, so a
    /// file of those alone is enough; repeatable.
    #[arg(long, value_name = "FILE", required = true)]
    pub tallies: Vec<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
}

pub fn keys(args: &KeysArgs) -> Result<ExitCode, Error> {
    let p = args.sim.params()?;
    let copies = read_copies(&args.copies)?;
    let mut tallies = Tallies::default();
    stage_inputs(&args.tallies, |input| tallies.read(input))?;
    let large = tallies.large();
    stage_output(|w| stage_inputs(&args.files, |input| newsdedup::keyed::write_keys(input, &copies, &large, &p, w)))?;
    Ok(ExitCode::Success)
}

#[derive(Debug, Clone, Args)]
pub struct BucketsArgs {
    /// Key entry lines (`newsdedup keys`) sorted by key, so that each
    /// bucket's lines are together; one file (sort several together first:
    /// a bucket split across files would be paired in two parts); none or
    /// `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
}

pub fn buckets(args: &BucketsArgs) -> Result<ExitCode, Error> {
    let p = args.sim.params()?;
    stage_output(|w| stage_inputs(args.file.as_slice(), |input| newsdedup::keyed::buckets(input, &p, w)))?;
    Ok(ExitCode::Success)
}

#[derive(Debug, Clone, Args)]
pub struct JoinArgs {
    /// Sign lines, candidate lines (`newsdedup buckets`) and copy lines
    /// sorted by key, the ordinal (`sort -m` of sorted files), so that each
    /// record's lines are together; one stream; none or `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

pub fn join(args: &JoinArgs) -> Result<ExitCode, Error> {
    stage_output(|w| stage_inputs(args.file.as_slice(), |input| newsdedup::keyed::join(input, w)))?;
    Ok(ExitCode::Success)
}

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// Sign lines and shipped lines (`newsdedup join`) sorted by key, the
    /// ordinal, so that each record's lines are together; one stream; none
    /// or `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

pub fn verify(args: &VerifyArgs) -> Result<ExitCode, Error> {
    let p = args.sim.params()?;
    stage_output_pooled(args.threads, |w| {
        stage_inputs(args.file.as_slice(), |input| newsdedup::keyed::verify(input, &p, w))
    })?;
    Ok(ExitCode::Success)
}
