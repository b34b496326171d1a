//! The flat chains a Jinja template may hold.
//!
//! minijinja bounds how deep brackets and blocks nest, but not a flat chain: `a ~ b ~ …`,
//! `a and b and …`, `not not …`, `x|f|g…`, `a.b.c…` and `{% elif %}` after `{% elif %}` each
//! become one more level of its syntax tree, which its compiler (and the tree's drop) walks
//! recursively, so a long enough chain overflows the stack. This scan counts, with minijinja's
//! own tokens, the operators in each tag and the `elif`s of each `if`, and refuses a template
//! past either limit before minijinja sees it.

use crate::blade::{Failure, FailureKind};

/// The most operators one `{{ … }}` or `{% … %}` tag may hold.
pub const MAX_TAG_OPERATORS: usize = 1_000;
/// The most `{% elif %}` the `{% if %}`s open at one place may have together (an `if` inside
/// an `elif` is one level deeper still).
pub const MAX_ELIFS: usize = 500;

/// The operator words of minijinja's expressions.
const WORDS: [&str; 7] = ["and", "or", "not", "is", "in", "if", "else"];

/// Refuses the first tag with more than [`MAX_TAG_OPERATORS`] operators, or the first `elif`
/// past [`MAX_ELIFS`] in the open `if`s, at that operator or tag.
pub fn check(source: &str) -> Result<(), Failure> {
    let bytes = source.as_bytes();
    // The `elif`s seen in each open `if`, innermost last, and their sum.
    let mut ifs: Vec<usize> = Vec::new();
    let mut elifs = 0;
    let mut at = 0;
    while let Some(found) = find_tag(bytes, at) {
        let (open, kind) = found;
        let body = open + 2;
        match kind {
            b'#' => {
                at = find(bytes, body, b"#}").map_or(bytes.len(), |end| end + 2);
            }
            _ => {
                let tag = scan_tag(bytes, body, if kind == b'{' { b'}' } else { b'%' })?;
                at = tag.end;
                if kind != b'%' {
                    continue;
                }
                match tag.first_word {
                    Some("if") => ifs.push(0),
                    Some("endif") => {
                        elifs -= ifs.pop().unwrap_or(0);
                    }
                    Some("elif") => {
                        if let Some(own) = ifs.last_mut() {
                            *own += 1;
                            elifs += 1;
                            if elifs > MAX_ELIFS {
                                return Err(Failure::new(
                                    FailureKind::Limit,
                                    format!(
                                        "more than {MAX_ELIFS} elifs in the ifs open here (split the chain into several ifs)"
                                    ),
                                    open,
                                    tag.end,
                                ));
                            }
                        }
                    }
                    Some("raw") => {
                        at = end_of_raw(bytes, tag.end);
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

struct Tag {
    /// Just past the tag's closing delimiter.
    end: usize,
    first_word: Option<&'static str>,
}

/// The next `{{`, `{%` or `{#` from `at`, with its second byte.
fn find_tag(bytes: &[u8], mut at: usize) -> Option<(usize, u8)> {
    while let Some(open) = find(bytes, at, b"{") {
        match bytes.get(open + 1) {
            Some(&kind @ (b'{' | b'%' | b'#')) => return Some((open, kind)),
            _ => at = open + 1,
        }
    }
    None
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// Reads a tag's tokens as minijinja's lexer does (whitespace, strings, numbers, names,
/// operators; the tag ends at its delimiter outside brackets) and counts its operators.
fn scan_tag(bytes: &[u8], body: usize, close: u8) -> Result<Tag, Failure> {
    let mut at = body;
    if matches!(bytes.get(at), Some(b'-' | b'+')) {
        at += 1;
    }
    let mut brackets: isize = 0;
    let mut operators = 0;
    let mut first_word = None;
    let mut first = true;
    while at < bytes.len() {
        let b = bytes[at];
        if b.is_ascii_whitespace() {
            at += 1;
            continue;
        }
        if brackets == 0 {
            let rest = &bytes[at..];
            if rest.starts_with(&[close, b'}']) {
                return Ok(Tag {
                    end: at + 2,
                    first_word,
                });
            }
            if matches!(b, b'-' | b'+') && rest.get(1..3) == Some(&[close, b'}']) {
                return Ok(Tag {
                    end: at + 3,
                    first_word,
                });
            }
        }
        let start = at;
        let operator = match b {
            b'\'' | b'"' => {
                at = end_of_string(bytes, at + 1, b);
                false
            }
            b'0'..=b'9' => {
                at += 1;
                while at < bytes.len()
                    && (bytes[at].is_ascii_alphanumeric() || matches!(bytes[at], b'_' | b'.'))
                {
                    at += 1;
                }
                false
            }
            b'(' | b'[' | b'{' => {
                brackets += 1;
                at += 1;
                true
            }
            b')' | b']' | b'}' => {
                brackets -= 1;
                at += 1;
                false
            }
            b',' | b':' => {
                at += 1;
                false
            }
            b'+' | b'-' | b'*' | b'/' | b'%' | b'.' | b'~' | b'|' | b'=' | b'>' | b'<' | b'!' => {
                let pair = bytes.get(at..at + 2);
                at += if matches!(pair, Some(b"//" | b"**" | b"==" | b"!=" | b">=" | b"<=")) {
                    2
                } else {
                    1
                };
                true
            }
            _ => {
                // A name: minijinja's identifiers are Unicode, so anything else up to the next
                // byte that starts another token belongs to it.
                at += 1;
                while at < bytes.len()
                    && !bytes[at].is_ascii_whitespace()
                    && !b"'\"()[]{},:+-*/%.~|=><!".contains(&bytes[at])
                {
                    at += 1;
                }
                let word = &bytes[start..at];
                if first {
                    first_word = ["if", "elif", "endif", "raw"]
                        .into_iter()
                        .find(|w| w.as_bytes() == word);
                }
                WORDS.iter().any(|w| w.as_bytes() == word)
            }
        };
        first = false;
        if operator {
            operators += 1;
            if operators > MAX_TAG_OPERATORS {
                return Err(Failure::new(
                    FailureKind::Limit,
                    format!(
                        "the tag chains more than {MAX_TAG_OPERATORS} operators (split the expression with `set`)"
                    ),
                    start,
                    at,
                ));
            }
        }
    }
    // Unclosed: minijinja reports it.
    Ok(Tag {
        end: bytes.len(),
        first_word,
    })
}

/// Just past the string's closing quote (minijinja's strings escape with a backslash).
fn end_of_string(bytes: &[u8], mut at: usize, quote: u8) -> usize {
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b if b == quote => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// Just past the `{% endraw %}` that ends a raw block whose `{% raw %}` ends before `at`.
fn end_of_raw(bytes: &[u8], mut at: usize) -> usize {
    while let Some(open) = find(bytes, at, b"{%") {
        let mut word = open + 2;
        if matches!(bytes.get(word), Some(b'-' | b'+')) {
            word += 1;
        }
        while bytes.get(word).is_some_and(u8::is_ascii_whitespace) {
            word += 1;
        }
        if bytes[word..].starts_with(b"endraw") {
            return find(bytes, word, b"%}").map_or(bytes.len(), |end| end + 2);
        }
        at = open + 2;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(op: &str, n: usize) -> String {
        format!("{{{{ {} }}}}", vec!["a"; n + 1].join(op))
    }

    #[test]
    fn operators_are_counted_per_tag() {
        assert!(check(&chain(" ~ ", MAX_TAG_OPERATORS)).is_ok());
        let refused = check(&chain(" ~ ", MAX_TAG_OPERATORS + 1)).unwrap_err();
        assert_eq!(refused.kind, FailureKind::Limit);
        // The operator past the limit: after `{{ a`, 1,000 times ` ~ a`, then ` `.
        assert_eq!(refused.start, 4 + MAX_TAG_OPERATORS * 4 + 1);
        // Many tags of a few operators each are many chains, not one.
        let many: String = (0..2_000)
            .map(|_| "{{ a ~ b }}{% if a and b %}{% endif %}")
            .collect();
        assert!(check(&many).is_ok());
        for op in [" and ", " or ", "|f|", ".", " + ", " == "] {
            assert!(check(&chain(op, 2_000)).is_err(), "{op}");
        }
        let nots = format!("{{{{ {}a }}}}", "not ".repeat(2_000));
        assert!(check(&nots).is_err());
    }

    #[test]
    fn strings_comments_and_raw_blocks_hold_no_operators() {
        let text = "~ and ".repeat(2_000);
        assert!(check(&format!("{{{{ '{text}' ~ \"{text}\\\"\" }}}}")).is_ok());
        assert!(check(&format!("{{# {text} #}}")).is_ok());
        assert!(check(&format!("{{% raw %}}{{{{ {text} }}}}{{% endraw %}}")).is_ok());
        assert!(check(&format!("{text}{{{{ x }}}}")).is_ok());
        // A `}}` inside brackets does not end the tag, as in minijinja.
        let dict = format!(
            "{{{{ {{'a': {{'b': 1}}}} ~ {} }}}}",
            vec!["a"; 1_100].join(" ~ ")
        );
        assert!(check(&dict).is_err());
    }

    #[test]
    fn elifs_are_counted_per_if() {
        let ifs = |n: usize| format!("{{% if a %}}{}{{% endif %}}", "{% elif b %}x".repeat(n));
        assert!(check(&ifs(MAX_ELIFS)).is_ok());
        assert!(check(&ifs(MAX_ELIFS).repeat(3)).is_ok());
        let refused = check(&ifs(MAX_ELIFS + 1)).unwrap_err();
        assert_eq!(
            refused.start,
            "{% if a %}".len() + MAX_ELIFS * "{% elif b %}x".len()
        );
        let nested = format!(
            "{{% if a %}}{}{{% if c %}}{{% elif d %}}{{% endif %}}{}{{% endif %}}",
            "{% elif b %}".repeat(MAX_ELIFS - 1),
            "{%- elif b -%}"
        );
        assert!(check(&nested).is_ok());
        // Nested in elifs, the chains add up.
        let half = format!(
            "{{% if a %}}{}{{% if c %}}{}{{% endif %}}{{% endif %}}",
            "{% elif b %}".repeat(MAX_ELIFS / 2),
            "{% elif d %}".repeat(MAX_ELIFS / 2 + 1)
        );
        assert!(check(&half).is_err());
    }
}
