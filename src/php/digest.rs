//! The digests of `md5()`, `sha1()`, `hash()` and `crc32()`, as plain loops.
//!
//! The crates we measured (`md5`, `sha1_smol`) unroll their rounds and cost about 20 KiB of
//! wasm together; these loops cost a fraction of that, and templates hash a few short strings.
//! Both are checked against PHP's results in tests/php_cases.json.

/// Pads a message the way MD5 and SHA-1 both do: `0x80`, zeros, then the bit length in the
/// last 8 bytes, little-endian for MD5 and big-endian for SHA-1.
fn padded(message: &[u8], big_endian_length: bool) -> Vec<u8> {
    let mut data = Vec::with_capacity(message.len() + 72);
    data.extend_from_slice(message);
    data.push(0x80);
    while data.len() % 64 != 56 {
        data.push(0);
    }
    let bits = (message.len() as u64).wrapping_mul(8);
    data.extend_from_slice(&if big_endian_length {
        bits.to_be_bytes()
    } else {
        bits.to_le_bytes()
    });
    data
}

fn word(bytes: &[u8], big_endian: bool) -> u32 {
    let mut b = [0u8; 4];
    for (dst, src) in b.iter_mut().zip(bytes) {
        *dst = *src;
    }
    if big_endian {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    }
}

/// K[i] = floor(|sin(i + 1)| * 2^32), RFC 1321.
const MD5_K: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];

pub(crate) fn md5(message: &[u8]) -> [u8; 16] {
    const SHIFTS: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
    let mut state: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    for block in padded(message, false).chunks_exact(64) {
        let m: Vec<u32> = block.chunks_exact(4).map(|w| word(w, false)).collect();
        let [mut a, mut b, mut c, mut d] = state;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let rotated = a
                .wrapping_add(f)
                .wrapping_add(MD5_K[i])
                .wrapping_add(m.get(g).copied().unwrap_or(0))
                .rotate_left(SHIFTS[(i / 16) * 4 + i % 4]);
            (a, d, c) = (d, c, b);
            b = b.wrapping_add(rotated);
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d]) {
            *s = s.wrapping_add(v);
        }
    }
    let mut out = [0u8; 16];
    for (chunk, s) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&s.to_le_bytes());
    }
    out
}

pub(crate) fn sha1(message: &[u8]) -> [u8; 20] {
    let mut state: [u32; 5] = [
        0x6745_2301,
        0xefcd_ab89,
        0x98ba_dcfe,
        0x1032_5476,
        0xc3d2_e1f0,
    ];
    let mut w = [0u32; 80];
    for block in padded(message, true).chunks_exact(64) {
        for (i, chunk) in block.chunks_exact(4).enumerate() {
            w[i] = word(chunk, true);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = state;
        for (i, &wi) in w.iter().enumerate() {
            let (f, k) = match i / 20 {
                0 => ((b & c) | (!b & d), 0x5a82_7999),
                1 => (b ^ c ^ d, 0x6ed9_eba1),
                2 => ((b & c) | (b & d) | (c & d), 0x8f1b_bcdc),
                _ => (b ^ c ^ d, 0xca62_c1d6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(wi);
            (e, d, c, b, a) = (d, c, b.rotate_left(30), a, t);
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d, e]) {
            *s = s.wrapping_add(v);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, s) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&s.to_be_bytes());
    }
    out
}

/// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const SHA256_K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

pub(crate) fn sha256(message: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, s) in out.chunks_exact_mut(4).zip(sha256_state(
        [
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
            0x5be0cd19,
        ],
        message,
    )) {
        chunk.copy_from_slice(&s.to_be_bytes());
    }
    out
}

/// SHA-224: SHA-256 from another initial state, cut to 7 words.
fn sha224(message: &[u8]) -> Vec<u8> {
    let state = sha256_state(
        [
            0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7,
            0xbefa4fa4,
        ],
        message,
    );
    state[..7].iter().flat_map(|s| s.to_be_bytes()).collect()
}

