//! The real binary's gates and the command line people expect: `--check`
//! listing what it found, `eval` gates saying why, partial truth, capped
//! problem floods, the progress bar and the stdin notice (terminal only),
//! completions and man pages, mistyped subcommands, negative numbers,
//! `--as-of`.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{run_in, sample, BIN};
use serde_json::Value;

/// A temp dir holding the sample as `sample.txt` and its truth (the three
/// copies of the AFP story, and two stories of their own).
fn sample_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(sample(), dir.path().join("sample.txt")).unwrap();
    fs::write(
        dir.path().join("truth.jsonl"),
        truth(&[(4, "afp"), (12, "afp"), (20, "ap"), (27, "epoch"), (33, "afp")]),
    )
    .unwrap();
    dir
}

fn truth(labels: &[(u64, &str)]) -> String {
    labels.iter().map(|(line, label)| format!("{{\"id\":\"sample.txt:{line}\",\"cluster\":\"{label}\"}}\n")).collect()
}

fn lines(s: &str) -> Vec<&str> {
    s.lines().collect()
}

// --- --check ---------------------------------------------------------------------

#[test]
fn check_lists_each_duplicate_on_stderr_unless_quiet() {
    let dir = sample_dir();
    let out = run_in(dir.path(), &["--check", "sample.txt"], None);
    out.expect_code(1);
    assert_eq!(
        lines(&out.stderr_str()),
        [
            "newsdedup: duplicate sample.txt:12 of sample.txt:4, similarity 1",
            "newsdedup: duplicate sample.txt:33 of sample.txt:4, similarity 0.9981",
        ]
    );
    assert_eq!(out.jsonl().len(), 3, "the clusters are still written");
    // -q: only the exit code speaks.
    let quiet = run_in(dir.path(), &["--check", "-q", "sample.txt"], None);
    quiet.expect_code(1);
    assert!(quiet.stdout.is_empty() && quiet.stderr.is_empty(), "{quiet:?}");
    // No duplicates: nothing listed, exit 0.
    let one = run_in(dir.path(), &["--check", "-"], Some(b"{\"id\":\"x\",\"body\":\"one record alone\"}\n"));
    one.expect_code(0);
    assert!(one.stderr.is_empty(), "{}", one.stderr_str());
}

// --- eval gates ------------------------------------------------------------------

#[test]
fn a_failed_gate_says_which_figure_missed_which_bar() {
    let dir = sample_dir();
    // Outlets as labels: ARI 0.4118, F1 0.5 on the sample.
    let both = run_in(
        dir.path(),
        &["eval", "--label-field", "source", "--min-ari", "0.5", "--min-f1", "0.9", "sample.txt"],
        None,
    );
    both.expect_code(1);
    assert_eq!(
        lines(&both.stderr_str()),
        ["newsdedup: ARI 0.4118 is below --min-ari 0.5", "newsdedup: F1 0.5000 is below --min-f1 0.9"]
    );
    let f1_only = run_in(
        dir.path(),
        &["eval", "--label-field", "source", "--min-ari", "0.4", "--min-f1", "0.9", "sample.txt"],
        None,
    );
    f1_only.expect_code(1);
    assert_eq!(lines(&f1_only.stderr_str()), ["newsdedup: F1 0.5000 is below --min-f1 0.9"]);
    // A figure is never printed so that it reads as the bar it missed.
    let close = run_in(dir.path(), &["eval", "--label-field", "source", "--min-ari", "0.41177", "sample.txt"], None);
    close.expect_code(1);
    assert_eq!(lines(&close.stderr_str()), ["newsdedup: ARI 0.41176 is below --min-ari 0.41177"]);
    // Passing gates: exit 0, nothing on stderr.
    let pass =
        run_in(dir.path(), &["eval", "--truth", "truth.jsonl", "--min-ari", "1", "--min-f1", "1", "sample.txt"], None);
    pass.expect_code(0);
    assert!(pass.stderr.is_empty(), "{}", pass.stderr_str());
    // A negative ARI bar is a value, not an option.
    let neg = run_in(dir.path(), &["eval", "--label-field", "source", "--min-ari", "-0.5", "sample.txt"], None);
    neg.expect_code(0);
}

