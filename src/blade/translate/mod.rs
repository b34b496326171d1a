//! Blade tokens → one minijinja template, line for line.
//!
//! The translated source keeps every Blade newline on the same line number: newlines that Blade
//! swallows (after a directive) or that belong to comments and multi-line tags are moved into
//! `{# #}` comments. Columns differ, so every emitted piece records its Blade range in a source
//! map.

use std::fmt::Write;

mod globals;
mod lines;
mod loops;

use globals::LoopCopy;
use lines::directive_lines;

use super::emit::{Emitter, NativeRoots, Operands, Scope, Segment, native_read};
use super::expr::{self, Expr, Kind, Parser};
use super::reads::Reads;
use super::scan::{self, Token};
use super::{Failure, FailureKind};

#[derive(Clone, Copy, Debug)]
pub struct Settings<'a> {
    /// Lines holding only directives vanish with their indentation and newline.
    pub smart_whitespace: bool,
    pub max_nesting: usize,
    /// The PHP functions the runtime provides.
    pub functions: &'a [&'a str],
    /// Constants beyond the translator's own (`PHP_EOL`, `JSON_*`), as minijinja literals.
    pub constants: &'a [(&'a str, &'a str)],
}

#[derive(Clone, Debug, Default)]
pub struct Translation {
    pub source: String,
    /// Sorted by output offset.
    pub segments: Vec<Segment>,
    /// Literal `$portClaims['name']` reads: the name, its Blade range, and whether it is guarded
    /// (tested with `isset`/`empty`, or left of `??`).
    pub claims: Vec<(String, usize, usize, bool)>,
    /// What the template can read of its variables.
    pub reads: Reads,
    /// Directive-only lines with indentation Blade prints (Blade whitespace only).
    pub leaky: Vec<(usize, usize)>,
    /// The same template with plain reads (`$data['name']`) as native minijinja subscripts where
    /// undefined is refused (see [`emit::native_read`](super::emit::native_read)): faster, and
    /// it renders what `source` renders whenever it succeeds. `None` when nothing differs.
    pub fast: Option<String>,
    /// The template variables `fast` reads bare (`data` for `$data`), sorted: its root must answer
    /// these names as `_v` holds them, and `_v` itself.
    pub fast_roots: Vec<String>,
}

/// An expression of the translation that the fast translation writes natively: the output range
/// and where its replacement sits in `Translator::native`.
struct Rewrite {
    exact: (usize, usize),
    native: (usize, usize),
    /// A piece of a loop variable's copy (see [`LoopCopy`]), by its index in `Translator::copies`:
    /// the fast translation leaves it out only when nothing it keeps reads that copy.
    unless_read: Option<usize>,
}

/// Records the native form of each operand written for a consumer that refuses undefined, as a
/// rewrite of the fast translation. One read whole replaces the rewrites of its parts.
struct NativeOperands<'t, 'a> {
    scope: &'t Scope,
    roots: &'t mut NativeRoots<'a>,
    native: &'t mut String,
    rewrites: &'t mut Vec<Rewrite>,
}

impl Operands for NativeOperands<'_, '_> {
    fn written(&mut self, e: &Expr, exact: (usize, usize)) {
        let native_start = self.native.len();
        if native_read(self.scope, self.roots, e, self.native) {
            while self.rewrites.last().is_some_and(|r| r.exact.0 >= exact.0) {
                self.rewrites.pop();
            }
            self.rewrites.push(Rewrite {
                exact,
                native: (native_start, self.native.len()),
                unless_read: None,
            });
        }
    }
}

