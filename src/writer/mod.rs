//! Writers: one file per output format, all fed the same [`Output`].
//!
//! The JSON record of a cluster (used by `jsonl` and `json`) holds the
//! canonical article's fields (`id`, `source`, `title`, `date`, `url` when
//! present, `categories`, `body`, then the passed-through fields), then
//! `sources` (distinct outlets, canonical first) and `duplicates` (every
//! other member: `id`, `source`, `title`, `date`, `similarity`, `containment`).
//! A pass-through field named like one of these is written as `_NAME`.
//!
//! A record read back from newsdedup's own output carries the duplicates and
//! sources its earlier run found ([`crate::record::Prior`]): they stay in its
//! cluster's lists, so running on one's own output loses no provenance.
//!
//! `filter` writes the input records less their duplicates, each as it was
//! read, with the duplicates in one added field; `ids` and `tsv` write ids
//! only (see their modules).

pub mod filter;
pub mod ids;
pub mod json;
pub mod jsonl;
pub mod text;

use std::collections::HashSet;
use std::io::{self, Write};

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

use crate::apply::Cluster;
use crate::dates::AsOf;
use crate::record::Article;
use crate::sign::Signature;
use crate::verify::similarity;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// One JSON object per cluster per line.
    Jsonl,
    /// One JSON array of cluster objects.
    Json,
    /// Human-readable: canonical title, outlets, duplicates, then the body.
    Text,
    /// The input records less their duplicates, each in its input shape
    /// with one provenance field added (needs the shapes kept:
    /// [`crate::reader::ReadOptions::keep_shape`]).
    Filter,
    /// One kept (canonical) id per line.
    Ids,
    /// `id`, `canonical`, `similarity` for every input record.
    Tsv,
}

/// Names of the fields every cluster record has.
pub const OWN_FIELDS: &[&str] =
    &["id", "source", "title", "date", "url", "categories", "body", "sources", "duplicates"];

/// Everything a writer needs: the records, their signatures and the clusters.
pub struct Output<'a> {
    pub articles: &'a [Article],
    pub sigs: &'a [Signature],
    pub clusters: &'a [Cluster],
    /// `--as-of`: when set, each `date` is followed by `date_resolved`, its
    /// ISO date (null when it names no one date; see [`AsOf::resolve`]).
    pub as_of: Option<AsOf>,
}

/// Round a similarity figure to 4 decimals for stable, readable output.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// One entry of a cluster's `duplicates`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Duplicate<'a> {
    /// A member of the cluster other than its canonical (an input position).
    Member(u32),
    /// A duplicate an earlier run found, as it wrote it.
    Prior(&'a Value),
}

