//! Blade templates translated into minijinja templates.
