//! `.kublade/fields.json` as Kublade's template import reads it into its `template_fields` and
//! `template_field_options` tables: what each field's default, flags and options end up being.
//!
//! The rules (GitImport, MySQL 8 in strict mode, utf8mb4_unicode_ci) are those of
//! `../shared/spec/kublade-notes.md`, "Template import": `value` is a varchar(255) (numbers become
//! strings, `true`/`false` become `'1'`/`'0'`), the flags are false when absent, a key that
//! differs only in letter case is the same field, the last default option wins.

use std::collections::HashMap;

use minijinja::Value;
use minijinja::value::ValueKind;

use super::php::{describe, is_numeric, object_flag, scalar_string, to_float};

/// The field types Kublade's database knows, in the order of its enum (a number is an index).
pub const FIELD_TYPES: [&str; 9] = [
    "input_text",
    "input_number",
    "input_range",
    "input_radio",
    "input_radio_image",
    "input_checkbox",
    "input_hidden",
    "select",
    "textarea",
];

/// The longest string a varchar(255) column keeps, in characters.
const VARCHAR: usize = 255;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Number,
    Range,
    Radio,
    RadioImage,
    Checkbox,
    Hidden,
    Select,
    Textarea,
}

impl FieldType {
    fn from_index(index: usize) -> Option<FieldType> {
        use FieldType::*;
        [
            Text, Number, Range, Radio, RadioImage, Checkbox, Hidden, Select, Textarea,
        ]
        .get(index)
        .copied()
    }

    pub fn name(self) -> &'static str {
        FIELD_TYPES[self as usize]
    }

    /// Radio buttons resolve their value through their options.
    pub fn is_radio(self) -> bool {
        matches!(self, FieldType::Radio | FieldType::RadioImage)
    }

    pub fn has_options(self) -> bool {
        matches!(
            self,
            FieldType::Radio | FieldType::RadioImage | FieldType::Select
        )
    }
}

/// One field as Kublade stores it.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// As the first entry with this key (in any letter case) spelled it.
    pub key: String,
    pub kind: FieldType,
    pub label: String,
    /// The template default.
    pub value: Option<String>,
    pub required: bool,
    pub secret: bool,
    pub set_on_create: bool,
    pub set_on_update: bool,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub step: Option<f64>,
    pub options: Vec<FieldOption>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldOption {
    pub value: String,
    pub label: String,
    pub default: bool,
}

/// Why Kublade's import of fields.json fails, at a path into the file (`[2].type`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub path: String,
    pub message: String,
}

fn fail<T>(path: impl Into<String>, message: impl Into<String>) -> Result<T, ImportError> {
    Err(ImportError {
        path: path.into(),
        message: message.into(),
    })
}

/// MySQL's utf8mb4_unicode_ci comparison, approximated: letter case and trailing blanks ignored.
/// Two keys are the same when their folded forms are equal.
fn folded(key: &str) -> String {
    key.trim_end_matches(' ').to_lowercase()
}

/// The entries `collect(json_decode(...))->each(...)` walks: an array's items, an object's
/// property values, a lone scalar (which then is no object).
fn items(decoded: &Value) -> Vec<(String, Value)> {
    match decoded.kind() {
        ValueKind::None | ValueKind::Undefined => Vec::new(),
        ValueKind::Seq => decoded
            .try_iter()
            .map(|it| it.enumerate().map(|(i, v)| (format!("[{i}]"), v)).collect())
            .unwrap_or_default(),
        ValueKind::Map => decoded
            .try_iter()
            .map(|keys| {
                keys.map(|k| {
                    let v = decoded.get_item(&k).unwrap_or_default();
                    (format!("[{:?}]", k.as_str().unwrap_or_default()), v)
                })
                .collect()
            })
            .unwrap_or_default(),
        _ => vec![(String::new(), decoded.clone())],
    }
}

/// A property Kublade reads with `$field->name`: absent is a PHP warning, which fails the import.
fn prop(object: &Value, name: &str, path: &str) -> Result<Value, ImportError> {
    match object.get_attr(name) {
        Ok(v) if !v.is_undefined() => Ok(v),
        _ => fail(
            path,
            format!("has no \"{name}\" (Kublade's import reads it: the template import fails)"),
        ),
    }
}

/// A value stored in a string column: `None` for null where the column allows it.
fn column_string(v: &Value, path: &str, nullable: bool) -> Result<Option<String>, ImportError> {
    if v.is_none() {
        if nullable {
            return Ok(None);
        }
        return fail(
            path,
            "must not be null (the column is NOT NULL: Kublade's import fails)",
        );
    }
    let Some(text) = scalar_string(v) else {
        return fail(
            path,
            format!(
                "must be a string, got {} (Kublade's import fails: Array to string conversion)",
                describe(v)
            ),
        );
    };
    if text.chars().count() > VARCHAR {
        return fail(
            path,
            format!(
                "is longer than {VARCHAR} characters (MySQL refuses it: Kublade's import fails)"
            ),
        );
    }
    Ok(Some(text))
}

