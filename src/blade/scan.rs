//! Blade source → tokens.
//!
//! Laravel compiles Blade with a pipeline of regular expressions (verbatim blocks, comments,
//! statements, then echos). This scanner reproduces what that pipeline finds in one left-to-right
//! pass, keeping byte offsets into the source so that every later error can point back at it.

use super::{Failure, FailureKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// Source text copied to the output unchanged.
    Text { start: usize, end: usize },
    /// Output text that differs from its source (`@{{ x }}` prints `{{ x }}`).
    Literal {
        text: String,
        start: usize,
        end: usize,
    },
    /// `{{ }}` (escaped) or `{!! !!}` (raw); `expr` is the trimmed expression.
    Echo {
        raw: bool,
        expr: (usize, usize),
        start: usize,
        end: usize,
    },
    /// `{{-- --}}`: prints nothing.
    Comment { start: usize, end: usize },
    /// `@verbatim … @endverbatim`: the content printed as is.
    Verbatim {
        content: (usize, usize),
        start: usize,
        end: usize,
    },
    /// A known directive. `args` is the text inside the parentheses; `eats` is the newline PHP
    /// swallows after the compiled `?>` (its end offset).
    Directive {
        name: String,
        args: Option<(usize, usize)>,
        start: usize,
        end: usize,
        eats: Option<usize>,
    },
}

impl Token {
    pub fn start(&self) -> usize {
        match self {
            Token::Text { start, .. }
            | Token::Literal { start, .. }
            | Token::Echo { start, .. }
            | Token::Comment { start, .. }
            | Token::Verbatim { start, .. }
            | Token::Directive { start, .. } => *start,
        }
    }

    /// End offset, including a swallowed newline.
    pub fn end(&self) -> usize {
        match self {
            Token::Directive { end, eats, .. } => eats.unwrap_or(*end),
            Token::Text { end, .. }
            | Token::Literal { end, .. }
            | Token::Echo { end, .. }
            | Token::Comment { end, .. }
            | Token::Verbatim { end, .. } => *end,
        }
    }
}

/// Directives this engine compiles.
pub const SUPPORTED: &[&str] = &[
    "if",
    "elseif",
    "else",
    "endif",
    "unless",
    "endunless",
    "isset",
    "endisset",
    "empty",
    "endempty",
    "foreach",
    "endforeach",
    "forelse",
    "endforelse",
    "for",
    "endfor",
    "while",
    "endwhile",
    "switch",
    "case",
    "default",
    "endswitch",
    "break",
    "continue",
    "json",
];

/// Directives Laravel's Blade compiler knows (it has a `compileX` method for them) that this engine
/// refuses: they include other files, run PHP or need a Laravel application.
pub const REFUSED: &[&str] = &[
    "php",
    "unset",
    "include",
    "includeif",
    "includewhen",
    "includeunless",
    "includefirst",
    "each",
    "extends",
    "extendsfirst",
    "section",
    "parent",
    "yield",
    "show",
    "append",
    "overwrite",
    "stop",
    "endsection",
    "component",
    "endcomponent",
    "endcomponentclass",
    "componentfirst",
    "endcomponentfirst",
    "slot",
    "endslot",
    "props",
    "aware",
    "classcomponentopening",
    "stack",
    "push",
    "endpush",
    "prepend",
    "endprepend",
    "inject",
    "can",
    "cannot",
    "canany",
    "elsecan",
    "elsecannot",
    "elsecanany",
    "endcan",
    "endcannot",
    "endcanany",
    "auth",
    "elseauth",
    "endauth",
    "guest",
    "elseguest",
    "endguest",
    "env",
    "endenv",
    "production",
    "endproduction",
    "hassection",
    "sectionmissing",
    "once",
    "endonce",
    "error",
    "enderror",
    "csrf",
    "method",
    "dd",
    "dump",
    "lang",
    "endlang",
    "choice",
    "js",
    "class",
    "string",
    "componenttags",
    "extensions",
    "statements",
    "statement",
    "comments",
    "echos",
    "rawechos",
    "regularechos",
    "escapedechos",
];

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn find(src: &str, from: usize, needle: &str) -> Option<usize> {
    src.get(from..)?.find(needle).map(|i| i + from)
}

