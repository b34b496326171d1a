//! `json_encode`.

use minijinja::value::Value;

use super::functions::{Function, php_fn};
use super::json;

pub(crate) const LIBRARY: &[Function] = &[
    php_fn!(
        "json_decode",
        ["json", "associative", "depth", "flags"],
        1,
        |args| {
            let text = args.string(0)?;
            let flags = args.opt_int(3)?.unwrap_or(0);
            let associative = match args.get(1) {
                Some(v) if !(v.is_none() || v.is_undefined()) => args.bool(1)?,
                // JSON_OBJECT_AS_ARRAY decides when $associative is null.
                _ => flags & 1 != 0,
            };
            let depth = args.opt_int(2)?.unwrap_or(512);
            if depth <= 0 {
                return Err(args.value_error(2, "must be greater than 0"));
            }
            let max_depth = usize::try_from(depth).unwrap_or(usize::MAX);
            match json::decode(&text, associative, max_depth, flags & 2 != 0)? {
                Ok(value) => Ok(value),
                Err(e @ json::DecodeError::Object) => Err(super::value::error(e.message())),
                Err(e) if flags & json::THROW_ON_ERROR != 0 => {
                    Err(super::value::error(e.message()))
                }
                Err(_) => Ok(Value::from(())),
            }
        }
    ),
    php_fn!("json_encode", ["value", "flags", "depth"], 1, |args| {
        let flags = args.opt_int(1)?.unwrap_or(0);
        // Unlike json_decode, PHP's encoder has no error for a depth below 1: it only fails
        // when an array nests deeper, so a scalar still encodes.
        let depth = args.opt_int(2)?.unwrap_or(512);
        let max_depth = usize::try_from(depth.max(0)).unwrap_or(usize::MAX);
        Ok(match json::encode(args.mixed(0), flags, max_depth)? {
            Ok(text) => Value::from(text),
            Err(json::JsonError::TooLong) => return Err(super::strings::too_long("json_encode")),
            Err(e) if flags & json::THROW_ON_ERROR != 0 => {
                return Err(super::value::error(e.message()));
            }
            Err(_) => Value::from(false),
        })
    }),
];
