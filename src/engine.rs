//! Compiling and rendering templates.
