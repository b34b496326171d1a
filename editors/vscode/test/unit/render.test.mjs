// The preview renders what `portclaims render DIR` renders, decides ports as it decides them, in
// a dry run that reserves nothing; diagnostics are `portclaims check DIR`'s.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { readInputs } from '../../src/inputs.js';
import { checkFolder, decideClaims, placeError, renderTemplate, templateReferences } from '../../src/render.js';
import { api, cli, copyOfShop, shopSources, template } from './helpers.mjs';

const scope = 'default';
const seed = '9001';

function state(edits, options = {}) {
  const inputs = readInputs(shopSources(edits));
  const store = new api.MemoryStore(inputs.reservations);
  const dryRun = { scope, seed, store, ...options };
  const decision = decideClaims(api, inputs, dryRun);
  return { inputs, store, options: dryRun, decision };
}

describe('rendering a template folder as the CLI does', () => {
  test('each template renders byte for byte as `portclaims render DIR --dry-run` with the same seed', () => {
    const { inputs, decision, options } = state();
    const expected = cli(['render', 'shop', '--dry-run', '--seed', seed, '--scope', scope]);
    assert.equal(expected.status, 0, expected.stderr);
    assert.equal(expected.json.files.length, 2);
    for (const file of expected.json.files) {
      const rendered = renderTemplate(api, inputs, template(file.path), options);
      assert.equal(rendered.failure, undefined);
      assert.equal(rendered.output, file.output, file.path);
      assert.deepEqual(rendered.decision.ports, expected.json.claims, 'the preview\'s ports are the render\'s');
    }
    assert.deepEqual(decision.ports, expected.json.claims);
    assert.deepEqual([...decision.fresh], expected.json.allocated.map((r) => r.claim));
  });

  test('the whitespace and dialect settings render as the CLI\'s --whitespace and --dialect', () => {
    const { inputs, options } = state();
    const edits = {
      'shop/indented.yaml': "spec:\n  ports:\n  @if(isset($portClaims['web']))\n  - port: {{ $portClaims['web'] }}\n  @endif\n",
      'shop/jinja.yaml': "port: {{ portClaims['admin'] }}\nname: {{ data.image }}\n",
    };
    const folder = copyOfShop(edits);
    const outputs = [];
    for (const [file, flag, value] of [['indented.yaml', 'whitespace', 'smart'], ['indented.yaml', 'whitespace', 'blade'], ['jinja.yaml', 'dialect', 'jinja']]) {
      const expected = cli(['render', file, '--dry-run', '--seed', seed, `--${flag}`, value], { cwd: folder });
      assert.equal(expected.status, 0, expected.stderr);
      const rendered = renderTemplate(api, inputs, { path: file, text: edits[`shop/${file}`] }, { ...options, [flag]: value });
      assert.equal(rendered.output, expected.json.output, `${file} --${flag} ${value}`);
      outputs.push(rendered.output);
    }
    assert.notEqual(outputs[0], outputs[1], 'smart and blade whitespace differ on an indented directive');
    assert.equal(outputs[2], 'port: 443\nname: nginx:1.27\n');
  });

  test('tabs become two spaces, as `portclaims render` (and Kublade) turn them; an error\'s column is the text\'s', () => {
    const { inputs, options } = state();
    const text = "spec:\n\tports:\n\t- port: {{ $portClaims['web'] }}\n";
    const folder = copyOfShop({ 'shop/tabs.yaml': text });
    const expected = cli(['render', 'tabs.yaml', '--dry-run', '--seed', seed], { cwd: folder });
    assert.equal(expected.status, 0, expected.stderr);
    const rendered = renderTemplate(api, inputs, { path: 'tabs.yaml', text }, options);
    assert.equal(rendered.output, expected.json.output);
    assert.match(rendered.output, /^spec:\n  ports:\n  - port: \d+\n$/);
    const typed = 'a:\n\tb: {{ $nope }}\n';
    const broken = renderTemplate(api, inputs, { path: 'tabs.yaml', text: typed }, options);
    assert.deepEqual(broken.failure.range.start, { line: 2, column: typed.split('\n')[1].indexOf('$nope') + 1 }, 'at `$nope` as typed, the tab one column');
  });

  test('ports already reserved are kept; the others are drawn repeatably, and nothing is written', () => {
    const first = state();
    assert.equal(first.decision.ports.admin, 443);
    assert.ok(!first.decision.fresh.has('admin'));
    assert.ok(first.decision.fresh.has('web'));
    const again = state();
    assert.equal(again.decision.ports.web, first.decision.ports.web, 'the same seed draws the same port');
    const other = state({}, { seed: '9002' });
    assert.equal(other.decision.ports.admin, 443);
    const rendered = renderTemplate(api, first.inputs, template('service.yaml'), first.options);
    assert.deepEqual(rendered.decision.ports, first.decision.ports, 'a preview shows the ports the lenses and hovers show');
    assert.deepEqual(first.store.reservations(), [{ scope: 'default', claim: 'admin', group: 'http', port: 443 }], 'the dry runs reserved nothing');
  });

  test('another scope gets its own ports and its own namespace', () => {
    const { inputs, decision, options } = state({}, { scope: 'shop' });
    assert.ok(decision.fresh.has('admin'), 'scope shop holds no reservation');
    assert.notEqual(decision.ports.admin, 443, 'port 443 of group http is held by scope default');
    const rendered = renderTemplate(api, inputs, template('service.yaml'), options);
    assert.match(rendered.output, /namespace: shop\n/);
  });

  test('a template error names the template, line and column; references are found with their ranges', () => {
    const { inputs, options } = state();
    const broken = renderTemplate(api, inputs, { path: 'service.yaml', text: 'a: 1\nb: {{ $nope }}\n' }, options);
    assert.deepEqual(
      { file: broken.failure.file, message: broken.failure.message, start: broken.failure.range.start },
      { file: 'service.yaml', message: 'Undefined variable $nope', start: { line: 2, column: 7 } },
    );
    const references = templateReferences(api, "x: {{ $portClaims['web'] }}\ny: {{ $portClaims['admin'] }}\n");
    assert.deepEqual(references.map((r) => [r.name, r.range.start.line, r.range.start.column]), [['web', 1, 7], ['admin', 2, 7]]);
  });

  test('a bad claim fails every render, pointing at its field in ports.json', () => {
    const ports = '[\n  { "group": "tcp", "claim": "web", "preferred_port": "x" },\n  { "group": "http", "claim": "admin" }\n]\n';
    const { inputs, decision, options } = state({ 'shop/.kublade/ports.json': ports });
    assert.equal(decision.failure.file, '.kublade/ports.json');
    assert.match(decision.failure.message, /preferred_port: must be an integer from 1 to 65535/);
    assert.deepEqual(decision.failure.range.start, { line: 2, column: ports.split('\n')[1].indexOf('"x"') + 1 });
    assert.deepEqual(renderTemplate(api, inputs, template('service.yaml'), options).failure, decision.failure);
  });

  test('a bad group names the groups file', () => {
    const inputs = readInputs({ ...shopSources(), groups: { path: 'groups.json', text: '{ "tcp": { "ranges": [] } }' } });
    const decision = decideClaims(api, inputs, { scope, seed, store: new api.MemoryStore(inputs.reservations) });
    assert.equal(decision.failure.file, 'groups.json');
    assert.match(decision.failure.message, /tcp\.ranges: must list at least one port/);
    assert.equal(placeError(Object.assign(new Error('x'), { kind: 'claims', field: '[1].group' }), inputs, 'service.yaml').file, '.kublade/ports.json');
  });

  test('fields.json the core refuses fails the render as the CLI\'s fails, at the field; the ports stay shown', () => {
    const fields = '[\n  { "type": "input_number", "key": "replicas", "label": "Replicas", "value": 2 },\n  { "type": "bogus", "key": "image", "label": "Image", "value": "x" }\n]\n';
    const folder = copyOfShop({ 'shop/.kublade/fields.json': fields });
    const expected = cli(['render', '.', '--dry-run', '--seed', seed], { cwd: folder });
    assert.notEqual(expected.status, 0);
    const { inputs, decision, options } = state({ 'shop/.kublade/fields.json': fields });
    const { failure } = renderTemplate(api, inputs, template('service.yaml'), options);
    assert.equal(failure.file, '.kublade/fields.json');
    assert.ok(expected.stderr.includes(failure.message), `the CLI says it too:\n${expected.stderr}`);
    assert.equal(failure.range.start.line, 3, 'at the field the core names');
    assert.equal(decision.failure, undefined, 'lenses and hovers still show the ports');
    assert.equal(decision.ports.admin, 443);
  });
});

