//! What Kublade's "create deployment" form sends for a field its user leaves alone: the
//! inputs `deployment/add.blade.php` pre-fills, as the browser submits them.
//!
//! portclaims sends this for every field a render is not given, so that a template renders with
//! its defaults as a Kublade user who changes nothing would deploy it. One deliberate difference:
//! the form leaves a checkbox unchecked, which Kublade refuses for a required checkbox; portclaims
//! sends a required checkbox checked (with its value), so that such a template renders at all.

use minijinja::Value;

use super::fields::{Field, FieldType};
use crate::php::value::float_to_repr;

/// The value the form submits for `field`, or `None` when it submits nothing (an unchecked
/// checkbox, a radio group or select without options).
pub fn prefilled(field: &Field) -> Option<Value> {
    let default = field.value.clone().unwrap_or_default();
    let text = match field.kind {
        // An `<input type="text">` drops line breaks from its value.
        FieldType::Text => default.replace(['\r', '\n'], ""),
        FieldType::Number => {
            if is_valid_float(&default) {
                default
            } else {
                String::new()
            }
        }
        FieldType::Range => range_value(field, &default),
        FieldType::Radio | FieldType::RadioImage => field
            .options
            .iter()
            .rev()
            .find(|o| o.default)?
            .value
            .clone(),
        FieldType::Select => {
            let chosen = field
                .options
                .iter()
                .rev()
                .find(|o| o.default)
                .or(field.options.first())?;
            chosen.value.clone()
        }
        // A `<textarea>` loses one leading line break; the form encoding sends CRLF.
        FieldType::Textarea => crlf(strip_one_newline(&default)),
        FieldType::Hidden => crlf(&default),
        FieldType::Checkbox => {
            if field.required {
                field.value.clone()?
            } else {
                return None;
            }
        }
    };
    Some(Value::from(text))
}

fn strip_one_newline(s: &str) -> &str {
    s.strip_prefix("\r\n")
        .or_else(|| s.strip_prefix('\r'))
        .or_else(|| s.strip_prefix('\n'))
        .unwrap_or(s)
}

fn crlf(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n")
}

/// HTML's "valid floating-point number": `-?(\d+|\d*\.\d+)([eE][-+]?\d+)?`.
fn is_valid_float(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => (int.is_empty() || digits(int)) && digits(frac),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// An `<input type="range">`'s value: the default clamped to min/max and snapped to the step
/// (the midpoint when the default is no number), as the browser sanitizes it.
fn range_value(field: &Field, default: &str) -> String {
    let min = field.min.unwrap_or(0.0);
    let max = field.max.unwrap_or(100.0);
    let step = field.step.filter(|s| *s != 0.0).unwrap_or(1.0);
    let valid = is_valid_float(default);
    let parsed = default.parse::<f64>().unwrap_or(0.0);
    let mut value = if valid {
        parsed
    } else if max < min {
        min
    } else {
        min + (max - min) / 2.0
    };
    value = value.min(max).max(min);
    let mut snapped = min + ((value - min) / step).round() * step;
    if snapped > max {
        snapped -= step;
    }
    if valid && (snapped - parsed).abs() < 1e-12 {
        default.to_string()
    } else {
        // The browser writes the sanitized number back; Kublade's oracle spells it as PHP's
        // json_encode does.
        float_to_repr(snapped + 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kublade::fields::FieldOption;

    fn field(kind: FieldType, value: Option<&str>) -> Field {
        Field {
            key: "k".into(),
            kind,
            label: "K".into(),
            value: value.map(String::from),
            required: false,
            secret: false,
            set_on_create: true,
            set_on_update: false,
            min: None,
            max: None,
            step: None,
            options: Vec::new(),
        }
    }

    fn sent(f: &Field) -> Option<String> {
        prefilled(f).map(|v| v.as_str().unwrap_or_default().to_string())
    }

    #[test]
    fn each_input_as_the_browser_submits_it() {
        assert_eq!(
            sent(&field(FieldType::Text, Some("a\nb"))).as_deref(),
            Some("ab")
        );
        assert_eq!(
            sent(&field(FieldType::Number, Some("1e3"))).as_deref(),
            Some("1e3")
        );
        assert_eq!(
            sent(&field(FieldType::Number, Some("12abc"))).as_deref(),
            Some("")
        );
        assert_eq!(
            sent(&field(FieldType::Textarea, Some("\nx\ny"))).as_deref(),
            Some("x\r\ny")
        );
        assert_eq!(sent(&field(FieldType::Checkbox, Some("on"))), None);
        let mut required = field(FieldType::Checkbox, Some("on"));
        required.required = true;
        assert_eq!(sent(&required).as_deref(), Some("on"));
        let mut select = field(FieldType::Select, None);
        assert_eq!(sent(&select), None);
        select.options = vec![
            FieldOption {
                value: "a".into(),
                label: "A".into(),
                default: false,
            },
            FieldOption {
                value: "b".into(),
                label: "B".into(),
                default: false,
            },
        ];
        assert_eq!(sent(&select).as_deref(), Some("a"));
        let mut range = field(FieldType::Range, Some("7"));
        (range.min, range.max, range.step) = (Some(1.0), Some(5.0), Some(2.0));
        assert_eq!(sent(&range).as_deref(), Some("5"));
        range.value = Some("3".into());
        assert_eq!(sent(&range).as_deref(), Some("3"));
    }
}
