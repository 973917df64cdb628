//! `newsdedup explain ID_A ID_B INPUT...`: why two records did or did not
//! cluster. Also the per-pair analysis `eval` prints for each error.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::boilerplate::Fate;
use crate::cluster::Hub;
use crate::config::Params;
use crate::error::Error;
use crate::pairs::{proposed_via, via, Proposal};
use crate::record::Article;
use crate::verify::{decide, shingle_rules_apply, similarity, Edge, Reason, Similarity};
use crate::writer::round4;
use crate::Dedup;

/// What decided a pair, with every figure behind it.
#[derive(Debug, Clone)]
pub struct PairReport {
    pub a: u32,
    pub b: u32,
    pub sim: Similarity,
    /// Keys of the candidate index that proposed the pair (0: never proposed).
    pub proposed: u8,
    /// The verification rule that passed, if any.
    pub reason: Option<Reason>,
    /// Why verification failed, when it did.
    pub failed_because: Option<String>,
    pub same_cluster: bool,
    pub hub_a: bool,
    pub hub_b: bool,
    pub excerpt_a: bool,
    pub excerpt_b: bool,
    /// The hub or excerpt that made the cluster stage drop a containment
    /// pair, as "A" or "B" with its role.
    pub dropped_by: Option<String>,
}

fn via_names(v: u8) -> Vec<&'static str> {
    [(via::SIMHASH, "simhash table"), (via::ANCHOR, "shingle anchor"), (via::TEXT, "same text"), (via::URL, "same URL")]
        .into_iter()
        .filter(|(f, _)| v & f != 0)
        .map(|(_, n)| n)
        .collect()
}

/// The candidate index's proposals of a finished run, with the keys behind
/// each: the run keeps its pairs only ([`crate::pairs::Candidate`]), so
/// they are proposed once more.
pub fn proposals(d: &Dedup, p: &Params) -> Vec<Proposal> {
    crate::pairs::proposals(&d.sigs, &d.ranks, p)
}

/// Analyse the pair `(a, b)` of a finished run; `proposals` are its
/// [`proposals`].
pub fn analyse(a: u32, b: u32, d: &Dedup, cluster_of: &[u32], proposals: &[Proposal], p: &Params) -> PairReport {
    let (x, y) = (a.min(b), a.max(b));
    let (sa, sb) = (&d.sigs[a as usize], &d.sigs[b as usize]);
    let sim = similarity(sa, sb);
    let reason = decide(sa, sb, &sim, p);
    let proposed = proposed_via(proposals, x, y);
    let failed_because = reason.is_none().then(|| {
        if sa.stub || sb.stub {
            format!(
                "{} (a short body of outlet boilerplate only, such as a paywall notice); stubs match only the same body under the same title ({})",
                if sa.stub && sb.stub { "both records are stubs" } else { "a record is a stub" },
                if sa.same_text(sb) { "the titles differ" } else { "the bodies differ" }
            )
        } else if !shingle_rules_apply(sa, sb, p) {
            format!(
                "a record has fewer than --min-words {} words ({} and {}) and the normalized texts differ",
                p.min_words, sa.words, sb.words
            )
        } else {
            format!(
                "Jaccard {} < {} and containment {} < {}",
                round4(sim.jaccard),
                p.jaccard,
                round4(sim.containment),
                p.containment
            )
        }
    });
    // Whether the cluster stage uses the pair, and if not, which role (of
    // which side, as the cluster stage sees the sides) dropped it.
    let dropped_by = reason.and_then(|reason| {
        let e = Edge { a: x, b: y, reason, sim };
        if crate::cluster::usable(&d.sigs, &d.ranks, &e, p, &d.hubs, &d.excerpts) {
            return None;
        }
        let (big, small) = crate::cluster::sides(&d.sigs, &d.ranks, &e);
        let label = |i: u32| if i == a { "A" } else { "B" };
        Some(if d.hubs[big as usize].roundup {
            format!("{} is a roundup (it is a Jaccard copy of records that are not related to each other, so no one story is the page)", label(big))
        } else if d.hubs[big as usize].hub {
            format!("{} is a hub (it contains records that are not related to each other: a roundup, live blog or aggregator page)", label(big))
        } else {
            format!("{} is an excerpt (it is contained in records that are not related to each other: a caption, blurb or quoted paragraph)", label(small))
        })
    });
    PairReport {
        a,
        b,
        sim,
        proposed,
        reason,
        failed_because,
        same_cluster: cluster_of[a as usize] == cluster_of[b as usize],
        hub_a: d.hubs[a as usize].hub,
        hub_b: d.hubs[b as usize].hub,
        excerpt_a: d.excerpts[a as usize],
        excerpt_b: d.excerpts[b as usize],
        dropped_by,
    }
}

/// The cluster index of every record.
pub fn cluster_of(d: &Dedup, n: usize) -> Vec<u32> {
    let mut of = vec![0u32; n];
    for (ci, c) in d.clusters.iter().enumerate() {
        for &m in &c.members {
            of[m as usize] = ci as u32;
        }
    }
    of
}

