//! Opening the inputs named on the command line (`-` or none: stdin) and
//! reading them all, with problems reported once, in input order.

use std::fs::File;
use std::io;
use std::path::PathBuf;

use crate::error::{Error, Problem, ProblemKind};
use crate::reader::{self, InputFormat, ReadOptions, ReadOutcome};

/// Display name of an input path: `-` for stdin, the path as given otherwise.
pub fn display_name(path: &std::path::Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The inputs that could be read, and the failure of each that could not.
#[derive(Debug, Default)]
pub struct ReadAll {
    pub read: ReadOutcome,
    /// An error naming each input that could not be opened or read, in
    /// command-line order. Its records, if any were read, are left out.
    pub failed: Vec<Error>,
}

/// Read every input, as ripgrep searches every file: an input that cannot be
/// opened or read is recorded in `failed` and the others are still read.
/// With `stop_at_first`, the first such input ends the run instead. Naming
/// one input twice is a usage error either way.
pub fn read_each(files: &[PathBuf], format: InputFormat, stop_at_first: bool) -> Result<ReadAll, Error> {
    read_each_with(files, &ReadOptions::new(format), stop_at_first)
}

/// [`read_each`] with every reading option: the format, the field names,
/// whether each record's input shape is kept. A compressed input that turns
/// out corrupt or truncated is an unreadable input, as a failing disk is.
pub fn read_each_with(files: &[PathBuf], opts: &ReadOptions, stop_at_first: bool) -> Result<ReadAll, Error> {
    opts.fields.validate().map_err(Error::Usage)?;
    let mut all = ReadAll::default();
    let stdin_only = [PathBuf::from("-")];
    let files = if files.is_empty() { &stdin_only[..] } else { files };
    // An input named twice would only repeat every record as a duplicate id
    // (and stdin has nothing left the second time).
    let mut named = std::collections::HashSet::new();
    for path in files {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if !named.insert(key) {
            return Err(Error::Usage(format!("{} is given twice", display_name(path))));
        }
    }
    for path in files {
        let name = display_name(path);
        let out = &mut all.read;
        let before = (out.articles.len(), out.problems.len(), out.inputs.len());
        let result = if name == "-" {
            reader::read_input_with(
                io::BufReader::with_capacity(1 << 16, EndOnce::new(io::stdin().lock())),
                "-",
                opts,
                out,
            )
        } else {
            File::open(path).and_then(|file| {
                if file.metadata()?.is_dir() {
                    return Err(io::Error::other("is a directory"));
                }
                reader::read_file_with(file, &name, opts, out)
            })
        };
        if let Err(e) = result {
            if stop_at_first {
                return Err(Error::io(&name, e));
            }
            // An input failing halfway adds neither records nor problems.
            out.articles.truncate(before.0);
            out.problems.truncate(before.1);
            out.inputs.truncate(before.2);
            all.failed.push(Error::io(&name, e));
        }
    }
    // The records stay to the end of the run: without the quarter of spare
    // room their vector keeps on average from growing by doubling.
    all.read.articles.shrink_to_fit();
    reader::check_unique_ids(&mut all.read);
    Ok(all)
}

/// Read every input; the first that cannot be opened or read ends the run
/// before anything is written. Problems in content are collected.
pub fn read_all(files: &[PathBuf], format: InputFormat) -> Result<ReadOutcome, Error> {
    read_each(files, format, true).map(|all| all.read)
}

/// How many problems of one kind [`report_problems`] lists before it
/// counts the rest in one line (`--max-problems`).
pub const DEFAULT_MAX_PROBLEMS: usize = 20;

/// Report problems on stderr, the first [`DEFAULT_MAX_PROBLEMS`] of each
/// kind (see [`report_problems_capped`]), or with `strict` fail on the first.
pub fn report_problems(out: &ReadOutcome, strict: bool) -> Result<usize, Error> {
    report_problems_capped(out, strict, DEFAULT_MAX_PROBLEMS)
}

/// A short name for a kind of problem, for the line that counts the
/// problems of that kind left unlisted.
pub fn kind_name(kind: &ProblemKind) -> &'static str {
    match kind {
        ProblemKind::InvalidUtf8 => "invalid UTF-8",
        ProblemKind::LoneSurrogate => "lone UTF-16 surrogate",
        ProblemKind::EntryWithoutBody => "entry has no body",
        ProblemKind::EntryWithoutTitle => "entry has no title",
        ProblemKind::EntryWithoutTags => "entry has no tag line",
        ProblemKind::TextOutsideEntry => "text outside any entry",
        ProblemKind::InvalidJson(_) => "invalid JSON",
        ProblemKind::NotAnObject => "JSON value is not an object",
        ProblemKind::MissingField(_) | ProblemKind::MissingNamedField(_) => "missing required field",
        ProblemKind::MissingColumn(_) => "CSV header without a body column",
        ProblemKind::DuplicateColumn { .. } => "CSV column named twice",
        ProblemKind::RowLength { .. } => "CSV row of another length than the header",
        ProblemKind::UnclosedQuote => "CSV quote left open",
        ProblemKind::WrongType { .. } => "field of the wrong type",
        ProblemKind::DuplicateId { .. } => "duplicate id",
        ProblemKind::EmptyInput => "input holds no records",
        ProblemKind::InvalidJsonArray { .. } => "invalid JSON array",
        ProblemKind::FormatByName { .. } => "input read by its name",
    }
}

