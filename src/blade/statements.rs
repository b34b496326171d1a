//! Which `@directives` Blade compiles, found as Laravel 12's `compileStatements` finds them.
//!
//! Laravel 12 looks for `\B@(@?\w+(?:::\w+)?)([ \t]*)(\( ( [\S\s]*? ) \))?`: the arguments end
//! at the first `)`, and while PHP's tokenizer does not see the parentheses balanced (strings and
//! comments count as PHP counts them) the match grows to the next `)`, swallowing the next match
//! if that text holds it. Each match is then replaced at the first place its text occurs from
//! where the previous replacement ended (`strpos`), which need not be where it was found: the
//! same text earlier, after a word character (`x@endif`), is compiled instead. A match whose text
//! no longer occurs (it grew past the last `)`) stays text and sends the search back to the start.
//! This pass replays that on the source, so that the scanner compiles exactly what Blade compiles.

use super::{Failure, FailureKind};

/// A directive Blade replaces by something else than its own text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The `@`.
    pub start: usize,
    /// The name after the `@` (with the second `@` of `@@name`).
    pub name: (usize, usize),
    /// Blanks follow the name (Blade's `([ \t]*)` is not empty; comments between are gone).
    pub blanks: bool,
    /// Inside the parentheses.
    pub args: Option<(usize, usize)>,
}

/// What Blade's `compileStatement` does with a match, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compiles {
    /// A directive: replaced by PHP.
    Code,
    /// Unknown (an e-mail address, `@media`): the match stays as written.
    Text,
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Marks what a replacement put in the working text: no later search can match it.
const REPLACED: u8 = 0;

/// A match of the statement regex, relative to its start.
#[derive(Clone, Debug)]
struct Found {
    start: usize,
    /// The match's text (it grows while balancing).
    text: Vec<u8>,
    name: (usize, usize),
    blanks: bool,
    /// The `(` and the `)` of `[\S\s]*?`, relative.
    parens: Option<(usize, usize)>,
}

/// Blade's view of the source: comments are gone (the scanner blanks them; here the byte before a
/// directive and the blanks after its name skip them), verbatim blocks are placeholders.
struct View<'a> {
    code: &'a [u8],
    comments: &'a [(usize, usize)],
}

impl View<'_> {
    /// The comment that ends at `at`, if any.
    fn comment_ending_at(&self, at: usize) -> Option<usize> {
        let i = self.comments.partition_point(|(_, e)| *e < at);
        self.comments
            .get(i)
            .filter(|(_, e)| *e == at)
            .map(|(s, _)| *s)
    }

    fn comment_starting_at(&self, at: usize) -> Option<usize> {
        let i = self.comments.partition_point(|(s, _)| *s < at);
        self.comments
            .get(i)
            .filter(|(s, _)| *s == at)
            .map(|(_, e)| *e)
    }

    /// `\B` before the `@` at `at`: the byte before it (comments removed) is not a word byte.
    fn boundary_before(&self, mut at: usize) -> bool {
        while let Some(start) = self.comment_ending_at(at) {
            at = start;
        }
        at == 0 || !self.code.get(at - 1).copied().is_some_and(is_word)
    }

    /// The regex at the `@` at `at`.
    fn match_at(&self, at: usize) -> Option<Found> {
        let code = self.code;
        let mut j = at + 1;
        if code.get(j) == Some(&b'@') {
            j += 1;
        }
        let word = j;
        while code.get(j).copied().is_some_and(is_word) {
            j += 1;
        }
        if j == word {
            return None;
        }
        if code.get(j..j + 2) == Some(b"::") && code.get(j + 2).copied().is_some_and(is_word) {
            j += 2;
            while code.get(j).copied().is_some_and(is_word) {
                j += 1;
            }
        }
        let name_end = j;
        let mut blanks = false;
        loop {
            if let Some(end) = self.comment_starting_at(j) {
                j = end;
            } else if matches!(code.get(j), Some(b' ' | b'\t')) {
                j += 1;
                blanks = true;
            } else {
                break;
            }
        }
        let blanks_end = j;
        let close = (code.get(j) == Some(&b'('))
            .then(|| find_byte(code, b')', j + 1))
            .flatten();
        let end = close.map_or(blanks_end, |c| c + 1);
        Some(Found {
            start: at,
            text: code.get(at..end)?.to_vec(),
            name: (1, name_end - at),
            blanks,
            parens: close.map(|c| (blanks_end - at, c - at)),
        })
    }

    /// Every match, left to right, as `preg_match_all` finds them.
    fn matches(&self) -> Vec<Found> {
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(at) = find_byte(self.code, b'@', from) {
            match self.match_at(at).filter(|_| self.boundary_before(at)) {
                Some(m) => {
                    from = at + m.text.len();
                    found.push(m);
                }
                None => from = at + 1,
            }
        }
        found
    }
}

