//! JSON Lines: one object per line.
//!
//! Known fields: `id` (string or number), `source`, `title`, `body` (alias
//! `text`, required), `date`, `url`, `category` or `categories` (a string or
//! an array of strings). Every other field is kept in [`Article::extra`] and
//! written back out unchanged. Blank lines are skipped.

use serde_json::{Map, Value};

use super::{Line, ReadOutcome};
use crate::error::{Problem, ProblemKind};
use crate::record::{Article, Origin};

/// Parse JSON Lines `lines` of input `name` into `out`.
pub fn parse(lines: &[Line], name: &str, out: &mut ReadOutcome) {
    for line in lines {
        if line.text.trim().is_empty() {
            continue;
        }
        let origin = Origin { file: name.to_owned(), line: line.number };
        let mut problems = Vec::new();
        let article = parse_line(&line.text, origin, &mut problems);
        out.problems.extend(problems.into_iter().map(|kind| Problem {
            file: name.to_owned(),
            line: line.number,
            kind,
        }));
        out.articles.push(article);
    }
}

/// A string field's value; anything else is reported and kept as JSON text.
fn string_field(field: &str, value: Value, problems: &mut Vec<ProblemKind>) -> String {
    match value {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => {
            problems.push(ProblemKind::WrongType { field: field.to_owned(), expected: "a string" });
            other.to_string()
        }
    }
}

/// The value of the four hex digits at `at`, if there are four.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    digits.iter().try_fold(0, |v, &b| Some(v * 16 + char::from(b).to_digit(16)?))
}

/// `text` with every `\uXXXX` escape of a lone UTF-16 surrogate (one not
/// part of a high-low pair) replaced by `\ufffd`, or `None` when it has none.
fn replace_lone_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let (mut out, mut copied, mut i) = (String::new(), 0, 0);
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let unit = if bytes.get(i + 1) == Some(&b'u') { hex4(bytes, i + 2) } else { None };
        match unit {
            Some(0xD800..=0xDBFF)
                if bytes.get(i + 6..i + 8) == Some(&b"\\u"[..])
                    && hex4(bytes, i + 8).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) =>
            {
                i += 12;
            }
            Some(0xD800..=0xDFFF) => {
                // `i` is at an ASCII backslash: a character boundary.
                out.push_str(&text[copied..i]);
                out.push_str("\\ufffd");
                i += 6;
                copied = i;
            }
            // Any other escape, `\\` included: skip the backslash and the
            // character it escapes.
            _ => i += 2,
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

