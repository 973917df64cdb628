//! Behaviour of the real binary that needs code rather than fixture files:
//! help and version, determinism across thread counts, completeness of the
//! output, the clusters of the bundled sample, atomic `-o`, a closed output
//! pipe, errors, and the `eval` and `explain` subcommands.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{assert_text_eq, run, run_in, sample, web_corpus, BIN};
use serde_json::Value;

/// The sample's entries: (first line, outlet), read from the file and
/// checked, so that a changed fixture fails here rather than mislead.
const SAMPLE_ENTRIES: [(u64, &str); 5] =
    [(4, "The Sun"), (12, "The Sun"), (20, "Asahi Shimbun"), (27, "Epoch Times"), (33, "Yahoo")];

/// A temp dir holding a copy of the sample as `sample.txt`, so that record
/// ids (`FILE:LINE`) do not depend on where the repository is.
fn sample_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(sample(), dir.path().join("sample.txt")).unwrap();
    let text = fs::read_to_string(dir.path().join("sample.txt")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for (line, outlet) in SAMPLE_ENTRIES {
        assert_eq!(lines[line as usize - 1], outlet, "fixtures/listing-janlipavsky.txt changed at line {line}");
    }
    dir
}

fn sample_id(line: u64) -> String {
    format!("sample.txt:{line}")
}

fn files_in(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
}

/// Every record id of a run's JSON Lines output with the number of times it
/// appears (as a canonical `id` or as a `duplicates[].id`).
fn output_ids(clusters: &[Value]) -> BTreeMap<String, usize> {
    let mut ids = BTreeMap::new();
    for c in clusters {
        *ids.entry(str_field(c, "id").to_owned()).or_insert(0) += 1;
        for d in c["duplicates"].as_array().expect("duplicates is an array") {
            *ids.entry(str_field(d, "id").to_owned()).or_insert(0) += 1;
        }
    }
    ids
}

// --- help and version ------------------------------------------------------------

#[test]
fn help_lists_every_option_and_an_example() {
    let long = run(&["--help"], None);
    long.expect_code(0);
    let help = long.stdout_str();
    for opt in [
        "--input <FORMAT>",
        "--strict",
        "-j, --threads <N>",
        "--shingle-size <N>",
        "--jaccard <X>",
        "--containment <X>",
        "--min-words <N>",
        "--max-hamming <K>",
        "--boilerplate-min <N>",
        "--no-urls",
        "-f, --format <FORMAT>",
        "-o, --output <FILE>",
        "--canonical <CANONICAL>",
        "--check",
        "-q, --quiet",
        "--stats",
        "-h, --help",
        "-V, --version",
        "eval",
        "explain",
    ] {
        assert!(help.contains(opt), "--help does not list `{opt}`:\n{help}");
    }
    for value in ["auto", "listing", "jsonl", "json", "text", "longest", "first"] {
        assert!(help.contains(&format!("- {value}:")), "--help does not describe the value `{value}`");
    }
    // Examples are runnable command lines, and the exit codes are stated.
    assert!(help.contains("Examples:\n  newsdedup "), "--help has no example:\n{help}");
    assert!(help.contains("Exit codes: 0"), "--help does not state the exit codes");
    let short = run(&["-h"], None);
    short.expect_code(0);
    assert!(short.stdout_str().contains("Examples:\n  newsdedup "), "-h has no example");

    for (sub, opts) in [
        ("eval", &["--truth", "--label-field", "--max-errors", "--min-ari", "--min-f1", "--format"][..]),
        ("explain", &["--format", "<ID_A>", "<ID_B>"][..]),
    ] {
        let out = run(&[sub, "--help"], None);
        out.expect_code(0);
        let h = out.stdout_str();
        for opt in opts {
            assert!(h.contains(opt), "`{sub} --help` does not list `{opt}`:\n{h}");
        }
        assert!(h.contains(&format!("Example:\n  newsdedup {sub} ")), "`{sub} --help` has no example:\n{h}");
    }
}

#[test]
fn version_is_the_package_version() {
    let out = run(&["--version"], None);
    out.expect_code(0);
    assert_text_eq("--version", &format!("newsdedup {}\n", env!("CARGO_PKG_VERSION")), &out.stdout_str());
    assert!(out.stderr.is_empty());
}

// --- determinism and completeness ------------------------------------------------

fn same_output_for_any_thread_count(dir: &Path, input: &str) {
    let default = run_in(dir, &[input], None);
    default.expect_code(0);
    assert!(default.stdout.len() > 100, "suspiciously small output on {input}");
    for threads in [["--threads", "1"], ["--threads", "2"], ["-j", "3"]] {
        let out = run_in(dir, &[threads[0], threads[1], input], None);
        out.expect_code(0);
        assert_text_eq(
            &format!("output with {threads:?} vs default on {input}"),
            &default.stdout_str(),
            &out.stdout_str(),
        );
    }
    // The other formats too, with one and two threads.
    for format in ["json", "text"] {
        let one = run_in(dir, &["-j", "1", "--format", format, input], None);
        let two = run_in(dir, &["-j", "2", "--format", format, input], None);
        one.expect_code(0);
        assert_text_eq(&format!("--format {format} with 1 vs 2 threads"), &one.stdout_str(), &two.stdout_str());
    }
}

#[test]
fn output_does_not_depend_on_threads_sample() {
    let dir = sample_dir();
    same_output_for_any_thread_count(dir.path(), "sample.txt");
}

#[test]
fn output_does_not_depend_on_threads_web_corpus() {
    let Some(corpus) = web_corpus() else { return };
    let dir = tempfile::tempdir().unwrap();
    same_output_for_any_thread_count(dir.path(), corpus.to_str().unwrap());
}