#[test]
fn partial_truth_fails_a_gate_unless_allowed() {
    let dir = sample_dir();
    fs::write(dir.path().join("part.jsonl"), truth(&[(4, "afp"), (12, "afp"), (20, "ap")])).unwrap();
    fs::write(
        dir.path().join("extra.jsonl"),
        truth(&[(4, "afp"), (12, "afp"), (20, "ap"), (27, "epoch"), (33, "afp"), (99, "x")]),
    )
    .unwrap();
    // Without a gate: scored and reported as before, the ids listed, exit 0.
    let report = run_in(dir.path(), &["eval", "--truth", "part.jsonl", "sample.txt"], None);
    report.expect_code(0);
    assert_eq!(
        lines(&report.stderr_str()),
        [
            "newsdedup: input id `sample.txt:27` has no label in the truth",
            "newsdedup: input id `sample.txt:33` has no label in the truth",
        ]
    );
    // With a gate: exit 2, the gate not applied (the scores would pass).
    let gated = run_in(dir.path(), &["eval", "--truth", "part.jsonl", "--min-ari", "0.5", "sample.txt"], None);
    gated.expect_code(2);
    let err = gated.stderr_str();
    assert!(err.contains("input id `sample.txt:27` has no label in the truth"), "{err}");
    assert!(
        err.contains("newsdedup: the truth does not cover the input (2 of 5 input records have no label): the gates were not applied; --allow-partial-truth scores the labelled records only"),
        "{err}"
    );
    assert!(!gated.stdout.is_empty(), "the report is still written");
    // Truth ids that are not in the input count too.
    let extra = run_in(dir.path(), &["eval", "--truth", "extra.jsonl", "--min-f1", "0.5", "sample.txt"], None);
    extra.expect_code(2);
    assert!(extra.stderr_str().contains("(1 of 6 truth ids are not in the input)"), "{}", extra.stderr_str());
    // Allowed: the labelled records are scored and the gates decide.
    for (bar, code) in [("1", 0), ("-1", 0)] {
        let allowed = run_in(
            dir.path(),
            &["eval", "--truth", "part.jsonl", "--min-ari", bar, "--allow-partial-truth", "sample.txt"],
            None,
        );
        allowed.expect_code(code);
        assert!(allowed.stdout_str().contains("records   5 read, 3 scored"), "{}", allowed.stdout_str());
    }
    fs::write(dir.path().join("wrong.jsonl"), truth(&[(4, "a"), (12, "b"), (20, "c")])).unwrap();
    let below = run_in(
        dir.path(),
        &["eval", "--truth", "wrong.jsonl", "--min-f1", "0.5", "--allow-partial-truth", "sample.txt"],
        None,
    );
    below.expect_code(1);
    assert!(below.stderr_str().contains("newsdedup: F1 0.0000 is below --min-f1 0.5"), "{}", below.stderr_str());
}

#[test]
fn eval_and_explain_take_the_same_format_option() {
    let dir = sample_dir();
    for sub in [&["eval", "--truth", "truth.jsonl"][..], &["explain", "sample.txt:4", "sample.txt:33"][..]] {
        for flag in ["-f", "--format"] {
            let mut args = sub.to_vec();
            args.extend([flag, "json", "sample.txt"]);
            let json = run_in(dir.path(), &args, None);
            json.expect_code(0);
            let v: Value = serde_json::from_str(&json.stdout_str()).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            assert!(v.is_object(), "{args:?}");
            let mut args = sub.to_vec();
            args.extend([flag, "text", "sample.txt"]);
            let text = run_in(dir.path(), &args, None);
            text.expect_code(0);
            assert!(serde_json::from_str::<Value>(&text.stdout_str()).is_err(), "{args:?} wrote JSON");
        }
        let mut args = sub.to_vec();
        args.extend(["-f", "jsonl", "sample.txt"]);
        run_in(dir.path(), &args, None).expect_code(2);
    }
    let dir = sample_dir();
    let ev = run_in(dir.path(), &["eval", "--truth", "truth.jsonl", "-f", "json", "sample.txt"], None);
    let v: Value = serde_json::from_str(&ev.stdout_str()).unwrap();
    assert_eq!((v["ari"].as_f64(), v["f1"].as_f64()), (Some(1.0), Some(1.0)));
    let ex = run_in(dir.path(), &["explain", "-f", "text", "sample.txt:4", "sample.txt:33", "sample.txt"], None);
    assert!(ex.stdout_str().starts_with("A: sample.txt:4 (The Sun)"), "{}", ex.stdout_str());
}

// --- problem floods --------------------------------------------------------------

fn flood() -> String {
    let mut s = String::new();
    for i in 0..50 {
        s.push_str(&format!("{{\"id\": \"bad{i}\", broken\n"));
    }
    for i in 0..3 {
        s.push_str(&format!("[{i}]\n"));
    }
    s
}

