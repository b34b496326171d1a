//! String functions. PHP strings are bytes; these work on bytes where PHP does and turn the
//! rare result that cuts a UTF-8 sequence into U+FFFD, since minijinja strings are UTF-8.

use std::borrow::Cow;

use minijinja::Error;
use minijinja::value::Value;

use super::args::Args;
use super::array::{ArrayBuilder, entries, is_array, len, values};
use super::budget;
use super::functions::{Function, php_fn};
use super::value::{Php, error, to_php_string, view};

/// The largest string a function may build; PHP's own limit is memory, ours is the browser's.
pub(crate) const MAX_STRING_LEN: usize = 16 * 1024 * 1024;

/// The most elements a function may build (`explode`, `str_split`, `range`, `array_fill`).
pub(crate) const MAX_ELEMENTS: usize = 1 << 20;

pub(crate) fn too_long(function: &str) -> Error {
    error(format!(
        "{function}(): the result would exceed the 16 MiB string limit"
    ))
}

/// A string from bytes PHP may have cut anywhere.
pub(crate) fn from_bytes(bytes: &[u8]) -> Value {
    Value::from(String::from_utf8_lossy(bytes).into_owned())
}

pub(crate) const LIBRARY: &[Function] = &[
    php_fn!("strtolower", ["string"], 1, |a| Ok(Value::from(
        copied(a.string(0)?)?.to_ascii_lowercase()
    ))),
    php_fn!("strtoupper", ["string"], 1, |a| Ok(Value::from(
        copied(a.string(0)?)?.to_ascii_uppercase()
    ))),
    php_fn!("ucfirst", ["string"], 1, |a| Ok(Value::from(map_first(
        &copied(a.string(0)?)?,
        u8::to_ascii_uppercase
    )))),
    php_fn!("lcfirst", ["string"], 1, |a| Ok(Value::from(map_first(
        &copied(a.string(0)?)?,
        u8::to_ascii_lowercase
    )))),
    php_fn!("ucwords", ["string", "separators"], 1, ucwords),
    php_fn!("trim", ["string", "characters"], 1, |a| trim(a, true, true)),
    php_fn!("ltrim", ["string", "characters"], 1, |a| trim(
        a, true, false
    )),
    php_fn!("rtrim", ["string", "characters"], 1, |a| trim(
        a, false, true
    )),
    php_fn!("chop", ["string", "characters"], 1, |a| trim(
        a, false, true
    )),
    php_fn!(
        "str_replace",
        ["search", "replace", "subject", "count"],
        3,
        str_replace
    ),
    php_fn!("str_contains", ["haystack", "needle"], 2, |a| Ok(
        Value::from(a.string(0)?.contains(&*a.string(1)?))
    )),
    php_fn!("str_starts_with", ["haystack", "needle"], 2, |a| {
        let needle = a.string(1)?;
        budget::scan(needle.len())?;
        Ok(Value::from(a.string(0)?.starts_with(&*needle)))
    }),
    php_fn!("str_ends_with", ["haystack", "needle"], 2, |a| {
        let needle = a.string(1)?;
        budget::scan(needle.len())?;
        Ok(Value::from(a.string(0)?.ends_with(&*needle)))
    }),
    php_fn!("str_repeat", ["string", "times"], 2, str_repeat),
    php_fn!(
        "str_pad",
        ["string", "length", "pad_string", "pad_type"],
        2,
        str_pad
    ),
    php_fn!("substr", ["string", "offset", "length"], 2, substr),
    php_fn!("strlen", ["string"], 1, |a| Ok(Value::from(
        a.string(0)?.len()
    ))),
    php_fn!("strrev", ["string"], 1, |a| {
        let mut bytes = copied(a.string(0)?)?.as_bytes().to_vec();
        bytes.reverse();
        Ok(from_bytes(&bytes))
    }),
    php_fn!("strpos", ["haystack", "needle", "offset"], 2, |a| strpos(
        a, false
    )),
    php_fn!("strrpos", ["haystack", "needle", "offset"], 2, |a| strpos(
        a, true
    )),
    php_fn!("implode", ["separator", "array"], 1, implode),
    php_fn!("join", ["separator", "array"], 1, implode),
    php_fn!("explode", ["separator", "string", "limit"], 2, explode),
    php_fn!("nl2br", ["string", "use_xhtml"], 1, nl2br),
    php_fn!("e", ["value", "doubleEncode"], 1, e),
];

/// Charges a string of `len` bytes `function` is about to build, refused past the string limit.
fn sized(len: usize, function: &str) -> Result<(), Error> {
    if len > MAX_STRING_LEN {
        return Err(too_long(function));
    }
    budget::string(len)
}

