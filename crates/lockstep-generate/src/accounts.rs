//! The account table: ids, names, creation dates, language preference, ground-truth label
//! and organic activity weight.

use rand::Rng;

use crate::sampling::{between, chance, unit, AliasTable};
use crate::text::account_names;
use crate::timefmt::{day_curve, TwitterTime};

/// First numeric user id; account `i` has id `FIRST_USER_ID + i`.
pub const FIRST_USER_ID: u64 = 1_000_000;

/// Label index of organic accounts.
pub(crate) const ORGANIC: u16 = 0;

/// Home time zones of the realistic scenarios, UTC offsets in hours: the Americas, Europe,
/// East Asia.
pub(crate) const ZONES: [f64; 3] = [-4.0, 1.0, 8.0];

/// Whether a label names a planted campaign (neither `organic` nor `organic:*`).
pub(crate) fn is_campaign_label(label: &str) -> bool {
    label != "organic" && !label.starts_with("organic:")
}

/// One account.
#[derive(Debug)]
pub(crate) struct Account {
    /// Numeric user id.
    pub id: u64,
    /// `@` handle, unique.
    pub screen_name: String,
    /// Display name.
    pub name: String,
    /// Account creation time, pre-formatted.
    pub created_at: TwitterTime,
    /// Mostly posts in Chinese.
    pub zh: bool,
    /// Index into [`Accounts::labels`].
    pub label: u16,
    /// Home time zone, index into [`ZONES`] (realistic scenarios only).
    pub zone: u8,
}

/// Accounts are created between 2009-01-01 and 2025-07-01 (Unix seconds).
const CREATED_RANGE: (i64, i64) = (1_230_768_000, 1_751_328_000);

impl Account {
    /// Draws account `i` with `label`: Chinese with probability `zh_share`, names and
    /// creation time, in zone 0. Both builders share it so their random draws stay in the
    /// same order (the seeded output depends on it).
    fn draw<R: Rng + ?Sized>(rng: &mut R, i: usize, label: u16, zh_share: f64) -> Self {
        let zh = chance(rng, zh_share);
        let (screen_name, name) = account_names(rng, i as u32, zh);
        let created = between(rng, CREATED_RANGE.0, CREATED_RANGE.1);
        Self {
            id: FIRST_USER_ID + i as u64,
            screen_name,
            name,
            created_at: TwitterTime::new(created),
            zh,
            label,
            zone: 0,
        }
    }
}

/// Organic activity weight of an account: heavy-tailed, capped so no one dominates.
fn activity_weight<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    crate::sampling::pareto(rng, 1.0, 1.3).min(300.0)
}

/// Per-zone alias tables: who posts at a given time of day.
#[derive(Debug)]
pub(crate) struct ZoneIndex {
    /// Accounts of each zone.
    members: Vec<Vec<u32>>,
    /// Activity within each zone.
    tables: Vec<AliasTable>,
    /// Total activity weight of each zone.
    totals: Vec<f64>,
}

/// All accounts, their labels and the organic activity distribution.
#[derive(Debug)]
pub(crate) struct Accounts {
    /// Accounts by dense index.
    pub list: Vec<Account>,
    /// Label names; index 0 is `organic`.
    pub labels: Vec<String>,
    /// Who writes the next organic post (heavy-tailed).
    pub activity: AliasTable,
    /// Zone-aware activity (realistic scenarios); `None` keeps the classic behaviour.
    pub zones: Option<ZoneIndex>,
}

impl Accounts {
    /// Builds accounts for the given label per account (`roles[i]` is the label index of
    /// account `i`). Organic and ring accounts get heavy-tailed activity weights; accounts
    /// whose label is in `silent` get almost none (bots that only do their one job).
    pub(crate) fn build<R: Rng + ?Sized>(
        rng: &mut R,
        roles: &[u16],
        labels: Vec<String>,
        silent: &[u16],
    ) -> Self {
        let mut list = Vec::with_capacity(roles.len());
        let mut weights = Vec::with_capacity(roles.len());
        for (i, &label) in roles.iter().enumerate() {
            list.push(Account::draw(rng, i, label, 0.1));
            weights.push(if silent.contains(&label) {
                0.01
            } else {
                activity_weight(rng)
            });
        }
        Self {
            list,
            labels,
            activity: AliasTable::new(&weights),
            zones: None,
        }
    }

