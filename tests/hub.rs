//! End to end: a roundup page that reprints two different stories in full
//! must not glue them into one cluster (single-link over verified pairs
//! would), while a real copy still joins its original.

use std::process::Command;

fn listing_bodies() -> Vec<(String, String)> {
    // (source, body) of each entry of the bundled sample, via the binary's own reader.
    let out = Command::new(env!("CARGO_BIN_EXE_newsdedup"))
        .args(["--canonical", "first", "--jaccard", "1", "--containment", "1", "--link", "1"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/listing-janlipavsky.txt"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut v = Vec::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let r: serde_json::Value = serde_json::from_str(line).unwrap();
        v.push((r["source"].as_str().unwrap().to_owned(), r["body"].as_str().unwrap().to_owned()));
    }
    v
}

#[test]
fn roundup_page_does_not_merge_two_stories() {
    let entries = listing_bodies();
    let sun = &entries.iter().find(|(s, _)| s == "The Sun").unwrap().1;
    let asahi = &entries.iter().find(|(s, _)| s == "Asahi Shimbun").unwrap().1;
    let roundup =
        format!("Today's top stories on Czech diplomacy.\n\n{sun}\n\nAlso today:\n\n{asahi}\n\nMore news below.");
    let copy = sun.replace('\'', "\u{2019}").replacen("PRAGUE: ", "", 1);
    let records = [
        ("sun", "The Sun", sun.as_str()),
        ("asahi", "Asahi Shimbun", asahi),
        ("roundup", "Digest", &roundup),
        ("copy", "Yahoo", &copy),
    ];
    let input: String = records
        .iter()
        .map(|(id, src, body)| {
            serde_json::json!({"id": id, "source": src, "title": id, "body": body}).to_string() + "\n"
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    std::fs::write(&path, input).unwrap();

    // The figures that make this a real hub: the roundup contains both stories.
    for other in ["sun", "asahi"] {
        let out = Command::new(env!("CARGO_BIN_EXE_newsdedup"))
            .args(["explain", "--json", "roundup", other])
            .arg(&path)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["containment"].as_f64().unwrap() >= 0.95, "{v}");
        assert_eq!(v["hub"], true, "{v}");
    }

    let out = Command::new(env!("CARGO_BIN_EXE_newsdedup")).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut clusters: Vec<Vec<String>> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let r: serde_json::Value = serde_json::from_str(l).unwrap();
            let mut ids = vec![r["id"].as_str().unwrap().to_owned()];
            ids.extend(r["duplicates"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_owned()));
            ids.sort();
            ids
        })
        .collect();
    clusters.sort();
    assert_eq!(clusters, vec![vec!["asahi"], vec!["copy", "sun"], vec!["roundup"]]);
}
