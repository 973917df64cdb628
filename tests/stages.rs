//! The stages run apart (`count`, `sign`, the keyed pairs steps `groups`
//! to `verify` and the one-process `pairs`, `components`, `route`,
//! `cluster`, `apply`, `gather`, `merge`, over lines sorted byte-wise as GNU `sort` with
//! `LC_ALL=C` sorts them) give byte for byte what one run gives, in every
//! output format, for random splits of a generated corpus into shards and
//! random processing orders, and over whole CSV and JSON array files; and
//! every stage refuses a line of another format version, naming its file and
//! line.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use newsdedup::config::Params;

const BIN: &str = env!("CARGO_BIN_EXE_newsdedup");
const GEN: &str = env!("CARGO_BIN_EXE_newsdedup-gen");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run the binary; its stdout, checked to exit 0.
fn run(args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
    let (code, out, err) = run_code(args, stdin);
    assert_eq!(code, Some(0), "newsdedup {args:?}:\n{err}");
    out
}

fn run_code(args: &[&str], stdin: Option<&[u8]>) -> (Option<i32>, Vec<u8>, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = stdin.map(<[u8]>::to_vec).unwrap_or_default();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = std::io::Write::write_all(&mut pipe, &input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (out.status.code(), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A generated corpus of `n` records (explicit ids) in `dir`.
fn corpus(dir: &Path, n: usize, seed: u64) -> PathBuf {
    let out = dir.join("gen.jsonl");
    let status = Command::new(GEN)
        .args(["--seed", &seed.to_string(), "--articles", &n.to_string()])
        .args(["--base-truth", "fixtures/listing-janlipavsky.truth.jsonl", "--out"])
        .arg(&out)
        .arg("--truth")
        .arg(dir.join("gen.truth.jsonl"))
        .arg("fixtures/listing-janlipavsky.txt")
        .current_dir(root())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    out
}

/// A small deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// The shuffle: all lines of `parts`, sorted byte-wise (GNU sort, LC_ALL=C).
fn shuffle(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut lines: Vec<&[u8]> = parts.iter().flat_map(|p| p.split_inclusive(|&b| b == b'\n')).collect();
    lines.sort_unstable();
    lines.concat()
}

/// A shuffle as Spark's `repartitionAndSortWithinPartitions` does it: all
/// lines of `parts` cut into `n` partitions by a hash of their key (the
/// first field), each partition's lines in random order and then sorted by
/// key alone (lines of one key stay in random order).
fn by_key(parts: &[Vec<u8>], n: usize, rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut lines: Vec<&[u8]> = parts.iter().flat_map(|p| p.split_inclusive(|&b| b == b'\n')).collect();
    rng.shuffle(&mut lines);
    let key = |l: &[u8]| -> Vec<u8> { l.split(|&b| b == b'\t').next().unwrap().to_vec() };
    (0..n)
        .map(|k| {
            let mut mine: Vec<&[u8]> =
                lines.iter().copied().filter(|l| xxhash_rust::xxh3::xxh3_64(&key(l)) % n as u64 == k as u64).collect();
            mine.sort_by_key(|l| key(l));
            mine.concat()
        })
        .collect()
}

/// Lines of `text` whose second field is `kind`.
fn of_kind(text: &[u8], kind: &str) -> Vec<u8> {
    let tag = format!("\t{kind}\t");
    text.split_inclusive(|&b| b == b'\n')
        .filter(|l| String::from_utf8_lossy(l).contains(&tag))
        .flat_map(|l| l.iter().copied())
        .collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every output format.
const FORMATS: [&str; 6] = ["jsonl", "json", "text", "filter", "ids", "tsv"];

/// Run the stages over `shards` (in single-run order, processed in `order`)
/// and return the merged output in each of `formats` (the stages up to
/// `cluster` run once, `apply`, `gather` and `merge` once per format).
fn staged(dir: &Path, shards: &[PathBuf], order: &[usize], formats: &[&str], canonical: &str) -> Vec<Vec<u8>> {
    let mut counts = vec![Vec::new(); shards.len()];
    for &k in order {
        counts[k] = run(&["count", s(&shards[k])], None);
    }
    let records: Vec<u64> = counts
        .iter()
        .map(|c| {
            let first = String::from_utf8_lossy(c).lines().next().unwrap().to_owned();
            first.rsplit('\t').next().unwrap().parse().unwrap()
        })
        .collect();
    let bases: Vec<u64> = records.iter().scan(0, |b, &n| Some(std::mem::replace(b, *b + n))).collect();
    let counts_file = dir.join("counts");
    std::fs::write(&counts_file, shuffle(&counts)).unwrap();
    let mut sign_files = vec![PathBuf::new(); shards.len()];
    for &k in order {
        let out =
            run(&["sign", "--counts", s(&counts_file), "--ordinal-base", &bases[k].to_string(), s(&shards[k])], None);
        sign_files[k] = dir.join(format!("sign.{k}"));
        std::fs::write(&sign_files[k], out).unwrap();
    }
    let mut rng = Rng(order.len() as u64 * 7919 + bases.len() as u64);
    let n = order.len();
    let pairs = keyed_pairs(dir, &sign_files, order, &mut rng);
    let mut pairs_args = vec!["pairs"];
    pairs_args.extend(order.iter().map(|&k| s(&sign_files[k])));
    assert!(pairs == run(&pairs_args, None), "the keyed stages and the global pairs stage verify the same pairs");
    let components = run(&["components"], Some(&pairs));
    // route and cluster over as many partitions as there are shards, each
    // run on its own: the lines of one key together, in random order.
    let mut routed_parts = vec![components, pairs];
    routed_parts.extend(order.iter().map(|&k| std::fs::read(&sign_files[k]).unwrap()));
    let routed: Vec<Vec<u8>> = by_key(&routed_parts, n, &mut rng).iter().map(|p| run(&["route"], Some(p))).collect();
    let links: Vec<u8> = by_key(&routed, n, &mut rng)
        .iter()
        .flat_map(|p| run(&["cluster", "--canonical", canonical], Some(p)))
        .collect();
    let links_file = dir.join("links");
    std::fs::write(&links_file, links).unwrap();
    let mut outputs = Vec::new();
    for &format in formats {
        let (mut members, mut pieces) = (Vec::new(), Vec::new());
        for &k in order {
            let base = bases[k].to_string();
            let out = run(
                &[
                    "apply",
                    "--format",
                    format,
                    "--counts",
                    s(&counts_file),
                    "--clusters",
                    s(&links_file),
                    "--ordinal-base",
                    &base,
                    s(&shards[k]),
                ],
                None,
            );
            members.push(of_kind(&out, "m2"));
            pieces.push(of_kind(&out, "f2"));
        }
        let gathered = run(&["gather", "--format", format, "--counts", s(&counts_file)], Some(&shuffle(&members)));
        pieces.push(gathered);
        outputs.push(run(&["merge", "--format", format, "--counts", s(&counts_file)], Some(&shuffle(&pieces))));
    }
    outputs
}

/// The verified pairs of the keyed stages (`groups`, `copies`, `tally`,
/// `keys`, `buckets`, `join`, `verify`) over the sign lines of
/// `sign_files`, each grouping step over as many partitions as there are
/// shards (lines of one key together, in random order), the per-shard steps
/// in `order`, and the tallies not summed (`keys` adds up the counts of a
/// key); sorted by key, as `route` reads them.
fn keyed_pairs(dir: &Path, sign_files: &[PathBuf], order: &[usize], rng: &mut Rng) -> Vec<u8> {
    let n = order.len();
    let signs: Vec<Vec<u8>> = order.iter().map(|&k| std::fs::read(&sign_files[k]).unwrap()).collect();
    let groups: Vec<Vec<u8>> = order.iter().map(|&k| run(&["groups", s(&sign_files[k])], None)).collect();
    let copies: Vec<u8> = by_key(&groups, n, rng).iter().flat_map(|p| run(&["copies"], Some(p))).collect();
    let copies_file = dir.join("copies");
    std::fs::write(&copies_file, &copies).unwrap();
    let tallies: Vec<u8> =
        order.iter().flat_map(|&k| run(&["tally", "--copies", s(&copies_file), s(&sign_files[k])], None)).collect();
    let tallies_file = dir.join("tallies");
    std::fs::write(&tallies_file, tallies).unwrap();
    let keys: Vec<Vec<u8>> = order
        .iter()
        .map(|&k| run(&["keys", "--copies", s(&copies_file), "--tallies", s(&tallies_file), s(&sign_files[k])], None))
        .collect();
    let stage = |name: &str, parts: Vec<Vec<u8>>, rng: &mut Rng| -> Vec<Vec<u8>> {
        by_key(&parts, n, rng).iter().map(|p| run(&[name], Some(p))).collect()
    };
    let mut joined = stage("buckets", keys, rng);
    joined.push(copies);
    joined.extend(signs.iter().cloned());
    let mut shipped = stage("join", joined, rng);
    shipped.extend(signs);
    shuffle(&stage("verify", shipped, rng))
}

/// Cut the lines of `corpus` into `n` shards at random line boundaries.
fn split(dir: &Path, corpus: &Path, n: usize, rng: &mut Rng) -> Vec<PathBuf> {
    let text = std::fs::read(corpus).unwrap();
    let lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
    let mut cuts: Vec<usize> = (1..n).map(|_| rng.below(lines.len() + 1)).collect();
    cuts.push(0);
    cuts.push(lines.len());
    cuts.sort_unstable();
    cuts.windows(2)
        .enumerate()
        .map(|(k, w)| {
            let path = dir.join(format!("shard{k:03}.jsonl"));
            std::fs::write(&path, lines[w[0]..w[1]].concat()).unwrap();
            path
        })
        .collect()
}

#[test]
fn stages_over_random_splits_equal_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path(), 12_000, 5);
    // Large enough that the caps on large buckets come into play.
    let read = newsdedup::input::read_all(std::slice::from_ref(&corpus), newsdedup::reader::InputFormat::Auto).unwrap();
    assert!(read.articles.len() >= 10_000);
    let p = Params::default();
    let (_, sigs) = newsdedup::sign::detect_and_sign(&read.articles, &p).unwrap();
    let largest = newsdedup::pairs::largest_bucket(&sigs, &p);
    assert!(largest > newsdedup::pairs::BUCKET_ALL_PAIRS, "largest bucket {largest}");
    let mut rng = Rng(0x5eed);
    for (round, canonical) in ["longest", "first", "longest", "first"].into_iter().enumerate() {
        let sub = dir.path().join(format!("round{round}"));
        std::fs::create_dir(&sub).unwrap();
        let n = 1 + rng.below(9);
        let shards = split(&sub, &corpus, n, &mut rng);
        let mut order: Vec<usize> = (0..shards.len()).collect();
        rng.shuffle(&mut order);
        let outputs = staged(&sub, &shards, &order, &FORMATS, canonical);
        for (format, out) in FORMATS.into_iter().zip(outputs) {
            let single = run(&["--format", format, "--canonical", canonical, s(&corpus)], None);
            assert!(out == single, "round {round}: {n} shards, order {order:?}, {format}, {canonical}: outputs differ");
        }
    }
}

/// Whole CSV and JSON array files as shards (the stages cut only JSON
/// Lines): filter output is CSV when every record is a CSV row under one
/// header, a JSON array when every record is an element of one, JSON Lines
/// for any mix, as in one run.
#[test]
fn stages_over_csv_and_json_array_files_equal_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let wire = std::fs::read_to_string(root().join("fixtures/wire.csv")).unwrap();
    // The same rows under other ids (ids are unique across the inputs).
    let renamed = |prefix: &str| -> String {
        let mut lines = wire.lines();
        let header = lines.next().unwrap();
        std::iter::once(header.to_owned()).chain(lines.map(|l| format!("{prefix}{l}"))).collect::<Vec<_>>().join("\n")
            + "\n"
    };
    let csv_a = d.join("a.csv");
    std::fs::write(&csv_a, &wire).unwrap();
    let csv_b = d.join("b.csv");
    std::fs::write(&csv_b, renamed("b-")).unwrap();
    // The rows as JSON arrays of objects, pretty-printed across lines.
    let array = |prefix: &str| -> String {
        let mut rows = csv::Reader::from_reader(wire.as_bytes());
        let names = rows.headers().unwrap().clone();
        let objects: Vec<serde_json::Value> = rows
            .records()
            .map(|r| {
                let r = r.unwrap();
                let mut m: serde_json::Map<String, serde_json::Value> =
                    names.iter().zip(r.iter()).map(|(k, v)| (k.to_owned(), v.into())).collect();
                m.insert("id".into(), format!("{prefix}{}", &r[0]).into());
                m.into()
            })
            .collect();
        serde_json::to_string_pretty(&objects).unwrap()
    };
    let json_a = d.join("a.json");
    std::fs::write(&json_a, array("ja-")).unwrap();
    let json_b = d.join("b.json");
    std::fs::write(&json_b, array("jb-")).unwrap();
    let cases: [(&[&PathBuf], &str); 3] =
        [(&[&csv_a, &csv_b], "id,source"), (&[&json_a, &json_b], "[\n{\""), (&[&csv_a, &json_b], "{\"")];
    for (round, (files, head)) in cases.into_iter().enumerate() {
        let sub = d.join(format!("round{round}"));
        std::fs::create_dir(&sub).unwrap();
        let shards: Vec<PathBuf> = files.iter().map(|&f| f.clone()).collect();
        let names: Vec<&str> = files.iter().map(|f| s(f)).collect();
        for canonical in ["longest", "first"] {
            let outputs = staged(&sub, &shards, &[1, 0], &FORMATS, canonical);
            for (format, out) in FORMATS.into_iter().zip(outputs) {
                let mut args = vec!["--format", format, "--canonical", canonical];
                args.extend(&names);
                let single = run(&args, None);
                assert!(out == single, "{names:?}, {format}, {canonical}: outputs differ");
                if format == "filter" {
                    assert!(single.starts_with(head.as_bytes()), "{names:?}: {}", String::from_utf8_lossy(&single));
                }
            }
        }
    }
}

#[test]
fn filter_needs_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let links = dir.path().join("links");
    std::fs::write(&links, "").unwrap();
    for args in [
        vec!["apply", "-f", "filter", "--clusters", s(&links), "fixtures/wire.csv"],
        vec!["merge", "-f", "filter", s(&links)],
    ] {
        let (code, out, err) = run_code(&args, None);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(out.is_empty() && err.contains("-f filter needs --counts"), "{args:?}: {err}");
    }
}

