//! TODO

use super::functions::Function;

pub(crate) const LIBRARY: &[Function] = &[];
