//! What kind of campaign a group is, from its behaviours and evidence, and the DISARM
//! techniques its evidence supports: the `kind` and `disarm` fields of `campaigns.json`.
//!
//! Both read only what the campaign's evidence shows (its internal significant edges per
//! behaviour, its platforms), never its narratives, so the same evidence always names the
//! same kind.

use std::collections::BTreeMap;

/// What a campaign does, in the words analysts use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CampaignKind {
    /// The same or near-identical text posted by many accounts (co-text, co-similar,
    /// co-image).
    CopyPaste,
    /// Accounts re-sharing the same posts within seconds or minutes (co-repost).
    RepostRing,
    /// A repost ring whose accounts are all on Mastodon or Bluesky, where a repost is a
    /// boost.
    BoostRing,
    /// Accounts sharing the same links (co-link).
    LinkRing,
    /// Accounts posting the same set of hashtags (co-hashtag).
    HashtagPush,
    /// Accounts replying to the same posts or mentioning the same accounts together
    /// (co-reply, co-mention).
    ReplySwarm,
    /// Members on two or more platforms acting together.
    CrossPlatform,
    /// No one behaviour dominates the evidence.
    Mixed,
}

impl CampaignKind {
    /// The name written in `campaigns.json` (`copy-paste`, `repost ring`, ...).
    pub fn name(self) -> &'static str {
        match self {
            CampaignKind::CopyPaste => "copy-paste",
            CampaignKind::RepostRing => "repost ring",
            CampaignKind::BoostRing => "boost ring",
            CampaignKind::LinkRing => "link ring",
            CampaignKind::HashtagPush => "hashtag push",
            CampaignKind::ReplySwarm => "reply swarm",
            CampaignKind::CrossPlatform => "cross-platform",
            CampaignKind::Mixed => "mixed",
        }
    }

    /// The kind a behaviour's evidence points to, if any (co-post, the density baseline,
    /// and co-object, CooRTweet's unnamed objects, point to none).
    pub fn of_behaviour(behaviour: &str) -> Option<Self> {
        Some(match behaviour {
            "co-text" | "co-similar" | "co-image" => CampaignKind::CopyPaste,
            "co-repost" => CampaignKind::RepostRing,
            "co-link" => CampaignKind::LinkRing,
            "co-hashtag" => CampaignKind::HashtagPush,
            "co-reply" | "co-mention" => CampaignKind::ReplySwarm,
            _ => return None,
        })
    }
}

/// The kind a behaviour's evidence points to ([`CampaignKind::of_behaviour`]).
pub fn behaviour_kind(behaviour: &str) -> Option<CampaignKind> {
    CampaignKind::of_behaviour(behaviour)
}

/// Share of the evidence the leading kind needs to name the campaign; below it (several
/// behaviours of comparable weight) the campaign is `mixed`.
pub const DOMINANT_SHARE: f64 = 0.5;

/// The kind of a campaign from its internal significant edges per behaviour
/// (`behaviours` of `campaigns.json`) and its members' platforms.
///
/// * Members on two or more platforms: `cross-platform` (whatever they did together).
/// * Otherwise the behaviours are pooled by kind (co-text and co-similar are both
///   copy-paste), and the kind with the most edges names the campaign when it holds at
///   least [`DOMINANT_SHARE`] of them; a repost ring on Mastodon or Bluesky only is a
///   `boost ring`.
/// * Otherwise, or with no evidence of a named behaviour, `mixed`.
///
/// Ties between kinds go to the earlier kind of [`CampaignKind`]'s order, so the result
/// never depends on map order.
pub fn campaign_kind(behaviours: &BTreeMap<String, usize>, platforms: &[String]) -> CampaignKind {
    if platforms.len() > 1 {
        return CampaignKind::CrossPlatform;
    }
    let mut by_kind: BTreeMap<CampaignKind, usize> = BTreeMap::new();
    let mut total = 0usize;
    for (b, &edges) in behaviours {
        if let Some(k) = CampaignKind::of_behaviour(b) {
            *by_kind.entry(k).or_default() += edges;
            total += edges;
        }
    }
    let Some((&kind, &edges)) = by_kind
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
    else {
        return CampaignKind::Mixed;
    };
    if total == 0 || (edges as f64) < DOMINANT_SHARE * total as f64 {
        return CampaignKind::Mixed;
    }
    let boosts =
        !platforms.is_empty() && platforms.iter().all(|p| p == "mastodon" || p == "bluesky");
    if kind == CampaignKind::RepostRing && boosts {
        CampaignKind::BoostRing
    } else {
        kind
    }
}

/// A technique of the DISARM Red framework.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Technique {
    /// Its id (`T0049.003`).
    pub id: &'static str,
    /// Its name as the framework gives it.
    pub name: &'static str,
    /// Its page in the framework's repository.
    pub url: &'static str,
}

macro_rules! technique {
    ($id:literal, $name:literal) => {
        Technique {
            id: $id,
            name: $name,
            url: concat!(
                "https://github.com/DISARMFoundation/DISARMframeworks/blob/main/generated_pages/techniques/",
                $id,
                ".md"
            ),
        }
    };
}

