//! A fuzzing loop for stable Rust, where libFuzzer (nightly) is not at hand:
//! the targets of `newsdedup_fuzz` fed inputs mutated from a seed corpus
//! (bit flips, byte edits, repeated and deleted ranges, splices, and tokens
//! of both input formats) for a set time. It has no coverage feedback, so it
//! finds less than libFuzzer; it runs the same target code.
//!
//!     stable TARGET SECONDS [SEED_DIR]...   fuzz; a panic saves the input to
//!                                            artifacts/TARGET/crash-HASH, exit 1
//!     stable TARGET --replay FILE...         run the target on each FILE
//!
//! The seed of the random generator is `FUZZ_SEED` (default: the clock);
//! it is printed, so a run can be repeated.

use std::panic;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use newsdedup_fuzz::TARGETS;

/// Fragments of listings and JSON Lines, and bytes that trouble decoders.
const TOKENS: &[&[u8]] = &[
    b"\n",
    b"\r\n",
    b"\n\n",
    b"\n\n\n",
    b"\xEF\xBB\xBF",
    b"\xC2\xA0",
    b"\xFF",
    b"\xC3",
    b"\xE2\x80",
    b" ",
    b"\t",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"null",
    b"1e999",
    b"-0",
    b"{\"body\":\"a\"}\n",
    b"\"id\":",
    b"\"id\":1,",
    b"\"body\":",
    b"\"text\":null,",
    b"\"url\":\"https://www.example.com/a/b?utm_source=x#f\",",
    b"\"categories\":[\"a\",1],",
    b"\"source\":\"AFP\",",
    b"- ",
    b"- Politics\n",
    b"-",
    b"The Sun\n3 days ago\n- World\n",
    b"3 days ago",
    b"an hour ago",
    b"yesterday",
    b"5m ago",
    b"Latest news with #Tag\n",
    b"\n#Tag\n\n",
    b" bur-frj/jza/giv",
    b" (AFP)",
    b"\xE2\x80\x94",
    b"\xE2\x80\x9C",
    b"'s",
    b"PRAGUE: ",
];

/// xorshift64*: small, seedable, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// A range of `v` of at most `max` bytes.
fn range(r: &mut Rng, len: usize, max: usize) -> (usize, usize) {
    let start = r.below(len + 1);
    let end = start + r.below((len - start).min(max) + 1);
    (start, end)
}

fn mutate(r: &mut Rng, input: &mut Vec<u8>, pool: &[Vec<u8>]) {
    for _ in 0..1 + r.below(8) {
        let len = input.len();
        match r.below(10) {
            0 if len > 0 => {
                let i = r.below(len);
                input[i] ^= 1 << r.below(8);
            }
            1 if len > 0 => {
                let i = r.below(len);
                input[i] = r.next() as u8;
            }
            2 => {
                let i = r.below(len + 1);
                let n = 1 + r.below(8);
                let bytes: Vec<u8> = (0..n).map(|_| r.next() as u8).collect();
                input.splice(i..i, bytes);
            }
            3 => {
                let (s, e) = range(r, len, 256);
                input.drain(s..e);
            }
            4 => {
                // Repeat a range: repeated lines and records.
                let (s, e) = range(r, len, 512);
                let chunk = input[s..e].to_vec();
                for _ in 0..1 + r.below(4) {
                    input.splice(e..e, chunk.iter().copied());
                }
            }
            5 if !pool.is_empty() => {
                // Splice in part of another input.
                let other = &pool[r.below(pool.len())];
                let (s, e) = range(r, other.len(), 2048);
                let i = r.below(len + 1);
                input.splice(i..i, other[s..e].iter().copied());
            }
            6 if len > 0 => input.truncate(r.below(len)),
            7 => {
                // Swap two ranges' order by moving one.
                let (s, e) = range(r, len, 256);
                let chunk: Vec<u8> = input.drain(s..e).collect();
                let i = r.below(input.len() + 1);
                input.splice(i..i, chunk);
            }
            _ => {
                let t = TOKENS[r.below(TOKENS.len())];
                let i = r.below(len + 1);
                input.splice(i..i, t.iter().copied());
            }
        }
    }
    input.truncate(1 << 20);
}

fn seeds(dirs: &[PathBuf]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            eprintln!("stable: no seed directory {}", dir.display());
            continue;
        };
        let mut paths: Vec<PathBuf> =
            entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
        paths.sort();
        out.extend(paths.iter().filter_map(|p| std::fs::read(p).ok()));
    }
    out
}

fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

fn save_crash(target: &str, data: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts").join(target);
    std::fs::create_dir_all(&dir).expect("create artifacts directory");
    let path = dir.join(format!("crash-{:016x}", fnv(data)));
    std::fs::write(&path, data).expect("write crash input");
    path
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: stable TARGET SECONDS [SEED_DIR]... | stable TARGET --replay FILE...";
    let (Some(name), Some(second)) = (args.first(), args.get(1)) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let Some(&(_, target)) = TARGETS.iter().find(|(n, _)| n == name) else {
        let names: Vec<&str> = TARGETS.iter().map(|t| t.0).collect();
        eprintln!("stable: unknown target {name}; targets: {}", names.join(", "));
        std::process::exit(2);
    };
    if second == "--replay" {
        for f in &args[2..] {
            let data = std::fs::read(f).unwrap_or_else(|e| panic!("cannot read {f}: {e}"));
            target(&data);
            println!("{name}: {f} ok");
        }
        return;
    }
    let Ok(seconds) = second.parse::<f64>() else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let dirs: Vec<PathBuf> = args[2..].iter().map(PathBuf::from).collect();
    let mut pool = seeds(&dirs);
    let seed = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    }) | 1;
    println!("{name}: {} seeds, FUZZ_SEED={seed}, {seconds} s", pool.len());
    let mut r = Rng(seed);
    // The seeds themselves first, then mutants; a few mutants join the pool
    // so that edits can pile up.
    for s in pool.clone() {
        target(&s);
    }
    let (start, limit) = (Instant::now(), Duration::from_secs_f64(seconds));
    let mut execs: u64 = pool.len() as u64;
    let base = pool.len();
    while start.elapsed() < limit {
        let mut input = match r.below(20) {
            0 => (0..r.below(256)).map(|_| r.next() as u8).collect(),
            _ if pool.is_empty() => Vec::new(),
            _ => pool[r.below(pool.len())].clone(),
        };
        mutate(&mut r, &mut input, &pool);
        let outcome = panic::catch_unwind(|| target(&input));
        execs += 1;
        if outcome.is_err() {
            let path = save_crash(name, &input);
            println!("{name}: CRASH after {execs} executions; input saved to {}", path.display());
            println!(
                "{name}: replay with: cargo run --release --no-default-features --bin stable -- {name} --replay {}",
                path.display()
            );
            std::process::exit(1);
        }
        if r.below(64) == 0 {
            if pool.len() < base + 256 {
                pool.push(input);
            } else {
                let i = base + r.below(256);
                pool[i] = input;
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!("{name}: {execs} executions in {secs:.0} s ({:.0}/s), no crash", execs as f64 / secs);
}
