// CodeMirror 6 editors: the template (YAML + Blade), the claims and groups (JSON) and the values
// (YAML, which JSON is a subset of). One theme in CSS variables serves light and dark.
import { basicSetup } from 'codemirror';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import { Decoration, EditorView } from '@codemirror/view';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { tags as t } from '@lezer/highlight';
import { bladeHighlight, setClaimPorts } from './blade.js';

export const highlightStyle = HighlightStyle.define([
  { tag: [t.keyword, t.bool, t.null, t.atom], color: 'var(--tok-keyword)' },
  { tag: [t.propertyName, t.definition(t.propertyName)], color: 'var(--tok-property)' },
  { tag: [t.string, t.special(t.string), t.content], color: 'var(--tok-string)' },
  { tag: [t.number, t.integer, t.float], color: 'var(--tok-number)' },
  { tag: [t.comment, t.lineComment, t.blockComment], color: 'var(--tok-comment)', fontStyle: 'italic' },
  { tag: [t.meta, t.processingInstruction, t.labelName, t.typeName], color: 'var(--tok-meta)' },
  { tag: [t.punctuation, t.separator, t.bracket, t.squareBracket, t.brace], color: 'var(--tok-punct)' },
  { tag: t.invalid, color: 'var(--tok-invalid)' },
]);

const theme = EditorView.theme({
  '&': { color: 'var(--fg)', backgroundColor: 'var(--editor-bg)', fontSize: '13px', height: '100%' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.55' },
  '.cm-content': { caretColor: 'var(--accent)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--accent)' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '-2px' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--selection) !important' },
  '.cm-gutters': { backgroundColor: 'var(--editor-gutter)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'var(--active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--active-line)', color: 'var(--fg)' },
  '.cm-foldPlaceholder': { backgroundColor: 'var(--chip)', border: 'none', color: 'var(--muted)' },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-panels': { backgroundColor: 'var(--panel)', color: 'var(--fg)' },
  '.cm-matchingBracket': { backgroundColor: 'var(--match) !important', outline: 'none' },
  '.cm-searchMatch': { backgroundColor: 'var(--match)' },
  '.cm-error-line': { backgroundColor: 'var(--error-line)' },
  '.cm-port-hint::after': {
    content: '"= " attr(data-port)',
    marginLeft: '4px',
    padding: '0 5px',
    borderRadius: '4px',
    fontSize: '11px',
    backgroundColor: 'var(--chip)',
    color: 'var(--muted)',
    fontFamily: 'var(--sans)',
  },
});

// The line an error points at, as a line decoration (besides the lint diagnostic).
const setErrorLines = StateEffect.define();
const errorLines = StateField.define({
  create: () => Decoration.none,
  update(value, tr) {
    value = value.map(tr.changes);
    for (const effect of tr.effects) if (effect.is(setErrorLines)) value = effect.value;
    return value;
  },
  provide: (field) => EditorView.decorations.from(field),
});

const languages = {
  blade: () => [yaml(), bladeHighlight],
  yaml: () => [yaml()],
  json: () => [json()],
};

/** An editor in `parent`. `onChange(text)` is called after each edit of the document. */
export function createEditor(parent, { doc = '', language = 'yaml', label, onChange = () => {}, wrap = false }) {
  const base = [
    basicSetup,
    languages[language](),
    syntaxHighlighting(highlightStyle),
    lintGutter(),
    errorLines,
    theme,
    EditorView.contentAttributes.of({ 'aria-label': label }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) onChange(update.state.doc.toString(), update);
    }),
    ...(wrap ? [EditorView.lineWrapping] : []),
  ];
  const makeState = (text) => EditorState.create({ doc: text, extensions: base });
  const view = new EditorView({ parent, state: makeState(doc) });
  let diagnostics = [];

  return {
    view,
    get text() {
      return view.state.doc.toString();
    },
    /** Replaces the document (a fresh state: no undo across examples or files). */
    load(text) {
      view.setState(makeState(text));
      diagnostics = [];
    },
    /** Replaces the document as an edit the user can undo. */
    replace(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    /** Problems as `{ severity, message, line, column?, endLine?, endColumn? }` (1-based). */
    setProblems(problems) {
      const doc = view.state.doc;
      diagnostics = problems.map((p) => ({ ...rangeOf(doc, p), severity: p.severity ?? 'error', message: p.message, source: p.source }));
      const lines = new Set();
      const lineDecos = [];
      for (const p of problems) {
        if (p.severity && p.severity !== 'error') continue;
        const line = doc.line(clamp(p.line ?? 1, 1, doc.lines));
        if (lines.has(line.number)) continue;
        lines.add(line.number);
        lineDecos.push(Decoration.line({ class: 'cm-error-line', attributes: { 'data-error-line': String(line.number) } }).range(line.from));
      }
      view.dispatch(setDiagnostics(view.state, diagnostics), { effects: setErrorLines.of(Decoration.set(lineDecos, true)) });
    },
    focus() {
      view.focus();
    },
    /** Puts the cursor at a 1-based line and column, scrolled into view, and focuses the editor. */
    reveal(line = 1, column = 1) {
      const doc = view.state.doc;
      const target = doc.line(clamp(line, 1, doc.lines));
      const anchor = target.from + clamp(column - 1, 0, target.length);
      view.dispatch({ selection: { anchor }, effects: EditorView.scrollIntoView(anchor, { y: 'center' }) });
      view.focus();
    },
    /** The port of each claim, shown after its references in a template. */
    setClaimPorts(ports) {
      view.dispatch({ effects: setClaimPorts.of(ports) });
    },
  };
}

const clamp = (n, lo, hi) => Math.min(Math.max(n, lo), hi);

function rangeOf(doc, { line, column, endLine, endColumn }) {
  const start = doc.line(clamp(line ?? 1, 1, doc.lines));
  const from = start.from + clamp((column ?? 1) - 1, 0, start.length);
  let to;
  if (endLine != null && endColumn != null) {
    const end = doc.line(clamp(endLine, 1, doc.lines));
    to = end.from + clamp(endColumn - 1, 0, end.length);
  }
  if (to === undefined || to <= from) {
    // No end: the word at the position, or the rest of the line.
    const rest = doc.sliceString(from, start.to);
    const word = /^\S+/.exec(rest);
    to = word ? from + word[0].length : start.to;
    if (to === from && from > start.from) return { from: from - 1, to: from };
  }
  return { from, to };
}
