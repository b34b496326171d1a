// The rendered output pane: text only (built with textContent, never parsed as HTML), with YAML
// highlighting from the same lezer parser and style as the editors. Keeps the last good output,
// dimmed, while there are errors; lists the problems under it.
import { yamlLanguage } from '@codemirror/lang-yaml';
import { highlightTree } from '@lezer/highlight';
import { highlightStyle } from './editors.js';

const HIGHLIGHT_LIMIT = 200_000; // characters; beyond it plain text is faster and as readable

export function createOutput({ pre, problemsBox, status, onReveal }) {
  let text = '';

  function show(output) {
    text = output;
    const code = document.createElement('code');
    if (output.length <= HIGHLIGHT_LIMIT) {
      const tree = yamlLanguage.parser.parse(output);
      let at = 0;
      highlightTree(tree, highlightStyle, (from, to, classes) => {
        if (from > at) code.append(output.slice(at, from));
        const span = document.createElement('span');
        span.className = classes;
        span.textContent = output.slice(from, to);
        code.append(span);
        at = to;
      });
      if (at < output.length) code.append(output.slice(at));
    } else {
      code.textContent = output;
    }
    pre.replaceChildren(code);
    pre.classList.remove('stale', 'placeholder');
  }

  function placeholder(message) {
    text = '';
    pre.textContent = message;
    pre.classList.add('placeholder');
  }

  /** Problems as `{ severity, where, kind, message, sourceLine, column }`; marks the output stale on errors. */
  function setProblems(problems) {
    const hasError = problems.some((p) => p.severity === 'error');
    pre.classList.toggle('stale', hasError && text !== '');
    pre.setAttribute('aria-describedby', problems.length ? problemsBox.id : '');
    problemsBox.replaceChildren(
      ...problems.map((p) => {
        const item = document.createElement('div');
        item.className = `problem ${p.severity}`;
        item.dataset.severity = p.severity;
        const head = document.createElement('div');
        head.className = 'problem-head';
        const label = [p.where, p.kind].filter(Boolean).join(' · ');
        const where = document.createElement(p.target && onReveal ? 'button' : 'span');
        where.className = 'where';
        where.textContent = label;
        if (p.target && onReveal) {
          where.type = 'button';
          where.title = 'Show where';
          where.addEventListener('click', () => onReveal(p.target));
        }
        const message = document.createElement('span');
        message.className = 'message';
        message.textContent = p.message;
        head.append(where, message);
        item.append(head);
        if (p.sourceLine) {
          const excerpt = document.createElement('pre');
          excerpt.className = 'excerpt';
          const gutter = p.line ? `${p.line} | ` : '';
          const caret = p.column ? `\n${' '.repeat(gutter.length + p.column - 1)}^` : '';
          excerpt.textContent = `${gutter}${p.sourceLine}${caret}`;
          item.append(excerpt);
        }
        return item;
      }),
    );
    problemsBox.hidden = problems.length === 0;
  }

  return {
    show,
    placeholder,
    setProblems,
    setStatus(message) {
      status.textContent = message;
    },
    get text() {
      return text;
    },
  };
}
