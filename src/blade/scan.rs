//! Blade source → tokens.
//!
//! Laravel compiles Blade with a pipeline of regular expressions (verbatim blocks, comments,
//! statements, then echos). This scanner reproduces what that pipeline finds in one left-to-right
//! pass, keeping byte offsets into the source so that every later error can point back at it.

use super::{Failure, FailureKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// Source text copied to the output unchanged; a newline only at its end.
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
        /// Lowercase, one of [`SUPPORTED`].
        name: &'static str,
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

/// Searches that remember failure: once a closing tag is missing after some offset it is missing
/// after every later one, so hostile input (thousands of unclosed `{{`) stays linear.
struct Finder<'a> {
    /// The source with comments blanked out (what Blade's later passes see).
    src: &'a str,
    /// The source as written.
    original: &'a str,
    /// Comment ranges, in order.
    comments: Vec<(usize, usize)>,
    absent_from: std::cell::RefCell<Vec<(&'static str, usize)>>,
    /// Every balanced `(`…`)` pair, by opening offset, as Blade's recursive regex pairs them.
    parens: Vec<(usize, usize)>,
}

impl<'a> Finder<'a> {
    fn new(src: &'a str, original: &'a str, comments: Vec<(usize, usize)>) -> Self {
        let mut parens = Vec::new();
        let mut open = Vec::new();
        let bytes = src.as_bytes();
        let mut next = 0;
        while let Some(skip) = bytes
            .get(next..)
            .and_then(|r| r.iter().position(|&b| b == b'(' || b == b')'))
        {
            let i = next + skip;
            next = i + 1;
            match bytes.get(i) {
                Some(b'(') => open.push(i),
                Some(_) => {
                    if let Some(o) = open.pop() {
                        parens.push((o, i));
                    }
                }
                _ => {}
            }
        }
        parens.sort_unstable();
        Finder {
            src,
            original,
            comments,
            absent_from: std::cell::RefCell::new(Vec::new()),
            parens,
        }
    }

    fn find(&self, from: usize, needle: &'static str) -> Option<usize> {
        let known = self
            .absent_from
            .borrow()
            .iter()
            .find(|(n, _)| *n == needle)
            .map(|(_, at)| *at);
        if known.is_some_and(|at| from >= at) {
            return None;
        }
        let found = self
            .src
            .as_bytes()
            .get(from..)
            .and_then(|rest| find_bytes(rest, needle.as_bytes()))
            .map(|i| i + from);
        if found.is_none() {
            let mut absent = self.absent_from.borrow_mut();
            absent.retain(|(n, _)| *n != needle);
            absent.push((needle, from));
        }
        found
    }

    /// The end of the comment starting at `at`.
    fn comment_at(&self, at: usize) -> Option<usize> {
        let i = self.comments.binary_search_by_key(&at, |(s, _)| *s).ok()?;
        self.comments.get(i).map(|(_, e)| *e)
    }

    /// `original[a..b]` without the comments in it, as Blade prints it.
    fn strip(&self, a: usize, b: usize) -> String {
        let mut out = String::new();
        let mut at = a;
        for &(cs, ce) in &self.comments {
            if ce <= at || cs >= b {
                continue;
            }
            out.push_str(self.original.get(at..cs.max(at)).unwrap_or(""));
            at = ce.min(b);
        }
        out.push_str(self.original.get(at..b.max(at)).unwrap_or(""));
        out
    }

    /// The `)` matching the `(` at `open`.
    fn closing(&self, open: usize) -> Option<usize> {
        let i = self.parens.binary_search_by_key(&open, |(o, _)| *o).ok()?;
        self.parens.get(i).map(|(_, c)| *c)
    }
}

/// The first `needle` in `hay`. Closing tags are short and usually near: looking for their first
/// byte beats setting up `str::find`'s two-way searcher for each of them.
fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some(&first) = needle.first() else {
        return Some(0);
    };
    let mut from = 0;
    loop {
        let at = from + hay.get(from..)?.iter().position(|&b| b == first)?;
        if hay.get(at..).is_some_and(|rest| rest.starts_with(needle)) {
            return Some(at);
        }
        from = at + 1;
    }
}

/// What the scanner hands on: the tokens, and the source with every comment blanked out (same
/// offsets and newlines), which is what expressions are parsed from.
pub struct Scanned {
    pub tokens: Vec<Token>,
    pub code: String,
}

/// Verbatim blocks and comments as Blade finds them: verbatim blocks first (a regex over the
/// whole source), then comments in what remains. A verbatim block inside a comment goes with it.
/// Byte ranges, in order.
type Ranges = Vec<(usize, usize)>;

