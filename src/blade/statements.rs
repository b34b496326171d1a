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
    /// Blanks follow the name (Blade's `([ \t]*)` is not empty; comments are gone by then).
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

/// Blade's view of the source: comments are gone, verbatim blocks are placeholders. `map` takes
/// its offsets back to the source's.
struct View {
    code: Vec<u8>,
    /// `(view offset, source offset)` where each kept piece starts.
    pieces: Vec<(usize, usize)>,
    /// Where every `)` is.
    closes: Vec<usize>,
}

impl View {
    fn new(code: &str, comments: &[(usize, usize)]) -> View {
        let bytes = code.as_bytes();
        let mut view = View {
            code: Vec::with_capacity(bytes.len()),
            pieces: Vec::new(),
            closes: Vec::new(),
        };
        let mut at = 0;
        for &(start, end) in comments {
            if start >= at {
                view.keep(bytes, at, start);
                at = end;
            }
        }
        view.keep(bytes, at, bytes.len());
        view.closes = positions(&view.code, b')');
        view
    }

    /// The first `)` at or after `from`.
    fn close_after(&self, from: usize) -> Option<usize> {
        let i = self.closes.partition_point(|&c| c < from);
        self.closes.get(i).copied()
    }

    fn keep(&mut self, bytes: &[u8], start: usize, end: usize) {
        if let Some(piece) = bytes.get(start..end).filter(|p| !p.is_empty()) {
            self.pieces.push((self.code.len(), start));
            self.code.extend_from_slice(piece);
        }
    }

