//! Sets of ports as bitsets, and the uniform draw of a free port.
//!
//! A draw must cost the same whether a group is empty or nearly full (Kublade's allocator slows
//! from 1.6 ms to 100 ms as its range fills). So instead of guessing and retrying, which gets
//! slower as the group fills, we pick a rank among the free ports and walk to it: over counts of
//! taken ports per block of 16 words, which the ledger keeps up to date, then over one block's
//! words (see `blocks`), whatever the fill.

use std::ops::Range;

use rand::rngs::StdRng;
use rand::{Rng, RngExt, SeedableRng};

use super::error::ClaimsError;

mod blocks;

pub(crate) use blocks::PoolTaken;

const WORDS: usize = 65_536 / 64;

/// A set of port numbers, 0 to 65535, as 65,536 bits (8 KiB).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct PortSet {
    // A fixed-size array: a `u16` port shifted right by 6 always indexes it, so no lookup can
    // go out of bounds.
    words: Box<[u64; WORDS]>,
}

impl PortSet {
    pub(crate) fn new() -> PortSet {
        PortSet {
            words: Box::new([0; WORDS]),
        }
    }

    fn slot(port: u16) -> (usize, u64) {
        (usize::from(port >> 6), 1u64 << (port & 63))
    }

    pub(crate) fn contains(&self, port: u16) -> bool {
        let (word, bit) = PortSet::slot(port);
        self.words[word] & bit != 0
    }

    pub(crate) fn insert(&mut self, port: u16) {
        let (word, bit) = PortSet::slot(port);
        self.words[word] |= bit;
    }

    pub(crate) fn remove(&mut self, port: u16) {
        let (word, bit) = PortSet::slot(port);
        self.words[word] &= !bit;
    }

    /// Adds every port from `from` to `to`, both included.
    pub(crate) fn insert_range(&mut self, from: u16, to: u16) {
        // Whole words at a time: filling 49152-65535 port by port would be 16,384 steps.
        let mut port = u32::from(from);
        let to = u32::from(to);
        while port <= to {
            let word = (port >> 6) as usize;
            let first_bit = port & 63;
            let last_bit = if to >> 6 == port >> 6 { to & 63 } else { 63 };
            let width = last_bit - first_bit + 1;
            let mask = if width == 64 {
                u64::MAX
            } else {
                ((1u64 << width) - 1) << first_bit
            };
            if let Some(w) = self.words.get_mut(word) {
                *w |= mask;
            }
            port = (port | 63) + 1;
        }
    }

    pub(crate) fn len(&self) -> u32 {
        self.words.iter().map(|w| w.count_ones()).sum()
    }

    /// Removes every port of `other`.
    pub(crate) fn remove_all(&mut self, other: &PortSet) {
        for (a, b) in self.words.iter_mut().zip(other.words.iter()) {
            *a &= !b;
        }
    }

    /// The ports in ascending order.
    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        (0..=u16::MAX).filter(|&p| self.contains(p))
    }
}

impl std::fmt::Debug for PortSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PortSet({} ports)", self.len())
    }
}

/// Taken ports as one decision sees them: the ledger's set, plus the ports the decision takes,
/// less those it frees, without copying the 8 KiB set for every decision.
pub(crate) struct Overlay<'a> {
    base: &'a PortSet,
    /// The words this decision changed, sorted by index, as it sees them.
    changed: Vec<(usize, u64)>,
}

