//! Article records: the plain data every stage after the reader works on.

use std::sync::Arc;

use serde_json::{Map, Value};

/// Where a record came from: the input's name (`-` for stdin; see
/// [`crate::reader::stable_name`]) and the 1-based line of the record's first
/// line. The name is shared by all records of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: Arc<str>,
    pub line: u64,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// What an earlier newsdedup run found for a record read back from its
/// output: the record's `duplicates` and `sources`, kept so that a second
/// run loses no provenance.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prior {
    /// The earlier `duplicates` objects, as written then.
    pub duplicates: Vec<Value>,
    /// The earlier `sources`.
    pub sources: Vec<String>,
}

/// One article as read from a listing or a JSON Lines dump.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// The JSONL `id` (as a string, numbers as written) or `FILE:LINE` of the
    /// entry's first line.
    pub id: String,
    /// The outlet that carried the article.
    pub source: String,
    pub title: String,
    /// Absolute or relative date exactly as given (`3 days ago`, an ISO date, ...).
    pub date: Option<String>,
    pub url: Option<String>,
    pub categories: Vec<String>,
    pub body: String,
    /// Unknown JSONL fields, passed through to the output in input order.
    pub extra: Map<String, Value>,
    /// Duplicates and sources from an earlier run (a record of newsdedup's
    /// own output); boxed, as most records have none.
    pub prior: Option<Box<Prior>>,
    pub origin: Origin,
}

impl Article {
    /// An empty record at `origin`, with the default `FILE:LINE` id.
    pub fn at(origin: Origin) -> Article {
        Article {
            id: origin.to_string(),
            source: String::new(),
            title: String::new(),
            date: None,
            url: None,
            categories: Vec::new(),
            body: String::new(),
            extra: Map::new(),
            prior: None,
            origin,
        }
    }
}
