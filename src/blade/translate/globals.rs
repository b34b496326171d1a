//! PHP's function scope: every name a loop assigns lives in one namespace `_g`, which each
//! `@foreach` iteration writes and `@for` headers assign, and the fast translation keeps only the
//! writes that something in its own text reads.

use super::{Block, Rewrite, Translator};
use crate::blade::emit::{Binding, GLOBALS, local_name, string_literal};
use crate::blade::expr::{Kind, Parser};
use crate::blade::scan::Token;

/// What keeps PHP's value of a variable that loops assign: the namespace `_g` declared at the
/// top, its fields `_g.l_x` (each starting as the template variable), and the statements by
/// which every iteration of a `@foreach` copies its variables there. Each is a rewrite that the
/// fast translation drops when nothing it keeps reads what it writes (see
/// `Translator::needed_copies`).
pub(super) enum LoopCopy {
    /// The head or tail of the declaration of `_g`.
    Namespace,
    /// A field's initial value in the declaration, by the field's index in `Translator::fields`.
    Field(usize),
    /// An iteration's copy into the field `field`: read only by what runs after it, i.e. what
    /// lies at or after `from` in the output (the start of the outermost loop around the copy,
    /// whose later iterations run what precedes the copy again).
    Write { field: usize, from: usize },
}

impl<'a> Translator<'a> {
    /// PHP's variables are function-scoped: what a loop assigns stays, after the loop and in
    /// later iterations of the loops around it. Every name a loop of the template assigns lives
    /// in one namespace `_g`, declared here before anything else and starting as the template
    /// variable (undefined when there is none). Each `@foreach` iteration copies its variables
    /// there (the fast translation only where they are read, see `needed_copies`); `@for`
    /// headers assign there directly.
    pub(super) fn declare_globals(&mut self, tokens: &[Token]) {
        self.loop_names = self.assigned_names(tokens);
        let mut names: Vec<&String> = self.loop_names.iter().flat_map(|(_, n)| n).collect();
        if names.is_empty() {
            return;
        }
        names.sort_unstable();
        names.dedup();
        let mut globals = Vec::with_capacity(names.len());
        let mut fields = Vec::with_capacity(names.len());
        for name in names {
            let field = local_name(name);
            fields.push((field.clone(), name.clone()));
            globals.push((
                name.clone(),
                Binding::Field {
                    namespace: GLOBALS.to_string(),
                    field,
                },
            ));
        }
        // Two names with one minijinja form share a field (a namespace takes each name once).
        fields.sort_unstable();
        fields.dedup_by(|a, b| a.0 == b.0);
        self.scope.globals = globals;
        self.fields = fields;
        self.copies.push(LoopCopy::Namespace);
        let head = self.out.len();
        self.out.push_str("{% set _g = _namespace(");
        self.unless_read(0, head);
        for i in 0..self.fields.len() {
            let start = self.out.len();
            if let Some((field, name)) = self.fields.get(i) {
                self.out.push_str(field);
                self.out.push_str("=_v[");
                string_literal(&mut self.out, name);
                self.out.push_str("], ");
            }
            self.copies.push(LoopCopy::Field(i));
            self.unless_read(self.copies.len() - 1, start);
        }
        let tail = self.out.len();
        self.out.push_str(") %}");
        self.unless_read(0, tail);
    }

