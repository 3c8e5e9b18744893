//! Scores an `analyze` output against ground truth (`lockstep eval`).
//!
//! Inputs:
//!
//! * a truth file, `account_id,label` (as `lockstep generate` writes `truth.csv`; columns
//!   are found by header name, extra columns are ignored). A label is `organic`, a
//!   hard-negative kind `organic:<kind>` (`organic:fan_group`, `organic:viral_cascade`,
//!   `organic:news_burst`, `organic:state_media`, …) or a campaign name. A **truth positive**
//!   is an account whose label is neither `organic` nor starts with `organic:`.
//! * an analysis directory with `accounts.csv`: at least `account_id,campaign_id`, usually
//!   `score` (found by header name; extra columns are ignored), one row per account
//!   attributed to a campaign. A **predicted positive** is an account listed there. An
//!   account listed twice keeps its highest-scoring row (the first on ties); the extra rows
//!   are counted in `accounts.duplicate_rows`.
//!
//! The report ([`EvalReport`], serialised as JSON with a fixed key order):
//!
//! * `accounts`: counts — truth accounts, truth positives, predicted, true and false
//!   positives, false negatives, predicted accounts missing from the truth, duplicate rows;
//! * `precision`, `recall`, `f1` over accounts, and `false_positive_rate` (flagged truth
//!   negatives over all truth negatives);
//! * `cluster_purity`: over all predicted campaigns, the share of flagged accounts that
//!   carry their campaign's majority truth label (accounts missing from the truth count as
//!   label `unknown`);
//! * `adjusted_rand_index`: agreement (Hubert–Arabie ARI) between truth campaigns and
//!   predicted campaigns over the flagged truth-positive accounts;
//! * `campaigns`: per truth campaign, its accounts, how many were flagged, its recall and the
//!   predicted campaigns its accounts landed in;
//! * `predicted_campaigns`: per predicted campaign, its size, majority truth label, purity,
//!   mean score and the count of each truth label in it;
//! * `hard_negatives`: per non-campaign label (`organic`, each `organic:<kind>`) and
//!   `unknown`, the accounts with that label, how many were flagged, and the false-positive
//!   rate (`null` for `unknown`, whose population is not known).
//!
//! Ratios whose denominator is zero are `null`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Serialize;

/// Name of the analysis file read from the analysis directory.
pub const ACCOUNTS_CSV: &str = lockstep_output::schema::files::ACCOUNTS;

/// Label given to predicted accounts that are not in the truth file.
pub const UNKNOWN: &str = "unknown";

/// Whether a truth label names a campaign (neither `organic` nor `organic:*`).
pub fn is_campaign_label(label: &str) -> bool {
    label != "organic" && !label.starts_with("organic:")
}

/// One account attributed to a campaign by an analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// Account id.
    pub account_id: String,
    /// Predicted campaign.
    pub campaign_id: String,
    /// The analysis's score, if given and numeric.
    pub score: Option<f64>,
}

/// Counts behind the account-level metrics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountCounts {
    /// Accounts in the truth file.
    pub truth: u64,
    /// Truth accounts with a campaign label.
    pub truth_positive: u64,
    /// Distinct accounts in `accounts.csv`.
    pub predicted: u64,
    /// Predicted accounts with a campaign label.
    pub true_positive: u64,
    /// Predicted accounts without a campaign label (including those missing from the truth).
    pub false_positive: u64,
    /// Truth positives not predicted.
    pub false_negative: u64,
    /// Predicted accounts missing from the truth file (counted as false positives).
    pub unknown: u64,
    /// Extra rows for accounts listed more than once in `accounts.csv`.
    pub duplicate_rows: u64,
}

/// Where a truth campaign's accounts landed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Landing {
    /// Predicted campaign.
    pub campaign_id: String,
    /// Accounts of the truth campaign in it.
    pub accounts: u64,
}

/// One truth campaign.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TruthCampaign {
    /// Its truth label.
    pub label: String,
    /// Its accounts.
    pub accounts: u64,
    /// How many of them were predicted.
    pub flagged: u64,
    /// `flagged / accounts`.
    pub recall: Option<f64>,
    /// Predicted campaigns holding its accounts, most accounts first.
    pub predicted_campaigns: Vec<Landing>,
}

/// One predicted campaign.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredictedCampaign {
    /// Its id in `accounts.csv`.
    pub campaign_id: String,
    /// Its accounts.
    pub accounts: u64,
    /// The most common truth label among them (ties: the campaign label, then the smallest).
    pub majority_label: String,
    /// Accounts carrying the majority label.
    pub majority_accounts: u64,
    /// `majority_accounts / accounts`.
    pub purity: Option<f64>,
    /// Mean score of its accounts that have one.
    pub mean_score: Option<f64>,
    /// Accounts per truth label (`unknown` for accounts missing from the truth).
    pub labels: BTreeMap<String, u64>,
}