pub fn scan(src: &str) -> Result<Vec<Token>, Failure> {
    let bytes = src.as_bytes();
    let mut tokens = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    let flush = |tokens: &mut Vec<Token>, start: usize, end: usize| {
        if end > start {
            tokens.push(Token::Text { start, end });
        }
    };
    while i < bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"@verbatim") && (i == 0 || bytes[i - 1] != b'@') {
            if let Some(close) = find(src, i + 9, "@endverbatim") {
                flush(&mut tokens, text_start, i);
                let end = close + "@endverbatim".len();
                tokens.push(Token::Verbatim {
                    content: (i + 9, close),
                    start: i,
                    end,
                });
                i = end;
                text_start = i;
                continue;
            }
        }
        if rest.starts_with(b"{{--") {
            if let Some(close) = find(src, i + 4, "--}}") {
                flush(&mut tokens, text_start, i);
                let end = close + 4;
                tokens.push(Token::Comment { start: i, end });
                i = end;
                text_start = i;
                continue;
            }
        }
        if rest.starts_with(b"<?") {
            let tag = src
                .get(i..(i + 5).min(src.len()))
                .unwrap_or("")
                .to_ascii_lowercase();
            let after = bytes.get(i + 5).copied();
            if tag.starts_with("<?=")
                || (tag == "<?php" && after.is_none_or(|b| b.is_ascii_whitespace()))
            {
                return Err(Failure::new(
                    FailureKind::Sandbox,
                    "PHP tags (<?php, <?=) are not allowed in templates",
                    i,
                    i + tag.len(),
                ));
            }
        }
        let escaped = rest.first() == Some(&b'@');
        let at = if escaped { i + 1 } else { i };
        let tail = &bytes[at..];
        let echo = if escaped && tail.starts_with(b"{{--") {
            None
        } else if tail.starts_with(b"{!!") {
            Some(("{!!", "!!}", true))
        } else if tail.starts_with(b"{{{") {
            Some(("{{{", "}}}", false))
        } else if tail.starts_with(b"{{") {
            Some(("{{", "}}", false))
        } else {
            None
        };
        if let Some((open, close, raw)) = echo {
            // `.+?`: at least one character before the closing tag.
            let inner = at + open.len();
            if let Some(stop) = find(src, inner + 1, close).filter(|_| inner < src.len()) {
                flush(&mut tokens, text_start, i);
                let end = stop + close.len();
                if escaped {
                    let text = src.get(at..end).unwrap_or("").to_string();
                    tokens.push(Token::Literal {
                        text,
                        start: i,
                        end,
                    });
                } else {
                    let (a, b) = trim_range(src, inner, stop);
                    tokens.push(Token::Echo {
                        raw,
                        expr: (a, b),
                        start: i,
                        end,
                    });
                }
                i = end;
                text_start = i;
                continue;
            }
        }
        if escaped && (i == 0 || !is_word(bytes[i - 1])) {
            if let Some(d) = directive_at(src, i) {
                flush(&mut tokens, text_start, i);
                let consumed = handle_directive(src, d, &mut tokens)?;
                i = consumed;
                text_start = i;
                continue;
            }
        }
        // Advance one character (not byte) to stay on char boundaries.
        i += src
            .get(i..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8);
    }
    flush(&mut tokens, text_start, bytes.len());
    Ok(tokens)
}

fn trim_range(src: &str, mut a: usize, mut b: usize) -> (usize, usize) {
    let bytes = src.as_bytes();
    while a < b && bytes[a].is_ascii_whitespace() {
        a += 1;
    }
    while b > a && bytes[b - 1].is_ascii_whitespace() {
        b -= 1;
    }
    (a, b)
}

struct Found {
    start: usize,
    /// `@@name` keeps the second `@`.
    name: (usize, usize),
    ws_end: usize,
    args: Option<(usize, usize)>,
}

