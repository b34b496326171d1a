// Blade (and Jinja) constructs highlighted over the YAML of a template: `{{ }}`, `{!! !!}`,
// `{{-- --}}`, `@directives(...)`, and `{% %}` / `{# #}`. A view plugin of mark decorations.
import { RangeSetBuilder } from '@codemirror/state';
import { Decoration, ViewPlugin } from '@codemirror/view';

const CONSTRUCT = new RegExp(
  [
    String.raw`\{\{--[\s\S]*?(?:--\}\}|$(?![\s\S]))`, // {{-- comment --}}
    String.raw`\{#[\s\S]*?(?:#\}|$(?![\s\S]))`, // {# jinja comment #}
    String.raw`@?\{!![\s\S]*?(?:!!\}|$(?![\s\S]))`, // {!! raw !!}
    String.raw`@?\{\{[\s\S]*?(?:\}\}|$(?![\s\S]))`, // {{ echo }} (and @{{ verbatim }})
    String.raw`\{%[\s\S]*?(?:%\}|$(?![\s\S]))`, // {% jinja statement %}
    String.raw`(?<![\w@.])@[A-Za-z_]\w*(?:[ \t]*\((?:[^()\n'"]|'[^'\n]*'|"[^"\n]*"|\((?:[^()\n]|\([^()\n]*\))*\))*\))?`, // @directive(...)
  ].join('|'),
  'g',
);

const TOKEN = /(\$[A-Za-z_]\w*)|('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")|(\b\d+(?:\.\d+)?\b)|(\b(?:as|and|or|not|in|is|true|false|null|none|True|False|None)\b)|([A-Za-z_]\w*(?=\s*\())|(\?\?|===?|!==?|<=|>=|&&|\|\||[?:!<>|])/g;
const TOKEN_CLASS = ['', 'cm-blade-var', 'cm-blade-string', 'cm-blade-number', 'cm-blade-keyword', 'cm-blade-function', 'cm-blade-operator'];

const mark = (cls) => Decoration.mark({ class: cls });
const marks = Object.fromEntries(
  ['cm-blade-comment', 'cm-blade-echo', 'cm-blade-raw', 'cm-blade-directive', 'cm-blade-statement', 'cm-blade-delim', 'cm-blade-name', ...TOKEN_CLASS.slice(1)].map((c) => [c, mark(c)]),
);

function expression(ranges, from, text) {
  TOKEN.lastIndex = 0;
  for (let m; (m = TOKEN.exec(text)); ) {
    const group = m.findIndex((g, i) => i > 0 && g !== undefined);
    if (group > 0) ranges.push([from + m.index, from + m.index + m[0].length, marks[TOKEN_CLASS[group]]]);
  }
}

function construct(ranges, from, text) {
  const to = from + text.length;
  const push = (a, b, cls) => b > a && ranges.push([a, b, marks[cls]]);
  if (text.startsWith('{{--') || text.startsWith('{#')) return push(from, to, 'cm-blade-comment');
  if (text.startsWith('@') && !text.startsWith('@{')) {
    const name = /^@\w+/.exec(text)[0];
    push(from, to, 'cm-blade-directive');
    push(from, from + name.length, 'cm-blade-name');
    expression(ranges, from + name.length, text.slice(name.length));
    return;
  }
  const skip = text.startsWith('@') ? 1 : 0; // @{{ }} is printed as is
  const open = text.startsWith('{!!', skip) ? 3 : 2;
  const closes = /(?:!!\}|\}\}|%\})$/.test(text) ? open : 0;
  const cls = text.startsWith('{!!', skip) ? 'cm-blade-raw' : text.startsWith('{%') ? 'cm-blade-statement' : 'cm-blade-echo';
  push(from, to, cls);
  push(from, from + skip + open, 'cm-blade-delim');
  expression(ranges, from + skip + open, text.slice(skip + open, text.length - closes));
  push(to - closes, to, 'cm-blade-delim');
}

function decorations(view) {
  const text = view.state.doc.toString();
  const ranges = [];
  CONSTRUCT.lastIndex = 0;
  for (let m; (m = CONSTRUCT.exec(text)); ) {
    if (m[0].length === 0) {
      CONSTRUCT.lastIndex++;
      continue;
    }
    construct(ranges, m.index, m[0]);
  }
  // Outer marks before the inner ones that start at the same place.
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const builder = new RangeSetBuilder();
  for (const [from, to, deco] of ranges) builder.add(from, to, deco);
  return builder.finish();
}

export const bladeHighlight = ViewPlugin.fromClass(
  class {
    constructor(view) {
      this.decorations = decorations(view);
    }
    update(update) {
      if (update.docChanged) this.decorations = decorations(update.view);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);