/// The lines that report `problems`: the first `max` of each kind (all when
/// `max` is 0), in input order, then for each kind with more, in order of
/// its first problem, one line counting those left out. The count returned
/// by [`report_problems_capped`] (and the exit code) never depends on `max`.
pub fn problem_lines(problems: &[Problem], max: usize) -> Vec<String> {
    let mut seen: Vec<(std::mem::Discriminant<ProblemKind>, &'static str, usize)> = Vec::new();
    let mut lines = Vec::new();
    for p in problems {
        let d = std::mem::discriminant(&p.kind);
        let k = match seen.iter().position(|s| s.0 == d) {
            Some(k) => k,
            None => {
                seen.push((d, kind_name(&p.kind), 0));
                seen.len() - 1
            }
        };
        seen[k].2 += 1;
        if max == 0 || seen[k].2 <= max {
            lines.push(p.to_string());
        }
    }
    for (_, name, n) in seen {
        if max > 0 && n > max {
            lines.push(format!(
                "{} more problems of this kind not listed ({name}: {n} in all; --max-problems 0 lists every one)",
                n - max
            ));
        }
    }
    lines
}

/// Report problems on stderr, at most `max_per_kind` of each kind and a
/// count of the rest (0: all), or with `strict` fail on the first. Returns
/// the number of problems, listed or not.
pub fn report_problems_capped(out: &ReadOutcome, strict: bool, max_per_kind: usize) -> Result<usize, Error> {
    if strict {
        if let Some(p) = out.problems.first() {
            return Err(Error::Input(p.clone()));
        }
    }
    for line in problem_lines(&out.problems, max_per_kind) {
        crate::message!("{line}");
    }
    Ok(out.problems.len())
}

/// A reader that stays at its end once it has reached it. A terminal ends
/// its input with Ctrl-D, which makes one read return nothing; a reader that
/// looks again (the format sniffing, then the parser, each reading to the
/// end) would wait for more typing, so Ctrl-D had to be typed two or three
/// times. After the first empty read this returns nothing at once.
pub(crate) struct EndOnce<R> {
    inner: R,
    ended: bool,
}

impl<R> EndOnce<R> {
    pub(crate) fn new(inner: R) -> EndOnce<R> {
        EndOnce { inner, ended: false }
    }
}

impl<R: io::Read> io::Read for EndOnce<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ended || buf.is_empty() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        self.ended = n == 0;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    /// A terminal: an empty read (Ctrl-D), then more typing.
    struct Terminal(Vec<&'static [u8]>);
    impl Read for Terminal {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let Some(next) = self.0.first().copied() else { return Ok(0) };
            self.0.remove(0);
            buf[..next.len()].copy_from_slice(next);
            Ok(next.len())
        }
    }

    #[test]
    fn the_first_end_of_input_is_the_end() {
        let mut r = super::EndOnce::new(Terminal(vec![b"ab", b"", b"typed after Ctrl-D"]));
        let mut all = Vec::new();
        r.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"ab");
        let mut buf = [0u8; 8];
        assert_eq!(r.read(&mut buf).unwrap(), 0, "a second look waits for nothing");
    }

    use super::*;

    fn problem(line: u64, kind: ProblemKind) -> Problem {
        Problem { file: "in.jsonl".into(), line, kind }
    }

    #[test]
    fn each_kind_is_capped_on_its_own_and_the_rest_counted() {
        let mut ps = Vec::new();
        for i in 1..=30 {
            ps.push(problem(i, ProblemKind::InvalidJson(format!("error {i}"))));
            if i % 10 == 0 {
                ps.push(problem(i, ProblemKind::NotAnObject));
            }
        }
        ps.push(problem(31, ProblemKind::EmptyInput));
        let lines = problem_lines(&ps, 5);
        assert_eq!(lines.len(), 5 + 3 + 1 + 1);
        assert!(lines[0].starts_with("in.jsonl:1: invalid JSON: error 1"), "{lines:?}");
        assert_eq!(
            lines[lines.len() - 1],
            "25 more problems of this kind not listed (invalid JSON: 30 in all; --max-problems 0 lists every one)"
        );
        assert_eq!(lines.iter().filter(|l| l.contains("not an object")).count(), 3);
        // 0 lists every one; a cap at or above the count lists every one too.
        assert_eq!(problem_lines(&ps, 0).len(), ps.len());
        assert_eq!(problem_lines(&ps, 30).len(), ps.len());
        assert_eq!(problem_lines(&ps, 29).len(), 29 + 3 + 1 + 1);
    }
}