fn find_byte(hay: &[u8], byte: u8, from: usize) -> Option<usize> {
    hay.get(from..)?
        .iter()
        .position(|&b| b == byte)
        .map(|i| i + from)
}

/// Substring search over the working text with a budget: after a match that no longer occurs
/// Blade searches from the start again, which hostile input could make quadratic.
struct Search {
    budget: usize,
}

impl Search {
    fn find(&mut self, hay: &[u8], needle: &[u8], from: usize) -> Result<Option<usize>, ()> {
        let Some(&first) = needle.first() else {
            return Ok(Some(from));
        };
        let mut at = from;
        while let Some(i) = find_byte(hay, first, at) {
            let spent = i - at + needle.len();
            self.budget = self.budget.checked_sub(spent).ok_or(())?;
            if hay.get(i..).is_some_and(|rest| rest.starts_with(needle)) {
                return Ok(Some(i));
            }
            at = i + 1;
        }
        self.budget = self
            .budget
            .checked_sub(hay.len().saturating_sub(at))
            .ok_or(())?;
        Ok(None)
    }
}

/// PHP's tokenizer over `<?php TEXT`, as far as parentheses go: strings, comments, casts and
/// `?>` hide them. Fed piece by piece as a match grows.
#[derive(Clone, Debug, Default)]
struct Parens {
    state: Lexing,
    open: usize,
    close: usize,
    /// The last token was a `)`.
    last_close: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Lexing {
    #[default]
    Code,
    Single,
    SingleEscape,
    Double,
    DoubleEscape,
    Backtick,
    BacktickEscape,
    LineComment,
    BlockComment,
    Html,
}

const CASTS: &[&str] = &[
    "int", "integer", "bool", "boolean", "float", "double", "real", "string", "array", "object",
    "unset", "binary",
];

/// The length of a cast token (`(int)`, `( string )`) at the start of `rest`.
fn cast_at(rest: &[u8]) -> Option<usize> {
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let mut j = 1;
    while rest.get(j).is_some_and(blank) {
        j += 1;
    }
    let word = j;
    while rest.get(j).is_some_and(u8::is_ascii_alphabetic) {
        j += 1;
    }
    let name = rest.get(word..j)?;
    if !CASTS
        .iter()
        .any(|c| c.as_bytes().eq_ignore_ascii_case(name))
    {
        return None;
    }
    while rest.get(j).is_some_and(blank) {
        j += 1;
    }
    (rest.get(j) == Some(&b')')).then_some(j + 1)
}

impl Parens {
    /// Feeds `text`, which continues what came before (pieces end at a `)`, so no token but a
    /// string or comment spans two).
    fn feed(&mut self, text: &[u8]) {
        let mut i = 0;
        while let Some(&b) = text.get(i) {
            let next = text.get(i + 1).copied();
            match self.state {
                Lexing::Code => {
                    self.last_close = false;
                    match b {
                        b'(' => match cast_at(text.get(i..).unwrap_or(&[])) {
                            Some(len) => i += len - 1,
                            None => self.open += 1,
                        },
                        b')' => {
                            self.close += 1;
                            self.last_close = true;
                        }
                        b'\'' => self.state = Lexing::Single,
                        b'"' => self.state = Lexing::Double,
                        b'`' => self.state = Lexing::Backtick,
                        b'#' if next != Some(b'[') => self.state = Lexing::LineComment,
                        b'/' if next == Some(b'/') => {
                            self.state = Lexing::LineComment;
                            i += 1;
                        }
                        b'/' if next == Some(b'*') => {
                            self.state = Lexing::BlockComment;
                            i += 1;
                        }
                        b'?' if next == Some(b'>') => {
                            self.state = Lexing::Html;
                            i += 1;
                        }
                        _ => {}
                    }
                }
                Lexing::Single => match b {
                    b'\\' => self.state = Lexing::SingleEscape,
                    b'\'' => self.state = Lexing::Code,
                    _ => {}
                },
                Lexing::SingleEscape => self.state = Lexing::Single,
                Lexing::Double => match b {
                    b'\\' => self.state = Lexing::DoubleEscape,
                    b'"' => self.state = Lexing::Code,
                    _ => {}
                },
                Lexing::DoubleEscape => self.state = Lexing::Double,
                Lexing::Backtick => match b {
                    b'\\' => self.state = Lexing::BacktickEscape,
                    b'`' => self.state = Lexing::Code,
                    _ => {}
                },
                Lexing::BacktickEscape => self.state = Lexing::Backtick,
                Lexing::LineComment => match b {
                    b'\n' => self.state = Lexing::Code,
                    b'\r' if next != Some(b'\n') => self.state = Lexing::Code,
                    b'?' if next == Some(b'>') => {
                        self.state = Lexing::Html;
                        i += 1;
                    }
                    _ => {}
                },
                Lexing::BlockComment => {
                    if b == b'*' && next == Some(b'/') {
                        self.state = Lexing::Code;
                        i += 1;
                    }
                }
                Lexing::Html => {
                    // `<?` (short tags are on in Kublade's PHP) opens code again.
                    if b == b'<' && next == Some(b'?') {
                        self.state = Lexing::Code;
                        i += 1;
                    }
                }
            }
            i += 1;
        }
    }

