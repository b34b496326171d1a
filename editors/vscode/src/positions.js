// portclaims' positions are 1-based lines and columns counted in characters (Unicode code
// points); VS Code's are 0-based lines and UTF-16 offsets. The two differ on lines holding
// characters outside the Basic Multilingual Plane (emoji), so the conversion reads the line.

/** The UTF-16 offset in `lineText` of 1-based code-point column `column` (clamped to the line). */
export function utf16Offset(lineText, column) {
  let offset = 0;
  for (let seen = 1; seen < column && offset < lineText.length; seen++) {
    const code = lineText.codePointAt(offset);
    offset += code > 0xffff ? 2 : 1;
  }
  return Math.min(offset, lineText.length);
}

/**
 * A portclaims range `{ start: { line, column }, end }` as VS Code's 0-based
 * `{ startLine, startCharacter, endLine, endCharacter }` in a text of `lines`. An empty range
 * widens to one character, so that the editor has something to underline.
 */
export function editorRange(range, lines) {
  const clampLine = (line) => Math.max(0, Math.min((line ?? 1) - 1, lines.length - 1));
  const startLine = clampLine(range?.start?.line);
  const endLine = Math.max(startLine, clampLine(range?.end?.line ?? range?.start?.line));
  const startCharacter = utf16Offset(lines[startLine] ?? '', range?.start?.column ?? 1);
  let endCharacter = utf16Offset(lines[endLine] ?? '', range?.end?.column ?? (range?.start?.column ?? 1) + 1);
  if (endLine === startLine && endCharacter <= startCharacter) endCharacter = startCharacter + 1;
  return { startLine, startCharacter, endLine, endCharacter };
}

/** Whether 0-based `{ line, character }` lies in a portclaims range of a text of `lines`. */
export function rangeContains(range, lines, { line, character }) {
  const r = editorRange(range, lines);
  if (line < r.startLine || line > r.endLine) return false;
  if (line === r.startLine && character < r.startCharacter) return false;
  if (line === r.endLine && character >= r.endCharacter) return false;
  return true;
}
