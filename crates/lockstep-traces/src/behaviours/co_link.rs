//! co-link: sharing the same link (canonical URL; the raw URL under the toolkit's
//! semantics).

use super::{Extracted, Spec, MINUTE_AND_QUARTER};
use crate::trace::ev;
use crate::urls::canonical_url;
use crate::{ObjectSpace, Semantics};
use lockstep_model::{Interner, PostTable, NONE};
use rayon::prelude::*;

pub const SPEC: Spec = Spec {
    name: "co-link",
    cnt_name: Some("co_link"),
    aliases: &[],
    about: "sharing the same link (canonical URL)",
    authored: false,
    default: true,
    multi_object: true,
    windows_ms: MINUTE_AND_QUARTER,
    supported: |t| (0..t.len() as u32).any(|p| !t.url_syms(p).is_empty()),
    lack: |_| "no post in the input (reposts aside) has a link",
    extract: Some(extract),
};

fn extract(table: &PostTable, semantics: Semantics) -> Extracted {
    let n = table.len() as u32;
    let mut events = Vec::new();
    if semantics == Semantics::Cnt {
        for p in (0..n).filter(|&p| table.repost_of(p) == NONE) {
            let syms = table.url_syms(p);
            for (i, &u) in syms.iter().enumerate() {
                if !syms[..i].contains(&u) {
                    events.push(ev(table, p, u));
                }
            }
        }
        return (events, ObjectSpace::RawUrls);
    }
    // Canonicalise each distinct URL once, in parallel.
    let raw: Vec<&str> = table.urls.iter().map(|(_, s)| s).collect();
    let canon: Vec<String> = raw.par_iter().map(|u| canonical_url(u)).collect();
    let mut labels = Interner::new();
    let canon_sym: Vec<u32> = canon.iter().map(|c| labels.intern(c)).collect();
    let mut seen = Vec::new();
    for p in (0..n).filter(|&p| table.repost_of(p) == NONE) {
        seen.clear();
        for &u in table.url_syms(p) {
            let c = canon_sym[u as usize];
            if !seen.contains(&c) {
                seen.push(c);
                events.push(ev(table, p, c));
            }
        }
    }
    (events, ObjectSpace::Labels(labels))
}