#[test]
fn every_sample_record_appears_exactly_once() {
    let dir = sample_dir();
    let out = run_in(dir.path(), &["sample.txt"], None);
    out.expect_code(0);
    let ids = output_ids(&out.jsonl());
    let want: BTreeMap<String, usize> = SAMPLE_ENTRIES.iter().map(|&(l, _)| (sample_id(l), 1)).collect();
    assert_eq!(ids, want, "record ids in the output (id -> times seen)");
}

#[test]
fn every_web_corpus_record_appears_exactly_once() {
    let Some(corpus) = web_corpus() else { return };
    let input: Vec<String> = fs::read_to_string(&corpus)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("the corpus is valid JSON Lines");
            match &v["id"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }
        })
        .collect();
    assert!(input.len() >= 50, "corpus has only {} records", input.len());
    let unique: BTreeSet<&String> = input.iter().collect();
    assert_eq!(unique.len(), input.len(), "the corpus's own ids are not unique");
    let out = run(&[corpus.to_str().unwrap()], None);
    out.expect_code(0);
    let clusters = out.jsonl();
    let ids = output_ids(&clusters);
    let missing: Vec<&String> = input.iter().filter(|i| !ids.contains_key(*i)).collect();
    let repeated: Vec<(&String, &usize)> = ids.iter().filter(|(_, &n)| n != 1).collect();
    let unknown: Vec<&String> = ids.keys().filter(|i| !unique.contains(i)).collect();
    assert!(missing.is_empty(), "input ids missing from the output: {missing:?}");
    assert!(repeated.is_empty(), "ids written more than once: {repeated:?}");
    assert!(unknown.is_empty(), "ids in the output that are not in the input: {unknown:?}");
    // Something was clustered, and not everything into one.
    assert!(
        clusters.len() < input.len() && clusters.len() > 1,
        "{} clusters of {} records",
        clusters.len(),
        input.len()
    );
}

/// `--format json` is the JSON Lines records in one array.
#[test]
fn json_format_holds_the_jsonl_records() {
    let dir = sample_dir();
    let lines = run_in(dir.path(), &["sample.txt"], None);
    let array = run_in(dir.path(), &["--format", "json", "sample.txt"], None);
    array.expect_code(0);
    let parsed: Value = serde_json::from_slice(&array.stdout).expect("--format json writes one JSON value");
    assert_eq!(parsed, Value::Array(lines.jsonl()));
}

// --- the bundled sample's clusters -----------------------------------------------

/// Words of a body: runs of letters and digits, with apostrophes inside a
/// word ignored, not counting a trailing wire sign-off slug such as
/// `bur-frj/jza/giv` (editors' initials, not story text).
fn story_words(body: &str) -> usize {
    let mut tokens: Vec<&str> = body.split_whitespace().collect();
    let is_slug = |t: &str| {
        t.contains('/')
            && t.split(['/', '-']).all(|p| (2..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()))
    };
    if tokens.last().is_some_and(|t| is_slug(t)) {
        tokens.pop();
    }
    let text: String = tokens.join(" ").chars().filter(|c| !matches!(c, '\'' | '\u{2019}')).collect();
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).count()
}