#[test]
fn staged_sh_equals_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path(), 3_000, 9);
    let inputs = [s(&corpus), "fixtures/listing-janlipavsky.txt"];
    let path = format!("{}:{}", Path::new(BIN).parent().unwrap().display(), std::env::var("PATH").unwrap());
    for format in FORMATS {
        let single = run(&[&["--format", format][..], &inputs].concat(), None);
        let out = Command::new("bash")
            .arg("examples/staged.sh")
            .args(inputs)
            .env("PATH", &path)
            .env("SHARD_LINES", "700")
            .env("FORMAT", format)
            .current_dir(root())
            .output()
            .unwrap();
        assert!(out.status.success(), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stdout == single, "staged.sh differs from one run ({format})");
    }
}

/// Pairs that only a rule before the shingle counts passes (the same
/// canonical URL for unrelated or short bodies, the same short body) are
/// verified by the keyed stages as by one run: the glance that `buckets`
/// filters by carries the URL and body keys.
#[test]
fn keyed_stages_keep_what_passes_before_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let story = |i: usize| {
        format!(
            "Story {i} tells of the harbour, the ferry and the storm that closed the bay on day {i}, with words {}.",
            "and more ".repeat(i % 5)
        )
    };
    let mut lines = String::new();
    for i in 0..60 {
        // Pairs (2k, 2k+1) share a URL; every fifth record is a short body repeated.
        let url = format!("https://example.com/news/{}", i / 2);
        let body = if i % 5 == 0 { "Short notice.".to_owned() } else { story(i) };
        lines.push_str(&format!("{{\"id\":\"r{i}\",\"title\":\"T{i}\",\"url\":\"{url}\",\"body\":\"{body}\"}}\n"));
    }
    let input = d.join("in.jsonl");
    std::fs::write(&input, lines).unwrap();
    let counts_file = d.join("counts");
    std::fs::write(&counts_file, run(&["count", s(&input)], None)).unwrap();
    let signs = d.join("sign.0");
    std::fs::write(&signs, run(&["sign", "--counts", s(&counts_file), s(&input)], None)).unwrap();
    let global = run(&["pairs", s(&signs)], None);
    let text = String::from_utf8_lossy(&global).into_owned();
    assert!(text.contains("\turl\t") && text.contains("\ttext\t"), "{text}");
    let keyed = keyed_pairs(d, std::slice::from_ref(&signs), &[0], &mut Rng(3));
    assert!(keyed == global, "keyed:\n{}\nglobal:\n{text}", String::from_utf8_lossy(&keyed));
}