    /// `hasEvenNumberOfParentheses`: the last token is a `)` and as many open as close.
    fn balanced(&self) -> bool {
        self.state == Lexing::Code && self.last_close && self.open == self.close
    }
}

/// How Blade's regex splits `@foreach`'s parentheses, `/\( *(.+) +as +(.*)\)$/is`
/// (`@forelse`: `(.+)` after `as`): the offset in `inner` of the ` as ` it splits at, the last
/// one that leaves text before it (and, for `@forelse`, after it).
pub fn foreach_split(inner: &[u8], forelse: bool) -> Option<usize> {
    (1..inner.len()).rev().find(|&k| {
        inner
            .get(k..k + 4)
            .is_some_and(|w| w.eq_ignore_ascii_case(b" as "))
            && (!forelse || inner.len() > k + 4)
    })
}

/// Replays Laravel 12's statement pass over `code` (the source with comments blanked and verbatim
/// blocks as placeholders; `comments` their ranges): the directives Blade compiles, in source
/// order. `compiles` says what Blade does with a name, found at an offset, with or without
/// parentheses.
pub fn statements(
    code: &str,
    comments: &[(usize, usize)],
    compiles: impl Fn(&str, usize, bool) -> Compiles,
) -> Result<Vec<Statement>, Failure> {
    let view = View {
        code: code.as_bytes(),
        comments,
    };
    let matches = view.matches();
    let mut work = code.as_bytes().to_vec();
    let mut search = Search {
        budget: code.len().saturating_mul(16).saturating_add(1 << 20),
    };
    let too_tangled = |at: usize| {
        Failure::new(
            FailureKind::Limit,
            "the template's directives are too tangled to compile (unbalanced parentheses?)",
            at,
            at + 1,
        )
    };
    let mut out = Vec::new();
    let mut offset = 0;
    let mut i = 0;
    while i < matches.len() {
        let Some(mut m) = matches.get(i).cloned() else {
            break;
        };
        if let Some((open, close)) = m.parens {
            // `$matches[4] ?: null`: `()` and `(0)` are never balanced again.
            let inner = m.text.get(open + 1..close).unwrap_or(&[]);
            if !inner.is_empty() && inner != b"0" {
                let mut parens = Parens::default();
                parens.feed(&m.text);
                // Where `Str::after($template, $match[0])` cuts: the first occurrence of the match.
                let mut at = search
                    .find(&work, &m.text, 0)
                    .map_err(|_| too_tangled(m.start))?;
                while !parens.balanced() {
                    let Some(p) = at else { break };
                    let from = p + m.text.len();
                    let close = find_byte(&work, b')', from);
                    let rest = work.get(from..close.unwrap_or(work.len())).unwrap_or(&[]);
                    let mut piece = rest.to_vec();
                    piece.push(b')');
                    if let Some(next) = matches.get(i + 1) {
                        if contains(&piece, &next.text) {
                            i += 1;
                        }
                    }
                    parens.feed(&piece);
                    m.text.extend_from_slice(&piece);
                    m.parens = Some((open, m.text.len() - 1));
                    // A longer text occurs at most where the shorter one did; past the last `)`
                    // (an invented one) it occurs nowhere.
                    at = close.map(|_| p);
                }
            }
        }
        let name = m
            .text
            .get(m.name.0..m.name.1)
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let compiles = if name.starts_with('@') {
            Compiles::Code
        } else {
            compiles(&name, m.start, m.parens.is_some())
        };
        if compiles == Compiles::Code {
            malformed_loop(&name, &m)?;
        }
        match search
            .find(&work, &m.text, offset)
            .map_err(|_| too_tangled(m.start))?
        {
            Some(pos) => {
                let end = pos + m.text.len();
                if compiles == Compiles::Code {
                    if m.text.contains(&REPLACED) {
                        // It grew over compiled PHP: what Blade writes cannot run.
                        return Err(Failure::new(
                            FailureKind::Syntax,
                            format!("syntax error, unbalanced parentheses in @{name}"),
                            pos,
                            end,
                        ));
                    }
                    out.push(Statement {
                        start: pos,
                        name: (pos + m.name.0, pos + m.name.1),
                        blanks: m.blanks,
                        args: m.parens.map(|(open, close)| (pos + open + 1, pos + close)),
                    });
                    if let Some(replaced) = work.get_mut(pos..end) {
                        replaced.fill(REPLACED);
                    }
                }
                offset = end;
            }
            None => offset = 0,
        }
        i += 1;
    }
    out.sort_by_key(|s| s.start);
    Ok(out)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// `compileForeach`/`compileForelse` throw on arguments their regex does not split.
fn malformed_loop(name: &str, m: &Found) -> Result<(), Failure> {
    let lower = name.to_ascii_lowercase();
    let forelse = match lower.as_str() {
        "foreach" => false,
        "forelse" => true,
        _ => return Ok(()),
    };
    let inner = m
        .parens
        .and_then(|(open, close)| m.text.get(open + 1..close));
    // ` *(.+)`: the leading blanks may be the text before ` as `, but something must be.
    if inner.is_some_and(|inner| foreach_split(inner, forelse).is_some()) {
        return Ok(());
    }
    let label = if forelse { "forelse" } else { "foreach" };
    Err(Failure::new(
        FailureKind::Syntax,
        format!("Malformed @{label} statement."),
        m.start,
        m.start + m.text.len(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(code: &str) -> Vec<(String, Option<String>)> {
        let known = |n: &str, _: usize, _: bool| {
            if ["if", "endif", "foreach", "endforeach", "json"]
                .iter()
                .any(|k| k.eq_ignore_ascii_case(n))
            {
                Compiles::Code
            } else {
                Compiles::Text
            }
        };
        statements(code, &[], known)
            .expect("statements")
            .iter()
            .map(|s| {
                (
                    code[s.start..s.name.1].to_string(),
                    s.args.map(|(a, b)| code[a..b].to_string()),
                )
            })
            .collect()
    }

    fn pair(name: &str, args: Option<&str>) -> (String, Option<String>) {
        (name.to_string(), args.map(String::from))
    }

    #[test]
    fn parentheses_balance_as_php_tokens() {
        assert_eq!(
            compiled("@if($a == ')') x @endif"),
            vec![pair("@if", Some("$a == ')'")), pair("@endif", None)]
        );
        assert_eq!(
            compiled("@if(count($a) > (1)) x"),
            vec![pair("@if", Some("count($a) > (1)"))]
        );
        assert_eq!(
            compiled("@if((int) $a) x"),
            vec![pair("@if", Some("(int) $a"))]
        );
    }

    #[test]
    fn an_unbalanced_directive_stays_text_with_the_match_it_swallows() {
        assert_eq!(compiled("@if(($a)\nx\n@endif\n"), vec![]);
    }

    #[test]
    fn a_match_is_compiled_where_its_text_first_occurs() {
        // `x@endif` is no match (a word byte before it), but the next `@endif` compiles there.
        let code = "@if($a) x@endif @endif";
        let found = statements(code, &[], |_, _, _| Compiles::Code).expect("statements");
        let starts: Vec<usize> = found.iter().map(|s| s.start).collect();
        assert_eq!(starts, vec![0, 9]);
    }

    #[test]
    fn unknown_words_are_not_statements() {
        assert_eq!(
            compiled("a@if user@example.com @media (x) @endif"),
            vec![pair("@endif", None)]
        );
    }

    #[test]
    fn foreach_splits_at_the_last_spaced_as() {
        assert_eq!(foreach_split(b"$a as $b", false), Some(2));
        assert_eq!(foreach_split(b"$a as $b as $c", false), Some(8));
        assert_eq!(foreach_split(b"$a as$b", false), None);
        assert_eq!(foreach_split(b"$a AS ", false), Some(2));
        assert_eq!(foreach_split(b"$a as ", true), None);
        let err = statements("@foreach($a as$b)", &[], |_, _, _| Compiles::Code).unwrap_err();
        assert_eq!(err.message, "Malformed @foreach statement.");
    }
}
