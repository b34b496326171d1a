//! PHP expression AST → minijinja expression source.
//!
//! minijinja's own operators are used only where they mean exactly what PHP means (literals,
//! lists, `not`/`and`/`or` on booleans, inline `if`); everything else calls the runtime helpers
//! of `crate::php`. Every node records where its output starts, so that a runtime error inside
//! the expression maps back to the Blade column that caused it.

use std::fmt::Write;

use super::expr::{BinOp, Cast, Expr, Kind, UnOp};
use super::{Failure, FailureKind};

/// One source-map entry: output from `out` on comes from the Blade range `src`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub out: usize,
    pub src: (usize, usize),
    /// For a subscript of a variable (`$name[…]`), the Blade range of the variable's name
    /// (without `$`): the variable a missing key was missing from.
    pub subscripted: Option<(usize, usize)>,
}

/// How a PHP variable is reached from the translated template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    /// A minijinja local (a `@foreach` variable, in the body of its loop).
    Local(String),
    /// A field of a minijinja namespace: `_g.l_x` for a variable that loops assign.
    Field { namespace: String, field: String },
}

/// The namespace that holds the current value of every variable a loop assigns (PHP's variables
/// are function-scoped: what a loop assigns stays, everywhere after it).
pub const GLOBALS: &str = "_g";

/// What the translator knows at the point of an expression.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// The variables of the open `@foreach` loops, innermost last: `Local` while the local is
    /// known to hold the PHP value, `Field` of [`GLOBALS`] once a loop that may assign the name
    /// again could have run.
    pub bindings: Vec<(String, Binding)>,
    /// Every name some loop of the template assigns (sorted by name), as a field of
    /// [`GLOBALS`]: where it is read outside the bindings.
    pub globals: Vec<(String, Binding)>,
    /// The number of enclosing `@foreach` loops.
    pub loop_depth: usize,
    /// At depth 0: a loop has ended before, so Blade's `$loop` is null rather than undefined.
    pub loop_ended: bool,
}

impl Scope {
    pub fn lookup(&self, name: &str) -> Option<&Binding> {
        if let Some((_, b)) = self.bindings.iter().rev().find(|(n, _)| n == name) {
            return Some(b);
        }
        let i = self
            .globals
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()?;
        self.globals.get(i).map(|(_, b)| b)
    }
}

/// The minijinja name of the `loop` object of the `@foreach` at `depth` (1-based).
pub fn loop_alias(depth: usize) -> String {
    numbered("_loop", depth)
}

/// `prefix` and the decimal digits of `n`: what `format!("{prefix}{n}")` writes, without the
/// formatting machinery (every loop names a few of these).
pub fn numbered(prefix: &str, n: usize) -> String {
    let mut buffer = [0u8; 20];
    let digits = crate::php::number::decimal(n as u64, &mut buffer);
    let mut s = String::with_capacity(prefix.len() + digits.len());
    s.push_str(prefix);
    s.push_str(digits);
    s
}

/// A minijinja identifier for a PHP variable name (which may contain non-ASCII bytes).
pub fn local_name(php: &str) -> String {
    let mut s = String::with_capacity(2 + php.len());
    s.push_str("l_");
    // Nearly every name is plain ASCII: copy it whole.
    if php.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        s.push_str(php);
        return s;
    }
    for c in php.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            s.push(c);
        } else {
            let _ = write!(s, "_u{:x}_", c as u32);
        }
    }
    s
}

pub fn string_literal(out: &mut String, s: &str) {
    // Most keys and names need no escape at all: copy them whole.
    let plain =
        |b: u8| (0x20..0x7f).contains(&b) && !matches!(b, b'"' | b'\\' | b'{' | b'}' | b'%' | b'#');
    if s.bytes().all(plain) {
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Keep template delimiters out of the translated source entirely.
            c if c.is_control() || matches!(c, '{' | '}' | '%' | '#') => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

const CONSTANTS: &[(&str, &str)] = &[
    ("PHP_EOL", "\"\\n\""),
    ("PHP_INT_MAX", "9223372036854775807"),
    ("PHP_INT_SIZE", "8"),
    ("PHP_FLOAT_EPSILON", "2.220446049250313e-16"),
    ("M_PI", "3.141592653589793"),
    ("JSON_HEX_TAG", "1"),
    ("JSON_HEX_AMP", "2"),
    ("JSON_HEX_APOS", "4"),
    ("JSON_HEX_QUOT", "8"),
    ("JSON_FORCE_OBJECT", "16"),
    ("JSON_NUMERIC_CHECK", "32"),
    ("JSON_UNESCAPED_SLASHES", "64"),
    ("JSON_PRETTY_PRINT", "128"),
    ("JSON_UNESCAPED_UNICODE", "256"),
    ("JSON_PARTIAL_OUTPUT_ON_ERROR", "512"),
    ("JSON_PRESERVE_ZERO_FRACTION", "1024"),
    ("JSON_UNESCAPED_LINE_TERMINATORS", "2048"),
    ("JSON_THROW_ON_ERROR", "4194304"),
];

/// Functions whose refusal is a sandbox matter rather than a missing feature.
const DANGEROUS: &[&str] = &[
    "env",
    "exec",
    "system",
    "passthru",
    "shell_exec",
    "popen",
    "proc_open",
    "pcntl_exec",
    "eval",
    "assert",
    "file_get_contents",
    "file_put_contents",
    "fopen",
    "file",
    "readfile",
    "unlink",
    "include",
    "require",
    "call_user_func",
    "call_user_func_array",
    "create_function",
    "getenv",
    "putenv",
    "ini_set",
    "ini_get",
    "phpinfo",
    "app",
    "config",
    "dd",
    "dump",
    "var_dump",
    "print_r",
    "var_export",
    "mail",
    "header",
    "curl_exec",
    "fsockopen",
    "glob",
    "scandir",
    "extract",
    "compact",
    "get_defined_vars",
    "constant",
    "func_get_args",
    "define",
];

pub struct Emitter<'a> {
    pub out: &'a mut String,
    pub segments: &'a mut Vec<Segment>,
    pub scope: &'a Scope,
    pub functions: &'a [&'a str],
    /// Constants the runtime adds, as minijinja literals.
    pub constants: &'a [(&'a str, &'a str)],
    /// Told of each operand written for a consumer that refuses undefined (see [`Operands`]).
    pub operands: Option<&'a mut dyn Operands>,
}

