//! Loops and `@json`: `@foreach`/`@forelse`, `@for`, `@break`/`@continue`.

use std::fmt::Write;

use super::{Block, LoopCopy, Translator};
use crate::blade::emit::{Binding, GLOBALS, local_name, loop_alias, numbered};
use crate::blade::expr::{self, Expr, Kind, Parser};
use crate::blade::{Failure, FailureKind, statements};

impl<'a> Translator<'a> {
    /// `@json(…)`: Blade splits the arguments at every comma and writes
    /// `json_encode(first, second ?? 15, third ?? 512)`, so `@json(['a' => 1, 'b' => 2])` passes
    /// `'b' => 2]` as flags text. The same text is rebuilt and parsed here.
    pub(super) fn json(
        &mut self,
        args: Option<(usize, usize)>,
        start: usize,
        end: usize,
    ) -> Result<(), Failure> {
        let (a, b) = self.require_args("json", args, start, end)?;
        let inner = self.code_slice(a, b);
        let parts: Vec<&str> = inner.split(',').collect();
        // Blade glues the pieces back as `json_encode(first, second, third)`; when there were
        // more than three, that is the original argument list, and PHP's own default flags apply.
        let glued = parts.len() > 1;
        // The rebuilt argument list, which the parsed expressions borrow from.
        let code;
        let list = if parts.len() == 1 {
            vec![self.parse(a, b)?]
        } else {
            let options = parts.get(1).map_or("", |p| p.trim());
            let depth = parts.get(2).map_or("512", |p| p.trim());
            code = format!(
                "{}, {options}, {depth}",
                parts.first().copied().unwrap_or("")
            );
            let mut p =
                Parser::new(&code, 0, code.len(), self.settings.max_nesting).map_err(|f| {
                    Failure {
                        start: a,
                        end: b,
                        ..f
                    }
                })?;
            let list = p.expr_list(None).map_err(|f| Failure {
                start: a,
                end: b,
                ..f
            })?;
            if !p.at_eof() {
                return Err(Failure::new(
                    FailureKind::Syntax,
                    "syntax error in @json arguments",
                    a,
                    b,
                ));
            }
            let mut list = list;
            for e in &mut list {
                relocate(e, a, b);
            }
            list
        };
        let Some(value) = list.first() else {
            return Err(Failure::new(
                FailureKind::Syntax,
                "syntax error, @json needs a value",
                start,
                end,
            ));
        };
        for e in &list {
            self.collect_reads(e);
        }
        self.out.push_str("{{ _raw(_json(");
        self.emit(value)?;
        self.out.push_str(", ");
        match list.get(1) {
            Some(flags) => self.emit(flags)?,
            None if glued => self.out.push('0'),
            // JSON_HEX_TAG | JSON_HEX_APOS | JSON_HEX_AMP | JSON_HEX_QUOT
            None => self.out.push_str("15"),
        }
        if let Some(depth) = list.get(2) {
            self.out.push_str(", ");
            self.emit(depth)?;
        }
        self.out.push_str(")) }}");
        Ok(())
    }

    pub(super) fn close_loop_scope(&mut self, bindings: usize) {
        self.scope.bindings.truncate(bindings);
        self.scope.loop_depth = self.scope.loop_depth.saturating_sub(1);
        if self.scope.loop_depth == 0 {
            self.scope.loop_ended = true;
        }
    }

    /// Where the ` as ` that Blade splits `@foreach`'s arguments at starts (see
    /// [`statements::foreach_split`]; the scanner has refused arguments it does not split).
    pub(super) fn last_as(&self, a: usize, b: usize, forelse: bool) -> Option<usize> {
        statements::foreach_split(self.code_slice(a, b).as_bytes(), forelse)
    }

    /// What follows ` as`: `$value`, or `$key => $value`.
    pub(super) fn foreach_targets(
        &self,
        a: usize,
        b: usize,
    ) -> Result<(Expr<'a>, Option<Expr<'a>>), Failure> {
        // ` $item` alone, by far the most common, needs no parser.
        let blanks = self
            .code_slice(a, b)
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
        if let Some(item) = expr::plain_read(self.code, a + blanks, b, self.settings.max_nesting)
            .filter(|e| matches!(e.kind, Kind::Var(_)))
        {
            return Ok((item, None));
        }
        let mut p = Parser::new(self.code, a, b, self.settings.max_nesting)?;
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
        Ok((first, second))
    }

