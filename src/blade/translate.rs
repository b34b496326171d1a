//! Blade tokens → one minijinja template, line for line.
//!
//! The translated source keeps every Blade newline on the same line number: newlines that Blade
//! swallows (after a directive) or that belong to comments and multi-line tags are moved into
//! `{# #}` comments. Columns differ, so every emitted piece records its Blade range in a source
//! map.

use std::fmt::Write;

use super::emit::{Binding, Emitter, Scope, Segment, local_name, loop_alias};
use super::expr::{self, Expr, Kind, Parser};
use super::scan::{self, Token};
use super::{Failure, FailureKind};

#[derive(Clone, Copy, Debug)]
pub struct Settings<'a> {
    /// Lines holding only directives vanish with their indentation and newline.
    pub smart_whitespace: bool,
    pub max_nesting: usize,
    /// The PHP functions the runtime provides.
    pub functions: &'a [&'a str],
}

#[derive(Clone, Debug, Default)]
pub struct Translation {
    pub source: String,
    /// Sorted by output offset.
    pub segments: Vec<Segment>,
    /// Literal `$portClaims['name']` reads: the name and its Blade range.
    pub claims: Vec<(String, usize, usize)>,
    /// Directive-only lines with indentation Blade prints (Blade whitespace only).
    pub leaky: Vec<(usize, usize)>,
}

enum Block {
    /// `@if`, `@unless`, `@isset`, `@empty(…)`: all end in PHP's `endif`.
    If {
        start: usize,
        seen_else: bool,
    },
    Foreach {
        start: usize,
        forelse: bool,
        bindings: usize,
    },
    /// The `@empty` part of a `@forelse`, which PHP closes with `endif`.
    ForelseEmpty {
        start: usize,
    },
    For {
        start: usize,
        bindings: usize,
    },
    While {
        start: usize,
    },
    Switch {
        start: usize,
        id: usize,
        in_case: bool,
        seen_case: bool,
        seen_default: bool,
    },
}

impl Block {
    fn start(&self) -> usize {
        match self {
            Block::If { start, .. }
            | Block::Foreach { start, .. }
            | Block::ForelseEmpty { start }
            | Block::For { start, .. }
            | Block::While { start }
            | Block::Switch { start, .. } => *start,
        }
    }

    fn opener(&self) -> &'static str {
        match self {
            Block::If { .. } | Block::ForelseEmpty { .. } => "endif",
            Block::Foreach { forelse: true, .. } => "endforelse",
            Block::Foreach { .. } => "endforeach",
            Block::For { .. } => "endfor",
            Block::While { .. } => "endwhile",
            Block::Switch { .. } => "endswitch",
        }
    }
}

struct Translator<'a> {
    src: &'a str,
    settings: Settings<'a>,
    out: String,
    segments: Vec<Segment>,
    claims: Vec<(String, usize, usize)>,
    scope: Scope,
    blocks: Vec<Block>,
    counter: usize,
}

