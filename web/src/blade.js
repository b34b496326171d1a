// Blade (and Jinja) constructs highlighted over the YAML of a template: `{{ }}`, `{!! !!}`,
// `{{-- --}}`, `@directives(...)`, and `{% %}` / `{# #}`. A view plugin of mark decorations.
import { RangeSetBuilder, StateEffect, StateField } from '@codemirror/state';
import { Decoration, ViewPlugin, WidgetType } from '@codemirror/view';

// The port each claim got in the last render, shown after each `$portClaims['name']`.
export const setClaimPorts = StateEffect.define();
const claimPorts = StateField.define({
  create: () => ({}),
  update: (value, tr) => tr.effects.reduce((v, e) => (e.is(setClaimPorts) ? e.value : v), value),
});

class PortHint extends WidgetType {
  constructor(port) {
    super();
    this.port = port;
  }
  eq(other) {
    return other.port === this.port;
  }
  toDOM() {
    const hint = document.createElement('span');
    hint.className = 'cm-port-hint';
    // Drawn from an attribute by CSS, so the hint is not part of the editor's text.
    hint.dataset.port = String(this.port);
    hint.setAttribute('aria-hidden', 'true');
    return hint;
  }
  ignoreEvent() {
    return false;
  }
}

const CLAIM_REFERENCE = /\$portClaims\s*\[\s*(['"])([^'"\n]*)\1\s*\]/g;

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

function hints(ranges, from, text, ports) {
  CLAIM_REFERENCE.lastIndex = 0;
  for (let m; (m = CLAIM_REFERENCE.exec(text)); ) {
    const port = ports[m[2]];
    if (port !== undefined) {
      const at = from + m.index + m[0].length;
      ranges.push([at, at, Decoration.widget({ widget: new PortHint(port), side: 1 })]);
    }
  }
}

function construct(ranges, from, text, ports) {
  const to = from + text.length;
  const push = (a, b, cls) => b > a && ranges.push([a, b, marks[cls]]);
  if (text.startsWith('{{--') || text.startsWith('{#')) return push(from, to, 'cm-blade-comment');
  if (text.startsWith('@') && !text.startsWith('@{')) {
    const name = /^@\w+/.exec(text)[0];
    push(from, to, 'cm-blade-directive');
    push(from, from + name.length, 'cm-blade-name');
    expression(ranges, from + name.length, text.slice(name.length));
    hints(ranges, from, text, ports);
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
  hints(ranges, from, text, ports);
}

function decorations(view) {
  const text = view.state.doc.toString();
  const ports = view.state.field(claimPorts, false) ?? {};
  const ranges = [];
  CONSTRUCT.lastIndex = 0;
  for (let m; (m = CONSTRUCT.exec(text)); ) {
    if (m[0].length === 0) {
      CONSTRUCT.lastIndex++;
      continue;
    }
    construct(ranges, m.index, m[0], ports);
  }
  // Outer marks before the inner ones that start at the same place; widgets by their side.
  ranges.sort((a, b) => a[0] - b[0] || a[2].startSide - b[2].startSide || b[1] - a[1]);
  const builder = new RangeSetBuilder();
  for (const [from, to, deco] of ranges) builder.add(from, to, deco);
  return builder.finish();
}

const highlighter = ViewPlugin.fromClass(
  class {
    constructor(view) {
      this.decorations = decorations(view);
    }
    update(update) {
      if (update.docChanged || update.startState.field(claimPorts, false) !== update.state.field(claimPorts, false)) {
        this.decorations = decorations(update.view);
      }
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

export const bladeHighlight = [claimPorts, highlighter];