    /// `@foreach ($items as $item)` / `($items as $key => $item)`, read as Blade's regex does.
    pub(super) fn foreach(
        &mut self,
        forelse: bool,
        args: Option<(usize, usize)>,
        start: usize,
        end: usize,
    ) -> Result<(), Failure> {
        let name = if forelse { "forelse" } else { "foreach" };
        let (a, b) = self.require_args(name, args, start, end)?;
        let Some(k) = self.last_as(a, b, forelse) else {
            return Err(Failure::new(
                FailureKind::Syntax,
                format!("Malformed @{name} statement."),
                start,
                end,
            ));
        };
        let iteratee = self.parse(a, a + k)?;
        let (first, second) = self.foreach_targets(a + k + 3, b)?;
        let var_name = |e: &Expr| -> Result<String, Failure> {
            match &e.kind {
                Kind::Var(v) if v != "loop" => Ok(v.to_string()),
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
        let out = self.out.len();
        self.push_block(
            Block::Foreach {
                start,
                forelse,
                bindings: self.scope.bindings.len(),
                out,
                empty_flag: String::new(),
            },
            start,
        )?;
        self.counter += 1;
        let names: Vec<String> = key.into_iter().chain(std::iter::once(value)).collect();
        let empty_flag = if forelse {
            numbered("_fe", self.counter)
        } else {
            String::new()
        };
        if forelse {
            let _ = write!(
                self.out,
                "{{% set {empty_flag} = _namespace(empty=true) %}}"
            );
        }
        self.out.push_str("{% for ");
        match names.as_slice() {
            // PHP assigns the value, then the key: in `$k => $k` the key is what stays.
            [k, v] if k == v => {
                self.out.push_str(&local_name(k));
                self.out.push_str(", _");
            }
            [k, v] => {
                self.out.push_str(&local_name(k));
                self.out.push_str(", ");
                self.out.push_str(&local_name(v));
            }
            _ => self
                .out
                .push_str(&local_name(names.last().map_or("", String::as_str))),
        }
        self.out.push_str(if names.len() == 2 {
            " in _pairs("
        } else {
            " in _values("
        });
        // `_values` and `_pairs` refuse undefined.
        self.emit_refusing_undefined(&iteratee)?;
        // The items are read once, before the loop assigns anything.
        self.rebind_globally(start);
        self.scope.loop_depth += 1;
        self.out.push_str(") %}");
        if forelse {
            let _ = write!(self.out, "{{% set {empty_flag}.empty = false %}}");
        }
        // `$loop` becomes `_loopN`, which the body only needs when `$loop` is read.
        let depth = self.scope.loop_depth;
        self.unless_fast(!self.loop_read_after(start), |out| {
            out.push_str("{% set ");
            out.push_str(&loop_alias(depth));
            out.push_str(" = loop %}");
        });
        // Each iteration copies its variables into `_g`, where whatever runs after it reads
        // them; the body reads the locals until a loop that may assign them again has begun.
        let from = self.outermost_loop();
        for (i, name) in names.iter().enumerate() {
            let ident = local_name(name);
            // `$k => $k` names one variable.
            if !names.get(..i).unwrap_or(&[]).contains(name) {
                let Ok(field) = self.fields.binary_search_by(|(f, _)| f.cmp(&ident)) else {
                    return Err(Failure::new(
                        FailureKind::Syntax,
                        "internal error: a loop variable the translator did not foresee",
                        start,
                        end,
                    ));
                };
                let at = self.out.len();
                for piece in ["{% set ", GLOBALS, ".", &ident, " = ", &ident, " %}"] {
                    self.out.push_str(piece);
                }
                self.copies.push(LoopCopy::Write { field, from });
                self.unless_read(self.copies.len() - 1, at);
            }
            self.scope
                .bindings
                .push((name.clone(), Binding::Local(ident)));
        }
        if let Some(Block::Foreach {
            empty_flag: flag, ..
        }) = self.blocks.last_mut()
        {
            *flag = empty_flag;
        }
        Ok(())
    }

    /// `@for (init; condition; step)`: a bounded loop over `_forever()` (fuel ends runaway
    /// loops), with the assigned variables in a minijinja namespace.
    pub(super) fn for_loop(
        &mut self,
        args: Option<(usize, usize)>,
        start: usize,
        end: usize,
    ) -> Result<(), Failure> {
        let (a, b) = self.require_args("for", args, start, end)?;
        let mut p = Parser::new(self.code, a, b, self.settings.max_nesting)?;
        let init = p.expr_list(Some(";"))?;
        p.expect(";")?;
        let cond = p.expr_list(Some(";"))?;
        p.expect(";")?;
        let step = p.expr_list(None)?;
        if !p.at_eof() {
            return p.unexpected("");
        }
        for e in init.iter().chain(&cond).chain(&step) {
            self.collect_reads(e);
        }
        self.counter += 1;
        let ns = format!("_f{}", self.counter);
        for e in init.iter().chain(&step) {
            if let Kind::Assign(target, ..) | Kind::IncDec(target, _) = &e.kind {
                if matches!(&target.kind, Kind::Var(v) if v == "loop") {
                    return Err(Failure::new(
                        FailureKind::Syntax,
                        "assigning $loop in a @for header is not supported",
                        target.start,
                        target.end,
                    ));
                }
            }
        }
        self.push_block(
            Block::For {
                start,
                out: self.out.len(),
            },
            start,
        )?;
        // The header's variables live in `_g`, from the initialiser (which reads what they held
        // before) on.
        self.rebind_globally(start);
        let _ = write!(self.out, "{{% set {ns} = _namespace(started=false) %}}");
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
        let Some(Binding::Field { namespace, field }) = self
            .scope
            .lookup(name)
            .filter(|b| matches!(b, Binding::Field { namespace, .. } if namespace == GLOBALS))
            .cloned()
        else {
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
        // A loop is the only way to nest arrays without bound: `_assign` refuses a value nested
        // deeper than the render allows.
        let checked = matches!(op, None | Some(expr::BinOp::Coalesce)) && may_hold_array(value);
        if checked {
            self.out.push_str("_assign(");
        }
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
        if checked {
            self.out.push_str(", ");
            crate::blade::emit::string_literal(&mut self.out, name);
            self.out.push(')');
        }
        self.out.push_str(" %}");
        Ok(())
    }

    pub(super) fn loop_control(
        &mut self,
        name: &str,
        args: Option<(usize, usize)>,
        start: usize,
        end: usize,
    ) -> Result<(), Failure> {
        // The blocks `break` and `continue` can leave, innermost first.
        let mut targets = self
            .blocks
            .iter()
            .rev()
            .filter(|b| !matches!(b, Block::If { .. } | Block::ForelseEmpty { .. }));
        let Some(target) = targets.next() else {
            return Err(Failure::new(
                FailureKind::Syntax,
                format!("'{name}' not in the 'loop' or 'switch' context"),
                start,
                end,
            ));
        };
        // PHP refuses, when it compiles the template, a `continue` whose target is a switch, and
        // suggests `continue 2` only when there is something around the switch to continue.
        if name == "continue" && matches!(target, Block::Switch { .. }) {
            let message = if targets.next().is_some() {
                "\"continue\" targeting switch is equivalent to \"break\". Did you mean to use \"continue 2\"?"
            } else {
                "\"continue\" targeting switch is equivalent to \"break\""
            };
            return Err(Failure::new(FailureKind::Syntax, message, start, end));
        }
        let tag = if name == "break" {
            "{% break %}"
        } else {
            "{% continue %}"
        };
        let Some((a, b)) = args else {
            self.out.push_str(tag);
            return Ok(());
        };
        let inner = self.code_slice(a, b).trim();
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

/// Points a parsed tree (and its subtrees) at one Blade range.
fn relocate(e: &mut Expr, start: usize, end: usize) {
    e.start = start;
    e.end = end;
    match &mut e.kind {
        Kind::Interp(v) | Kind::Concat(v) | Kind::Call(_, v) | Kind::Isset(v) => {
            v.iter_mut().for_each(|c| relocate(c, start, end))
        }
        Kind::Index(a, b) => {
            relocate(a, start, end);
            if let Some(b) = b {
                relocate(b, start, end);
            }
        }
        Kind::Prop(a, _, _)
        | Kind::Empty(a)
        | Kind::Unary(_, a)
        | Kind::Cast(_, a)
        | Kind::IncDec(a, _) => relocate(a, start, end),
        Kind::Array(entries) => {
            for (k, v) in entries {
                if let Some(k) = k {
                    relocate(k, start, end);
                }
                relocate(v, start, end);
            }
        }
        Kind::Binary(_, a, b) | Kind::Assign(a, _, b) => {
            relocate(a, start, end);
            relocate(b, start, end);
        }
        Kind::Ternary(a, b, c) => {
            relocate(a, start, end);
            if let Some(b) = b {
                relocate(b, start, end);
            }
            relocate(c, start, end);
        }
        _ => {}
    }
}

/// Whether `e` can evaluate to an array: only scalars come out of literals, operators other than
/// `??`, and casts other than `(array)`.
fn may_hold_array(e: &Expr) -> bool {
    match &e.kind {
        _ if e.is_scalar_literal() => false,
        Kind::Interp(_)
        | Kind::Concat(_)
        | Kind::Isset(_)
        | Kind::Empty(_)
        | Kind::Unary(..)
        | Kind::IncDec(..) => false,
        Kind::Binary(op, ..) => *op == expr::BinOp::Coalesce,
        Kind::Cast(cast, _) => *cast == expr::Cast::Array,
        _ => true,
    }
}