fn regions(src: &str) -> (Ranges, Ranges) {
    let bytes = src.as_bytes();
    let find = |from: usize, needle: &str| src.get(from..)?.find(needle).map(|i| i + from);
    let mut verbatim = Vec::new();
    let mut from = 0;
    while let Some(at) = find(from, "@verbatim") {
        if at > 0 && bytes.get(at - 1) == Some(&b'@') {
            from = at + 1;
            continue;
        }
        let Some(close) = find(at + 9, "@endverbatim") else {
            break;
        };
        let end = close + "@endverbatim".len();
        verbatim.push((at, end));
        from = end;
    }
    // The first occurrence of `needle` at or after `from` that no verbatim block overlaps.
    let outside = |mut from: usize, needle: &str| loop {
        let at = find(from, needle)?;
        match verbatim
            .iter()
            .find(|(s, e)| *s < at + needle.len() && at < *e)
        {
            Some((_, e)) => from = *e,
            None => return Some(at),
        }
    };
    let mut comments = Vec::new();
    let mut from = 0;
    while let Some(open) = outside(from, "{{--") {
        let Some(close) = outside(open + 4, "--}}") else {
            break;
        };
        comments.push((open, close + 4));
        from = close + 4;
    }
    verbatim.retain(|(vs, ve)| !comments.iter().any(|(cs, ce)| cs <= vs && ve <= ce));
    (verbatim, comments)
}

pub fn scan(src: &str) -> Result<Scanned, Failure> {
    let (verbatim, comments) = regions(src);
    let mut code = src.as_bytes().to_vec();
    for &(a, b) in &comments {
        for byte in code.get_mut(a..b).into_iter().flatten() {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b' ';
            }
        }
    }
    // Later passes see a verbatim block as a `@__raw_block_N__@` placeholder: no tag can close
    // inside it.
    for &(a, b) in &verbatim {
        if let Some(block) = code.get_mut(a..b) {
            block.fill(b'_');
            if let Some(first) = block.first_mut() {
                *first = b'@';
            }
            if let Some(last) = block.last_mut() {
                *last = b'@';
            }
        }
    }
    // Comments and verbatim blocks start and end at ASCII characters, so this keeps UTF-8 valid.
    let code = String::from_utf8(code).unwrap_or_else(|_| src.to_string());
    let tokens = scan_tokens(src, &code, &verbatim, comments)?;
    Ok(Scanned { tokens, code })
}

/// Raw echos, then `{{{ }}}`, then `{{ }}`: the first form whose closing tag follows wins.
const ECHO_FORMS: [(&[u8], &str, &str, bool); 3] = [
    (b"{!!", "{!!", "!!}", true),
    (b"{{{", "{{{", "}}}", false),
    (b"{{", "{{", "}}", false),
];