fn sha256_state(mut state: [u32; 8], message: &[u8]) -> [u32; 8] {
    let mut w = [0u32; 64];
    for block in padded(message, true).chunks_exact(64) {
        for (i, chunk) in block.chunks_exact(4).enumerate() {
            w[i] = word(chunk, true);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = state;
        for (&k, &wi) in SHA256_K.iter().zip(w.iter()) {
            let [a, b, c, d, e, f, g, h] = v;
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let choose = (e & f) ^ (!e & g);
            let t1 = h
                .wrapping_add(s1)
                .wrapping_add(choose)
                .wrapping_add(k)
                .wrapping_add(wi);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let majority = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(majority);
            v = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
        }
        for (s, x) in state.iter_mut().zip(v) {
            *s = s.wrapping_add(x);
        }
    }
    state
}

/// CRC-32 (IEEE, reflected), PHP's `crc32()` and `hash('crc32b')`.
pub(crate) fn crc32(message: &[u8]) -> u32 {
    crc32_reflected(message, 0xedb8_8320)
}

fn crc32_reflected(message: &[u8], polynomial: u32) -> u32 {
    let mut crc = !0u32;
    for &byte in message {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ polynomial
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Why `hash()` cannot give an algorithm's digest.
pub(crate) enum Refusal {
    /// PHP has no such algorithm either.
    Unknown,
    /// PHP has it; portclaims does not implement it (COMPATIBILITY.md lists them).
    Unsupported,
}

/// `hash($algo, $data)`'s raw digest. `seed` is `$options['seed']`, which only the
/// MurmurHash and xxHash algorithms read.
pub(crate) fn hash(algo: &str, data: &[u8], seed: u64) -> Result<Vec<u8>, Refusal> {
    Ok(match algo {
        "md4" => md4(data).to_vec(),
        "md5" => md5(data).to_vec(),
        "sha1" => sha1(data).to_vec(),
        "sha224" => sha224(data),
        "sha256" => sha256(data).to_vec(),
        "sha384" => sha512_family(SHA384_IV, data, 48),
        "sha512" => sha512_family(SHA512_IV, data, 64),
        "sha512/224" => sha512_family(sha512_t_iv(b"SHA-512/224"), data, 28),
        "sha512/256" => sha512_family(sha512_t_iv(b"SHA-512/256"), data, 32),
        "sha3-224" => sha3(data, 28),
        "sha3-256" => sha3(data, 32),
        "sha3-384" => sha3(data, 48),
        "sha3-512" => sha3(data, 64),
        // PHP's "crc32" is the BZIP2 CRC, its bytes printed least significant first.
        "crc32" => crc32_bzip2(data).to_le_bytes().to_vec(),
        "crc32b" => crc32(data).to_be_bytes().to_vec(),
        "crc32c" => crc32_reflected(data, 0x82f6_3b78).to_be_bytes().to_vec(),
        "adler32" => adler32(data).to_be_bytes().to_vec(),
        "fnv132" => fnv32(data, false).to_be_bytes().to_vec(),
        "fnv1a32" => fnv32(data, true).to_be_bytes().to_vec(),
        "fnv164" => fnv64(data, false).to_be_bytes().to_vec(),
        "fnv1a64" => fnv64(data, true).to_be_bytes().to_vec(),
        "joaat" => joaat(data).to_be_bytes().to_vec(),
        "murmur3a" => murmur3a(data, seed as u32).to_be_bytes().to_vec(),
        "xxh32" => xxh32(data, seed as u32).to_be_bytes().to_vec(),
        "xxh64" => xxh64(data, seed).to_be_bytes().to_vec(),
        "md2" | "ripemd128" | "ripemd160" | "ripemd256" | "ripemd320" | "whirlpool"
        | "tiger128,3" | "tiger160,3" | "tiger192,3" | "tiger128,4" | "tiger160,4"
        | "tiger192,4" | "snefru" | "snefru256" | "gost" | "gost-crypto" | "murmur3c"
        | "murmur3f" | "xxh3" | "xxh128" | "haval128,3" | "haval160,3" | "haval192,3"
        | "haval224,3" | "haval256,3" | "haval128,4" | "haval160,4" | "haval192,4"
        | "haval224,4" | "haval256,4" | "haval128,5" | "haval160,5" | "haval192,5"
        | "haval224,5" | "haval256,5" => return Err(Refusal::Unsupported),
        _ => return Err(Refusal::Unknown),
    })
}

/// MD4 (RFC 1320): MD5's padding and byte order, three rounds of 16 steps.
fn md4(message: &[u8]) -> [u8; 16] {
    const ORDER: [[usize; 16]; 3] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15],
        [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15],
    ];
    const SHIFTS: [[u32; 4]; 3] = [[3, 7, 11, 19], [3, 5, 9, 13], [3, 9, 11, 15]];
    const ADD: [u32; 3] = [0, 0x5a82_7999, 0x6ed9_eba1];
    let mut state: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    for block in padded(message, false).chunks_exact(64) {
        let m: Vec<u32> = block.chunks_exact(4).map(|w| word(w, false)).collect();
        let [mut a, mut b, mut c, mut d] = state;
        for round in 0..3 {
            for i in 0..16 {
                let f = match round {
                    0 => (b & c) | (!b & d),
                    1 => (b & c) | (b & d) | (c & d),
                    _ => b ^ c ^ d,
                };
                let t = a
                    .wrapping_add(f)
                    .wrapping_add(m.get(ORDER[round][i]).copied().unwrap_or(0))
                    .wrapping_add(ADD[round])
                    .rotate_left(SHIFTS[round][i % 4]);
                (a, b, c, d) = (d, t, b, c);
            }
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d]) {
            *s = s.wrapping_add(v);
        }
    }
    let mut out = [0u8; 16];
    for (chunk, s) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&s.to_le_bytes());
    }
    out
}