#[test]
fn a_flood_of_one_problem_is_capped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bad.jsonl"), flood()).unwrap();
    let out = run_in(dir.path(), &["--stats", "-q", "bad.jsonl"], None);
    out.expect_code(2);
    let err = out.stderr_str();
    let invalid = err.lines().filter(|l| l.contains(": invalid JSON:")).count();
    let not_object = err.lines().filter(|l| l.contains("not an object")).count();
    assert_eq!((invalid, not_object), (20, 3), "{err}");
    assert!(
        err.contains("newsdedup: 30 more problems of this kind not listed (invalid JSON: 50 in all; --max-problems 0 lists every one)\n"),
        "{err}"
    );
    // The count is never lost: --stats counts every problem.
    assert!(err.contains("53 records read, 53 clusters, 0 duplicates, 53 problems"), "{err}");
    let all = run_in(dir.path(), &["-q", "--max-problems", "0", "bad.jsonl"], None);
    all.expect_code(2);
    assert_eq!(all.stderr_str().lines().count(), 53, "{}", all.stderr_str());
    let five = run_in(dir.path(), &["-q", "--max-problems", "5", "bad.jsonl"], None);
    five.expect_code(2);
    assert_eq!(five.stderr_str().lines().count(), 5 + 3 + 1, "{}", five.stderr_str());
    assert!(five.stderr_str().contains("45 more problems of this kind not listed (invalid JSON: 50 in all"));
    // --strict still stops at the first.
    let strict = run_in(dir.path(), &["--strict", "bad.jsonl"], None);
    strict.expect_code(2);
    assert_eq!(strict.stderr_str().lines().count(), 1);
}

#[test]
fn eval_caps_the_ids_missing_from_the_truth() {
    let dir = tempfile::tempdir().unwrap();
    let input: String =
        (0..30).map(|i| format!("{{\"id\":\"r{i}\",\"body\":\"record number {i} stands alone\"}}\n")).collect();
    fs::write(dir.path().join("in.jsonl"), input).unwrap();
    fs::write(dir.path().join("t.jsonl"), "{\"id\":\"r0\",\"cluster\":\"a\"}\n").unwrap();
    let out = run_in(dir.path(), &["eval", "--truth", "t.jsonl", "in.jsonl"], None);
    out.expect_code(0);
    let err = out.stderr_str();
    assert_eq!(err.lines().filter(|l| l.contains("has no label in the truth")).count(), 20, "{err}");
    assert!(
        err.ends_with(
            "newsdedup: 9 more input ids with no label not listed (29 in all; --max-problems 0 lists every one)\n"
        ),
        "{err}"
    );
    let all = run_in(dir.path(), &["eval", "--max-problems", "0", "--truth", "t.jsonl", "in.jsonl"], None);
    assert_eq!(all.stderr_str().lines().count(), 29);
}

// --- progress bar and the stdin notice ---------------------------------------------

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    // Input that takes a second to arrive: the run outlasts the bar's delay
    // however fast the build, and stderr is a pipe.
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["-o", "out.jsonl"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let start = std::time::Instant::now();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    std::io::Write::write_all(&mut stdin, b"{\"body\":\"a b c\"}\n").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(start.elapsed().as_millis() > 1000, "the run is too short to have shown a bar");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "stderr is a pipe, yet: {:?}", String::from_utf8_lossy(&out.stderr));
    assert!(fs::read_to_string(dir.path().join("out.jsonl")).unwrap().contains("a b c"));
    // Nor the stdin notice, stdin being a pipe here.
    let piped = run_in(dir.path(), &[], Some(b"{\"body\":\"x\"}\n"));
    piped.expect_code(0);
    assert!(piped.stderr.is_empty(), "{}", piped.stderr_str());
}

