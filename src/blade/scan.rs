//! Blade source → tokens.
//!
//! Laravel compiles Blade with a pipeline of regular expressions (verbatim blocks, comments,
//! statements, then echos). This scanner reproduces what that pipeline finds: the directives as
//! Laravel 12's statement pass finds them ([`statements`]), echos, comments and verbatim blocks in
//! one left-to-right pass, keeping byte offsets into the source so that every later error can
//! point back at it.

use super::statements::{self, Compiles, Statement};
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
    /// `{{-- --}}`, and the `@verbatim` that opens a verbatim block: prints nothing.
    Comment { start: usize, end: usize },
    /// The content of `@verbatim … @endverbatim`, printed as is, and its `@endverbatim`. The
    /// blanks after `@verbatim` are text before it (Laravel 12 leaves them out of the block).
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
    // Laravel 12's attribute directives: `@bool(x)` prints `true`/`false`, the others their own
    // name when the condition holds.
    "bool",
    "checked",
    "disabled",
    "readonly",
    "required",
    "selected",
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
    // Laravel 12's, beyond Laravel 8's.
    "pushonce",
    "endpushonce",
    "prependonce",
    "endprependonce",
    "pushif",
    "elsepushif",
    "elsepush",
    "endpushif",
    "session",
    "endsession",
    "fragment",
    "endfragment",
    "style",
    "use",
    "vite",
    "vitereactrefresh",
    "includeisolated",
];

/// Directives the packages of Kublade's application register (Livewire 3, spatie's
/// laravel-permission), with their exact case: refused like [`REFUSED`].
pub const PACKAGE_DIRECTIVES: &[&str] = &[
    "this",
    "entangle",
    "persist",
    "endpersist",
    "script",
    "endscript",
    "assets",
    "endassets",
    "teleport",
    "endteleport",
    "livewireScripts",
    "livewireScriptConfig",
    "livewireStyles",
    "livewire",
    "endunlessrole",
];

/// laravel-permission's conditionals: each NAME also as `unlessNAME`, `elseNAME`, `endNAME`.
const PACKAGE_CONDITIONALS: &[&str] = &[
    "haspermission",
    "role",
    "hasrole",
    "hasanyrole",
    "hasallroles",
    "hasexactroles",
];

fn package_directive(name: &str) -> bool {
    PACKAGE_DIRECTIVES.contains(&name)
        || PACKAGE_CONDITIONALS.iter().any(|c| {
            ["", "unless", "else", "end"]
                .iter()
                .any(|p| name.strip_prefix(p) == Some(c))
        })
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
}