#[test]
fn sample_clusters_are_the_known_truth() {
    let dir = sample_dir();
    let out = run_in(dir.path(), &["sample.txt"], None);
    out.expect_code(0);
    assert!(out.stderr.is_empty(), "stderr: {}", out.stderr_str());
    let clusters = out.jsonl();
    assert_eq!(clusters.len(), 3, "clusters: {clusters:#?}");
    let members = |c: &Value| -> BTreeSet<String> {
        let mut m: BTreeSet<String> =
            c["duplicates"].as_array().unwrap().iter().map(|d| str_field(d, "id").to_owned()).collect();
        m.insert(str_field(c, "id").to_owned());
        m
    };
    let find =
        |id: &str| clusters.iter().find(|c| members(c).contains(id)).unwrap_or_else(|| panic!("{id} is in no cluster"));

    // The Sun (both) and Yahoo: one AFP story.
    let afp = find(&sample_id(4));
    let want: BTreeSet<String> = [4, 12, 33].map(sample_id).into();
    assert_eq!(members(afp), want);
    let sources: Vec<&str> = afp["sources"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    assert_eq!(sources.len(), 2, "sources {sources:?}");
    assert!(sources.contains(&"The Sun") && sources.contains(&"Yahoo"), "sources {sources:?}");
    assert_eq!(sources[0], str_field(afp, "source"), "the canonical's outlet comes first in sources");

    // The canonical is the longest of the three (ties: the one read first).
    let text = fs::read_to_string(dir.path().join("sample.txt")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let body_of = |line: usize| -> &str {
        // Entry: outlet, time, two tag lines, title, then a one-line body.
        lines[line - 1 + 5]
    };
    let words: Vec<(u64, usize)> = [4u64, 12, 33].iter().map(|&l| (l, story_words(body_of(l as usize)))).collect();
    let max = words.iter().map(|w| w.1).max().unwrap();
    let longest = words.iter().find(|w| w.1 == max).unwrap().0;
    assert_eq!(str_field(afp, "id"), sample_id(longest), "canonical is not the longest member; words: {words:?}");
    assert_eq!(str_field(afp, "body"), body_of(longest as usize), "the canonical's body is written unchanged");

    // Asahi Shimbun (an AP story) and Epoch Times each stand alone.
    for (line, outlet) in [(20, "Asahi Shimbun"), (27, "Epoch Times")] {
        let c = find(&sample_id(line));
        assert_eq!(members(c), BTreeSet::from([sample_id(line)]), "{outlet} is not alone");
        assert_eq!(c["sources"], serde_json::json!([outlet]));
    }
    // Clusters come in the order of their first member.
    let order: Vec<&str> = clusters.iter().map(|c| str_field(c, "source")).collect();
    assert_eq!(&order[1..], ["Asahi Shimbun", "Epoch Times"]);
}

#[test]
fn stats_count_records_clusters_and_duplicates() {
    let dir = sample_dir();
    let out = run_in(dir.path(), &["--stats", "-q", "sample.txt"], None);
    out.expect_code(0);
    assert!(out.stdout.is_empty(), "-q wrote: {}", out.stdout_str());
    let err = out.stderr_str();
    assert!(
        err.starts_with("newsdedup: 5 records read, 3 clusters, 2 duplicates, 0 problems, "),
        "--stats line: {err}"
    );
}

// --- -o FILE -----------------------------------------------------------------------

#[test]
fn output_file_is_written_whole_and_leaves_no_temp_file() {
    let dir = sample_dir();
    let to_stdout = run_in(dir.path(), &["sample.txt"], None);
    to_stdout.expect_code(0);
    // A longer old file: a non-atomic, non-truncating write would leave its tail.
    fs::write(dir.path().join("out.jsonl"), "x".repeat(to_stdout.stdout.len() * 2)).unwrap();
    let out = run_in(dir.path(), &["-o", "out.jsonl", "sample.txt"], None);
    out.expect_code(0);
    assert!(out.stdout.is_empty(), "-o also wrote to stdout");
    assert!(out.stderr.is_empty(), "stderr: {}", out.stderr_str());
    assert_text_eq(
        "-o out.jsonl vs stdout",
        &to_stdout.stdout_str(),
        &fs::read_to_string(dir.path().join("out.jsonl")).unwrap(),
    );
    assert_eq!(files_in(dir.path()), BTreeSet::from(["out.jsonl".to_owned(), "sample.txt".to_owned()]));

    // Into a subdirectory, with --output and another format.
    fs::create_dir(dir.path().join("sub")).unwrap();
    let out = run_in(dir.path(), &["--output", "sub/clusters.txt", "--format", "text", "sample.txt"], None);
    out.expect_code(0);
    let text = run_in(dir.path(), &["--format", "text", "sample.txt"], None);
    assert_text_eq(
        "-o sub/clusters.txt",
        &text.stdout_str(),
        &fs::read_to_string(dir.path().join("sub/clusters.txt")).unwrap(),
    );
    assert_eq!(files_in(&dir.path().join("sub")), BTreeSet::from(["clusters.txt".to_owned()]));
}

#[test]
fn failing_run_leaves_output_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "{\"id\": \"a\", \"title\": \"no body here\"}\n{\"id\": \"b\", \"body\": \"Some text.\"}\n";
    fs::write(dir.path().join("bad.jsonl"), bad).unwrap();
    fs::write(dir.path().join("existing.jsonl"), "previous results\n").unwrap();
    let before = files_in(dir.path());

    let out = run_in(dir.path(), &["--strict", "-o", "existing.jsonl", "bad.jsonl"], None);
    out.expect_code(2);
    assert!(out.stderr_str().contains("bad.jsonl:1: missing required field `body`"), "stderr: {}", out.stderr_str());
    assert_eq!(fs::read_to_string(dir.path().join("existing.jsonl")).unwrap(), "previous results\n");
    assert_eq!(files_in(dir.path()), before, "files changed in the output directory");

    let out = run_in(dir.path(), &["--strict", "-o", "absent.jsonl", "bad.jsonl"], None);
    out.expect_code(2);
    assert!(out.stdout.is_empty());
    assert_eq!(files_in(dir.path()), before, "a failing run created a file");

    // A missing input is another failure that must not touch the output.
    let out = run_in(dir.path(), &["-o", "existing.jsonl", "no-such-input.txt"], None);
    out.expect_code(2);
    assert_eq!(fs::read_to_string(dir.path().join("existing.jsonl")).unwrap(), "previous results\n");
    assert_eq!(files_in(dir.path()), before);
}

/// `-o FILE` gives a new file the permissions any new file gets (the umask
/// applies, as with `> FILE`), and keeps those of a file it replaces. The
/// temp file behind the atomic write must not leak its private 0600 mode.
#[cfg(unix)]
#[test]
fn output_file_gets_ordinary_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = sample_dir();
    // What a plain create in this directory gives under the current umask.
    let probe = dir.path().join("probe");
    fs::File::create(&probe).unwrap();
    let usual = mode(&probe);
    fs::remove_file(&probe).unwrap();

    let out = run_in(dir.path(), &["-o", "new.jsonl", "sample.txt"], None);
    out.expect_code(0);
    assert_eq!(
        format!("{:o}", mode(&dir.path().join("new.jsonl"))),
        format!("{usual:o}"),
        "mode of a new -o file (a plain create gives {usual:o})"
    );

    let kept = dir.path().join("kept.jsonl");
    fs::write(&kept, "old\n").unwrap();
    fs::set_permissions(&kept, fs::Permissions::from_mode(0o664)).unwrap();
    let out = run_in(dir.path(), &["-o", "kept.jsonl", "sample.txt"], None);
    out.expect_code(0);
    assert_ne!(fs::read_to_string(&kept).unwrap(), "old\n");
    assert_eq!(format!("{:o}", mode(&kept)), "664", "mode of a replaced -o file");
}

#[test]
fn output_into_missing_directory_is_an_error_naming_it() {
    let dir = sample_dir();
    let out = run_in(dir.path(), &["-o", "nowhere/out.jsonl", "sample.txt"], None);
    out.expect_code(2);
    assert!(out.stderr_str().contains("nowhere/out.jsonl"), "stderr: {}", out.stderr_str());
    assert!(!dir.path().join("nowhere").exists());
}