/// The text of an `id` value: a string as is, a number as written.
fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl<'a> Output<'a> {
    /// `date_resolved` of a record's `date`, when `--as-of` was given.
    pub fn date_resolved(&self, date: Option<&str>) -> Option<Value> {
        let as_of = self.as_of?;
        Some(date.and_then(|d| as_of.resolve(d)).map_or(Value::Null, |d| d.to_string().into()))
    }

    /// Distinct outlets of a cluster, canonical first, then in input order,
    /// each record's outlet followed by the sources an earlier run found for
    /// it; compared without case, spelled as first seen.
    pub fn sources(&self, c: &Cluster) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut add = |s: &'a str| {
            let s = s.trim();
            if !s.is_empty() && seen.insert(s.to_lowercase()) {
                out.push(s);
            }
        };
        for m in std::iter::once(c.canonical).chain(c.duplicates()) {
            let a = &self.articles[m as usize];
            add(&a.source);
            for s in a.prior.iter().flat_map(|p| &p.sources) {
                add(s);
            }
        }
        out
    }

    /// Every other member of a cluster in input order, each followed by the
    /// duplicates an earlier run found for it (the canonical's too). An
    /// earlier duplicate whose id is already listed, or is a member's, is
    /// left out.
    pub fn duplicates(&self, c: &Cluster) -> Vec<Duplicate<'a>> {
        let articles = self.articles;
        let mut out = Vec::with_capacity(c.members.len() - 1);
        let has_prior = c.members.iter().any(|&m| articles[m as usize].prior.is_some());
        if !has_prior {
            out.extend(c.duplicates().map(Duplicate::Member));
            return out;
        }
        let mut seen: HashSet<String> = c.members.iter().map(|&m| articles[m as usize].id.clone()).collect();
        for &m in &c.members {
            if m != c.canonical {
                out.push(Duplicate::Member(m));
            }
            for d in articles[m as usize].prior.iter().flat_map(|p| &p.duplicates) {
                if d.get("id").and_then(id_text).is_none_or(|id| seen.insert(id)) {
                    out.push(Duplicate::Prior(d));
                }
            }
        }
        out
    }

    /// The JSON object of one cluster, built as a [`Value`] map (see
    /// [`Output::json`], which writes the same object without building it).
    /// An error reading a spooled body back is returned.
    pub fn record(&self, c: &Cluster) -> io::Result<Map<String, Value>> {
        match serde_json::to_value(self.json(c)) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(_) => unreachable!("a cluster record is a JSON object"),
            Err(e) => Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
        }
    }

    /// The JSON object of one cluster as a [`Serialize`] value, written
    /// field by field as it is serialized: `serde_json::to_writer(w,
    /// &out.json(c))` never holds the object, only one field's value at a
    /// time (the `duplicates` of a cluster of a million copies took 1 KB of
    /// [`Value`]s per duplicate when they were built first).
    pub fn json<'o>(&'o self, c: &'o Cluster) -> ClusterJson<'o, 'a> {
        ClusterJson { out: self, c }
    }

    /// The `duplicates` list of a cluster as JSON objects: `id`, `source`,
    /// `title`, `date`, `similarity`, `containment` of each other member,
    /// each followed by the earlier run's duplicates as they were written.
    pub fn duplicate_values(&self, c: &Cluster) -> Vec<Value> {
        match serde_json::to_value(self.duplicates_json(c)) {
            Ok(Value::Array(items)) => items,
            _ => unreachable!("a duplicates list is a JSON array of JSON values"),
        }
    }

    /// [`Output::duplicate_values`] as a [`Serialize`] value, written one
    /// entry at a time.
    pub fn duplicates_json<'o>(&'o self, c: &'o Cluster) -> DuplicatesJson<'o, 'a> {
        DuplicatesJson { out: self, c }
    }
}

/// One cluster's JSON object (see [`Output::json`]): the canonical article's
/// fields (`id`, `source`, `title`, `date`, `date_resolved` with `--as-of`,
/// `url` when present, `categories`, `body`), its pass-through fields (one
/// whose name the output uses itself, such as `sources`, `duplicates`, or a
/// known field kept there for its wrong type, under the name with `_`
/// prefixed until free), then `sources` and `duplicates`.
pub struct ClusterJson<'o, 'a> {
    out: &'o Output<'a>,
    c: &'o Cluster,
}

impl Serialize for ClusterJson<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (out, c) = (self.out, self.c);
        let a = &out.articles[c.canonical as usize];
        let mut m = serializer.serialize_map(None)?;
        m.serialize_entry("id", &a.id)?;
        m.serialize_entry("source", &a.source)?;
        m.serialize_entry("title", &a.title)?;
        m.serialize_entry("date", &a.date)?;
        // Names taken that are not in OWN_FIELDS.
        let mut taken: HashSet<String> = HashSet::new();
        if let Some(r) = out.date_resolved(a.date.as_deref()) {
            m.serialize_entry("date_resolved", &r)?;
            taken.insert("date_resolved".into());
        }
        if let Some(url) = &a.url {
            m.serialize_entry("url", url)?;
        }
        m.serialize_entry("categories", &a.categories)?;
        m.serialize_entry("body", &a.body)?;
        for (k, v) in &a.extra {
            let mut key = k.clone();
            while taken.contains(&key) || OWN_FIELDS.contains(&key.as_str()) {
                key.insert(0, '_');
            }
            m.serialize_entry(&key, v)?;
            taken.insert(key);
        }
        m.serialize_entry("sources", &out.sources(c))?;
        m.serialize_entry("duplicates", &out.duplicates_json(c))?;
        m.end()
    }
}

/// One cluster's `duplicates` list (see [`Output::duplicates_json`]).
pub struct DuplicatesJson<'o, 'a> {
    out: &'o Output<'a>,
    c: &'o Cluster,
}

impl Serialize for DuplicatesJson<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (out, c) = (self.out, self.c);
        let canon = &out.sigs[c.canonical as usize];
        let dups = out.duplicates(c);
        let mut seq = serializer.serialize_seq(Some(dups.len()))?;
        for d in dups {
            match d {
                Duplicate::Prior(v) => seq.serialize_element(v)?,
                Duplicate::Member(d) => seq.serialize_element(&MemberJson { out, canon, d })?,
            }
        }
        seq.end()
    }
}

