// describeGroup: the one export the extension added to the package, so that a hover can say
// which ports a claim's group draws from without knowing the core's defaults.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

import { api, repository } from './helpers.mjs';

test('the default groups, as the core defines them', () => {
  assert.deepEqual(api.describeGroup('tcp'), { group: 'tcp', protocol: 'tcp', ports: '49152-65535', ranges: [[49152, 65535]], exclude: [], size: 16384 });
  assert.deepEqual(api.describeGroup('udp'), { group: 'udp', protocol: 'udp', ports: '49152-65535', ranges: [[49152, 65535]], exclude: [], size: 16384 });
  assert.deepEqual(api.describeGroup('http'), { group: 'http', protocol: 'tcp', ports: '80-443', ranges: [[80, 443]], exclude: [], size: 364 });
  assert.deepEqual(api.describeGroup('custom'), { group: 'custom', protocol: 'tcp', ports: 'no ports', ranges: [], exclude: [], size: 0 });
  assert.deepEqual(api.describeGroup('anything'), { group: 'anything', protocol: 'tcp', ports: '49152-65535', ranges: [[49152, 65535]], exclude: [], size: 16384 });
});

test('configured groups, and a configuration in error', () => {
  const groups = { edge: { ranges: ['30000-30010', 30020], exclude: [30005], protocol: 'UDP' } };
  assert.deepEqual(api.describeGroup('edge', groups), { group: 'edge', protocol: 'udp', ports: '30000-30010, 30020 excluding 30005', ranges: [[30000, 30010], [30020, 30020]], exclude: [[30005, 30005]], size: 11 });
  assert.throws(() => api.describeGroup('edge', { edge: { ranges: ['2-1'] } }), (e) => e.kind === 'claims' && /inverted/.test(e.message));
});

test('the browser build has it too', async () => {
  const { readFile } = await import('node:fs/promises');
  const browser = await import(join(repository, 'js', 'browser.js'));
  await browser.init(await readFile(join(repository, 'pkg', 'portclaims_bg.wasm')));
  assert.deepEqual(browser.describeGroup('http'), api.describeGroup('http'));
});
