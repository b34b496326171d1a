//! Byte offsets ↔ 1-based lines and character columns.

use super::Span;

pub struct LineIndex {
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and character column of a byte offset (clamped to the text).
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }

    pub fn span(&self, text: &str, start: usize, end: usize) -> Span {
        let (start_line, start_column) = self.position(text, start);
        let (end_line, end_column) = self.position(text, end.max(start));
        Span {
            start_line,
            start_column,
            end_line,
            end_column,
        }
    }

    pub fn offset_of_line(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    pub fn line_text(&self, text: &str, line: usize) -> String {
        let Some(start) = self.offset_of_line(line) else {
            return String::new();
        };
        let end = self.starts.get(line).copied().unwrap_or(text.len());
        text.get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
            .to_string()
    }
}