// --- closed output pipe ------------------------------------------------------------

/// 20,000 distinct JSON Lines records, made by a fixed generator.
fn large_input(path: &Path) {
    let words = [
        "flood", "river", "minister", "bank", "rates", "train", "city", "council", "report", "police", "court",
        "election", "budget", "strike", "storm", "market", "school", "hospital", "energy", "price",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut w = std::io::BufWriter::new(fs::File::create(path).unwrap());
    for i in 0..20_000 {
        let body: Vec<String> =
            (0..30).map(|_| format!("{}{}", words[(next() % 20) as usize], next() % 1000)).collect();
        let record = serde_json::json!({
            "id": format!("r{i}"),
            "source": format!("Outlet {}", i % 50),
            "title": format!("Story {i}"),
            "body": body.join(" "),
        });
        writeln!(w, "{record}").unwrap();
    }
    w.flush().unwrap();
}

/// Run the binary, read the first line of its output, close the pipe, and
/// return that line, the exit code and stderr.
fn first_line_then_close(args: &[&std::ffi::OsStr]) -> (String, Option<i32>, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (first, child.wait().unwrap().code(), stderr)
}

#[test]
fn closed_output_pipe_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.jsonl");
    large_input(&input);
    let (first, code, stderr) = first_line_then_close(&[input.as_os_str()]);
    let v: Value = serde_json::from_str(&first).expect("the first line is a JSON record");
    assert_eq!(v["id"], "r0");
    assert_eq!(code, Some(0), "exit code after the reader went away; stderr: {stderr}");
    assert_eq!(stderr, "", "stderr not empty");
}

/// A closed pipe ends the output, not the run's verdict: `--check` still
/// exits 1 when it found duplicates, and input problems still exit 2.
#[test]
fn closed_output_pipe_keeps_the_check_and_problem_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.jsonl");
    large_input(&input);
    // Two exact copies make --check find duplicates; a bad line makes a problem.
    let mut text = fs::read_to_string(&input).unwrap();
    text.push_str("{\"id\":\"copy-a\",\"body\":\"the same words in both copies of this short text\"}\n");
    text.push_str("{\"id\":\"copy-b\",\"body\":\"the same words in both copies of this short text\"}\n");
    fs::write(&input, &text).unwrap();
    let bad = dir.path().join("bad.jsonl");
    fs::write(&bad, format!("{text}{{not json\n")).unwrap();
    let check = std::ffi::OsStr::new("--check");
    for (args, want) in [(vec![check, input.as_os_str()], 1), (vec![bad.as_os_str()], 2)] {
        let (first, code, _) = first_line_then_close(&args);
        assert!(first.starts_with('{'), "{first}");
        assert_eq!(code, Some(want), "{args:?}");
    }
}

#[test]
fn output_through_a_symlink_replaces_its_target() {
    let dir = sample_dir();
    fs::write(dir.path().join("target.jsonl"), "old\n").unwrap();
    std::os::unix::fs::symlink("target.jsonl", dir.path().join("link.jsonl")).unwrap();
    run_in(dir.path(), &["-o", "link.jsonl", "sample.txt"], None).expect_code(0);
    assert!(fs::symlink_metadata(dir.path().join("link.jsonl")).unwrap().file_type().is_symlink());
    let written = fs::read_to_string(dir.path().join("target.jsonl")).unwrap();
    assert_eq!(written.lines().count(), 3, "{written}");
}

#[test]
fn eval_takes_labels_from_known_fields_and_rejects_a_truth_id_given_twice() {
    let dir = sample_dir();
    // Each outlet as its label: The Sun's two entries are one "story", Yahoo another.
    let out = run_in(dir.path(), &["eval", "--label-field", "source", "-f", "json", "sample.txt"], None);
    out.expect_code(0);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["scored"], 5);
    assert_eq!(v["truth_clusters"], 4);
    assert_eq!(v["true_pairs"], 1);
    write_truth(dir.path(), &[(4, "a"), (12, "a"), (4, "b")], &[]);
    let out = run_in(dir.path(), &["eval", "--truth", "truth.jsonl", "sample.txt"], None);
    out.expect_code(2);
    assert!(
        out.stderr_str().contains("truth.jsonl:3: duplicate id `sample.txt:4`, first seen at truth.jsonl:1"),
        "{}",
        out.stderr_str()
    );
}

// --- errors ---------------------------------------------------------------------------

/// A missing input among several is reported by name and the others are
/// still read and written, as ripgrep searches the files it can: exit 2.
#[test]
fn missing_input_file_is_reported_and_the_others_still_processed() {
    let dir = sample_dir();
    let alone = run_in(dir.path(), &["sample.txt"], None);
    alone.expect_code(0);
    let out = run_in(dir.path(), &["no-such-dump.jsonl", "sample.txt", "no-such-listing.txt"], None);
    out.expect_code(2);
    assert_text_eq("output without the missing inputs", &alone.stdout_str(), &out.stdout_str());
    let err = out.stderr_str();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "stderr: {err}");
    assert!(lines[0].starts_with("newsdedup: no-such-dump.jsonl: "), "stderr: {err}");
    assert!(lines[1].starts_with("newsdedup: no-such-listing.txt: "), "stderr: {err}");
    // With -o, the file is written too.
    let out = run_in(dir.path(), &["-o", "out.jsonl", "sample.txt", "no-such-dump.jsonl"], None);
    out.expect_code(2);
    assert_text_eq(
        "-o without the missing input",
        &alone.stdout_str(),
        &fs::read_to_string(dir.path().join("out.jsonl")).unwrap(),
    );
    // eval and explain go on with the inputs they can read, and exit 2.
    let (a, b) = (sample_id(4), sample_id(12));
    let out = run_in(dir.path(), &["explain", &a, &b, "sample.txt", "no-such-dump.jsonl"], None);
    out.expect_code(2);
    assert!(out.stdout_str().contains("verdict:"), "{}", out.stdout_str());
    assert!(out.stderr_str().starts_with("newsdedup: no-such-dump.jsonl: "), "{}", out.stderr_str());
    // Nothing readable at all: nothing is written.
    let out = run_in(dir.path(), &["no-such-dump.jsonl"], None);
    out.expect_code(2);
    assert!(out.stdout.is_empty(), "{}", out.stdout_str());
    assert_eq!(out.stderr_str().lines().count(), 1, "stderr: {}", out.stderr_str());
}

