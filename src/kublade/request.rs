//! A deployment's create request as Kublade's controller handles it: the global middleware
//! (trimmed strings, `''` → null), the validation rules it builds for each field, the value each
//! field is stored with, and the limits row.

use std::fmt;

use minijinja::Value;
use minijinja::value::ValueKind;

use super::fields::{Field, FieldType};
use super::php::{describe, is_empty, is_numeric, php_trim, scalar_string, to_float};
use crate::php::compare::loose_eq;
use crate::php::number::float_to_int;
use crate::php::value::{float_to_string, truthy};

/// Why Kublade refuses the request, or fails while storing it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The field it is about, if any (its key as fields.json spells it).
    pub field: Option<String>,
    /// The validation rule that failed (`required`, `max:10`, …), if it is one.
    pub rule: Option<String>,
    /// About the request's limit object rather than a field.
    pub limit: bool,
    pub message: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Laravel's TrimStrings and ConvertEmptyStringsToNull, applied to every string of the request.
pub fn middleware(v: &Value) -> Value {
    match v.kind() {
        ValueKind::String => {
            let s = v.as_str().unwrap_or_default();
            let trimmed = s.trim_matches(is_trimmed);
            if trimmed.is_empty() {
                Value::from(())
            } else if trimmed.len() == s.len() {
                v.clone()
            } else {
                Value::from(trimmed)
            }
        }
        ValueKind::Seq => Value::from(
            v.try_iter()
                .map(|items| items.map(|item| middleware(&item)).collect::<Vec<_>>())
                .unwrap_or_default(),
        ),
        ValueKind::Map => Value::from_pairs(
            entries(v)
                .into_iter()
                .map(|(k, item)| (k, middleware(&item))),
        ),
        _ => v.clone(),
    }
}

/// `Str::trim`'s characters: Unicode blanks, the byte-order mark, zero-width space and
/// left-to-right mark, and NUL.
fn is_trimmed(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}' | '\u{200E}' | '\0')
}

/// A map's entries in order.
pub(crate) fn entries(v: &Value) -> Vec<(Value, Value)> {
    v.try_iter()
        .map(|keys| {
            keys.map(|k| {
                let item = v.get_item(&k).unwrap_or_default();
                (k, item)
            })
            .collect()
        })
        .unwrap_or_default()
}

/// `array_key_exists($key, $request)`.
pub(crate) fn get(request: &Value, key: &str) -> Option<Value> {
    if request.kind() != ValueKind::Map {
        return None;
    }
    request.get_attr(key).ok().filter(|v| !v.is_undefined())
}

/// The validation Kublade runs on `data.<template>.<key>` for each field with `set_on_create`
/// (`set_on_update` for an update): a failing rule refuses the request. Each field's first
/// failing rule, in field order (Laravel reports them all).
pub fn validate(fields: &[Field], input: &Value, on_create: bool) -> Result<(), Vec<Refusal>> {
    let mut refusals = Vec::new();
    for field in fields {
        if !(if on_create {
            field.set_on_create
        } else {
            field.set_on_update
        }) {
            continue;
        }
        // The attribute is read as a dotted path.
        let mut value = Some(input.clone());
        for segment in field.key.split('.') {
            value = value.and_then(|v| get(&v, segment));
        }
        let present = value.is_some();
        let value = value.unwrap_or(Value::from(()));
        for rule in rules(field) {
            let implicit = rule.name == "required";
            let blank = value.as_str().is_some_and(|s| php_trim(s).is_empty());
            if (blank || !present) && !implicit {
                continue;
            }
            if !implicit && !field.required && value.is_none() {
                continue;
            }
            if !passes(&rule, &value) {
                refusals.push(refusal(field, &rule, &value));
                break;
            }
        }
    }
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}

struct Rule {
    name: &'static str,
    params: Vec<String>,
}

impl Rule {
    fn new(name: &'static str, params: Vec<String>) -> Rule {
        Rule { name, params }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)?;
        if !self.params.is_empty() {
            write!(f, ":{}", self.params.join(","))?;
        }
        Ok(())
    }
}