fn column_double(v: &Value, path: &str) -> Result<f64, ImportError> {
    let numeric = match v.kind() {
        ValueKind::Bool => true,
        ValueKind::String => is_numeric(&Value::from(super::php::php_trim(
            v.as_str().unwrap_or_default(),
        ))),
        _ => is_numeric(v),
    };
    if !numeric {
        return fail(
            path,
            format!(
                "must be a number, got {} (MySQL refuses it: Kublade's import fails)",
                describe(v)
            ),
        );
    }
    Ok(to_float(v))
}

fn field_type(v: &Value, path: &str) -> Result<FieldType, ImportError> {
    let index = match v.kind() {
        // MySQL takes a number for an enum as its 1-based index.
        ValueKind::Bool => Some(usize::from(v.is_true())),
        ValueKind::Number if v.is_integer() => v.as_i64().and_then(|i| usize::try_from(i).ok()),
        ValueKind::String => {
            let s = v.as_str().unwrap_or_default();
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                Some(s.parse::<usize>().unwrap_or(0))
            } else {
                FIELD_TYPES.iter().position(|t| *t == s).map(|i| i + 1)
            }
        }
        _ => None,
    };
    match index
        .and_then(|i| i.checked_sub(1))
        .and_then(FieldType::from_index)
    {
        Some(kind) => Ok(kind),
        None => fail(
            path,
            format!(
                "{} is not a field type: one of {} (MySQL refuses it: Kublade's import fails)",
                describe(v),
                FIELD_TYPES.join(", ")
            ),
        ),
    }
}

