//! Article records: the plain data every stage after the reader works on.

use serde_json::{Map, Value};

/// Where a record came from: the input's display name (`-` for stdin) and
/// the 1-based line of the record's first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: u64,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One article as read from a listing or a JSON Lines dump.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// The JSONL `id` (as a string) or `FILE:LINE` of the entry's first line.
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
            origin,
        }
    }
}
