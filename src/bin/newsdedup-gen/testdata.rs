//! Articles and helpers shared by the unit tests.

use newsdedup::record::{Article, Origin};

use crate::text::{paragraphs, Doc};

pub(crate) const FLOOD: &str = "PRAGUE (AP) \u{2014} Heavy rain caused the Vltava river to burst its banks in southern Bohemia on Tuesday, forcing the evacuation of about 2,000 residents from low-lying districts, regional officials said.

Firefighters used boats to reach families trapped on upper floors, and the army deployed two helicopters to carry drinking water and food to villages cut off by the flood.

\"We have never seen the water rise this fast in such a short time,\" said Jana Novakova, the mayor of one of the flooded towns. \"People had less than an hour to leave their homes.\"

The river peaked at 5.3 metres overnight, more than three metres above its normal level, and forecasters warned that further storms could push it higher before the weekend.

Prime Minister Petr Fiala said the government would release emergency funds on Wednesday. \"Nobody will be left alone with the damage,\" he told reporters in Prague after a meeting of the security council.

Insurers said they had already received more than 4,000 claims, most of them for flooded cellars, damaged cars and ruined household appliances, according to the Czech Insurance Association.";

pub(crate) const BANK: &str = "The European Central Bank kept its key interest rates unchanged on Thursday and said inflation in the euro area was returning to its target more slowly than it had expected in the spring.

ECB President Christine Lagarde told reporters in Frankfurt that the governing council would continue to decide meeting by meeting. 'We are not committing in advance to any particular rate path,' she said.

Markets had priced in no change, and the euro was little moved after the announcement. Analysts said the bank was likely to cut rates again in December if wage growth continued to slow.

'The last mile of disinflation is always the hardest,' said Carsten Brzeski, an economist at ING in Frankfurt. He added that the bank would watch services prices closely over the winter.

The bank also said it would keep reinvesting the proceeds of maturing bonds bought under its pandemic programme until the end of the year, a decision welcomed by the governments of Italy and Greece.";

pub(crate) const ELECTION: &str = "Voters in the southern state went to the polls on Sunday in a closely watched election for governor that both parties have called a test of the national mood ahead of next year's vote.

Turnout was high in the morning, election officials said, with long lines reported outside polling stations in the capital and in several rural districts.

\u{201C}This is the most important election in a generation,\u{201D} the opposition candidate told supporters at a rally on Saturday night. \u{201C}Every single vote is going to count.\u{201D}

The incumbent governor, who is seeking a third term, has campaigned on his record of cutting taxes and attracting new factories to the state, while his rival has promised to expand health care.

Polls close at 8 p.m. local time, and the first results are expected shortly afterwards. A recount is automatic if the margin is less than half a percentage point.";

pub(crate) fn article(n: u64, source: &str, title: &str, body: &str) -> Article {
    let mut a = Article::at(Origin { file: "t.jsonl".into(), line: n });
    a.id = format!("t-{n}");
    a.source = source.into();
    a.title = title.into();
    a.date = Some("2019-05-30T10:00:00-04:00".into());
    a.body = body.into();
    a
}

pub(crate) fn inputs() -> Vec<Article> {
    vec![
        article(1, "ctk.cz", "Floods force thousands from homes in Bohemia", FLOOD),
        article(2, "ecb-watch.eu", "ECB holds rates, sees slower disinflation", BANK),
        article(3, "statehouse.com", "Voters head to the polls in governor's race", ELECTION),
    ]
}

pub(crate) fn doc(body: &str) -> Doc {
    Doc { source: "Test".into(), title: "A title".into(), date: None, paras: paragraphs(body) }
}

pub(crate) fn all_words(d: &Doc) -> Vec<String> {
    d.paras.iter().flat_map(|p| p.split_whitespace().map(str::to_owned)).collect()
}

/// `small` is `big` with words left out.
pub(crate) fn is_subsequence(small: &[String], big: &[String]) -> bool {
    let mut it = big.iter();
    small.iter().all(|w| it.any(|b| b == w))
}
