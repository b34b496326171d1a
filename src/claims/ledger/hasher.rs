//! The hasher of the ledger's own hash tables.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for the ledger's own maps: a multiply per eight bytes instead of SipHash. Keys are
/// scope and claim names from the host, not from strangers, so flooding is not a concern, and
/// the maps are looked up several times for every claim decided.
#[derive(Default)]
pub(super) struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        // A multiply only carries low bits upwards, and tables index by the low bits: mix the
        // high bits down (MurmurHash3's finalizer), or names that differ only after their first
        // bytes ("d1", "d2", ...) would all share a few buckets.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(word);
            self.write_u64(u64::from_le_bytes(eight));
        }
        let mut rest = words.remainder();
        if !rest.is_empty() {
            // The last bytes, zero-padded and little-endian, read in at most three loads rather
            // than byte by byte: most scope names are shorter than eight bytes, and in
            // WebAssembly a loop per byte showed in every render's profile.
            let (mut last, mut shift) = (0u64, 0);
            if let Some((four, tail)) = rest.split_first_chunk::<4>() {
                last = u64::from(u32::from_le_bytes(*four));
                (shift, rest) = (32, tail);
            }
            if let Some((two, tail)) = rest.split_first_chunk::<2>() {
                last |= u64::from(u16::from_le_bytes(*two)) << shift;
                shift += 16;
                rest = tail;
            }
            if let Some(&one) = rest.first() {
                last |= u64::from(one) << shift;
            }
            self.write_u64(last);
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u16(&mut self, n: u16) {
        self.write_u64(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        // The derived `Hash` of an enum writes its discriminant as an `isize`.
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

pub(super) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
pub(super) type FastSet<K> = HashSet<K, BuildHasherDefault<FastHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::Protocol;
    use std::hash::BuildHasher;

    #[test]
    fn the_hasher_reads_a_names_last_bytes_as_zero_padded_words() {
        // Every length of tail (0 to 7 bytes past whole words) must read as a little-endian,
        // zero-padded word, or names would hash by fewer of their bytes than they have.
        let bytes: Vec<u8> = (1..=23).collect();
        for len in 0..=bytes.len() {
            let name = &bytes[..len];
            let mut expected = FastHasher::default();
            for chunk in name.chunks(8) {
                let mut eight = [0u8; 8];
                eight[..chunk.len()].copy_from_slice(chunk);
                expected.write_u64(u64::from_le_bytes(eight));
            }
            let mut hashed = FastHasher::default();
            hashed.write(name);
            assert_eq!(hashed.0, expected.0, "{len} bytes");
        }
    }

    #[test]
    fn names_that_differ_late_spread_over_buckets() {
        // Tables index by the low bits of a hash; "d1", "d2", ... must not share them.
        let build = BuildHasherDefault::<FastHasher>::default();
        let buckets: HashSet<u64> = (0..4096)
            .map(|i| build.hash_one(format!("d{i}")) & 4095)
            .collect();
        assert!(buckets.len() > 2048, "{} buckets of 4096", buckets.len());
        let ports: HashSet<u64> = (0..4096u16)
            .map(|p| build.hash_one((Protocol::Tcp, 49152 + p)) & 4095)
            .collect();
        assert!(ports.len() > 2048, "{} buckets of 4096", ports.len());
    }
}