/// One member's entry in `duplicates`: `id`, `source`, `title`, `date`
/// (`date_resolved` with `--as-of`), `similarity`, `containment`.
struct MemberJson<'o, 'a> {
    out: &'o Output<'a>,
    canon: &'o Signature,
    d: u32,
}

impl Serialize for MemberJson<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let da = &self.out.articles[self.d as usize];
        let s = similarity(self.canon, &self.out.sigs[self.d as usize]);
        let mut m = serializer.serialize_map(None)?;
        m.serialize_entry("id", &da.id)?;
        m.serialize_entry("source", &da.source)?;
        m.serialize_entry("title", &da.title)?;
        m.serialize_entry("date", &da.date)?;
        if let Some(r) = self.out.date_resolved(da.date.as_deref()) {
            m.serialize_entry("date_resolved", &r)?;
        }
        m.serialize_entry("similarity", &json_figure(round4(s.jaccard)))?;
        m.serialize_entry("containment", &json_figure(round4(s.containment)))?;
        m.end()
    }
}

/// A figure as JSON writes it: a number, or null when it is not finite
/// (as [`Value::from`] an `f64` has it).
fn json_figure(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// How a format lays out its items (a cluster's text, a kept record's, a
/// record's line) after its head: the writers lay out their items with it,
/// and so does the stages' `merge` with items written apart
/// ([`crate::stages::merge`]), so that both write the same bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Each item followed by a line feed (`jsonl`, `ids`, `tsv`, filter's
    /// JSON Lines and CSV).
    Lines,
    /// Items one a line between `[` and `]`, separated by commas (`json`,
    /// filter's JSON array); no item: `[]`.
    Array,
    /// Items (each ending its last line) separated by an empty line (`text`).
    Blocks,
}

/// Items rendered at once by [`Framed::items`]: enough for every worker to
/// render many chunks, few enough that their text stays small (a window of
/// clusters is a few MB).
const RENDER_WINDOW: usize = 4096;
/// Items one worker renders in a row.
const RENDER_CHUNK: usize = 64;

/// A cluster of more members than this is written straight through, not
/// rendered apart (its text lists every member: a million copies of one
/// page make one item of tens of MB).
const STREAMED_MEMBERS: usize = 1024;

/// True for a cluster written straight through (see [`Framed::items`]).
pub(crate) fn streamed(c: &Cluster) -> bool {
    c.members.len() > STREAMED_MEMBERS
}

/// A chunk of items rendered: their text, where each ends, and the error
/// that stopped the chunk, if one did.
struct Rendered {
    text: Vec<u8>,
    ends: Vec<usize>,
    failed: Option<io::Error>,
}

/// Items being written to `w` as a [`Framing`] lays them out.
pub struct Framed<'w> {
    framing: Framing,
    w: &'w mut dyn Write,
    items: usize,
}