fn rules(field: &Field) -> Vec<Rule> {
    let mut rules = vec![Rule::new(
        if field.required {
            "required"
        } else {
            "nullable"
        },
        Vec::new(),
    )];
    match field.kind {
        FieldType::Number | FieldType::Range => {
            rules.push(Rule::new("numeric", Vec::new()));
            // `!empty($field->min)`: a bound of 0 is no bound.
            for (name, bound) in [
                ("min", field.min),
                ("max", field.max),
                ("multiple_of", field.step),
            ] {
                if let Some(bound) = bound.filter(|b| *b != 0.0) {
                    rules.push(Rule::new(name, vec![float_to_string(bound)]));
                }
            }
        }
        FieldType::Radio | FieldType::RadioImage | FieldType::Select => {
            let mut allowed: Vec<String> = field.options.iter().map(|o| o.value.clone()).collect();
            if let Some(value) = field.value.as_ref().filter(|v| !v.is_empty() && *v != "0") {
                allowed.push(value.clone());
            }
            rules.push(Rule::new("in", allowed));
        }
        _ => rules.push(Rule::new("string", Vec::new())),
    }
    rules
}

fn passes(rule: &Rule, value: &Value) -> bool {
    let param = || rule.params.first().map(|p| php_trim(p)).unwrap_or_default();
    match rule.name {
        "required" => {
            !(value.is_none()
                || value.as_str().is_some_and(|s| php_trim(s).is_empty())
                || (matches!(value.kind(), ValueKind::Seq | ValueKind::Map)
                    && value.len() == Some(0)))
        }
        "nullable" => true,
        "string" => value.kind() == ValueKind::String,
        "numeric" => is_numeric(value),
        "min" | "max" => {
            let size = size_of(value);
            match compare_decimals(&size, param()) {
                Ok(order) => {
                    if rule.name == "min" {
                        order >= 0
                    } else {
                        order <= 0
                    }
                }
                Err(_) => false,
            }
        }
        "multiple_of" => {
            is_numeric(value)
                && is_numeric(&Value::from(param()))
                && is_multiple(&number_text(value), param()).unwrap_or(false)
        }
        "in" => {
            !matches!(value.kind(), ValueKind::Seq | ValueKind::Map)
                && scalar_string(value).is_some_and(|text| {
                    let text = Value::from(text);
                    rule.params
                        .iter()
                        .any(|p| matches!(loose_eq(&Value::from(p.as_str()), &text), Ok(true)))
                })
        }
        _ => true,
    }
}

/// The size Laravel compares with `min`/`max`: the number itself for a numeric field, a count
/// for an array, the length in characters for anything else.
fn size_of(value: &Value) -> String {
    match value.kind() {
        ValueKind::Seq | ValueKind::Map => value.len().unwrap_or(0).to_string(),
        _ if is_numeric(value) => number_text(value),
        _ => scalar_string(value)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            .to_string(),
    }
}

fn number_text(value: &Value) -> String {
    match value.as_str() {
        Some(s) => php_trim(s).to_string(),
        None => scalar_string(value).unwrap_or_default(),
    }
}