#[test]
fn every_stage_refuses_a_line_of_another_version() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let corpus = corpus(d, 400, 3);
    let input = s(&corpus);
    let counts = run(&["count", input], None);
    let counts_file = d.join("counts");
    std::fs::write(&counts_file, &counts).unwrap();
    let signs = run(&["sign", "--counts", s(&counts_file), input], None);
    let signs_file = d.join("signs");
    std::fs::write(&signs_file, &signs).unwrap();
    let pairs = run(&["pairs", s(&signs_file)], None);
    let components = run(&["components"], Some(&pairs));
    let routed = run(&["route"], Some(&shuffle(&[components.clone(), signs.clone(), pairs.clone()])));
    let routed = shuffle(&[routed]);
    let links = run(&["cluster"], Some(&routed));
    let links_file = d.join("links");
    std::fs::write(&links_file, &links).unwrap();
    let applied = run(&["apply", "--clusters", s(&links_file), input], None);
    let members = shuffle(&[of_kind(&applied, "m2")]);
    let pieces = of_kind(&applied, "f2");
    assert!(!pairs.is_empty() && !links.is_empty() && !members.is_empty() && !pieces.is_empty());
    assert!(!components.is_empty() && !routed.is_empty());
    let groups = shuffle(&[run(&["groups", s(&signs_file)], None)]);
    let copies = run(&["copies"], Some(&groups));
    let copies_file = d.join("copies");
    std::fs::write(&copies_file, &copies).unwrap();
    let tallies = run(&["tally", "--copies", s(&copies_file), s(&signs_file)], None);
    let tallies_file = d.join("tallies");
    std::fs::write(&tallies_file, &tallies).unwrap();
    let keys =
        shuffle(&[run(&["keys", "--copies", s(&copies_file), "--tallies", s(&tallies_file), s(&signs_file)], None)]);
    let candidates = run(&["buckets"], Some(&keys));
    let shipped = shuffle(&[run(&["join"], Some(&shuffle(&[signs.clone(), candidates.clone(), copies.clone()])))]);

    // Line 2 of each stage's input turned into another version of its format.
    let bump = |text: &[u8], kind: &str| -> Vec<u8> {
        let text = String::from_utf8(text.to_vec()).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        assert!(lines.len() >= 2, "{kind}: {} lines", lines.len());
        lines[1] = lines[1].replacen(&format!("\t{kind}\t"), &format!("\t{}9\t", &kind[..1]), 1);
        (lines.join("\n") + "\n").into_bytes()
    };
    let bad = |name: &str, text: Vec<u8>| -> PathBuf {
        let path = d.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let bad_counts = bad("bad-counts", bump(&counts, "c2"));
    let bad_signs = bad("bad-signs", bump(&signs, "s3"));
    let bad_pairs = bad("bad-pairs", bump(&pairs, "e1"));
    let bad_links = bad("bad-links", bump(&links, "l1"));
    let bad_components = bad("bad-components", bump(&components, "g1"));
    let bad_routed = bad("bad-routed", bump(&routed, "v2"));
    let bad_members = bad("bad-members", bump(&members, "m2"));
    let bad_pieces = bad("bad-pieces", bump(&shuffle(&[pieces]), "f2"));
    let bad_groups = bad("bad-groups", bump(&groups, "t1"));
    let bad_copies = bad("bad-copies", bump(&copies, "x1"));
    let bad_tallies = bad("bad-tallies", bump(&tallies, "b1"));
    let bad_keys = bad("bad-keys", bump(&keys, "k1"));
    let bad_candidates = bad("bad-candidates", bump(&shuffle(&[candidates]), "p1"));
    let bad_shipped = bad("bad-shipped", bump(&shipped, "y1"));
    let (c, t) = (s(&copies_file), s(&tallies_file));
    let cases: Vec<(Vec<&str>, &PathBuf, &str)> = vec![
        (vec!["sign", "--counts", s(&bad_counts), input], &bad_counts, "c2"),
        (vec!["gather", "--counts", s(&bad_counts), s(&bad_members)], &bad_counts, "c2"),
        (
            vec!["apply", "-f", "filter", "--counts", s(&bad_counts), "--clusters", s(&links_file), input],
            &bad_counts,
            "c2",
        ),
        (vec!["merge", "-f", "filter", "--counts", s(&bad_counts), s(&bad_pieces)], &bad_counts, "c2"),
        (vec!["pairs", s(&bad_signs)], &bad_signs, "s3"),
        (vec!["components", s(&bad_pairs)], &bad_pairs, "e1"),
        (vec!["route", s(&bad_components)], &bad_components, "g1"),
        (vec!["cluster", s(&bad_routed)], &bad_routed, "v2"),
        (vec!["apply", "--clusters", s(&bad_links), input], &bad_links, "l1"),
        (vec!["gather", "--counts", s(&counts_file), s(&bad_members)], &bad_members, "m2"),
        (vec!["merge", s(&bad_pieces)], &bad_pieces, "f2"),
        (vec!["groups", s(&bad_signs)], &bad_signs, "s3"),
        (vec!["copies", s(&bad_groups)], &bad_groups, "t1"),
        (vec!["tally", "--copies", c, s(&bad_signs)], &bad_signs, "s3"),
        (vec!["tally", "--copies", s(&bad_copies), s(&signs_file)], &bad_copies, "x1"),
        (vec!["keys", "--copies", c, "--tallies", t, s(&bad_signs)], &bad_signs, "s3"),
        (vec!["keys", "--copies", s(&bad_copies), "--tallies", t, s(&signs_file)], &bad_copies, "x1"),
        (vec!["keys", "--copies", c, "--tallies", s(&bad_tallies), s(&signs_file)], &bad_tallies, "b1"),
        (vec!["buckets", s(&bad_keys)], &bad_keys, "k1"),
        (vec!["join", s(&bad_signs)], &bad_signs, "s3"),
        (vec!["join", s(&bad_copies)], &bad_copies, "x1"),
        (vec!["join", s(&bad_candidates)], &bad_candidates, "p1"),
        (vec!["verify", s(&bad_signs)], &bad_signs, "s3"),
        (vec!["verify", s(&bad_shipped)], &bad_shipped, "y1"),
    ];
    for (args, file, kind) in cases {
        let (code, out, err) = run_code(&args, None);
        assert_eq!(code, Some(2), "{args:?} accepted another version: {err}");
        // A stage that reads several kinds names them all.
        let want = format!("{}:2: a line of format '{}9', not ", file.display(), &kind[..1]);
        assert!(err.contains(&want) && err.contains(&format!("'{kind}'")), "{args:?}: stderr {err:?} lacks {want:?}");
        let _ = out;
    }
}