enum Block {
    /// `@if`, `@unless`, `@isset`, `@empty(…)`: all end in PHP's `endif`.
    If {
        start: usize,
        seen_else: bool,
        /// The `@elseif`s written as `elif`s of the current minijinja `if` (see [`ELIFS`]).
        elifs: usize,
        /// For a long chain: the id of its namespace `_ei{id}`, and the number of the current
        /// part (from 1).
        chain: Option<(usize, usize)>,
    },
    Foreach {
        start: usize,
        forelse: bool,
        bindings: usize,
        /// Where the loop starts in the output.
        out: usize,
        /// A `@forelse`'s namespace whose `empty` says whether no iteration began, as Blade's
        /// `$__empty` does: minijinja's `for … else` would also run after a `@break`.
        empty_flag: String,
    },
    /// The `@empty` part of a `@forelse`, which PHP closes with `endif`.
    ForelseEmpty {
        start: usize,
    },
    For {
        start: usize,
        out: usize,
    },
    While {
        start: usize,
        out: usize,
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
            | Block::While { start, .. }
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

/// The most `@elseif`s written as the `elif`s of one minijinja `if` (see `@elseif`): a chain cut
/// into parts this long recurses no deeper than one part, wherever it is nested.
const ELIFS: usize = 8;

struct Translator<'a> {
    src: &'a str,
    /// The source with comments blanked out: expressions are read from here.
    code: &'a str,
    settings: Settings<'a>,
    out: String,
    segments: Vec<Segment>,
    claims: Vec<(String, usize, usize, bool)>,
    reads: Reads,
    scope: Scope,
    blocks: Vec<Block>,
    counter: usize,
    rewrites: Vec<Rewrite>,
    /// The replacement texts of `rewrites`, one after the other.
    native: String,
    roots: NativeRoots<'a>,
    /// Where `$loop` is written last in the source (comments, strings and longer names like
    /// `$loops` included).
    last_loop: Option<usize>,
    /// The declaration of `_g`, its fields and the copies into them.
    copies: Vec<LoopCopy>,
    /// The fields of `_g` (`l_x`, sorted) and the PHP name each holds.
    fields: Vec<(String, String)>,
    /// For every loop (`@foreach`, `@forelse`, `@for`, `@while`) by its Blade start, sorted: the
    /// names it and the loops inside it assign.
    loop_names: Vec<(usize, Vec<String>)>,
    /// The Blade starts, sorted, of the `@if`s (`@unless`, …) whose chains have more than
    /// [`ELIFS`] `@elseif`s, which are cut into parts (see `@elseif`).
    long_chains: Vec<usize>,
}

/// The starts of the `@if`s whose chains have more than [`ELIFS`] `@elseif`s, found the way the
/// translator pairs directives (a template it refuses may be miscounted, and is refused anyway).
fn long_chains(tokens: &[Token]) -> Vec<usize> {
    // Per open block: for those ending in `endif`, the start of the opener and its `@elseif`s.
    let mut open: Vec<Option<(usize, usize)>> = Vec::new();
    let mut long = Vec::new();
    for token in tokens {
        let Token::Directive {
            name, args, start, ..
        } = token
        else {
            continue;
        };
        match *name {
            "if" | "unless" | "isset" => open.push(Some((*start, 0))),
            "empty" if args.is_some() => open.push(Some((*start, 0))),
            "foreach" | "forelse" | "for" | "while" | "switch" => open.push(None),
            "elseif" => {
                if let Some(Some((opener, elifs))) = open.last_mut() {
                    *elifs += 1;
                    if *elifs == ELIFS + 1 {
                        long.push(*opener);
                    }
                }
            }
            "endif" | "endunless" | "endisset" | "endempty" | "endforelse" | "endforeach"
            | "endfor" | "endwhile" | "endswitch" => {
                open.pop();
            }
            _ => {}
        }
    }
    long.sort_unstable();
    long
}

pub fn translate(src: &str, settings: Settings<'_>) -> Result<Translation, Failure> {
    let scanned = scan::scan(src)?;
    let tokens = scanned.tokens;
    let (hidden, leaky) = directive_lines(src, &tokens, settings.smart_whitespace);
    let mut t = Translator {
        src,
        code: &scanned.code,
        settings,
        out: String::with_capacity(src.len() + src.len() / 2),
        segments: Vec::new(),
        claims: Vec::new(),
        reads: Reads::default(),
        scope: Scope::default(),
        blocks: Vec::new(),
        counter: 0,
        rewrites: Vec::new(),
        native: String::new(),
        roots: NativeRoots {
            functions: settings.functions,
            bare: Vec::new(),
        },
        last_loop: src.rfind("$loop"),
        copies: Vec::new(),
        fields: Vec::new(),
        loop_names: Vec::new(),
        long_chains: long_chains(&tokens),
    };
    t.declare_globals(&tokens);
    for (i, token) in tokens.iter().enumerate() {
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
    let fast = t.fast_source();
    Ok(Translation {
        source: t.out,
        segments: t.segments,
        claims: t.claims,
        reads: t.reads,
        leaky,
        fast_roots: if fast.is_some() {
            t.roots.bare
        } else {
            Vec::new()
        },
        fast,
    })
}

impl<'a> Translator<'a> {
    /// Whether `$loop` may be read from `from` on.
    fn loop_read_after(&self, from: usize) -> bool {
        self.last_loop.is_some_and(|at| at >= from)
    }

    /// Emits a strict read whose consumer refuses undefined, and records its native form.
    fn emit_refusing_undefined(&mut self, e: &Expr) -> Result<(), Failure> {
        let start = self.out.len();
        self.emit(e)?;
        let exact = (start, self.out.len());
        NativeOperands {
            scope: &self.scope,
            roots: &mut self.roots,
            native: &mut self.native,
            rewrites: &mut self.rewrites,
        }
        .written(e, exact);
        Ok(())
    }

    /// Writes `statement`, and leaves it out of the fast translation when `unneeded` (a `$loop`
    /// alias nothing reads). The exact translation keeps every statement as it always wrote them.
    fn unless_fast(&mut self, unneeded: bool, statement: impl FnOnce(&mut String)) {
        let start = self.out.len();
        statement(&mut self.out);
        if unneeded {
            let at = self.native.len();
            self.rewrites.push(Rewrite {
                exact: (start, self.out.len()),
                native: (at, at),
                unless_read: None,
            });
        }
    }

    /// The translation with every rewrite applied but the copies it reads; `None` when that
    /// changes nothing.
    fn fast_source(&self) -> Option<String> {
        if self.rewrites.is_empty() {
            return None;
        }
        let needed = self.needed_copies();
        let mut fast = String::with_capacity(self.out.len());
        let mut at = 0;
        let mut applied = false;
        for r in &self.rewrites {
            if r.unless_read
                .is_some_and(|c| needed.get(c).copied().unwrap_or(true))
            {
                continue;
            }
            fast.push_str(self.out.get(at..r.exact.0)?);
            fast.push_str(self.native.get(r.native.0..r.native.1)?);
            at = r.exact.1;
            applied = true;
        }
        if !applied {
            return None;
        }
        fast.push_str(self.out.get(at..)?);
        Some(fast)
    }

    /// Blade source the way expressions see it (comments blanked).
    fn code_slice(&self, a: usize, b: usize) -> &'a str {
        self.code.get(a..b).unwrap_or("")
    }

    fn slice(&self, a: usize, b: usize) -> &'a str {
        self.src.get(a..b).unwrap_or("")
    }