/// `--strict` keeps the stop-at-first behaviour for an unreadable input.
#[test]
fn strict_stops_at_the_first_unreadable_input() {
    let dir = sample_dir();
    fs::create_dir(dir.path().join("dumps")).unwrap();
    let out = run_in(dir.path(), &["--strict", "sample.txt", "dumps", "no-such-dump.jsonl"], None);
    out.expect_code(2);
    assert!(out.stdout.is_empty(), "--strict wrote output: {}", out.stdout_str());
    let err = out.stderr_str();
    assert!(err.starts_with("newsdedup: dumps: "), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "stderr: {err}");
}

#[test]
fn directory_as_input_is_an_error_naming_it() {
    let dir = sample_dir();
    fs::create_dir(dir.path().join("dumps")).unwrap();
    let out = run_in(dir.path(), &["dumps"], None);
    out.expect_code(2);
    assert!(out.stderr_str().contains("dumps"), "stderr: {}", out.stderr_str());
}

#[test]
fn bad_option_values_exit_2_with_a_message() {
    let dir = sample_dir();
    for (args, mention) in [
        (&["--jaccard", "1.5"][..], "--jaccard"),
        (&["--jaccard", "0"][..], "--jaccard"),
        (&["--containment=-0.1"][..], "--containment"),
        (&["--shingle-size", "0"][..], "--shingle-size"),
        (&["--max-hamming", "64"][..], "--max-hamming"),
        (&["--threads", "0"][..], "--threads"),
        (&["--threads", "many"][..], "--threads"),
        (&["--format", "xml"][..], "xml"),
        (&["--canonical", "newest"][..], "newest"),
        (&["--input", "xml"][..], "xml"),
        (&["--min-words=-3"][..], "--min-words"),
        (&["--frobnicate"][..], "--frobnicate"),
    ] {
        let mut all = args.to_vec();
        all.push("sample.txt");
        let out = run_in(dir.path(), &all, None);
        assert_eq!(out.code, 2, "{args:?}: exit {} stderr {}", out.code, out.stderr_str());
        assert!(out.stdout.is_empty(), "{args:?} wrote output: {}", out.stdout_str());
        assert!(
            out.stderr_str().contains(mention),
            "{args:?}: stderr does not mention {mention}: {}",
            out.stderr_str()
        );
    }
}

// --- eval and explain -----------------------------------------------------------------

fn write_truth(dir: &Path, labels: &[(u64, &str)], extra: &[(&str, &str)]) -> PathBuf {
    let path = dir.join("truth.jsonl");
    let mut text = String::new();
    for (line, label) in labels {
        text += &format!("{}\n", serde_json::json!({"id": sample_id(*line), "cluster": label}));
    }
    for (id, label) in extra {
        text += &format!("{}\n", serde_json::json!({"id": id, "cluster": label}));
    }
    fs::write(&path, text).unwrap();
    path
}

const SAMPLE_TRUTH: [(u64, &str); 5] = [(4, "afp"), (12, "afp"), (20, "ap"), (27, "epoch"), (33, "afp")];

fn eval_json(dir: &Path) -> (common::Output, Value) {
    let out = run_in(dir, &["eval", "--format", "json", "--truth", "truth.jsonl", "sample.txt"], None);
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("eval output is not JSON ({e}): {}", out.stdout_str()));
    (out, v)
}

#[test]
fn eval_on_the_sample_is_perfect() {
    let dir = sample_dir();
    write_truth(dir.path(), &SAMPLE_TRUTH, &[]);
    let (out, v) = eval_json(dir.path());
    out.expect_code(0);
    assert!(out.stderr.is_empty(), "stderr: {}", out.stderr_str());
    assert_eq!(v["ari"], 1.0, "{v:#}");
    assert_eq!(v["f1"], 1.0);
    assert_eq!((v["records"].as_u64(), v["scored"].as_u64()), (Some(5), Some(5)));
    assert_eq!((v["predicted_clusters"].as_u64(), v["truth_clusters"].as_u64()), (Some(3), Some(3)));
    assert_eq!((v["false_merges"].as_u64(), v["missed_pairs"].as_u64()), (Some(0), Some(0)));
    assert_eq!(v["missing_from_input"], serde_json::json!([]));
    assert_eq!(v["missing_from_truth"], serde_json::json!([]));
}

#[test]
fn eval_scores_a_wrong_truth_below_one() {
    // Yahoo labelled as a story of its own: the run's merge is now a false one.
    let dir = sample_dir();
    write_truth(dir.path(), &[(4, "afp"), (12, "afp"), (20, "ap"), (27, "epoch"), (33, "yahoo")], &[]);
    let (out, v) = eval_json(dir.path());
    out.expect_code(0);
    assert!(v["ari"].as_f64().unwrap() < 1.0, "{v:#}");
    assert_eq!(v["false_merges"].as_u64(), Some(2), "{v:#}");
    // --min-ari turns that into exit 1.
    let gate = run_in(dir.path(), &["eval", "--truth", "truth.jsonl", "--min-ari", "0.99", "sample.txt"], None);
    gate.expect_code(1);
}

