// The bundles: the package's own .wasm beside them (no copy of the core in the sources), no Node
// module left for the web worker to require, the bundled packages' licenses carried along.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { buildExtension, dist } from '../../scripts/build.mjs';
import { repository } from './helpers.mjs';

test('dist/ holds both entries, the package\'s .wasm and the notices', async () => {
  const { node, web } = await buildExtension({ quiet: true });
  assert.deepEqual(readFileSync(join(dist, 'pkg', 'portclaims_bg.wasm')), readFileSync(join(repository, 'pkg', 'portclaims_bg.wasm')));
  const bundled = (metafile, path) => Object.keys(metafile.inputs).some((input) => input.endsWith(path));
  for (const metafile of [node, web]) {
    assert.ok(bundled(metafile, 'js/core.js'), 'the package\'s API is bundled from the repository');
    assert.ok(bundled(metafile, 'pkg/portclaims.js'), 'with its wasm-bindgen glue');
  }
  assert.ok(bundled(node, 'js/node.js') && !bundled(node, 'js/browser.js'), 'main: the Node entry');
  assert.ok(bundled(web, 'js/browser.js') && !bundled(web, 'js/node.js'), 'browser: the browser build');
  assert.doesNotMatch(readFileSync(join(dist, 'web.js'), 'utf8'), /require\("(node:)?(fs|path|crypto|module)"\)/);
  const notices = readFileSync(join(dist, 'THIRD-PARTY-NOTICES.txt'), 'utf8');
  for (const name of ['yaml']) assert.match(notices, new RegExp(`^${name} \\d`, 'm'));
});
