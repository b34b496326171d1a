//! The kublade module as hosts call it: JSON text in, JSON text out (what the wasm exports in
//! `src/wasm/kublade.rs` hand to JavaScript, and what native tests read).

use minijinja::Value;
use minijinja::value::ValueKind;
use serde::Serialize;

use super::{Inputs, Problem, resolve, traps};
use crate::engine::values::from_json;
use crate::php::value::float_to_repr;

/// `{"variables":…,"problems":[…]}`: variables first and problems last, as the JS layer passes
/// the variables' own JSON text on to the render (JS numbers cannot tell 0.0 from 0), cutting
/// it at the last `,"problems":[`. `variables` is `null` when a problem is an error.
fn variables_out(variables: Option<&Value>, problems: &[Problem]) -> String {
    let mut out = String::from("{\"variables\":");
    match variables {
        Some(value) => write_value(&mut out, value),
        None => out.push_str("null"),
    }
    out.push_str(",\"problems\":");
    out.push_str(&write(problems));
    out.push('}');
    out
}

/// A value as JSON that keeps floats floats (`0.0`); written here rather than through serde,
/// whose serializer for minijinja values would add its weight to the WebAssembly core.
fn write_value(out: &mut String, value: &Value) {
    match value.kind() {
        ValueKind::Bool => out.push_str(if value.is_true() { "true" } else { "false" }),
        ValueKind::Number => match value.as_i64().filter(|_| value.is_integer()) {
            Some(int) => out.push_str(&int.to_string()),
            None => match f64::try_from(value.clone()) {
                Ok(float) if float.is_finite() => {
                    let text = float_to_repr(float);
                    out.push_str(&text);
                    if !text.contains(['.', 'e', 'E']) {
                        out.push_str(".0");
                    }
                }
                _ => out.push_str("null"),
            },
        },
        ValueKind::String => out.push_str(&write(value.as_str().unwrap_or_default())),
        ValueKind::Seq => {
            out.push('[');
            for (i, item) in value.try_iter().into_iter().flatten().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, &item);
            }
            out.push(']');
        }
        ValueKind::Map => {
            out.push('{');
            for (i, key) in value.try_iter().into_iter().flatten().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let item = value.get_item(&key).unwrap_or_default();
                out.push_str(&write(&key.to_string()));
                out.push(':');
                write_value(out, &item);
            }
            out.push('}');
        }
        _ => out.push_str("null"),
    }
}

/// `{ variables, problems }` for fields.json's text (if any), the values document as JSON
/// (empty for none), the default `$namespace`, and whether omitted fields take their defaults.
pub fn variables(fields: Option<&str>, values: &str, namespace: &str, defaults: bool) -> String {
    let fields = match fields.map(from_json).transpose() {
        Ok(fields) => fields,
        Err(e) => return fields_not_json(&e),
    };
    let limit = crate::engine::Limits::DEFAULT_MAX_VALUE_BYTES;
    if values.len() > limit {
        // Refused before it is parsed, as a render refuses values past the limit.
        let problem = Problem::error(
            "values",
            None,
            format!(
                "values limit exceeded: the values are {} bytes, more than the {limit} a render reads",
                values.len()
            ),
        );
        return variables_out(None, &[problem]);
    }
    let values = if values.trim().is_empty() {
        Value::UNDEFINED
    } else {
        match from_json(values) {
            Ok(values) => values,
            Err(e) => {
                let problem = Problem::error(
                    "values",
                    None,
                    format!("the values are not valid JSON: {e}"),
                );
                return variables_out(None, &[problem]);
            }
        }
    };
    variables_of(fields, &values, namespace, defaults)
}

/// [`variables`] for fields.json's text and the values already read (`Value::UNDEFINED`: none),
/// as the npm package sends them, in a value tape.
pub fn variables_with(
    fields: Option<&str>,
    values: &Value,
    namespace: &str,
    defaults: bool,
) -> String {
    let fields = match fields.map(from_json).transpose() {
        Ok(fields) => fields,
        Err(e) => return fields_not_json(&e),
    };
    variables_of(fields, values, namespace, defaults)
}

fn fields_not_json(e: &serde_json::Error) -> String {
    // PHP's json_decode would give no fields, silently; a broken file is worth an error.
    let problem = Problem {
        line: Some(e.line()),
        column: Some(e.column()),
        ..Problem::error("fields", None, format!("not valid JSON: {}", reason(e)))
    };
    variables_out(None, &[problem])
}

fn variables_of(fields: Option<Value>, values: &Value, namespace: &str, defaults: bool) -> String {
    let resolved = resolve(&Inputs {
        fields: fields.as_ref(),
        values,
        namespace,
        defaults,
    });
    variables_out(resolved.variables.as_ref(), &resolved.problems)
}

#[derive(Serialize)]
struct TrapOut<'a> {
    kind: &'a str,
    message: &'a str,
    hint: &'a str,
    range: RangeOut,
}

#[derive(Serialize)]
struct RangeOut {
    start: PositionOut,
    end: PositionOut,
}

#[derive(Serialize)]
struct PositionOut {
    line: usize,
    column: usize,
}

/// The traps of a template (see [`traps`]) as `[{ kind, message, hint, range }]`; `variables`
/// is JSON (empty for none).
pub fn traps(source: &str, variables: &str) -> String {
    let variables = if variables.trim().is_empty() {
        None
    } else {
        from_json(variables).ok()
    };
    let found = traps::find(source, variables.as_ref());
    let out: Vec<TrapOut<'_>> = found
        .iter()
        .map(|t| TrapOut {
            kind: t.kind,
            message: &t.message,
            hint: &t.hint,
            range: RangeOut {
                start: PositionOut {
                    line: t.span.start_line,
                    column: t.span.start_column,
                },
                end: PositionOut {
                    line: t.span.end_line,
                    column: t.span.end_column,
                },
            },
        })
        .collect();
    write(&out)
}

/// serde_json's message without its " at line L column C".
fn reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn write<T: Serialize + ?Sized>(value: &T) -> String {
    // Serialising plain data to a string cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_and_problems_as_json() {
        assert_eq!(
            variables(None, "", "ns", true),
            r#"{"variables":{"namespace":"ns","data":{},"secret":{},"limits":{"enabled":"false","cpu":0.0,"memory":0},"paused":false},"problems":[]}"#
        );
        assert_eq!(
            variables(Some("[1,"), "", "ns", true),
            r#"{"variables":null,"problems":[{"severity":"error","source":"fields","line":1,"column":3,"message":"not valid JSON: EOF while parsing a value"}]}"#
        );
    }

    #[test]
    fn traps_as_json() {
        assert_eq!(
            traps("x: {{ .Values.x }}\n", ""),
            r#"[{"kind":"go-template","message":"`{{ .Values.x }}` is Go template text (as Helm writes it): Blade compiles it as PHP, and the render fails","hint":"escape it as @{{ .Values.x }} so that Blade prints it as is","range":{"start":{"line":1,"column":4},"end":{"line":1,"column":19}}}]"#
        );
    }
}