pub fn translate(src: &str, settings: Settings<'_>) -> Result<Translation, Failure> {
    let tokens = split_lines(src, scan::scan(src)?);
    let (hidden, leaky) = directive_lines(src, &tokens, settings.smart_whitespace);
    let mut t = Translator {
        src,
        settings,
        out: String::with_capacity(src.len() + src.len() / 2),
        segments: Vec::new(),
        claims: Vec::new(),
        scope: Scope::default(),
        blocks: Vec::new(),
        counter: 0,
    };
    // The oracle evaluates the compiled template after `?>`, which swallows a newline that
    // starts the output.
    let first = tokens
        .iter()
        .position(|t| !matches!(t, Token::Comment { .. }));
    for (i, token) in tokens.iter().enumerate() {
        if Some(i) == first {
            if let Some(skip) = leading_newline(src, token) {
                if let Token::Verbatim { content, .. } = token {
                    t.hide(content.0, content.0 + skip);
                    let text = t.slice(content.0 + skip, content.1);
                    t.text(text, content.0 + skip, content.1);
                    continue;
                }
                if let Token::Text { start, end } = token {
                    t.hide(*start, start + skip);
                    let text = t.slice(start + skip, *end);
                    t.text(text, start + skip, *end);
                    continue;
                }
            }
        }
        if hidden.get(i).copied().unwrap_or(false) {
            t.hide(token.start(), token.end());
            continue;
        }
        t.token(token)?;
    }
    if let Some(block) = t.blocks.last() {
        let start = block.start();
        let expecting = match block {
            Block::If { .. } | Block::ForelseEmpty { .. } => "\"elseif\" or \"else\" or \"endif\"",
            Block::Foreach { .. } => "\"endforeach\"",
            Block::For { .. } => "\"endfor\"",
            Block::While { .. } => "\"endwhile\"",
            Block::Switch { .. } => "\"endswitch\"",
        };
        return Err(Failure::new(
            FailureKind::Syntax,
            format!(
                "syntax error, unexpected end of file, expecting {expecting} (@{} never closed)",
                block.opener()
            ),
            start,
            start + 1,
        ));
    }
    Ok(Translation {
        source: t.out,
        segments: t.segments,
        claims: t.claims,
        leaky,
    })
}

/// The length of a newline at the start of a text or verbatim token.
fn leading_newline(src: &str, token: &Token) -> Option<usize> {
    let (a, b) = match token {
        Token::Text { start, end } => (*start, *end),
        Token::Verbatim { content, .. } => *content,
        _ => return None,
    };
    let text = src.get(a..b)?;
    if text.starts_with("\r\n") {
        Some(2)
    } else if text.starts_with(['\n', '\r']) {
        Some(1)
    } else {
        None
    }
}

/// Splits text tokens after each newline, so that line structure is visible at token level.
fn split_lines(src: &str, tokens: Vec<Token>) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    for token in tokens {
        if let Token::Text { start, end } = token {
            let text = src.get(start..end).unwrap_or("");
            let mut from = start;
            for (i, _) in text.match_indices('\n') {
                out.push(Token::Text {
                    start: from,
                    end: start + i + 1,
                });
                from = start + i + 1;
            }
            if from < end {
                out.push(Token::Text { start: from, end });
            }
        } else {
            out.push(token);
        }
    }
    out
}

/// Finds lines made only of directives, comments and blanks. Returns which tokens Smart
/// whitespace hides, and the directive ranges of such lines with indentation (which Blade prints).
fn directive_lines(src: &str, tokens: &[Token], smart: bool) -> (Vec<bool>, Vec<(usize, usize)>) {
    let mut hidden = vec![false; tokens.len()];
    let mut leaky = Vec::new();
    let text = |a: usize, b: usize| src.get(a..b).unwrap_or("");
    let mut i = 0;
    while i < tokens.len() {
        let first = i;
        let mut last = i;
        while last < tokens.len() {
            let t = &tokens[last];
            let ends = match t {
                Token::Text { start, end } => text(*start, *end).ends_with('\n'),
                Token::Directive { eats, .. } => eats.is_some(),
                other => text(other.start(), other.end()).contains('\n'),
            };
            if ends {
                break;
            }
            last += 1;
        }
        let last = last.min(tokens.len() - 1);
        let line = &tokens[first..=last];
        let mut directives = line.iter().filter(|t| matches!(t, Token::Directive { .. }));
        let qualifies = directives.next().is_some()
            && line.iter().all(|t| match t {
                Token::Directive { .. } => true,
                Token::Comment { start, end } => !text(*start, *end).contains('\n'),
                Token::Text { start, end } => text(*start, *end)
                    .trim_end_matches(['\n', '\r'])
                    .chars()
                    .all(|c| c == ' ' || c == '\t'),
                _ => false,
            });
        if qualifies {
            if smart {
                for (k, t) in line.iter().enumerate() {
                    if matches!(t, Token::Text { .. }) {
                        hidden[first + k] = true;
                    }
                }
            } else if let Some(Token::Text { start, end }) = line.first() {
                if *end > *start {
                    let d_start = line
                        .iter()
                        .find(|t| matches!(t, Token::Directive { .. }))
                        .map(Token::start);
                    let d_end = line.iter().rev().find_map(|t| match t {
                        Token::Directive { end, .. } => Some(*end),
                        _ => None,
                    });
                    if let (Some(a), Some(b)) = (d_start, d_end) {
                        leaky.push((a, b));
                    }
                }
            }
        }
        i = last + 1;
    }
    (hidden, leaky)
}

