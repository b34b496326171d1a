// The Jinja dialect's flat chains, through the npm package: a chain minijinja would compile by
// recursing once per link (and overflow the WebAssembly stack) is a `limit` error at its line and
// column, and the core renders on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStore, renderSync } from '../../js/node.js';

const render = (template) => renderSync({ name: 'chain.yaml', template, dialect: 'jinja', store: new MemoryStore() });

test('long flat chains in a Jinja template are a limit error, and the core renders on', () => {
  const templates = [
    `a: 1\nb: {{ ${Array(30_000).fill('"a"').join(' ~ ')} }}`,
    `a: 1\nb: {{ ${Array(50_000).fill('true').join(' and ')} }}`,
    `a: 1\nb: {{ ${Array(50_000).fill('1').join(' + ')} }}`,
    `a: 1\nb: {{ ${'not '.repeat(100_000)}true }}`,
    `a: 1\n{% if false %}${'{% elif false %}x'.repeat(5_000)}{% endif %}`,
  ];
  for (const template of templates) {
    assert.throws(
      () => render(template),
      (e) => e.kind === 'limit' && e.file === 'chain.yaml' && e.line === 2 && e.column > 1 && /more than (1000 operators|500 elifs)/.test(e.message),
    );
    assert.equal(render('{{ "ok" ~ "!" }}').output, 'ok!');
  }
});
