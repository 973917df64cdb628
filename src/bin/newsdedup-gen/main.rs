//! `newsdedup-gen`: write a large, labelled corpus of syndicated news copies
//! for `newsdedup eval`, reproducible from a seed.
//!
//! ```text
//! newsdedup-gen --seed 1 --articles 10000 --out gen.jsonl --truth gen.truth.jsonl INPUT...
//! ```
//!
//! * Base stories: the input articles (one per `--base-truth` cluster), then
//!   as many stories as needed written by a word Markov chain trained on every
//!   input body. Each base story is its own truth cluster.
//! * Variants: each story is carried by 1 to 8 more outlets, each altering the
//!   copy in 1 to 4 of the ways outlets alter wire copy (see [`edits::Edit`]). A
//!   variant is in its story's cluster.
//! * Decoys (`--decoys`, a share of the records): different articles quoting
//!   1 to 3 of a story's quoted sentences. Each is its own cluster.
//!
//! Records are shuffled and numbered `gen-000000`, ...; a story's cluster is
//! the id of its base record, a decoy's its own id. The pseudo-random
//! generator (xoshiro256** seeded by splitmix64, [`rng`]) is written out and no
//! hash map is ever iterated, so a seed and the same inputs give
//! byte-identical files on every platform and with every crate version.

mod cli;
mod corpus;
mod dates;
mod decoys;
mod edits;
mod markov;
mod outlets;
mod rng;
#[cfg(test)]
mod testdata;
mod text;

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use newsdedup::reader::InputFormat;

use cli::Cli;
use corpus::{generate, write_corpus, Options};

fn main() -> ExitCode {
    newsdedup::messages::set_program("newsdedup-gen");
    match run(&Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            newsdedup::message!("{e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> Result<(), String> {
    let start = Instant::now();
    if !(0.0..=1.0).contains(&cli.decoys) {
        return Err(format!("--decoys must be from 0 to 1, not {}", cli.decoys));
    }
    let read = newsdedup::input::read_all(&cli.inputs, InputFormat::Auto).map_err(|e| e.to_string())?;
    for p in &read.problems {
        newsdedup::message!("{p}");
    }
    let mut labels = HashMap::new();
    for (n, path) in cli.base_truth.iter().enumerate() {
        for (id, label) in read_labels(path)? {
            // Labels of different truth files never meet.
            labels.insert(id, format!("{n}:{label}"));
        }
    }
    if cli.base_truth.is_empty() {
        newsdedup::message!("no --base-truth: copies among the inputs become different stories in the truth");
    }
    let known = read.articles.iter().filter(|a| labels.contains_key(&a.id)).count();
    if labels.len() > known {
        newsdedup::message!(
            "{} --base-truth id(s) are not in the inputs (ids of listing records are FILE:LINE as given on the command line)",
            labels.len() - known
        );
    }
    let opts = Options { seed: cli.seed, articles: cli.articles, decoys: cli.decoys };
    let corpus = generate(&opts, &read.articles, &labels)?;
    let create = |p: &Path| File::create(p).map(BufWriter::new).map_err(|e| format!("{}: {e}", p.display()));
    let (mut out, mut truth) = (create(&cli.out)?, create(&cli.truth)?);
    write_corpus(&corpus, &mut out, &mut truth)
        .and_then(|()| out.flush())
        .and_then(|()| truth.flush())
        .map_err(|e| format!("writing {} / {}: {e}", cli.out.display(), cli.truth.display()))?;
    let s = &corpus.stats;
    newsdedup::message!(
        "{} records: {} stories ({} real, {} synthetic), {} variants, {} decoys; seed {}, {:.2}s",
        corpus.records.len(),
        s.real + s.synthetic,
        s.real,
        s.synthetic,
        s.variants,
        s.decoys,
        cli.seed,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `(id, cluster)` of every row of a truth file, read by the library's truth
/// reader: ids and labels may be strings or numbers, and problems name file
/// and line. Every problem is reported; any problem refuses the file.
fn read_labels(path: &Path) -> Result<Vec<(String, String)>, String> {
    let (labels, problems) = newsdedup::eval::read_truth(path, "cluster").map_err(|e| e.to_string())?;
    for p in &problems {
        newsdedup::message!("{p}");
    }
    if !problems.is_empty() {
        return Err(format!("{}: {} problem(s) in the --base-truth file", path.display(), problems.len()));
    }
    Ok(labels)
}
