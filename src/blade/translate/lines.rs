//! Line structure: lines that hold only directives (hidden by Smart whitespace, reported as leaky
//! in Blade whitespace).

use crate::blade::scan::Token;

/// Finds lines made only of directives, comments and blanks. Returns which tokens Smart
/// whitespace hides, and the directive ranges of such lines with indentation (which Blade prints).
pub(super) fn directive_lines(
    src: &str,
    tokens: &[Token],
    smart: bool,
) -> (Vec<bool>, Vec<(usize, usize)>) {
    let mut hidden = vec![false; tokens.len()];
    let mut leaky = Vec::new();
    let text = |a: usize, b: usize| src.get(a..b).unwrap_or("");
    let bytes = src.as_bytes();
    let has_newline = |a: usize, b: usize| bytes.get(a..b).is_some_and(|t| t.contains(&b'\n'));
    let mut i = 0;
    while i < tokens.len() {
        let first = i;
        let mut last = i;
        while last < tokens.len() {
            let t = &tokens[last];
            let ends = match t {
                // Text holds a newline only at its end.
                Token::Text { start, end } => *end > *start && bytes.get(end - 1) == Some(&b'\n'),
                Token::Directive { eats, .. } => eats.is_some(),
                other => has_newline(other.start(), other.end()),
            };
            if ends {
                break;
            }
            last += 1;
        }
        let last = last.min(tokens.len() - 1);
        let line = &tokens[first..=last];
        let mut directives = line.iter().filter(|t| matches!(t, Token::Directive { .. }));
        let qualifies = directives.next().is_some()
            && line.iter().all(|t| match t {
                Token::Directive { .. } => true,
                Token::Comment { start, end } => !text(*start, *end).contains('\n'),
                Token::Text { start, end } => text(*start, *end)
                    .trim_end_matches(['\n', '\r'])
                    .chars()
                    .all(|c| c == ' ' || c == '\t'),
                _ => false,
            });
        if qualifies {
            if smart {
                for (k, t) in line.iter().enumerate() {
                    if matches!(t, Token::Text { .. }) {
                        hidden[first + k] = true;
                    }
                }
            } else if let Some(Token::Text { start, end }) = line.first() {
                if *end > *start {
                    let d_start = line
                        .iter()
                        .find(|t| matches!(t, Token::Directive { .. }))
                        .map(Token::start);
                    let d_end = line.iter().rev().find_map(|t| match t {
                        Token::Directive { end, .. } => Some(*end),
                        _ => None,
                    });
                    if let (Some(a), Some(b)) = (d_start, d_end) {
                        leaky.push((a, b));
                    }
                }
            }
        }
        i = last + 1;
    }
    (hidden, leaky)
}