/// `s`, charged as the copy of it the caller is about to make.
fn copied(s: Cow<'_, str>) -> Result<Cow<'_, str>, Error> {
    budget::string(s.len())?;
    Ok(s)
}

fn map_first(s: &str, f: fn(&u8) -> u8) -> String {
    let mut bytes = s.as_bytes().to_vec();
    if let Some(first) = bytes.first_mut() {
        *first = f(first);
    }
    // Only ASCII bytes change, so the bytes stay UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn ucwords(a: &Args) -> Result<Value, Error> {
    let s = a.string(0)?;
    let separators = a
        .opt_string(1)?
        .unwrap_or(Cow::Borrowed(" \t\r\n\u{c}\u{b}"));
    let separators = separators.as_bytes();
    budget::string(s.len())?;
    let mut bytes = s.as_bytes().to_vec();
    let mut at_word_start = true;
    for b in bytes.iter_mut() {
        if at_word_start {
            *b = b.to_ascii_uppercase();
        }
        at_word_start = separators.contains(b);
    }
    Ok(from_bytes(&bytes))
}

/// PHP's character mask: bytes, with `a..z` ranges.
fn char_mask(function: &str, chars: &[u8]) -> Result<[bool; 256], Error> {
    let mut mask = [false; 256];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = |k: usize| chars.get(k).copied();
        if i + 3 < chars.len()
            && at(i + 1) == Some(b'.')
            && at(i + 2) == Some(b'.')
            && chars[i + 3] >= c
        {
            for b in c..=chars[i + 3] {
                mask[b as usize] = true;
            }
            i += 4;
            continue;
        }
        if c == b'.' && at(i + 1) == Some(b'.') {
            let problem = if i == 0 {
                "no character to the left of '..'"
            } else if i + 2 >= chars.len() {
                "no character to the right of '..'"
            } else if chars[i - 1] > chars[i + 2] {
                "'..'-range needs to be incrementing"
            } else {
                ""
            };
            let problem = if problem.is_empty() {
                String::new()
            } else {
                format!(", {problem}")
            };
            return Err(error(format!("{function}(): Invalid '..'-range{problem}")));
        }
        mask[c as usize] = true;
        i += 1;
    }
    Ok(mask)
}

fn trim(a: &Args, left: bool, right: bool) -> Result<Value, Error> {
    let s = a.string(0)?;
    let mask = match a.opt_string(1)? {
        Some(chars) => char_mask(a.sig.name, chars.as_bytes())?,
        None => char_mask(a.sig.name, b" \n\r\t\x0b\0")?,
    };
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut end = bytes.len();
    if left {
        while start < end && mask[bytes[start] as usize] {
            start += 1;
        }
    }
    if right {
        while end > start && mask[bytes[end - 1] as usize] {
            end -= 1;
        }
    }
    // What was trimmed was read; what is left is copied.
    budget::scan(bytes.len() - (end - start))?;
    budget::string(end - start)?;
    Ok(match s.get(start..end) {
        Some(trimmed) => Value::from(trimmed),
        None => from_bytes(bytes.get(start..end).unwrap_or_default()),
    })
}

/// The search/replace pairs of `str_replace`: arrays pair up, a missing replacement is "".
fn str_replace(a: &Args) -> Result<Value, Error> {
    let search = a.mixed(0);
    let replace = a.mixed(1);
    let pairs: Vec<(String, String)> = if is_array(search) {
        let replacements: Option<Vec<String>> = if is_array(replace) {
            budget::list(len(replace))?;
            Some(
                values(replace)
                    .map(|v| owned_string(&v))
                    .collect::<Result<_, _>>()?,
            )
        } else {
            None
        };
        let fixed = if replacements.is_none() {
            a.string(1)?.into_owned()
        } else {
            String::new()
        };
        budget::list(len(search).saturating_mul(2))?;
        values(search)
            .enumerate()
            .map(|(i, s)| {
                let with = match &replacements {
                    Some(list) => list.get(i).cloned().unwrap_or_default(),
                    None => fixed.clone(),
                };
                budget::string(with.len())?;
                Ok((owned_string(&s)?, with))
            })
            .collect::<Result<_, Error>>()?
    } else {
        if is_array(replace) {
            return Err(a.value_error(
                1,
                "must be of type string when argument #1 ($search) is a string",
            ));
        }
        // null is deprecated for `array|string` and read as "", which Laravel 12's handler
        // only logs.
        if matches!(view(search), Php::Other) {
            return Err(a.type_error(0, "array|string"));
        }
        vec![(a.string(0)?.into_owned(), a.string(1)?.into_owned())]
    };
    let subject = a.mixed(2);
    if is_array(subject) {
        let mut out = ArrayBuilder::new();
        for (key, item) in entries(subject) {
            let replaced = replace_all(&to_php_string(&item)?, &pairs)?;
            out.insert(key, Value::from(replaced))?;
        }
        return Ok(out.build());
    }
    match view(subject) {
        // A deprecation, which Laravel 12's handler only logs.
        Php::Null | Php::Undefined => Ok(Value::from("")),
        Php::Other => Err(a.type_error(2, "array|string")),
        _ => Ok(Value::from(replace_all(&to_php_string(subject)?, &pairs)?)),
    }
}

/// `to_php_string`, owned: charged as the copy it makes.
fn owned_string(value: &Value) -> Result<String, Error> {
    let text = to_php_string(value)?;
    budget::string(text.len())?;
    Ok(text.into_owned())
}

/// Each pair in turn over the whole text, as PHP does: every pair reads the text again, and
/// every pair found writes it anew.
fn replace_all(subject: &str, pairs: &[(String, String)]) -> Result<String, Error> {
    budget::string(subject.len())?;
    let mut text = subject.to_string();
    for (search, with) in pairs {
        budget::visit(1)?;
        if search.is_empty() {
            continue;
        }
        budget::scan(text.len())?;
        let count = text.matches(search.as_str()).count();
        if count == 0 {
            continue;
        }
        let new_len = text.len() - count * search.len() + count.saturating_mul(with.len());
        if new_len > MAX_STRING_LEN {
            return Err(too_long("str_replace"));
        }
        budget::string(new_len)?;
        text = text.replace(search.as_str(), with);
    }
    Ok(text)
}