    /// For every loop by its Blade start: the names it and the loops inside it assign, found
    /// the way the loops themselves read their headers (a header that does not parse assigns
    /// nothing: its loop fails to translate). Blocks nest as the translation nests them; where
    /// they do not, the translation fails too.
    fn assigned_names(&self, tokens: &[Token]) -> Vec<(usize, Vec<String>)> {
        let mut loops: Vec<(usize, Vec<String>)> = Vec::new();
        // The open blocks: the loops by their index in `loops`.
        let mut open: Vec<Option<usize>> = Vec::new();
        for token in tokens {
            let Token::Directive {
                name, args, start, ..
            } = token
            else {
                continue;
            };
            match *name {
                "foreach" | "forelse" | "for" | "while" => {
                    let names = match (*name, *args) {
                        ("for", Some((a, b))) => self.for_targets(a, b),
                        ("foreach" | "forelse", Some((a, b))) => self.foreach_names(a, b),
                        _ => Vec::new(),
                    };
                    open.push(Some(loops.len()));
                    loops.push((*start, names));
                }
                "if" | "unless" | "isset" | "switch" => open.push(None),
                "empty" if args.is_some() => open.push(None),
                "endif" | "endunless" | "endisset" | "endempty" | "endforelse" | "endforeach"
                | "endfor" | "endwhile" | "endswitch" => {
                    let Some(Some(closed)) = open.pop() else {
                        continue;
                    };
                    let Some(outer) = open.iter().rev().find_map(|o| *o) else {
                        continue;
                    };
                    let inner = loops
                        .get(closed)
                        .map(|(_, n)| n.clone())
                        .unwrap_or_default();
                    if let Some((_, names)) = loops.get_mut(outer) {
                        for n in inner {
                            if !names.contains(&n) {
                                names.push(n);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        loops
    }

    /// The variables of `@foreach (… as $k => $v)`.
    fn foreach_names(&self, a: usize, b: usize) -> Vec<String> {
        let Some(k) = self.last_as(a, b, false) else {
            return Vec::new();
        };
        let Ok((first, second)) = self.foreach_targets(a + k + 3, b) else {
            return Vec::new();
        };
        [Some(first), second]
            .into_iter()
            .flatten()
            .filter_map(|e| match &e.kind {
                Kind::Var(v) if v != "loop" => Some(v.to_string()),
                _ => None,
            })
            .collect()
    }

    /// The variables a `@for` header assigns.
    fn for_targets(&self, a: usize, b: usize) -> Vec<String> {
        let mut names = Vec::new();
        let Ok(mut p) = Parser::new(self.code, a, b, self.settings.max_nesting) else {
            return names;
        };
        let mut lists = Vec::new();
        for end in [Some(";"), Some(";"), None] {
            let Ok(list) = p.expr_list(end) else {
                break;
            };
            lists.push(list);
            if end.is_some() && p.expect(";").is_err() {
                break;
            }
        }
        for e in lists.iter().flatten() {
            if let Kind::Assign(target, ..) | Kind::IncDec(target, _) = &e.kind {
                if let Kind::Var(v) = &target.kind {
                    if v != "loop" && !names.iter().any(|n| n == v) {
                        names.push(v.to_string());
                    }
                }
            }
        }
        names
    }

    /// From the loop that starts at `start` on, the names it (or a loop inside it) assigns are
    /// read from `_g` in the loops around it: the locals of those loops may no longer hold
    /// them once it has run, which may be before any point of their bodies.
    pub(super) fn rebind_globally(&mut self, start: usize) {
        let Ok(i) = self.loop_names.binary_search_by_key(&start, |(s, _)| *s) else {
            return;
        };
        let Some((_, names)) = self.loop_names.get(i) else {
            return;
        };
        let scope = &mut self.scope;
        for (name, binding) in scope.bindings.iter_mut() {
            if !names.contains(name) {
                continue;
            }
            if let Ok(g) = scope.globals.binary_search_by(|(n, _)| n.cmp(name)) {
                if let Some((_, global)) = scope.globals.get(g) {
                    *binding = global.clone();
                }
            }
        }
    }

    /// The output start of the outermost open loop.
    pub(super) fn outermost_loop(&self) -> usize {
        self.blocks
            .iter()
            .find_map(|b| match b {
                Block::Foreach { out, .. } | Block::For { out, .. } | Block::While { out, .. } => {
                    Some(*out)
                }
                _ => None,
            })
            .unwrap_or(0)
    }

    /// Leaves what was written to `out` since `start` out of the fast translation unless the
    /// copy `copy` is read there.
    pub(super) fn unless_read(&mut self, copy: usize, start: usize) {
        let at = self.native.len();
        self.rewrites.push(Rewrite {
            exact: (start, self.out.len()),
            native: (at, at),
            unless_read: Some(copy),
        });
    }

    /// Calls `found` with each field of `_g` that `text` reads (every `_g.l_x` between
    /// identifier boundaries) and where, `base` plus its offset in `text`. A match in literal
    /// text or in a string only keeps a copy, which is harmless.
    fn fields_read(&self, text: &str, base: usize, mut found: impl FnMut(usize, usize)) {
        let bytes = text.as_bytes();
        let ident = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
        let mut from = 0;
        while let Some(skip) = text
            .get(from..)
            .and_then(|rest| super::find_short(rest, "_g.l_"))
        {
            let at = from + skip;
            let field = at + 3;
            let end = field
                + bytes
                    .get(field..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|b| ident(b))
                    .count();
            from = end;
            if at
                .checked_sub(1)
                .and_then(|i| bytes.get(i))
                .is_some_and(ident)
            {
                continue;
            }
            let name = text.get(field..end).unwrap_or("");
            if let Ok(i) = self.fields.binary_search_by(|(f, _)| f.as_str().cmp(name)) {
                found(i, base + at);
            }
        }
    }

    /// Which copies the fast translation needs (by index in `copies`): a field is needed when
    /// what the fast translation keeps for certain reads it anywhere, a copy into it when such a
    /// read lies at or after the copy's `from`. The pieces of copies read no field. Linear in
    /// the size of the translation.
    pub(super) fn needed_copies(&self) -> Vec<bool> {
        if self.copies.is_empty() {
            return Vec::new();
        }
        // The last read of each field, as an offset in the exact translation.
        let mut last: Vec<Option<usize>> = vec![None; self.fields.len()];
        let mut note = |field: usize, at: usize| {
            if let Some(slot) = last.get_mut(field) {
                *slot = Some(slot.map_or(at, |p| p.max(at)));
            }
        };
        let mut at = 0;
        for r in &self.rewrites {
            self.fields_read(self.out.get(at..r.exact.0).unwrap_or(""), at, &mut note);
            if r.unless_read.is_none() {
                let native = self.native.get(r.native.0..r.native.1).unwrap_or("");
                self.fields_read(native, 0, |field, _| note(field, r.exact.0));
            }
            at = r.exact.1;
        }
        self.fields_read(self.out.get(at..).unwrap_or(""), at, &mut note);
        let any = last.iter().any(Option::is_some);
        self.copies
            .iter()
            .map(|c| match c {
                LoopCopy::Namespace => any,
                LoopCopy::Field(f) => last.get(*f).is_some_and(Option::is_some),
                LoopCopy::Write { field, from } => last
                    .get(*field)
                    .copied()
                    .flatten()
                    .is_some_and(|p| p >= *from),
            })
            .collect()
    }
}
