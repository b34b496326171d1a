//! How many ports of a pool are taken, in all and per block of words, kept up to date as ports
//! are taken and freed: a draw then skips whole blocks to the one that holds the port it picked,
//! reading a handful of counts and at most one block's words instead of up to half the pool's.

use std::ops::Range;

use super::{Overlay, Pool, nth_free_in};

/// Words per block: 16 words of 64 ports. The dynamic range (256 words) is then 16 blocks of
/// 16 words, which balances the counts walked against the words scanned.
pub(super) const BLOCK_WORDS: usize = 16;

/// The block that holds word `index`.
pub(super) fn block_of(index: usize) -> usize {
    index / BLOCK_WORDS
}

/// The blocks that `pool`'s span touches.
fn blocks_of(pool: &Pool) -> Range<usize> {
    match pool.words.end.checked_sub(1) {
        Some(last) if !pool.words.is_empty() => block_of(pool.words.start)..block_of(last) + 1,
        _ => 0..0,
    }
}

/// The words of block `block` that `pool` spans.
fn words_of(pool: &Pool, block: usize) -> Range<usize> {
    let start = block.saturating_mul(BLOCK_WORDS).max(pool.words.start);
    let end = block
        .saturating_add(1)
        .saturating_mul(BLOCK_WORDS)
        .min(pool.words.end);
    start..end.max(start)
}

/// The ports of one pool that a taken set holds: in all, and per block of the pool's span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PoolTaken {
    total: u32,
    /// By block, from the block of the pool's first word.
    blocks: Vec<u32>,
}

impl PoolTaken {
    /// No port of `pool` taken.
    pub(crate) fn none(pool: &Pool) -> PoolTaken {
        PoolTaken {
            total: 0,
            blocks: vec![0; blocks_of(pool).len()],
        }
    }

    /// The ports of `pool` that `set` holds, counted word by word.
    pub(crate) fn count(pool: &Pool, set: &super::PortSet) -> PoolTaken {
        let blocks: Vec<u32> = blocks_of(pool)
            .map(|block| pool.taken_in_words(set, words_of(pool, block)))
            .collect();
        PoolTaken {
            total: blocks.iter().sum(),
            blocks,
        }
    }

    pub(crate) fn total(&self) -> u32 {
        self.total
    }

    /// The counts by block, from the block of the pool's first word.
    pub(super) fn into_blocks(self) -> Vec<u32> {
        self.blocks
    }

    /// Counts `port`, a port of `pool`, as taken (`taken`) or freed.
    pub(crate) fn count_port(&mut self, pool: &Pool, port: u16, taken: bool) {
        let word = usize::from(port >> 6);
        let offset = block_of(word).wrapping_sub(block_of(pool.words.start));
        let counts = [&mut self.total]
            .into_iter()
            .chain(self.blocks.get_mut(offset));
        for count in counts {
            *count = if taken {
                count.saturating_add(1)
            } else {
                count.saturating_sub(1)
            };
        }
    }
}

/// The `rank`-th lowest port of `pool` (counting from 0) not in `taken`, of `free` such ports
/// in all, given that `base` counts the ports of the pool that `taken`'s base set holds: the
/// port [`super::nth_free`] finds, found by walking block counts from the nearer end of the pool,
/// then the words of one block.
pub(super) fn nth_free(
    pool: &Pool,
    taken: &Overlay,
    base: &PoolTaken,
    free: u32,
    rank: u32,
) -> Option<u16> {
    let first = blocks_of(pool).start;
    let free_in = |offset: usize| -> (Range<usize>, u32) {
        let words = words_of(pool, first + offset);
        let size = pool.block_sizes.get(offset).copied().unwrap_or(0);
        let held = base.blocks.get(offset).copied().unwrap_or(0);
        let free = size.saturating_sub(held);
        // Most draws come before their decision changed any word: no call to find none.
        let free = if taken.changed.is_empty() {
            free
        } else {
            pool.adjust_free(free, taken, &words)
        };
        (words, free)
    };
    let blocks = 0..pool.block_sizes.len().min(base.blocks.len());
    if rank < free / 2 {
        let mut rank = rank;
        for offset in blocks {
            let (words, here) = free_in(offset);
            if rank < here {
                return nth_free_in(pool, taken, words, here, rank);
            }
            rank -= here;
        }
    } else {
        let mut from_top = free.checked_sub(1)?.checked_sub(rank)?;
        for offset in blocks.rev() {
            let (words, here) = free_in(offset);
            if from_top < here {
                return nth_free_in(pool, taken, words, here, here - 1 - from_top);
            }
            from_top -= here;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::{PortSet, nth_free as scan};
    use super::*;
    use proptest::prelude::*;

    /// A pool of the given ranges (ports `from` to `from + width`).
    fn pool_of(ranges: &[(u16, u16)]) -> Pool {
        let mut ports = PortSet::new();
        for &(from, width) in ranges {
            ports.insert_range(from, from.saturating_add(width));
        }
        Pool::new(ports)
    }

    #[test]
    fn counts_follow_ports_taken_and_freed() {
        let pool = pool_of(&[(1000, 2000), (60000, 100)]);
        let mut set = PortSet::new();
        let mut counted = PoolTaken::none(&pool);
        for port in [1000, 1023, 1024, 2047, 3000, 60050, 500, 65535] {
            set.insert(port);
            if pool.contains(port) {
                counted.count_port(&pool, port, true);
            }
        }
        assert_eq!(counted, PoolTaken::count(&pool, &set));
        assert_eq!(counted.total(), 6);
        set.remove(1023);
        counted.count_port(&pool, 1023, false);
        assert_eq!(counted, PoolTaken::count(&pool, &set));
        assert_eq!(counted.total(), 5);
    }

    proptest! {
        /// Every rank finds the port a plain scan of the pool's words finds, whatever the pool,
        /// the taken ports and the decision's own changes.
        #[test]
        fn blocks_find_what_a_scan_finds(
            ranges in prop::collection::vec((any::<u16>(), 0u16..3000), 0..4),
            taken in prop::collection::vec(any::<u16>(), 0..400),
            changes in prop::collection::vec((any::<u16>(), any::<bool>()), 0..20),
            near in prop::collection::vec(0u16..4000, 0..200),
        ) {
            let pool = pool_of(&ranges);
            let mut base = PortSet::new();
            // Ports near the ranges as well as anywhere, so that blocks fill.
            let starts: Vec<u16> = ranges.iter().map(|&(from, _)| from).collect();
            let near = near.iter().zip(starts.iter().cycle()).map(|(d, s)| s.saturating_add(*d));
            for port in taken.iter().copied().chain(near) {
                base.insert(port);
            }
            let counts = PoolTaken::count(&pool, &base);
            let mut overlay = Overlay::new(&base);
            for &(port, take) in &changes {
                if take { overlay.insert(port) } else { overlay.remove(port) }
            }
            let free = pool.count_free(&overlay, counts.total());
            for rank in 0..free {
                prop_assert_eq!(
                    nth_free(&pool, &overlay, &counts, free, rank),
                    scan(&pool, &overlay, free, rank),
                    "rank {} of {}", rank, free
                );
            }
            prop_assert_eq!(nth_free(&pool, &overlay, &counts, free, free), None);
        }
    }
}