/// Matches Laravel's `\B@(@?\w+(?:::\w+)?)([ \t]*)(\( ( (?>[^()]+) | (?3) )* \))?` at `i`.
fn directive_at(src: &str, i: usize) -> Option<Found> {
    let bytes = src.as_bytes();
    let mut j = i + 1;
    let name_start = j;
    if bytes.get(j) == Some(&b'@') {
        j += 1;
    }
    let word_start = j;
    while j < bytes.len() && is_word(bytes[j]) {
        j += 1;
    }
    if j == word_start {
        return None;
    }
    if bytes.get(j..j + 2) == Some(b"::") && bytes.get(j + 2).is_some_and(|b| is_word(*b)) {
        j += 2;
        while j < bytes.len() && is_word(bytes[j]) {
            j += 1;
        }
    }
    let name_end = j;
    while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
        j += 1;
    }
    let ws_end = j;
    let mut args = None;
    if bytes.get(j) == Some(&b'(') {
        let mut depth = 0usize;
        let mut k = j;
        while k < bytes.len() {
            match bytes[k] {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        args = Some((j + 1, k));
                        break;
                    }
                }
                _ => {}
            }
            k += 1;
        }
    }
    Some(Found {
        start: i,
        name: (name_start, name_end),
        ws_end,
        args,
    })
}

fn newline_at(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i) {
        Some(b'\n') => Some(i + 1),
        Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => Some(i + 2),
        Some(b'\r') => Some(i + 1),
        _ => None,
    }
}

/// Pushes the token(s) for a directive match and returns where scanning resumes.
fn handle_directive(src: &str, d: Found, tokens: &mut Vec<Token>) -> Result<usize, Failure> {
    let bytes = src.as_bytes();
    let raw_name = src.get(d.name.0..d.name.1).unwrap_or("");
    let after_args = d.args.map(|(_, close)| close + 1);
    if let Some(stripped) = raw_name.strip_prefix('@') {
        // `@@if($x)` prints `@if($x)`: Blade drops the whitespace before the parentheses.
        let mut text = format!("@{stripped}");
        let end = match (d.args, after_args) {
            (Some((a, b)), Some(end)) => {
                text.push('(');
                text.push_str(src.get(a..b).unwrap_or(""));
                text.push(')');
                end
            }
            _ => d.name.1,
        };
        tokens.push(Token::Literal {
            text,
            start: d.start,
            end,
        });
        return Ok(end);
    }
    let name = raw_name.to_ascii_lowercase();
    if SUPPORTED.contains(&name.as_str()) {
        let end = after_args.unwrap_or(d.name.1);
        // Without arguments the whitespace after the name stays in the output, so the newline
        // is no longer right after `?>`.
        let eats = match after_args {
            Some(end) => newline_after_comments(src, end),
            None if d.ws_end == d.name.1 => newline_after_comments(src, end),
            None => None,
        };
        let eats = if name == "switch" { None } else { eats };
        tokens.push(Token::Directive {
            name,
            args: d.args,
            start: d.start,
            end,
            eats,
        });
        // Comments between the directive and its swallowed newline vanish with it.
        return Ok(eats.unwrap_or(end));
    }
    if REFUSED.contains(&name.as_str()) {
        return Err(Failure::new(
            FailureKind::Sandbox,
            format!("@{raw_name} is not supported (templates cannot include files or run PHP)"),
            d.start,
            after_args.unwrap_or(d.name.1),
        ));
    }
    // Unknown directives are text (an e-mail address, `@media`, …); keep scanning after the name.
    // Blade returns the whole match plus the blanks again when there are no parentheses.
    let _ = bytes;
    if d.args.is_none() && d.ws_end > d.name.1 {
        tokens.push(Token::Text {
            start: d.start,
            end: d.ws_end,
        });
        let blanks = src.get(d.name.1..d.ws_end).unwrap_or("").to_string();
        tokens.push(Token::Literal {
            text: blanks,
            start: d.name.1,
            end: d.ws_end,
        });
        return Ok(d.ws_end);
    }
    tokens.push(Token::Text {
        start: d.start,
        end: d.name.1,
    });
    Ok(d.name.1)
}

fn newline_after_comments(src: &str, mut i: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    while bytes.get(i..i + 4) == Some(b"{{--") {
        i = find(src, i + 4, "--}}")? + 4;
    }
    newline_at(bytes, i)
}