/// What learns where the translation wrote an operand whose consumer refuses undefined (`_truthy`,
/// the operators' helpers, PHP's functions): the fast translation may read it natively there.
pub trait Operands {
    /// `e` was written at `exact`, a range of the translation.
    fn written(&mut self, e: &Expr, exact: (usize, usize));
}

type R = Result<(), Failure>;

fn sandbox(message: impl Into<String>, e: &Expr) -> Failure {
    Failure::new(FailureKind::Sandbox, message, e.start, e.end)
}

fn syntax(message: impl Into<String>, e: &Expr) -> Failure {
    Failure::new(FailureKind::Syntax, message, e.start, e.end)
}

/// Whether a node always yields a PHP bool (so `_truthy` would be a no-op).
fn is_bool(e: &Expr) -> bool {
    match &e.kind {
        Kind::Bool(_) | Kind::Isset(_) | Kind::Empty(_) | Kind::Cast(Cast::Bool, _) => true,
        Kind::Unary(UnOp::Not, _) => true,
        // `$loop->first` and friends (on anything else the read fails before it is tested).
        Kind::Prop(_, name, false) => {
            matches!(name.as_str(), "first" | "last" | "odd" | "even")
        }
        Kind::Binary(op, ..) => matches!(
            op,
            BinOp::Eq
                | BinOp::Ne
                | BinOp::Ident
                | BinOp::NotIdent
                | BinOp::Lt
                | BinOp::Gt
                | BinOp::Le
                | BinOp::Ge
                | BinOp::And
                | BinOp::Or
                | BinOp::Xor
        ),
        _ => false,
    }
}

/// Whether minijinja's `container["key"]` finds exactly what PHP's `$container['key']` finds
/// whenever it finds anything: a key PHP keeps as a string (not an integer-like one, which PHP
/// turns into an integer and minijinja would read as a position, counting negatives from the end).
fn is_plain_string_key(key: &str) -> bool {
    key.bytes()
        .next()
        .is_some_and(|b| !(b.is_ascii_digit() || b == b'-'))
}

/// A key minijinja's parser takes after a dot: ASCII letters, digits and `_`, not starting with a
/// digit (keywords such as `true` or `in` are identifiers there too).
fn is_identifier(key: &str) -> bool {
    key.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Writes where a loop keeps `$name`; `false` (and nothing written) when no loop binds it.
fn bound_variable(scope: &Scope, name: &str, out: &mut String) -> bool {
    match scope.lookup(name) {
        Some(Binding::Local(ident)) => out.push_str(ident),
        Some(Binding::Field { namespace, field }) => {
            out.push_str(namespace);
            out.push('.');
            out.push_str(field);
        }
        None => return false,
    }
    true
}

/// `$name` below the render's root `_v`: as a key, one instruction instead of two where the
/// name allows it.
fn root_variable(name: &str, out: &mut String) {
    if is_identifier(name) {
        out.push_str("_v.");
        out.push_str(name);
    } else {
        out.push_str("_v[");
        string_literal(out, name);
        out.push(']');
    }
}

/// Names minijinja reads as something other than a variable: literals, `loop` and `self`, and the
/// words of its expression syntax.
const MINIJINJA_WORDS: &[&str] = &[
    "False",
    "None",
    "True",
    "and",
    "caller",
    "else",
    "false",
    "if",
    "in",
    "is",
    "kwargs",
    "loop",
    "none",
    "not",
    "or",
    "recursive",
    "self",
    "super",
    "true",
    "varargs",
];

/// Whether the fast translation may read the template variable `$name` bare, as `name`: when
/// nothing else in a render can answer to that name, so that minijinja can only find it in the
/// fast render's root (the engine's `BladeContext`). Not a minijinja word, not a global of the
/// runtime (`functions`, the `_`-prefixed helpers), not a local of the translation (`l_`- and
/// `_`-prefixed).
fn is_bare_variable(name: &str, functions: &[&str]) -> bool {
    is_identifier(name)
        && !name.starts_with('_')
        && !name.starts_with("l_")
        && !MINIJINJA_WORDS.contains(&name)
        && !functions.contains(&name)
}

/// How native reads write the variables no loop binds: bare where [`is_bare_variable`] allows
/// the name, which `bare` then records, below `_v` where it does not.
pub struct NativeRoots<'a> {
    pub functions: &'a [&'a str],
    /// The names read bare so far, sorted, each once (a read given up after its variable was
    /// written leaves its name here: the root answering one name too many changes nothing).
    pub bare: Vec<String>,
}