impl<'a> Finder<'a> {
    fn new(src: &'a str, original: &'a str, comments: Vec<(usize, usize)>) -> Self {
        Finder {
            src,
            original,
            comments,
            absent_from: std::cell::RefCell::new(Vec::new()),
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

/// A verbatim block: `@verbatim` at `start`, its content from `content` (after the blanks
/// Laravel 12 leaves outside the block) to `@endverbatim`, which ends at `end`.
#[derive(Clone, Copy, Debug)]
struct Verbatim {
    start: usize,
    content: usize,
    end: usize,
}

/// Byte ranges, in order.
type Ranges = Vec<(usize, usize)>;

/// Verbatim blocks and comments as Blade finds them: verbatim blocks first
/// (`(?<!@)@verbatim(\s*)(.*?)@endverbatim` over the whole source), then comments in what remains.
/// A verbatim block inside a comment goes with it.
fn regions(src: &str) -> (Vec<Verbatim>, Ranges) {
    let bytes = src.as_bytes();
    let find = |from: usize, needle: &str| src.get(from..)?.find(needle).map(|i| i + from);
    let mut verbatim = Vec::new();
    let mut from = 0;
    while let Some(at) = find(from, "@verbatim") {
        if at > 0 && bytes.get(at - 1) == Some(&b'@') {
            from = at + 1;
            continue;
        }
        // PCRE's `\s`: space, \t, \n, \v, \f, \r.
        let blanks = bytes
            .get(at + 9..)
            .unwrap_or(&[])
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'))
            .count();
        let Some(close) = find(at + 9, "@endverbatim") else {
            break;
        };
        let end = close + "@endverbatim".len();
        verbatim.push(Verbatim {
            start: at,
            content: (at + 9 + blanks).min(close),
            end,
        });
        from = end;
    }
    // The first occurrence of `needle` at or after `from` that no verbatim block overlaps.
    let outside = |mut from: usize, needle: &str| loop {
        let at = find(from, needle)?;
        match verbatim
            .iter()
            .find(|v| v.start < at + needle.len() && at < v.end)
        {
            Some(v) => from = v.end,
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
    verbatim.retain(|v| {
        !comments
            .iter()
            .any(|(cs, ce)| *cs <= v.start && v.end <= *ce)
    });
    (verbatim, comments)
}

pub fn scan(src: &str) -> Result<Scanned, Failure> {
    let (verbatim, mut comments) = regions(src);
    // Blade's view has no `@verbatim` keyword: it goes like a comment.
    comments.extend(verbatim.iter().map(|v| (v.start, v.start + 9)));
    comments.sort_unstable();
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
    for v in &verbatim {
        if let Some(block) = code.get_mut(v.content..v.end) {
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
    refuse_php_tags(&code)?;
    let statements = statements::statements(&code, &comments, |name, at, args| {
        compiles(&code, name, at, args)
    })?;
    let tokens = scan_tokens(src, &code, &verbatim, comments, &statements)?;
    Ok(Scanned { tokens, code })
}

/// PHP reads the template before Blade compiles it, and Kublade's PHP has `short_open_tag` on:
/// any `<?` outside comments and verbatim blocks opens PHP code (`<?xml` is a parse error).
fn refuse_php_tags(code: &str) -> Result<(), Failure> {
    match code.find("<?") {
        Some(at) => Err(Failure::new(
            FailureKind::Sandbox,
            "PHP tags (<?, <?php, <?=) are not allowed in templates (Kublade's PHP reads `<?` as \
             the start of PHP code, so `<?xml` fails there too)",
            at,
            at + 2,
        )),
        None => Ok(()),
    }
}

/// Whether `name` is a directive of Kublade's Blade: Laravel 12 has a `compileName` method for it
/// (in any letter case), or a package of Kublade's application registered that exact name.
pub fn is_directive(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SUPPORTED.contains(&lower.as_str())
        || REFUSED.contains(&lower.as_str())
        || package_directive(name)
}

/// Whether Blade compiles `@name` (it has a `compileName` method, in any case, or a package
/// registered the exact name) or leaves it as text.
fn compiles(code: &str, name: &str, at: usize, args: bool) -> Compiles {
    let lower = name.to_ascii_lowercase();
    if lower == "php" && !args {
        // Without `@endphp` after it, `compilePhp()` gives back the text `@php`.
        return if code.get(at..).is_some_and(|rest| rest.contains("@endphp")) {
            Compiles::Code
        } else {
            Compiles::Text
        };
    }
    if is_directive(name) {
        Compiles::Code
    } else {
        Compiles::Text
    }
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
    verbatim: &[Verbatim],
    comments: Vec<(usize, usize)>,
    statements: &[Statement],
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
    let mut next_statement = 0;
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
        while verbatim.get(next_verbatim).is_some_and(|v| v.content < i) {
            next_verbatim += 1;
        }
        if let Some(v) = verbatim.get(next_verbatim).filter(|v| v.content == i) {
            flush(&mut tokens, text_start, i);
            tokens.push(Token::Verbatim {
                content: (v.content, v.end - "@endverbatim".len()),
                start: v.content,
                end: v.end,
            });
            i = v.end;
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
                // Comments between the echo and a newline PHP swallows vanish with it.
                i = echo_eats(&finder, verbatim, end).unwrap_or(end);
                text_start = i;
                continue;
            }
            i = end;
            text_start = i;
            continue;
        }
        // A statement inside a tag read before it is part of that tag.
        while statements.get(next_statement).is_some_and(|s| s.start < i) {
            next_statement += 1;
        }
        if let Some(d) = statements.get(next_statement).filter(|s| s.start == i) {
            flush(&mut tokens, text_start, i);
            i = handle_directive(&finder, verbatim, d, &mut tokens)?;
            text_start = i;
            continue;
        }
        // Advance one character (not byte) to stay on char boundaries.
        i += src
            .get(i..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8);
        // Every token starts at `{` (echos, comments), `@` (directives, escapes, `@verbatim`) or
        // where a verbatim block's content does: the bytes before the next one are plain text.
        let next_content = verbatim
            .get(next_verbatim)
            .map_or(bytes.len(), |v| v.content)
            .max(i);
        i = bytes
            .get(i..next_content)
            .and_then(|rest| rest.iter().position(|b| matches!(b, b'{' | b'@')))
            .map_or(next_content, |skip| i + skip);
    }
    flush(&mut tokens, text_start, bytes.len());
    Ok(tokens)
}

fn trim_range(src: &str, mut a: usize, mut b: usize) -> (usize, usize) {
    let bytes = src.as_bytes();
    // PCRE's `\s`, which Blade's echo pattern trims: Rust's ASCII whitespace and `\v`.
    let blank = |b: u8| b.is_ascii_whitespace() || b == 0x0b;
    while a < b && blank(bytes[a]) {
        a += 1;
    }
    while b > a && blank(bytes[b - 1]) {
        b -= 1;
    }
    (a, b)
}

/// Pushes the token for a directive Blade compiles and returns where scanning resumes.
fn handle_directive(
    finder: &Finder<'_>,
    verbatim: &[Verbatim],
    d: &Statement,
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
    let end = after_args.unwrap_or(d.name.1);
    let supported = SUPPORTED
        .iter()
        .find(|known| known.eq_ignore_ascii_case(raw_name));
    let Some(&name) = supported else {
        return Err(Failure::new(
            FailureKind::Sandbox,
            format!("@{raw_name} is not supported (templates cannot include files or run PHP)"),
            d.start,
            end,
        ));
    };
    // Without arguments the whitespace after the name stays in the output, so the newline is no
    // longer right after `?>`.
    let eats = match after_args {
        Some(end) => newline_after_comments(finder, verbatim, end),
        None if !d.blanks => newline_after_comments(finder, verbatim, end),
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
    Ok(eats.unwrap_or(end))
}

/// The newline PHP swallows after an echo's `?>` at `end`. Blade's echo pattern ends with
/// `(\r?\n)?` and writes a newline it matched twice, so that one stays; a lone `\r`, which the
/// pattern does not match, PHP swallows (comments are gone when the pattern runs).
fn echo_eats(finder: &Finder<'_>, verbatim: &[Verbatim], end: usize) -> Option<usize> {
    let bytes = finder.src.as_bytes();
    let after_comments = |mut i: usize| {
        while let Some(e) = finder.comment_at(i) {
            i = e;
        }
        i
    };
    let j = after_comments(end);
    match bytes.get(j) {
        Some(b'\n') => None,
        Some(b'\r') if bytes.get(after_comments(j + 1)) == Some(&b'\n') => None,
        _ => newline_after_comments(finder, verbatim, end),
    }
}

/// The newline PHP swallows after a directive's `?>` at `i`: comments are gone by then, and so
/// are empty verbatim blocks, restored as nothing before PHP reads the code (also between the
/// `\r` and the `\n` of a `\r\n`).
fn newline_after_comments(finder: &Finder<'_>, verbatim: &[Verbatim], i: usize) -> Option<usize> {
    let bytes = finder.src.as_bytes();
    let i = invisible_until(finder, verbatim, i);
    match bytes.get(i) {
        Some(b'\r') => {
            let next = invisible_until(finder, verbatim, i + 1);
            Some(if bytes.get(next) == Some(&b'\n') {
                next + 1
            } else {
                i + 1
            })
        }
        Some(b'\n') => Some(i + 1),
        _ => None,
    }
}

/// Where the text PHP reads resumes after `i`: past comments and empty verbatim blocks.
fn invisible_until(finder: &Finder<'_>, verbatim: &[Verbatim], mut i: usize) -> usize {
    loop {
        if let Some(end) = finder.comment_at(i) {
            i = end;
        } else if let Some(v) = verbatim
            .binary_search_by_key(&i, |v| v.content)
            .ok()
            .and_then(|k| verbatim.get(k))
            .filter(|v| v.content + "@endverbatim".len() == v.end)
        {
            i = v.end;
        } else {
            return i;
        }
    }
}