fn str_repeat(a: &Args) -> Result<Value, Error> {
    let s = a.string(0)?;
    let times = a.int(1)?;
    if times < 0 {
        return Err(a.value_error(1, "must be greater than or equal to 0"));
    }
    let times = usize::try_from(times).unwrap_or(usize::MAX);
    if s.len().saturating_mul(times) > MAX_STRING_LEN {
        return Err(too_long("str_repeat"));
    }
    budget::string(s.len() * times)?;
    Ok(Value::from(s.repeat(times)))
}

fn str_pad(a: &Args) -> Result<Value, Error> {
    let s = a.string(0)?;
    let length = a.int(1)?;
    let pad = a.opt_string(2)?.unwrap_or(Cow::Borrowed(" "));
    let pad_type = a.opt_int(3)?.unwrap_or(1);
    let target = usize::try_from(length).unwrap_or(0);
    if target <= s.len() {
        return Ok(Value::from(copied(s)?.as_ref()));
    }
    if pad.is_empty() {
        return Err(a.value_error(2, "must be a non-empty string"));
    }
    if !(0..=2).contains(&pad_type) {
        return Err(a.value_error(3, "must be STR_PAD_LEFT, STR_PAD_RIGHT, or STR_PAD_BOTH"));
    }
    if target > MAX_STRING_LEN {
        return Err(too_long("str_pad"));
    }
    budget::string(target)?;
    let missing = target - s.len();
    let (left, right) = match pad_type {
        0 => (missing, 0),
        2 => (missing / 2, missing - missing / 2),
        _ => (0, missing),
    };
    let padding = |n: usize| {
        pad.as_bytes()
            .iter()
            .copied()
            .cycle()
            .take(n)
            .collect::<Vec<u8>>()
    };
    let mut out = padding(left);
    out.extend_from_slice(s.as_bytes());
    out.extend(padding(right));
    Ok(from_bytes(&out))
}

/// PHP 8's substr: out-of-range offsets give "" instead of false.
fn substr(a: &Args) -> Result<Value, Error> {
    let s = a.string(0)?;
    let offset = a.int(1)?;
    let length = a.opt_nullable_int(2)?;
    let bytes = s.as_bytes();
    let len = bytes.len() as i64;
    if offset > len {
        return Ok(Value::from(""));
    }
    let start = if offset < 0 {
        (len + offset).max(0)
    } else {
        offset
    };
    let count = match length {
        None => len - start,
        Some(l) if l < 0 => (len - start + l).max(0),
        Some(l) => l.min(len - start),
    };
    let (start, end) = (start as usize, (start + count) as usize);
    budget::string(end - start)?;
    Ok(match s.get(start..end) {
        Some(sub) => Value::from(sub),
        None => from_bytes(bytes.get(start..end).unwrap_or_default()),
    })
}

fn strpos(a: &Args, reverse: bool) -> Result<Value, Error> {
    let haystack = a.string(0)?;
    let needle = a.string(1)?;
    let offset = a.opt_int(2)?.unwrap_or(0);
    let len = haystack.len() as i64;
    if offset > len || offset < -len {
        return Err(a.value_error(2, "must be contained in argument #1 ($haystack)"));
    }
    let (lo, hi) = match (reverse, offset >= 0) {
        (true, true) => (offset as usize, haystack.len()),
        (true, false) => (0, ((len + offset) as usize).saturating_add(needle.len())),
        (false, true) => (offset as usize, haystack.len()),
        (false, false) => ((len + offset) as usize, haystack.len()),
    };
    let hi = hi.min(haystack.len());
    if needle.is_empty() {
        return Ok(Value::from(if reverse { hi } else { lo }));
    }
    let found = within(&haystack, lo, hi).and_then(|(from, window)| {
        let at = if reverse {
            window.rfind(&*needle)
        } else {
            window.find(&*needle)
        };
        at.map(|at| from + at)
    });
    Ok(found.map_or(Value::from(false), Value::from))
}

/// The bytes `lo..hi` of `s` where a non-empty needle can match, as a `str` (for std's
/// linear-time search) and where it starts: a valid UTF-8 needle starts and ends on character
/// boundaries, so the ends move inwards to the nearest boundary.
fn within(s: &str, lo: usize, hi: usize) -> Option<(usize, &str)> {
    let mut from = lo;
    while from < hi && !s.is_char_boundary(from) {
        from += 1;
    }
    let mut to = hi.min(s.len());
    while to > from && !s.is_char_boundary(to) {
        to -= 1;
    }
    s.get(from..to).map(|window| (from, window))
}

/// `implode($separator, $array)` or `implode($array)`.
fn implode(a: &Args) -> Result<Value, Error> {
    // `implode($array)` also when `$array` is null: PHP then wants an array as argument #1,
    // which it has already read as a string if it is none (null deprecated as "").
    let (separator, array) = if matches!(view(a.mixed(1)), Php::Null | Php::Undefined) {
        if !is_array(a.mixed(0)) {
            if matches!(view(a.mixed(0)), Php::Other) {
                return Err(a.type_error(0, "array|string"));
            }
            return Err(error(format!(
                "{}(): Argument #1 ($array) must be of type array, string given",
                a.sig.name,
            )));
        }
        (Cow::Borrowed(""), a.mixed(0))
    } else {
        let array = a.mixed(1);
        if !is_array(array) {
            return Err(a.type_error(1, "?array"));
        }
        if is_array(a.mixed(0)) {
            return Err(a.type_error(0, "string"));
        }
        (a.string(0)?, array)
    };
    let mut out = String::new();
    for (i, item) in values(array).enumerate() {
        let piece = to_php_string(&item)?;
        let grows = piece.len() + if i > 0 { separator.len() } else { 0 };
        if out.len() + grows > MAX_STRING_LEN {
            return Err(too_long(a.sig.name));
        }
        budget::visit(1)?;
        budget::string(grows)?;
        if i > 0 {
            out.push_str(&separator);
        }
        out.push_str(&piece);
    }
    Ok(Value::from(out))
}