/// Reads fields.json's decoded content as Kublade's import stores it.
pub fn import(decoded: &Value) -> Result<Vec<Field>, ImportError> {
    let mut fields: Vec<Field> = Vec::new();
    // The rows by their folded key, as the unique index finds them: a folder may hold thousands.
    let mut by_key: HashMap<String, usize> = HashMap::new();
    // Per field: its options by their folded value, and which option is the default (saving a
    // default clears the others, so there is at most one).
    let mut options_by_value: Vec<HashMap<String, usize>> = Vec::new();
    let mut default_option: Vec<Option<usize>> = Vec::new();
    for (path, entry) in items(decoded) {
        if entry.kind() != ValueKind::Map {
            return fail(
                path,
                format!(
                    "must be an object with \"key\", \"type\", \"label\" and \"value\", got {} (Kublade's import fails)",
                    describe(&entry)
                ),
            );
        }
        let at = |name: &str| format!("{path}.{name}");
        let key =
            column_string(&prop(&entry, "key", &path)?, &at("key"), false)?.unwrap_or_default();
        let kind = field_type(&prop(&entry, "type", &path)?, &at("type"))?;
        let label =
            column_string(&prop(&entry, "label", &path)?, &at("label"), false)?.unwrap_or_default();
        let value = column_string(&prop(&entry, "value", &path)?, &at("value"), true)?;
        let flag = |name: &str| {
            object_flag(
                entry
                    .get_attr(name)
                    .ok()
                    .filter(|v| !v.is_undefined())
                    .as_ref(),
            )
        };
        let bound = |name: &str| -> Result<Option<f64>, ImportError> {
            match entry.get_attr(name) {
                Ok(v) if !v.is_undefined() && !v.is_none() => {
                    column_double(&v, &at(name)).map(Some)
                }
                _ => Ok(None),
            }
        };
        let (min, max, step) = (bound("min")?, bound("max")?, bound("step")?);
        let (required, secret, set_on_create, set_on_update) = (
            flag("required"),
            flag("secret"),
            flag("set_on_create"),
            flag("set_on_update"),
        );

        // updateOrCreate by (template, key): a later entry with the same key updates the row.
        let index = match by_key.get(&folded(&key)) {
            Some(&index) => index,
            None => {
                by_key.insert(folded(&key), fields.len());
                options_by_value.push(HashMap::new());
                default_option.push(None);
                fields.push(Field {
                    key,
                    kind,
                    label: String::new(),
                    value: None,
                    required: false,
                    secret: false,
                    set_on_create: false,
                    set_on_update: false,
                    min: None,
                    max: None,
                    step: None,
                    options: Vec::new(),
                });
                fields.len() - 1
            }
        };
        let field = &mut fields[index];
        field.kind = kind;
        field.label = label;
        field.value = value;
        field.required = required;
        field.secret = secret;
        field.set_on_create = set_on_create;
        field.set_on_update = set_on_update;
        field.min = min.or(field.min);
        field.max = max.or(field.max);
        field.step = step.or(field.step);

        let options = match entry.get_attr("options") {
            Ok(v) if !v.is_undefined() && !v.is_none() => items(&v),
            _ => Vec::new(),
        };
        for (option_path, option) in options {
            let option_path = format!("{}{option_path}", at("options"));
            if option.kind() != ValueKind::Map {
                return fail(
                    option_path,
                    format!(
                        "must be an object with \"value\" and \"label\", got {} (Kublade's import fails)",
                        describe(&option)
                    ),
                );
            }
            let value = column_string(
                &prop(&option, "value", &option_path)?,
                &format!("{option_path}.value"),
                false,
            )?
            .unwrap_or_default();
            let label = column_string(
                &prop(&option, "label", &option_path)?,
                &format!("{option_path}.label"),
                false,
            )?
            .unwrap_or_default();
            let default = object_flag(
                option
                    .get_attr("default")
                    .ok()
                    .filter(|v| !v.is_undefined())
                    .as_ref(),
            );
            // Saving a default option clears the others' flag.
            if default {
                if let Some(other) = default_option[index].take() {
                    field.options[other].default = false;
                }
            }
            let position = match options_by_value[index].get(&folded(&value)) {
                Some(&position) => {
                    let existing = &mut field.options[position];
                    existing.label = label;
                    existing.default = default;
                    position
                }
                None => {
                    options_by_value[index].insert(folded(&value), field.options.len());
                    field.options.push(FieldOption {
                        value,
                        label,
                        default,
                    });
                    field.options.len() - 1
                }
            };
            if default {
                default_option[index] = Some(position);
            } else if default_option[index] == Some(position) {
                default_option[index] = None;
            }
        }
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(json: &str) -> Result<Vec<Field>, ImportError> {
        import(&serde_json::from_str::<Value>(json).unwrap())
    }

    #[test]
    fn values_become_strings_and_flags_are_false_when_absent() {
        let f = fields(
            r#"[{"type": "input_number", "key": "n", "label": "N", "value": 20, "min": "1", "max": 10.5},
                {"type": "input_checkbox", "key": "c", "label": "C", "value": true, "required": "0", "secret": 1}]"#,
        )
        .unwrap();
        assert_eq!(f[0].value.as_deref(), Some("20"));
        assert_eq!(
            (f[0].min, f[0].max, f[0].step),
            (Some(1.0), Some(10.5), None)
        );
        assert!(!f[0].set_on_create && !f[0].required);
        assert_eq!(f[1].value.as_deref(), Some("1"));
        assert!(!f[1].required && f[1].secret);
    }

    #[test]
    fn a_key_in_another_letter_case_updates_the_field_and_the_last_default_option_wins() {
        let f = fields(
            r#"[{"type": "select", "key": "Size", "label": "S", "value": null,
                 "options": [{"value": "a", "label": "A", "default": true}, {"value": "b", "label": "B", "default": true}]},
                {"type": 8, "key": "size", "label": "S2", "value": "x",
                 "options": [{"value": "A", "label": "A2"}]}]"#,
        )
        .unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].key, "Size");
        assert_eq!(f[0].label, "S2");
        assert_eq!(f[0].kind, FieldType::Select);
        let options: Vec<_> = f[0]
            .options
            .iter()
            .map(|o| (o.value.as_str(), o.label.as_str(), o.default))
            .collect();
        assert_eq!(options, [("a", "A2", false), ("b", "B", true)]);
    }

    #[test]
    fn what_fails_the_import() {
        let error = |json: &str| {
            let e = fields(json).unwrap_err();
            format!("{}: {}", e.path, e.message)
        };
        assert!(
            error(r#"[{"type": "input_text", "key": "a", "value": null}]"#)
                .starts_with("[0]: has no \"label\"")
        );
        assert!(
            error(r#"[{"type": "text", "key": "a", "label": "A", "value": null}]"#)
                .starts_with("[0].type: \"text\" is not a field type")
        );
        assert!(
            error(r#"[{"type": "input_text", "key": null, "label": "A", "value": null}]"#)
                .starts_with("[0].key: must not be null")
        );
        let long = "x".repeat(256);
        assert!(
            error(&format!(
                r#"[{{"type": "input_text", "key": "a", "label": "A", "value": "{long}"}}]"#
            ))
            .starts_with("[0].value: is longer than 255")
        );
        assert!(
            error(
                r#"[{"type": "input_text", "key": "a", "label": "A", "value": null, "min": "x"}]"#
            )
            .starts_with("[0].min: must be a number")
        );
        assert!(error(r#"[5]"#).starts_with("[0]: must be an object"));
        assert!(error(r#"[{"type": "select", "key": "a", "label": "A", "value": null, "options": [{"value": "v"}]}]"#).starts_with("[0].options[0]: has no \"label\""));
        assert_eq!(fields("null").unwrap(), Vec::new());
    }
}