#[test]
fn eval_reports_truth_ids_missing_from_the_input() {
    let dir = sample_dir();
    write_truth(dir.path(), &SAMPLE_TRUTH, &[("sample.txt:99", "afp")]);
    let (out, v) = eval_json(dir.path());
    out.expect_code(0);
    assert_eq!(v["missing_from_input"], serde_json::json!(["sample.txt:99"]));
    assert_eq!(v["ari"], 1.0, "the missing id must not be scored: {v:#}");
    assert_eq!(v["scored"].as_u64(), Some(5));
    assert!(out.stderr_str().contains("truth id `sample.txt:99` is not in the input"), "stderr: {}", out.stderr_str());
    // The text report names it too.
    let text = run_in(dir.path(), &["eval", "--truth", "truth.jsonl", "sample.txt"], None);
    text.expect_code(0);
    assert!(
        text.stdout_str().contains("ids in the truth but not the input (1): sample.txt:99"),
        "{}",
        text.stdout_str()
    );
}

#[test]
fn eval_without_any_label_is_an_error_not_a_perfect_score() {
    let dir = sample_dir();
    write_truth(dir.path(), &[], &[("elsewhere.txt:1", "x")]);
    for args in [&["eval", "--truth", "truth.jsonl", "sample.txt"][..], &["eval", "--min-ari", "0.9", "sample.txt"][..]]
    {
        let out = run_in(dir.path(), args, None);
        out.expect_code(2);
        assert!(out.stdout.is_empty(), "no report without labels: {}", out.stdout_str());
        assert!(out.stderr_str().contains("no input record has a label"), "stderr: {}", out.stderr_str());
    }
}

#[test]
fn explain_says_the_sun_entries_share_a_cluster() {
    let dir = sample_dir();
    let (a, b) = (sample_id(4), sample_id(12));
    let out = run_in(dir.path(), &["explain", &a, &b, "sample.txt"], None);
    out.expect_code(0);
    let text = out.stdout_str();
    let verdict = text.lines().find(|l| l.starts_with("verdict:")).unwrap_or_else(|| panic!("no verdict:\n{text}"));
    assert!(verdict.ends_with("; same cluster"), "{verdict}");
    assert!(text.contains(&format!("A: {a} (The Sun)")) && text.contains(&format!("B: {b} (The Sun)")), "{text}");

    let json = run_in(dir.path(), &["explain", "-f", "json", &a, &sample_id(33), "sample.txt"], None);
    json.expect_code(0);
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["same_cluster"], true, "{v:#}");
    assert_eq!(v["b"]["source"], "Yahoo");

    // And the other way round: Asahi Shimbun and Epoch Times do not.
    let apart = run_in(dir.path(), &["explain", &sample_id(20), &sample_id(27), "sample.txt"], None);
    apart.expect_code(0);
    assert!(apart.stdout_str().contains("; different clusters\n"), "{}", apart.stdout_str());
}

#[test]
fn explain_unknown_id_is_an_error_naming_it() {
    let dir = sample_dir();
    let out = run_in(dir.path(), &["explain", &sample_id(4), "sample.txt:5", "sample.txt"], None);
    out.expect_code(2);
    assert!(out.stderr_str().contains("sample.txt:5"), "stderr: {}", out.stderr_str());
    assert!(out.stdout.is_empty());
}

// --- stdin ----------------------------------------------------------------------------

#[test]
fn stdin_and_file_give_the_same_clusters() {
    let dir = sample_dir();
    let bytes = fs::read(dir.path().join("sample.txt")).unwrap();
    let file = run_in(dir.path(), &["sample.txt"], None);
    for args in [&["-"][..], &[][..]] {
        let piped = run_in(dir.path(), args, Some(&bytes));
        piped.expect_code(0);
        // Ids name the input: `-:LINE` for stdin.
        assert_text_eq(
            &format!("stdin ({args:?}) vs file"),
            &file.stdout_str().replace("\"sample.txt:", "\"-:"),
            &piped.stdout_str(),
        );
    }
}

// --- reliability: stderr, closed pipes, --threads, -o, gates, eval size ---------------

/// Wait for `child` at most `secs` seconds; kill it and fail when it is still running.
fn wait_at_most(child: &mut std::process::Child, secs: u64, what: &str) -> std::process::ExitStatus {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > std::time::Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {secs}s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A JSON Lines input with `n` lines that are not JSON: `n` problems.
fn many_problems(dir: &Path, n: usize) -> PathBuf {
    let path = dir.join("bad.jsonl");
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!("{{not json {i}\n"));
    }
    fs::write(&path, text).unwrap();
    path
}