    /// Builds accounts for the realistic scenarios: a share `zh_share` prefers Chinese,
    /// everyone gets a home time zone (`zh_zones` / `en_zones` are the zone shares of
    /// Chinese- and English-speaking accounts) and a heavy-tailed activity weight, returned
    /// so the planner can adjust it before calling [`Accounts::set_weights`].
    pub(crate) fn build_zoned<R: Rng + ?Sized>(
        rng: &mut R,
        roles: &[u16],
        labels: Vec<String>,
        zh_share: f64,
        zh_zones: [f64; 3],
        en_zones: [f64; 3],
    ) -> (Self, Vec<f64>) {
        let mut list = Vec::with_capacity(roles.len());
        let mut weights = Vec::with_capacity(roles.len());
        for (i, &label) in roles.iter().enumerate() {
            let mut account = Account::draw(rng, i, label, zh_share);
            weights.push(activity_weight(rng));
            let shares = if account.zh { zh_zones } else { en_zones };
            let mut x = unit(rng) * shares.iter().sum::<f64>();
            let mut zone = 0u8;
            for (z, s) in shares.iter().enumerate() {
                zone = z as u8;
                if x < *s {
                    break;
                }
                x -= s;
            }
            account.zone = zone;
            list.push(account);
        }
        let mut accounts = Self {
            list,
            labels,
            activity: AliasTable::new(&[]),
            zones: None,
        };
        accounts.set_weights(&weights);
        (accounts, weights)
    }

    /// Sets the organic activity weights and rebuilds the (zone-aware) alias tables.
    pub(crate) fn set_weights(&mut self, weights: &[f64]) {
        self.activity = AliasTable::new(weights);
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); ZONES.len()];
        let mut zw: Vec<Vec<f64>> = vec![Vec::new(); ZONES.len()];
        for (i, a) in self.list.iter().enumerate() {
            let z = (a.zone as usize).min(ZONES.len() - 1);
            members[z].push(i as u32);
            zw[z].push(weights.get(i).copied().unwrap_or(0.0).max(0.0));
        }
        let totals = zw.iter().map(|w| w.iter().sum()).collect();
        let tables = zw.iter().map(|w| AliasTable::new(w)).collect();
        self.zones = Some(ZoneIndex {
            members,
            tables,
            totals,
        });
    }

    /// Relative posting activity at `ts` given the accounts' zones, or `None` for the
    /// classic scenarios.
    pub(crate) fn diurnal(&self, ts: i64) -> Option<f64> {
        let z = self.zones.as_ref()?;
        let hour = ts.rem_euclid(86_400) as f64 / 3600.0;
        let mut sum = 0.0;
        for (i, off) in ZONES.iter().enumerate() {
            sum += z.totals[i] * day_curve((hour + off).rem_euclid(24.0));
        }
        Some(sum)
    }

    /// Draws the author of an organic post at time `ts`: in the realistic scenarios a zone
    /// by its current activity, then an account of that zone; otherwise as
    /// [`Accounts::sample_active`].
    pub(crate) fn sample_active_at<R: Rng + ?Sized>(&self, rng: &mut R, ts: i64) -> u32 {
        let Some(z) = &self.zones else {
            return self.sample_active(rng);
        };
        let hour = ts.rem_euclid(86_400) as f64 / 3600.0;
        let mut act = [0.0; 3];
        let mut sum = 0.0;
        for (i, off) in ZONES.iter().enumerate() {
            act[i] = z.totals[i] * day_curve((hour + off).rem_euclid(24.0));
            sum += act[i];
        }
        let mut x = unit(rng) * sum;
        let mut zone = 0;
        for (i, a) in act.iter().enumerate() {
            if *a > 0.0 {
                zone = i;
                if x < *a {
                    break;
                }
            }
            x -= a;
        }
        let k = z.tables[zone].sample(rng);
        z.members[zone].get(k).copied().unwrap_or(0)
    }

    /// Draws an organic author at `ts` other than `not` (tries a few times).
    pub(crate) fn sample_active_except_at<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        not: u32,
        ts: i64,
    ) -> u32 {
        if self.zones.is_none() {
            return self.sample_active_except(rng, not);
        }
        let mut u = self.sample_active_at(rng, ts);
        for _ in 0..4 {
            if u != not {
                break;
            }
            u = self.sample_active_at(rng, ts);
        }
        u
    }

    /// Number of accounts.
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// Screen name of account `i` (empty if out of range).
    pub(crate) fn screen_name(&self, i: u32) -> &str {
        self.list
            .get(i as usize)
            .map(|a| a.screen_name.as_str())
            .unwrap_or("")
    }

    /// Draws the author of an organic post.
    pub(crate) fn sample_active<R: Rng + ?Sized>(&self, rng: &mut R) -> u32 {
        self.activity.sample(rng) as u32
    }

    /// Draws an organic author other than `not` (tries a few times).
    pub(crate) fn sample_active_except<R: Rng + ?Sized>(&self, rng: &mut R, not: u32) -> u32 {
        let mut u = self.sample_active(rng);
        for _ in 0..4 {
            if u != not {
                break;
            }
            u = self.sample_active(rng);
        }
        u
    }

    /// Whether account `i` prefers Chinese.
    pub(crate) fn zh(&self, i: u32) -> bool {
        self.list.get(i as usize).is_some_and(|a| a.zh)
    }
}
