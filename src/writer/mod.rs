//! Writers: one file per output format, all fed the same [`Output`].
//!
//! The JSON record of a cluster (used by `jsonl` and `json`) holds the
//! canonical article's fields (`id`, `source`, `title`, `date`, `url` when
//! present, `categories`, `body`, then the passed-through fields), then
//! `sources` (distinct outlets, canonical first) and `duplicates` (every
//! other member: `id`, `source`, `title`, `date`, `similarity`, `containment`).
//! A pass-through field named like one of these is written as `_NAME`.

pub mod json;
pub mod jsonl;
pub mod text;

use std::io::{self, Write};

use serde_json::{Map, Value};

use crate::canonical::Cluster;
use crate::record::Article;
use crate::signature::Signature;
use crate::verify::similarity;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// One JSON object per cluster per line.
    Jsonl,
    /// One JSON array of cluster objects.
    Json,
    /// Human-readable: canonical title, outlets, duplicates, then the body.
    Text,
}

/// Names of the fields every cluster record has.
pub const OWN_FIELDS: &[&str] =
    &["id", "source", "title", "date", "url", "categories", "body", "sources", "duplicates"];

/// Everything a writer needs: the records, their signatures and the clusters.
pub struct Output<'a> {
    pub articles: &'a [Article],
    pub sigs: &'a [Signature],
    pub clusters: &'a [Cluster],
}

/// Round a similarity figure to 4 decimals for stable, readable output.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

impl Output<'_> {
    /// Distinct outlets of a cluster, canonical first, then in input order;
    /// compared without case, spelled as first seen.
    pub fn sources(&self, c: &Cluster) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let order = std::iter::once(c.canonical).chain(c.duplicates());
        for m in order {
            let s = self.articles[m as usize].source.trim();
            if !s.is_empty() && !out.iter().any(|o| o.to_lowercase() == s.to_lowercase()) {
                out.push(s);
            }
        }
        out
    }

    /// The JSON object of one cluster.
    pub fn record(&self, c: &Cluster) -> Map<String, Value> {
        let a = &self.articles[c.canonical as usize];
        let mut m = Map::new();
        m.insert("id".into(), a.id.clone().into());
        m.insert("source".into(), a.source.clone().into());
        m.insert("title".into(), a.title.clone().into());
        m.insert("date".into(), a.date.clone().into());
        if let Some(url) = &a.url {
            m.insert("url".into(), url.clone().into());
        }
        m.insert("categories".into(), a.categories.clone().into());
        m.insert("body".into(), a.body.clone().into());
        // Pass-through fields follow; one whose name the output uses itself
        // (`sources`, `duplicates`, or a known field kept there for its
        // wrong type) is kept under the name with `_` prefixed until free.
        for (k, v) in &a.extra {
            let mut key = k.clone();
            while m.contains_key(&key) || OWN_FIELDS.contains(&key.as_str()) {
                key.insert(0, '_');
            }
            m.insert(key, v.clone());
        }
        m.insert("sources".into(), self.sources(c).into());
        let canon = &self.sigs[c.canonical as usize];
        let dups: Vec<Value> = c
            .duplicates()
            .map(|d| {
                let da = &self.articles[d as usize];
                let s = similarity(canon, &self.sigs[d as usize]);
                let mut dm = Map::new();
                dm.insert("id".into(), da.id.clone().into());
                dm.insert("source".into(), da.source.clone().into());
                dm.insert("title".into(), da.title.clone().into());
                dm.insert("date".into(), da.date.clone().into());
                dm.insert("similarity".into(), round4(s.jaccard).into());
                dm.insert("containment".into(), round4(s.containment).into());
                Value::Object(dm)
            })
            .collect();
        m.insert("duplicates".into(), dups.into());
        m
    }
}

/// Write `out` to `w` in `format`.
pub fn write(format: OutputFormat, out: &Output, w: &mut dyn Write) -> io::Result<()> {
    match format {
        OutputFormat::Jsonl => jsonl::write(out, w),
        OutputFormat::Json => json::write(out, w),
        OutputFormat::Text => text::write(out, w),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Origin;

    #[test]
    fn pass_through_fields_never_overwrite_output_fields() {
        let mut a = Article::at(Origin { file: "in".into(), line: 1 });
        a.body = "x y z".into();
        for (k, v) in [
            ("sources", serde_json::json!(["wire"])),
            ("duplicates", 7.into()),
            ("_sources", 1.into()),
            ("lang", "en".into()),
        ] {
            a.extra.insert(k.into(), v);
        }
        let sig =
            Signature { fingerprint: 0, shingles: vec![1], words: 3, text_key: 1, url_key: None, ..Default::default() };
        let clusters = [Cluster { canonical: 0, members: vec![0] }];
        let out = Output { articles: std::slice::from_ref(&a), sigs: std::slice::from_ref(&sig), clusters: &clusters };
        let text = serde_json::to_string(&out.record(&clusters[0])).unwrap();
        assert_eq!(
            text,
            r#"{"id":"in:1","source":"","title":"","date":null,"categories":[],"body":"x y z","_sources":["wire"],"_duplicates":7,"__sources":1,"lang":"en","sources":[],"duplicates":[]}"#
        );
    }
}