/// `eprintln!` panics (exit 101) when stderr cannot be written; every message
/// goes through messages.rs instead, and the run keeps its exit code.
#[cfg(unix)]
#[test]
fn stderr_that_cannot_be_written_keeps_the_exit_code() {
    let dir = sample_dir();
    let bad = many_problems(dir.path(), 5000);
    let full = || Stdio::from(fs::OpenOptions::new().write(true).open("/dev/full").unwrap());
    let cases: [(&[&str], i32); 5] = [
        (&["bad.jsonl"], 2),
        (&["--stats", "sample.txt"], 0),
        (&["--check", "sample.txt"], 1),
        (&["sample.txt", "no-such-dump.jsonl"], 2),
        (&["eval", "--label-field", "source", "--truth", "no-such-truth.jsonl", "sample.txt"], 2),
    ];
    for (args, want) in cases {
        // stderr on a full device: 2>/dev/full.
        let status = Command::new(BIN)
            .args(args)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(full())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(want), "2>/dev/full {args:?}");
        // stderr a pipe whose reader has gone: 2>&1 | head -1.
        let mut child = Command::new(BIN)
            .args(args)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = wait_at_most(&mut child, 120, "closed stderr");
        assert_eq!(status.code(), Some(want), "closed stderr {args:?}");
    }
    assert!(bad.is_file());
    // newsdedup-gen reports through the same path.
    let gen = env!("CARGO_BIN_EXE_newsdedup-gen");
    let status = Command::new(gen)
        .args(["--seed", "1", "--articles", "20", "--out", "c.jsonl", "--truth", "t.jsonl", "sample.txt"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(full())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0), "newsdedup-gen 2>/dev/full");
}

/// Run in `dir` with stdout a pipe closed before anything is written; the
/// exit code and stderr.
fn with_stdout_closed(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (child.wait().unwrap().code(), stderr)
}