fn scan_tokens(
    src: &str,
    code: &str,
    verbatim: &[(usize, usize)],
    comments: Vec<(usize, usize)>,
) -> Result<Vec<Token>, Failure> {
    let finder = Finder::new(code, src, comments);
    let bytes = src.as_bytes();
    let code_bytes = code.as_bytes();
    // Templates run to a token every 4 to 15 bytes (lines of text and the tags between them):
    // allocating for one per 8 bytes up front spares copying them all as the vector grows. A
    // source too large for that estimate just grows the vector (no capacity overflow panic).
    let mut tokens = Vec::new();
    let _ = tokens.try_reserve(src.len() / 8);
    let mut text_start = 0;
    let mut i = 0;
    let mut next_verbatim = 0;
    // Text is split after each newline, so that line structure is visible at token level.
    let flush = |tokens: &mut Vec<Token>, mut start: usize, end: usize| {
        while let Some(i) = bytes
            .get(start..end)
            .and_then(|text| text.iter().position(|&b| b == b'\n'))
        {
            tokens.push(Token::Text {
                start,
                end: start + i + 1,
            });
            start += i + 1;
        }
        if end > start {
            tokens.push(Token::Text { start, end });
        }
    };
    while i < bytes.len() {
        while verbatim.get(next_verbatim).is_some_and(|(s, _)| *s < i) {
            next_verbatim += 1;
        }
        if let Some(&(start, end)) = verbatim.get(next_verbatim).filter(|(s, _)| *s == i) {
            flush(&mut tokens, text_start, i);
            let content = (start + "@verbatim".len(), end - "@endverbatim".len());
            tokens.push(Token::Verbatim {
                content,
                start,
                end,
            });
            i = end;
            text_start = i;
            continue;
        }
        if let Some(end) = finder.comment_at(i) {
            flush(&mut tokens, text_start, i);
            tokens.push(Token::Comment { start: i, end });
            i = end;
            text_start = i;
            continue;
        }
        if bytes.get(i) == Some(&b'<') && bytes.get(i + 1) == Some(&b'?') {
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
        let escaped = bytes.get(i) == Some(&b'@');
        let at = if escaped { i + 1 } else { i };
        let tail = code_bytes.get(at..).unwrap_or(&[]);
        let comment_after_at = escaped && tail.starts_with(b"{{--");
        // Every form opens with `{`: most positions are ruled out by one byte.
        let echo = ECHO_FORMS
            .iter()
            .filter(|_| tail.first() == Some(&b'{') && !comment_after_at)
            .find_map(|(prefix, open, close, raw)| {
                if !tail.starts_with(prefix) {
                    return None;
                }
                // `.+?`: at least one character before the closing tag.
                let inner = at + open.len();
                let stop = finder
                    .find(inner + 1, close)
                    .filter(|_| inner < src.len())?;
                Some((inner, stop, stop + close.len(), *raw))
            });
        if let Some((inner, stop, end, raw)) = echo {
            flush(&mut tokens, text_start, i);
            if escaped {
                let text = finder.strip(at, end);
                tokens.push(Token::Literal {
                    text,
                    start: i,
                    end,
                });
            } else {
                let (a, b) = trim_range(code, inner, stop);
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
        if escaped && !after_word(bytes, &tokens, text_start, i) {
            if let Some(d) = directive_at(&finder, i) {
                flush(&mut tokens, text_start, i);
                let consumed = handle_directive(&finder, d, &mut tokens)?;
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
        // Every token starts at `{` (echos, comments), `@` (directives, escapes, verbatim blocks)
        // or `<` (PHP tags), all ASCII: the bytes before the next one are plain text.
        i = bytes
            .get(i..)
            .and_then(|rest| rest.iter().position(|b| matches!(b, b'{' | b'@' | b'<')))
            .map_or(bytes.len(), |skip| i + skip);
    }
    flush(&mut tokens, text_start, bytes.len());
    Ok(tokens)
}

/// Whether the byte before `i` is a word character once comments are removed (Blade strips
/// comments before it looks for directives, so `a{{-- --}}@if` is text) and verbatim blocks
/// replaced.
fn after_word(bytes: &[u8], tokens: &[Token], text_start: usize, i: usize) -> bool {
    let mut at = i;
    if at == text_start {
        for t in tokens.iter().rev() {
            match t {
                Token::Comment { start, end } if *end == at => at = *start,
                // Blade swaps verbatim blocks for `@__raw_block_N__@` placeholders first, so
                // what follows one comes after an `@`.
                Token::Verbatim { end, .. } if *end == at => return false,
                _ => break,
            }
        }
    }
    at > 0 && bytes.get(at - 1).is_some_and(|b| is_word(*b))
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
fn directive_at(finder: &Finder<'_>, i: usize) -> Option<Found> {
    let bytes = finder.src.as_bytes();
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
    while j < bytes.len()
        && (bytes[j] == b' ' || bytes[j] == b'\t')
        && finder.comment_at(j).is_none()
    {
        j += 1;
    }
    let ws_end = j;
    let mut args = None;
    if bytes.get(j) == Some(&b'(') {
        args = finder.closing(j).map(|close| (j + 1, close));
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
fn handle_directive(
    finder: &Finder<'_>,
    d: Found,
    tokens: &mut Vec<Token>,
) -> Result<usize, Failure> {
    let src = finder.src;
    let raw_name = src.get(d.name.0..d.name.1).unwrap_or("");
    let after_args = d.args.map(|(_, close)| close + 1);
    if let Some(stripped) = raw_name.strip_prefix('@') {
        // `@@if($x)` prints `@if($x)`: Blade drops the whitespace before the parentheses.
        let mut text = format!("@{stripped}");
        let end = match (d.args, after_args) {
            (Some((a, b)), Some(end)) => {
                text.push('(');
                text.push_str(&finder.strip(a, b));
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
    let supported = SUPPORTED
        .iter()
        .find(|known| known.eq_ignore_ascii_case(raw_name));
    if let Some(&name) = supported {
        let end = after_args.unwrap_or(d.name.1);
        // Without arguments the whitespace after the name stays in the output, so the newline
        // is no longer right after `?>`.
        let eats = match after_args {
            Some(end) => newline_after_comments(finder, end),
            None if d.ws_end == d.name.1 => newline_after_comments(finder, end),
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
    let name = raw_name.to_ascii_lowercase();
    // A bare `@php` without `@endphp` compiles to the text `@php`.
    let bare_php = name == "php" && d.args.is_none() && finder.find(d.name.1, "@endphp").is_none();
    if REFUSED.contains(&name.as_str()) && !bare_php {
        return Err(Failure::new(
            FailureKind::Sandbox,
            format!("@{raw_name} is not supported (templates cannot include files or run PHP)"),
            d.start,
            after_args.unwrap_or(d.name.1),
        ));
    }
    // Unknown directives are text (an e-mail address, `@media`, …); keep scanning after the name.
    // Blade returns the whole match plus the blanks again when there are no parentheses.
    if bare_php {
        // `compilePhp()` returns `@php`, and the blanks follow once.
        tokens.push(Token::Text {
            start: d.start,
            end: d.ws_end,
        });
        return Ok(d.ws_end);
    }
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

fn newline_after_comments(finder: &Finder<'_>, mut i: usize) -> Option<usize> {
    let bytes = finder.src.as_bytes();
    while let Some(end) = finder.comment_at(i) {
        i = end;
    }
    newline_at(bytes, i)
}