fn parse_line(text: &str, origin: Origin, problems: &mut Vec<ProblemKind>) -> Article {
    let mut article = Article::at(origin);
    let object: Map<String, Value> = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => m,
        Ok(_) => {
            problems.push(ProblemKind::NotAnObject);
            article.body = text.to_owned();
            return article;
        }
        // serde_json refuses half a surrogate pair; read it as U+FFFD instead
        // of losing every field of the record.
        Err(e) => match replace_lone_surrogates(text).and_then(|t| serde_json::from_str::<Value>(&t).ok()) {
            Some(Value::Object(m)) => {
                problems.push(ProblemKind::LoneSurrogate);
                m
            }
            _ => {
                problems.push(ProblemKind::InvalidJson(e.to_string()));
                article.body = text.to_owned();
                return article;
            }
        },
    };
    let mut body = None;
    for (key, value) in object {
        match key.as_str() {
            "id" => match value {
                Value::String(s) => article.id = s,
                Value::Number(n) => article.id = n.to_string(),
                other => {
                    problems.push(ProblemKind::WrongType { field: key, expected: "a string or a number" });
                    article.extra.insert("id".into(), other);
                }
            },
            "source" => article.source = string_field(&key, value, problems),
            "title" => article.title = string_field(&key, value, problems),
            "date" => article.date = Some(string_field(&key, value, problems)).filter(|s| !s.is_empty()),
            "url" => article.url = Some(string_field(&key, value, problems)).filter(|s| !s.is_empty()),
            // `null` counts as absent, so `{"body": null, "text": "..."}` reads the text.
            "body" | "text" if body.is_none() && !value.is_null() => body = Some(string_field(&key, value, problems)),
            "body" | "text" if value.is_null() => {}
            "category" | "categories" => match value {
                Value::Array(items) => {
                    for item in items {
                        let c = string_field(&key, item, problems);
                        if !c.is_empty() {
                            article.categories.push(c);
                        }
                    }
                }
                other => {
                    let c = string_field(&key, other, problems);
                    if !c.is_empty() {
                        article.categories.push(c);
                    }
                }
            },
            _ => {
                article.extra.insert(key, value);
            }
        }
    }
    match body {
        Some(b) => article.body = b,
        None => problems.push(ProblemKind::MissingField("body")),
    }
    article
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::{read_input, InputFormat};

    fn read(text: &str) -> ReadOutcome {
        let mut out = ReadOutcome::default();
        read_input(text.as_bytes(), "in.jsonl", InputFormat::Jsonl, &mut out).unwrap();
        out
    }

    #[test]
    fn known_and_unknown_fields() {
        let out = read(
            r#"{"id":7,"source":"AP","title":"T","text":"B","date":"2024-01-01","url":"https://x/y","category":["a","b"],"lang":"en","score":1.5}"#,
        );
        assert!(out.problems.is_empty());
        let a = &out.articles[0];
        assert_eq!((a.id.as_str(), a.source.as_str(), a.title.as_str(), a.body.as_str()), ("7", "AP", "T", "B"));
        assert_eq!(a.date.as_deref(), Some("2024-01-01"));
        assert_eq!(a.url.as_deref(), Some("https://x/y"));
        assert_eq!(a.categories, ["a", "b"]);
        assert_eq!(serde_json::to_string(&a.extra).unwrap(), r#"{"lang":"en","score":1.5}"#);
    }

    #[test]
    fn null_body_falls_back_to_text() {
        let out = read(r#"{"id":"a","body":null,"text":"real text here"}"#);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!(out.articles[0].body, "real text here");
        assert!(out.articles[0].extra.is_empty());
    }

    #[test]
    fn missing_id_uses_file_and_line() {
        let out = read("\n{\"body\":\"x\"}\n");
        assert_eq!(out.articles[0].id, "in.jsonl:2");
    }

    #[test]
    fn lone_surrogate_escapes_keep_the_record_and_its_fields() {
        // A scraper that cut an emoji in two: serde_json refused the whole
        // line, and the record lost its id, title and body.
        let out = read(concat!(
            r#"{"id":"a\ud83d","title":"\udc00\ud800x","body":"ok \ud83d\ude00 \\ud800 end\ud800"}"#,
            "\n",
            r#"{"id":"b","body":"\ud800"#,
            "\n"
        ));
        assert_eq!(out.articles.len(), 2);
        let a = &out.articles[0];
        assert_eq!((a.id.as_str(), a.title.as_str()), ("a\u{FFFD}", "\u{FFFD}\u{FFFD}x"));
        assert_eq!(a.body, "ok \u{1F600} \\ud800 end\u{FFFD}");
        let msgs: Vec<String> = out.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs[0], "in.jsonl:1: lone UTF-16 surrogate escaped in a JSON string (kept as U+FFFD)");
        // Still broken JSON once repaired: kept whole as before.
        assert!(msgs[1].starts_with("in.jsonl:2: invalid JSON: "), "{}", msgs[1]);
        assert_eq!(out.articles[1].body, r#"{"id":"b","body":"\ud800"#);
    }

    #[test]
    fn bad_lines_are_reported_and_kept() {
        let out = read("[1,2]\n{nope\n{\"id\":\"a\",\"body\":null}\n{\"id\":\"b\",\"body\":3}\n");
        assert_eq!(out.articles.len(), 4);
        assert_eq!(out.articles[0].body, "[1,2]");
        assert_eq!(out.articles[1].body, "{nope");
        let msgs: Vec<String> = out.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs[0], "in.jsonl:1: JSON value is not an object (line kept as body)");
        assert!(msgs[1].starts_with("in.jsonl:2: invalid JSON: "), "{}", msgs[1]);
        assert_eq!(msgs[2], "in.jsonl:3: missing required field `body`");
        assert_eq!(msgs[3], "in.jsonl:4: field `body` should be a string (kept as JSON text)");
        assert_eq!(out.articles[3].body, "3");
    }
}