impl NativeRoots<'_> {
    fn write(&mut self, name: &str, out: &mut String) {
        if !is_bare_variable(name, self.functions) {
            return root_variable(name, out);
        }
        out.push_str(name);
        if let Err(at) = self.bare.binary_search_by(|b| b.as_str().cmp(name)) {
            self.bare.insert(at, name.to_string());
        }
    }
}

/// The native minijinja form of a strict read `$name['k1']['k2']…` with string keys:
/// `name.k1.k2` (`_v["name"]["k1"]["k2"]` where the names need it), a loop variable for `$name`
/// when it is one. `false` (and nothing written) for any other expression.
///
/// It reads what `_get(_var(…))` reads whenever that succeeds, but a missing variable or key, or a
/// container PHP cannot index with a string, gives undefined instead of PHP's error. So it may
/// only stand where undefined is refused (the echo formatter, `_values`/`_pairs`), in a
/// translation that is rendered again exactly whenever it fails, and whose root answers the bare
/// names in `roots` as `_v` would.
pub fn native_read(scope: &Scope, roots: &mut NativeRoots, e: &Expr, out: &mut String) -> bool {
    let before = out.len();
    let done = match &e.kind {
        Kind::Binary(BinOp::Coalesce, a, b) => native_coalesce(scope, roots, a, b, out),
        _ => native_chain(scope, roots, e, out),
    };
    if !done {
        out.truncate(before);
    }
    done
}

/// [`native_read`], which takes back what this wrote when it returns `false`.
fn native_chain(scope: &Scope, roots: &mut NativeRoots, e: &Expr, out: &mut String) -> bool {
    match &e.kind {
        Kind::Index(base, Some(key)) => {
            let k = match &key.kind {
                Kind::Str(k) if is_plain_string_key(k) => k,
                // A computed key, or one PHP may read as a number: `_get`'s own lookup (one
                // call, where the exact translation makes one per read), on native reads.
                _ => return native_computed(scope, roots, base, key, out),
            };
            if !native_chain(scope, roots, base, out) {
                return false;
            }
            // `c.k` reads what `c["k"]` reads (a string key looks up a map's entry, and nothing
            // in anything else), in one instruction instead of two.
            if is_identifier(k) {
                out.push('.');
                out.push_str(k);
            } else {
                out.push('[');
                string_literal(out, k);
                out.push(']');
            }
            true
        }
        Kind::Var(name) if name != "loop" => {
            if !bound_variable(scope, name, out) {
                roots.write(name, out);
            }
            true
        }
        _ => false,
    }
}

/// `$a ?? $b` as `(a|_coalesce(b))`, for `$a` a variable read by identifier keys
/// (`$p['name']`, see [`read_as_isset_reads`]), or such a read then a computed key, and `$b` a
/// literal, such a `??` or a native read.
///
/// The native read of such an `$a` is undefined exactly where PHP's `isset` finds nothing, and
/// `_coalesce` answers as `??` does. `$b` is evaluated even where `??` would not evaluate it:
/// that can only make the fast translation fail (a native read's undefined is refused), and the
/// exact one then renders.
fn native_coalesce(
    scope: &Scope,
    roots: &mut NativeRoots,
    a: &Expr,
    b: &Expr,
    out: &mut String,
) -> bool {
    out.push('(');
    match &a.kind {
        _ if read_as_isset_reads(a) => {
            if !native_chain(scope, roots, a, out) {
                return false;
            }
        }
        // `$c[$k] ?? …`, the key computed: `_lget`'s lookup (errors and all), as `_flget`.
        Kind::Index(base, Some(key)) if read_as_isset_reads(base) => {
            out.push('(');
            if !native_chain(scope, roots, base, out) {
                return false;
            }
            out.push_str("|_flget(");
            if !native_key(scope, roots, key, out) {
                return false;
            }
            out.push_str("))");
        }
        _ => return false,
    }
    out.push_str("|_coalesce(");
    let written = match &b.kind {
        Kind::Null => {
            out.push_str("none");
            true
        }
        Kind::Bool(v) => {
            out.push_str(if *v { "true" } else { "false" });
            true
        }
        Kind::Int(v) => {
            let _ = write!(out, "{v}");
            true
        }
        Kind::Str(v) => {
            string_literal(out, v);
            true
        }
        Kind::Binary(BinOp::Coalesce, a, b) => native_coalesce(scope, roots, a, b, out),
        _ => native_chain(scope, roots, b, out),
    };
    if !written {
        return false;
    }
    out.push_str("))");
    true
}

