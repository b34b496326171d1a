#!/usr/bin/env node
// `npm run build:web`: bundles the playground (web/) with esbuild into web/dist/, next to the
// same WebAssembly module the package ships (pkg/portclaims_bg.wasm). The result is static files.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = join(root, 'web', 'dist');

function log(message) {
  process.stderr.write(`portclaims build:web: ${message}\n`);
}

export async function buildWeb({ minify = true, quiet = false } = {}) {
  const wasm = join(root, 'pkg', 'portclaims_bg.wasm');
  if (!existsSync(wasm)) throw new Error('pkg/portclaims_bg.wasm is missing: run `npm run build` first');
  const wasmVersion = createHash('sha256').update(readFileSync(wasm)).digest('hex').slice(0, 10);
  rmSync(distDir, { recursive: true, force: true });
  mkdirSync(distDir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { app: 'web/src/main.js' },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify,
    sourcemap: true,
    outdir: distDir,
    metafile: true,
    logLevel: 'warning',
    legalComments: 'linked',
    // The module's URL, next to app.js, with a content version so that hosts may cache it hard.
    define: { __PORTCLAIMS_WASM__: JSON.stringify(`./portclaims_bg.wasm?v=${wasmVersion}`) },
  });
  copyFileSync(wasm, join(distDir, 'portclaims_bg.wasm'));
  // Cache-busting query strings from the content, so any static host can cache hard.
  const version = (file) => createHash('sha256').update(readFileSync(join(distDir, file))).digest('hex').slice(0, 10);
  const html = readFileSync(join(root, 'web', 'index.html'), 'utf8')
    .replaceAll('app.css', `app.css?v=${version('app.css')}`)
    .replaceAll('app.js', `app.js?v=${version('app.js')}`);
  writeFileSync(join(distDir, 'index.html'), html);
  copyFileSync(join(root, 'web', 'favicon.svg'), join(distDir, 'favicon.svg'));
  if (!quiet) {
    const sizes = Object.entries(result.metafile.outputs)
      .filter(([file]) => !file.endsWith('.map') && !file.endsWith('.txt'))
      .map(([file, { bytes }]) => `${file.split('/').pop()} ${(bytes / 1024).toFixed(0)} KiB`);
    log(`web/dist: ${sizes.join(', ')}, portclaims_bg.wasm ${(readFileSync(wasm).length / 1024).toFixed(0)} KiB`);
  }
  return distDir;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildWeb({ minify: !process.argv.includes('--dev') }).catch((error) => {
    log(`error: ${error.message}`);
    process.exit(1);
  });
}
