//! `newsdedup explain ID_A ID_B INPUT...`: why two records did or did not cluster.

use clap::Args;

use newsdedup::config::CanonicalRule;
use newsdedup::error::Error;
use newsdedup::exit::ExitCode;
use newsdedup::explain::{analyse, cluster_of, find_id, proposals, report_text};

use super::args::{InputArgs, ReportFormat, SimArgs};
use super::progress::Progress;

#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// Id of the first record.
    pub id_a: String,
    /// Id of the second record.
    pub id_b: String,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Same as `--format json`.
    #[arg(long, hide = true)]
    pub json: bool,
}

pub fn run(args: &ExplainArgs) -> Result<ExitCode, Error> {
    let p = args.sim.params()?;
    let progress = Progress::new(!args.input.reads_terminal(), newsdedup::STAGES.len() as u64 + 1);
    let loaded = args.input.load(&progress)?;
    let arts = &loaded.read.articles;
    let (a, b) = (find_id(arts, &args.id_a)?, find_id(arts, &args.id_b)?);
    let d =
        loaded.pool.install(|| newsdedup::dedup_observed(arts, &p, CanonicalRule::Longest, &mut progress.hook()))?;
    progress.finish();
    let r = analyse(a, b, &d, &cluster_of(&d, arts.len()), &proposals(&d, &p), &p);
    let text = if args.json || args.format == ReportFormat::Json {
        serde_json::to_string_pretty(&r.to_json(arts, &p)).expect("JSON values serialize") + "\n"
    } else {
        report_text(arts, &d, &r, &p)?
    };
    // A closed pipe ends the output, not the run: input problems still exit 2.
    newsdedup::output::print(&text)?;
    loaded.finish(ExitCode::Success)
}
