//! Per-stage micro-benchmarks (criterion), so that a regression shows where
//! it happens. Each group sets its throughput: bytes of text for the text
//! stages, records or pairs for the others.
//!
//!     cargo bench --bench stages                  every stage
//!     cargo bench --bench stages -- fingerprint   the stages whose name matches
//!
//! Corpus: a seeded generated corpus of 5,000 records (`newsdedup-gen --seed 1`
//! from `../shared/corpora/web-articles-2018.jsonl` and the bundled sample,
//! or the sample alone when `../shared` is missing), written once to cargo's
//! target tmp dir; `NEWSDEDUP_BENCH_CORPUS=FILE[,FILE...]` uses other files.
//!
//! - `read`: the JSON Lines and listing readers, from bytes in memory.
//! - `normalize`, `shingle`, `fingerprint` (the fast path and the pinned
//!   `simhash` crate, on the first 1,000 records): one thread.
//! - `sign`: `sign::detect_and_sign` (boilerplate count + normalize + shingle
//!   + fingerprint of every record), on one thread and on every core.
//! - `verify`: `verify::intersection` over the candidate pairs of the corpus.
//! - `stage`: the `pairs`, `verify` and `cluster` stages as `newsdedup::dedup`
//!   times them (`Dedup::timings`) on one thread, and the whole `dedup` on
//!   one thread and on every core. Each iteration is a whole `dedup` run, of
//!   which only the named stage's time is counted.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode, Throughput};

use newsdedup::config::{CanonicalRule, Params};
use newsdedup::fingerprint::{fingerprint, fingerprint_fast};
use newsdedup::normalize::normalize_into;
use newsdedup::reader::{read_input, InputFormat, ReadOutcome};
use newsdedup::record::Article;
use newsdedup::shingle::shingle_set_into;
use newsdedup::sign::detect_and_sign;
use newsdedup::verify::intersection;

const RECORDS: usize = 5_000;

/// The corpus files: `NEWSDEDUP_BENCH_CORPUS`, or the generated corpus.
fn corpus_files() -> Vec<PathBuf> {
    if let Ok(list) = std::env::var("NEWSDEDUP_BENCH_CORPUS") {
        return list.split(',').map(PathBuf::from).collect();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-gen{RECORDS}.jsonl"));
    if !out.is_file() {
        // Relative paths from the root, as benches/common.sh runs it: the
        // listing's ids (and so its truth) name the file as given.
        let web = "../shared/corpora/web-articles-2018";
        let have_web = root.join(format!("{web}.jsonl")).is_file() && root.join(format!("{web}.truth.jsonl")).is_file();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_newsdedup-gen"));
        cmd.current_dir(root).args(["--seed", "1", "--articles", &RECORDS.to_string(), "--out"]);
        cmd.arg(&out).arg("--truth").arg(out.with_extension("truth.jsonl"));
        if have_web {
            cmd.args(["--base-truth", &format!("{web}.truth.jsonl")]);
        }
        cmd.args(["--base-truth", "fixtures/listing-janlipavsky.truth.jsonl"]);
        if have_web {
            cmd.arg(format!("{web}.jsonl"));
        }
        cmd.arg("fixtures/listing-janlipavsky.txt");
        let status = cmd.status().expect("newsdedup-gen runs");
        assert!(status.success(), "newsdedup-gen failed");
    }
    vec![out]
}

/// The records of `files` as the command line reads them.
fn read_files(files: &[PathBuf]) -> Vec<Article> {
    let mut out = ReadOutcome::default();
    for f in files {
        let bytes = std::fs::read(f).expect("corpus readable");
        read_input(bytes.as_slice(), &f.to_string_lossy(), InputFormat::Auto, &mut out).expect("corpus read");
    }
    out.articles
}

/// The records as listing text (outlet, relative time, tag, title, body),
/// as benches/to_listing.py writes them.
fn listing_text(articles: &[Article]) -> String {
    let mut s = String::new();
    for a in articles {
        let title = if a.title.is_empty() { "-" } else { a.title.as_str() };
        s.push_str(&format!("{}\n1 day ago\n- {}\n{}\n{}\n\n", a.source, a.source, title, a.body.in_memory().unwrap()));
    }
    s
}

fn one_thread() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("thread pool")
}

fn short<M: criterion::measurement::Measurement>(g: &mut BenchmarkGroup<'_, M>) {
    g.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
}

