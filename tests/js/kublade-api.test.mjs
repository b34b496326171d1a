// The API's side of Kublade: renderFolder (async and sync), the variables Kublade computes, the
// `kublade` preset of groups, renderJson, and check's traps as data.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MemoryStore, check, compile, renderFolder, renderFolderSync, renderSync } from '../../js/node.js';

const fields = JSON.stringify([
  { type: 'input_number', key: 'replicas', label: 'Replicas', value: 2, min: 1, max: 5, set_on_create: true },
  { type: 'input_text', key: 'password', label: 'Password', value: null, secret: true, required: true, set_on_create: true },
]);

test('renderFolder: Kublade variables, one decision and one commit for every file', async () => {
  const store = new MemoryStore();
  const files = [
    { path: 'a.yaml', template: "replicas: {{ $data['replicas'] }}\nport: {{ $portClaims['web'] }}\ncpu: '{{ gettype($limits['cpu']) }}'\n" },
    { path: 'b/b.yaml', template: "pw: {{ $secret['password'] }}\nport: {{ $portClaims['web'] }}\n" },
  ];
  const result = await renderFolder({ files, fields, values: { password: ' s3cret ' }, claims: [{ group: 'tcp', claim: 'web' }], store, scope: 'shop' });
  const port = result.claims.web;
  assert.deepEqual(result.files, [
    { path: 'a.yaml', output: `replicas: 2\nport: ${port}\ncpu: 'double'\n` },
    { path: 'b/b.yaml', output: `pw: s3cret\nport: ${port}\n` },
  ]);
  assert.equal(store.reservations().length, 1);
  assert.deepEqual(result.variables.limits, { enabled: 'false', cpu: 0, memory: 0 });
  const again = renderFolderSync({ files, fields, values: { password: 'x' }, claims: [{ group: 'tcp', claim: 'web' }], store, scope: 'shop' });
  assert.equal(again.claims.web, port);
  assert.deepEqual(again.allocated, []);
});

test('renderFolder refuses what Kublade refuses, listing every problem, and commits nothing', () => {
  const store = new MemoryStore();
  assert.throws(
    () => renderFolderSync({ files: [{ path: 'a', template: 'x' }], fields, values: { replicas: 9, nope: 1 }, claims: [{ group: 'tcp', claim: 'web' }], store }),
    (error) => {
      assert.equal(error.kind, 'values');
      assert.deepEqual(
        error.problems.map((p) => p.message),
        [
          'values: there is no field "nope" in fields.json (its fields: replicas, password)',
          'field "replicas" (Replicas) is 9, above its maximum 5',
          'field "password" (Password) is required and has no value',
        ],
      );
      assert.deepEqual(error.problems.map((p) => p.rule ?? null), [null, 'max:5', 'required']);
      return true;
    },
  );
  assert.equal(store.reservations().length, 0);
});

test("groups: 'kublade' gives every group 49152-65535", () => {
  for (const group of ['http', 'custom', 'anything']) {
    const { claims } = renderSync({ template: '', claims: [{ group, claim: 'p' }], groups: 'kublade', seed: 3 });
    assert.ok(claims.p >= 49152 && claims.p <= 65535, `${group}: ${claims.p}`);
  }
  assert.throws(() => renderSync({ template: '', claims: [{ group: 'http', claim: 'p' }], groups: 'helm' }), /port groups: "helm" is no preset/);
});

test('renderJson keeps what JS numbers lose', () => {
  const template = compile('{{ gettype($x) }} @json($x)');
  assert.equal(template.renderJson('{"x": 1.0}'), 'double 1');
  assert.equal(template.render({ x: 1.0 }), 'integer 1');
  template.free();
});

test('check returns the traps as data, with ranges and hints', () => {
  const diagnostics = check({
    files: [{ path: 'a.yaml', template: "@if($limits['enabled'])\nx: {{ $data['q'] }}\n@endif\n" }],
    values: { data: { q: 'a"b' } },
  });
  assert.deepEqual(
    diagnostics.map((d) => [d.trap, d.range.start.line, d.range.start.column]),
    [
      ['limits-enabled', 1, 5],
      ['entities', 2, 4],
    ],
  );
  assert.ok(diagnostics.every((d) => d.severity === 'warning' && d.hint));
});

test('renderFolder: beforeCommit sees the outputs first, and what it throws commits nothing', async () => {
  const files = [{ path: 'a.yaml', template: "port: {{ $portClaims['web'] }}\n" }];
  const claims = [{ group: 'http', claim: 'web' }];
  const refusal = new Error('the output cannot be written');
  const refusing = {
    // An asynchronous render awaits the hook; a synchronous one needs it to throw.
    async: [renderFolder, async (seen, outputs) => (seen.push(outputs), Promise.reject(refusal))],
    sync: [renderFolderSync, (seen, outputs) => { seen.push(outputs); throw refusal; }],
  };
  for (const [renderWith, refuse] of Object.values(refusing)) {
    const store = new MemoryStore();
    const seen = [];
    await assert.rejects(async () => renderWith({ files, claims, store, beforeCommit: (outputs) => refuse(seen, outputs) }), (error) => error === refusal);
    assert.equal(seen.length, 1);
    assert.match(seen[0].files[0].output, /^port: \d+\n$/);
    assert.equal(seen[0].files[0].output, `port: ${seen[0].claims.web}\n`);
    assert.deepEqual(store.reservations(), [], 'nothing committed');
    const result = await renderWith({ files, claims, store, beforeCommit: () => {} });
    assert.equal(store.reservations().length, 1);
    assert.equal(result.files[0].output, `port: ${result.claims.web}\n`);
  }
});