/// The DISARM techniques lockstep's evidence can support, with their published ids and
/// names.
///
/// Source: the DISARM Foundation's DISARMframeworks repository
/// (<https://github.com/DISARMFoundation/DISARMframeworks>, commit 49df5f64 of
/// 2025-02-10), `generated_pages/disarm_red_framework.md` and
/// `generated_pages/techniques/<id>.md`. Only techniques a behaviour observes directly are
/// listed: automated reposting (co-repost), copypasta (co-text, co-similar), reuse of
/// existing content (co-image), flooding a hashtag (co-hashtag), swarming and inauthentic
/// comments (co-reply, co-mention), posting across groups (co-link) and across platforms.
pub const TECHNIQUES: [Technique; 8] = [
    technique!(
        "T0049.003",
        "Bots Amplify via Automated Forwarding and Reposting"
    ),
    technique!("T0084.001", "Use Copypasta"),
    technique!("T0084", "Reuse Existing Content"),
    technique!("T0049.002", "Flood Existing Hashtag"),
    technique!("T0049.005", "Conduct Swarming"),
    technique!("T0116.001", "Post Inauthentic Social Media Comment"),
    technique!("T0119.001", "Post across Groups"),
    technique!("T0119.002", "Post across Platform"),
];

/// The technique with id `id`, if lockstep maps to it.
pub fn technique(id: &str) -> Option<&'static Technique> {
    TECHNIQUES.iter().find(|t| t.id == id)
}

/// The DISARM technique ids a behaviour's evidence supports.
fn behaviour_techniques(behaviour: &str) -> &'static [&'static str] {
    match behaviour {
        "co-repost" => &["T0049.003"],
        "co-text" | "co-similar" => &["T0084.001"],
        "co-image" => &["T0084"],
        "co-hashtag" => &["T0049.002"],
        "co-reply" => &["T0049.005", "T0116.001"],
        "co-mention" => &["T0049.005"],
        "co-link" => &["T0119.001"],
        _ => &[],
    }
}

/// The DISARM technique ids a campaign's evidence supports: those of every behaviour with
/// internal significant edges, and posting across platforms when its members are on two
/// or more; sorted and distinct.
pub fn disarm_techniques(
    behaviours: &BTreeMap<String, usize>,
    platforms: &[String],
) -> Vec<String> {
    let mut ids: Vec<&str> = behaviours
        .iter()
        .filter(|(_, &n)| n > 0)
        .flat_map(|(b, _)| behaviour_techniques(b).iter().copied())
        .collect();
    if platforms.len() > 1 {
        ids.push("T0119.002");
    }
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edges(list: &[(&str, usize)]) -> BTreeMap<String, usize> {
        list.iter().map(|(b, n)| (b.to_string(), *n)).collect()
    }

    fn one(p: &str) -> Vec<String> {
        vec![p.to_string()]
    }

    #[test]
    fn the_dominant_behaviour_names_the_kind() {
        let w = one("weibo");
        let k = |l: &[(&str, usize)]| campaign_kind(&edges(l), &w).name();
        assert_eq!(
            k(&[("co-text", 40), ("co-similar", 60), ("co-hashtag", 30)]),
            "copy-paste"
        );
        assert_eq!(k(&[("co-repost", 45)]), "repost ring");
        assert_eq!(k(&[("co-link", 20), ("co-post", 500)]), "link ring");
        assert_eq!(k(&[("co-hashtag", 66), ("co-text", 10)]), "hashtag push");
        assert_eq!(k(&[("co-reply", 12), ("co-mention", 3)]), "reply swarm");
        // No behaviour holds half the evidence.
        assert_eq!(
            k(&[("co-repost", 10), ("co-link", 9), ("co-hashtag", 8)]),
            "mixed"
        );
        // Nothing named.
        assert_eq!(k(&[("co-post", 10)]), "mixed");
        assert_eq!(k(&[]), "mixed");
        // A tie goes to the earlier kind.
        assert_eq!(k(&[("co-repost", 10), ("co-text", 10)]), "copy-paste");
    }

    #[test]
    fn platforms_decide_boosts_and_cross_platform() {
        let reposts = edges(&[("co-repost", 30)]);
        assert_eq!(
            campaign_kind(&reposts, &one("mastodon")),
            CampaignKind::BoostRing
        );
        assert_eq!(
            campaign_kind(&reposts, &one("twitter")),
            CampaignKind::RepostRing
        );
        let two = vec!["wechat".to_string(), "weibo".to_string()];
        assert_eq!(
            campaign_kind(&edges(&[("co-similar", 30)]), &two),
            CampaignKind::CrossPlatform
        );
        assert_eq!(
            disarm_techniques(&edges(&[("co-similar", 30)]), &two),
            vec!["T0084.001", "T0119.002"]
        );
    }

    #[test]
    fn techniques_come_from_the_evidence_and_are_known() {
        let ids = disarm_techniques(
            &edges(&[
                ("co-reply", 4),
                ("co-text", 2),
                ("co-link", 0),
                ("co-post", 9),
            ]),
            &one("twitter"),
        );
        assert_eq!(ids, vec!["T0049.005", "T0084.001", "T0116.001"]);
        for b in [
            "co-repost",
            "co-text",
            "co-similar",
            "co-image",
            "co-hashtag",
            "co-reply",
            "co-mention",
            "co-link",
        ] {
            for id in behaviour_techniques(b) {
                assert!(technique(id).is_some(), "{id} of {b} is not in TECHNIQUES");
            }
        }
        assert!(technique("T0119.002").is_some());
        // Ids as the framework writes them: T, four digits, optionally a three-digit
        // sub-technique.
        for t in TECHNIQUES {
            let (main, sub) = t.id.split_once('.').unwrap_or((t.id, ""));
            assert!(main.len() == 5 && main.starts_with('T'), "{}", t.id);
            assert!(sub.is_empty() || sub.len() == 3, "{}", t.id);
            assert!(t.url.ends_with(&format!("{}.md", t.id)));
        }
    }
}