/// A closed output pipe ends the output of every subcommand, never its
/// verdict: the code is the one the same run gets with stdout open.
#[test]
fn closed_output_pipe_keeps_the_outcome_of_every_subcommand() {
    let dir = sample_dir();
    // Yahoo as a story of its own: the run's merge is a false one, ARI < 1.
    write_truth(dir.path(), &[(4, "afp"), (12, "afp"), (20, "ap"), (27, "epoch"), (33, "yahoo")], &[]);
    // Invalid UTF-8 in the last body: a problem, exit 2.
    let mut problem = fs::read(dir.path().join("sample.txt")).unwrap();
    problem.extend_from_slice(b"caf\xe9\n");
    fs::write(dir.path().join("problem.txt"), problem).unwrap();
    let (a, b) = (sample_id(4), sample_id(12));
    let cases: [(&[&str], i32); 9] = [
        (&["sample.txt"], 0),
        (&["--check", "sample.txt"], 1),
        (&["problem.txt"], 2),
        (&["eval", "--truth", "truth.jsonl", "sample.txt"], 0),
        (&["eval", "--truth", "truth.jsonl", "--min-ari", "0.99", "sample.txt"], 1),
        (&["eval", "--truth", "truth.jsonl", "-f", "json", "--min-f1", "0.99", "sample.txt"], 1),
        (&["eval", "--label-field", "source", "problem.txt"], 2),
        (&["explain", &a, &b, "sample.txt"], 0),
        (&["explain", "problem.txt:4", "problem.txt:12", "problem.txt"], 2),
    ];
    for (args, want) in cases {
        let open = run_in(dir.path(), args, None);
        assert_eq!(open.code, want, "{args:?} with stdout open; stderr: {}", open.stderr_str());
        assert!(!open.stdout.is_empty(), "{args:?} wrote nothing");
        let (code, stderr) = with_stdout_closed(dir.path(), args);
        assert_eq!(code, Some(want), "{args:?} with stdout closed; stderr: {stderr}");
        assert!(!stderr.contains("Broken pipe") && !stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn threads_above_the_cap_are_refused_at_once() {
    let dir = sample_dir();
    let at_cap = run_in(dir.path(), &["-j", "256", "sample.txt"], None);
    at_cap.expect_code(0);
    assert_text_eq("-j 256", &run_in(dir.path(), &["sample.txt"], None).stdout_str(), &at_cap.stdout_str());
    for n in ["257", "30000"] {
        let out = run_in(dir.path(), &["-j", n, "sample.txt"], None);
        out.expect_code(2);
        assert!(out.stdout.is_empty());
        assert!(out.stderr_str().contains("--threads") && out.stderr_str().contains("256"), "{}", out.stderr_str());
    }
    // A missing input is reported without building the pool first.
    let out = run_in(dir.path(), &["-j", "256", "no-such-dump.jsonl"], None);
    out.expect_code(2);
    assert!(out.stderr_str().starts_with("newsdedup: no-such-dump.jsonl: "), "{}", out.stderr_str());
}

/// An unwritable `-o` fails before any input is read: the run exits 2 while
/// its stdin is still open, naming the path.
#[test]
fn unwritable_output_fails_before_reading_input() {
    let dir = sample_dir();
    fs::create_dir(dir.path().join("a-dir")).unwrap();
    let mut targets = vec!["nowhere/out.jsonl", "a-dir", "sample.txt/out.jsonl"];
    if Path::new("/proc/self").exists() {
        targets.push("/proc/newsdedup-out.jsonl");
    }
    for target in targets {
        let mut child = Command::new(BIN)
            .args(["-o", target, "-"])
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let status = wait_at_most(&mut child, 30, &format!("-o {target} with stdin open"));
        drop(stdin);
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert_eq!(status.code(), Some(2), "-o {target}: {stderr}");
        assert!(stderr.starts_with(&format!("newsdedup: {target}: ")), "-o {target}: {stderr}");
    }
    assert_eq!(files_in(dir.path()), BTreeSet::from(["a-dir".to_owned(), "sample.txt".to_owned()]));
}

/// SIGINT and SIGTERM during `-o FILE` remove the temp file and exit
/// 130 and 143; the target is not created.
#[cfg(unix)]
#[test]
fn signal_during_output_removes_the_temp_file() {
    for (signal, want) in [("TERM", 143), ("INT", 130)] {
        let dir = tempfile::tempdir().unwrap();
        // stdin stays open: the run waits for its input with the temp file made.
        let mut child = Command::new(BIN)
            .args(["-o", "out.jsonl", "-"])
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let start = std::time::Instant::now();
        while !files_in(dir.path()).iter().any(|f| f.starts_with(".newsdedup-") && f.ends_with(".tmp")) {
            assert!(start.elapsed().as_secs() < 30, "no temp file appeared: {:?}", files_in(dir.path()));
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let kill = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
        assert!(kill.success());
        let status = wait_at_most(&mut child, 30, &format!("after SIG{signal}"));
        drop(stdin);
        assert_eq!(status.code(), Some(want), "exit code after SIG{signal}");
        assert_eq!(files_in(dir.path()), BTreeSet::new(), "files left after SIG{signal}");
    }
}

/// A dangling symlink names the file to create: it is created, and the
/// link stays a link.
#[cfg(unix)]
#[test]
fn output_through_a_dangling_symlink_creates_its_target() {
    let dir = sample_dir();
    fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("target.jsonl", dir.path().join("link.jsonl")).unwrap();
    std::os::unix::fs::symlink("sub/deep.jsonl", dir.path().join("chain.jsonl")).unwrap();
    std::os::unix::fs::symlink("chain.jsonl", dir.path().join("first.jsonl")).unwrap();
    for (link, target) in [("link.jsonl", "target.jsonl"), ("first.jsonl", "sub/deep.jsonl")] {
        run_in(dir.path(), &["-o", link, "sample.txt"], None).expect_code(0);
        assert!(fs::symlink_metadata(dir.path().join(link)).unwrap().file_type().is_symlink(), "{link}");
        let written = fs::read_to_string(dir.path().join(target)).unwrap();
        assert_eq!(written.lines().count(), 3, "{target}: {written}");
    }
    assert_eq!(files_in(&dir.path().join("sub")), BTreeSet::from(["deep.jsonl".to_owned()]));
}

#[test]
fn eval_gates_and_thresholds_refuse_nan_and_out_of_range_values() {
    let dir = sample_dir();
    for (opt, value) in [
        ("--min-ari", "NaN"),
        ("--min-ari", "nan"),
        ("--min-ari", "1.5"),
        ("--min-ari", "-1.01"),
        ("--min-ari", "inf"),
        ("--min-f1", "7"),
        ("--min-f1", "-0.1"),
        ("--min-f1", "NaN"),
    ] {
        let arg = format!("{opt}={value}");
        let out = run_in(dir.path(), &["eval", "--label-field", "source", &arg, "sample.txt"], None);
        assert_eq!(out.code, 2, "{opt} {value}: stderr {}", out.stderr_str());
        assert!(out.stdout.is_empty(), "{opt} {value}: {}", out.stdout_str());
        assert!(out.stderr_str().contains(opt), "{opt} {value}: {}", out.stderr_str());
    }
    // The ends of the ranges are accepted: an ARI can be negative.
    for (opt, value) in [("--min-ari", "-1"), ("--min-f1", "0"), ("--min-ari", "1"), ("--min-f1", "1")] {
        let arg = format!("{opt}={value}");
        let out = run_in(dir.path(), &["eval", "--label-field", "source", &arg, "sample.txt"], None);
        assert!(out.code == 0 || out.code == 1, "{opt} {value}: {} {}", out.code, out.stderr_str());
    }
    for opt in ["--jaccard", "--containment", "--link"] {
        for value in ["NaN", "inf", "-inf"] {
            let arg = format!("{opt}={value}");
            let out = run_in(dir.path(), &[&arg, "sample.txt"], None);
            assert_eq!(out.code, 2, "{opt} {value}: stderr {}", out.stderr_str());
            assert!(out.stderr_str().contains(opt), "{opt} {value}: {}", out.stderr_str());
        }
    }
}

/// 3,000 identical records with distinct labels: 4.5 million false-merge
/// pairs. They are counted, not listed: the report stays small.
#[test]
fn eval_of_one_huge_false_merge_is_counted_not_listed() {
    let dir = tempfile::tempdir().unwrap();
    let body: Vec<String> = (0..60).map(|i| format!("word{i}")).collect();
    let body = body.join(" ");
    let mut text = String::new();
    for i in 0..3000 {
        let r = serde_json::json!({"id": format!("r{i}"), "source": "S", "title": "T", "body": body, "story": format!("s{i}")});
        text.push_str(&format!("{r}\n"));
    }
    fs::write(dir.path().join("same.jsonl"), text).unwrap();
    let pairs = 3000u64 * 2999 / 2;

    let out = run_in(dir.path(), &["eval", "--label-field", "story", "same.jsonl"], None);
    out.expect_code(0);
    assert!(out.stdout.len() < 8_000, "{} bytes of report", out.stdout.len());
    let report = out.stdout_str();
    assert!(report.contains(&format!("false merges: {pairs} (first 20 listed)")), "{report}");
    assert!(
        report.contains(&format!("predicted cluster of r0: 3000 records in 3000 truth labels, {pairs} false merges")),
        "{report}"
    );

    // --max-errors 0 lists every pair except those of a huge cluster.
    let out =
        run_in(dir.path(), &["eval", "--label-field", "story", "-f", "json", "--max-errors", "0", "same.jsonl"], None);
    out.expect_code(0);
    assert!(out.stdout.len() < 2_000, "{} bytes of report", out.stdout.len());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["false_merges"].as_u64(), Some(pairs));
    assert_eq!(v["false_merge_list"], serde_json::json!([]));
    assert_eq!(
        v["false_merge_clusters"],
        serde_json::json!([{"cluster": "r0", "records": 3000, "truth_labels": 3000, "pairs": pairs}])
    );
}
