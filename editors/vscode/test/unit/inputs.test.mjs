// A folder's inputs read from texts (unsaved buffers) as the CLI reads the files; what is wrong
// with them as diagnostics at the right place.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { readInputs } from '../../src/inputs.js';
import { shopSources } from './helpers.mjs';

/** The 1-based column of `what` on 1-based line `line` of `text`. */
const column = (text, line, what) => text.split('\n')[line - 1].indexOf(what) + 1;
const at = (d) => `${d.file}:${d.range.start.line}:${d.range.start.column}`;

describe('readInputs', () => {
  test('claims, fields\' defaults as variables, the scope as namespace, the lock file\'s reservations', () => {
    const inputs = readInputs(shopSources(), { scope: 'shop' });
    assert.deepEqual(inputs.failures, []);
    assert.deepEqual(inputs.problems, []);
    assert.deepEqual(inputs.claims.map((c) => c.claim), ['web', 'admin']);
    assert.deepEqual(inputs.variables.data, { replicas: 2, image: 'nginx:1.27' });
    assert.equal(inputs.variables.namespace, 'shop');
    assert.deepEqual(inputs.variables.limits, { enabled: 'false' });
    assert.deepEqual(inputs.reservations, [{ scope: 'default', claim: 'admin', group: 'http', port: 443 }]);
    assert.equal(inputs.claimsFile, '.kublade/ports.json');
  });

  test('a folder without ports.json, fields.json or lock file has no claims, fields or reservations', () => {
    const inputs = readInputs({}, { scope: 'default' });
    assert.deepEqual([inputs.claims, inputs.reservations, inputs.failures, inputs.variables.data], [[], [], [], {}]);
  });

  test('ports.json that is not JSON fails at its line and column', () => {
    const ports = '[\n  { "group": "tcp" "claim": "web" }\n]';
    const inputs = readInputs(shopSources({ 'shop/.kublade/ports.json': ports }), { scope: 'default' });
    assert.equal(inputs.failures.length, 1);
    assert.equal(at(inputs.failures[0]), `.kublade/ports.json:2:${column(ports, 2, '"claim"')}`);
    assert.match(inputs.failures[0].message, /the ports file is not valid JSON: expected ',' or '}' after a property value/);
  });

  test('a fields.json field in error is pointed at', () => {
    const fields = '[\n  { "type": "input_text", "key": "image", "value": "x" },\n  { "type": "input_text", "key": "image", "value": "y" }\n]';
    const [failure] = readInputs(shopSources({ 'shop/.kublade/fields.json': fields }), { scope: 'default' }).failures;
    assert.equal(at(failure), `.kublade/fields.json:3:${column(fields, 3, '"image"')}`);
    assert.match(failure.message, /"image" is declared twice/);
  });

  test('a default that breaks its field\'s rules is a problem at the field\'s key, not a failure', () => {
    const fields = '[\n  { "type": "input_number", "key": "replicas", "value": 0, "min": 1 },\n  { "type": "input_text", "key": "image", "required": true }\n]';
    const inputs = readInputs(shopSources({ 'shop/.kublade/fields.json': fields }), { scope: 'default' });
    assert.deepEqual(inputs.failures, []);
    assert.deepEqual(
      inputs.problems.map((p) => `${p.severity} ${at(p)} ${p.message}`),
      [
        `error .kublade/fields.json:2:${column(fields, 2, '"replicas"')} field "replicas" is 0, below its minimum 1`,
        `warning .kublade/fields.json:3:${column(fields, 3, '"image"')} field "image" is required and has no value; checked with the placeholder "<image>"`,
      ],
    );
    assert.equal(inputs.variables.data.image, '<image>');
  });

  test('a broken lock file fails, naming the file; an unreadable one says why', () => {
    const broken = readInputs(shopSources({ 'portclaims.lock.json': '{ "version": 1, "reservations": [ { "scope": "a" } ] }' }), { scope: 'default' });
    assert.equal(broken.failures[0].file, 'portclaims.lock.json');
    assert.match(broken.failures[0].message, /reservations\[0\]\.claim: must be a non-empty string/);
    const unreadable = readInputs({ lock: { path: 'portclaims.lock.json', error: new Error('EACCES: permission denied') } }, { scope: 'default' });
    assert.equal(unreadable.failures[0].message, 'cannot read the lock file portclaims.lock.json: EACCES: permission denied');
  });

  test('a groups file is read as JSON or YAML; a missing one fails', () => {
    const yaml = readInputs({ groups: { path: 'groups.yaml', text: 'tcp:\n  ranges: ["30000-30100"]\n' } }, { scope: 'default' });
    assert.deepEqual(yaml.groups, { tcp: { ranges: ['30000-30100'] } });
    const missing = readInputs({ groups: { path: 'groups.json', missing: true } }, { scope: 'default' });
    assert.equal(missing.failures[0].message, 'cannot read the groups file groups.json: no such file');
    const bad = readInputs({ groups: { path: 'groups.json', text: '{ "tcp": ' } }, { scope: 'default' });
    assert.equal(at(bad.failures[0]), 'groups.json:1:10');
  });
});