fn explode(a: &Args) -> Result<Value, Error> {
    let separator = a.string(0)?;
    let s = a.string(1)?;
    let limit = a.opt_int(2)?.unwrap_or(i64::MAX);
    if separator.is_empty() {
        return Err(a.value_error(0, "cannot be empty"));
    }
    let count = s.matches(&*separator).count();
    if count >= MAX_ELEMENTS {
        return Err(error(format!(
            "explode(): the result would exceed {MAX_ELEMENTS} elements"
        )));
    }
    budget::list(count + 1)?;
    budget::string(s.len())?;
    let parts: Vec<&str> = s.split(&*separator).collect();
    let parts: Vec<&str> = if limit > 0 {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        if parts.len() > limit {
            s.splitn(limit, &*separator).collect()
        } else {
            parts
        }
    } else if limit == 0 {
        vec![&s]
    } else {
        let keep = parts
            .len()
            .saturating_sub(usize::try_from(limit.unsigned_abs()).unwrap_or(usize::MAX));
        parts.into_iter().take(keep).collect()
    };
    Ok(Value::from(
        parts.into_iter().map(Value::from).collect::<Vec<_>>(),
    ))
}

fn nl2br(a: &Args) -> Result<Value, Error> {
    let s = a.string(0)?;
    let tag = if a.get(1).is_none() || a.bool(1)? {
        "<br />"
    } else {
        "<br>"
    };
    let breaks = s.bytes().filter(|b| matches!(b, b'\r' | b'\n')).count();
    sized(
        s.len().saturating_add(breaks.saturating_mul(tag.len())),
        "nl2br",
    )?;
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' || c == '\n' {
            out.push_str(tag);
            out.push(c);
            if let Some(&next) = chars.peek() {
                if (next == '\r' || next == '\n') && next != c {
                    out.push(next);
                    chars.next();
                }
            }
        } else {
            out.push(c);
        }
    }
    Ok(Value::from(out))
}

/// Laravel's `e()`: `htmlspecialchars($value ?? '', ENT_QUOTES, 'UTF-8', $doubleEncode)`.
fn e(a: &Args) -> Result<Value, Error> {
    let value = a.mixed(0);
    let text = match view(value) {
        Php::Null | Php::Undefined => Cow::Borrowed(""),
        Php::Array => {
            return Err(error(
                "htmlspecialchars(): Argument #1 ($string) must be of type string, array given",
            ));
        }
        _ => to_php_string(value)?,
    };
    let double_encode = a.get(1).is_none() || a.bool(1)?;
    sized(escaped_len(&text), "e")?;
    Ok(Value::from(if double_encode {
        super::html_escape(&text)
    } else {
        escape_keeping_entities(&text)
    }))
}

/// The length of `s` once `htmlspecialchars` has escaped it (at most, keeping entities).
fn escaped_len(s: &str) -> usize {
    s.bytes().fold(s.len(), |n, b| {
        n + match b {
            b'&' => 4,
            b'<' | b'>' => 3,
            b'"' | b'\'' => 5,
            _ => 0,
        }
    })
}

/// Named entities `e($s, false)` leaves alone. PHP knows all of HTML 4.01's; these are the ones
/// templates meet (a rarer one gets its `&` escaped).
const HTML401_COMMON_ENTITIES: &[&str] = &[
    "amp", "lt", "gt", "quot", "nbsp", "copy", "reg", "trade", "hellip", "mdash", "ndash", "laquo",
    "raquo", "lsquo", "rsquo", "ldquo", "rdquo", "bull", "middot", "deg", "euro", "pound", "yen",
    "cent", "sect", "para", "times", "divide", "plusmn", "larr", "rarr", "uarr", "darr", "harr",
];

/// `htmlspecialchars` with `double_encode` false: existing entities stay as they are.
fn escape_keeping_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        let _ = super::write_escaped(&mut out, rest.get(..at).unwrap_or_default());
        let tail = rest.get(at + 1..).unwrap_or_default();
        match entity_name_len(tail) {
            Some(n) => {
                out.push('&');
                out.push_str(tail.get(..=n).unwrap_or_default());
                rest = tail.get(n + 1..).unwrap_or_default();
            }
            None => {
                out.push_str("&amp;");
                rest = tail;
            }
        }
    }
    let _ = super::write_escaped(&mut out, rest);
    out
}

/// The length of the entity name `tail` starts with (`amp` of `amp;…`, `#39` of `#39;…`), when
/// one does; names are at most 32 bytes, so only those are searched for the `;`.
fn entity_name_len(tail: &str) -> Option<usize> {
    let n = tail.bytes().take(33).position(|b| b == b';')?;
    let name = tail.get(..n).filter(|name| !name.is_empty())?;
    let valid = match name.strip_prefix('#') {
        Some(num) => match num.strip_prefix(['x', 'X']) {
            Some(hex) => !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()),
            None => !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()),
        },
        None => HTML401_COMMON_ENTITIES.contains(&name),
    };
    valid.then_some(n)
}