/// Whether the native read of `e` (a variable, then keys that are identifiers) is undefined
/// exactly where PHP's `isset(e)` is false for being unset: such a key is never numeric, so no
/// container raises an error for it even inside `isset` (as `"abc"[" 1"]` does), and minijinja
/// finds it where PHP does, in a map, and nowhere else.
fn read_as_isset_reads(e: &Expr) -> bool {
    match &e.kind {
        Kind::Var(name) => name != "loop",
        Kind::Index(base, Some(key)) => {
            matches!(&key.kind, Kind::Str(k) if is_identifier(k)) && read_as_isset_reads(base)
        }
        _ => false,
    }
}

/// `$c[$k]` for a key that is not a plain string literal: `_get`'s lookup, as `_fget`, one call
/// where the exact translation makes one per read and per variable. A key built by `.` is a
/// string (or an error, see `_fcat`), which minijinja's own `c[k]` reads as PHP does or not at
/// all, as for a plain string literal; any other key may read something else there (negative
/// indexes count from the end, strings index characters, `true` is `1`).
fn native_computed(
    scope: &Scope,
    roots: &mut NativeRoots,
    base: &Expr,
    key: &Expr,
    out: &mut String,
) -> bool {
    let concatenated = matches!(&key.kind, Kind::Concat(_));
    if !concatenated {
        out.push('(');
    }
    if !native_chain(scope, roots, base, out) {
        return false;
    }
    out.push_str(if concatenated { "[" } else { "|_fget(" });
    if !native_key(scope, roots, key, out) {
        return false;
    }
    out.push_str(if concatenated { "]" } else { "))" });
    true
}

/// A key of `_fget`: a string or integer literal, a native read, or `.` of those (as `_fcat`,
/// which refuses the undefined that a native read gives where PHP may raise an error). `_fget`
/// refuses an undefined key for the same reason.
fn native_key(scope: &Scope, roots: &mut NativeRoots, key: &Expr, out: &mut String) -> bool {
    match &key.kind {
        Kind::Str(k) => string_literal(out, k),
        Kind::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Kind::Concat(parts) => {
            out.push_str("_fcat(");
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if !native_key(scope, roots, part, out) {
                    return false;
                }
            }
            out.push(')');
        }
        Kind::Prop(..) => return native_loop_key(scope, key, out),
        _ => return native_chain(scope, roots, key, out),
    }
    true
}

/// The field `field` of the `$loop` of the `@foreach` at `depth`, as the exact translation reads it.
fn loop_field(depth: usize, field: &str, out: &mut String) {
    let l = loop_alias(depth);
    let _ = match field {
        "index" => write!(out, "{l}.index0"),
        "iteration" => write!(out, "{l}.index"),
        "remaining" => write!(out, "{l}.revindex0"),
        "count" => write!(out, "{l}.length"),
        "first" => write!(out, "{l}.first"),
        "last" => write!(out, "{l}.last"),
        "odd" => write!(out, "({l}.index % 2 == 1)"),
        "even" => write!(out, "({l}.index % 2 == 0)"),
        _ => write!(out, "{depth}"),
    };
}

/// Resolves `$loop->…->parent` chains statically to a loop depth.
fn loop_depth_of(scope: &Scope, e: &Expr) -> Option<Option<usize>> {
    match &e.kind {
        Kind::Var(name) if name == "loop" && scope.lookup("loop").is_none() => {
            Some((scope.loop_depth > 0).then_some(scope.loop_depth))
        }
        Kind::Prop(base, name, _) if name == "parent" => {
            let depth = loop_depth_of(scope, base)??;
            Some((depth > 1).then(|| depth - 1))
        }
        _ => None,
    }
}

/// A key `$loop->index` (or another of the integer fields of a `$loop`, through `->parent`),
/// written as the exact translation writes it: a field of minijinja's loop object, which it
/// reads the same way and which never fails. `false` (and nothing written) for anything else.
fn native_loop_key(scope: &Scope, key: &Expr, out: &mut String) -> bool {
    let Kind::Prop(base, field, false) = &key.kind else {
        return false;
    };
    if !matches!(
        field.as_str(),
        "index" | "iteration" | "remaining" | "count"
    ) {
        return false;
    }
    match loop_depth_of(scope, base) {
        Some(Some(depth)) => {
            loop_field(depth, field, out);
            true
        }
        _ => false,
    }
}