impl<'w> Framed<'w> {
    /// Start the layout (an array's `[`).
    pub fn start(framing: Framing, w: &'w mut dyn Write) -> io::Result<Framed<'w>> {
        if framing == Framing::Array {
            w.write_all(b"[")?;
        }
        Ok(Framed { framing, w, items: 0 })
    }

    /// Write one item, its text written by `write`, with what goes before
    /// and after it.
    pub fn item(&mut self, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
        let first = self.items == 0;
        self.items += 1;
        match self.framing {
            Framing::Lines => {
                write(&mut *self.w)?;
                self.w.write_all(b"\n")
            }
            Framing::Array => {
                self.w.write_all(if first { b"\n" } else { b",\n" })?;
                write(&mut *self.w)
            }
            Framing::Blocks => {
                if !first {
                    self.w.write_all(b"\n")?;
                }
                write(&mut *self.w)
            }
        }
    }

    /// Write one item's text.
    pub fn text(&mut self, text: &str) -> io::Result<()> {
        self.item(|w| w.write_all(text.as_bytes()))
    }

    /// Write one item for each of `items`, in order, its text written by
    /// `render`. Items are rendered in parallel (on the current rayon pool),
    /// a window of [`RENDER_WINDOW`] at a time, and written in order; an item
    /// that `large` picks (a cluster of many members, whose text would be
    /// held whole) is written straight through instead. The bytes are those
    /// of writing the items one by one, and when `render` fails, what was
    /// written before the failure is written and its error is returned, as
    /// one by one.
    pub fn items<T: Sync>(
        &mut self,
        items: &[T],
        large: impl Fn(&T) -> bool,
        render: impl Fn(&T, &mut dyn Write) -> io::Result<()> + Sync,
    ) -> io::Result<()> {
        let mut rest = items;
        while !rest.is_empty() {
            let window = &rest[..rest.len().min(RENDER_WINDOW)];
            let small = window.iter().position(&large).unwrap_or(window.len());
            self.render_in_parallel(&window[..small], &render)?;
            rest = &rest[small..];
            if small < window.len() {
                self.item(|w| render(&rest[0], w))?;
                rest = &rest[1..];
            }
        }
        Ok(())
    }

    /// [`items`](Framed::items) for items rendered in parallel.
    fn render_in_parallel<T: Sync>(
        &mut self,
        items: &[T],
        render: &(impl Fn(&T, &mut dyn Write) -> io::Result<()> + Sync),
    ) -> io::Result<()> {
        use rayon::prelude::*;
        let parts: Vec<Rendered> = items
            .par_chunks(RENDER_CHUNK)
            .map(|chunk| {
                let mut part = Rendered { text: Vec::new(), ends: Vec::with_capacity(chunk.len()), failed: None };
                for item in chunk {
                    if let Err(e) = render(item, &mut part.text) {
                        part.failed = Some(e);
                        break;
                    }
                    part.ends.push(part.text.len());
                }
                part
            })
            .collect();
        for part in parts {
            let mut start = 0;
            for end in part.ends {
                self.item(|w| w.write_all(&part.text[start..end]))?;
                start = end;
            }
            if let Some(e) = part.failed {
                // What the failing item wrote before it failed, then its error.
                let written = &part.text[start..];
                return self.item(|w| w.write_all(written).and(Err(e)));
            }
        }
        Ok(())
    }

    /// End the layout (an array's `]`).
    pub fn finish(self) -> io::Result<()> {
        match self.framing {
            Framing::Array => self.w.write_all(if self.items == 0 { b"]\n" } else { b"\n]\n" }),
            Framing::Lines | Framing::Blocks => Ok(()),
        }
    }
}

impl OutputFormat {
    /// How the format lays out its items; filter's as its `kind` says
    /// (the other formats ignore it).
    pub fn framing(self, kind: &filter::Kind) -> Framing {
        match self {
            OutputFormat::Jsonl => jsonl::FRAMING,
            OutputFormat::Json => json::FRAMING,
            OutputFormat::Text => text::FRAMING,
            OutputFormat::Filter => kind.framing(),
            OutputFormat::Ids | OutputFormat::Tsv => ids::FRAMING,
        }
    }
}

/// Write what `format` writes before its items: `tsv`'s header line, the
/// header row of filter's CSV (`kind`; the other formats ignore it).
pub fn write_head(format: OutputFormat, kind: &filter::Kind, w: &mut dyn Write) -> io::Result<()> {
    match format {
        OutputFormat::Tsv => ids::write_tsv_head(w),
        OutputFormat::Filter => kind.write_head(w),
        OutputFormat::Jsonl | OutputFormat::Json | OutputFormat::Text | OutputFormat::Ids => Ok(()),
    }
}

/// Write `out` to `w` in `format`.
pub fn write(format: OutputFormat, out: &Output, w: &mut dyn Write) -> io::Result<()> {
    match format {
        OutputFormat::Jsonl => jsonl::write(out, w),
        OutputFormat::Json => json::write(out, w),
        OutputFormat::Text => text::write(out, w),
        OutputFormat::Filter => filter::write(out, w),
        OutputFormat::Ids => ids::write_ids(out, w),
        OutputFormat::Tsv => ids::write_tsv(out, w),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Origin, Prior};

    fn sig() -> Signature {
        Signature { fingerprint: 0, shingles: vec![1], words: 3, text_key: 1, url_key: None, ..Default::default() }
    }

    fn article(line: u64, source: &str) -> Article {
        let mut a = Article::at(Origin { file: "in".into(), line });
        a.source = source.into();
        a.body = "x y z".into();
        a
    }

    #[test]
    fn items_rendered_in_parallel_are_written_as_one_by_one() {
        // Across window and chunk edges, in every framing, with items written
        // straight through (every 97th from the 5th) among those rendered
        // apart, with and without a failing item: the same bytes and the
        // same error as a loop.
        for n in [0, 1, RENDER_CHUNK + 1, RENDER_WINDOW + 3 * RENDER_CHUNK + 5] {
            let items: Vec<usize> = (0..n).collect();
            for fail_at in [None, Some(0), Some(5), Some(n / 2), Some(n.saturating_sub(1))] {
                let render = |&i: &usize, w: &mut dyn Write| {
                    if Some(i) == fail_at {
                        // Part of the item, then the failure.
                        write!(w, "it")?;
                        return Err(io::Error::other(format!("item {i}")));
                    }
                    write!(w, "item {i}")
                };
                for framing in [Framing::Lines, Framing::Array, Framing::Blocks] {
                    let (mut one, mut all) = (Vec::new(), Vec::new());
                    let looped = (|| {
                        let mut f = Framed::start(framing, &mut one)?;
                        for i in &items {
                            f.item(|w| render(i, w))?;
                        }
                        f.finish()
                    })();
                    let parallel = (|| {
                        let mut f = Framed::start(framing, &mut all)?;
                        f.items(&items, |&i| i % 97 == 5, render)?;
                        f.finish()
                    })();
                    assert_eq!(one, all, "n {n} fail {fail_at:?} {framing:?}");
                    assert_eq!(
                        looped.map_err(|e| e.to_string()),
                        parallel.map_err(|e| e.to_string()),
                        "n {n} fail {fail_at:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn sources_of_many_outlets_keep_input_order_and_fold_case() {
        // 20,000 outlets once compared each with all before it (79 s to write).
        let mut articles: Vec<Article> = (0..20_000).map(|i| article(i + 1, &format!("Outlet {i}"))).collect();
        articles.push(article(20_001, "OUTLET 7"));
        articles.push(article(20_002, " outlet 19999 "));
        articles.push(article(20_003, ""));
        let sigs = vec![sig(); articles.len()];
        let clusters = [Cluster { canonical: 3, members: (0..articles.len() as u32).collect() }];
        let out = Output { articles: &articles, sigs: &sigs, clusters: &clusters, as_of: None };
        let sources = out.sources(&clusters[0]);
        assert_eq!(sources.len(), 20_000);
        assert_eq!(sources[..3], ["Outlet 3", "Outlet 0", "Outlet 1"]);
        assert_eq!(sources[19_999], "Outlet 19999");
        let expected: Vec<String> =
            [3].into_iter().chain((0..20_000).filter(|&i| i != 3)).map(|i| format!("Outlet {i}")).collect();
        assert_eq!(sources, expected);
    }

    #[test]
    fn earlier_duplicates_and_sources_stay_in_the_cluster() {
        let mut a = article(1, "AP");
        a.id = "a".into();
        a.prior = Some(Box::new(Prior {
            duplicates: vec![
                serde_json::json!({"id": "old1", "source": "Yahoo"}),
                serde_json::json!({"id": "b", "source": "BBC"}),
            ],
            sources: vec!["AP".into(), "Yahoo".into()],
        }));
        let mut b = article(2, "BBC");
        b.id = "b".into();
        let mut c = article(3, "CNN");
        c.id = "c".into();
        c.prior = Some(Box::new(Prior {
            duplicates: vec![serde_json::json!({"id": "old2", "source": "Le Monde"})],
            sources: vec!["CNN".into(), "le monde".into()],
        }));
        let articles = [a, b, c];
        let sigs = vec![sig(); 3];
        let clusters = [Cluster { canonical: 1, members: vec![0, 1, 2] }];
        let out = Output { articles: &articles, sigs: &sigs, clusters: &clusters, as_of: None };
        let record = out.record(&clusters[0]).unwrap();
        let ids: Vec<&str> =
            record["duplicates"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["a", "old1", "c", "old2"]);
        assert_eq!(record["sources"], serde_json::json!(["BBC", "AP", "Yahoo", "CNN", "le monde"]));
    }

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
        let out = Output {
            articles: std::slice::from_ref(&a),
            sigs: std::slice::from_ref(&sig),
            clusters: &clusters,
            as_of: None,
        };
        let text = serde_json::to_string(&out.record(&clusters[0]).unwrap()).unwrap();
        assert_eq!(
            text,
            r#"{"id":"in:1","source":"","title":"","date":null,"categories":[],"body":"x y z","_sources":["wire"],"_duplicates":7,"__sources":1,"lang":"en","sources":[],"duplicates":[]}"#
        );
    }
}