/// Functions added after the first batch.
pub(crate) const MORE: &[Function] = &[
    php_fn!("str_split", ["string", "length"], 1, |a| {
        let s = a.string(0)?;
        let size = a.opt_int(1)?.unwrap_or(1);
        if size < 1 {
            return Err(a.value_error(1, "must be greater than 0"));
        }
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        if s.len() / size >= MAX_ELEMENTS {
            return Err(error(format!(
                "str_split(): the result would exceed {MAX_ELEMENTS} elements"
            )));
        }
        budget::list(s.len().div_ceil(size))?;
        budget::string(s.len())?;
        // PHP 8.2 gives [] for "" (earlier versions [""]).
        Ok(Value::from(
            s.as_bytes()
                .chunks(size)
                .map(from_bytes)
                .collect::<Vec<_>>(),
        ))
    }),
    php_fn!("chunk_split", ["string", "length", "separator"], 1, |a| {
        let s = a.string(0)?;
        let size = a.opt_int(1)?.unwrap_or(76);
        let separator = a.opt_string(2)?.unwrap_or(Cow::Borrowed("\r\n"));
        if size < 1 {
            return Err(a.value_error(1, "must be greater than 0"));
        }
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let chunks = s.len().div_ceil(size).max(1);
        if s.len()
            .saturating_add(chunks.saturating_mul(separator.len()))
            > MAX_STRING_LEN
        {
            return Err(too_long("chunk_split"));
        }
        budget::string(s.len() + chunks * separator.len())?;
        let mut out = Vec::with_capacity(s.len() + chunks * separator.len());
        for chunk in s.as_bytes().chunks(size) {
            out.extend_from_slice(chunk);
            out.extend_from_slice(separator.as_bytes());
        }
        if s.is_empty() {
            out.extend_from_slice(separator.as_bytes());
        }
        Ok(from_bytes(&out))
    }),
    php_fn!(
        "substr_count",
        ["haystack", "needle", "offset", "length"],
        2,
        |a| {
            let haystack = a.string(0)?;
            let needle = a.string(1)?;
            if needle.is_empty() {
                return Err(a.value_error(1, "cannot be empty"));
            }
            let len = haystack.len() as i64;
            let offset = a.opt_int(2)?.unwrap_or(0);
            let start = if offset < 0 { len + offset } else { offset };
            if start < 0 || start > len {
                return Err(a.value_error(2, "must be contained in argument #1 ($haystack)"));
            }
            let end = match a.opt_nullable_int(3)? {
                None => len,
                Some(l) => {
                    let end = if l < 0 {
                        len + l
                    } else {
                        start.saturating_add(l)
                    };
                    if end < start || end > len {
                        return Err(
                            a.value_error(3, "must be contained in argument #1 ($haystack)")
                        );
                    }
                    end
                }
            };
            let count = within(&haystack, start as usize, end as usize)
                .map_or(0, |(_, window)| window.matches(&*needle).count());
            Ok(Value::from(count))
        }
    ),
    php_fn!(
        "htmlspecialchars",
        ["string", "flags", "encoding", "double_encode"],
        1,
        |a| {
            let s = a.string(0)?;
            let flags = a.opt_int(1)?.unwrap_or(3);
            if let Some(charset) = a.opt_nullable_string(2)? {
                html_charset(&charset)?;
            }
            let double_encode = a.get(3).is_none() || a.bool(3)?;
            sized(escaped_len(&s), "htmlspecialchars")?;
            let escaped = if double_encode {
                super::html_escape(&s)
            } else {
                escape_keeping_entities(&s)
            };
            // ENT_QUOTES (3) is the default; ENT_COMPAT (2) keeps single quotes, ENT_NOQUOTES both.
            if flags & 3 != 3 {
                // Each replace copies the text again.
                budget::string(escaped.len().saturating_mul(2))?;
            }
            // Every document type but HTML 4.01 (ENT_XML1, ENT_XHTML, ENT_HTML5) has `&apos;`.
            Ok(Value::from(match flags & 3 {
                3 if flags & 48 != 0 => {
                    budget::string(escaped.len())?;
                    escaped.replace("&#039;", "&apos;")
                }
                3 => escaped,
                2 => escaped.replace("&#039;", "'"),
                _ => escaped.replace("&#039;", "'").replace("&quot;", "\""),
            }))
        }
    ),
    php_fn!("addslashes", ["string"], 1, |a| {
        let s = a.string(0)?;
        let escapes = s
            .bytes()
            .filter(|b| matches!(b, b'\'' | b'"' | b'\\' | 0))
            .count();
        sized(s.len() + escapes, "addslashes")?;
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                '\'' | '"' | '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                '\0' => out.push_str("\\0"),
                c => out.push(c),
            }
        }
        Ok(Value::from(out))
    }),
    php_fn!("strtr", ["string", "from", "to"], 2, strtr),
    php_fn!("strcmp", ["string1", "string2"], 2, |a| string_compare(
        a, false, None
    )),
    php_fn!("strcasecmp", ["string1", "string2"], 2, |a| string_compare(
        a, true, None
    )),
    php_fn!("strncmp", ["string1", "string2", "length"], 3, |a| {
        string_compare(a, false, Some(a.int(2)?))
    }),
    php_fn!("strncasecmp", ["string1", "string2", "length"], 3, |a| {
        string_compare(a, true, Some(a.int(2)?))
    }),
    // Case mapping can lengthen a string (`ß` → `SS`); what it adds is charged as the result.
    php_fn!("mb_strtolower", ["string", "encoding"], 1, |a| {
        let encoding = mb_encoding(a, 1)?;
        mb_case(&copied(a.string(0)?)?, encoding, false)
    }),
    php_fn!("mb_strtoupper", ["string", "encoding"], 1, |a| {
        let encoding = mb_encoding(a, 1)?;
        mb_case(&copied(a.string(0)?)?, encoding, true)
    }),
    php_fn!("mb_strlen", ["string", "encoding"], 1, |a| {
        let s = a.string(0)?;
        Ok(Value::from(match mb_encoding(a, 1)? {
            MbEncoding::Utf8 => s.chars().count(),
            _ => s.len(),
        }))
    }),
    php_fn!(
        "mb_substr",
        ["string", "start", "length", "encoding"],
        2,
        |a| {
            let s = a.string(0)?;
            let bytes = mb_encoding(a, 3)? != MbEncoding::Utf8;
            let len = if bytes { s.len() } else { s.chars().count() } as i64;
            let offset = a.int(1)?;
            let start = if offset < 0 {
                (len + offset).max(0)
            } else {
                offset.min(len)
            };
            let end = match a.opt_nullable_int(2)? {
                None => len,
                Some(l) if l < 0 => (len + l).max(start),
                Some(l) => start.saturating_add(l).min(len),
            };
            if bytes {
                // One byte per character: substr's bytes, but with mb_substr's bounds.
                let piece = s
                    .as_bytes()
                    .get(start as usize..end as usize)
                    .unwrap_or_default();
                budget::string(piece.len())?;
                return Ok(from_bytes(piece));
            }
            // Characters `start..end` as byte offsets; `end` may be the string's end.
            let byte_at = |n: i64| {
                s.char_indices()
                    .nth(n as usize)
                    .map_or(s.len(), |(at, _)| at)
            };
            let (from, to) = (byte_at(start), byte_at(end));
            budget::string(to - from)?;
            Ok(Value::from(s.get(from..to).unwrap_or_default()))
        }
    ),
];

