//! PHP expressions: the AST and a Pratt parser with PHP 8's precedence and associativity.
//!
//! The parser is depth-checked: both its recursion and the height of the tree it builds are
//! bounded by the nesting limit, so that hostile input is a `Limit` error, not a stack overflow.

use std::borrow::Cow;

use super::lex::{Lexer, Piece, Spanned, Tok};
use super::{Failure, FailureKind};

#[derive(Clone, Debug, PartialEq)]
pub struct Expr<'a> {
    pub kind: Kind<'a>,
    pub start: usize,
    pub end: usize,
    /// Written inside parentheses (PHP 8 refuses some unparenthesized nestings).
    pub parens: bool,
    pub height: usize,
}

impl Expr<'_> {
    /// A literal scalar or a named constant: `null`, `true`, `1`, `1.5`, `'a'`, `PHP_EOL`.
    pub fn is_scalar_literal(&self) -> bool {
        matches!(
            self.kind,
            Kind::Null
                | Kind::Bool(_)
                | Kind::Int(_)
                | Kind::Float(_)
                | Kind::Str(_)
                | Kind::Const(_)
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Concat,
    Eq,
    Ne,
    Ident,
    NotIdent,
    Lt,
    Gt,
    Le,
    Ge,
    Cmp,
    And,
    Or,
    Xor,
    Coalesce,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
    Pos,
    /// `@`: PHP's warnings go unreported while the operand runs.
    Silence,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cast {
    Int,
    Float,
    String,
    Bool,
    Array,
}

/// Names and strings borrow from the source where it spells them exactly (no escapes), so
/// that the commonest expressions allocate nothing for them.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    /// A double-quoted string with interpolation: text pieces are `Str` nodes.
    Interp(Vec<Expr<'a>>),
    /// `a . b . …`: a chain of `.`, flat (an operand in parentheses is a chain of its own). A
    /// chain nests nothing, so it is not held to the nesting limit, however long.
    Concat(Vec<Expr<'a>>),
    Var(Cow<'a, str>),
    Const(String),
    /// `$a[k]`; `None` for `$a[]`.
    Index(Box<Expr<'a>>, Option<Box<Expr<'a>>>),
    /// `$a->name`, or `$a?->name` (nullsafe: null when `$a` is null) when the flag is set.
    Prop(Box<Expr<'a>>, String, bool),
    /// A call of a named function (name as written).
    Call(String, Vec<Expr<'a>>),
    Isset(Vec<Expr<'a>>),
    Empty(Box<Expr<'a>>),
    Array(Vec<(Option<Expr<'a>>, Expr<'a>)>),
    Unary(UnOp, Box<Expr<'a>>),
    Binary(BinOp, Box<Expr<'a>>, Box<Expr<'a>>),
    /// `c ? a : b`, or `c ?: b` when the middle is `None`.
    Ternary(Box<Expr<'a>>, Option<Box<Expr<'a>>>, Box<Expr<'a>>),
    Cast(Cast, Box<Expr<'a>>),
    /// `$v = e`, `$v += e` (the operator), …
    Assign(Box<Expr<'a>>, Option<BinOp>, Box<Expr<'a>>),
    /// `$v++`, `--$v`, …: `true` for increment.
    IncDec(Box<Expr<'a>>, bool),
}

/// The most arguments one call may pass: minijinja's own bound, which its call instruction needs.
pub const MAX_ARGUMENTS: usize = 2000;

const SUPERGLOBALS: &[&str] = &[
    "GLOBALS", "_SERVER", "_GET", "_POST", "_FILES", "_COOKIE", "_SESSION", "_REQUEST", "_ENV",
];

const REFUSED_KEYWORDS: &[&str] = &[
    "new",
    "clone",
    "fn",
    "function",
    "static",
    "print",
    "echo",
    "exit",
    "die",
    "eval",
    "include",
    "include_once",
    "require",
    "require_once",
    "yield",
    "throw",
    "match",
    "list",
    "global",
];

pub struct Parser<'a> {
    toks: Vec<Spanned>,
    pos: usize,
    src: &'a str,
    depth: usize,
    max_nesting: usize,
}

fn sandbox<T>(message: impl Into<String>, start: usize, end: usize) -> Result<T, Failure> {
    Err(Failure::new(FailureKind::Sandbox, message, start, end))
}

fn syntax<T>(message: impl Into<String>, start: usize, end: usize) -> Result<T, Failure> {
    Err(Failure::new(FailureKind::Syntax, message, start, end))
}

/// Binding powers of infix operators: (left, right, nonassoc).
fn infix(op: &str) -> Option<(u8, u8, bool)> {
    // Byte strings: matched by length and bytes, where string patterns compare one arm at a time.
    Some(match op.as_bytes() {
        b"or" => (2, 3, false),
        b"xor" => (4, 5, false),
        b"and" => (6, 7, false),
        b"=" | b"+=" | b"-=" | b"*=" | b"/=" | b".=" | b"%=" | b"**=" | b"??=" => (9, 8, false),
        b"?" | b"?:" => (10, 11, false),
        b"??" => (13, 12, false),
        b"||" => (14, 15, false),
        b"&&" => (16, 17, false),
        b"|" => (18, 19, false),
        b"^" => (20, 21, false),
        b"&" => (22, 23, false),
        b"==" | b"!=" | b"<>" | b"===" | b"!==" | b"<=>" => (24, 25, true),
        b"<" | b"<=" | b">" | b">=" => (26, 27, true),
        b"." => (28, 29, false),
        b"<<" | b">>" => (30, 31, false),
        b"+" | b"-" => (32, 33, false),
        b"*" | b"/" | b"%" => (34, 35, false),
        b"instanceof" => (38, 39, false),
        b"**" => (43, 42, false),
        _ => return None,
    })
}
const NOT_BP: u8 = 36;
const UNARY_BP: u8 = 40;

fn binop(op: &str) -> Option<BinOp> {
    Some(match op.as_bytes() {
        b"+" | b"+=" => BinOp::Add,
        b"-" | b"-=" => BinOp::Sub,
        b"*" | b"*=" => BinOp::Mul,
        b"/" | b"/=" => BinOp::Div,
        b"%" | b"%=" => BinOp::Mod,
        b"**" | b"**=" => BinOp::Pow,
        b"." | b".=" => BinOp::Concat,
        b"==" => BinOp::Eq,
        b"!=" | b"<>" => BinOp::Ne,
        b"===" => BinOp::Ident,
        b"!==" => BinOp::NotIdent,
        b"<" => BinOp::Lt,
        b">" => BinOp::Gt,
        b"<=" => BinOp::Le,
        b">=" => BinOp::Ge,
        b"<=>" => BinOp::Cmp,
        b"&&" | b"and" => BinOp::And,
        b"||" | b"or" => BinOp::Or,
        b"xor" => BinOp::Xor,
        b"??" | b"??=" => BinOp::Coalesce,
        b"&" => BinOp::BitAnd,
        b"|" => BinOp::BitOr,
        b"^" => BinOp::BitXor,
        b"<<" => BinOp::Shl,
        b">>" => BinOp::Shr,
        _ => return None,
    })
}

impl<'a> Parser<'a> {
    /// Tokenizes `src[start..end]`.
    pub fn new(
        src: &'a str,
        start: usize,
        end: usize,
        max_nesting: usize,
    ) -> Result<Self, Failure> {
        let toks = Lexer::new(src, start, end).tokenize()?;
        Ok(Parser {
            toks,
            pos: 0,
            src,
            depth: 0,
            max_nesting,
        })
    }

    #[inline]
    fn peek(&self) -> &Spanned {
        // `tokenize` always ends with `Eof`, and `bump` never moves past it.
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn peek_at(&self, n: usize) -> &Spanned {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)]
    }

    fn bump(&mut self) -> Spanned {
        let t = self.peek().clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    /// [`bump`](Self::bump) without cloning names and strings: a name, number or string token is
    /// consumed for good (only operators and the end are looked at again, by
    /// [`unexpected_at`](Self::unexpected_at)), so it is moved out and an operator left in its place.
    fn take(&mut self) -> Spanned {
        let owned = matches!(
            self.peek().tok,
            Tok::Var(_) | Tok::Ident(_) | Tok::Str(_) | Tok::Text(_) | Tok::Int(_) | Tok::Float(_)
        ) && self.pos + 1 < self.toks.len();
        if !owned {
            return self.bump();
        }
        let placeholder = Tok::Op("$");
        let t = match self.toks.get_mut(self.pos) {
            Some(slot) => Spanned {
                tok: std::mem::replace(&mut slot.tok, placeholder),
                start: slot.start,
                end: slot.end,
            },
            None => return self.bump(),
        };
        self.pos += 1;
        t
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(&self.peek().tok, Tok::Op(o) if *o == op)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        let yes = self.is_op(op);
        if yes {
            self.bump();
        }
        yes
    }

    fn expect_op(&mut self, op: &str) -> Result<Spanned, Failure> {
        if self.is_op(op) {
            Ok(self.bump())
        } else {
            self.unexpected(&format!("\"{op}\""))
        }
    }

    pub fn at_eof(&self) -> bool {
        self.peek().tok == Tok::Eof
    }

    pub fn unexpected<T>(&self, expecting: &str) -> Result<T, Failure> {
        let t = self.peek();
        let what = match &t.tok {
            Tok::Eof => "end of file".to_string(),
            Tok::Var(v) => format!("variable \"${v}\""),
            Tok::Ident(i) => format!("identifier \"{i}\""),
            Tok::Int(_) | Tok::Float(_) => "number".to_string(),
            Tok::Str(_) | Tok::Text(_) => "string".to_string(),
            Tok::Op(o) => format!("token \"{o}\""),
        };
        let message = if expecting.is_empty() {
            format!("syntax error, unexpected {what}")
        } else {
            format!("syntax error, unexpected {what}, expecting {expecting}")
        };
        syntax(message, t.start, t.end.max(t.start + 1))
    }

    fn too_deep(&self, start: usize, end: usize) -> Failure {
        Failure::new(
            FailureKind::Limit,
            format!(
                "expression nesting exceeds the limit of {} levels",
                self.max_nesting
            ),
            start,
            end,
        )
    }

    fn node(&self, kind: Kind<'a>, start: usize, end: usize) -> Result<Expr<'a>, Failure> {
        let height = 1 + max_child_height(&kind);
        if height > self.max_nesting {
            return Err(self.too_deep(start, end));
        }
        Ok(Expr {
            kind,
            start,
            end,
            parens: false,
            height,
        })
    }

    fn enter(&mut self) -> Result<(), Failure> {
        self.depth += 1;
        if self.depth > self.max_nesting {
            let t = self.peek();
            return Err(Failure::new(
                FailureKind::Limit,
                format!(
                    "expression nesting exceeds the limit of {} levels",
                    self.max_nesting
                ),
                t.start,
                t.end.max(t.start + 1),
            ));
        }
        Ok(())
    }

    /// A whole expression that must use up all tokens.
    pub fn parse_complete(mut self) -> Result<Expr<'a>, Failure> {
        let e = self.expr(0)?;
        if !self.at_eof() {
            return self.unexpected("");
        }
        Ok(e)
    }

    /// Comma-separated expressions up to `stop` (an operator) or the end.
    pub fn expr_list(&mut self, stop: Option<&str>) -> Result<Vec<Expr<'a>>, Failure> {
        let mut out = Vec::new();
        loop {
            if self.at_eof() || stop.is_some_and(|s| self.is_op(s)) {
                return Ok(out);
            }
            out.push(self.expr(0)?);
            if !self.eat_op(",") {
                return Ok(out);
            }
        }
    }

    pub fn expect(&mut self, op: &str) -> Result<(), Failure> {
        self.expect_op(op).map(|_| ())
    }

    pub fn expr(&mut self, min_bp: u8) -> Result<Expr<'a>, Failure> {
        self.enter()?;
        let result = self.expr_inner(min_bp);
        self.depth -= 1;
        result
    }

    fn expr_inner(&mut self, min_bp: u8) -> Result<Expr<'a>, Failure> {
        let lhs = self.prefix()?;
        self.expr_from(min_bp, lhs)
    }

    fn expr_from(&mut self, min_bp: u8, mut lhs: Expr<'a>) -> Result<Expr<'a>, Failure> {
        loop {
            let (op, op_start, op_end) = match &self.peek().tok {
                Tok::Op(o) => (*o, self.peek().start, self.peek().end),
                Tok::Ident(w) => {
                    let Some(word) = ["and", "or", "xor", "instanceof"]
                        .into_iter()
                        .find(|k| w.eq_ignore_ascii_case(k))
                    else {
                        break;
                    };
                    (word, self.peek().start, self.peek().end)
                }
                _ => break,
            };
            let Some((l_bp, r_bp, nonassoc)) = infix(op) else {
                break;
            };
            if l_bp < min_bp {
                break;
            }
            self.bump();
            lhs = match op {
                "?" | "?:" => self.ternary(lhs, op == "?:", r_bp)?,
                "instanceof" => return sandbox("instanceof is not supported", op_start, op_end),
                _ if op.ends_with('=') && infix(op).is_some_and(|b| b.0 == 9) => {
                    if !matches!(lhs.kind, Kind::Var(_)) || lhs.parens {
                        return syntax(
                            "assignment needs a variable on its left",
                            lhs.start,
                            op_end,
                        );
                    }
                    let rhs = self.expr(r_bp)?;
                    let (start, end) = (lhs.start, rhs.end);
                    let kind_op = if op == "=" { None } else { binop(op) };
                    self.node(
                        Kind::Assign(Box::new(lhs), kind_op, Box::new(rhs)),
                        start,
                        end,
                    )?
                }
                "." => {
                    let rhs = self.expr(r_bp)?;
                    self.concat(lhs, rhs)?
                }
                _ => {
                    let rhs = self.expr(r_bp)?;
                    let Some(bop) = binop(op) else {
                        return syntax(
                            format!("the operator {op} is not supported"),
                            op_start,
                            op_end,
                        );
                    };
                    let (start, end) = (lhs.start, rhs.end);
                    let node =
                        self.node(Kind::Binary(bop, Box::new(lhs), Box::new(rhs)), start, end)?;
                    if nonassoc {
                        if let Tok::Op(next) = &self.peek().tok {
                            if infix(next).is_some_and(|b| b.0 == l_bp) {
                                return self.unexpected("");
                            }
                        }
                    }
                    node
                }
            };
        }
        Ok(lhs)
    }

    /// `lhs . rhs`: `rhs` joins `lhs`'s chain, unless `lhs` is in parentheses.
    fn concat(&self, mut lhs: Expr<'a>, rhs: Expr<'a>) -> Result<Expr<'a>, Failure> {
        if lhs.parens || !matches!(lhs.kind, Kind::Concat(_)) {
            let (start, end) = (lhs.start, rhs.end);
            return self.node(Kind::Concat(vec![lhs, rhs]), start, end);
        }
        // The height as `node` computes it, without walking the chain again for every operand.
        let height = lhs.height.max(1 + rhs.height);
        if height > self.max_nesting {
            return Err(self.too_deep(lhs.start, rhs.end));
        }
        lhs.end = rhs.end;
        lhs.height = height;
        if let Kind::Concat(parts) = &mut lhs.kind {
            parts.push(rhs);
        }
        Ok(lhs)
    }

    fn ternary(&mut self, cond: Expr<'a>, short: bool, r_bp: u8) -> Result<Expr<'a>, Failure> {
        if let Kind::Ternary(_, middle, _) = &cond.kind {
            if !cond.parens && (!short || middle.is_some()) {
                return syntax(
                    "Unparenthesized `a ? b : c ? d : e` is not supported. Use either `(a ? b : c) ? d : e` or `a ? b : (c ? d : e)`",
                    cond.start,
                    cond.end,
                );
            }
        }
        let middle = if short {
            None
        } else {
            let m = self.expr(0)?;
            self.expect_op(":")?;
            Some(m)
        };
        let other = self.expr(r_bp)?;
        if let (Some(_), Kind::Ternary(..)) = (&middle, &other.kind) {
            // `a ? b : c ? d : e` parsed right-nested only through parentheses.
        }
        let (start, end) = (cond.start, other.end);
        let mut children = vec![&cond, &other];
        if let Some(m) = &middle {
            children.push(m);
        }
        let kind = Kind::Ternary(Box::new(cond), middle.map(Box::new), Box::new(other));
        self.node(kind, start, end)
    }

    fn prefix(&mut self) -> Result<Expr<'a>, Failure> {
        let t = self.take();
        let start = t.start;
        let base = match t.tok {
            Tok::Op("!") => return self.unary(UnOp::Not, start, NOT_BP),
            Tok::Op("-") => return self.unary(UnOp::Neg, start, UNARY_BP),
            Tok::Op("+") => return self.unary(UnOp::Pos, start, UNARY_BP),
            Tok::Op("@") => return self.unary(UnOp::Silence, start, UNARY_BP),
            Tok::Op("~") => return syntax("the operator ~ is not supported", start, t.end),
            Tok::Op("&") => return syntax("references are not supported", start, t.end),
            Tok::Op(op @ ("++" | "--")) => {
                let target = self.expr(UNARY_BP)?;
                let end = target.end;
                return self.node(Kind::IncDec(Box::new(target), op == "++"), start, end);
            }
            Tok::Op("(") => {
                if let Some(cast) = self.cast()? {
                    let inner = self.expr(UNARY_BP)?;
                    let end = inner.end;
                    return self.node(Kind::Cast(cast, Box::new(inner)), start, end);
                }
                let mut inner = self.expr(0)?;
                let close = self.expect_op(")")?;
                inner.parens = true;
                inner.start = start;
                inner.end = close.end;
                inner
            }
            Tok::Op("[") => self.array(start, "]")?,
            Tok::Op("$") => return sandbox("variable variables are not allowed", start, t.end + 1),
            Tok::Op("\\") => return self.prefix(),
            Tok::Var(name) => self.variable(name, start, t.end)?,
            Tok::Int(v) => self.node(Kind::Int(v), start, t.end)?,
            Tok::Float(v) => self.node(Kind::Float(v), start, t.end)?,
            Tok::Str(pieces) => self.string(pieces, start, t.end)?,
            Tok::Text(text) => self.node(Kind::Str(Cow::Owned(text)), start, t.end)?,
            Tok::Ident(name) => self.identifier(name, start, t.end)?,
            Tok::Eof => return self.unexpected_at(&t),
            Tok::Op(_) => return self.unexpected_at(&t),
        };
        self.postfix(base)
    }

    fn unexpected_at<T>(&mut self, t: &Spanned) -> Result<T, Failure> {
        if self.pos > 0 && t.tok != Tok::Eof {
            self.pos -= 1;
        }
        self.unexpected("")
    }

    fn unary(&mut self, op: UnOp, start: usize, bp: u8) -> Result<Expr<'a>, Failure> {
        let inner = self.expr(bp)?;
        let end = inner.end;
        // Fold `-7` so that number literals print as PHP prints them.
        match (op, &inner.kind) {
            (UnOp::Neg, Kind::Int(v)) if !inner.parens => {
                if let Some(n) = v.checked_neg() {
                    return self.node(Kind::Int(n), start, end);
                }
            }
            (UnOp::Neg, Kind::Float(v)) if !inner.parens => {
                return self.node(Kind::Float(-v), start, end);
            }
            _ => {}
        }
        self.node(Kind::Unary(op, Box::new(inner)), start, end)
    }

    fn cast(&mut self) -> Result<Option<Cast>, Failure> {
        let Tok::Ident(word) = &self.peek().tok else {
            return Ok(None);
        };
        if !matches!(&self.peek_at(1).tok, Tok::Op(")")) {
            return Ok(None);
        }
        let cast = match word.to_ascii_lowercase().as_str() {
            "int" | "integer" => Cast::Int,
            "float" | "double" => Cast::Float,
            "string" | "binary" => Cast::String,
            "bool" | "boolean" => Cast::Bool,
            "array" => Cast::Array,
            // PHP 8's compiler refuses it.
            "real" => {
                let (start, end) = (self.peek().start, self.peek_at(1).end);
                return syntax(
                    "The (real) cast has been removed, use (float) instead",
                    start,
                    end,
                );
            }
            _ => return Ok(None),
        };
        self.bump();
        self.bump();
        Ok(Some(cast))
    }

    fn variable(&mut self, name: String, start: usize, end: usize) -> Result<Expr<'a>, Failure> {
        if name == "this" {
            return sandbox("$this is not available in templates", start, end);
        }
        // Laravel shares the application with every view as `$app`, which the sandbox has no
        // equivalent of: refused rather than read as an undefined variable.
        if name == "app" {
            return sandbox(
                "$app (Laravel's application, shared with every view) is not available in templates",
                start,
                end,
            );
        }
        // Every superglobal starts with `_` or `G`: most names are ruled out by one byte.
        if (name.starts_with(['_', 'G']) && SUPERGLOBALS.contains(&name.as_str()))
            || name.starts_with("__")
        {
            return sandbox(format!("${name} is not available in templates"), start, end);
        }
        self.node(Kind::Var(Cow::Owned(name)), start, end)
    }

    fn identifier(&mut self, name: String, start: usize, end: usize) -> Result<Expr<'a>, Failure> {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "true" => return self.node(Kind::Bool(true), start, end),
            "false" => return self.node(Kind::Bool(false), start, end),
            "null" => return self.node(Kind::Null, start, end),
            _ => {}
        }
        if self.is_op("::") {
            return sandbox(
                format!("static calls ({name}::…) are not allowed"),
                start,
                self.peek().end,
            );
        }
        if REFUSED_KEYWORDS.contains(&lower.as_str()) {
            return sandbox(
                format!("\"{name}\" is not allowed in templates"),
                start,
                end,
            );
        }
        if !self.is_op("(") {
            return self.node(Kind::Const(name), start, end);
        }
        let open = self.bump();
        match lower.as_str() {
            "array" => {
                return self.array(open.start, ")").map(|mut e| {
                    e.start = start;
                    e
                });
            }
            "isset" => {
                // No call in the translation: `isset()` takes any number of arguments.
                let args = self.call_args(usize::MAX)?;
                let close = self.expect_op(")")?;
                if args.is_empty() {
                    return syntax(
                        "syntax error, isset() needs at least one argument",
                        start,
                        close.end,
                    );
                }
                for a in &args {
                    if !is_variable_like(a) {
                        return syntax(
                            "Cannot use isset() on the result of an expression (you can use \"null !== expression\" instead)",
                            a.start,
                            a.end,
                        );
                    }
                }
                return self.node(Kind::Isset(args), start, close.end);
            }
            "empty" => {
                let args = self.call_args(MAX_ARGUMENTS)?;
                let close = self.expect_op(")")?;
                let [arg] = <[Expr<'a>; 1]>::try_from(args).map_err(|_| {
                    Failure::new(
                        FailureKind::Syntax,
                        "syntax error, empty() takes exactly one argument",
                        start,
                        close.end,
                    )
                })?;
                return self.node(Kind::Empty(Box::new(arg)), start, close.end);
            }
            _ => {}
        }
        let args = self.call_args(MAX_ARGUMENTS)?;
        let close = self.expect_op(")")?;
        self.node(Kind::Call(name, args), start, close.end)
    }

    fn call_args(&mut self, most: usize) -> Result<Vec<Expr<'a>>, Failure> {
        let mut args = Vec::new();
        while !self.is_op(")") {
            if self.is_op("...") {
                let t = self.peek();
                return syntax("argument unpacking (...) is not supported", t.start, t.end);
            }
            if matches!(self.peek().tok, Tok::Ident(_))
                && matches!(self.peek_at(1).tok, Tok::Op(":"))
            {
                let t = self.peek();
                return syntax("named arguments are not supported", t.start, t.end);
            }
            if args.len() == most {
                let t = self.peek();
                return Err(Failure::new(
                    FailureKind::Limit,
                    format!("a call takes at most {MAX_ARGUMENTS} arguments"),
                    t.start,
                    t.end.max(t.start + 1),
                ));
            }
            args.push(self.expr(0)?);
            if !self.eat_op(",") {
                break;
            }
        }
        Ok(args)
    }

    fn array(&mut self, start: usize, close: &str) -> Result<Expr<'a>, Failure> {
        let mut entries: Vec<(Option<Expr<'a>>, Expr<'a>)> = Vec::new();
        while !self.is_op(close) {
            if self.is_op("...") {
                let t = self.peek();
                return syntax("array unpacking (...) is not supported", t.start, t.end);
            }
            let first = self.expr(0)?;
            if self.eat_op("=>") {
                let value = self.expr(0)?;
                entries.push((Some(first), value));
            } else {
                entries.push((None, first));
            }
            if !self.eat_op(",") {
                break;
            }
        }
        let end = self.expect_op(close)?.end;
        self.node(Kind::Array(entries), start, end)
    }

    fn postfix(&mut self, mut base: Expr<'a>) -> Result<Expr<'a>, Failure> {
        loop {
            // Only operators continue a postfix chain, and they are cheap to copy (names and
            // strings are not).
            let t = match &self.peek().tok {
                Tok::Op(op) => Spanned {
                    tok: Tok::Op(op),
                    start: self.peek().start,
                    end: self.peek().end,
                },
                _ => return Ok(base),
            };
            let Tok::Op(op) = t.tok else {
                return Ok(base);
            };
            // PHP's grammar cannot subscript a bare number (`1[0]`), only `(1)[0]`.
            if matches!(base.kind, Kind::Int(_) | Kind::Float(_))
                && !base.parens
                && matches!(op, "[" | "->" | "?->")
            {
                return syntax(
                    format!("syntax error, unexpected token \"{op}\""),
                    t.start,
                    t.end,
                );
            }
            match op.as_bytes() {
                b"[" => {
                    self.bump();
                    let key = if self.is_op("]") {
                        None
                    } else {
                        Some(self.expr(0)?)
                    };
                    let end = self.expect_op("]")?.end;
                    let start = base.start;
                    base = self.node(Kind::Index(Box::new(base), key.map(Box::new)), start, end)?;
                }
                b"{" => {
                    return syntax(
                        "array and string offset access syntax with curly braces is no longer supported",
                        t.start,
                        t.end,
                    );
                }
                b"->" | b"?->" => {
                    self.bump();
                    let name_tok = self.bump();
                    let Tok::Ident(name) = name_tok.tok else {
                        return sandbox(
                            "dynamic property access is not allowed",
                            t.start,
                            name_tok.end,
                        );
                    };
                    if self.is_op("(") {
                        return sandbox(
                            format!("method calls ({op}{name}()) are not allowed"),
                            t.start,
                            name_tok.end,
                        );
                    }
                    let start = base.start;
                    let nullsafe = op == "?->";
                    base = self.node(
                        Kind::Prop(Box::new(base), name, nullsafe),
                        start,
                        name_tok.end,
                    )?;
                }
                b"::" => {
                    return sandbox("static access (::) is not allowed", t.start, t.end);
                }
                b"(" => {
                    return sandbox(
                        "calling a value as a function is not allowed",
                        base.start,
                        t.end,
                    );
                }
                b"++" | b"--" => {
                    self.bump();
                    let start = base.start;
                    base = self.node(Kind::IncDec(Box::new(base), op == "++"), start, t.end)?;
                }
                _ => return Ok(base),
            }
        }
    }

    fn string(
        &mut self,
        pieces: Vec<Piece>,
        start: usize,
        end: usize,
    ) -> Result<Expr<'a>, Failure> {
        if let [Piece::Text(_)] = pieces.as_slice() {
            if let Some(Piece::Text(text)) = pieces.into_iter().next() {
                return self.node(Kind::Str(Cow::Owned(text)), start, end);
            }
            return self.node(Kind::Str(Cow::Borrowed("")), start, end);
        }
        let mut parts = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Text(text) => {
                    parts.push(self.node(Kind::Str(Cow::Owned(text)), start, end)?)
                }
                Piece::Expr {
                    start: s,
                    end: e,
                    simple: false,
                } => {
                    let mut sub = Parser::new(self.src, s, e, self.max_nesting)?;
                    sub.depth = self.depth;
                    parts.push(sub.parse_complete()?);
                }
                Piece::Expr {
                    start: s,
                    end: e,
                    simple: true,
                } => parts.push(self.simple_interpolation(s, e)?),
            }
        }
        self.node(Kind::Interp(parts), start, end)
    }

    /// `"$name"`, `"$name[key]"`, `"$name[0]"`, `"$name[$i]"`, `"$name->prop"`.
    fn simple_interpolation(&mut self, s: usize, e: usize) -> Result<Expr<'a>, Failure> {
        let text = self.src.get(s..e).unwrap_or("");
        let body = text.get(1..).unwrap_or("");
        let name_len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii()))
            .unwrap_or(body.len());
        let name = body.get(..name_len).unwrap_or("").to_string();
        let var_end = s + 1 + name_len;
        let var = self.variable(name, s, var_end)?;
        let rest = body.get(name_len..).unwrap_or("");
        if let Some(prop) = rest.strip_prefix("->") {
            return self.node(Kind::Prop(Box::new(var), prop.to_string(), false), s, e);
        }
        let Some(key) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) else {
            return Ok(var);
        };
        let key_start = var_end + 1;
        let key_expr = if let Some(v) = key.strip_prefix('$') {
            self.variable(v.to_string(), key_start, key_start + key.len())?
        } else if !key.is_empty()
            && (key.chars().all(|c| c.is_ascii_digit())
                || (key.starts_with('-')
                    && key.len() > 1
                    && key[1..].chars().all(|c| c.is_ascii_digit())))
            && (key == "0" || !key.trim_start_matches('-').starts_with('0'))
        {
            match key.parse::<i64>() {
                Ok(n) => self.node(Kind::Int(n), key_start, key_start + key.len())?,
                Err(_) => self.node(
                    Kind::Str(Cow::Owned(key.to_string())),
                    key_start,
                    key_start + key.len(),
                )?,
            }
        } else if !is_offset_word(key) {
            // PHP's lexer takes a name, a number or a variable there, nothing else (no
            // quotes, no blanks).
            return syntax(
                "syntax error, unexpected string content, expecting \"-\" or identifier or variable or number",
                key_start,
                key_start + key.len().max(1),
            );
        } else {
            self.node(
                Kind::Str(Cow::Owned(key.to_string())),
                key_start,
                key_start + key.len(),
            )?
        };
        self.node(Kind::Index(Box::new(var), Some(Box::new(key_expr))), s, e)
    }
}