fn refusal(field: &Field, rule: &Rule, value: &Value) -> Refusal {
    let name = field_name(field);
    let shown = rule.params.first().cloned().unwrap_or_default();
    let message = match rule.name {
        "required" => format!("{name} is required and has no value"),
        "string" => format!("{name} must be a string, got {}", describe(value)),
        "numeric" => format!("{name} must be a number, got {}", describe(value)),
        "min" => format!("{name} is {}, below its minimum {shown}", size_of(value)),
        "max" => format!("{name} is {}, above its maximum {shown}", size_of(value)),
        "multiple_of" => format!(
            "{name} is {}, not a multiple of its step {shown}",
            number_text(value)
        ),
        "in" => format!(
            "{name} is {}, which is not one of its options: {}",
            describe(value),
            rule.params
                .iter()
                .map(|p| format!("{p:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => format!("{name} fails the rule {rule}"),
    };
    Refusal {
        field: Some(field.key.clone()),
        limit: false,
        rule: Some(rule.to_string()),
        message,
    }
}

/// `field "key" (Label)`, as messages name a field.
pub(crate) fn field_name(field: &Field) -> String {
    if field.label.is_empty() {
        format!("field {:?}", field.key)
    } else {
        format!("field {:?} ({})", field.key, field.label)
    }
}

/// The value stored for each field on creation, in field order: `$data` and `$secret`.
pub fn resolve_create(fields: &[Field], request: &Value) -> Result<(Value, Value), Refusal> {
    let mut data: Vec<(Value, Value)> = Vec::new();
    let mut secret: Vec<(Value, Value)> = Vec::new();
    for field in fields {
        let value = if field.kind.is_radio() {
            resolve_radio(field, request)?
        } else if field.set_on_create {
            get(request, &field.key)
                .filter(|v| !v.is_none())
                .unwrap_or_else(|| Value::from(""))
        } else {
            Value::from(field.value.clone().unwrap_or_default())
        };
        let stored = stored(value, field)?;
        let home = if field.secret { &mut secret } else { &mut data };
        home.push((Value::from(field.key.as_str()), stored));
    }
    Ok((Value::from_pairs(data), Value::from_pairs(secret)))
}

/// A radio button's value: the option the request names (only with `set_on_create`), else the
/// default option, else (no option, or an empty one) the request's value as sent.
fn resolve_radio(field: &Field, request: &Value) -> Result<Value, Refusal> {
    let mut option = None;
    if field.set_on_create {
        let sent = required_property(field, request)?;
        option = field
            .options
            .iter()
            .find(|o| matches!(loose_eq(&Value::from(o.value.as_str()), &sent), Ok(true)));
    }
    let option = option.or_else(|| field.options.iter().find(|o| o.default));
    let value = option.map(|o| Value::from(o.value.as_str()));
    match value {
        Some(value) if !is_empty(&value) => Ok(value),
        _ => required_property(field, request),
    }
}

/// `$request->key` where the controller reads it without `??`: absent is a PHP warning.
fn required_property(field: &Field, request: &Value) -> Result<Value, Refusal> {
    get(request, &field.key).ok_or_else(|| Refusal {
        field: Some(field.key.clone()),
        limit: false,
        rule: None,
        message: format!(
            "{} is not in the request, and Kublade's controller reads it (HTTP 500 after the deployment row was created): a radio field without a default option needs a value",
            field_name(field)
        ),
    })
}

/// What the encrypted value column gives back: truthy values keep their type (they are
/// serialized), falsy ones are stored as they are in a NOT NULL text column and come back as
/// strings.
fn stored(value: Value, field: &Field) -> Result<Value, Refusal> {
    let fails = |why: &str| {
        Err(Refusal {
            field: Some(field.key.clone()),
            limit: false,
            rule: None,
            message: format!("{}: {why}", field_name(field)),
        })
    };
    if truthy(&value) {
        return Ok(value);
    }
    match value.kind() {
        ValueKind::None | ValueKind::Undefined => {
            fails("null cannot be stored (the value column is NOT NULL: HTTP 500 mid-creation)")
        }
        ValueKind::Seq | ValueKind::Map => fails("an empty list cannot be stored"),
        ValueKind::Bool => Ok(Value::from("0")),
        _ => {
            let raw = scalar_string(&value).unwrap_or_default();
            if !raw.is_empty() && raw != "0" {
                // `-0.0` is falsy but prints `-0`, which is read back as ciphertext.
                return fails(&format!(
                    "the raw value '{raw}' is read back as ciphertext and cannot be decrypted"
                ));
            }
            Ok(Value::from(raw))
        }
    }
}

/// The deployment's limits row as `$limits` shows it: `enabled` as the strings `'true'` or
/// `'false'`, `cpu` a float, `memory` an integer.
pub fn resolve_limits(limit: &Value) -> Result<Value, Refusal> {
    let sent = truthy(limit) && limit.kind() == ValueKind::Map;
    if truthy(limit) && !sent {
        return Err(Refusal {
            field: Some("limit".into()),
            limit: true,
            rule: None,
            message: format!(
                "limit must be a mapping of is_active, cpu and memory, got {}",
                describe(limit)
            ),
        });
    }
    let read = |name: &str| {
        if sent {
            get(limit, name).filter(|v| !v.is_none())
        } else {
            None
        }
    };
    let enabled = match read("is_active") {
        Some(v) => boolean_column(&v)?,
        None => false,
    };
    let memory = match read("memory") {
        Some(v) => float_to_int(double_column(&v, "memory")?),
        None => 0,
    };
    let cpu = match read("cpu") {
        Some(v) => double_column(&v, "cpu")?,
        None => 0.0,
    };
    Ok(limits_value(enabled, cpu, memory))
}

/// `$limits` for a deployment with the given limits row.
pub fn limits_value(enabled: bool, cpu: f64, memory: i64) -> Value {
    Value::from_pairs([
        (
            "enabled",
            Value::from(if enabled { "true" } else { "false" }),
        ),
        ("cpu", Value::from(cpu)),
        ("memory", Value::from(memory)),
    ])
}

fn double_column(v: &Value, name: &str) -> Result<f64, Refusal> {
    let numeric = match v.kind() {
        ValueKind::Bool => true,
        ValueKind::String => is_numeric(&Value::from(php_trim(v.as_str().unwrap_or_default()))),
        _ => is_numeric(v),
    };
    if !numeric {
        return Err(Refusal {
            field: Some(format!("limit.{name}")),
            limit: true,
            rule: None,
            message: format!(
                "limit.{name} must be a number, got {} (MySQL refuses it: Kublade fails)",
                describe(v)
            ),
        });
    }
    Ok(to_float(v))
}

fn boolean_column(v: &Value) -> Result<bool, Refusal> {
    let numeric = match v.kind() {
        ValueKind::Bool | ValueKind::Number => true,
        ValueKind::String => is_numeric(&Value::from(php_trim(v.as_str().unwrap_or_default()))),
        _ => false,
    };
    if !numeric {
        return Err(Refusal {
            field: Some("limit.is_active".into()),
            limit: true,
            rule: None,
            message: format!(
                "limit.is_active must be a boolean or a number, got {} (MySQL refuses it: Kublade fails)",
                describe(v)
            ),
        });
    }
    Ok(to_float(v).round() != 0.0)
}

/// A decimal number as Laravel compares them (brick/math): sign, significant digits, scale.
struct Decimal {
    negative: bool,
    /// No leading or trailing zeros; empty for zero.
    digits: String,
    /// The value is `digits × 10^-scale`.
    scale: i64,
}

fn decimal(text: &str) -> Result<Decimal, ()> {
    let text = php_trim(text);
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits_only(int) || !digits_only(frac) || (int.is_empty() && frac.is_empty()) {
        return Err(());
    }
    let exponent: i64 = match exponent {
        Some(e) => {
            let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
            if unsigned.is_empty() || !digits_only(unsigned) {
                return Err(());
            }
            e.parse().map_err(|_| ())?
        }
        None => 0,
    };
    if exponent.abs() > 1000 {
        return Err(());
    }
    let all = format!("{int}{frac}");
    let trimmed = all.trim_start_matches('0');
    let significant = trimmed.trim_end_matches('0');
    let scale = frac.len() as i64 - exponent - (trimmed.len() - significant.len()) as i64;
    Ok(Decimal {
        negative: negative && !significant.is_empty(),
        digits: significant.to_string(),
        scale,
    })
}

/// The digits of `d` scaled to `scale` (≥ its own).
fn scaled(d: &Decimal, scale: i64) -> String {
    let zeros = usize::try_from(scale - d.scale).unwrap_or(0);
    format!("{}{}", d.digits, "0".repeat(zeros))
}

fn compare_digits(a: &str, b: &str) -> i8 {
    let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    match a.len().cmp(&b.len()).then_with(|| a.cmp(b)) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }
}

fn compare_decimals(a: &str, b: &str) -> Result<i8, ()> {
    let (a, b) = (decimal(a)?, decimal(b)?);
    let sign = |d: &Decimal| -> i8 {
        if d.digits.is_empty() {
            0
        } else if d.negative {
            -1
        } else {
            1
        }
    };
    let (sa, sb) = (sign(&a), sign(&b));
    if sa != sb || sa == 0 {
        return Ok((sa - sb).signum());
    }
    let scale = a.scale.max(b.scale);
    Ok(sa * compare_digits(&scaled(&a, scale), &scaled(&b, scale)))
}

/// Whether `a` is a multiple of `b` (Laravel's `multiple_of`: never for a zero divisor).
fn is_multiple(a: &str, b: &str) -> Result<bool, ()> {
    let (a, b) = (decimal(a)?, decimal(b)?);
    if b.digits.is_empty() {
        return Ok(false);
    }
    if a.digits.is_empty() {
        return Ok(true);
    }
    let scale = a.scale.max(b.scale);
    let dividend = scaled(&a, scale);
    let divisor = scaled(&b, scale);
    // Long division, keeping only the remainder.
    let mut remainder = String::new();
    for digit in dividend.chars() {
        remainder.push(digit);
        while compare_digits(&remainder, &divisor) >= 0 {
            remainder = subtract(&remainder, &divisor);
        }
    }
    Ok(remainder.trim_start_matches('0').is_empty())
}

/// `a - b` for digit strings with `a ≥ b`.
fn subtract(a: &str, b: &str) -> String {
    let a: Vec<u8> = a.bytes().map(|d| d - b'0').collect();
    let b: Vec<u8> = b.bytes().map(|d| d - b'0').collect();
    let mut out = vec![0u8; a.len()];
    let mut borrow = 0i16;
    for i in (0..a.len()).rev() {
        let bi = (i + b.len())
            .checked_sub(a.len())
            .map_or(0, |j| i16::from(b[j]));
        let mut d = i16::from(a[i]) - bi - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 10;
        }
        out[i] = d as u8;
    }
    let text: String = out.iter().map(|d| char::from(b'0' + d)).collect();
    let text = text.trim_start_matches('0');
    if text.is_empty() {
        "0".into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_compare_and_divide_exactly() {
        assert_eq!(compare_decimals("10", "9.99"), Ok(1));
        assert_eq!(compare_decimals("1e1", "10.0"), Ok(0));
        assert_eq!(compare_decimals("-1", "0"), Ok(-1));
        assert_eq!(compare_decimals("0.0", "-0"), Ok(0));
        assert!(compare_decimals("abc", "1").is_err());
        assert!(compare_decimals("1e1001", "1").is_err());
        assert_eq!(is_multiple("30", "10"), Ok(true));
        assert_eq!(is_multiple("0.3", "0.1"), Ok(true));
        assert_eq!(is_multiple("25", "10"), Ok(false));
        assert_eq!(is_multiple("0", "5"), Ok(true));
        assert_eq!(is_multiple("5", "0"), Ok(false));
        assert_eq!(is_multiple("123456789123456789", "3"), Ok(true));
    }

    #[test]
    fn middleware_trims_unicode_blanks_and_empties_to_null() {
        let v: Value =
            serde_json::from_str(r#"{"a": " x\u00a0", "b": "\u200b", "c": [" "], "d": 0}"#)
                .unwrap();
        let out = middleware(&v);
        assert_eq!(out.get_attr("a").unwrap().as_str(), Some("x"));
        assert!(out.get_attr("b").unwrap().is_none());
        assert!(
            out.get_attr("c")
                .unwrap()
                .get_item_by_index(0)
                .unwrap()
                .is_none()
        );
        assert_eq!(out.get_attr("d").unwrap().as_i64(), Some(0));
    }

    #[test]
    fn limits_as_the_model_casts_them() {
        let limits = |json: &str| {
            resolve_limits(&serde_json::from_str::<Value>(json).unwrap())
                .map(|v| serde_json::to_string(&v).unwrap())
        };
        assert_eq!(
            limits("null").unwrap(),
            r#"{"enabled":"false","cpu":0.0,"memory":0}"#
        );
        assert_eq!(
            limits(r#"{"is_active": "1", "cpu": "0.5", "memory": "536870912"}"#).unwrap(),
            r#"{"enabled":"true","cpu":0.5,"memory":536870912}"#
        );
        assert!(limits(r#"{"is_active": "yes"}"#).is_err());
        assert!(limits(r#"{"cpu": "500m"}"#).is_err());
    }
}
