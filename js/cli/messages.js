// What the CLI tells a person: one message they can act on, the offending line with a caret under
// the spot, and a hint where one helps (in the manner of rustc and ripgrep). Colour only when the
// stream is a terminal, and never when NO_COLOR is set (https://no-color.org).
import { eastAsianWidth } from 'get-east-asian-width';

/** An error the CLI reports and exits on. `exitCode` 2 is a usage error. */
export class CliError extends Error {
  constructor(message, { exitCode = 1, file, line, column, endLine, endColumn, sourceLine, hint, notes } = {}) {
    super(message);
    this.name = 'CliError';
    Object.assign(this, { exitCode, file, line, column, endLine, endColumn, sourceLine, hint, notes });
  }
}

export class UsageError extends CliError {
  constructor(message, command) {
    super(message, { exitCode: 2 });
    this.name = 'UsageError';
    this.command = command;
  }
}

function useColor(stream, env = process.env) {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

const CODES = { red: 31, yellow: 33, blue: 34, cyan: 36, green: 32, bold: 1, dim: 2 };

function painter(enabled) {
  const paint = (style, text) => {
    if (!enabled) return text;
    const codes = style.split('+').map((s) => CODES[s]).join(';');
    return `\x1b[${codes}m${text}\x1b[0m`;
  };
  return paint;
}

const SEVERITY_STYLE = { error: 'red+bold', warning: 'yellow+bold', info: 'blue+bold', note: 'cyan+bold' };

const TAB = '    ';

/** The widest source line a snippet prints whole, in terminal cells; longer ones are cut. */
export const SNIPPET_WIDTH = 100;
const CUT = '…';

/** Terminal cells a character takes: tabs expand, combining marks and format characters take none, East Asian wide and fullwidth characters (CJK, most emoji) two. */
function cells(char) {
  if (char === '\t') return TAB.length;
  const shown = printable(char);
  if (shown !== char) return shown.length;
  if (/^[\p{Mn}\p{Me}\p{Cf}]$/u.test(char)) return 0;
  return eastAsianWidth(char.codePointAt(0));
}

/**
 * The source line with carets under columns [column, endColumn) (1-based characters, end
 * exclusive, as the core counts them), with a gutter holding the line number:
 *
 *     7 |     port: {{ $portClaims['web'] }}
 *       |           ^^^^^^^^^^^^^^^^^^^^^^^^
 *
 * A line wider than SNIPPET_WIDTH cells is cut around the carets, and `…` marks each cut.
 */
export function snippet(paint, { line, column, endLine, endColumn, sourceLine, style = 'red+bold' }) {
  if (sourceLine === undefined || sourceLine === null || !line) return [];
  const chars = Array.from(String(sourceLine).replace(/\r$/, ''));
  const gutter = String(line).length;
  const pad = ' '.repeat(gutter);
  const bar = paint('blue+bold', '|');
  const start = Math.max(1, Math.min(column || 1, chars.length + 1)) - 1;
  let end = (endLine === undefined || endLine === line ? endColumn : chars.length + 1) - 1;
  if (!(end > start)) end = start + 1;
  end = Math.min(end, Math.max(chars.length, start + 1));
  const width = chars.map(cells);
  const span = (a, b) => width.slice(a, b).reduce((sum, w) => sum + w, 0);
  // The window [from, to) of characters shown: all of them, or the carets' and what fits around.
  let from = 0;
  let to = chars.length;
  if (span(0, chars.length) > SNIPPET_WIDTH) {
    let room = SNIPPET_WIDTH - 2 * CUT.length;
    from = start;
    to = start;
    // up to a third before the spot, then the carets (their start at least), what follows, and
    // whatever room is left before
    let before = Math.floor(room / 3);
    while (from > 0 && width[from - 1] <= before) {
      before -= width[--from];
      room -= width[from];
    }
    while (to < Math.min(end, chars.length) && (to === start || width[to] <= room)) room -= width[to++];
    while (to < chars.length && width[to] <= room) room -= width[to++];
    while (from > 0 && width[from - 1] <= room) room -= width[--from];
  }
  const head = from > 0 ? CUT : '';
  const tail = to < chars.length ? CUT : '';
  const text = chars.slice(from, to).map((c) => (c === '\t' ? TAB : printable(c))).join('');
  const offset = head.length + span(from, start);
  const carets = Math.max(1, span(start, Math.min(end, to)));
  return [
    `${pad} ${bar}`,
    `${paint('blue+bold', String(line))} ${bar} ${head}${text}${tail}`,
    `${pad} ${bar} ${' '.repeat(offset)}${paint(style, '^'.repeat(carets))}`,
  ];
}

export function createReporter(stream = process.stderr, env = process.env) {
  const paint = painter(useColor(stream, env));
  const write = (text) => stream.write(`${text}\n`);

  function headline(severity, message) {
    return `${paint(SEVERITY_STYLE[severity] ?? 'bold', `${severity}:`)} ${paint('bold', message)}`;
  }

  return {
    paint,
    color: useColor(stream, env),
    write,
    /** error: … (+ snippet + hint), from a CliError or an API error. */
    error(error, extra = {}) {
      const hint = extra.hint ?? error.hint;
      write(headline('error', oneLine(error.message)));
      for (const line of snippet(paint, { ...error, ...extra })) write(line);
      const pad = ' '.repeat(Math.max(1, String(error.line ?? '').length));
      for (const note of error.notes ?? []) write(`${pad} ${paint('blue+bold', '=')} note: ${printable(note)}`);
      if (hint) write(`${pad} ${paint('blue+bold', '=')} ${paint('bold', 'hint')}: ${printable(hint)}`);
    },
    warning(message, hint) {
      write(headline('warning', oneLine(message)));
      if (hint) write(`  ${paint('blue+bold', '=')} ${paint('bold', 'hint')}: ${printable(hint)}`);
    },
    /** A diagnostic: `severity: message`, then `--> file:line:column` and the snippet. */
    diagnostic(d, sourceLineOf) {
      write(headline(d.severity, oneLine(d.message)));
      const start = d.range?.start;
      const pad = ' '.repeat(Math.max(1, String(start?.line ?? '').length));
      if (d.file) {
        const where = printable(start ? `${d.file}:${start.line}:${start.column}` : d.file);
        write(`${pad}${paint('blue+bold', '-->')} ${where}`);
      }
      if (start && d.file) {
        const sourceLine = sourceLineOf?.(d.file, start.line);
        const lines = snippet(paint, {
          line: start.line,
          column: start.column,
          endLine: d.range.end?.line,
          endColumn: d.range.end?.column,
          sourceLine,
          style: SEVERITY_STYLE[d.severity],
        });
        for (const line of lines) write(line);
      }
      if (d.hint) write(`${pad} ${paint('blue+bold', '=')} ${paint('bold', 'hint')}: ${printable(d.hint)}`);
    },
  };
}

/** Messages are one line: a multi-line message keeps its first line, with its controls escaped. */
export function oneLine(message) {
  const text = String(message ?? '').trim();
  const first = text.split(/\r?\n/)[0];
  return printable(first) || 'unknown error';
}

// C0 controls but the tab, DEL, C1 controls, and the invisible marks that reorder text on screen
// (bidirectional overrides and isolates).
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` safe to print on a terminal: every character that a terminal would act on instead of
 * showing (an escape sequence that clears the screen or sets the window title, a bell, a
 * right-to-left override) is shown as its `\u{…}` escape. Names come from files anyone can edit in
 * a pull request; printing them must not let that file take over the reviewer's terminal.
 */
export function printable(text) {
  return String(text).replace(UNPRINTABLE, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
}

export function plural(n, word, many = `${word}s`) {
  return `${n} ${n === 1 ? word : many}`;
}

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

export function closest(word, candidates) {
  let best;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}