/// Run `shell_command` with a terminal (a pseudo-terminal from util-linux
/// `script`) as its stdin, stdout and stderr, Ctrl-D typed at it; what the
/// terminal showed, or `None` when `script` is not available.
fn in_terminal(dir: &Path, shell_command: &str) -> Option<String> {
    let probe = Command::new("script").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED: util-linux `script` is not available for a terminal test");
        return None;
    }
    let mut child = Command::new("timeout")
        .args(["60", "script", "-qec", shell_command, "/dev/null"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run script");
    // Ctrl-D: the end of what is typed.
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"\x04").unwrap();
    let out = child.wait_with_output().expect("wait for script");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_terminal_gets_the_progress_bar_and_the_stdin_notice() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("small.jsonl"), "{\"body\":\"a b c\"}\n").unwrap();
    // Input that takes a second to arrive keeps the read stage on screen.
    let slow = format!("(sleep 1.5; cat small.jsonl) | {BIN} -o out.jsonl");
    let Some(shown) = in_terminal(dir.path(), &slow) else { return };
    assert!(shown.contains("newsdedup:") && shown.contains("/7 read"), "no progress bar: {shown:?}");
    // Cleared at the end: the last thing drawn erases the line.
    assert!(shown.trim_end_matches(['\r', '\n']).ends_with("\x1b[2K") || !shown.contains("7 apply"), "{shown:?}");
    // -q: no bar.
    let quiet = in_terminal(dir.path(), &format!("(sleep 1.5; cat small.jsonl) | {BIN} -q")).unwrap();
    assert!(!quiet.contains("/7"), "a bar with -q: {quiet:?}");
    // A bare newsdedup on a terminal says it reads stdin (script ends the
    // input at once), and no bar draws over what is typed.
    let bare = in_terminal(dir.path(), &format!("{BIN}; echo EXIT=$?")).unwrap();
    assert!(bare.starts_with("newsdedup: reading stdin (Ctrl-D to end; --help for usage)"), "{bare:?}");
    // One Ctrl-D ends the input: the run is over (an empty input, exit 2)
    // before `timeout` would stop it.
    assert!(bare.contains("EXIT=2"), "one Ctrl-D did not end the input: {bare:?}");
    assert!(!bare.contains("/7"), "a bar over typed input: {bare:?}");
    // A terminal stdin with files named reads the files and says nothing.
    let files = in_terminal(dir.path(), &format!("{BIN} -q small.jsonl")).unwrap();
    assert!(!files.contains("reading stdin"), "{files:?}");
}

// --- completions and man ---------------------------------------------------------