/// `htmlspecialchars`' `$encoding`: PHP's charsets all write the five specials as ASCII does,
/// and their other bytes never look like one, so each escapes a UTF-8 string alike; another
/// name is PHP's warning.
fn html_charset(name: &str) -> Result<(), Error> {
    const CHARSETS: &[&str] = &[
        "",
        "iso-8859-1",
        "iso8859-1",
        "iso-8859-15",
        "iso8859-15",
        "utf-8",
        "cp866",
        "866",
        "ibm866",
        "cp1251",
        "windows-1251",
        "win-1251",
        "1251",
        "cp1252",
        "windows-1252",
        "1252",
        "koi8-r",
        "koi8-ru",
        "koi8r",
        "big5",
        "950",
        "gb2312",
        "936",
        "big5-hkscs",
        "shift_jis",
        "sjis",
        "932",
        "eucjp",
        "euc-jp",
        "eucjp-win",
        "macroman",
        "iso-8859-5",
        "iso8859-5",
    ];
    let lower = name.to_ascii_lowercase();
    if CHARSETS.contains(&lower.as_str()) {
        return Ok(());
    }
    super::value::warning(
        error(format!(
            "htmlspecialchars(): Charset \"{name}\" is not supported, assuming UTF-8"
        )),
        (),
    )
}

/// The encodings the `mb_` functions take: UTF-8, which strings are, and the single-byte ones
/// that read those bytes one by one.
#[derive(Clone, Copy, PartialEq)]
enum MbEncoding {
    Utf8,
    Ascii,
    /// `8bit` and ISO-8859-1: each byte is the code point of its value.
    Latin1,
}

fn mb_encoding(a: &Args, i: usize) -> Result<MbEncoding, Error> {
    let Some(name) = a.opt_nullable_string(i)? else {
        return Ok(MbEncoding::Utf8);
    };
    Ok(match name.to_ascii_lowercase().as_str() {
        "utf-8" | "utf8" => MbEncoding::Utf8,
        "ascii" | "us-ascii" => MbEncoding::Ascii,
        "8bit" | "binary" | "iso-8859-1" | "iso8859-1" | "latin1" => MbEncoding::Latin1,
        lower if MB_ENCODINGS.contains(&lower) => {
            return Err(a.value_error(
                i,
                &format!(
                    "\"{name}\" is an encoding portclaims does not support (UTF-8, ASCII, 8bit, ISO-8859-1)"
                ),
            ));
        }
        _ => {
            return Err(a.value_error(i, &format!("must be a valid encoding, \"{name}\" given")));
        }
    })
}

