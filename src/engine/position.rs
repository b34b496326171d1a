//! Byte offsets ↔ 1-based lines and character columns.

use super::Span;

pub struct LineIndex {
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
    /// The characters before every `BLOCK`th byte, so that a column on a long line costs at
    /// most a block's count, not the line's: a template may be one line with many spans.
    chars_before_block: Vec<usize>,
}

const BLOCK: usize = 256;

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut chars_before_block = Vec::with_capacity(text.len() / BLOCK + 1);
        let mut chars = 0;
        for block in text.as_bytes().chunks(BLOCK) {
            chars_before_block.push(chars);
            chars += char_starts(block);
        }
        chars_before_block.push(chars);
        LineIndex {
            starts,
            chars_before_block,
        }
    }

    /// The characters of `text[..offset]`, for an offset on a character boundary.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let block = offset / BLOCK;
        self.chars_before_block.get(block).copied().unwrap_or(0)
            + char_starts(
                text.as_bytes()
                    .get(block * BLOCK..offset)
                    .unwrap_or_default(),
            )
    }

    /// 1-based line and character column of a byte offset (clamped to the text).
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self.chars_before(text, offset) - self.chars_before(text, start) + 1;
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

/// The UTF-8 sequences that start in `bytes`: the bytes that are not continuation bytes.
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b as i8) >= -0x40).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns count characters, whatever block boundaries the line's multi-byte characters cross.
    #[test]
    fn columns_are_characters_across_blocks() {
        // Lines of about 2,000 bytes, so that each spans several blocks.
        let text: String = (1..5_000)
            .map(|i| match i % 7 {
                _ if i % 1_500 == 0 => "\n",
                0 => "é",
                2 => "𝄞",
                3 => "ab",
                _ => "x",
            })
            .collect();
        let index = LineIndex::new(&text);
        let mut line = 1;
        let mut column = 1;
        for (offset, c) in text.char_indices() {
            assert_eq!(index.position(&text, offset), (line, column), "at {offset}");
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        assert_eq!(index.position(&text, text.len()), (line, column));
    }
}
