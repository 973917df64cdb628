//! Canonical URLs: two records with the same canonical URL are one article.
//!
//! Canonicalization ignores the scheme (`http`/`https`), a leading `www.`,
//! the port when it is the default of either scheme (80 or 443), case in the host, a trailing slash, the
//! fragment, and tracking query parameters (`utm_*`, `fbclid`, `gclid`, ...).
//! The remaining query parameters are kept, sorted.

use url::Url;

fn is_tracking(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("utm_")
        || matches!(
            k.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "msclkid"
                | "mc_cid"
                | "mc_eid"
                | "igshid"
                | "yclid"
                | "_ga"
                | "ref"
                | "ref_src"
                | "cmpid"
                | "ncid"
                | "smid"
                | "ocid"
        )
}

/// The canonical form of `raw`, or `None` when it names no single article:
/// not an absolute http(s) URL (a relative path such as `/world/story-1`
/// says nothing of the site), a host without a dot, or a site's front page.
pub fn canonical_url(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.starts_with('/') || raw.is_empty() {
        return None;
    }
    let url = match Url::parse(raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u,
        // Another scheme (`ftp://`); `x.com:8080/a` parses with scheme `x.com`.
        Ok(u) if raw.get(u.scheme().len()..).is_some_and(|rest| rest.starts_with("://")) => return None,
        _ => Url::parse(&format!("http://{raw}")).ok()?,
    };
    let host = url.host_str()?.to_ascii_lowercase();
    // Every leading `www.` goes, but only where a dotted host remains
    // (`www.com` keeps it), so that a canonical form read again is itself.
    let mut host = host.as_str();
    while let Some(rest) = host.strip_prefix("www.").filter(|h| h.contains('.')) {
        host = rest;
    }
    if !host.contains('.') {
        return None;
    }
    let mut out = String::from(host);
    // The scheme is dropped, so either scheme's default port is no port.
    if let Some(port) = url.port().filter(|p| !matches!(p, 80 | 443)) {
        out.push(':');
        out.push_str(&port.to_string());
    }
    let path = url.path().trim_end_matches('/');
    out.push_str(path);
    let mut query: Vec<(String, String)> =
        url.query_pairs().filter(|(k, _)| !is_tracking(k)).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if path.is_empty() && query.is_empty() {
        return None; // a front page, not an article
    }
    if !query.is_empty() {
        query.sort();
        out.push('?');
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        ser.extend_pairs(query);
        out.push_str(&ser.finish());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_www_slash_tracking_and_fragment_are_ignored() {
        let a = canonical_url("https://www.Example.com/news/story/?utm_source=tw&id=3&utm_medium=x#top").unwrap();
        let b = canonical_url("http://example.com/news/story?id=3").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, "example.com/news/story?id=3");
    }

    #[test]
    fn different_paths_or_queries_differ() {
        assert_ne!(canonical_url("https://x.com/a"), canonical_url("https://x.com/b"));
        assert_ne!(canonical_url("https://x.com/a?id=1"), canonical_url("https://x.com/a?id=2"));
        assert_eq!(canonical_url("x.com/a/"), canonical_url("https://x.com/a"));
        assert_eq!(canonical_url(""), None);
    }

    #[test]
    fn canonical_form_read_again_is_itself() {
        // `www.` was stripped from `www.a` (leaving a host without a dot), an
        // https port 80 was kept though the scheme was dropped, a `://` in a
        // path was taken for another scheme, and only one `www.` went.
        for (raw, canonical) in [
            ("www.a/x", Some("www.a/x")),
            ("https://x.com:80/a", Some("x.com/a")),
            ("http://x.com:443/a", Some("x.com/a")),
            ("x.com:8080/a", Some("x.com:8080/a")),
            ("http://www.a.com:8080/https://b.com/", Some("a.com:8080/https://b.com")),
            ("www.www.x.com/a", Some("x.com/a")),
        ] {
            assert_eq!(canonical_url(raw).as_deref(), canonical, "{raw}");
            if let Some(c) = canonical {
                assert_eq!(canonical_url(c).as_deref(), Some(c), "{raw}");
            }
        }
    }

    #[test]
    fn relative_paths_front_pages_and_other_schemes_name_no_article() {
        for raw in [
            "/world/story-1",
            "https://www.reuters.com/",
            "https://reuters.com",
            "reuters.com/?utm_source=x",
            "localhost/a",
            "mailto:desk@x.com",
            "ftp://x.com/a",
        ] {
            assert_eq!(canonical_url(raw), None, "{raw}");
        }
        assert_eq!(canonical_url("https://reuters.com/?id=7").as_deref(), Some("reuters.com?id=7"));
    }
}