/// What `isset()` accepts: variables, array accesses and property fetches.
pub fn is_variable_like(e: &Expr<'_>) -> bool {
    matches!(e.kind, Kind::Var(_) | Kind::Index(..) | Kind::Prop(..))
}

/// Parses one complete expression from `src[start..end]`.
pub fn parse(src: &str, start: usize, end: usize, max_nesting: usize) -> Result<Expr<'_>, Failure> {
    if let Some(e) = plain_read(src, start, end, max_nesting) {
        return Ok(e);
    }
    Parser::new(src, start, end, max_nesting)?.parse_complete()
}

/// A key `"$a[key]"` may spell without quotes: a name, or a number as PHP's lexer reads one
/// (decimal, `0x`, `0b`, `0o`, with `_` between digits; `-` first allowed).
fn is_offset_word(key: &str) -> bool {
    let number = key.strip_prefix('-').unwrap_or(key);
    let (radix, digits) = match number.get(..2).map(str::to_ascii_lowercase).as_deref() {
        Some("0x") => (16, number.get(2..).unwrap_or("")),
        Some("0b") => (2, number.get(2..).unwrap_or("")),
        Some("0o") => (8, number.get(2..).unwrap_or("")),
        _ => (10, number),
    };
    if !digits.is_empty()
        && digits
            .split('_')
            .all(|run| !run.is_empty() && run.chars().all(|c| c.is_digit(radix)))
    {
        return true;
    }
    key.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b >= 0x80)
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
}

