#!/usr/bin/env node
// `npm run package`: builds the bundles, then makes portclaims-<version>.vsix with @vscode/vsce,
// offline (no repository lookups, no dependency scan: dist/ holds everything the extension runs).
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { buildExtension } from './build.mjs';

const extension = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function packageExtension({ quiet = false } = {}) {
  await buildExtension({ quiet });
  const { name, version } = JSON.parse(readFileSync(join(extension, 'package.json'), 'utf8'));
  const vsix = join(extension, `${name}-${version}.vsix`);
  const vsce = createRequire(join(extension, 'package.json')).resolve('@vscode/vsce/vsce');
  const args = [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix];
  const result = spawnSync(process.execPath, args, { cwd: extension, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vsce package failed${quiet ? `:\n${result.stdout}${result.stderr}` : ''}`);
  if (!quiet) process.stderr.write(`portclaims extension: ${vsix} (${(statSync(vsix).size / 1024).toFixed(0)} KiB)\n`);
  return vsix;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  packageExtension().catch((error) => {
    process.stderr.write(`portclaims extension package: ${error.message}\n`);
    process.exit(1);
  });
}
