//! co-object: sharing the same explicitly named object (CooRTweet's long format).

use super::{Extracted, Spec, MINUTE_AND_QUARTER};
use crate::trace::ev;
use crate::{ObjectSpace, Semantics};
use lockstep_model::{PostIdx, PostTable};

pub const SPEC: Spec = Spec {
    name: "co-object",
    cnt_name: None,
    aliases: &[],
    about: "sharing the same explicitly named object (CooRTweet's long format)",
    authored: false,
    default: true,
    multi_object: true,
    windows_ms: MINUTE_AND_QUARTER,
    supported: |t| !t.object_refs().is_empty(),
    lack: |_| {
        "the input names no explicit objects (only CooRTweet's long format, with its \
         object_id column, does)"
    },
    extract: Some(extract),
};

/// Under CooRTweet's semantics the trace also holds the rows the input repeated exactly
/// ([`PostTable::object_ref_repeats`]), as CooRTweet counts every row.
fn extract(table: &PostTable, semantics: Semantics) -> Extracted {
    let repeats: &[(PostIdx, u32)] = if semantics == Semantics::Coortweet {
        table.object_ref_repeats()
    } else {
        &[]
    };
    let events = table
        .object_refs()
        .iter()
        .chain(repeats)
        .map(|&(p, o)| ev(table, p, o))
        .collect();
    (events, ObjectSpace::Objects)
}