/// `$name['key']…` written without blanks, escapes or non-ASCII names: most expressions of a
/// template. Built here as the parser builds it (same nodes, ranges and heights) without
/// tokenizing first; `None` for anything else, which the parser then reads (and reports).
pub fn plain_read(src: &str, start: usize, end: usize, max_nesting: usize) -> Option<Expr<'_>> {
    // The parser's own limits: its depth reaches 2 inside `[…]`, and a node's height counts.
    if max_nesting < 2 {
        return None;
    }
    let code = src.as_bytes().get(start..end)?;
    let (&b'$', after) = code.split_first()? else {
        return None;
    };
    let name_len = after
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or(after.len());
    let name = src.get(start + 1..start + 1 + name_len)?;
    if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        || name == "this"
        || name == "app"
        || name.starts_with("__")
        || SUPERGLOBALS.contains(&name)
    {
        return None;
    }
    let mut at = start + 1 + name_len;
    let mut e = Expr {
        kind: Kind::Var(Cow::Borrowed(name)),
        start,
        end: at,
        parens: false,
        height: 1,
    };
    while at < end {
        // `['key']`: a key without `\`, so that its text is what is written.
        let rest = src.as_bytes().get(at..end)?;
        let body = rest.strip_prefix(b"['")?;
        let close = body.iter().position(|&b| b == b'\'' || b == b'\\')?;
        if body.get(close..close + 2) != Some(b"']") {
            return None;
        }
        let key_start = at + 1;
        let key_end = at + 2 + close + 1;
        let key = Expr {
            kind: Kind::Str(Cow::Borrowed(src.get(at + 2..at + 2 + close)?)),
            start: key_start,
            end: key_end,
            parens: false,
            height: 1,
        };
        let height = 1 + e.height.max(key.height);
        if height > max_nesting {
            return None;
        }
        at = key_end + 1;
        e = Expr {
            kind: Kind::Index(Box::new(e), Some(Box::new(key))),
            start,
            end: at,
            parens: false,
            height,
        };
    }
    (at == end).then_some(e)
}