/// Every name PHP 8.2's mbstring knows, lowercased (`mb_list_encodings()` and their
/// `mb_encoding_aliases()`): the others are no encoding at all.
const MB_ENCODINGS: &[&str] = &[
    "7bit",
    "8bit",
    "ansi_x3.4-1968",
    "ansi_x3.4-1986",
    "arabic",
    "armscii-8",
    "armscii8",
    "ascii",
    "base64",
    "big-5",
    "big-five",
    "bigfive",
    "binary",
    "byte2be",
    "byte2le",
    "byte4be",
    "byte4le",
    "cn-big5",
    "cn-gb",
    "cp-1251",
    "cp-1254",
    "cp-850",
    "cp-866",
    "cp-936",
    "cp1251",
    "cp1252",
    "cp1254",
    "cp367",
    "cp50220",
    "cp50220-raw",
    "cp50220raw",
    "cp50221",
    "cp50222",
    "cp51932",
    "cp850",
    "cp866",
    "cp932",
    "cp936",
    "cp949",
    "cp950",
    "csascii",
    "cyrillic",
    "euc",
    "euc-cn",
    "euc-jp",
    "euc-jp-2004",
    "euc-kr",
    "euc-tw",
    "euc_cn",
    "euc_jp",
    "euc_jp-2004",
    "euc_kr",
    "euc_tw",
    "euccn",
    "eucjp",
    "eucjp-ms",
    "eucjp-open",
    "eucjp-win",
    "euckr",
    "euctw",
    "gb-18030",
    "gb-18030-2000",
    "gb18030",
    "gb2312",
    "gbk",
    "greek",
    "hebrew",
    "html",
    "html-entities",
    "hz",
    "ibm-367",
    "ibm-850",
    "ibm-866",
    "ibm367",
    "ibm850",
    "ibm866",
    "iso-10646-ucs-2",
    "iso-10646-ucs-4",
    "iso-2022-jp",
    "iso-2022-jp-2004",
    "iso-2022-jp-kddi",
    "iso-2022-jp-mobile#kddi",
    "iso-2022-jp-ms",
    "iso-2022-kr",
    "iso-8859-1",
    "iso-8859-10",
    "iso-8859-13",
    "iso-8859-14",
    "iso-8859-15",
    "iso-8859-16",
    "iso-8859-2",
    "iso-8859-3",
    "iso-8859-4",
    "iso-8859-5",
    "iso-8859-6",
    "iso-8859-7",
    "iso-8859-8",
    "iso-8859-9",
    "iso-ir-6",
    "iso2022jpms",
    "iso646-us",
    "iso8859-1",
    "iso8859-10",
    "iso8859-13",
    "iso8859-14",
    "iso8859-15",
    "iso8859-16",
    "iso8859-2",
    "iso8859-3",
    "iso8859-4",
    "iso8859-5",
    "iso8859-6",
    "iso8859-7",
    "iso8859-8",
    "iso8859-9",
    "iso_646.irv:1991",
    "jis",
    "jis-ms",
    "koi8-r",
    "koi8-u",
    "koi8r",
    "koi8u",
    "latin1",
    "latin2",
    "latin3",
    "latin4",
    "latin5",
    "latin6",
    "latin8",
    "macjapanese",
    "ms932",
    "ms_kanji",
    "mutf-7",
    "qprint",
    "quoted-printable",
    "shift-jis",
    "shift_jis-2004",
    "shift_jis-imode",
    "shift_jis-kddi",
    "shift_jis-softbank",
    "sjis",
    "sjis-2004",
    "sjis-docomo",
    "sjis-kddi",
    "sjis-mac",
    "sjis-mobile#docomo",
    "sjis-mobile#kddi",
    "sjis-mobile#softbank",
    "sjis-ms",
    "sjis-open",
    "sjis-softbank",
    "sjis-win",
    "sjis2004",
    "ucs-2",
    "ucs-2be",
    "ucs-2le",
    "ucs-4",
    "ucs-4be",
    "ucs-4le",
    "ucs2",
    "ucs4",
    "uhc",
    "unicode",
    "us",
    "us-ascii",
    "utf-16",
    "utf-16be",
    "utf-16le",
    "utf-32",
    "utf-32be",
    "utf-32le",
    "utf-7",
    "utf-8",
    "utf-8-docomo",
    "utf-8-kddi",
    "utf-8-mobile#docomo",
    "utf-8-mobile#kddi",
    "utf-8-mobile#kddi-a",
    "utf-8-mobile#kddi-b",
    "utf-8-mobile#softbank",
    "utf-8-softbank",
    "utf16",
    "utf32",
    "utf7",
    "utf7-imap",
    "utf8",
    "utf8-docomo",
    "utf8-kddi",
    "utf8-softbank",
    "uuencode",
    "windows-1251",
    "windows-1252",
    "windows-1254",
    "windows-31j",
    "x-euc-cn",
    "x-euc-jp",
    "x-euc-kr",
    "x-euc-tw",
    "x-mac-japanese",
    "x-sjis",
    "x-sjis-emoji-docomo",
    "x-sjis-emoji-kddi",
    "x-sjis-emoji-softbank",
];

/// Code points whose case mappings Unicode added after version 14, which PHP 8.2's mbstring
/// tables follow; Rust's (the toolchain's Unicode) map them.
const NEWER_CASE_PAIRS: &[(u32, u32)] = &[
    (0x019B, 0x019B),
    (0x0264, 0x0264),
    (0x1C89, 0x1C8A),
    (0xA7CB, 0xA7CF),
    (0xA7D2, 0xA7D5),
    (0xA7DA, 0xA7DC),
    (0x10D50, 0x10D65),
    (0x10D70, 0x10D85),
    (0x16EA0, 0x16EB8),
    (0x16EBB, 0x16ED3),
];