const SHA512_IV: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

const SHA384_IV: [u64; 8] = [
    0xcbbb9d5dc1059ed8,
    0x629a292a367cd507,
    0x9159015a3070dd17,
    0x152fecd8f70e5939,
    0x67332667ffc00b31,
    0x8eb44a8768581511,
    0xdb0c2e0d64f98fa7,
    0x47b5481dbefa4fa4,
];

/// The first 64 bits of the fractional parts of the cube roots of the first 80 primes.
const SHA512_K: [u64; 80] = [
    0x428a2f98d728ae22,
    0x7137449123ef65cd,
    0xb5c0fbcfec4d3b2f,
    0xe9b5dba58189dbbc,
    0x3956c25bf348b538,
    0x59f111f1b605d019,
    0x923f82a4af194f9b,
    0xab1c5ed5da6d8118,
    0xd807aa98a3030242,
    0x12835b0145706fbe,
    0x243185be4ee4b28c,
    0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f,
    0x80deb1fe3b1696b1,
    0x9bdc06a725c71235,
    0xc19bf174cf692694,
    0xe49b69c19ef14ad2,
    0xefbe4786384f25e3,
    0x0fc19dc68b8cd5b5,
    0x240ca1cc77ac9c65,
    0x2de92c6f592b0275,
    0x4a7484aa6ea6e483,
    0x5cb0a9dcbd41fbd4,
    0x76f988da831153b5,
    0x983e5152ee66dfab,
    0xa831c66d2db43210,
    0xb00327c898fb213f,
    0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2,
    0xd5a79147930aa725,
    0x06ca6351e003826f,
    0x142929670a0e6e70,
    0x27b70a8546d22ffc,
    0x2e1b21385c26c926,
    0x4d2c6dfc5ac42aed,
    0x53380d139d95b3df,
    0x650a73548baf63de,
    0x766a0abb3c77b2a8,
    0x81c2c92e47edaee6,
    0x92722c851482353b,
    0xa2bfe8a14cf10364,
    0xa81a664bbc423001,
    0xc24b8b70d0f89791,
    0xc76c51a30654be30,
    0xd192e819d6ef5218,
    0xd69906245565a910,
    0xf40e35855771202a,
    0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8,
    0x1e376c085141ab53,
    0x2748774cdf8eeb99,
    0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63,
    0x4ed8aa4ae3418acb,
    0x5b9cca4f7763e373,
    0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc,
    0x78a5636f43172f60,
    0x84c87814a1f0ab72,
    0x8cc702081a6439ec,
    0x90befffa23631e28,
    0xa4506cebde82bde9,
    0xbef9a3f7b2c67915,
    0xc67178f2e372532b,
    0xca273eceea26619c,
    0xd186b8c721c0c207,
    0xeada7dd6cde0eb1e,
    0xf57d4f7fee6ed178,
    0x06f067aa72176fba,
    0x0a637dc5a2c898a6,
    0x113f9804bef90dae,
    0x1b710b35131c471b,
    0x28db77f523047d84,
    0x32caab7b40c72493,
    0x3c9ebe0a15c9bebc,
    0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6,
    0x597f299cfc657e2a,
    0x5fcb6fab3ad6faec,
    0x6c44198c4a475817,
];

