// index.d.ts declares what the two entries export, no more, no less: tsc is no dependency of the
// package, so the declared names are compared with the modules' own. A name only one entry has
// is declared "Node only" or "Browser entry only".
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const types = readFileSync(new URL('../../js/index.d.ts', import.meta.url), 'utf8');

/** The values index.d.ts declares (functions, constants, classes), each with its doc comment. */
function declared() {
  const found = new Map();
  const pattern = /(\/\*\*(?:(?!\*\/)[\s\S])*\*\/\s*)?export (?:declare )?(?:const|function|class) (\w+)/g;
  for (const m of types.matchAll(pattern)) found.set(m[2], m[1] ?? '');
  return found;
}

test('index.d.ts declares exactly the values the Node and browser entries export', async () => {
  const node = new Set(Object.keys(await import('../../js/node.js')));
  const browser = new Set(Object.keys(await import('../../js/browser.js')));
  const names = declared();
  assert.deepEqual([...names.keys()].sort(), [...new Set([...node, ...browser])].sort());
  for (const [name, doc] of names) {
    if (node.has(name) && !browser.has(name)) assert.match(doc, /Node only/, `${name}: only the Node entry exports it`);
    if (browser.has(name) && !node.has(name)) assert.match(doc, /Browser entry only/, `${name}: only the browser entry exports it`);
    if (node.has(name) && browser.has(name)) assert.doesNotMatch(doc, /Node only|Browser entry only/, `${name}: both entries export it`);
  }
});

test('the compiled template and the error carry the fields index.d.ts declares', async () => {
  const { compile, renderSync, MemoryStore } = await import('../../js/node.js');
  const template = compile("{{ $portClaims['a'] ?? 1 }}");
  assert.deepEqual(Object.keys(template).sort(), ['claimReferences', 'free', 'leakyDirectives', 'printedLines', 'render', 'renderJson', 'translated']);
  assert.deepEqual(Object.keys(template.claimReferences()[0]).sort(), ['guarded', 'name', 'range']);
  template.free();
  const error = (() => {
    try {
      renderSync({ template: '', claims: [{ group: 'tcp', claim: 'a', preferred_port: 0 }] });
    } catch (e) {
      return e;
    }
  })();
  for (const key of Object.keys(error)) assert.match(types, new RegExp(`\\n  ${key}\\??: `), `PortclaimsError.${key}`);
  // The facts errors carry for hints: each declared, each there when the error has it.
  const thrown = (options) => {
    try {
      renderSync(options);
    } catch (e) {
      return e;
    }
    assert.fail('renders');
  };
  const undefinedKey = thrown({ template: "{{ $portClaims['b'] }}", claims: [] });
  assert.deepEqual([undefinedKey.kind, undefinedKey.variable, undefinedKey.key], ['undefined', 'portClaims', 'b']);
  const undefinedVariable = thrown({ template: '{{ $colour }}' });
  assert.deepEqual([undefinedVariable.variable, undefinedVariable.key], ['colour', undefined]);
  const store = new MemoryStore([{ scope: 'shop', claim: 'web', group: 'tcp', port: 40000 }]);
  const held = thrown({ template: '', claims: [{ group: 'tcp', claim: 'web', preferred_port: 40000, random: false }], store });
  assert.deepEqual(held.holder, { scope: 'shop', claim: 'web' });
  const full = thrown({ template: '', claims: [{ group: 'g', claim: 'a' }, { group: 'g', claim: 'b' }], groups: { g: { ranges: ['100-100'] } } });
  assert.equal(full.group, 'g');
  for (const error of [undefinedKey, undefinedVariable, held, full]) {
    for (const key of Object.keys(error)) assert.match(types, new RegExp(`\\n  ${key}\\??: `), `PortclaimsError.${key}`);
  }
});
