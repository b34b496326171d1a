//! Kublade's traps: template text that renders, but not as its author meant, once Kublade runs
//! it — found in the template's structure, so that `check` can point at them with a hint.
//!
//! - `$limits['enabled']` used as a condition: it is the string `'true'` or `'false'`, and
//!   `'false'` is truthy in PHP, so the condition always holds.
//! - `{{ }}` printing a value that holds `& < > " '`: Blade writes HTML entities into the YAML.
//! - a Blade directive word in a YAML comment (`# field is @required`): Blade compiles it anyway.
//! - Go template text (`{{ .Release.Name }}`, as Kublade's Helm import leaves it): Blade compiles
//!   it as PHP and fails.

use minijinja::Value;
use minijinja::value::ValueKind;

use crate::blade::expr::{self, BinOp, Expr, Kind, UnOp};
use crate::blade::scan::{self, Token, is_directive};
use crate::engine::Span;
use crate::engine::position::LineIndex;

/// How deep a trap search parses expressions: the engine's own default.
const MAX_NESTING: usize = 64;

/// Words that begin Go template actions (Helm's templates), after `{{` and an optional `-`.
const GO_TEMPLATE_WORDS: &[&str] = &[
    "if", "else", "end", "range", "with", "define", "template", "block", "include", "toYaml",
    "toJson", "tpl", "default", "quote", "printf", "required", "nindent", "indent", "lookup",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    /// `limits-enabled`, `entities`, `directive-in-comment`, `go-template`.
    pub kind: &'static str,
    pub message: String,
    pub hint: String,
    pub span: Span,
}

/// The traps of a Blade template; `variables` (optional) are the values it will be rendered
/// with, which tell whether an echo prints characters that Blade turns into entities.
pub fn find(source: &str, variables: Option<&Value>) -> Vec<Trap> {
    let lines = LineIndex::new(source);
    let mut found = Vec::new();
    let mut skipped: Vec<(usize, usize)> = Vec::new();
    // A template that does not scan (a refused directive, perhaps in a comment) still has its
    // comments looked at: the render error says what failed, the trap why.
    let tokens = scan::scan(source).map(|s| (s.tokens, s.code));
    let (tokens, code) = tokens.unwrap_or_default();
    for token in &tokens {
        match token {
            Token::Comment { start, end } | Token::Verbatim { start, end, .. } => {
                skipped.push((*start, *end));
            }
            Token::Echo {
                raw,
                expr: (a, b),
                start,
                end,
            } => {
                let text = source.get(*a..*b).unwrap_or_default();
                match expr::parse(&code, *a, *b, MAX_NESTING) {
                    Ok(e) => {
                        limits_enabled(&e, false, &lines, source, &mut found);
                        if !raw {
                            entities(&e, text, *start, *end, variables, &lines, source, &mut found);
                        }
                    }
                    Err(_) if looks_like_go_template(text) => found.push(Trap {
                        kind: "go-template",
                        message: format!(
                            "`{}` is Go template text (as Helm writes it): Blade compiles it as PHP, and the render fails",
                            source.get(*start..*end).unwrap_or_default()
                        ),
                        hint: format!(
                            "escape it as @{} so that Blade prints it as is",
                            source.get(*start..*end).unwrap_or_default()
                        ),
                        span: lines.span(source, *start, *end),
                    }),
                    Err(_) => {}
                }
            }
            Token::Directive {
                name,
                args: Some((a, b)),
                ..
            } => {
                if let Ok(e) = expr::parse(&code, *a, *b, MAX_NESTING) {
                    let condition = matches!(*name, "if" | "elseif" | "unless" | "while");
                    limits_enabled(&e, condition, &lines, source, &mut found);
                }
            }
            _ => {}
        }
    }
    let mut comments = Vec::new();
    directives_in_comments(source, &skipped, &lines, &mut comments);
    merge_in_order(found, comments)
}

/// Two lists of traps, each in source order, as one (a sort would add its own code to the core).
fn merge_in_order(a: Vec<Trap>, b: Vec<Trap>) -> Vec<Trap> {
    let key = |t: &Trap| (t.span.start_line, t.span.start_column);
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => key(x) <= key(y),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return out,
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
}

/// `$limits['enabled']`.
fn is_limits_enabled(e: &Expr<'_>) -> bool {
    match &e.kind {
        Kind::Index(base, Some(key)) => {
            matches!(&base.kind, Kind::Var(name) if name == "limits")
                && matches!(&key.kind, Kind::Str(k) if k == "enabled")
        }
        _ => false,
    }
}