/// SHA-512/t's initial state (FIPS 180-4, 5.3.6): SHA-512 of its name, from SHA-512's
/// state with every word xored with `a5…a5`.
fn sha512_t_iv(name: &[u8]) -> [u64; 8] {
    sha512_state(SHA512_IV.map(|h| h ^ 0xa5a5_a5a5_a5a5_a5a5), name)
}

fn sha512_family(iv: [u64; 8], message: &[u8], len: usize) -> Vec<u8> {
    let mut out: Vec<u8> = sha512_state(iv, message)
        .iter()
        .flat_map(|s| s.to_be_bytes())
        .collect();
    out.truncate(len);
    out
}

fn sha512_state(mut state: [u64; 8], message: &[u8]) -> [u64; 8] {
    let mut data = Vec::with_capacity(message.len() + 144);
    data.extend_from_slice(message);
    data.push(0x80);
    while data.len() % 128 != 112 {
        data.push(0);
    }
    data.extend_from_slice(&((message.len() as u128).wrapping_mul(8)).to_be_bytes());
    let mut w = [0u64; 80];
    for block in data.chunks_exact(128) {
        for (i, chunk) in block.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            w[i] = u64::from_be_bytes(b);
        }
        for i in 16..80 {
            let s0 = w[i - 15].rotate_right(1) ^ w[i - 15].rotate_right(8) ^ (w[i - 15] >> 7);
            let s1 = w[i - 2].rotate_right(19) ^ w[i - 2].rotate_right(61) ^ (w[i - 2] >> 6);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = state;
        for (&k, &wi) in SHA512_K.iter().zip(w.iter()) {
            let [a, b, c, d, e, f, g, h] = v;
            let s1 = e.rotate_right(14) ^ e.rotate_right(18) ^ e.rotate_right(41);
            let choose = (e & f) ^ (!e & g);
            let t1 = h
                .wrapping_add(s1)
                .wrapping_add(choose)
                .wrapping_add(k)
                .wrapping_add(wi);
            let s0 = a.rotate_right(28) ^ a.rotate_right(34) ^ a.rotate_right(39);
            let majority = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(majority);
            v = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
        }
        for (s, x) in state.iter_mut().zip(v) {
            *s = s.wrapping_add(x);
        }
    }
    state
}

/// SHA-3 (FIPS 202): the Keccak-f[1600] sponge with a capacity of twice the digest.
fn sha3(message: &[u8], len: usize) -> Vec<u8> {
    let rate = 200 - 2 * len;
    let mut data = message.to_vec();
    data.push(0x06);
    while data.len() % rate != 0 {
        data.push(0);
    }
    if let Some(last) = data.last_mut() {
        *last |= 0x80;
    }
    let mut state = [0u64; 25];
    for block in data.chunks_exact(rate) {
        for (lane, chunk) in state.iter_mut().zip(block.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            *lane ^= u64::from_le_bytes(b);
        }
        keccak_f(&mut state);
    }
    let mut out: Vec<u8> = state.iter().flat_map(|l| l.to_le_bytes()).collect();
    out.truncate(len);
    out
}