impl<'a> Overlay<'a> {
    pub(crate) fn new(base: &'a PortSet) -> Overlay<'a> {
        Overlay {
            base,
            changed: Vec::new(),
        }
    }

    fn word(&self, index: usize) -> u64 {
        match self.changed.binary_search_by_key(&index, |&(i, _)| i) {
            Ok(at) => self.changed.get(at).map_or(0, |&(_, w)| w),
            Err(_) => self.base.words.get(index).copied().unwrap_or(0),
        }
    }

    fn update(&mut self, index: usize, change: impl FnOnce(u64) -> u64) {
        match self.changed.binary_search_by_key(&index, |&(i, _)| i) {
            Ok(at) => {
                if let Some((_, w)) = self.changed.get_mut(at) {
                    *w = change(*w);
                }
            }
            Err(at) => {
                let base = self.base.words.get(index).copied().unwrap_or(0);
                // `binary_search` puts `at` within `0..=len`, where `insert` cannot panic.
                self.changed.insert(at, (index, change(base)));
            }
        }
    }

    pub(crate) fn contains(&self, port: u16) -> bool {
        let (word, bit) = PortSet::slot(port);
        self.word(word) & bit != 0
    }

    pub(crate) fn insert(&mut self, port: u16) {
        let (word, bit) = PortSet::slot(port);
        self.update(word, |w| w | bit);
    }

    pub(crate) fn remove(&mut self, port: u16) {
        let (word, bit) = PortSet::slot(port);
        self.update(word, |w| w & !bit);
    }

    /// The changed words whose index is in `range`, in order.
    fn changes_in(&self, range: &Range<usize>) -> &[(usize, u64)] {
        let from = self.changed.partition_point(|&(i, _)| i < range.start);
        let to = self.changed.partition_point(|&(i, _)| i < range.end);
        self.changed.get(from..to).unwrap_or(&[])
    }
}

/// The ports a group may hand out, with the span of words that hold any of them: a draw from
/// 49152-65535 then reads 256 words instead of 1,024.
#[derive(Clone, Debug)]
pub(crate) struct Pool {
    ports: PortSet,
    words: Range<usize>,
    size: u32,
    /// How many of the ports are in each block of words the span touches (see `blocks`).
    block_sizes: Vec<u32>,
}

impl Pool {
    pub(crate) fn new(ports: PortSet) -> Pool {
        let first = ports.words.iter().position(|&w| w != 0);
        let last = ports.words.iter().rposition(|&w| w != 0);
        let words = match (first, last) {
            (Some(first), Some(last)) => first..last + 1,
            _ => 0..0,
        };
        let size = ports.len();
        let mut pool = Pool {
            ports,
            words,
            size,
            block_sizes: Vec::new(),
        };
        pool.block_sizes = PoolTaken::count(&pool, &pool.ports).into_blocks();
        pool
    }

    pub(crate) fn contains(&self, port: u16) -> bool {
        self.ports.contains(port)
    }

    pub(crate) fn len(&self) -> u32 {
        self.size
    }

    /// How many ports of the pool `set` holds, counted word by word. A ledger does this once
    /// per pool and keeps the count up to date, so draws need not.
    #[cfg(test)]
    pub(crate) fn taken_in(&self, set: &PortSet) -> u32 {
        self.taken_in_words(set, self.words.clone())
    }

    /// How many ports of the pool among `words` `set` holds.
    fn taken_in_words(&self, set: &PortSet, words: Range<usize>) -> u32 {
        let allowed = self.ports.words.get(words.clone()).unwrap_or(&[]);
        let base = set.words.get(words).unwrap_or(&[]);
        allowed
            .iter()
            .zip(base)
            .map(|(a, t)| (a & t).count_ones())
            .sum()
    }

    /// How many ports of the pool are not in `taken`, given that `base_taken` of them are in
    /// its base set: only the words the decision changed are looked at.
    pub(crate) fn count_free(&self, taken: &Overlay, base_taken: u32) -> u32 {
        self.adjust_free(self.size.saturating_sub(base_taken), taken, &self.words)
    }