    fn mark(&mut self, start: usize, end: usize) {
        self.segments.push(Segment {
            out: self.out.len(),
            src: (start, end),
            subscripted: None,
        });
    }

    /// Keeps the newlines of `src[a..b]` (which prints nothing) in a minijinja comment.
    fn hide(&mut self, a: usize, b: usize) {
        let lines = self
            .slice(a, b)
            .bytes()
            .filter(|&byte| byte == b'\n')
            .count();
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
        while let Some(at) = rest.bytes().position(|b| b == b'{') {
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
                Token::Directive { name, .. } if *name == "case" || *name == "default" => {}
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
                // Blade drops one trailing `;`. A raw echo compiles to `echo …; ?>`, where more
                // of them are empty statements.
                if self.code_slice(a, b).ends_with(';') {
                    b -= 1;
                    while *raw
                        && self
                            .code_slice(a, b)
                            .trim_end_matches([' ', '\t', '\n', '\r'])
                            .ends_with(';')
                    {
                        b = a + self
                            .code_slice(a, b)
                            .trim_end_matches([' ', '\t', '\n', '\r'])
                            .len()
                            - 1;
                    }
                }
                // `e(…);` follows an escaped echo on its line, which a `//` comment would
                // swallow: PHP cannot parse that (`echo …; ?>` of a raw echo ends the comment).
                if !*raw && crate::blade::lex::ends_in_line_comment(self.code, a, b) {
                    return Err(Failure::new(
                        FailureKind::Syntax,
                        "syntax error, a // or # comment runs to the end of the echo and swallows Blade's closing \");\"",
                        *start,
                        *end,
                    ));
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
                    // The formatter refuses undefined.
                    self.emit_refusing_undefined(&e)?;
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

    fn parse(&mut self, a: usize, b: usize) -> Result<Expr<'a>, Failure> {
        let e = expr::parse(self.code, a, b, self.settings.max_nesting)?;
        self.collect_reads(&e);
        Ok(e)
    }

    /// Records what `e` reads of the variables, and the claims it names.
    fn collect_reads(&mut self, e: &Expr) {
        self.collect_reads_in(e, false);
    }

    /// `collect_reads` of an expression that is itself tested for being set (`@isset(…)`,
    /// `@empty(…)`) when `guarded`.
    fn collect_reads_in(&mut self, e: &Expr, guarded: bool) {
        self.reads.record(e);
        // Every name in a tree is written inside its range: most expressions read no claim.
        if find_short(self.code_slice(e.start, e.end), "portClaims").is_none() {
            return;
        }
        let mut stack = vec![(e, guarded)];
        while let Some((e, guarded)) = stack.pop() {
            if let Kind::Index(base, Some(key)) = &e.kind {
                if let (Kind::Var(v), Kind::Str(name)) = (&base.kind, &key.kind) {
                    if v == "portClaims" && !self.loop_assigned_before("portClaims", e.start) {
                        self.claims
                            .push((name.to_string(), e.start, e.end, guarded));
                    }
                }
            }
            // A read is guarded where a missing key is no error: inside `isset()`, `empty()` or
            // left of `??`, along the variable it tests (`$portClaims['x']['y']`), not in keys.
            match &e.kind {
                Kind::Isset(list) => stack.extend(list.iter().map(|e| (e, true))),
                Kind::Empty(inner) => stack.push((inner, true)),
                Kind::Binary(expr::BinOp::Coalesce, left, right) => {
                    stack.extend([(&**left, true), (&**right, false)]);
                }
                Kind::Index(base, key) => {
                    stack.push((base, guarded));
                    stack.extend(key.iter().map(|k| (&**k, false)));
                }
                Kind::Prop(base, _, _) => stack.push((base, guarded)),
                kind => stack.extend(expr::children(kind).map(|e| (e, false))),
            }
        }
    }

    /// Whether `$name` at `at` may hold what a loop assigned rather than the template variable:
    /// a loop that assigns it (itself or inside) starts before `at`. That covers the loops open
    /// around `at`, whose later iterations run `at` after what they assign.
    fn loop_assigned_before(&self, name: &str, at: usize) -> bool {
        self.loop_names
            .iter()
            .take_while(|(start, _)| *start < at)
            .any(|(_, names)| names.iter().any(|n| n == name))
    }

    /// Runs `write` with an emitter into the translation, whose operands the fast one reads
    /// natively where it can (see [`NativeOperands`]).
    fn emitting<T>(&mut self, write: impl FnOnce(&mut Emitter<'_>) -> T) -> T {
        let mut operands = NativeOperands {
            scope: &self.scope,
            roots: &mut self.roots,
            native: &mut self.native,
            rewrites: &mut self.rewrites,
        };
        write(&mut Emitter {
            out: &mut self.out,
            segments: &mut self.segments,
            scope: &self.scope,
            functions: self.settings.functions,
            constants: self.settings.constants,
            operands: Some(&mut operands),
        })
    }

    fn emit(&mut self, e: &Expr) -> Result<(), Failure> {
        self.emitting(|emitter| emitter.expr(e))
    }

    fn truthy(&mut self, e: &Expr) -> Result<(), Failure> {
        self.emitting(|emitter| emitter.truthy(e))
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

    /// Opens a block that PHP closes with `endif` (`@if`, `@unless`, `@isset`, `@empty(…)`). A
    /// long chain starts with its namespace (see `@elseif`).
    fn open_if(&mut self, start: usize) -> Result<(), Failure> {
        let chain = if self.long_chains.binary_search(&start).is_ok() {
            self.counter += 1;
            Some((self.counter, 1))
        } else {
            None
        };
        self.push_block(
            Block::If {
                start,
                seen_else: false,
                elifs: 0,
                chain,
            },
            start,
        )?;
        if let Some((id, _)) = chain {
            let _ = write!(self.out, "{{% set _ei{id} = _namespace(p=1) %}}");
        }
        Ok(())
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
        // Blade writes `):` or `);` after the arguments, on their line.
        if let Some((a, b)) = args {
            if crate::blade::lex::ends_in_line_comment(self.code, a, b) {
                return Err(Failure::new(
                    FailureKind::Syntax,
                    format!(
                        "syntax error, a // or # comment runs to the end of @{name}'s arguments and swallows what Blade writes after them"
                    ),
                    start,
                    end,
                ));
            }
        }
        match name {
            "if" | "elseif" => {
                let (a, b) = self.require_args(name, args, start, end)?;
                let e = self.parse(a, b)?;
                if name == "elseif" {
                    let Some(Block::If {
                        seen_else: false,
                        elifs,
                        chain,
                        ..
                    }) = self.blocks.last_mut()
                    else {
                        return Err(self.unexpected(name, start, end));
                    };
                    match *chain {
                        Some((id, part)) if *elifs == ELIFS => {
                            // minijinja parses and compiles each `elif` inside the one before,
                            // one level of recursion each: a long chain is cut into parts of
                            // ELIFS conditions, one after the other. `_ei{id}.p` is the part
                            // whose turn it is: each part's `else` passes the turn on, and a part
                            // whose turn it is not takes its first branch, empty.
                            let next = part + 1;
                            *chain = Some((id, next));
                            *elifs = 1;
                            let _ = write!(
                                self.out,
                                "{{% else %}}{{% set _ei{id}.p = {next} %}}{{% endif %}}{{% if _ei{id}.p != {next} %}}{{% elif "
                            );
                        }
                        _ => {
                            *elifs += 1;
                            self.out.push_str("{% elif ");
                        }
                    }
                } else {
                    self.open_if(start)?;
                    self.out.push_str("{% if ");
                }
                self.truthy(&e)?;
                self.out.push_str(" %}");
            }
            "unless" => {
                let (a, b) = self.require_args(name, args, start, end)?;
                // Blade writes `if (! ($expression))`: the parentheses keep the negation whole.
                let e = self.parse(a, b)?;
                self.open_if(start)?;
                self.out.push_str("{% if not ");
                self.truthy(&e)?;
                self.out.push_str(" %}");
            }
            "isset" => {
                let (a, b) = self.require_args(name, args, start, end)?;
                let mut p = Parser::new(self.code, a, b, self.settings.max_nesting)?;
                let list = p.expr_list(None)?;
                if !p.at_eof() || list.is_empty() {
                    return p.unexpected("");
                }
                for e in &list {
                    self.collect_reads_in(e, true);
                    if !expr::is_variable_like(e) {
                        return Err(Failure::new(
                            FailureKind::Syntax,
                            "Cannot use isset() on the result of an expression",
                            e.start,
                            e.end,
                        ));
                    }
                }
                self.open_if(start)?;
                self.out.push_str("{% if ");
                let isset = Expr {
                    height: 1 + list.iter().map(|e| e.height).max().unwrap_or(0),
                    kind: Kind::Isset(list),
                    start: a,
                    end: b,
                    parens: false,
                };
                self.emit(&isset)?;
                self.out.push_str(" %}");
            }
            "empty" if args.is_some() => {
                let (a, b) = self.require_args(name, args, start, end)?;
                let e = expr::parse(self.code, a, b, self.settings.max_nesting)?;
                self.collect_reads_in(&e, true);
                self.open_if(start)?;
                self.out.push_str("{% if _empty(");
                self.emitting(|emitter| emitter.isset_operand(&e))?;
                self.out.push_str(") %}");
            }
            "empty" => match self.blocks.pop() {
                Some(Block::Foreach {
                    forelse: true,
                    bindings,
                    empty_flag,
                    ..
                }) => {
                    // The loop variables outlive the loop (in `_g`) into `@empty` and past
                    // `@endforelse`.
                    self.close_loop_scope(bindings);
                    self.blocks.push(Block::ForelseEmpty { start });
                    let _ = write!(self.out, "{{% endfor %}}{{% if {empty_flag}.empty %}}");
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
                    Some(Block::ForelseEmpty { .. }) => self.out.push_str("{% endif %}"),
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
                    // The loop variables outlive the loop in `_g`.
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
                Some(Block::For { .. }) => {
                    // `$i` lives in `_g`, so it keeps its last value after the loop, as in PHP.
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
                self.push_block(
                    Block::While {
                        start,
                        out: self.out.len(),
                    },
                    start,
                )?;
                self.rebind_globally(start);
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
                    " %}}{{% set _sw{id} = _namespace(m=false) %}}{{% for _sp{id} in [0, 1] %}}"
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
            "json" => self.json(args, start, end)?,
            // `echo ((…) ? 'true' : 'false')`, `if(…): echo 'checked'; endif`.
            "bool" | "checked" | "disabled" | "readonly" | "required" | "selected" => {
                let (a, b) = self.require_args(name, args, start, end)?;
                let e = self.parse(a, b)?;
                self.out.push_str("{% if ");
                self.truthy(&e)?;
                if name == "bool" {
                    self.out.push_str(" %}true{% else %}false{% endif %}");
                } else {
                    let _ = write!(self.out, " %}}{name}{{% endif %}}");
                }
            }
            other => return Err(self.unexpected(other, start, end)),
        }
        Ok(())
    }
}

/// `haystack.find(needle)` for the short texts the translator searches once per expression: the
/// standard library's substring search sets up a Two-Way searcher on every call, which cost more
/// than the searches themselves. This one walks the bytes for the needle's first byte, then
/// compares.
pub(super) fn find_short(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (haystack.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return Some(0);
    };
    let mut from = 0;
    while let Some(skip) = hay.get(from..)?.iter().position(|&b| b == first) {
        let at = from + skip;
        // A match of whole UTF-8 sequences starts and ends on character boundaries.
        if hay.get(at..)?.starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::find_short;

    #[test]
    fn find_short_finds_what_str_find_finds() {
        let haystacks = [
            "",
            "portClaims",
            "$portClaims['web']",
            "_g.l__g.l_x",
            "x_g.l_y _g.l_z",
            "ää_g.l_ä",
            "portClaim",
            "ppportClaimsportClaims",
        ];
        for haystack in haystacks {
            for needle in ["", "portClaims", "_g.l_", "ä", "_", "x"] {
                assert_eq!(
                    find_short(haystack, needle),
                    haystack.find(needle),
                    "{needle:?} in {haystack:?}"
                );
            }
        }
    }
}