fn stages(c: &mut Criterion) {
    let files = corpus_files();
    let articles = read_files(&files);
    let bodies: Vec<&str> = articles.iter().map(|a| a.body.in_memory().unwrap()).collect();
    let body_bytes: u64 = bodies.iter().map(|b| b.len() as u64).sum();
    let p = Params::default();
    let k = p.shingle_size;
    eprintln!("stages: {} records, {:.1} MB of body text", articles.len(), body_bytes as f64 / 1e6);

    let mut g = c.benchmark_group("read");
    short(&mut g);
    let jsonl: Vec<u8> = files.iter().flat_map(|f| std::fs::read(f).expect("corpus readable")).collect();
    g.throughput(Throughput::Bytes(jsonl.len() as u64));
    g.bench_function("jsonl", |b| {
        b.iter(|| {
            let mut out = ReadOutcome::default();
            read_input(black_box(jsonl.as_slice()), "bench.jsonl", InputFormat::Jsonl, &mut out).unwrap();
            out.articles.len()
        })
    });
    let listing = listing_text(&articles);
    g.throughput(Throughput::Bytes(listing.len() as u64));
    g.bench_function("listing", |b| {
        b.iter(|| {
            let mut out = ReadOutcome::default();
            read_input(black_box(listing.as_bytes()), "bench.txt", InputFormat::Listing, &mut out).unwrap();
            out.articles.len()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("normalize");
    short(&mut g);
    g.throughput(Throughput::Bytes(body_bytes));
    g.bench_function("bodies", |b| {
        let mut buf = String::new();
        b.iter(|| {
            let mut words = 0;
            for body in &bodies {
                buf.clear();
                words += normalize_into(black_box(body), &mut buf);
            }
            words
        })
    });
    g.finish();

    let norms: Vec<String> = bodies
        .iter()
        .map(|b| {
            let mut s = String::new();
            normalize_into(b, &mut s);
            s
        })
        .collect();
    let norm_bytes: u64 = norms.iter().map(|n| n.len() as u64).sum();

    let mut g = c.benchmark_group("shingle");
    short(&mut g);
    g.throughput(Throughput::Bytes(norm_bytes));
    g.bench_function("set", |b| {
        let mut set = Vec::new();
        b.iter(|| {
            let mut n = 0;
            for text in &norms {
                shingle_set_into(black_box(text), k, &mut set);
                n += set.len();
            }
            n
        })
    });
    g.finish();

    let few = &norms[..norms.len().min(1_000)];
    let mut g = c.benchmark_group("fingerprint");
    short(&mut g);
    g.throughput(Throughput::Bytes(few.iter().map(|n| n.len() as u64).sum()));
    g.bench_function("fast", |b| b.iter(|| few.iter().fold(0u64, |x, n| x ^ fingerprint_fast(black_box(n), k))));
    g.sampling_mode(SamplingMode::Flat);
    g.bench_function("simhash_crate", |b| b.iter(|| few.iter().fold(0u64, |x, n| x ^ fingerprint(black_box(n), k))));
    g.finish();

    let pool = one_thread();
    let mut g = c.benchmark_group("sign");
    short(&mut g);
    g.sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Bytes(body_bytes));
    g.bench_function("detect_and_sign/1_thread", |b| {
        b.iter(|| pool.install(|| detect_and_sign(&articles, &p).unwrap().1.len()))
    });
    g.bench_function("detect_and_sign/all_cores", |b| b.iter(|| detect_and_sign(&articles, &p).unwrap().1.len()));
    g.finish();

    let run = newsdedup::dedup(&articles, &p, CanonicalRule::Longest).unwrap();
    let pairs: Vec<(usize, usize)> = run.candidates.iter().map(|c| (c.a as usize, c.b as usize)).collect();
    eprintln!("stages: {} candidate pairs, {} edges", pairs.len(), run.edges.len());
    let mut g = c.benchmark_group("verify");
    short(&mut g);
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function("intersection/candidates", |b| {
        b.iter(|| pairs.iter().map(|&(x, y)| intersection(&run.sigs[x].shingles, &run.sigs[y].shingles)).sum::<usize>())
    });
    g.finish();

    let mut g = c.benchmark_group("stage");
    short(&mut g);
    g.sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Elements(articles.len() as u64));
    for stage in ["pairs", "verify", "cluster"] {
        g.bench_function(format!("{stage}/1_thread"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let d = pool.install(|| newsdedup::dedup(&articles, &p, CanonicalRule::Longest)).unwrap();
                    total += d.timings.iter().filter(|(name, _)| *name == stage).map(|(_, t)| *t).sum::<Duration>();
                }
                total
            })
        });
    }
    g.bench_function("dedup/1_thread", |b| {
        b.iter(|| pool.install(|| newsdedup::dedup(&articles, &p, CanonicalRule::Longest).unwrap().clusters.len()))
    });
    g.bench_function("dedup/all_cores", |b| {
        b.iter(|| newsdedup::dedup(&articles, &p, CanonicalRule::Longest).unwrap().clusters.len())
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