    /// `free`, the free ports of the pool among `words` in `taken`'s base set, as `taken` sees
    /// them.
    fn adjust_free(&self, mut free: u32, taken: &Overlay, words: &Range<usize>) -> u32 {
        if taken.changed.is_empty() {
            return free;
        }
        for &(index, changed) in taken.changes_in(words) {
            let a = self.ports.words.get(index).copied().unwrap_or(0);
            let t = taken.base.words.get(index).copied().unwrap_or(0);
            free = (free + (a & !changed).count_ones()).saturating_sub((a & !t).count_ones());
        }
        free
    }
}

/// The `rank`-th lowest set bit of `word`, which has more than `rank` set bits.
fn select(mut word: u64, rank: u32) -> u32 {
    for _ in 0..rank {
        word &= word.wrapping_sub(1);
    }
    word.trailing_zeros()
}

/// A port drawn uniformly among those of `pool` that are not in `taken`, or `None` when there
/// is none; `base` counts the ports of the pool that `taken`'s base set holds.
///
/// The draw picks a rank among the free ports, then walks to it from the nearer end of the
/// pool, block by block (see `blocks`), so its cost barely depends on how full the pool is.
pub(crate) fn draw(
    pool: &Pool,
    taken: &Overlay,
    base: &PoolTaken,
    rng: &mut (impl Rng + ?Sized),
) -> Option<u16> {
    let free = pool.count_free(taken, base.total());
    if free == 0 {
        return None;
    }
    // A `u32` range, not `usize`, so that a seed gives the same port natively and in wasm32.
    blocks::nth_free(pool, taken, base, free, rng.random_range(0..free))
}

/// The `rank`-th lowest free port of `pool` (counting from 0), of `free` free ports in all: the
/// plain scan of the pool's words that the block walk must agree with.
#[cfg(test)]
fn nth_free(pool: &Pool, taken: &Overlay, free: u32, rank: u32) -> Option<u16> {
    nth_free_in(pool, taken, pool.words.clone(), free, rank)
}

/// The `rank`-th lowest free port of `pool` among the words `span` (counting from 0), of `free`
/// free ports there, walking from the nearer end of `span`.
fn nth_free_in(
    pool: &Pool,
    taken: &Overlay,
    span: Range<usize>,
    free: u32,
    rank: u32,
) -> Option<u16> {
    let span = &span;
    let allowed = pool.ports.words.get(span.clone()).unwrap_or(&[]);
    let base = taken.base.words.get(span.clone()).unwrap_or(&[]);
    let changes = taken.changes_in(span);
    let words = allowed.iter().zip(base).enumerate();
    let found = if rank < free / 2 {
        let mut changes = changes.iter().peekable();
        let mut rank = rank;
        let mut found = None;
        for (offset, (a, t)) in words {
            let index = span.start + offset;
            let t = changes
                .next_if(|&&(i, _)| i == index)
                .map_or(*t, |&(_, changed)| changed);
            let word = a & !t;
            let here = word.count_ones();
            if rank < here {
                found = Some(index * 64 + select(word, rank) as usize);
                break;
            }
            rank -= here;
        }
        found
    } else {
        // The same port as walking up to `rank`, found from the top.
        let mut changes = changes.iter().rev().peekable();
        let mut from_top = free.checked_sub(1)?.checked_sub(rank)?;
        let mut found = None;
        for (offset, (a, t)) in words.rev() {
            let index = span.start + offset;
            let t = changes
                .next_if(|&&(i, _)| i == index)
                .map_or(*t, |&(_, changed)| changed);
            let word = a & !t;
            let here = word.count_ones();
            if from_top < here {
                found = Some(index * 64 + select(word, here - 1 - from_top) as usize);
                break;
            }
            from_top -= here;
        }
        found
    };
    found.and_then(|port| u16::try_from(port).ok())
}

/// Runs `draw` with the random number generator draws use: repeatable with a seed (the same
/// seed gives the same ports natively and in WebAssembly), else one generator per thread, seeded
/// once from the platform's secure randomness — ChaCha keeps the draws unpredictable without
/// asking the platform (a JS call in WebAssembly) on every render, and drawing from it directly
/// costs a fraction of seeding a fork for each render.
pub fn with_rng<T>(
    seed: Option<u64>,
    draw: impl FnOnce(&mut StdRng) -> T,
) -> Result<T, ClaimsError> {
    match seed {
        Some(seed) => Ok(draw(&mut StdRng::seed_from_u64(seed))),
        None => SECURE.with(|secure| {
            let mut secure = secure.borrow_mut();
            if secure.is_none() {
                let mut bytes = <StdRng as SeedableRng>::Seed::default();
                getrandom::fill(&mut bytes).map_err(|e| {
                    ClaimsError::new(format!(
                        "the platform gave no secure randomness to draw ports with: {e}"
                    ))
                })?;
                *secure = Some(StdRng::from_seed(bytes));
            }
            match secure.as_mut() {
                Some(generator) => Ok(draw(generator)),
                None => Err(ClaimsError::new("no secure random generator")),
            }
        }),
    }
}

/// A generator of its own for callers that hold one across calls: the seeded one, or a fork of
/// the thread's secure generator.
pub fn rng(seed: Option<u64>) -> Result<StdRng, ClaimsError> {
    match seed {
        Some(seed) => Ok(StdRng::seed_from_u64(seed)),
        None => with_rng(None, |secure| secure.fork()),
    }
}

/// Seeds the generator unseeded draws use with entropy the host supplies, unless it is
/// seeded already. In Node, the JS layer's `node:crypto` answers in microseconds where the first
/// WebCrypto call (what `getrandom` uses in WebAssembly) takes milliseconds.
pub fn seed_secure(entropy: [u8; 32]) {
    SECURE.with(|secure| {
        secure
            .borrow_mut()
            .get_or_insert_with(|| StdRng::from_seed(entropy));
    });
}

thread_local! {
    static SECURE: std::cell::RefCell<Option<StdRng>> = const { std::cell::RefCell::new(None) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    /// The first unseeded draw of a fresh thread whose generator got `entropy` (twice, to show
    /// that a second seeding changes nothing).
    fn first_draw_with(entropy: [u8; 32]) -> u64 {
        std::thread::spawn(move || {
            seed_secure(entropy);
            seed_secure([0; 32]);
            rand::RngExt::random::<u64>(&mut rng(None).expect("seeded"))
        })
        .join()
        .expect("the thread finishes")
    }

    #[test]
    fn host_entropy_seeds_unseeded_draws_once() {
        assert_eq!(first_draw_with([7; 32]), first_draw_with([7; 32]));
        assert_ne!(first_draw_with([7; 32]), first_draw_with([8; 32]));
    }

    fn set_of(ports: &[u16]) -> PortSet {
        let mut s = PortSet::new();
        for &p in ports {
            s.insert(p);
        }
        s
    }

    #[test]
    fn insert_range_matches_port_by_port() {
        for (from, to) in [
            (0, 0),
            (0, 63),
            (1, 64),
            (63, 64),
            (80, 443),
            (49152, 65535),
            (65535, 65535),
            (0, 65535),
            (100, 1000),
        ] {
            let mut fast = PortSet::new();
            fast.insert_range(from, to);
            let mut slow = PortSet::new();
            for p in from..=to {
                slow.insert(p);
            }
            assert!(fast == slow, "{from}-{to}");
            assert_eq!(fast.len(), u32::from(to - from) + 1);
        }
    }

    #[test]
    fn set_operations() {
        let mut s = set_of(&[0, 1, 64, 65535]);
        assert!(s.contains(65535) && s.contains(0) && !s.contains(2));
        s.remove(1);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 64, 65535]);
        s.remove_all(&set_of(&[64, 7]));
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 65535]);
    }

    #[test]
    fn draw_only_returns_free_allowed_ports() {
        let mut ports = PortSet::new();
        ports.insert_range(100, 299);
        let allowed = Pool::new(ports);
        assert_eq!(allowed.words, 1..5);
        let base = set_of(&[100, 150, 299]);
        let mut taken = Overlay::new(&base);
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..197 {
            let p = draw(
                &allowed,
                &taken,
                &PoolTaken::count(&allowed, &base),
                &mut rng,
            )
            .unwrap();
            assert!((100..=299).contains(&p), "{p}");
            assert!(!taken.contains(p), "{p} drawn twice");
            taken.insert(p);
        }
        assert_eq!(
            draw(
                &allowed,
                &taken,
                &PoolTaken::count(&allowed, &base),
                &mut rng
            ),
            None
        );
    }

    #[test]
    fn an_empty_pool_draws_nothing() {
        let pool = Pool::new(PortSet::new());
        assert_eq!((pool.len(), pool.words.clone()), (0, 0..0));
        assert_eq!(
            draw(
                &pool,
                &Overlay::new(&PortSet::new()),
                &PoolTaken::none(&pool),
                &mut StdRng::seed_from_u64(1)
            ),
            None
        );
    }

    #[test]
    fn draw_reaches_every_free_port() {
        // The ends of words and of the set are where an off-by-one would hide.
        let allowed = Pool::new(set_of(&[0, 63, 64, 127, 65535]));
        let base = set_of(&[64]);
        let taken = Overlay::new(&base);
        assert_eq!(
            (allowed.count_free(&taken, 1), allowed.taken_in(&base)),
            (4, 1)
        );
        let mut rng = StdRng::seed_from_u64(1);
        let mut seen = PortSet::new();
        for _ in 0..500 {
            let counts = PoolTaken::count(&allowed, &base);
            seen.insert(draw(&allowed, &taken, &counts, &mut rng).unwrap());
        }
        assert_eq!(seen.iter().collect::<Vec<_>>(), vec![0, 63, 127, 65535]);
    }

    #[test]
    fn nth_free_finds_every_rank_from_both_ends() {
        let mut ports = PortSet::new();
        ports.insert_range(60, 200);
        ports.insert_range(65500, 65535);
        let pool = Pool::new(ports);
        let base = set_of(&[60, 63, 64, 100, 127, 128, 65535]);
        let mut taken = Overlay::new(&base);
        for p in [61, 129, 65500] {
            taken.insert(p);
        }
        taken.remove(100);
        let expected: Vec<u16> = (0..=u16::MAX)
            .filter(|&p| pool.contains(p) && !taken.contains(p))
            .collect();
        let free = pool.count_free(&taken, pool.taken_in(&base));
        assert_eq!(free as usize, expected.len());
        let found: Vec<u16> = (0..free)
            .map(|rank| nth_free(&pool, &taken, free, rank).unwrap())
            .collect();
        assert_eq!(found, expected);
        assert_eq!(nth_free(&pool, &taken, free, free), None);
    }

    #[test]
    fn an_overlay_changes_words_without_touching_its_base() {
        let base = set_of(&[1, 64, 200, 65535]);
        let mut taken = Overlay::new(&base);
        taken.insert(2);
        taken.remove(64);
        taken.insert(65534);
        taken.remove(200);
        taken.insert(200);
        taken.remove(9);
        for (port, expected) in [
            (1, true),
            (2, true),
            (64, false),
            (200, true),
            (65534, true),
            (65535, true),
            (9, false),
        ] {
            assert_eq!(taken.contains(port), expected, "{port}");
        }
        assert!(base.contains(64) && !base.contains(2));
        let mut all = PortSet::new();
        all.insert_range(0, 65535);
        let pool = Pool::new(all);
        assert_eq!(pool.taken_in(&base), 4);
        assert_eq!(pool.count_free(&taken, 4), 65536 - 5);
        // The changed words are merged in wherever the walk starts.
        let mut upper = PortSet::new();
        upper.insert_range(65534, 65535);
        let upper = Pool::new(upper);
        assert_eq!(upper.count_free(&taken, upper.taken_in(&base)), 0);
        let mut lower = PortSet::new();
        lower.insert_range(60, 70);
        let lower = Pool::new(lower);
        assert_eq!(lower.count_free(&taken, lower.taken_in(&base)), 11);
    }
}
