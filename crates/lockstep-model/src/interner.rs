use foldhash::fast::FixedState;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// A string interner that maps each distinct string to a dense `u32`, in order of first
/// appearance.
///
/// All strings live in one arena, so interning ten million ids costs ten million table
/// slots and one growing buffer instead of ten million heap allocations. A slot holds only
/// the string's id (4 bytes and hashbrown's control byte): growing the table hashes the
/// strings again from the arena. Keeping each string's hash in its slot, as this interner
/// did before, made a slot 16 bytes (`(u64, u32)` is padded to 8) and the table of the
/// post ids (`PostTable`'s refs) 250 MiB at 10M posts instead of 80; growth happens
/// log2(n) times, and hashing a post id again costs a few nanoseconds.
#[derive(Clone)]
pub struct Interner {
    arena: String,
    ends: Vec<usize>,
    table: HashTable<u32>,
    state: FixedState,
}

impl Default for Interner {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interner")
            .field("len", &self.len())
            .finish()
    }
}

/// The string `id` in an arena whose strings end at `ends` (a free function, so that
/// the table's closures can borrow the arena while the table itself is borrowed mutably).
/// Inlined: as a call it was 9 % of a two-thread read of the toolkit's CSV, on the thread
/// that stores batches (the equality test and the re-hash of every probe go through it).
#[inline]
fn span_of<'a>(arena: &'a str, ends: &[usize], id: u32) -> &'a str {
    let i = id as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] };
    &arena[start..ends[i]]
}

impl Interner {
    /// An empty interner.
    pub fn new() -> Self {
        Self {
            arena: String::new(),
            ends: Vec::new(),
            table: HashTable::new(),
            state: FixedState::with_seed(0x6c6f_636b_7374_6570),
        }
    }

    /// Make room for `additional` more strings, so that interning them does not grow (and
    /// so re-hash) the table on the way.
    pub fn reserve(&mut self, additional: usize) {
        let Self {
            arena,
            ends,
            table,
            state,
        } = self;
        ends.reserve(additional);
        table.reserve(additional, |&id| state.hash_one(span_of(arena, ends, id)));
    }

    /// Forget every string, keeping the memory (a batch's interner reused for the next
    /// block).
    pub fn clear(&mut self) {
        self.arena.clear();
        self.ends.clear();
        self.table.clear();
    }

    /// Number of distinct strings interned.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when nothing was interned yet.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    #[inline]
    fn span(&self, id: u32) -> &str {
        span_of(&self.arena, &self.ends, id)
    }

    /// The string behind `id`. Panics if `id` did not come from this interner.
    #[inline]
    pub fn resolve(&self, id: u32) -> &str {
        self.span(id)
    }

    /// The id of `s`, if it was interned.
    pub fn get(&self, s: &str) -> Option<u32> {
        let hash = self.state.hash_one(s);
        self.table.find(hash, |&id| self.span(id) == s).copied()
    }

    /// The id of `s`, interning it first if it is new.
    #[inline]
    pub fn intern(&mut self, s: &str) -> u32 {
        let hash = self.state.hash_one(s);
        let Self {
            arena,
            ends,
            table,
            state,
        } = self;
        if let Some(&id) = table.find(hash, |&id| span_of(arena, ends, id) == s) {
            return id;
        }
        let id = u32::try_from(ends.len()).expect("more than 2^32 distinct strings");
        arena.push_str(s);
        ends.push(arena.len());
        // Growing re-hashes every string from the arena (the slots keep no hash).
        table.insert_unique(hash, id, |&other| {
            state.hash_one(span_of(arena, ends, other))
        });
        id
    }

    /// Bytes this interner holds on the heap (arena and string ends by length, the hash
    /// table by capacity, since all of it is written): for memory breakdowns
    /// ([`crate::PostTable::heap_sizes`]).
    pub fn heap_bytes(&self) -> usize {
        self.arena.len()
            + self.ends.len() * std::mem::size_of::<usize>()
            + self.table.capacity() * (std::mem::size_of::<u32>() + 1)
    }

    /// Iterate over `(id, string)` in id order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        (0..self.ends.len() as u32).map(move |id| (id, self.span(id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_densely_and_resolves() {
        let mut i = Interner::new();
        assert_eq!(i.intern("a"), 0);
        assert_eq!(i.intern("bb"), 1);
        assert_eq!(i.intern("a"), 0);
        assert_eq!(i.intern(""), 2);
        assert_eq!(i.resolve(1), "bb");
        assert_eq!(i.resolve(2), "");
        assert_eq!(i.get("bb"), Some(1));
        assert_eq!(i.get("c"), None);
        assert_eq!(i.len(), 3);
    }

    #[test]
    fn survives_growth() {
        let mut i = Interner::new();
        i.intern("x");
        i.reserve(50_000);
        assert_eq!(i.intern("x"), 0);
        let mut i = Interner::new();
        for n in 0..100_000u32 {
            assert_eq!(i.intern(&n.to_string()), n);
        }
        for n in (0..100_000u32).step_by(997) {
            assert_eq!(i.get(&n.to_string()), Some(n));
            assert_eq!(i.resolve(n), n.to_string());
        }
    }

    proptest::proptest! {
        /// Against a model (a map from string to first-appearance index): ids are dense in
        /// order of first appearance, `get` finds exactly what was interned, `resolve`
        /// gives the string back, across the table's growth (up to 3,000 strings, many
        /// repeated, short ones colliding often).
        #[test]
        fn agrees_with_a_map(
            words in proptest::collection::vec("[a-c0-9\u{1f}é]{0,6}", 0..3000),
            probes in proptest::collection::vec("[a-c0-9]{0,4}", 0..50),
        ) {
            let mut i = Interner::new();
            let mut model: std::collections::HashMap<String, u32> = Default::default();
            for w in &words {
                let next = model.len() as u32;
                let want = *model.entry(w.clone()).or_insert(next);
                proptest::prop_assert_eq!(i.intern(w), want);
            }
            proptest::prop_assert_eq!(i.len(), model.len());
            for (w, &id) in &model {
                proptest::prop_assert_eq!(i.get(w), Some(id));
                proptest::prop_assert_eq!(i.resolve(id), w.as_str());
            }
            for p in &probes {
                proptest::prop_assert_eq!(i.get(p), model.get(p).copied());
            }
            let listed: Vec<(u32, String)> = i.iter().map(|(id, s)| (id, s.to_string())).collect();
            let mut want: Vec<(u32, String)> = model.iter().map(|(s, &id)| (id, s.clone())).collect();
            want.sort();
            proptest::prop_assert_eq!(listed, want);
        }
    }
}