impl Emitter<'_> {
    fn mark(&mut self, e: &Expr) {
        let subscripted = match &e.kind {
            Kind::Index(base, _) if matches!(base.kind, Kind::Var(_)) => {
                Some((base.start + 1, base.end))
            }
            _ => None,
        };
        self.segments.push(Segment {
            out: self.out.len(),
            src: (e.start, e.end),
            subscripted,
        });
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// A strict read: undefined variables and keys are errors.
    pub fn expr(&mut self, e: &Expr) -> R {
        self.mark(e);
        match &e.kind {
            Kind::Null => self.push("none"),
            Kind::Bool(b) => self.push(if *b { "true" } else { "false" }),
            Kind::Int(v) => {
                let _ = write!(self.out, "{v}");
            }
            Kind::Float(v) => {
                if !v.is_finite() {
                    return Err(syntax("infinite float literals are not supported", e));
                }
                let text = format!("{v:?}");
                // minijinja needs a digit after the dot and no `+` in exponents.
                let text = text.replace("e+", "e");
                self.push(&if text.contains(['.', 'e']) {
                    text
                } else {
                    format!("{text}.0")
                });
            }
            Kind::Str(s) => string_literal(self.out, s),
            Kind::Concat(parts) => {
                let parts: Vec<&Expr> = parts.iter().collect();
                self.push("(");
                self.joined(&parts)?;
                self.push(")");
            }
            Kind::Interp(parts) => {
                let parts: Vec<&Expr> = parts.iter().collect();
                self.push("(\"\" ~ ");
                self.joined(&parts)?;
                self.push(")");
            }
            Kind::Var(name) => self.variable(name, false)?,
            Kind::Const(name) => match CONSTANTS
                .iter()
                .chain(self.constants)
                .find(|(n, _)| n == name)
            {
                Some((_, v)) => self.push(v),
                None => {
                    if name.eq_ignore_ascii_case("INF") || name.eq_ignore_ascii_case("NAN") {
                        return Err(syntax(format!("the constant {name} is not supported"), e));
                    }
                    self.fail(&format!("Undefined constant \"{name}\""))
                }
            },
            Kind::Index(base, key) => self.index(base, key.as_deref(), e, false)?,
            Kind::Prop(base, name, nullsafe) => self.property(base, name, *nullsafe, false)?,
            Kind::Call(name, args) => self.call(name, args, e)?,
            Kind::Isset(args) => {
                self.push("(");
                self.grouped(args, " and ", &mut |emitter, a| {
                    emitter.push("_isset(");
                    emitter.isset_operand(a)?;
                    emitter.push(")");
                    Ok(())
                })?;
                self.push(")");
            }
            Kind::Empty(a) => {
                self.push("_empty(");
                self.isset_operand(a)?;
                self.push(")");
            }
            Kind::Array(entries) => {
                if entries.iter().all(|(k, _)| k.is_none()) {
                    self.push("[");
                    for (i, (_, v)) in entries.iter().enumerate() {
                        if i > 0 {
                            self.push(", ");
                        }
                        self.expr(v)?;
                    }
                    self.push("]");
                } else {
                    self.push("_arr([");
                    for (i, (k, v)) in entries.iter().enumerate() {
                        if i > 0 {
                            self.push(", ");
                        }
                        // A positional entry is `[value]`: a null key is a key ("").
                        self.push("[");
                        if let Some(k) = k {
                            self.expr(k)?;
                            self.push(", ");
                        }
                        self.expr(v)?;
                        self.push("]");
                    }
                    self.push("])");
                }
            }
            Kind::Unary(op, inner) => match op {
                UnOp::Not => {
                    self.push("(not ");
                    self.truthy(inner)?;
                    self.push(")");
                }
                UnOp::Neg => self.call_helper("_neg", &[inner])?,
                UnOp::Pos => self.call_helper("_pos", &[inner])?,
                UnOp::Silence => {
                    self.push("_silenced(_mute(), ");
                    self.expr(inner)?;
                    self.push(")");
                }
            },
            Kind::Binary(op, a, b) => self.binary(*op, a, b)?,
            Kind::Ternary(c, Some(m), other) => {
                self.push("(");
                self.expr(m)?;
                self.push(" if ");
                self.truthy(c)?;
                self.push(" else ");
                self.expr(other)?;
                self.push(")");
            }
            // `c ?: other` reads `c` once (see `_tkeep` in `crate::php`): written twice, as value
            // and as test, it doubled the translation with every `?:` nested in `c`. Filters
            // rather than calls, so that each `?:` nests minijinja's parser no deeper than the
            // parentheses do.
            Kind::Ternary(c, None, other) => {
                self.push("(");
                self.filtered(c, false)?;
                self.push("|_tkeep or ");
                self.expr(other)?;
                self.push(")|_kept");
            }
            Kind::Cast(cast, inner) => match cast {
                Cast::Bool => self.truthy(inner)?,
                Cast::Int => self.call_function("intval", &[inner], e)?,
                Cast::Float => self.call_function("floatval", &[inner], e)?,
                Cast::String => self.call_function("strval", &[inner], e)?,
                Cast::Array => return Err(syntax("(array) casts are not supported", e)),
            },
            Kind::Assign(..) | Kind::IncDec(..) => {
                return Err(syntax(
                    "assignments and ++/-- are only supported as the initialisations and steps of @for headers",
                    e,
                ));
            }
        }
        Ok(())
    }

    /// `_truthy(e)`, skipped where `e` is a bool already.
    pub fn truthy(&mut self, e: &Expr) -> R {
        if is_bool(e) {
            self.expr(e)
        } else {
            self.push("_truthy(");
            self.operand(e)?;
            self.push(")");
            Ok(())
        }
    }

    /// PHP's string conversion of `e`, for `~` chains.
    fn as_string(&mut self, e: &Expr) -> R {
        if let Kind::Str(s) = &e.kind {
            self.mark(e);
            string_literal(self.out, s);
            return Ok(());
        }
        self.push("_concat(");
        self.operand(e)?;
        self.push(", \"\")");
        Ok(())
    }

    /// `e` (lenient or as an operand) where a filter follows: in parentheses where minijinja
    /// would apply the filter to less than the whole, a negative number (`-1|f` is `-(1|f)`).
    fn filtered(&mut self, e: &Expr, lenient: bool) -> R {
        let negative = match &e.kind {
            Kind::Int(v) => *v < 0,
            Kind::Float(v) => v.is_sign_negative(),
            Kind::Const(name) => CONSTANTS
                .iter()
                .chain(self.constants)
                .any(|(n, v)| n == name && v.starts_with('-')),
            _ => false,
        };
        if negative {
            self.push("(");
        }
        if lenient {
            self.lenient(e)?;
        } else {
            self.operand(e)?;
        }
        if negative {
            self.push(")");
        }
        Ok(())
    }

    /// `parts` joined by `~` as PHP strings.
    fn joined(&mut self, parts: &[&Expr]) -> R {
        self.grouped(parts, " ~ ", &mut |emitter, p| emitter.as_string(p))
    }

    /// `each` of `parts`, joined by `sep`, an associative operator (`~`, `and`). minijinja compiles
    /// a chain `a ~ b ~ …` into a tree as deep as the chain is long, and recurses through it: a
    /// long chain is written as groups of at most [`GROUP`] within groups, so that no tree is
    /// deeper than a few groups. The parts are still evaluated in their order.
    fn grouped<T>(
        &mut self,
        parts: &[T],
        sep: &str,
        each: &mut dyn FnMut(&mut Self, &T) -> R,
    ) -> R {
        if parts.len() <= GROUP {
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    self.push(sep);
                }
                each(self, p)?;
            }
            return Ok(());
        }
        let size = parts.len().div_ceil(GROUP);
        for (i, group) in parts.chunks(size).enumerate() {
            if i > 0 {
                self.push(sep);
            }
            self.push("(");
            self.grouped(group, sep, each)?;
            self.push(")");
        }
        Ok(())
    }

    /// A read inside `isset`/`empty`/the left of `??`: missing variables and keys are undefined.
    pub fn lenient(&mut self, e: &Expr) -> R {
        match &e.kind {
            Kind::Var(name) => {
                self.mark(e);
                self.variable(name, true)
            }
            Kind::Index(base, key) => {
                self.mark(e);
                self.index(base, key.as_deref(), e, true)
            }
            Kind::Prop(base, name, nullsafe) => {
                self.mark(e);
                self.property(base, name, *nullsafe, true)
            }
            _ => self.expr(e),
        }
    }

    /// The operand of `isset`/`empty`: its last subscript is PHP's isset check, which never
    /// fails on a string offset (`isset($s['1x'])` is false where `$s['1x'] ?? …` warns).
    pub fn isset_operand(&mut self, e: &Expr) -> R {
        match &e.kind {
            Kind::Index(base, Some(key)) => {
                self.mark(e);
                self.push("_iget(");
                self.lenient(base)?;
                self.push(", ");
                self.expr(key)?;
                self.push(")");
                Ok(())
            }
            _ => self.lenient(e),
        }
    }

    /// A PHP warning the translation knows of, which `@` silences.
    fn warn(&mut self, message: &str) {
        self.push("_warn(");
        string_literal(self.out, message);
        self.push(")");
    }

    fn fail(&mut self, message: &str) {
        self.push("_fail(");
        string_literal(self.out, message);
        self.push(")");
    }

    fn variable(&mut self, name: &str, lenient: bool) -> R {
        if name == "loop" {
            return self.loop_object(self.scope.loop_depth, lenient);
        }
        // The scope outlives this emitter's borrow of the output: no copies of its names.
        let scope = self.scope;
        match scope.lookup(name) {
            Some(Binding::Local(ident)) => self.push(ident),
            Some(Binding::Field { namespace, field }) => {
                if !lenient {
                    self.push("_var(");
                }
                self.push(namespace);
                self.push(".");
                self.push(field);
                if !lenient {
                    self.push(", ");
                    string_literal(self.out, name);
                    self.push(")");
                }
            }
            None => {
                if lenient {
                    self.push("_v[");
                    string_literal(self.out, name);
                    self.push("]");
                } else {
                    self.push("_var(_v[");
                    string_literal(self.out, name);
                    self.push("], ");
                    string_literal(self.out, name);
                    self.push(")");
                }
            }
        }
        Ok(())
    }

    /// Blade's `$loop` as a whole (rare: `$loop` is nearly always followed by `->field`).
    fn loop_object(&mut self, depth: usize, lenient: bool) -> R {
        if depth == 0 {
            if self.scope.loop_ended {
                self.push("none");
            } else if lenient {
                self.push("_v[\"loop\"]");
            } else {
                self.push("_var(_v[\"loop\"], \"loop\")");
            }
            return Ok(());
        }
        // Laravel's loop array cast to a stdClass object, built by the runtime's `_obj`: the
        // translation has no minijinja builtins such as `dict`.
        self.push("_obj([");
        for (i, field) in LOOP_FIELDS.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            let _ = write!(self.out, "[\"{field}\", ");
            if *field == "parent" {
                if depth > 1 {
                    self.loop_object(depth - 1, lenient)?;
                } else {
                    self.push("none");
                }
            } else {
                self.loop_field(depth, field);
            }
            self.push("]");
        }
        self.push("])");
        Ok(())
    }

    fn loop_field(&mut self, depth: usize, field: &str) {
        loop_field(depth, field, self.out);
    }

    fn index(&mut self, base: &Expr, key: Option<&Expr>, e: &Expr, lenient: bool) -> R {
        let Some(key) = key else {
            return Err(syntax("Cannot use [] for reading", e));
        };
        if !lenient && self.after_nullsafe(base) {
            // `$a?->p[k]`: the `?->` makes the rest of the chain null when `$a` is null, the
            // key unread; otherwise it fails (only `$loop` is an object, and it is read
            // statically), so the chain is what `base` gives.
            return self.expr(base);
        }
        self.push(if lenient { "_lget(" } else { "_get(" });
        if lenient {
            self.lenient(base)?;
        } else {
            self.expr(base)?;
        }
        self.push(", ");
        self.expr(key)?;
        self.push(")");
        Ok(())
    }

    fn loop_depth_of(&self, e: &Expr) -> Option<Option<usize>> {
        loop_depth_of(self.scope, e)
    }

    /// Whether `e` reads on from a `?->` whose object is read at run time (not `$loop`'s).
    fn after_nullsafe(&self, mut e: &Expr) -> bool {
        loop {
            match &e.kind {
                Kind::Prop(base, _, true) if self.loop_depth_of(base).is_none() => return true,
                Kind::Prop(base, _, _) | Kind::Index(base, _) => e = base,
                _ => return false,
            }
        }
    }

    fn property(&mut self, base: &Expr, name: &str, nullsafe: bool, lenient: bool) -> R {
        match self.loop_depth_of(base) {
            Some(Some(depth)) => {
                if name == "parent" {
                    if depth > 1 {
                        return self.loop_object(depth - 1, lenient);
                    }
                    self.push("none");
                } else if LOOP_FIELDS.contains(&name) {
                    self.loop_field(depth, name);
                } else if lenient {
                    self.push("_lget(none, \"\")");
                } else {
                    self.warn(&format!("Undefined property: stdClass::${name}"));
                }
                Ok(())
            }
            Some(None)
                if self.scope.loop_depth == 0
                    && !self.scope.loop_ended
                    && matches!(base.kind, Kind::Var(_)) =>
            {
                // `$loop` outside any loop is an undefined variable.
                if lenient {
                    self.push("_v[\"loop\"]");
                } else {
                    self.push("_var(_v[\"loop\"], \"loop\")");
                }
                Ok(())
            }
            _ => {
                if lenient {
                    self.push("_lget(none, \"\")");
                    return Ok(());
                }
                // There are no other objects: the read warns with the operand's type, unless
                // it is null and a `?->` in the chain makes the whole chain null.
                self.push("_prop(");
                self.expr(base)?;
                self.push(", ");
                string_literal(self.out, name);
                self.push(if nullsafe || self.after_nullsafe(base) {
                    ", true)"
                } else {
                    ", false)"
                });
                Ok(())
            }
        }
    }

    /// The value of an integer built from literals, constants and bitwise operators.
    fn fold_int(&self, e: &Expr) -> Option<i64> {
        match &e.kind {
            Kind::Int(v) => Some(*v),
            Kind::Const(name) => {
                let literal = CONSTANTS
                    .iter()
                    .chain(self.constants)
                    .find(|(n, _)| n == name)?
                    .1;
                literal.parse().ok()
            }
            Kind::Binary(op, a, b) => {
                let (x, y) = (self.fold_int(a)?, self.fold_int(b)?);
                match op {
                    BinOp::BitAnd => Some(x & y),
                    BinOp::BitOr => Some(x | y),
                    BinOp::BitXor => Some(x ^ y),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// A call of an operator's helper or a PHP function: each refuses undefined arguments.
    fn call_helper(&mut self, helper: &str, args: &[&Expr]) -> R {
        self.push(helper);
        self.push("(");
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.operand(a)?;
        }
        self.push(")");
        Ok(())
    }

    /// `e` for a consumer that refuses undefined, which `operands` learns of.
    fn operand(&mut self, e: &Expr) -> R {
        let start = self.out.len();
        self.expr(e)?;
        if let Some(operands) = self.operands.as_deref_mut() {
            operands.written(e, (start, self.out.len()));
        }
        Ok(())
    }

    fn call_function(&mut self, name: &str, args: &[&Expr], e: &Expr) -> R {
        if !self.functions.contains(&name) {
            return Err(syntax(
                format!("{name}() is not available for this cast"),
                e,
            ));
        }
        self.call_helper(name, args)
    }

    fn call(&mut self, name: &str, args: &[Expr], e: &Expr) -> R {
        let lower = name.trim_start_matches('\\').to_ascii_lowercase();
        if DANGEROUS.contains(&lower.as_str()) {
            return Err(sandbox(format!("{name}() is not allowed in templates"), e));
        }
        if !self.functions.contains(&lower.as_str()) {
            return Err(sandbox(format!("Call to undefined function {name}()"), e));
        }
        // Its `$count` is a reference, which templates have no way to use.
        if lower == "str_replace" && args.len() > 3 {
            return Err(syntax(
                format!(
                    "{name}()'s argument #4 ($count) is passed by reference, which templates do not support"
                ),
                e,
            ));
        }
        let refs: Vec<&Expr> = args.iter().collect();
        self.call_helper(&lower, &refs)
    }

    fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr) -> R {
        let helper = match op {
            BinOp::Add => "_add",
            BinOp::Sub => "_sub",
            BinOp::Mul => "_mul",
            BinOp::Div => "_div",
            BinOp::Mod => "_mod",
            BinOp::Pow => "_pow",
            BinOp::Eq => "_eq",
            BinOp::Ne => "_ne",
            BinOp::Ident => "_ident",
            BinOp::NotIdent => "_nident",
            BinOp::Lt => "_lt",
            BinOp::Gt => "_gt",
            BinOp::Le => "_le",
            BinOp::Ge => "_ge",
            BinOp::Cmp => "_cmp",
            BinOp::Xor => "_xor",
            BinOp::And | BinOp::Or => {
                self.push("(");
                self.truthy(a)?;
                self.push(if op == BinOp::And { " and " } else { " or " });
                self.truthy(b)?;
                self.push(")");
                return Ok(());
            }
            // Only `$s .= …` in a `@for` header (the parser makes a chain of `.` a `Concat`).
            BinOp::Concat => {
                self.push("(");
                self.joined(&[a, b])?;
                self.push(")");
                return Ok(());
            }
            BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::Shl | BinOp::Shr => {
                // Flag arithmetic (`JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES`) folds here; the
                // runtime has no bitwise helpers.
                let folded = self
                    .fold_int(a)
                    .zip(self.fold_int(b))
                    .and_then(|(x, y)| match op {
                        BinOp::BitAnd => Some(x & y),
                        BinOp::BitOr => Some(x | y),
                        BinOp::BitXor => Some(x ^ y),
                        BinOp::Shl => u32::try_from(y).ok().filter(|y| *y < 64).map(|y| x << y),
                        _ => u32::try_from(y).ok().filter(|y| *y < 64).map(|y| x >> y),
                    });
                let Some(v) = folded else {
                    return Err(Failure::new(
                        FailureKind::Syntax,
                        "bitwise operators are supported only between integer literals and constants",
                        a.start,
                        b.end,
                    ));
                };
                let _ = write!(self.out, "{v}");
                return Ok(());
            }
            BinOp::Coalesce => {
                // `a` once, as for `?:`.
                self.push("(");
                self.filtered(a, true)?;
                self.push("|_skeep or ");
                self.expr(b)?;
                self.push(")|_kept");
                return Ok(());
            }
        };
        // PHP's VM multiplies with the operands ordered by their kind (see `operand_rank`), and
        // its TypeError names them in that order.
        if op == BinOp::Mul && operand_rank(a) < operand_rank(b) {
            return self.call_helper(helper, &[b, a]);
        }
        self.call_helper(helper, &[a, b])
    }
}

/// The kind of operand PHP compiles `e` to, as its VM ranks them: a constant (1), a temporary
/// (2), a function's result (4), a variable (8). For commutative operators such as `*` it swaps
/// the operands so that the first ranks no lower than the second.
fn operand_rank(e: &Expr) -> u8 {
    match &e.kind {
        _ if is_constant(e) => 1,
        Kind::Var(_) => 8,
        Kind::Call(name, args) => call_rank(name, args),
        _ => 2,
    }
}

/// A call's rank: a function's result, except for the calls PHP's compiler turns into an opcode
/// of their own (`zend_try_compile_special_func`), whose result is a temporary, or, with a
/// constant argument, folds into a constant.
fn call_rank(name: &str, args: &[Expr]) -> u8 {
    let one = args.len() == 1;
    match name.to_ascii_lowercase().as_str() {
        "strlen" if one && matches!(args[0].kind, Kind::Str(_)) => 1,
        "strlen" | "boolval" | "intval" | "floatval" | "doubleval" | "strval" | "gettype"
        | "count" | "sizeof" | "is_null" | "is_bool" | "is_int" | "is_integer" | "is_long"
        | "is_float" | "is_double" | "is_string" | "is_array" | "is_object" | "is_scalar"
            if one =>
        {
            2
        }
        "array_key_exists" if args.len() == 2 => 2,
        "in_array"
            if args.len() == 3
                && matches!(args[2].kind, Kind::Bool(true))
                && matches!(args[1].kind, Kind::Array(_))
                && is_constant(&args[1]) =>
        {
            2
        }
        _ => 4,
    }
}

/// Whether PHP's compiler sees `e` as a constant operand: a literal or a constant, or what it
/// folds of them (signs, `!`, operators, array literals).
fn is_constant(e: &Expr) -> bool {
    match &e.kind {
        _ if e.is_scalar_literal() => true,
        Kind::Unary(_, inner) => is_constant(inner),
        Kind::Binary(op, a, b) if !matches!(op, BinOp::And | BinOp::Or | BinOp::Coalesce) => {
            is_constant(a) && is_constant(b)
        }
        Kind::Concat(parts) => parts.iter().all(is_constant),
        Kind::Array(items) => items
            .iter()
            .all(|(key, value)| key.as_ref().is_none_or(is_constant) && is_constant(value)),
        _ => false,
    }
}

/// The most parts one `~` or `and` chain of the translation joins (see [`Emitter::grouped`]).
const GROUP: usize = 32;

/// In the order of Laravel's loop stack, which `json_encode($loop)` shows.
pub const LOOP_FIELDS: &[&str] = &[
    "iteration",
    "index",
    "remaining",
    "count",
    "first",
    "last",
    "odd",
    "even",
    "depth",
    "parent",
];