/// Finds `$limits['enabled']` where PHP reads it as a boolean: a condition, an operand of `!`,
/// `&&`, `||`, `xor`, a ternary's test, a loose comparison with `true`/`false`, a `(bool)` cast.
fn limits_enabled(
    e: &Expr<'_>,
    as_condition: bool,
    lines: &LineIndex,
    source: &str,
    found: &mut Vec<Trap>,
) {
    if as_condition && is_limits_enabled(e) {
        found.push(Trap {
            kind: "limits-enabled",
            message: "$limits['enabled'] is the string 'true' or 'false', and 'false' is true in PHP: this condition always holds".into(),
            hint: "compare it with a string: $limits['enabled'] === 'true'".into(),
            span: lines.span(source, e.start, e.end),
        });
        return;
    }
    match &e.kind {
        Kind::Unary(UnOp::Not, a) => limits_enabled(a, true, lines, source, found),
        Kind::Binary(BinOp::And | BinOp::Or | BinOp::Xor, a, b) => {
            limits_enabled(a, true, lines, source, found);
            limits_enabled(b, true, lines, source, found);
        }
        Kind::Binary(BinOp::Eq | BinOp::Ne, a, b)
            if matches!(b.kind, Kind::Bool(_)) || matches!(a.kind, Kind::Bool(_)) =>
        {
            limits_enabled(a, true, lines, source, found);
            limits_enabled(b, true, lines, source, found);
        }
        Kind::Ternary(test, then, otherwise) => {
            limits_enabled(test, true, lines, source, found);
            if let Some(then) = then {
                limits_enabled(then, false, lines, source, found);
            }
            limits_enabled(otherwise, false, lines, source, found);
        }
        Kind::Cast(expr::Cast::Bool, a) => limits_enabled(a, true, lines, source, found),
        kind => {
            for child in expr::children(kind) {
                limits_enabled(child, false, lines, source, found);
            }
        }
    }
}

/// Characters `e()` turns into entities.
fn has_entity_characters(s: &str) -> bool {
    s.contains(['&', '<', '>', '"', '\''])
}

#[allow(clippy::too_many_arguments)]
fn entities(
    e: &Expr<'_>,
    text: &str,
    start: usize,
    end: usize,
    variables: Option<&Value>,
    lines: &LineIndex,
    source: &str,
    found: &mut Vec<Trap>,
) {
    let printed = match variables.and_then(|vars| read(e, vars)) {
        Some(value) => value
            .as_str()
            .filter(|s| has_entity_characters(s))
            .map(str::to_string),
        None => literal_with_entities(e),
    };
    if let Some(printed) = printed {
        let shown: String = printed.chars().take(40).collect();
        found.push(Trap {
            kind: "entities",
            message: format!(
                "{{{{ }}}} escapes {:?} for HTML: & < > \" ' reach the YAML as &amp; &lt; &gt; &quot; &#039;",
                shown
            ),
            hint: format!("print it as is with {{!! {text} !!}}"),
            span: lines.span(source, start, end),
        });
    }
}

/// The value a plain read (`$data['key']…`) gives, when the variables hold it.
fn read(e: &Expr<'_>, variables: &Value) -> Option<Value> {
    match &e.kind {
        Kind::Var(name) => variables.get_attr(name).ok().filter(|v| !v.is_undefined()),
        Kind::Index(base, Some(key)) => {
            let container = read(base, variables)?;
            let key = match &key.kind {
                Kind::Str(s) => Value::from(s.as_ref()),
                Kind::Int(i) => Value::from(*i),
                _ => return None,
            };
            let found = container.get_item(&key).ok().filter(|v| !v.is_undefined());
            match found {
                Some(v) => Some(v),
                // JSON objects keep integer keys as strings.
                None if container.kind() == ValueKind::Map => container
                    .get_item(&Value::from(key.to_string()))
                    .ok()
                    .filter(|v| !v.is_undefined()),
                None => None,
            }
        }
        _ => None,
    }
}

/// A string literal in the echo that holds such characters (`{{ $x ?? 'a & b' }}`).
fn literal_with_entities(e: &Expr<'_>) -> Option<String> {
    if let Kind::Str(s) = &e.kind {
        if has_entity_characters(s) {
            return Some(s.to_string());
        }
    }
    expr::children(&e.kind).find_map(literal_with_entities)
}

/// Whether an echo that is no PHP is Go template text.
fn looks_like_go_template(text: &str) -> bool {
    let body = text.trim_start_matches('-').trim();
    if body.starts_with('.') || body.starts_with("/*") || body.starts_with("$.") {
        return true;
    }
    let word = body
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or_default();
    (GO_TEMPLATE_WORDS.contains(&word) && body.len() > word.len())
        || text.starts_with('-')
        || body.contains(" .Values")
        || body.contains(" .Release")
        || body.contains(" .Chart")
}