    /// The source offset of the byte at view offset `at`.
    fn source(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|(v, _)| *v <= at);
        match i.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some((v, s)) => s + (at - v),
            None => at,
        }
    }

    /// The source offset just after the byte before view offset `at`: an end, which stays before
    /// a comment that follows.
    fn source_end(&self, at: usize) -> usize {
        if at == 0 { 0 } else { self.source(at - 1) + 1 }
    }

    /// `\B` before the `@` at `at`: the byte before it is not a word byte.
    fn boundary_before(&self, at: usize) -> bool {
        at == 0 || !self.code.get(at - 1).copied().is_some_and(is_word)
    }

    /// The regex at the `@` at `at`.
    fn match_at(&self, at: usize) -> Option<Found> {
        let code = &self.code;
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
        while matches!(code.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        let blanks = j > name_end;
        let blanks_end = j;
        let close = (code.get(j) == Some(&b'('))
            .then(|| self.close_after(j + 1))
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
        while let Some(at) = find_byte(&self.code, b'@', from) {
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

/// The name after the `@` at `at` (`@?\w+`), which any text starting there begins with.
fn word_after(text: &[u8], at: usize) -> &[u8] {
    let rest = text.get(at + 1..).unwrap_or(&[]);
    let skip = usize::from(rest.first() == Some(&b'@'));
    let len = rest.iter().skip(skip).take_while(|&&b| is_word(b)).count();
    rest.get(..skip + len).unwrap_or(&[])
}

fn positions(hay: &[u8], byte: u8) -> Vec<usize> {
    hay.iter()
        .enumerate()
        .filter_map(|(i, &b)| (b == byte).then_some(i))
        .collect()
}

/// The template as Blade's pass rewrites it (each compiled match filled with [`REPLACED`], so
/// offsets stay the source's view offsets), and `strpos` over it. Matches are processed left to
/// right: before `frontier` the only `@` a text can start at are the `leftover` ones (text after a
/// word byte, unknown words, echo contents, a match that stayed text), kept by the word after the
/// `@`, so a search from the start checks those of the needle's word instead of reading the whole
/// text again. The work is budgeted all the same: after
/// a match that no longer occurs Blade searches from the start for every match, which hostile
/// input could make quadratic.
struct Working {
    text: Vec<u8>,
    /// Every `@` of the view, in order.
    ats: Vec<usize>,
    /// How many of `ats` lie before `frontier`.
    seen: usize,
    frontier: usize,
    leftover: std::collections::BTreeMap<Vec<u8>, Vec<usize>>,
    budget: usize,
}

struct OverBudget;

impl Working {
    fn new(text: Vec<u8>) -> Working {
        let ats = positions(&text, b'@');
        let budget = text.len().saturating_mul(16).saturating_add(1 << 20);
        Working {
            text,
            ats,
            seen: 0,
            frontier: 0,
            leftover: std::collections::BTreeMap::new(),
            budget,
        }
    }

    fn spend(&mut self, cost: usize) -> Result<(), OverBudget> {
        self.budget = self.budget.checked_sub(cost).ok_or(OverBudget)?;
        Ok(())
    }

    /// Moves the frontier to `to`, keeping the `@` before it that are still text.
    fn advance(&mut self, to: usize) {
        while let Some(&at) = self.ats.get(self.seen).filter(|&&at| at < to) {
            if self.text.get(at) == Some(&b'@') {
                let word = word_after(&self.text, at).to_vec();
                self.leftover.entry(word).or_default().push(at);
            }
            self.seen += 1;
        }
        self.frontier = self.frontier.max(to);
    }

    /// `strpos($template, $needle, $from)`.
    fn find(&mut self, needle: &[u8], from: usize) -> Result<Option<usize>, OverBudget> {
        let word = word_after(needle, 0);
        // A needle that ends with its word (`@endfor`) also starts a longer word (`@endforeach`).
        let whole = needle.len() == 1 + word.len();
        let mut hit: Option<usize> = None;
        let mut checked = 0usize;
        // Words starting with `word` sort together, from `word` itself on.
        let keys = self
            .leftover
            .range(word.to_vec()..)
            .take_while(|(key, _)| key.as_slice() == word || whole && key.starts_with(word));
        for (_, positions) in keys {
            let first = positions.partition_point(|&at| at < from);
            for &at in positions.get(first..).unwrap_or(&[]) {
                if hit.is_some_and(|h| h < at) {
                    break;
                }
                checked += 1;
                if self
                    .text
                    .get(at..)
                    .is_some_and(|rest| rest.starts_with(needle))
                {
                    hit = Some(at);
                    break;
                }
            }
        }
        self.spend(checked.saturating_mul(needle.len()))?;
        if hit.is_some() {
            return Ok(hit);
        }
        let mut at = from.max(self.frontier);
        while let Some(i) = find_byte(&self.text, b'@', at) {
            self.spend(i - at + needle.len())?;
            if self
                .text
                .get(i..)
                .is_some_and(|rest| rest.starts_with(needle))
            {
                return Ok(Some(i));
            }
            at = i + 1;
        }
        self.spend(self.text.len().saturating_sub(at))?;
        Ok(None)
    }

    /// The first `)` at or after `from` that is still text.
    fn close_after(&self, view: &View, from: usize) -> Option<usize> {
        let i = view.closes.partition_point(|&c| c < from);
        view.closes
            .get(i..)?
            .iter()
            .copied()
            .find(|&c| self.text.get(c) == Some(&b')'))
    }

    /// Blade's replacement of `text[start..end]` by PHP.
    fn replace(&mut self, start: usize, end: usize) {
        if let Some(replaced) = self.text.get_mut(start..end) {
            replaced.fill(REPLACED);
        }
        if start < self.frontier {
            for positions in self.leftover.values_mut() {
                positions.retain(|&at| at < start || at >= end);
            }
        }
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

/// Replays Laravel 12's statement pass over `code` (the source with verbatim blocks as placeholders)
/// without `comments` (their ranges, as Blade removes them): the directives Blade compiles, in source
/// order. `compiles` says what Blade does with a name, found at an offset, with or without
/// parentheses.
pub fn statements(
    code: &str,
    comments: &[(usize, usize)],
    compiles: impl Fn(&str, usize, bool) -> Compiles,
) -> Result<Vec<Statement>, Failure> {
    let view = View::new(code, comments);
    let matches = view.matches();
    let mut work = Working::new(view.code.clone());
    let too_tangled = |at: usize| {
        let at = view.source(at);
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
        work.advance(m.start);
        if let Some((open, close)) = m.parens {
            // `$matches[4] ?: null`: `()` and `(0)` are never balanced again.
            let inner = m.text.get(open + 1..close).unwrap_or(&[]);
            if !inner.is_empty() && inner != b"0" {
                let mut parens = Parens::default();
                parens.feed(&m.text);
                // Where `Str::after($template, $match[0])` cuts: the first occurrence of the match.
                let mut at = if parens.balanced() {
                    None
                } else {
                    work.find(&m.text, 0).map_err(|_| too_tangled(m.start))?
                };
                while !parens.balanced() {
                    let Some(p) = at else { break };
                    let from = p + m.text.len();
                    let close = work.close_after(&view, from);
                    let end = close.unwrap_or(work.text.len());
                    work.spend(end.saturating_sub(from))
                        .map_err(|_| too_tangled(m.start))?;
                    let mut piece = work.text.get(from..end).unwrap_or(&[]).to_vec();
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
            compiles(&name, view.source(m.start), m.parens.is_some())
        };
        if compiles == Compiles::Code {
            malformed_loop(&name, &m).map_err(|f| Failure {
                start: view.source(f.start),
                end: view.source_end(f.end),
                ..f
            })?;
        }
        match work
            .find(&m.text, offset)
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
                            view.source(pos),
                            view.source_end(end),
                        ));
                    }
                    out.push(Statement {
                        start: view.source(pos),
                        name: (view.source(pos + m.name.0), view.source_end(pos + m.name.1)),
                        blanks: m.blanks,
                        args: m.parens.map(|(open, close)| {
                            (view.source(pos + open + 1), view.source(pos + close))
                        }),
                    });
                    work.replace(pos, end);
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