#[test]
fn completions_and_man_pages_are_generated() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "complete -F _newsdedup"),
        ("zsh", "#compdef newsdedup"),
        ("fish", "complete -c newsdedup"),
        ("elvish", "newsdedup"),
        ("powershell", "newsdedup"),
    ] {
        let out = run_in(dir.path(), &["completions", shell], None);
        out.expect_code(0);
        let script = out.stdout_str();
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        for word in ["eval", "explain", "jaccard", "as-of"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    run_in(dir.path(), &["completions", "tcsh"], None).expect_code(2);
    let man = run_in(dir.path(), &["man"], None);
    man.expect_code(0);
    let page = man.stdout_str();
    assert!(page.contains(".TH newsdedup 1"), "{page}");
    for word in [".SH NAME", ".SH SYNOPSIS", ".SH SUBCOMMANDS", "jaccard", "check"] {
        assert!(page.contains(word), "the man page lacks {word}");
    }
    run_in(dir.path(), &["man", "--dir", "pages"], None).expect_code(0);
    for file in ["newsdedup.1", "newsdedup-eval.1", "newsdedup-explain.1"] {
        let text = fs::read_to_string(dir.path().join("pages").join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(text.starts_with(".ie"), "{file}");
    }
}

// --- mistyped subcommands --------------------------------------------------------

#[test]
fn a_mistyped_subcommand_is_suggested_but_a_file_of_that_name_is_read() {
    let dir = sample_dir();
    for (typed, meant) in [("evl", "eval"), ("explian", "explain"), ("completion", "completions"), ("mna", "")] {
        let out = run_in(dir.path(), &[typed, "sample.txt"], None);
        out.expect_code(2);
        let err = out.stderr_str();
        if meant.is_empty() {
            assert!(err.contains("mna: No such file"), "{err}");
        } else {
            assert_eq!(
                err,
                format!("newsdedup: unknown command '{typed}'; did you mean '{meant}'? (no file of that name either; see --help)\n")
            );
            assert!(out.stdout.is_empty());
        }
    }
    // Also before options the subcommand would take.
    run_in(dir.path(), &["evl", "--truth", "truth.jsonl", "sample.txt"], None).expect_code(2);
    // A file named like the typo is input, as always.
    fs::copy(dir.path().join("sample.txt"), dir.path().join("evl")).unwrap();
    let out = run_in(dir.path(), &["evl"], None);
    out.expect_code(0);
    assert_eq!(out.jsonl().len(), 3);
    assert!(out.stderr.is_empty(), "{}", out.stderr_str());
}

// --- negative numbers ------------------------------------------------------------

#[test]
fn negative_numbers_are_bad_values_not_unknown_flags() {
    let dir = sample_dir();
    for (opt, value, says) in [
        ("--jaccard", "-0.1", "--jaccard must be greater than 0 and at most 1, not -0.1"),
        ("--containment", "-1", "--containment must be greater than 0 and at most 1, not -1"),
        ("--link", "-0.5", "--link must be greater than 0 and at most 1, not -0.5"),
        ("--min-words", "-1", "invalid value '-1' for '--min-words <N>'"),
        ("--shingle-size", "-3", "invalid value '-3' for '--shingle-size <N>'"),
        ("--threads", "-2", "invalid value '-2' for '--threads <N>'"),
        ("--max-problems", "-1", "invalid value '-1' for '--max-problems <N>'"),
    ] {
        let out = run_in(dir.path(), &[opt, value, "sample.txt"], None);
        out.expect_code(2);
        let err = out.stderr_str();
        assert!(err.contains(says), "{opt} {value}: {err}");
        assert!(!err.contains("unexpected argument"), "{opt} {value}: {err}");
    }
    let out = run_in(dir.path(), &["eval", "--truth", "truth.jsonl", "--min-f1", "-0.2", "sample.txt"], None);
    out.expect_code(2);
    assert!(out.stderr_str().contains("invalid value '-0.2' for '--min-f1 <X>': must be a number from 0 to 1"));
}

// --- --as-of ---------------------------------------------------------------------

#[test]
fn as_of_resolves_relative_dates_and_keeps_the_original() {
    let dir = sample_dir();
    let out = run_in(dir.path(), &["--as-of", "2024-05-31", "sample.txt"], None);
    out.expect_code(0);
    let clusters = out.jsonl();
    let first = &clusters[0];
    assert_eq!(first["date"], "3 days ago");
    assert_eq!(first["date_resolved"], "2024-05-28");
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(keys[..6], ["id", "source", "title", "date", "date_resolved", "categories"]);
    for d in first["duplicates"].as_array().unwrap() {
        assert_eq!((d["date"].as_str(), d["date_resolved"].as_str()), (Some("3 days ago"), Some("2024-05-28")));
    }
    // Without --as-of the output is as before: no such field.
    let plain = run_in(dir.path(), &["sample.txt"], None);
    assert!(!plain.stdout_str().contains("date_resolved"));
    // JSON array output and text output carry it too.
    let json = run_in(dir.path(), &["--as-of", "2024-05-31T10:00", "-f", "json", "sample.txt"], None);
    let v: Value = serde_json::from_str(&json.stdout_str()).unwrap();
    assert_eq!(v[1]["date_resolved"], "2024-05-28");
    let text = run_in(dir.path(), &["--as-of", "2024-05-31", "-f", "text", "sample.txt"], None);
    assert!(text.stdout_str().contains("| date: 3 days ago (2024-05-28)\n"), "{}", text.stdout_str());
    // Other forms: an absolute date keeps its date part, a vague or unknown
    // one is null, an absent one is null.
    let input = "{\"id\":\"a\",\"date\":\"yesterday\",\"body\":\"x\"}\n{\"id\":\"b\",\"date\":\"2018-05-03T10:00:00Z\",\"body\":\"y\"}\n\
                 {\"id\":\"c\",\"date\":\"a few days ago\",\"body\":\"z\"}\n{\"id\":\"d\",\"body\":\"w\"}\n\
                 {\"id\":\"e\",\"date\":\"2 hours ago\",\"body\":\"v\"}\n";
    let out = run_in(dir.path(), &["--as-of", "2024-03-01T01:00", "-"], Some(input.as_bytes()));
    out.expect_code(0);
    let got: Vec<Value> = out.jsonl().iter().map(|c| c["date_resolved"].clone()).collect();
    assert_eq!(got, [Value::from("2024-02-29"), "2018-05-03".into(), Value::Null, Value::Null, "2024-02-29".into()]);
    // A bad --as-of is a usage error; nothing is read or written.
    for bad in ["yesterday", "2024-02-30", "31/05/2024", ""] {
        let out = run_in(dir.path(), &["--as-of", bad, "sample.txt"], None);
        out.expect_code(2);
        assert!(out.stderr_str().contains("for '--as-of <DATE>'"), "{bad}: {}", out.stderr_str());
        assert!(out.stdout.is_empty());
    }
}
