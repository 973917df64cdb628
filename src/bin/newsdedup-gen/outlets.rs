//! Outlets: names and the fixed site boilerplate of each.

pub(crate) const OUTLETS: [&str; 40] = [
    "Yahoo News",
    "The Sun",
    "Daily Mail",
    "The Independent",
    "ABC News",
    "CBS News",
    "NBC News",
    "Fox News",
    "The Washington Post",
    "Los Angeles Times",
    "Chicago Tribune",
    "The Seattle Times",
    "The Boston Globe",
    "Houston Chronicle",
    "San Francisco Chronicle",
    "Star Tribune",
    "Miami Herald",
    "The Denver Post",
    "Tampa Bay Times",
    "Arkansas Democrat-Gazette",
    "Hindustan Times",
    "The Straits Times",
    "South China Morning Post",
    "The Japan Times",
    "Asahi Shimbun",
    "The Hindu",
    "Arab News",
    "France 24",
    "Deutsche Welle",
    "The Irish Times",
    "The Guardian",
    "The Sydney Morning Herald",
    "NZ Herald",
    "Toronto Star",
    "CTV News",
    "Euronews",
    "MarketWatch",
    "Business Insider",
    "Newsweek",
    "U.S. News & World Report",
];

const HEAD_LINES: [&str; 5] =
    ["Advertisement", "Listen to this article", "Share this article", "Supported by", "{name} | Breaking News"];

const TAIL_LINES: [&str; 12] = [
    "Sign up for our daily newsletter.",
    "Sign up for the {name} morning briefing and get the day's top stories in your inbox.",
    "Follow {name} on Facebook, Twitter and Instagram.",
    "Copyright 2019 {name}. All rights reserved.",
    "This material may not be published, broadcast, rewritten or redistributed.",
    "Download the {name} app for breaking news alerts.",
    "Have a news tip? Email us at tips@{domain}.",
    "Subscribe to {name} for unlimited digital access.",
    "We use cookies to improve your experience on our site.",
    "Comments on this article are closed.",
    "Related Stories",
    "Most Read",
];

/// The fixed (head, tail) boilerplate lines of outlet `i`.
pub(crate) fn outlet_lines(i: usize) -> (Vec<String>, Vec<String>) {
    let name = OUTLETS[i];
    let domain: String = name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase() + ".com";
    let fill = |t: &str| t.replace("{name}", name).replace("{domain}", &domain);
    let head = if i.is_multiple_of(3) { vec![fill(HEAD_LINES[(i / 3) % HEAD_LINES.len()])] } else { Vec::new() };
    let tail = (0..1 + i % 3).map(|k| fill(TAIL_LINES[(i * 5 + k * 7) % TAIL_LINES.len()])).collect();
    (head, tail)
}