#[test]
fn route_and_cluster_refuse_what_is_not_grouped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let corpus = corpus(d, 400, 3);
    let input = s(&corpus);
    let counts_file = d.join("counts");
    std::fs::write(&counts_file, run(&["count", input], None)).unwrap();
    let signs = run(&["sign", "--counts", s(&counts_file), input], None);
    let pairs = run(&["pairs"], Some(&signs));
    let components = run(&["components"], Some(&pairs));
    let reversed = |text: &[u8]| -> Vec<u8> {
        let mut lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
        lines.reverse();
        lines.concat()
    };
    // Ordinals out of order.
    let (code, _, err) = run_code(&["route"], Some(&reversed(&shuffle(&[components.clone(), signs.clone()]))));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not sorted by key"), "{err}");
    // Pairs without their component lines.
    let (code, _, err) = run_code(&["route"], Some(&shuffle(&[signs.clone(), pairs.clone()])));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no component line"), "{err}");
    // Routed lines out of order.
    let routed = run(&["route"], Some(&shuffle(&[components, signs.clone(), pairs])));
    let (code, _, err) = run_code(&["cluster"], Some(&reversed(&shuffle(std::slice::from_ref(&routed)))));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not sorted by key"), "{err}");
    // Group lines and key entry lines out of order.
    let groups = run(&["groups"], Some(&signs));
    let copies_file = d.join("copies");
    std::fs::write(&copies_file, run(&["copies"], Some(&shuffle(std::slice::from_ref(&groups))))).unwrap();
    let tallies_file = d.join("tallies");
    std::fs::write(&tallies_file, run(&["tally", "--copies", s(&copies_file)], Some(&signs))).unwrap();
    let keys = run(&["keys", "--copies", s(&copies_file), "--tallies", s(&tallies_file)], Some(&signs));
    let copies = std::fs::read(&copies_file).unwrap();
    let candidates = run(&["buckets"], Some(&shuffle(std::slice::from_ref(&keys))));
    let joined = shuffle(&[signs.clone(), candidates, copies]);
    let shipped = shuffle(&[run(&["join"], Some(&joined)), signs.clone()]);
    for (stage, lines) in [("copies", &groups), ("buckets", &keys), ("join", &joined), ("verify", &shipped)] {
        let (code, _, err) = run_code(&[stage], Some(&reversed(&shuffle(std::slice::from_ref(lines)))));
        assert_eq!(code, Some(2), "{stage}: {err}");
        assert!(err.contains("not sorted by key"), "{stage}: {err}");
    }
    // One stream only: a key's lines split across files would be split apart.
    for stage in ["route", "cluster", "copies", "buckets", "join", "verify"] {
        let (code, _, err) = run_code(&[stage, input, input], None);
        assert_eq!(code, Some(2), "{stage} took two files: {err}");
    }
    // A pair whose end has no sign line.
    let no_signs: Vec<u8> = of_kind(&shuffle(&[routed]), "w1");
    let (code, _, err) = run_code(&["cluster"], Some(&no_signs));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("has no routed sign line"), "{err}");
}