/// False positives among one kind of truth negative.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NegativeKind {
    /// Accounts of this kind in the truth (0 for `unknown`).
    pub accounts: u64,
    /// How many of them were predicted.
    pub flagged: u64,
    /// `flagged / accounts`; `null` for `unknown`.
    pub false_positive_rate: Option<f64>,
}

/// The evaluation of one analysis against one truth file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// Account counts.
    pub accounts: AccountCounts,
    /// True positives over predicted accounts.
    pub precision: Option<f64>,
    /// True positives over truth positives.
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall.
    pub f1: Option<f64>,
    /// Flagged truth negatives over truth negatives.
    pub false_positive_rate: Option<f64>,
    /// Weighted purity of the predicted campaigns.
    pub cluster_purity: Option<f64>,
    /// Adjusted Rand index between truth and predicted campaigns over flagged truth positives.
    pub adjusted_rand_index: Option<f64>,
    /// Per truth campaign, by label.
    pub campaigns: Vec<TruthCampaign>,
    /// Per predicted campaign, by id (numeric ids in numeric order).
    pub predicted_campaigns: Vec<PredictedCampaign>,
    /// Per non-campaign label, and `unknown`.
    pub hard_negatives: BTreeMap<String, NegativeKind>,
}

/// Reads the truth file and `DIR/accounts.csv` and evaluates.
///
/// # Errors
/// A file that cannot be read, a missing column (`account_id` and `label` in the truth,
/// `account_id` and `campaign_id` in `accounts.csv`), a malformed CSV record or an empty
/// account id; messages name the file and line.
pub fn evaluate(truth: &Path, analyze_dir: &Path) -> Result<EvalReport> {
    let truth_rows = read_truth(truth)?;
    let predictions = read_predictions(&analyze_dir.join(ACCOUNTS_CSV))?;
    Ok(evaluate_records(&truth_rows, &predictions))
}

/// Opens a CSV file and finds the named columns (header names are trimmed and a UTF-8
/// byte-order mark is ignored). Returns the reader and each column's index (`None` for an
/// optional column that is absent).
fn open_csv(
    path: &Path,
    required: &[&str],
    optional: &[&str],
) -> Result<(csv::Reader<std::fs::File>, Vec<Option<usize>>)> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .with_context(|| format!("{}: cannot open", path.display()))?;
    let header: Vec<String> = rdr
        .headers()
        .with_context(|| format!("{}:1: cannot read the header", path.display()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let find = |name: &str| header.iter().position(|h| h == name);
    let mut cols = Vec::new();
    for name in required {
        match find(name) {
            Some(i) => cols.push(Some(i)),
            None => bail!(
                "{}:1: no `{name}` column (header: {})",
                path.display(),
                header.join(",")
            ),
        }
    }
    for name in optional {
        cols.push(find(name));
    }
    Ok((rdr, cols))
}

/// Line number of a record, for messages.
fn line_of(rec: &csv::StringRecord) -> u64 {
    rec.position().map_or(0, |p| p.line())
}

/// Reads `account_id,label` rows.
///
/// # Errors
/// See [`evaluate`].
pub fn read_truth(path: &Path) -> Result<Vec<(String, String)>> {
    let (mut rdr, cols) = open_csv(path, &["account_id", "label"], &[])?;
    let (id_col, label_col) = (cols[0].unwrap_or(0), cols[1].unwrap_or(1));
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{}: bad CSV record", path.display()))?;
        let id = rec.get(id_col).unwrap_or("").trim();
        if id.is_empty() {
            bail!("{}:{}: empty account_id", path.display(), line_of(&rec));
        }
        let label = rec.get(label_col).unwrap_or("").trim();
        out.push((id.to_string(), label.to_string()));
    }
    Ok(out)
}

/// Reads `account_id,campaign_id[,score]` rows of an `accounts.csv`.
///
/// # Errors
/// See [`evaluate`].
pub fn read_predictions(path: &Path) -> Result<Vec<Prediction>> {
    use lockstep_output::schema::columns::accounts as col;
    let (mut rdr, cols) = open_csv(path, &[col::ACCOUNT_ID, col::CAMPAIGN_ID], &[col::SCORE])?;
    let (id_col, camp_col, score_col) = (cols[0].unwrap_or(0), cols[1].unwrap_or(1), cols[2]);
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{}: bad CSV record", path.display()))?;
        let id = rec.get(id_col).unwrap_or("").trim();
        if id.is_empty() {
            bail!("{}:{}: empty account_id", path.display(), line_of(&rec));
        }
        let score = score_col
            .and_then(|c| rec.get(c))
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite());
        out.push(Prediction {
            account_id: id.to_string(),
            campaign_id: rec.get(camp_col).unwrap_or("").trim().to_string(),
            score,
        });
    }
    Ok(out)
}

fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Orders campaign ids: numeric ids numerically, before other ids in string order.
fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        _ => a.cmp(b),
    }
}

/// Evaluates predictions against truth rows (the first row of a repeated truth account
/// wins).
pub fn evaluate_records(truth: &[(String, String)], predictions: &[Prediction]) -> EvalReport {
    let mut label_of: HashMap<&str, &str> = HashMap::with_capacity(truth.len());
    for (id, label) in truth {
        label_of.entry(id.as_str()).or_insert(label.as_str());
    }

    // One prediction per account: the highest score, the first on ties.
    let mut best: HashMap<&str, usize> = HashMap::with_capacity(predictions.len());
    let mut duplicate_rows = 0u64;
    for (i, p) in predictions.iter().enumerate() {
        match best.get(p.account_id.as_str()) {
            None => {
                best.insert(&p.account_id, i);
            }
            Some(&j) => {
                duplicate_rows += 1;
                let better = match (p.score, predictions[j].score) {
                    (Some(a), Some(b)) => a > b,
                    (Some(_), None) => true,
                    _ => false,
                };
                if better {
                    best.insert(&p.account_id, i);
                }
            }
        }
    }
    let mut chosen: Vec<&Prediction> = best.values().map(|&i| &predictions[i]).collect();
    chosen.sort_by(|a, b| a.account_id.cmp(&b.account_id));

    // Account-level metrics.
    let truth_accounts = label_of.len() as u64;
    let truth_positive = label_of.values().filter(|l| is_campaign_label(l)).count() as u64;
    let truth_negative = truth_accounts - truth_positive;
    let mut tp = 0u64;
    let mut unknown = 0u64;
    let mut flagged_negative = 0u64;
    for p in &chosen {
        match label_of.get(p.account_id.as_str()) {
            Some(l) if is_campaign_label(l) => tp += 1,
            Some(_) => flagged_negative += 1,
            None => unknown += 1,
        }
    }
    let predicted = chosen.len() as u64;
    let fp = predicted - tp;
    let precision = ratio(tp, predicted);
    let recall = ratio(tp, truth_positive);
    let f1 = match (precision, recall) {
        (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
        (Some(_), Some(_)) => Some(0.0),
        _ => None,
    };

    // Per predicted campaign.
    let mut by_campaign: BTreeMap<&str, Vec<&Prediction>> = BTreeMap::new();
    for p in &chosen {
        by_campaign
            .entry(p.campaign_id.as_str())
            .or_default()
            .push(p);
    }
    let mut predicted_campaigns: Vec<PredictedCampaign> = by_campaign
        .iter()
        .map(|(&cid, members)| {
            let mut labels: BTreeMap<String, u64> = BTreeMap::new();
            for p in members {
                let l = label_of
                    .get(p.account_id.as_str())
                    .copied()
                    .unwrap_or(UNKNOWN);
                *labels.entry(l.to_string()).or_default() += 1;
            }
            let (majority_label, majority_accounts) = labels
                .iter()
                .max_by(|a, b| {
                    a.1.cmp(b.1)
                        .then_with(|| is_campaign_label(a.0).cmp(&is_campaign_label(b.0)))
                        .then_with(|| b.0.cmp(a.0))
                })
                .map_or((String::new(), 0), |(l, &n)| (l.clone(), n));
            let scores: Vec<f64> = members.iter().filter_map(|p| p.score).collect();
            PredictedCampaign {
                campaign_id: cid.to_string(),
                accounts: members.len() as u64,
                majority_label,
                majority_accounts,
                purity: ratio(majority_accounts, members.len() as u64),
                mean_score: (!scores.is_empty())
                    .then(|| scores.iter().sum::<f64>() / scores.len() as f64),
                labels,
            }
        })
        .collect();
    predicted_campaigns.sort_by(|a, b| id_order(&a.campaign_id, &b.campaign_id));
    let majority_total: u64 = predicted_campaigns
        .iter()
        .map(|c| c.majority_accounts)
        .sum();
    let cluster_purity = ratio(majority_total, predicted);

    // Per truth campaign.
    let predicted_of: HashMap<&str, &str> = chosen
        .iter()
        .map(|p| (p.account_id.as_str(), p.campaign_id.as_str()))
        .collect();
    let mut truth_campaigns: BTreeMap<&str, (u64, BTreeMap<&str, u64>)> = BTreeMap::new();
    for (&id, &label) in &label_of {
        if !is_campaign_label(label) {
            continue;
        }
        let e = truth_campaigns.entry(label).or_default();
        e.0 += 1;
        if let Some(&cid) = predicted_of.get(id) {
            *e.1.entry(cid).or_default() += 1;
        }
    }
    let campaigns: Vec<TruthCampaign> = truth_campaigns
        .into_iter()
        .map(|(label, (accounts, landed))| {
            let flagged: u64 = landed.values().sum();
            let mut predicted_campaigns: Vec<Landing> = landed
                .into_iter()
                .map(|(cid, n)| Landing {
                    campaign_id: cid.to_string(),
                    accounts: n,
                })
                .collect();
            predicted_campaigns.sort_by(|a, b| {
                b.accounts
                    .cmp(&a.accounts)
                    .then_with(|| id_order(&a.campaign_id, &b.campaign_id))
            });
            TruthCampaign {
                label: label.to_string(),
                accounts,
                flagged,
                recall: ratio(flagged, accounts),
                predicted_campaigns,
            }
        })
        .collect();

    // Adjusted Rand index over flagged truth positives.
    let pairs: Vec<(&str, &str)> = chosen
        .iter()
        .filter_map(|p| {
            label_of
                .get(p.account_id.as_str())
                .filter(|l| is_campaign_label(l))
                .map(|&l| (l, p.campaign_id.as_str()))
        })
        .collect();
    let adjusted_rand_index = adjusted_rand_index(&pairs);

    // False positives per kind of truth negative.
    let mut hard_negatives: BTreeMap<String, NegativeKind> = BTreeMap::new();
    for &label in label_of.values() {
        if !is_campaign_label(label) {
            hard_negatives
                .entry(label.to_string())
                .or_insert(NegativeKind {
                    accounts: 0,
                    flagged: 0,
                    false_positive_rate: None,
                })
                .accounts += 1;
        }
    }
    for p in &chosen {
        if let Some(&l) = label_of.get(p.account_id.as_str()) {
            if let Some(k) = hard_negatives.get_mut(l) {
                k.flagged += 1;
            }
        }
    }
    for k in hard_negatives.values_mut() {
        k.false_positive_rate = ratio(k.flagged, k.accounts);
    }
    hard_negatives.insert(
        UNKNOWN.to_string(),
        NegativeKind {
            accounts: 0,
            flagged: unknown,
            false_positive_rate: None,
        },
    );

    EvalReport {
        accounts: AccountCounts {
            truth: truth_accounts,
            truth_positive,
            predicted,
            true_positive: tp,
            false_positive: fp,
            false_negative: truth_positive - tp,
            unknown,
            duplicate_rows,
        },
        precision,
        recall,
        f1,
        false_positive_rate: ratio(flagged_negative, truth_negative),
        cluster_purity,
        adjusted_rand_index,
        campaigns,
        predicted_campaigns,
        hard_negatives,
    }
}

/// Pairs among `n` items.
fn pairs2(n: u64) -> f64 {
    let n = n as f64;
    n * (n - 1.0) / 2.0
}

/// Hubert–Arabie adjusted Rand index of two labelings given as `(a, b)` per item; `None`
/// for fewer than two items. When both labelings are trivial in the same way (one class
/// each, or all singletons) it is 1, as in scikit-learn.
pub fn adjusted_rand_index(items: &[(&str, &str)]) -> Option<f64> {
    let n = items.len() as u64;
    if n < 2 {
        return None;
    }
    let mut cells: HashMap<(&str, &str), u64> = HashMap::new();
    let mut rows: HashMap<&str, u64> = HashMap::new();
    let mut cols: HashMap<&str, u64> = HashMap::new();
    for &(a, b) in items {
        *cells.entry((a, b)).or_default() += 1;
        *rows.entry(a).or_default() += 1;
        *cols.entry(b).or_default() += 1;
    }
    if rows.len() == cols.len() && (rows.len() == 1 || rows.len() as u64 == n) {
        return Some(1.0);
    }
    let index: f64 = cells.values().map(|&c| pairs2(c)).sum();
    let sum_a: f64 = rows.values().map(|&c| pairs2(c)).sum();
    let sum_b: f64 = cols.values().map(|&c| pairs2(c)).sum();
    let expected = sum_a * sum_b / pairs2(n);
    let max = (sum_a + sum_b) / 2.0;
    if (max - expected).abs() < f64::EPSILON {
        return Some(1.0);
    }
    Some((index - expected) / (max - expected))
}

/// The report as pretty-printed JSON, keys in a fixed order.
///
/// # Errors
/// Only if serialisation fails (it does not for this type).
pub fn to_json(report: &EvalReport) -> Result<String> {
    Ok(serde_json::to_string_pretty(report)?)
}
