//! Encodings and digests: `base64_encode`, `base64_decode`, `md5`, `sha1`, `bin2hex`,
//! `urlencode`, `rawurlencode`.

use minijinja::Error;
use minijinja::value::Value;

use super::args::Args;
use super::budget;
use super::digest::Refusal;
use super::functions::{Function, php_fn};
use super::strings::{MAX_STRING_LEN, from_bytes, too_long};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Each byte's place in [`ALPHABET`], if it has one.
const SEXTETS: [Option<u8>; 256] = {
    let mut table = [None; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = Some(i as u8);
        i += 1;
    }
    table
};

pub(crate) const LIBRARY: &[Function] = &[
    php_fn!("base64_encode", ["string"], 1, |a| base64_encode(a)),
    php_fn!("base64_decode", ["string", "strict"], 1, |a| {
        let input = a.string(0)?;
        budget::string(input.len() / 4 * 3 + 3)?;
        let decoded = base64_decode(input.as_bytes(), a.opt_bool(1)?);
        Ok(decoded.map_or(Value::from(false), |bytes| from_bytes(&bytes)))
    }),
    php_fn!("md5", ["string", "binary"], 1, |a| {
        let digest = super::digest::md5(hashed(&a.string(0)?)?);
        hex_digest(a, 1, &digest)
    }),
    php_fn!("sha1", ["string", "binary"], 1, |a| {
        let digest = super::digest::sha1(hashed(&a.string(0)?)?);
        hex_digest(a, 1, &digest)
    }),
    php_fn!("hash", ["algo", "data", "binary", "options"], 2, |a| {
        let algo = a.string(0)?.to_ascii_lowercase();
        let data = a.string(1)?;
        let seed = match a.get(3) {
            None => 0,
            Some(_) => seed(a.array(3)?),
        };
        match super::digest::hash(&algo, hashed(&data)?, seed) {
            Ok(digest) => hex_digest(a, 2, &digest),
            Err(Refusal::Unknown) => Err(a.value_error(0, "must be a valid hashing algorithm")),
            Err(Refusal::Unsupported) => Err(a.value_error(
                0,
                &format!("\"{algo}\" is a hashing algorithm portclaims does not implement"),
            )),
        }
    }),
    php_fn!("crc32", ["string"], 1, |a| {
        Ok(Value::from(i64::from(super::digest::crc32(hashed(
            &a.string(0)?,
        )?))))
    }),
    php_fn!("bin2hex", ["string"], 1, |a| {
        let s = a.string(0)?;
        budget::string(s.len().saturating_mul(2))?;
        Ok(Value::from(hex(s.as_bytes())))
    }),
    php_fn!("urlencode", ["string"], 1, |a| Ok(Value::from(url_encode(
        &a.string(0)?,
        true
    )?))),
    php_fn!("rawurlencode", ["string"], 1, |a| Ok(Value::from(
        url_encode(&a.string(0)?, false)?
    ))),
];

/// A digest as `$binary` asks for it. Strings here are UTF-8 text, which raw digest bytes
/// are not; giving them as U+FFFD-riddled text would be silently wrong, so the raw form is
/// refused.
fn hex_digest(a: &Args, binary: usize, digest: &[u8]) -> Result<Value, Error> {
    if a.opt_bool(binary)? {
        return Err(a.value_error(
            binary,
            "cannot be true: raw binary digests are not supported (strings are UTF-8 text), use the hexadecimal digest",
        ));
    }
    Ok(Value::from(hex(digest)))
}

/// `$options['seed']` of `hash()`, as PHP reads it for MurmurHash and xxHash.
fn seed(options: &Value) -> u64 {
    options
        .get_item(&Value::from("seed"))
        .ok()
        // Only an int: PHP ignores a seed of any other type (`true` is not 1 there).
        .filter(|v| v.is_integer())
        .and_then(|v| i64::try_from(v).ok())
        .map_or(0, |n| n as u64)
}

/// The bytes of `s`, charged as the digest about to hash them.
fn hashed(s: &str) -> Result<&[u8], Error> {
    budget::hash(s.len())?;
    Ok(s.as_bytes())
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(HEX_DIGITS[usize::from(b >> 4)] as char);
        out.push(HEX_DIGITS[usize::from(b & 15)] as char);
    }
    out
}

fn base64_encode(a: &Args) -> Result<Value, Error> {
    let input = a.string(0)?;
    let bytes = input.as_bytes();
    if bytes.len() / 3 * 4 > MAX_STRING_LEN {
        return Err(too_long("base64_encode"));
    }
    budget::string(bytes.len().div_ceil(3) * 4)?;
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    Ok(Value::from(out))
}

/// PHP's decoder: non-strict mode skips every byte outside the alphabet (padding included)
/// and keeps decoding; strict mode fails on them, on data after padding and on bad padding.
fn base64_decode(input: &[u8], strict: bool) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let (mut acc, mut bits, mut count, mut padding) = (0u32, 0u32, 0usize, 0usize);
    for &byte in input {
        if byte == b'=' {
            padding += 1;
            continue;
        }
        let Some(sextet) = SEXTETS[usize::from(byte)] else {
            if strict && !matches!(byte, b' ' | b'\t' | b'\r' | b'\n') {
                return None;
            }
            continue;
        };
        if strict && padding > 0 {
            return None;
        }
        acc = (acc << 6) | sextet as u32;
        bits += 6;
        count += 1;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if strict && (count % 4 == 1 || (padding > 0 && (padding > 2 || (count + padding) % 4 != 0))) {
        return None;
    }
    Some(out)
}

/// `urlencode` (spaces as `+`) and `rawurlencode` (RFC 3986, `~` kept).
fn url_encode(s: &str, form: bool) -> Result<String, Error> {
    let escaped = s
        .bytes()
        .filter(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b' ')))
        .count();
    if s.len() + 2 * escaped > MAX_STRING_LEN {
        return Err(too_long(if form { "urlencode" } else { "rawurlencode" }));
    }
    budget::string(s.len() + 2 * escaped)?;
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b'~' if !form => out.push('~'),
            b' ' if form => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX_DIGITS[usize::from(b >> 4)].to_ascii_uppercase() as char);
                out.push(HEX_DIGITS[usize::from(b & 15)].to_ascii_uppercase() as char);
            }
        }
    }
    Ok(out)
}
