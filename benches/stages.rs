//! Per-stage throughput of the hot path, single-threaded, in words per second:
//! normalize, shingle set, simhash fingerprint (the `simhash` crate and the
//! bit-identical fast path the pipeline uses), and pair verification.
//!
//!     cargo bench --bench stages [-- CORPUS...]
//!
//! Default corpus: `../shared/corpora/web-articles-2018.jsonl` and the bundled
//! sample, repeated to about 20 million words so that timings are stable.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use newsdedup::fingerprint::{fingerprint, fingerprint_fast};
use newsdedup::normalize::normalize_into;
use newsdedup::reader::InputFormat;
use newsdedup::shingle::shingle_set_into;
use newsdedup::verify::intersection;

fn main() {
    let args: Vec<PathBuf> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).map(PathBuf::from).collect();
    let files = if args.is_empty() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        [root.join("../shared/corpora/web-articles-2018.jsonl"), root.join("fixtures/listing-janlipavsky.txt")]
            .into_iter()
            .filter(|p| p.is_file())
            .collect()
    } else {
        args
    };
    let read = newsdedup::input::read_all(&files, InputFormat::Auto).expect("corpus readable");
    let bodies: Vec<&str> = read.articles.iter().map(|a| a.body.as_str()).collect();
    let words_once: usize = bodies.iter().map(|b| b.split_whitespace().count()).sum();
    let rounds = (20_000_000 / words_once.max(1)).max(1);
    let words = (words_once * rounds) as f64;
    println!("{} records, {} words x {} rounds", bodies.len(), words_once, rounds);

    let mut norms = Vec::with_capacity(bodies.len());
    let t = Instant::now();
    let mut buf = String::new();
    for _ in 0..rounds {
        norms.clear();
        for b in &bodies {
            buf.clear();
            normalize_into(b, &mut buf);
            norms.push(buf.clone());
        }
    }
    report("normalize", words, t);

    let t = Instant::now();
    let mut set = Vec::new();
    let mut sets = Vec::new();
    for r in 0..rounds {
        for n in &norms {
            shingle_set_into(n, 3, &mut set);
            if r == 0 {
                sets.push(set.clone());
            }
        }
    }
    report("shingle set (xxh3, sort)", words, t);

    let t = Instant::now();
    for _ in 0..rounds {
        for n in &norms {
            black_box(fingerprint(black_box(n), 3));
        }
    }
    report("simhash (crate, reference)", words, t);

    let t = Instant::now();
    for _ in 0..rounds {
        for n in &norms {
            black_box(fingerprint_fast(black_box(n), 3));
        }
    }
    report("simhash (fast path)", words, t);

    let t = Instant::now();
    let mut pairs = 0usize;
    for _ in 0..rounds {
        for w in sets.windows(2) {
            black_box(intersection(&w[0], &w[1]));
            pairs += 1;
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{:<28} {:>10.0} pairs/s ({:.2} us a pair)",
        "verify (set intersection)",
        pairs as f64 / secs,
        secs * 1e6 / pairs as f64
    );
}

fn report(stage: &str, words: f64, t: Instant) {
    let secs = t.elapsed().as_secs_f64();
    println!("{stage:<28} {:>10.1} M words/s", words / secs / 1e6);
}