/// `mb_strtoupper`/`mb_strtolower`: PHP 8.2 maps each character on its own (full mappings such
/// as `ß` → `SS`, but no final-sigma rule), with Unicode 14's tables.
fn mb_case(s: &str, encoding: MbEncoding, upper: bool) -> Result<Value, Error> {
    let map = |c: char, out: &mut dyn FnMut(char)| {
        let code = u32::from(c);
        if NEWER_CASE_PAIRS
            .iter()
            .any(|&(from, to)| (from..=to).contains(&code))
        {
            out(c);
        } else if upper {
            c.to_uppercase().for_each(out);
        } else {
            c.to_lowercase().for_each(out);
        }
    };
    if encoding == MbEncoding::Utf8 {
        let mut mapped = String::with_capacity(s.len());
        for c in s.chars() {
            map(c, &mut |m| mapped.push(m));
        }
        budget::string(mapped.len().saturating_sub(s.len()))?;
        return Ok(Value::from(mapped));
    }
    // Byte by byte; what the encoding cannot hold becomes `?`, as PHP writes it.
    let mut bytes = Vec::with_capacity(s.len());
    for &b in s.as_bytes() {
        if encoding == MbEncoding::Ascii && !b.is_ascii() {
            bytes.push(b'?');
            continue;
        }
        map(char::from(b), &mut |m| {
            bytes.push(u8::try_from(u32::from(m)).unwrap_or(b'?'));
        });
    }
    budget::string(bytes.len().saturating_sub(s.len()))?;
    Ok(from_bytes(&bytes))
}

/// `strcmp` and friends: the difference of the first differing bytes (ASCII case folded for
/// the `case` ones), else -1/0/1 by length, as PHP 8.2's `zend_binary_strcmp` returns it.
fn string_compare(a: &Args, fold_case: bool, length: Option<i64>) -> Result<Value, Error> {
    let (x, y) = (a.string(0)?, a.string(1)?);
    let limit = match length {
        Some(n) if n < 0 => return Err(a.value_error(2, "must be greater than or equal to 0")),
        Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
        None => usize::MAX,
    };
    let fold = |b: &u8| {
        if fold_case {
            b.to_ascii_lowercase()
        } else {
            *b
        }
    };
    let (x, y) = (x.as_bytes(), y.as_bytes());
    let (x, y) = (&x[..x.len().min(limit)], &y[..y.len().min(limit)]);
    let differing = x
        .iter()
        .map(fold)
        .zip(y.iter().map(fold))
        .find(|(p, q)| p != q);
    Ok(Value::from(match differing {
        Some((p, q)) => i64::from(p) - i64::from(q),
        None => x.len().cmp(&y.len()) as i64,
    }))
}

/// `strtr($s, $from, $to)` maps bytes; `strtr($s, $pairs)` replaces the longest keys first and
/// never rescans replaced text.
fn strtr(a: &Args) -> Result<Value, Error> {
    let s = a.string(0)?;
    // `$to` is `?string`: null is the two-argument form.
    if !matches!(view(a.mixed(2)), Php::Null | Php::Undefined) {
        let (from, to) = (a.string(1)?, a.string(2)?);
        let mut map: [u8; 256] = std::array::from_fn(|i| i as u8);
        for (f, t) in from.bytes().zip(to.bytes()) {
            map[f as usize] = t;
        }
        budget::string(s.len())?;
        let bytes: Vec<u8> = s.bytes().map(|b| map[b as usize]).collect();
        return Ok(from_bytes(&bytes));
    }
    let pairs = a.mixed(1);
    if !is_array(pairs) {
        return Err(error(
            "strtr(): Argument #2 ($from) must be of type array, string given",
        ));
    }
    // PHP returns an empty subject before it reads the table (so before any conversion error).
    if s.is_empty() {
        return Ok(Value::from(""));
    }
    let mut table: Vec<(String, String)> = Vec::new();
    budget::list(len(pairs).saturating_mul(2))?;
    for (key, value) in entries(pairs) {
        let key = match key {
            super::array::Key::Int(i) => i.to_string(),
            super::array::Key::Str(k) => k.into_owned(),
        };
        if key.is_empty() {
            return Err(error("strtr(): Ignoring replacement of empty string"));
        }
        budget::string(key.len())?;
        table.push((key, owned_string(&value)?));
    }
    // The entries by their key's first byte, so that each position tries only the keys that
    // can start there.
    let mut by_first: Vec<Vec<usize>> = vec![Vec::new(); 256];
    for (index, (key, _)) in table.iter().enumerate() {
        if let Some(&first) = key.as_bytes().first() {
            by_first[first as usize].push(index);
        }
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = bytes.get(i..).unwrap_or_default();
        // The longest key wins, the first of equally long ones. Found by a scan rather than by
        // sorting the table longest first: a sort of (String, String) would cost the binary
        // its own copy of the standard sort, and the lookup scans the candidates either way.
        let candidates = &by_first[bytes[i] as usize];
        budget::visit(candidates.len())?;
        let mut found: Option<&(String, String)> = None;
        for entry in candidates.iter().filter_map(|&index| table.get(index)) {
            if rest.starts_with(entry.0.as_bytes())
                && found.is_none_or(|f| entry.0.len() > f.0.len())
            {
                budget::scan(entry.0.len())?;
                found = Some(entry);
            }
        }
        match found {
            Some((k, v)) => {
                budget::string(v.len())?;
                out.extend_from_slice(v.as_bytes());
                i += k.len();
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
        if out.len() > MAX_STRING_LEN {
            return Err(too_long("strtr"));
        }
    }
    budget::string(out.len())?;
    Ok(from_bytes(&out))
}