/// The greatest height among the direct children of a node (0 for a leaf), without the boxed
/// iterator of [`children`]: every node the parser builds asks.
fn max_child_height(kind: &Kind<'_>) -> usize {
    let h = |e: &Expr<'_>| e.height;
    let list = |v: &[Expr<'_>]| v.iter().map(h).max().unwrap_or(0);
    match kind {
        Kind::Null
        | Kind::Bool(_)
        | Kind::Int(_)
        | Kind::Float(_)
        | Kind::Str(_)
        | Kind::Var(_)
        | Kind::Const(_) => 0,
        Kind::Interp(v) | Kind::Concat(v) | Kind::Call(_, v) | Kind::Isset(v) => list(v),
        Kind::Index(a, b) => h(a).max(b.as_deref().map_or(0, h)),
        Kind::Prop(a, _, _)
        | Kind::Empty(a)
        | Kind::Unary(_, a)
        | Kind::Cast(_, a)
        | Kind::IncDec(a, _) => h(a),
        Kind::Array(entries) => entries
            .iter()
            .map(|(k, v)| k.as_ref().map_or(0, h).max(h(v)))
            .max()
            .unwrap_or(0),
        Kind::Binary(_, a, b) | Kind::Assign(a, _, b) => h(a).max(h(b)),
        Kind::Ternary(a, b, c) => h(a).max(b.as_deref().map_or(0, h)).max(h(c)),
    }
}

/// The direct children of a node.
pub fn children<'k, 'a>(kind: &'k Kind<'a>) -> Box<dyn Iterator<Item = &'k Expr<'a>> + 'k> {
    match kind {
        Kind::Null
        | Kind::Bool(_)
        | Kind::Int(_)
        | Kind::Float(_)
        | Kind::Str(_)
        | Kind::Var(_)
        | Kind::Const(_) => Box::new(std::iter::empty()),
        Kind::Interp(v) | Kind::Concat(v) | Kind::Call(_, v) | Kind::Isset(v) => Box::new(v.iter()),
        Kind::Index(a, b) => Box::new(std::iter::once(&**a).chain(b.as_deref())),
        Kind::Prop(a, _, _)
        | Kind::Empty(a)
        | Kind::Unary(_, a)
        | Kind::Cast(_, a)
        | Kind::IncDec(a, _) => Box::new(std::iter::once(&**a)),
        Kind::Array(entries) => Box::new(
            entries
                .iter()
                .flat_map(|(k, v)| k.iter().chain(std::iter::once(v))),
        ),
        Kind::Binary(_, a, b) | Kind::Assign(a, _, b) => Box::new([&**a, &**b].into_iter()),
        Kind::Ternary(a, b, c) => Box::new(
            std::iter::once(&**a)
                .chain(b.as_deref())
                .chain(std::iter::once(&**c)),
        ),
    }
}