impl PairReport {
    /// A one-paragraph account of the decision.
    pub(crate) fn verdict(&self, p: &Params) -> String {
        let mut s = String::new();
        if self.proposed == 0 {
            s.push_str("the candidate index never proposed the pair; ");
        } else {
            s.push_str(&format!("proposed by {}; ", via_names(self.proposed).join(", ")));
        }
        match (self.reason, &self.failed_because) {
            (Some(Reason::Jaccard), _) => s.push_str(&format!("duplicates by Jaccard >= {}", p.jaccard)),
            (Some(Reason::Containment), _) => s.push_str(&format!("duplicates by containment >= {}", p.containment)),
            (Some(r), _) => s.push_str(&format!("duplicates by {}", r.as_str())),
            (None, Some(why)) => s.push_str(&format!("not duplicates: {why}")),
            (None, None) => s.push_str("not duplicates"),
        }
        if let Some(why) = &self.dropped_by {
            s.push_str(&format!("; the cluster stage does not use this pair: {why}"));
        } else if self.reason == Some(Reason::Jaccard) && (self.hub_a || self.hub_b) {
            s.push_str("; a hub is involved, but a Jaccard pair is a copy of the whole page and is used");
        }
        s.push_str(if self.same_cluster { "; same cluster" } else { "; different clusters" });
        s
    }

    pub fn to_json(&self, articles: &[Article], p: &Params) -> Value {
        let side = |i: u32| {
            let a = &articles[i as usize];
            json!({"id": a.id, "source": a.source, "title": a.title})
        };
        json!({
            "a": side(self.a),
            "b": side(self.b),
            "shared_shingles": self.sim.shared,
            "jaccard": round4(self.sim.jaccard),
            "containment": round4(self.sim.containment),
            "hamming": self.sim.hamming,
            "proposed_by": via_names(self.proposed),
            "decided_by": self.reason.map(Reason::as_str),
            "failed_because": self.failed_because,
            "hub": self.hub_a || self.hub_b,
            "hub_a": self.hub_a,
            "hub_b": self.hub_b,
            "excerpt_a": self.excerpt_a,
            "excerpt_b": self.excerpt_b,
            "dropped_by": self.dropped_by,
            "same_cluster": self.same_cluster,
            "verdict": self.verdict(p),
        })
    }
}

/// The lines of a body left out of the compared text, one per line, cut to
/// 70 characters; at most [`LEFT_OUT_SHOWN`] of them, then a count.
fn left_out(fates: &[(Fate, &str)]) -> String {
    let out: Vec<&(Fate, &str)> = fates.iter().filter(|(f, _)| *f != Fate::Kept).collect();
    if out.is_empty() {
        return String::new();
    }
    let mut s = format!("   left out of the compared text: {} of {} lines\n", out.len(), fates.len());
    for (fate, line) in out.iter().take(LEFT_OUT_SHOWN) {
        let line = line.trim();
        let cut: String = line.chars().take(70).collect();
        let more = if cut.len() < line.len() { "..." } else { "" };
        s += &format!("     {:<18} {cut}{more}\n", fate.as_str());
    }
    if out.len() > LEFT_OUT_SHOWN {
        s += &format!("     ... and {} more\n", out.len() - LEFT_OUT_SHOWN);
    }
    s
}

/// Left-out lines listed per record by `explain`.
const LEFT_OUT_SHOWN: usize = 12;

/// Position of the record with `id`, or a usage error naming it.
pub fn find_id(articles: &[Article], id: &str) -> Result<u32, Error> {
    articles
        .iter()
        .position(|a| a.id == id)
        .map(|i| i as u32)
        .ok_or_else(|| Error::Usage(format!("no record has id `{id}`")))
}

/// The text report of `explain` for the pair `r` of records `a` and `b`.
/// The one error is a spooled body that cannot be read back.
pub fn report_text(arts: &[Article], d: &Dedup, r: &PairReport, p: &Params) -> Result<String, Error> {
    let (a, b) = (r.a, r.b);
    let mut text = String::new();
    let canon: HashMap<u32, u32> =
        d.clusters.iter().flat_map(|c| c.members.iter().map(move |&m| (m, c.canonical))).collect();
    for (label, i) in [("A", a), ("B", b)] {
        let (art, s) = (&arts[i as usize], &d.sigs[i as usize]);
        text += &format!(
            "{label}: {} ({}) \"{}\"\n   {} words, {} shingles, fingerprint {:016x}{}{}{}, cluster of {}\n",
            art.id,
            art.source,
            art.title,
            s.words,
            s.shingles.len(),
            s.fingerprint,
            match d.hubs[i as usize] {
                Hub { roundup: true, .. } => ", roundup",
                Hub { hub: true, .. } => ", hub",
                _ => "",
            },
            if d.excerpts[i as usize] { ", excerpt" } else { "" },
            if s.stub { ", stub" } else { "" },
            arts[canon[&i] as usize].id
        );
        let body = art.body.text().map_err(Error::body)?;
        text += &left_out(&d.boilerplate.line_fates(&art.source, &body, p.min_line_words));
    }
    text += &format!(
        "shared shingles: {}\nJaccard:        {} (duplicates at >= {})\ncontainment:    {} (duplicates at >= {}, records of >= {} words)\nHamming:        {} (simhash tables propose <= {})\nproposed by:    {}\nverdict:        {}\n",
        r.sim.shared,
        round4(r.sim.jaccard),
        p.jaccard,
        round4(r.sim.containment),
        p.containment,
        p.min_words,
        r.sim.hamming,
        p.max_hamming,
        if r.proposed == 0 { "nothing (never compared)".to_string() } else { via_names(r.proposed).join(", ") },
        r.verdict(p)
    );
    Ok(text)
}
