//! The analyst's brief, from the files `lockstep analyze` writes:
//!
//! * [`name_campaigns`]: each campaign's `kind`, `label` and `disarm` (the kind and the
//!   techniques from its evidence, lockstep-output's [`lockstep_output::kind`]; the label
//!   adds its size, the top terms of the narrative it pushed most and its active period);
//! * [`findings::brief`]: the findings in plain sentences (what was found, what it pushed,
//!   when it escalated, whose words and accounts it amplified, how sure the engine is, what
//!   to watch next), written as `findings.md` and shown first in `report.html`;
//! * [`stix::bundle`]: a STIX 2.1 bundle (`stix.json`) for OpenCTI, MISP and other
//!   threat-intelligence tools.
//!
//! Every number in the brief is computed from the files; nothing is written by hand.
//! Outputs are deterministic: the same directory gives the same bytes.

pub mod findings;
pub mod stix;
mod text;

use lockstep_output::kind::{campaign_kind, disarm_techniques};
use lockstep_output::schema::{files, CampaignsFile, Summary};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

/// File name of the brief.
pub const FINDINGS_FILE: &str = "findings.md";
/// File name of the STIX 2.1 bundle.
pub const STIX_FILE: &str = "stix.json";

/// What went wrong reading or writing the files.
#[derive(Debug, thiserror::Error)]
pub enum BriefError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A JSON file is malformed.
    #[error("{path}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The error.
        source: serde_json::Error,
    },
}

/// The documents of an analyze directory the brief reads. Missing files are empty.
#[derive(Clone, Debug, Default)]
pub struct AnalysisDir {
    /// `campaigns.json`.
    pub campaigns: CampaignsFile,
    /// `summary.json`.
    pub summary: Summary,
    /// `narratives.json` (null when absent).
    pub narratives: Value,
    /// `echo.json` (null when absent).
    pub echo: Value,
}

fn read_json<T: serde::de::DeserializeOwned + Default>(path: &Path) -> Result<T, BriefError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(T::default()),
        Err(source) => {
            return Err(BriefError::Io {
                path: path.into(),
                source,
            })
        }
    };
    serde_json::from_str(&text).map_err(|source| BriefError::Json {
        path: path.into(),
        source,
    })
}

impl AnalysisDir {
    /// Read the documents of `dir`; campaigns are named ([`name_campaigns`]) when an older
    /// file lacks their kind or label.
    pub fn read(dir: &Path) -> Result<Self, BriefError> {
        let mut a = AnalysisDir {
            campaigns: read_json(&dir.join(files::CAMPAIGNS))?,
            summary: read_json(&dir.join(files::SUMMARY))?,
            narratives: read_json(&dir.join(files::NARRATIVES))?,
            echo: read_json(&dir.join(files::ECHO))?,
        };
        if a.campaigns.campaigns.iter().any(|c| c.kind.is_empty()) {
            name_campaigns(&mut a.campaigns, &a.narratives);
        }
        Ok(a)
    }
}

/// Fill each campaign's `kind`, `disarm` and `label` from its evidence and, for the
/// label's terms, the narrative it posted most in (`narratives.json`'s
/// `narratives[].campaigns`; without one the label has no terms).
pub fn name_campaigns(campaigns: &mut CampaignsFile, narratives: &Value) {
    for c in &mut campaigns.campaigns {
        let kind = campaign_kind(&c.behaviours, &c.platforms);
        c.kind = kind.name().to_string();
        c.disarm = disarm_techniques(&c.behaviours, &c.platforms);
        let terms = findings::campaign_narrative(narratives, c.id)
            .map(|n| findings::top_terms(n, 3))
            .unwrap_or_default();
        let mut label = format!("{}, {}", c.kind, text::accounts(c.size));
        if !terms.is_empty() {
            label.push_str(": ");
            label.push_str(&terms.join(" / "));
        }
        let period = text::period(&c.first_post, &c.last_post);
        if !period.is_empty() {
            label.push_str(", ");
            label.push_str(&period);
        }
        c.label = label;
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), BriefError> {
    let io = |source| BriefError::Io {
        path: path.into(),
        source,
    };
    let mut f = std::fs::File::create(path).map_err(io)?;
    f.write_all(bytes).and_then(|()| f.flush()).map_err(io)
}

/// Write `findings.md` and `stix.json` into the analyze directory `dir`, from its
/// campaigns.json (named first if they lack a kind), summary.json, narratives.json and
/// echo.json. Called by `analyze` once every JSON file is written.
pub fn write(dir: &Path) -> Result<(), BriefError> {
    let a = AnalysisDir::read(dir)?;
    let brief = findings::brief(&a);
    write_file(
        &dir.join(FINDINGS_FILE),
        findings::markdown(&brief).as_bytes(),
    )?;
    let path = dir.join(STIX_FILE);
    let mut json =
        serde_json::to_vec_pretty(&stix::bundle(&a)).map_err(|source| BriefError::Json {
            path: path.clone(),
            source,
        })?;
    json.push(b'\n');
    write_file(&path, &json)
}