fn keccak_f(a: &mut [u64; 25]) {
    const RC: [u64; 24] = [
        0x0000000000000001,
        0x0000000000008082,
        0x800000000000808a,
        0x8000000080008000,
        0x000000000000808b,
        0x0000000080000001,
        0x8000000080008081,
        0x8000000000008009,
        0x000000000000008a,
        0x0000000000000088,
        0x0000000080008009,
        0x000000008000000a,
        0x000000008000808b,
        0x800000000000008b,
        0x8000000000008089,
        0x8000000000008003,
        0x8000000000008002,
        0x8000000000000080,
        0x000000000000800a,
        0x800000008000000a,
        0x8000000080008081,
        0x8000000000008080,
        0x0000000080000001,
        0x8000000080008008,
    ];
    const RHO: [u32; 24] = [
        1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44,
    ];
    const PI: [usize; 24] = [
        10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1,
    ];
    for rc in RC {
        let mut c = [0u64; 5];
        for (x, cx) in c.iter_mut().enumerate() {
            *cx = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        }
        for x in 0..5 {
            let d = c[(x + 4) % 5] ^ c[(x + 1) % 5].rotate_left(1);
            for y in 0..5 {
                a[x + 5 * y] ^= d;
            }
        }
        let mut last = a[1];
        for (&j, &r) in PI.iter().zip(RHO.iter()) {
            let next = a[j];
            a[j] = last.rotate_left(r);
            last = next;
        }
        for y in 0..5 {
            let row = [
                a[5 * y],
                a[5 * y + 1],
                a[5 * y + 2],
                a[5 * y + 3],
                a[5 * y + 4],
            ];
            for x in 0..5 {
                a[5 * y + x] = row[x] ^ (!row[(x + 1) % 5] & row[(x + 2) % 5]);
            }
        }
        a[0] ^= rc;
    }
}

/// The CRC-32 of BZIP2 (not reflected), PHP's `hash('crc32')`.
fn crc32_bzip2(message: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in message {
        crc ^= u32::from(byte) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04c1_1db7
            } else {
                crc << 1
            };
        }
    }
    !crc
}

