//! Sets of ports as bitsets, and the uniform draw of a free port.
//!
//! A draw must cost the same whether a group is empty or nearly full (Kublade's allocator slows
//! from 1.6 ms to 100 ms as its range fills). So instead of guessing and retrying, which gets
//! slower as the group fills, we count the free ports word by word and walk to the chosen one:
//! at most two passes over 1,024 words, whatever the fill.

use rand::rngs::StdRng;
use rand::{Rng, RngExt, SeedableRng};

use super::error::ClaimsError;

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

    /// How many ports are in both `self` and `other`.
    pub(crate) fn count_common(&self, other: &PortSet) -> u32 {
        self.words
            .iter()
            .zip(other.words.iter())
            .map(|(a, b)| (a & b).count_ones())
            .sum()
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

/// How many ports of `allowed` are not in `taken`.
pub(crate) fn count_free(allowed: &PortSet, taken: &PortSet) -> u32 {
    allowed
        .words
        .iter()
        .zip(taken.words.iter())
        .map(|(a, t)| (a & !t).count_ones())
        .sum()
}

/// A port drawn uniformly among those of `allowed` that are not in `taken`, or `None` when
/// there is none.
pub(crate) fn draw(
    allowed: &PortSet,
    taken: &PortSet,
    rng: &mut (impl Rng + ?Sized),
) -> Option<u16> {
    let free = count_free(allowed, taken);
    if free == 0 {
        return None;
    }
    // A `u32` range, not `usize`, so that a seed gives the same port natively and in wasm32.
    let mut rank = rng.random_range(0..free);
    for (index, (a, t)) in allowed.words.iter().zip(taken.words.iter()).enumerate() {
        let mut word = a & !t;
        let here = word.count_ones();
        if rank < here {
            // Drop the `rank` lowest free ports of this word; the next one is the port drawn.
            for _ in 0..rank {
                word &= word.wrapping_sub(1);
            }
            let port = index * 64 + word.trailing_zeros() as usize;
            return u16::try_from(port).ok();
        }
        rank -= here;
    }
    None
}

/// The random number generator draws use: repeatable with a seed (the same seed gives the same
/// ports natively and in WebAssembly), else seeded from the platform's secure randomness.
pub fn rng(seed: Option<u64>) -> Result<StdRng, ClaimsError> {
    match seed {
        Some(seed) => Ok(StdRng::seed_from_u64(seed)),
        None => {
            let mut bytes = <StdRng as SeedableRng>::Seed::default();
            getrandom::fill(&mut bytes).map_err(|e| {
                ClaimsError::new(format!(
                    "the platform gave no secure randomness to draw ports with: {e}"
                ))
            })?;
            Ok(StdRng::from_seed(bytes))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

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
        let other = set_of(&[64, 7]);
        assert_eq!(s.count_common(&other), 1);
        s.remove_all(&other);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 65535]);
    }

    #[test]
    fn draw_only_returns_free_allowed_ports() {
        let mut allowed = PortSet::new();
        allowed.insert_range(100, 299);
        let mut taken = set_of(&[100, 150, 299]);
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..197 {
            let p = draw(&allowed, &taken, &mut rng).unwrap();
            assert!((100..=299).contains(&p), "{p}");
            assert!(!taken.contains(p), "{p} drawn twice");
            taken.insert(p);
        }
        assert_eq!(draw(&allowed, &taken, &mut rng), None);
    }

    #[test]
    fn draw_reaches_every_free_port() {
        // The ends of words and of the set are where an off-by-one would hide.
        let allowed = set_of(&[0, 63, 64, 127, 65535]);
        let taken = set_of(&[64]);
        let mut rng = StdRng::seed_from_u64(1);
        let mut seen = PortSet::new();
        for _ in 0..500 {
            seen.insert(draw(&allowed, &taken, &mut rng).unwrap());
        }
        assert_eq!(seen.iter().collect::<Vec<_>>(), vec![0, 63, 127, 65535]);
    }
}