/// A directive word after the `#` that starts a YAML comment (outside quotes), unless written
/// `@@word` (Blade's escape).
fn directives_in_comments(
    source: &str,
    skipped: &[(usize, usize)],
    lines: &LineIndex,
    found: &mut Vec<Trap>,
) {
    let mut line_start = 0;
    for line in source.split_inclusive('\n') {
        if let Some(comment) = yaml_comment_start(line) {
            let bytes = line.as_bytes();
            let mut i = comment;
            while let Some(at) = line
                .get(i..)
                .and_then(|rest| rest.find('@'))
                .map(|at| at + i)
            {
                i = at + 1;
                let before = at.checked_sub(1).and_then(|b| bytes.get(b)).copied();
                if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'@') {
                    continue;
                }
                let word_len = bytes.get(at + 1..).map_or(0, |rest| {
                    rest.iter()
                        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                        .count()
                });
                let word = line.get(at + 1..at + 1 + word_len).unwrap_or_default();
                let offset = line_start + at;
                if word.is_empty()
                    || !is_directive(word)
                    || skipped.iter().any(|(s, e)| *s <= offset && offset < *e)
                {
                    continue;
                }
                found.push(Trap {
                    kind: "directive-in-comment",
                    message: format!(
                        "@{word} in this YAML comment is a Blade directive: Blade compiles it (a comment is no escape), which breaks the render or the output"
                    ),
                    hint: format!("write @@{word} to print it as is, or drop the @"),
                    span: lines.span(source, offset, offset + 1 + word.len()),
                });
                i = at + 1 + word_len;
            }
        }
        line_start += line.len();
    }
}

/// Where the YAML comment of a line starts: a `#` at its start or after a blank, outside quotes.
fn yaml_comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => {
                let after_blank = i == 0
                    || matches!(
                        bytes[i - 1],
                        b' ' | b'\t' | b':' | b'-' | b'[' | b'{' | b','
                    );
                if after_blank {
                    quote = Some(b);
                }
            }
            (None, b'#') if i == 0 || matches!(bytes[i - 1], b' ' | b'\t') => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str, variables: Option<&str>) -> Vec<(&'static str, usize, usize)> {
        let variables = variables.map(|v| serde_json::from_str::<Value>(v).unwrap());
        find(source, variables.as_ref())
            .into_iter()
            .map(|t| (t.kind, t.span.start_line, t.span.start_column))
            .collect()
    }

    #[test]
    fn limits_enabled_as_a_condition() {
        let source = "@if($limits['enabled'])\nx\n@endif\n@if($limits['enabled'] === 'true')\n@endif\n{{ !$limits['enabled'] ? 'a' : 'b' }}\n{{ $limits['enabled'] }}\n@unless($limits['enabled'] == false)\n@endunless\n";
        assert_eq!(
            kinds(source, None),
            [
                ("limits-enabled", 1, 5),
                ("limits-enabled", 6, 5),
                ("limits-enabled", 8, 9)
            ]
        );
    }

    #[test]
    fn entities_from_values_and_literals() {
        let source = "a: {{ $data['url'] }}\nb: {!! $data['url'] !!}\nc: {{ $data['plain'] }}\nd: {{ $x ?? 'R&D' }}\n";
        let vars = r#"{"data": {"url": "a=1&b=2", "plain": "ok"}}"#;
        assert_eq!(
            kinds(source, Some(vars)),
            [("entities", 1, 4), ("entities", 4, 4)]
        );
    }

    #[test]
    fn directive_words_in_yaml_comments() {
        let source = "# this field is @required\nkey: value # mail me@example.com, @checked\n# @@checked is fine, so is @maintainer\nurl: \"http://x/#@if\"\n{{-- # @include --}}\n";
        assert_eq!(
            kinds(source, None),
            [
                ("directive-in-comment", 1, 17),
                ("directive-in-comment", 2, 35)
            ]
        );
        // A refused directive makes the template fail to scan: its comment still tells why.
        assert_eq!(
            kinds("a: 1 # set @production first\n", None),
            [("directive-in-comment", 1, 12)]
        );
    }

    #[test]
    fn go_template_text() {
        let source = "name: {{ .Release.Name }}\nv: {{- include \"x\" . | nindent 4 }}\nok: {{ $data['a'] }}\n";
        assert_eq!(
            kinds(source, Some(r#"{"data": {"a": "1"}}"#)),
            [("go-template", 1, 7), ("go-template", 2, 4)]
        );
    }
}
