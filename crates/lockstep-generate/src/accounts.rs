//! The account table: ids, names, creation dates, language preference, ground-truth label
//! and organic activity weight.

use rand::Rng;

use crate::sampling::{between, chance, AliasTable};
use crate::text::account_names;
use crate::timefmt::TwitterTime;

/// First numeric user id; account `i` has id `FIRST_USER_ID + i`.
pub const FIRST_USER_ID: u64 = 1_000_000;

/// Label index of organic accounts.
pub(crate) const ORGANIC: u16 = 0;

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
        // Accounts created between 2009-01-01 and 2025-07-01.
        let (created_lo, created_hi) = (1_230_768_000_i64, 1_751_328_000_i64);
        for (i, &label) in roles.iter().enumerate() {
            let zh = chance(rng, 0.1);
            let (screen_name, name) = account_names(rng, i as u32, zh);
            let created = between(rng, created_lo, created_hi);
            let w = if silent.contains(&label) {
                0.01
            } else {
                crate::sampling::pareto(rng, 1.0, 1.3).min(300.0)
            };
            weights.push(w);
            list.push(Account {
                id: FIRST_USER_ID + i as u64,
                screen_name,
                name,
                created_at: TwitterTime::new(created),
                zh,
                label,
            });
        }
        Self {
            list,
            labels,
            activity: AliasTable::new(&weights),
        }
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