fn adler32(message: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in message {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

fn fnv32(message: &[u8], xor_first: bool) -> u32 {
    let mut h = 0x811c_9dc5u32;
    for &byte in message {
        if xor_first {
            h ^= u32::from(byte);
        }
        h = h.wrapping_mul(0x0100_0193);
        if !xor_first {
            h ^= u32::from(byte);
        }
    }
    h
}

fn fnv64(message: &[u8], xor_first: bool) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for &byte in message {
        if xor_first {
            h ^= u64::from(byte);
        }
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        if !xor_first {
            h ^= u64::from(byte);
        }
    }
    h
}

/// Bob Jenkins' one-at-a-time hash.
fn joaat(message: &[u8]) -> u32 {
    let mut h = 0u32;
    for &byte in message {
        h = h.wrapping_add(u32::from(byte));
        h = h.wrapping_add(h << 10);
        h ^= h >> 6;
    }
    h = h.wrapping_add(h << 3);
    h ^= h >> 11;
    h.wrapping_add(h << 15)
}

/// MurmurHash3, x86 32-bit.
fn murmur3a(message: &[u8], seed: u32) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let scramble = |k: u32| k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
    let mut h = seed;
    let mut blocks = message.chunks_exact(4);
    for block in &mut blocks {
        h ^= scramble(word(block, false));
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        h ^= scramble(word(tail, false));
    }
    h ^= message.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

fn xxh32(message: &[u8], seed: u32) -> u32 {
    const P1: u32 = 0x9e37_79b1;
    const P2: u32 = 0x85eb_ca77;
    const P3: u32 = 0xc2b2_ae3d;
    const P4: u32 = 0x27d4_eb2f;
    const P5: u32 = 0x1656_67b1;
    let round = |acc: u32, lane: u32| {
        acc.wrapping_add(lane.wrapping_mul(P2))
            .rotate_left(13)
            .wrapping_mul(P1)
    };
    let mut rest = message;
    let mut h = if message.len() >= 16 {
        let mut v = [
            seed.wrapping_add(P1).wrapping_add(P2),
            seed.wrapping_add(P2),
            seed,
            seed.wrapping_sub(P1),
        ];
        let mut stripes = message.chunks_exact(16);
        for stripe in &mut stripes {
            for (acc, lane) in v.iter_mut().zip(stripe.chunks_exact(4)) {
                *acc = round(*acc, word(lane, false));
            }
        }
        rest = stripes.remainder();
        v[0].rotate_left(1)
            .wrapping_add(v[1].rotate_left(7))
            .wrapping_add(v[2].rotate_left(12))
            .wrapping_add(v[3].rotate_left(18))
    } else {
        seed.wrapping_add(P5)
    };
    h = h.wrapping_add(message.len() as u32);
    let mut words = rest.chunks_exact(4);
    for w in &mut words {
        h = h
            .wrapping_add(word(w, false).wrapping_mul(P3))
            .rotate_left(17)
            .wrapping_mul(P4);
    }
    for &byte in words.remainder() {
        h = h
            .wrapping_add(u32::from(byte).wrapping_mul(P5))
            .rotate_left(11)
            .wrapping_mul(P1);
    }
    h ^= h >> 15;
    h = h.wrapping_mul(P2);
    h ^= h >> 13;
    h = h.wrapping_mul(P3);
    h ^ (h >> 16)
}

fn xxh64(message: &[u8], seed: u64) -> u64 {
    const P1: u64 = 0x9e37_79b1_85eb_ca87;
    const P2: u64 = 0xc2b2_ae3d_27d4_eb4f;
    const P3: u64 = 0x1656_67b1_9e37_79f9;
    const P4: u64 = 0x85eb_ca77_c2b2_ae63;
    const P5: u64 = 0x27d4_eb2f_1656_67c5;
    let lane64 = |bytes: &[u8]| {
        let mut b = [0u8; 8];
        b.copy_from_slice(bytes);
        u64::from_le_bytes(b)
    };
    let round = |acc: u64, lane: u64| {
        acc.wrapping_add(lane.wrapping_mul(P2))
            .rotate_left(31)
            .wrapping_mul(P1)
    };
    let mut rest = message;
    let mut h = if message.len() >= 32 {
        let mut v = [
            seed.wrapping_add(P1).wrapping_add(P2),
            seed.wrapping_add(P2),
            seed,
            seed.wrapping_sub(P1),
        ];
        let mut stripes = message.chunks_exact(32);
        for stripe in &mut stripes {
            for (acc, lane) in v.iter_mut().zip(stripe.chunks_exact(8)) {
                *acc = round(*acc, lane64(lane));
            }
        }
        rest = stripes.remainder();
        let mut h = v[0]
            .rotate_left(1)
            .wrapping_add(v[1].rotate_left(7))
            .wrapping_add(v[2].rotate_left(12))
            .wrapping_add(v[3].rotate_left(18));
        for acc in v {
            h = (h ^ round(0, acc)).wrapping_mul(P1).wrapping_add(P4);
        }
        h
    } else {
        seed.wrapping_add(P5)
    };
    h = h.wrapping_add(message.len() as u64);
    let mut lanes = rest.chunks_exact(8);
    for lane in &mut lanes {
        h = (h ^ round(0, lane64(lane)))
            .rotate_left(27)
            .wrapping_mul(P1)
            .wrapping_add(P4);
    }
    let mut rest = lanes.remainder();
    if rest.len() >= 4 {
        h = (h ^ u64::from(word(&rest[..4], false)).wrapping_mul(P1))
            .rotate_left(23)
            .wrapping_mul(P2)
            .wrapping_add(P3);
        rest = &rest[4..];
    }
    for &byte in rest {
        h = (h ^ u64::from(byte).wrapping_mul(P5))
            .rotate_left(11)
            .wrapping_mul(P1);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(P2);
    h ^= h >> 29;
    h = h.wrapping_mul(P3);
    h ^ (h >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn rfc_test_vectors() {
        // RFC 1321 and FIPS 180-1 examples (php -r 'echo md5(""), sha1("abc");' agrees).
        assert_eq!(hex(&md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(&md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            hex(&md5(
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            )),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
        assert_eq!(
            hex(&sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(&sha1(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        assert_eq!(hex(&sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // php -r 'echo dechex(crc32("The quick brown fox jumped over the lazy dog."));'
        assert_eq!(
            crc32(b"The quick brown fox jumped over the lazy dog."),
            0x82a3_4642
        );
    }
}