impl<'a> Translator<'a> {
    fn slice(&self, a: usize, b: usize) -> &'a str {
        self.src.get(a..b).unwrap_or("")
    }

    fn mark(&mut self, start: usize, end: usize) {
        self.segments.push(Segment {
            out: self.out.len(),
            src: (start, end),
        });
    }

    /// Keeps the newlines of `src[a..b]` (which prints nothing) in a minijinja comment.
    fn hide(&mut self, a: usize, b: usize) {
        let lines = self.slice(a, b).matches('\n').count();
        if lines > 0 {
            self.out.push_str("{#");
            for _ in 0..lines {
                self.out.push('\n');
            }
            self.out.push_str("#}");
        }
    }

    /// Literal output; `{` that could open a minijinja tag is printed through an expression.
    fn text(&mut self, text: &str, start: usize, end: usize) {
        self.mark(start, end);
        let mut rest = text;
        while let Some(at) = rest.find('{') {
            let (plain, tail) = rest.split_at(at);
            self.out.push_str(plain);
            let next = tail.as_bytes().get(1).copied();
            if matches!(next, None | Some(b'{' | b'%' | b'#')) {
                self.out.push_str("{{ \"\\u007b\" }}");
            } else {
                self.out.push('{');
            }
            rest = tail.get(1..).unwrap_or("");
        }
        self.out.push_str(rest);
    }

    fn in_switch_preamble(&self) -> bool {
        matches!(
            self.blocks.last(),
            Some(Block::Switch {
                seen_case: false,
                ..
            })
        )
    }

    fn token(&mut self, token: &Token) -> Result<(), Failure> {
        if self.in_switch_preamble() {
            // Between `@switch` and the first `@case` Blade emits PHP code: only blanks fit there.
            match token {
                Token::Directive { name, .. } if name == "case" || name == "default" => {}
                Token::Comment { start, end } => {
                    self.hide(*start, *end);
                    return Ok(());
                }
                Token::Text { start, end } if self.slice(*start, *end).trim().is_empty() => {
                    self.hide(*start, *end);
                    return Ok(());
                }
                other => {
                    return Err(Failure::new(
                        FailureKind::Syntax,
                        "syntax error, unexpected output between @switch and its first @case",
                        other.start(),
                        other.end(),
                    ));
                }
            }
        }
        match token {
            Token::Text { start, end } => {
                let text = self.slice(*start, *end);
                self.text(text, *start, *end);
            }
            Token::Literal { text, start, end } => self.text(text, *start, *end),
            Token::Verbatim { content, .. } => {
                let text = self.slice(content.0, content.1);
                self.text(text, content.0, content.1);
            }
            Token::Comment { start, end } => self.hide(*start, *end),
            Token::Echo {
                raw,
                expr,
                start,
                end,
            } => {
                let (a, mut b) = *expr;
                // Blade drops one trailing `;`.
                if self.slice(a, b).ends_with(';') {
                    b -= 1;
                }
                if a >= b {
                    return Err(Failure::new(
                        FailureKind::Syntax,
                        "syntax error, empty echo",
                        *start,
                        *end,
                    ));
                }
                let e = self.parse(a, b)?;
                self.mark(*start, *end);
                self.out.push_str("{{ ");
                if *raw {
                    self.out.push_str("_raw(");
                    self.emit(&e)?;
                    self.out.push(')');
                } else {
                    self.emit(&e)?;
                }
                self.out.push_str(" }}");
                self.hide(*start, *end);
            }
            Token::Directive {
                name,
                args,
                start,
                end,
                eats,
            } => {
                self.mark(*start, *end);
                self.directive(name, *args, *start, *end)?;
                self.hide(*start, eats.unwrap_or(*end));
            }
        }
        Ok(())
    }

    fn parse(&mut self, a: usize, b: usize) -> Result<Expr, Failure> {
        let e = expr::parse(self.src, a, b, self.settings.max_nesting)?;
        self.collect_claims(&e);
        Ok(e)
    }

    fn collect_claims(&mut self, e: &Expr) {
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            if let Kind::Index(base, Some(key)) = &e.kind {
                if let (Kind::Var(v), Kind::Str(name)) = (&base.kind, &key.kind) {
                    if v == "portClaims" && self.scope.lookup("portClaims").is_none() {
                        self.claims.push((name.clone(), e.start, e.end));
                    }
                }
            }
            stack.extend(expr::children(&e.kind));
        }
    }

    fn emitter(&mut self) -> Emitter<'_> {
        Emitter {
            out: &mut self.out,
            segments: &mut self.segments,
            scope: &self.scope,
            functions: self.settings.functions,
        }
    }

    fn emit(&mut self, e: &Expr) -> Result<(), Failure> {
        self.emitter().expr(e)
    }

    fn truthy(&mut self, e: &Expr) -> Result<(), Failure> {
        self.emitter().truthy(e)
    }

    fn require_args(
        &self,
        name: &str,
        args: Option<(usize, usize)>,
        start: usize,
        end: usize,
    ) -> Result<(usize, usize), Failure> {
        args.ok_or_else(|| {
            Failure::new(
                FailureKind::Syntax,
                format!("syntax error, @{name} needs an expression in parentheses"),
                start,
                end,
            )
        })
    }

    fn push_block(&mut self, block: Block, start: usize) -> Result<(), Failure> {
        if self.blocks.len() >= self.settings.max_nesting {
            return Err(Failure::new(
                FailureKind::Limit,
                format!(
                    "directive nesting exceeds the limit of {} levels",
                    self.settings.max_nesting
                ),
                start,
                start + 1,
            ));
        }
        self.blocks.push(block);
        Ok(())
    }

    fn unexpected(&self, name: &str, start: usize, end: usize) -> Failure {
        Failure::new(
            FailureKind::Syntax,
            format!("syntax error, unexpected @{name}"),
            start,
            end,
        )
    }

    fn directive(
        &mut self,
        name: &str,
        args: Option<(usize, usize)>,
        start: usize,
        end: usize,
    ) -> Result<(), Failure> {
        match name {
            "if" | "elseif" => {
                let (a, b) = self.require_args(name, args, start, end)?;
                let e = self.parse(a, b)?;
                if name == "elseif" {
                    match self.blocks.last() {
                        Some(Block::If {
                            seen_else: false, ..
                        }) => {}
                        _ => return Err(self.unexpected(name, start, end)),
                    }
                    self.out.push_str("{% elif ");
                } else {
                    self.push_block(
                        Block::If {
                            start,
                            seen_else: false,
                        },
                        start,
                    )?;
                    self.out.push_str("{% if ");
                }
                self.truthy(&e)?;
                self.out.push_str(" %}");
            }
            "unless" => {
                let (a, b) = self.require_args(name, args, start, end)?;
                // Blade writes `if (! ($expression))`: the parentheses keep the negation whole.
                let e = self.parse(a, b)?;
                self.push_block(
                    Block::If {
                        start,
                        seen_else: false,
                    },
                    start,
                )?;
                self.out.push_str("{% if not ");
                self.truthy(&e)?;
                self.out.push_str(" %}");
            }
            "isset" => {
                let (a, b) = self.require_args(name, args, start, end)?;
                let mut p = Parser::new(self.src, a, b, self.settings.max_nesting)?;
                let list = p.expr_list(None)?;
                if !p.at_eof() || list.is_empty() {
                    return p.unexpected("");
                }
                self.push_block(
                    Block::If {
                        start,
                        seen_else: false,
                    },
                    start,
                )?;
                self.out.push_str("{% if (");
                for (i, e) in list.iter().enumerate() {
                    self.collect_claims(e);
                    if !expr::is_variable_like(e) {
                        return Err(Failure::new(
                            FailureKind::Syntax,
                            "Cannot use isset() on the result of an expression",
                            e.start,
                            e.end,
                        ));
                    }
                    if i > 0 {
                        self.out.push_str(" and ");
                    }
                    self.out.push_str("_isset(");
                    self.emitter().lenient(e)?;
                    self.out.push(')');
                }
                self.out.push_str(") %}");
            }
            "empty" if args.is_some() => {
                let (a, b) = self.require_args(name, args, start, end)?;
                let e = self.parse(a, b)?;
                self.push_block(
                    Block::If {
                        start,
                        seen_else: false,
                    },
                    start,
                )?;
                self.out.push_str("{% if _empty(");
                self.emitter().lenient(&e)?;
                self.out.push_str(") %}");
            }
            "empty" => match self.blocks.pop() {
                Some(Block::Foreach {
                    forelse: true,
                    bindings,
                    ..
                }) => {
                    self.close_loop_scope(bindings);
                    self.blocks.push(Block::ForelseEmpty { start });
                    self.out.push_str("{% else %}");
                }
                other => {
                    if let Some(b) = other {
                        self.blocks.push(b);
                    }
                    return Err(self.unexpected(name, start, end));
                }
            },
            "else" => match self.blocks.last_mut() {
                Some(Block::If { seen_else, .. }) if !*seen_else => {
                    *seen_else = true;
                    self.out.push_str("{% else %}");
                }
                _ => return Err(self.unexpected(name, start, end)),
            },
            "endif" | "endunless" | "endisset" | "endempty" | "endforelse" => {
                match self.blocks.pop() {
                    Some(Block::If { .. }) => self.out.push_str("{% endif %}"),
                    // The `@empty` part of a `@forelse` is the `else` of a minijinja `for`.
                    Some(Block::ForelseEmpty { .. }) => self.out.push_str("{% endfor %}"),
                    other => {
                        if let Some(b) = other {
                            self.blocks.push(b);
                        }
                        return Err(self.unexpected(name, start, end));
                    }
                }
            }
            "foreach" | "forelse" => self.foreach(name == "forelse", args, start, end)?,
            "endforeach" => match self.blocks.pop() {
                Some(Block::Foreach { bindings, .. }) => {
                    self.close_loop_scope(bindings);
                    self.out.push_str("{% endfor %}");
                }
                other => {
                    if let Some(b) = other {
                        self.blocks.push(b);
                    }
                    return Err(self.unexpected(name, start, end));
                }
            },
            "for" => self.for_loop(args, start, end)?,
            "endfor" => match self.blocks.pop() {
                Some(Block::For { bindings, .. }) => {
                    self.scope.bindings.truncate(bindings);
                    self.out.push_str("{% endfor %}");
                }
                other => {
                    if let Some(b) = other {
                        self.blocks.push(b);
                    }
                    return Err(self.unexpected(name, start, end));
                }
            },
            "while" => {
                let (a, b) = self.require_args(name, args, start, end)?;
                let e = self.parse(a, b)?;
                self.push_block(Block::While { start }, start)?;
                self.out.push_str("{% for _ in _forever() %}{% if not ");
                self.truthy(&e)?;
                self.out.push_str(" %}{% break %}{% endif %}");
            }
            "endwhile" => match self.blocks.pop() {
                Some(Block::While { .. }) => self.out.push_str("{% endfor %}"),
                other => {
                    if let Some(b) = other {
                        self.blocks.push(b);
                    }
                    return Err(self.unexpected(name, start, end));
                }
            },
            "switch" => {
                let (a, b) = self.require_args(name, args, start, end)?;
                let e = self.parse(a, b)?;
                self.counter += 1;
                let id = self.counter;
                self.push_block(
                    Block::Switch {
                        start,
                        id,
                        in_case: false,
                        seen_case: false,
                        seen_default: false,
                    },
                    start,
                )?;
                let _ = write!(self.out, "{{% set _sv{id} = ");
                self.emit(&e)?;
                let _ = write!(
                    self.out,
                    " %}}{{% set _sw{id} = namespace(m=false) %}}{{% for _sp{id} in [0, 1] %}}"
                );
            }
            "case" | "default" => {
                let value = match (name, args) {
                    ("case", Some((a, b))) => Some(self.parse(a, b)?),
                    ("case", None) => return Err(self.unexpected(name, start, end)),
                    _ => None,
                };
                let Some(Block::Switch {
                    id,
                    in_case,
                    seen_case,
                    seen_default,
                    ..
                }) = self.blocks.last_mut()
                else {
                    return Err(self.unexpected(name, start, end));
                };
                if value.is_none() && !*seen_case {
                    // Blade opens the first clause inside `switch(…):`, where only `case` fits.
                    return Err(Failure::new(
                        FailureKind::Syntax,
                        "syntax error, unexpected @default, expecting @case",
                        start,
                        end,
                    ));
                }
                if value.is_none() {
                    if *seen_default {
                        return Err(Failure::new(
                            FailureKind::Syntax,
                            "Switch statements may only contain one default clause",
                            start,
                            end,
                        ));
                    }
                    *seen_default = true;
                }
                let id = *id;
                let close = std::mem::replace(in_case, true);
                *seen_case = true;
                if close {
                    self.out.push_str("{% endif %}");
                }
                match value {
                    Some(v) => {
                        let _ = write!(
                            self.out,
                            "{{% if _sw{id}.m or (_sp{id} == 0 and _eq(_sv{id}, "
                        );
                        self.emit(&v)?;
                        let _ = write!(self.out, ")) %}}{{% set _sw{id}.m = true %}}");
                    }
                    None => {
                        let _ = write!(
                            self.out,
                            "{{% if _sw{id}.m or _sp{id} == 1 %}}{{% set _sw{id}.m = true %}}"
                        );
                    }
                }
            }
            "endswitch" => match self.blocks.pop() {
                Some(Block::Switch { id, in_case, .. }) => {
                    if in_case {
                        self.out.push_str("{% endif %}");
                    }
                    let _ = write!(
                        self.out,
                        "{{% if _sw{id}.m or _sp{id} == 1 %}}{{% break %}}{{% endif %}}{{% endfor %}}"
                    );
                }
                other => {
                    if let Some(b) = other {
                        self.blocks.push(b);
                    }
                    return Err(self.unexpected(name, start, end));
                }
            },
            "break" | "continue" => self.loop_control(name, args, start, end)?,
            "json" => {
                let (a, b) = self.require_args(name, args, start, end)?;
                let mut p = Parser::new(self.src, a, b, self.settings.max_nesting)?;
                let list = p.expr_list(None)?;
                if !p.at_eof() || list.is_empty() || list.len() > 3 {
                    return p.unexpected("");
                }
                for e in &list {
                    self.collect_claims(e);
                }
                self.out.push_str("{{ _raw(_json(");
                self.emit(&list[0])?;
                self.out.push_str(", ");
                match list.get(1) {
                    Some(flags) => self.emit(flags)?,
                    // JSON_HEX_TAG | JSON_HEX_APOS | JSON_HEX_AMP | JSON_HEX_QUOT
                    None => self.out.push_str("15"),
                }
                if let Some(depth) = list.get(2) {
                    self.out.push_str(", ");
                    self.emit(depth)?;
                }
                self.out.push_str(")) }}");
            }
            other => return Err(self.unexpected(other, start, end)),
        }
        Ok(())
    }

    fn close_loop_scope(&mut self, bindings: usize) {
        self.scope.bindings.truncate(bindings);
        self.scope.loop_depth = self.scope.loop_depth.saturating_sub(1);
        if self.scope.loop_depth == 0 {
            self.scope.loop_ended = true;
        }
    }

    /// `@foreach ($items as $item)` / `($items as $key => $item)`, read as Blade's regex does.
    fn foreach(
        &mut self,
        forelse: bool,
        args: Option<(usize, usize)>,
        start: usize,
        end: usize,
    ) -> Result<(), Failure> {
        let name = if forelse { "forelse" } else { "foreach" };
        let (a, b) = self.require_args(name, args, start, end)?;
        let inner = self.slice(a, b);
        let lower = inner.to_ascii_lowercase();
        let Some(k) = lower
            .rfind(" as")
            .filter(|k| !inner.get(..*k).unwrap_or("").trim().is_empty())
        else {
            return Err(Failure::new(
                FailureKind::Syntax,
                format!("syntax error, @{name} needs \"items as $item\""),
                start,
                end,
            ));
        };
        let iteratee = self.parse(a, a + k)?;
        let mut p = Parser::new(self.src, a + k + 3, b, self.settings.max_nesting)?;
        let first = p.expr(0)?;
        let second = if p.at_eof() {
            None
        } else {
            p.expect("=>")?;
            Some(p.expr(0)?)
        };
        if !p.at_eof() {
            return p.unexpected("");
        }
        let var_name = |e: &Expr| -> Result<String, Failure> {
            match &e.kind {
                Kind::Var(v) if v != "loop" => Ok(v.clone()),
                _ => Err(Failure::new(
                    FailureKind::Syntax,
                    "@foreach supports only \"as $value\" and \"as $key => $value\"",
                    e.start,
                    e.end,
                )),
            }
        };
        let (key, value) = match &second {
            Some(v) => (Some(var_name(&first)?), var_name(v)?),
            None => (None, var_name(&first)?),
        };
        self.push_block(
            Block::Foreach {
                start,
                forelse,
                bindings: self.scope.bindings.len(),
            },
            start,
        )?;
        self.out.push_str("{% for ");
        if let Some(k) = &key {
            self.out.push_str(&local_name(k));
            self.out.push_str(", ");
        }
        self.out.push_str(&local_name(&value));
        self.out.push_str(if key.is_some() {
            " in _pairs("
        } else {
            " in _values("
        });
        self.emit(&iteratee)?;
        self.scope.loop_depth += 1;
        let _ = write!(
            self.out,
            ") %}}{{% set {} = loop %}}",
            loop_alias(self.scope.loop_depth)
        );
        if let Some(k) = key {
            let ident = local_name(&k);
            self.scope.bindings.push((k, Binding::Local(ident)));
        }
        let ident = local_name(&value);
        self.scope.bindings.push((value, Binding::Local(ident)));
        Ok(())
    }

    /// `@for (init; condition; step)`: a bounded loop over `_forever()` (fuel ends runaway
    /// loops), with the assigned variables in a minijinja namespace.
    fn for_loop(
        &mut self,
        args: Option<(usize, usize)>,
        start: usize,
        end: usize,
    ) -> Result<(), Failure> {
        let (a, b) = self.require_args("for", args, start, end)?;
        let mut p = Parser::new(self.src, a, b, self.settings.max_nesting)?;
        let init = p.expr_list(Some(";"))?;
        p.expect(";")?;
        let cond = p.expr_list(Some(";"))?;
        p.expect(";")?;
        let step = p.expr_list(None)?;
        if !p.at_eof() {
            return p.unexpected("");
        }
        for e in init.iter().chain(&cond).chain(&step) {
            self.collect_claims(e);
        }
        self.counter += 1;
        let ns = format!("_f{}", self.counter);
        self.push_block(
            Block::For {
                start,
                bindings: self.scope.bindings.len(),
            },
            start,
        )?;
        for e in init.iter().chain(&step) {
            if let Kind::Assign(target, ..) | Kind::IncDec(target, _) = &e.kind {
                if let Kind::Var(v) = &target.kind {
                    if self.scope.lookup(v).is_none_or(
                        |b| !matches!(b, Binding::Field { namespace, .. } if *namespace == ns),
                    ) {
                        let field = local_name(v);
                        self.scope.bindings.push((
                            v.clone(),
                            Binding::Field {
                                namespace: ns.clone(),
                                field,
                            },
                        ));
                    }
                }
            }
        }
        let _ = write!(self.out, "{{% set {ns} = namespace(started=false) %}}");
        for e in &init {
            self.statement(e)?;
        }
        let _ = write!(
            self.out,
            "{{% for _ in _forever() %}}{{% if {ns}.started %}}"
        );
        for e in &step {
            self.statement(e)?;
        }
        let _ = write!(self.out, "{{% endif %}}{{% set {ns}.started = true %}}");
        if let Some((last, before)) = cond.split_last() {
            for e in before {
                self.statement(e)?;
            }
            self.out.push_str("{% if not ");
            self.truthy(last)?;
            self.out.push_str(" %}{% break %}{% endif %}");
        }
        Ok(())
    }

    /// An expression evaluated for its effect: an assignment, or a value thrown away.
    fn statement(&mut self, e: &Expr) -> Result<(), Failure> {
        let (target, op, value): (&Expr, Option<expr::BinOp>, Option<&Expr>) = match &e.kind {
            Kind::Assign(t, op, v) => (t, *op, Some(v)),
            Kind::IncDec(t, inc) => (
                t,
                Some(if *inc {
                    expr::BinOp::Add
                } else {
                    expr::BinOp::Sub
                }),
                None,
            ),
            _ => {
                self.out.push_str("{% set _discard = ");
                self.emit(e)?;
                self.out.push_str(" %}");
                return Ok(());
            }
        };
        let Kind::Var(name) = &target.kind else {
            return Err(Failure::new(
                FailureKind::Syntax,
                "only variables can be assigned in @for headers",
                target.start,
                target.end,
            ));
        };
        let Some(Binding::Field { namespace, field }) = self.scope.lookup(name).cloned() else {
            return Err(Failure::new(
                FailureKind::Syntax,
                "only variables can be assigned in @for headers",
                target.start,
                target.end,
            ));
        };
        let _ = write!(self.out, "{{% set {namespace}.{field} = ");
        let one = Expr {
            kind: Kind::Int(1),
            start: e.start,
            end: e.end,
            parens: false,
            height: 1,
        };
        let value = value.unwrap_or(&one);
        match op {
            None => self.emit(value)?,
            Some(op) => {
                let combined = Expr {
                    kind: Kind::Binary(op, Box::new(target.clone()), Box::new(value.clone())),
                    start: e.start,
                    end: e.end,
                    parens: false,
                    height: e.height,
                };
                self.emit(&combined)?;
            }
        }
        self.out.push_str(" %}");
        Ok(())
    }

    fn loop_control(
        &mut self,
        name: &str,
        args: Option<(usize, usize)>,
        start: usize,
        end: usize,
    ) -> Result<(), Failure> {
        let innermost = self
            .blocks
            .iter()
            .rev()
            .find(|b| !matches!(b, Block::If { .. } | Block::ForelseEmpty { .. }));
        let Some(target) = innermost else {
            return Err(Failure::new(
                FailureKind::Syntax,
                format!("'{name}' not in the 'loop' or 'switch' context"),
                start,
                end,
            ));
        };
        // PHP treats `continue` in a switch like `break`.
        let tag = if name == "break" || matches!(target, Block::Switch { .. }) {
            "{% break %}"
        } else {
            "{% continue %}"
        };
        let Some((a, b)) = args else {
            self.out.push_str(tag);
            return Ok(());
        };
        let inner = self.slice(a, b).trim();
        if let Ok(levels) = inner.parse::<i64>() {
            if levels > 1 {
                return Err(Failure::new(
                    FailureKind::Syntax,
                    format!("@{name}({levels}) (leaving several loops) is not supported"),
                    start,
                    end,
                ));
            }
            self.out.push_str(tag);
            return Ok(());
        }
        let e = self.parse(a, b)?;
        self.out.push_str("{% if ");
        self.truthy(&e)?;
        self.out.push_str(" %}");
        self.out.push_str(tag);
        self.out.push_str("{% endif %}");
        Ok(())
    }
}
