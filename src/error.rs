//! Typed problems with input, each naming its file and line.

use std::fmt;

/// What is wrong with one place of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    InvalidUtf8,
    LoneSurrogate,
    EntryWithoutBody,
    EntryWithoutTitle,
    EntryWithoutTags,
    TextOutsideEntry,
    InvalidJson(String),
    NotAnObject,
    MissingField(&'static str),
    /// A required field named by a field mapping ([`crate::reader::Fields`]).
    MissingNamedField(String),
    /// A CSV header without the body column.
    MissingColumn(String),
    /// A CSV header naming one column twice; the later one is passed
    /// through as `renamed`.
    DuplicateColumn {
        name: String,
        renamed: String,
    },
    /// A CSV row with another number of fields than its header.
    RowLength {
        fields: usize,
        header: usize,
    },
    /// A CSV quoted field still open at the end of the input.
    UnclosedQuote,
    WrongType {
        field: String,
        expected: &'static str,
    },
    DuplicateId {
        id: String,
        first: String,
    },
    EmptyInput,
    /// A JSON array input that stops parsing at this line; the rest of the
    /// input, if any, is kept as one record.
    InvalidJsonArray {
        error: String,
        rest_kept: bool,
    },
    /// An input read in the format its name says (`read_as`) whose content
    /// looks like another (`looks_like`), which `--input {option}` reads.
    FormatByName {
        looks_like: &'static str,
        read_as: &'static str,
        option: &'static str,
    },
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemKind::InvalidUtf8 => {
                write!(f, "invalid UTF-8 (kept with U+FFFD replacement characters)")
            }
            ProblemKind::LoneSurrogate => {
                write!(f, "lone UTF-16 surrogate escaped in a JSON string (kept as U+FFFD)")
            }
            ProblemKind::EntryWithoutBody => write!(f, "entry has no body"),
            ProblemKind::EntryWithoutTitle => write!(f, "entry has no title"),
            ProblemKind::EntryWithoutTags => {
                write!(f, "entry has no `- ` tag line (read as outlet, time, title, body)")
            }
            ProblemKind::TextOutsideEntry => {
                write!(f, "text outside any entry (kept as a record of its own)")
            }
            ProblemKind::InvalidJson(e) => write!(f, "invalid JSON: {e} (line kept as body)"),
            ProblemKind::NotAnObject => write!(f, "JSON value is not an object (line kept as body)"),
            ProblemKind::MissingField(name) => write!(f, "missing required field `{name}`"),
            ProblemKind::MissingNamedField(name) => write!(f, "missing required field `{name}`"),
            ProblemKind::MissingColumn(name) => {
                write!(f, "CSV header has no `{name}` column (every record's body is empty)")
            }
            ProblemKind::DuplicateColumn { name, renamed } => {
                write!(f, "CSV header names column `{name}` twice (the later one is passed through as `{renamed}`)")
            }
            ProblemKind::RowLength { fields, header } => write!(
                f,
                "CSV row has {fields} field{} but the header has {header} (kept: {})",
                if *fields == 1 { "" } else { "s" },
                if fields < header { "the missing fields are empty" } else { "the extra fields are passed through" }
            ),
            ProblemKind::UnclosedQuote => {
                write!(f, "CSV quoted field not closed before the end of the input (the rest is kept in it)")
            }
            ProblemKind::WrongType { field, expected } => {
                write!(f, "field `{field}` should be {expected} (kept as JSON text)")
            }
            ProblemKind::DuplicateId { id, first } => {
                write!(f, "duplicate id `{id}`, first seen at {first}")
            }
            ProblemKind::EmptyInput => write!(f, "input holds no records"),
            ProblemKind::InvalidJsonArray { error, rest_kept } => write!(
                f,
                "invalid JSON array: {error} ({}for one JSON object per line, try --input jsonl)",
                if *rest_kept { "the rest of the input is kept as one record's body; " } else { "" }
            ),
            ProblemKind::FormatByName { looks_like, read_as, option } => write!(
                f,
                "input looks like {looks_like} but was read as {read_as} because of its name; \
                 try --input {option}"
            ),
        }
    }
}

/// A problem at one place of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: u64,
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.kind)
    }
}

/// A failure that ends the run (exit code 2).
#[derive(Debug)]
pub enum Error {
    /// Opening, reading or writing a path failed.
    Io { path: String, source: std::io::Error },
    /// `--strict`: the first problem in the input.
    Input(Problem),
    /// Problems were reported on stderr; the output was written anyway.
    Reported(usize),
    /// A bad option value or combination.
    Usage(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{path}: {source}"),
            Error::Input(p) => write!(f, "{p}"),
            Error::Reported(n) => write!(f, "{n} input problem(s) reported above"),
            Error::Usage(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Error {
    pub fn io(path: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }

    /// An error reading a body back ([`crate::record::Body::text`]), named
    /// by where it was: the spool, or the input it was left in.
    pub fn body(source: std::io::Error) -> Error {
        match source.get_ref().and_then(|e| e.downcast_ref::<crate::record::ReadBackError>()) {
            Some(r) => Error::io(&r.input, std::io::Error::new(source.kind(), r.message.clone())),
            None => Error::io(crate::spool::NAME, source),
        }
    }

    /// True when the error is a closed pipe on output: `newsdedup | head` is
    /// not a failure.
    pub(crate) fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}
