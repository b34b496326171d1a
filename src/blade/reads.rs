//! Which parts of its variables a Blade template can read.
//!
//! Hosts pass variables as JSON text, and turning JSON into values costs far more than rendering
//! a small manifest. A template that reads `$data['name']` and loops over `$data['ports']` needs
//! nothing else of `$data`, so the host may send just that. [`Reads`] says what to send.
//!
//! The analysis is conservative: a chain of constant subscripts from a variable
//! (`$data['ports'][0]`) reads the value at its end whole; any other use of a value (passing it
//! to a function, a variable subscript, `->`, looping over it, comparing it) ends the chain
//! there, so the value is read whole. Subscripts that PHP would convert (`$a[true]`, `$a[1.5]`)
//! also end the chain. Values the template never names are never read: PHP has no way to reach
//! a variable but by its name in the dialect (no `compact`, `extract`, `$$name` or
//! `get_defined_vars`).

use std::borrow::Cow;

use indexmap::IndexMap;

use super::expr::{self, Expr, Kind};

/// A tree of the keys a template reads below its variables.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reads {
    root: Node,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Node {
    /// The value is read as a whole: everything below it is needed.
    whole: bool,
    /// In source order; a map, since a template may read many distinct keys of one value.
    keys: IndexMap<String, Node>,
}

impl Node {
    fn child(&mut self, key: &str) -> &mut Node {
        let index = match self.keys.get_index_of(key) {
            Some(index) => index,
            None => self.keys.insert_full(key.to_string(), Node::default()).0,
        };
        &mut self.keys[index]
    }

    fn write_json(&self, out: &mut String) {
        if self.whole {
            out.push_str("true");
            return;
        }
        out.push('{');
        for (i, (key, node)) in self.keys.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&serde_json::to_string(key).unwrap_or_default());
            out.push(':');
            node.write_json(out);
        }
        out.push('}');
    }
}

impl Reads {
    /// Records everything `e` can read.
    pub fn record(&mut self, e: &Expr) {
        let mut stack = vec![e];
        let mut path = Vec::new();
        while let Some(e) = stack.pop() {
            path.clear();
            if chain(e, &mut path) {
                self.read_whole(&path);
                continue;
            }
            // Reversed, so that the tree lists names in source order.
            let before = stack.len();
            stack.extend(expr::children(&e.kind));
            stack[before..].reverse();
        }
    }

    fn read_whole(&mut self, path: &[Cow<'_, str>]) {
        let mut node = &mut self.root;
        for key in path {
            if node.whole {
                return;
            }
            node = node.child(key);
        }
        node.whole = true;
        node.keys.clear();
    }

    /// The tree as JSON: each variable or key the template reads maps to `true` when its value is
    /// read whole, or to an object of the keys read below it. `{"data":{"name":true}}` reads
    /// `$data['name']` and nothing else.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.root.write_json(&mut out);
        out
    }
}

/// Fills `path` with the variable and constant keys of `e` when `e` is such a chain.
fn chain<'e>(e: &'e Expr<'_>, path: &mut Vec<Cow<'e, str>>) -> bool {
    match &e.kind {
        Kind::Var(name) => {
            path.push(Cow::Borrowed(name));
            true
        }
        Kind::Index(base, Some(key)) => {
            let Some(key) = constant_key(key) else {
                return false;
            };
            if !chain(base, path) {
                return false;
            }
            path.push(key);
            true
        }
        _ => false,
    }
}

/// The key a constant subscript names, when PHP uses it as written: strings and integers.
fn constant_key<'e>(key: &'e Expr<'_>) -> Option<Cow<'e, str>> {
    match &key.kind {
        Kind::Str(s) => Some(Cow::Borrowed(s)),
        Kind::Int(i) => Some(Cow::Owned(i.to_string())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(sources: &[&str]) -> String {
        let mut reads = Reads::default();
        for source in sources {
            let e = expr::parse(source, 0, source.len(), 64).expect("parses");
            reads.record(&e);
        }
        reads.to_json()
    }

    #[test]
    fn constant_chains_read_their_end() {
        assert_eq!(
            reads(&["$data['name']", "$data['ports'][0]['port']", "$namespace"]),
            r#"{"data":{"name":true,"ports":{"0":{"port":true}}},"namespace":true}"#
        );
    }

    #[test]
    fn a_whole_read_covers_the_keys_below_it() {
        assert_eq!(
            reads(&["$data['ports'][0]", "$data['ports']", "$data['ports'][1]"]),
            r#"{"data":{"ports":true}}"#
        );
    }

    #[test]
    fn other_uses_read_the_value_whole() {
        assert_eq!(reads(&["count($data)"]), r#"{"data":true}"#);
        assert_eq!(reads(&["$data[$key]"]), r#"{"data":true,"key":true}"#);
        assert_eq!(reads(&["$data['a'][true]"]), r#"{"data":{"a":true}}"#);
        assert_eq!(reads(&["$data['a'][1.5]"]), r#"{"data":{"a":true}}"#);
        assert_eq!(reads(&["$data['a']->b"]), r#"{"data":{"a":true}}"#);
        assert_eq!(reads(&["$data[]"]), r#"{"data":true}"#);
        assert_eq!(
            reads(&["isset($data['a'], $x['b']) ? $y : \"{$z['c']}\""]),
            r#"{"data":{"a":true},"x":{"b":true},"y":true,"z":{"c":true}}"#
        );
    }

    #[test]
    fn keys_inside_subscripts_are_read_too() {
        assert_eq!(
            reads(&["$data[$keys['first']]"]),
            r#"{"data":true,"keys":{"first":true}}"#
        );
    }

    #[test]
    fn keys_are_json_strings() {
        assert_eq!(reads(&[r#"$d["a\"b"]"#]), r#"{"d":{"a\"b":true}}"#);
    }
}
