// A folder's inputs read from texts (unsaved buffers) as the CLI reads the files; what is wrong
// with them as diagnostics at the right place. What fields.json means is the core's (render.test).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { readInputs } from '../../src/inputs.js';
import { shopSources } from './helpers.mjs';

/** The 1-based column of `what` on 1-based line `line` of `text`. */
const column = (text, line, what) => text.split('\n')[line - 1].indexOf(what) + 1;
const at = (d) => `${d.file}:${d.range.start.line}:${d.range.start.column}`;

describe('readInputs', () => {
  test('the claims, the lock file\'s reservations, fields.json as text for the core', () => {
    const sources = shopSources();
    const inputs = readInputs(sources);
    assert.deepEqual(inputs.failures, []);
    assert.deepEqual(inputs.claims.map((c) => c.claim), ['web', 'admin']);
    assert.deepEqual(inputs.reservations, [{ scope: 'default', claim: 'admin', group: 'http', port: 443 }]);
    assert.equal(inputs.claimsFile, '.kublade/ports.json');
    assert.equal(inputs.claimsText, sources.ports.text);
    assert.equal(inputs.fieldsFile, '.kublade/fields.json');
    assert.equal(inputs.fieldsText, sources.fields.text);
  });

  test('a folder without ports.json, fields.json or lock file has no claims, fields or reservations', () => {
    const inputs = readInputs({});
    assert.deepEqual([inputs.claims, inputs.reservations, inputs.failures, inputs.fieldsText], [[], [], [], undefined]);
  });

  test('ports.json that is not JSON fails at its line and column', () => {
    const ports = '[\n  { "group": "tcp" "claim": "web" }\n]';
    const inputs = readInputs(shopSources({ 'shop/.kublade/ports.json': ports }));
    assert.equal(inputs.failures.length, 1);
    assert.equal(at(inputs.failures[0]), `.kublade/ports.json:2:${column(ports, 2, '"claim"')}`);
    assert.match(inputs.failures[0].message, /the ports file is not valid JSON: expected ',' or '}' after a property value/);
  });

  test('fields.json is not read here: a broken one is no failure of the inputs (check and the render report it)', () => {
    const inputs = readInputs(shopSources({ 'shop/.kublade/fields.json': '[{ "key": ' }));
    assert.deepEqual(inputs.failures, []);
    assert.equal(inputs.fieldsText, '[{ "key": ');
    const unreadable = readInputs({ fields: { path: '.kublade/fields.json', error: new Error('EACCES: permission denied') } });
    assert.equal(unreadable.failures[0].message, 'cannot read the fields file .kublade/fields.json: EACCES: permission denied');
  });

  test('a broken lock file fails, naming the file; an unreadable one says why', () => {
    const broken = readInputs(shopSources({ 'portclaims.lock.json': '{ "version": 1, "reservations": [ { "scope": "a" } ] }' }));
    assert.equal(broken.failures[0].file, 'portclaims.lock.json');
    assert.match(broken.failures[0].message, /reservations\[0\]: missing "claim"/);
    const unreadable = readInputs({ lock: { path: 'portclaims.lock.json', error: new Error('EACCES: permission denied') } });
    assert.equal(unreadable.failures[0].message, 'cannot read the lock file portclaims.lock.json: EACCES: permission denied');
  });

  test('a lock file holding one TCP port twice (http and tcp) fails as a render does, naming the file', () => {
    const lock = JSON.stringify({ version: 1, reservations: [{ scope: 'a', claim: 'x', group: 'http', port: 100 }, { scope: 'b', claim: 'y', group: 'tcp', port: 100 }] });
    const inputs = readInputs(shopSources({ 'portclaims.lock.json': lock }));
    assert.equal(inputs.failures[0].file, 'portclaims.lock.json');
    assert.match(inputs.failures[0].message, /reservations\[1\]\.port: TCP port 100 is held twice/);
    // Under groups that make `tcp` UDP's, the two no longer collide.
    const udp = readInputs({ ...shopSources({ 'portclaims.lock.json': lock }), groups: { path: 'groups.json', text: '{ "tcp": { "protocol": "udp" } }' } });
    assert.deepEqual(udp.failures, []);
    assert.equal(udp.reservations.length, 2);
  });

  test('a groups file is read as JSON or YAML; a missing one fails', () => {
    const yaml = readInputs({ groups: { path: 'groups.yaml', text: 'tcp:\n  ranges: ["30000-30100"]\n' } });
    assert.deepEqual(yaml.groups, { tcp: { ranges: ['30000-30100'] } });
    const missing = readInputs({ groups: { path: 'groups.json', missing: true } });
    assert.equal(missing.failures[0].message, 'cannot read the groups file groups.json: no such file');
    const bad = readInputs({ groups: { path: 'groups.json', text: '{ "tcp": ' } });
    assert.equal(at(bad.failures[0]), 'groups.json:1:10');
  });
});

test('the groups setting may name the kublade preset, as --groups kublade does: every group draws from 49152-65535', async () => {
  const { api } = await import('./helpers.mjs');
  const { GROUPS_PRESET } = await import('../../src/inputs.js');
  assert.equal(GROUPS_PRESET, 'kublade');
  const inputs = readInputs({ ...shopSources(), groups: { preset: GROUPS_PRESET } });
  assert.deepEqual(inputs.failures, []);
  assert.equal(inputs.groups, 'kublade');
  assert.deepEqual(api.describeGroup('http', inputs.groups).ports, '49152-65535');
  const manifest = JSON.parse((await import('node:fs')).readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.match(manifest.contributes.configuration.properties['portclaims.groupsFile'].markdownDescription, /`kublade`/);
});
