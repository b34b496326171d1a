//! The text each line of a Blade template prints as written.
//!
//! `check` reports problems it finds in a render's output (invalid YAML, a port used twice) on
//! the template line that made the output line. Which line that is, the output cannot say; what
//! each template line prints verbatim, around the parts a render computes, tells it apart. The
//! scanner decides what is text, so no other layer needs to know Blade's syntax for this.

use super::Failure;
use super::scan::{self, Token};

/// One line's printed text: `pieces[0]`, something computed, `pieces[1]`, … , `pieces[n - 1]`
/// (a line with no computed part has one piece).
pub type Pieces = Vec<String>;

/// For each line of `src` (split at `\n`), the text it prints as written, cut where the render
/// computes something (an echo, a directive, whatever a block prints); `None` for a line that
/// prints no text of its own (blank, or only directives and comments).
pub fn printed_lines(src: &str) -> Result<Vec<Option<Pieces>>, Failure> {
    let tokens = scan::scan(src)?.tokens;
    let starts: Vec<usize> = std::iter::once(0)
        .chain(src.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| starts.partition_point(|s| *s <= offset).saturating_sub(1);
    // Per line: the pieces so far, the last one still open for more text.
    let mut lines: Vec<Pieces> = vec![vec![String::new()]; starts.len()];
    let text = |lines: &mut Vec<Pieces>, from: usize, piece: &str| {
        for (i, part) in piece.split('\n').enumerate() {
            if let Some(pieces) = lines.get_mut(line_of(from) + i)
                && let Some(open) = pieces.last_mut()
            {
                open.push_str(part.trim_end_matches('\r'));
            }
        }
    };
    let hole = |lines: &mut Vec<Pieces>, at: usize| {
        if let Some(pieces) = lines.get_mut(line_of(at)) {
            pieces.push(String::new());
        }
    };
    for token in &tokens {
        match token {
            Token::Text { start, end } => text(&mut lines, *start, &src[*start..*end]),
            Token::Literal { text: t, start, .. } => text(&mut lines, *start, t),
            Token::Verbatim {
                content: (a, b), ..
            } => text(&mut lines, *a, &src[*a..*b]),
            Token::Echo { start, .. } | Token::Directive { start, .. } => hole(&mut lines, *start),
            Token::Comment { .. } => {}
        }
    }
    Ok(lines
        .into_iter()
        .map(|pieces| (!pieces.iter().all(|p| p.trim().is_empty())).then_some(pieces))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(src: &str) -> Vec<Option<Vec<&'static str>>> {
        printed_lines(src)
            .unwrap()
            .into_iter()
            .map(|l| l.map(|p| p.into_iter().map(|s| &*s.leak()).collect()))
            .collect()
    }

    #[test]
    fn text_echoes_directives_and_comments() {
        let src = "a: 1\n@if($x)\n  b: {{ $y }}-{!! $z !!}\n@endif\n{{-- c --}}\nc: @{{ d }}\n";
        assert_eq!(
            lines(src),
            vec![
                Some(vec!["a: 1"]),
                None,
                Some(vec!["  b: ", "-", ""]),
                None,
                None,
                Some(vec!["c: {{ d }}"]),
                None,
            ]
        );
    }

    #[test]
    fn verbatim_blocks_and_multi_line_tags() {
        let src = "@verbatim\nx: {{ y }}\n@endverbatim\nz: {{\n $a }} w\r\n";
        assert_eq!(
            lines(src),
            vec![
                None,
                Some(vec!["x: {{ y }}"]),
                None,
                Some(vec!["z: ", ""]),
                Some(vec![" w"]),
                None
            ]
        );
    }
}