describe('checking a template folder as the CLI does', () => {
  const comparable = (d) => ({ severity: d.severity, file: d.file, range: d.range, message: d.message });
  const checked = (edits, names = ['deployment.yaml', 'service.yaml']) => {
    const folder = copyOfShop(edits);
    const expected = cli(['check', '.', '--seed', seed], { cwd: folder });
    const { inputs, options } = state(edits);
    const files = names.map((path) => ({ path, text: edits[`shop/${path}`] ?? template(path).text }));
    return { expected, found: checkFolder(api, inputs, files, options) };
  };

  test('the diagnostics are `portclaims check DIR`\'s', () => {
    const { expected, found } = checked({
      'shop/.kublade/ports.json': '[{ "group": "tcp", "claim": "web" }, { "group": "http", "claim": "admin" }, { "group": "udp", "claim": "spare" }]',
      'shop/.kublade/fields.json': '[{ "type": "input_number", "key": "replicas", "label": "Replicas", "value": 2 }, { "type": "input_text", "key": "image", "value": "" }]',
      'shop/service.yaml': `${template('service.yaml').text}  - name: other\n    port: {{ $portClaims['other'] }}\n  - name: again\n    port: {{ $portClaims['admin'] }}\n`,
    });
    assert.equal(expected.status, 1);
    assert.deepEqual(found.map(comparable), expected.json.map(comparable));
    assert.ok(found.some((d) => d.file === '.kublade/fields.json' && /has no "label"/.test(d.message)));
    assert.ok(found.some((d) => d.file === 'service.yaml' && /claim "other" is used but not declared/.test(d.message)));
    assert.ok(found.some((d) => d.file === '.kublade/ports.json' && /claim "spare" is declared but never used/.test(d.message)));
  });

  test('fields.json that is not JSON, or holds a field of no type, is found where the CLI finds it', () => {
    for (const fields of ['[\n  { "type": "input_text", "key": "image" "label": "Image", "value": "x" }\n]\n', '[\n  { "type": "input_text", "key": "image", "label": "Image", "value": "x" },\n  { "type": "bogus", "key": "replicas", "label": "Replicas", "value": 2 }\n]\n']) {
      const { expected, found } = checked({ 'shop/.kublade/fields.json': fields });
      assert.equal(expected.status, 1);
      assert.deepEqual(found.map(comparable), expected.json.map(comparable));
      const atFields = found.filter((d) => d.file === '.kublade/fields.json');
      assert.equal(atFields.length, 1, JSON.stringify(found));
      assert.ok(atFields[0].range.start.line >= 2, 'at the line of the mistake');
    }
  });

  test('tabs are checked as Kublade renders them, with positions in the text as typed', () => {
    const text = "spec:\n\tports:\n\t- port: {{ $portClaims['nope'] }}\n";
    const { expected, found } = checked({ 'shop/tabs.yaml': text }, ['deployment.yaml', 'service.yaml', 'tabs.yaml']);
    assert.deepEqual(found.map(comparable), expected.json.map(comparable));
    const undeclared = found.find((d) => d.file === 'tabs.yaml' && /claim "nope"/.test(d.message));
    assert.deepEqual(undeclared.range.start, { line: 3, column: text.split('\n')[2].indexOf('$portClaims') + 1 });
  });

  test('when an input cannot be read, only that is reported, as the CLI reports only that', () => {
    const { inputs, options } = state({ 'shop/.kublade/ports.json': '[{ "group": "tcp", "claim": "web" },]' });
    const found = checkFolder(api, inputs, [template('service.yaml')], options);
    assert.equal(found.length, 1);
    assert.equal(found[0].file, '.kublade/ports.json');
    assert.match(found[0].message, /the ports file is not valid JSON: expected a value, found '\]' \(a trailing comma\?\)/);
  });
});
