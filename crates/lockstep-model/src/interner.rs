use foldhash::fast::FixedState;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// A string interner that maps each distinct string to a dense `u32`, in order of first
/// appearance.
///
/// All strings live in one arena, so interning ten million ids costs ten million table
/// slots and one growing buffer instead of ten million heap allocations. Each slot keeps
/// its string's hash, so growing the table never re-reads (and re-hashes) the arena.
#[derive(Clone)]
pub struct Interner {
    arena: String,
    ends: Vec<usize>,
    table: HashTable<(u64, u32)>,
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

    /// Number of distinct strings interned.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when nothing was interned yet.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn span(&self, id: u32) -> &str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.arena[start..self.ends[i]]
    }

    /// The string behind `id`. Panics if `id` did not come from this interner.
    pub fn resolve(&self, id: u32) -> &str {
        self.span(id)
    }

    /// The id of `s`, if it was interned.
    pub fn get(&self, s: &str) -> Option<u32> {
        let hash = self.state.hash_one(s);
        self.table
            .find(hash, |&(h, id)| h == hash && self.span(id) == s)
            .map(|&(_, id)| id)
    }

    /// The id of `s`, interning it first if it is new.
    pub fn intern(&mut self, s: &str) -> u32 {
        let hash = self.state.hash_one(s);
        let Self {
            arena, ends, table, ..
        } = self;
        let span = |id: u32| {
            let i = id as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &arena[start..ends[i]]
        };
        if let Some(&(_, id)) = table.find(hash, |&(h, id)| h == hash && span(id) == s) {
            return id;
        }
        let id = u32::try_from(ends.len()).expect("more than 2^32 distinct strings");
        arena.push_str(s);
        ends.push(arena.len());
        table.insert_unique(hash, (hash, id), |&(h, _)| h);
        id
    }

    /// Bytes this interner holds on the heap (arena and string ends by length, the hash
    /// table by capacity, since all of it is written): for memory breakdowns
    /// ([`crate::PostTable::heap_sizes`]).
    pub fn heap_bytes(&self) -> usize {
        self.arena.len()
            + self.ends.len() * std::mem::size_of::<usize>()
            + self.table.capacity() * (std::mem::size_of::<(u64, u32)>() + 1)
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
        for n in 0..100_000u32 {
            assert_eq!(i.intern(&n.to_string()), n);
        }
        for n in (0..100_000u32).step_by(997) {
            assert_eq!(i.get(&n.to_string()), Some(n));
            assert_eq!(i.resolve(n), n.to_string());
        }
    }
}
