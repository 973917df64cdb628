//! Fixture cases: every directory `fixtures/cases/<name>/` is one run of the
//! real binary, with the case directory as the working directory.
//!
//! A case holds its input files, and:
//! - `args`: the command-line arguments, one per line (a final newline ends
//!   the last argument; an empty file means no arguments);
//! - `stdin` (optional): bytes fed to standard input; without it stdin is empty;
//! - `stdout`, `stderr`, `exit_code`: the expected results, compared exactly;
//! - `pinned` (optional): the expectation was written by hand because the
//!   binary is believed wrong (the file says why); `UPDATE_EXPECT` does not
//!   overwrite a pinned case.
//!
//! `UPDATE_EXPECT=1 cargo test --test fixtures` (re)writes the expected files
//! of the cases whose results changed and prints their names. Read every
//! rewritten file before keeping it.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

/// Fewer cases than this means cases went missing: fail rather than pass on
/// an emptied directory.
const MIN_CASES: usize = 72;

const EXPECTED: [&str; 3] = ["stdout", "stderr", "exit_code"];

struct Case {
    name: String,
    dir: PathBuf,
}

fn cases() -> Vec<Case> {
    let root = common::root().join("fixtures").join("cases");
    let mut out: Vec<Case> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_dir())
        .map(|dir| Case { name: dir.file_name().unwrap().to_string_lossy().into_owned(), dir })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn read_args(dir: &Path) -> Vec<String> {
    let path = dir.join("args");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = text.strip_suffix('\n').unwrap_or(&text);
    if text.is_empty() {
        return Vec::new();
    }
    text.split('\n').map(str::to_owned).collect()
}

/// The three results of a run, in the files' byte form.
fn actual(case: &Case) -> [Vec<u8>; 3] {
    let args = read_args(&case.dir);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let stdin = fs::read(case.dir.join("stdin")).ok();
    let out = common::run_in(&case.dir, &args, stdin.as_deref());
    [out.stdout, out.stderr, format!("{}\n", out.code).into_bytes()]
}

#[test]
fn fixture_cases() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| !v.is_empty() && v != "0");
    let cases = cases();
    assert!(cases.len() >= MIN_CASES, "only {} fixture cases found, expected at least {MIN_CASES}", cases.len());
    let mut failures = Vec::new();
    let mut changed = Vec::new();
    for case in &cases {
        let got = actual(case);
        let pinned = case.dir.join("pinned").is_file();
        let mut diffs = Vec::new();
        for (file, got) in EXPECTED.iter().zip(&got) {
            let path = case.dir.join(file);
            let want = fs::read(&path).ok();
            if want.as_deref() == Some(&got[..]) {
                continue;
            }
            if update && !pinned {
                fs::write(&path, got).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                diffs.push(file.to_string());
                continue;
            }
            let diff = match &want {
                None => format!("missing expected file {}", path.display()),
                Some(w) => common::side_by_side(&String::from_utf8_lossy(w), &String::from_utf8_lossy(got))
                    .unwrap_or_else(|| "bytes differ (not as UTF-8 text)".to_owned()),
            };
            diffs.push(format!("{file}:\n{diff}"));
        }
        if diffs.is_empty() {
            continue;
        }
        if update && !pinned {
            changed.push(format!("{} ({})", case.name, diffs.join(", ")));
        } else {
            let why = if pinned {
                let reason = fs::read_to_string(case.dir.join("pinned")).unwrap_or_default();
                format!(" [pinned by hand: {}]", reason.trim())
            } else {
                String::new()
            };
            failures.push(format!("=== case {}{why}\n{}", case.name, diffs.join("\n")));
        }
    }
    if update {
        if changed.is_empty() {
            eprintln!("UPDATE_EXPECT: no case changed");
        }
        for c in &changed {
            eprintln!("UPDATE_EXPECT: rewrote {c}");
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixture cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!("{} fixture cases passed", cases.len());
}

/// Every case is complete: arguments and all three expectations, and at
/// least one input (a file named `input*` or a `stdin` file).
#[test]
fn fixture_cases_are_complete() {
    for case in cases() {
        let has = |f: &str| case.dir.join(f).is_file();
        assert!(has("args"), "case {} has no args file", case.name);
        for f in EXPECTED {
            assert!(has(f), "case {} has no expected {f} file (bless it with UPDATE_EXPECT=1)", case.name);
        }
        let code = fs::read_to_string(case.dir.join("exit_code")).unwrap();
        assert!(
            matches!(code.as_str(), "0\n" | "1\n" | "2\n"),
            "case {}: exit_code must be 0, 1 or 2 and a newline, not {code:?}",
            case.name
        );
        let args = read_args(&case.dir);
        let names_input = args.iter().any(|a| a.contains("input") || a.ends_with(".txt") || a.ends_with(".jsonl"));
        assert!(names_input || has("stdin"), "case {} reads neither an input file nor a stdin file", case.name);
    }
}
