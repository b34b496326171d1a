#!/usr/bin/env node
// `npm run build`: bundles the extension with esbuild into dist/ — dist/node.js (`main`, from the
// package's Node entry) and dist/web.js (`browser`, from its browser build) — with the package's
// WebAssembly core beside them in dist/pkg/, where the package's own entries look for it. The
// package's sources are bundled from this repository (../../js, ../../pkg): nothing is copied
// into the extension's sources.
//
// Two things the package does at run time need a word to the bundler:
//   - it loads `yaml` and `node:crypto` lazily through `createRequire`, which
//     esbuild cannot follow: `node:module` is replaced by a module whose `createRequire` hands out
//     the bundled copies (still loaded on first use);
//   - the Node entry finds its .wasm at `new URL('../pkg/portclaims_bg.wasm', import.meta.url)`:
//     `import.meta.url` is the bundle's own location, as if it were the package's js/ folder.
// In the web worker there is no Node: `node:fs`, `node:path`, `node:v8`… are modules whose functions say
// so if ever called (the readers the web build uses never call them).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const extension = join(dirname(fileURLToPath(import.meta.url)), '..');
const repository = join(extension, '..', '..');
export const dist = join(extension, 'dist');

const BUNDLED_LAZILY = { node: ['yaml', 'node:crypto'], web: ['yaml'] };

/** The package's `createRequire(import.meta.url)(name)` answered from the bundle. */
function bundledRequire(platform) {
  const cases = BUNDLED_LAZILY[platform].map((name) => `    case ${JSON.stringify(name)}: return require(${JSON.stringify(name)});`).join('\n');
  return {
    name: 'portclaims-bundled-require',
    setup(build) {
      build.onResolve({ filter: /^(node:)?module$/ }, () => ({ path: 'bundled-require', namespace: 'portclaims' }));
      build.onLoad({ filter: /^bundled-require$/, namespace: 'portclaims' }, () => ({
        resolveDir: join(repository, 'js'),
        loader: 'js',
        contents: `export function createRequire() {
  return (name) => {
    switch (name) {
${cases}
    }
    throw new Error(\`portclaims extension: \${name} is not in the bundle\`);
  };
}`,
      }));
    },
  };
}

/** Node's modules in a web worker: present, and failing clearly if called. */
const nodeBuiltinsAbsent = {
  name: 'portclaims-no-node',
  setup(build) {
    build.onResolve({ filter: /^node:(fs|path|crypto|util|os|v8)$/ }, (args) => ({ path: args.path, namespace: 'portclaims-absent' }));
    build.onLoad({ filter: /.*/, namespace: 'portclaims-absent' }, (args) => ({
      loader: 'js',
      contents: `module.exports = new Proxy({}, { get: (_, name) => name === '__esModule' ? false : () => { throw new Error(${JSON.stringify(`${args.path} is not available in VS Code for the Web`)} + ': ' + String(name)); } });`,
    }));
  },
};

export async function buildExtension({ minify = true, quiet = false } = {}) {
  const wasm = join(repository, 'pkg', 'portclaims_bg.wasm');
  if (!existsSync(wasm)) throw new Error('pkg/portclaims_bg.wasm is missing: run `npm install` (or `npm run build`) at the repository root first');
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(join(dist, 'pkg'), { recursive: true });
  const common = {
    absWorkingDir: extension,
    bundle: true,
    format: 'cjs',
    minify,
    sourcemap: 'linked',
    sourcesContent: false,
    external: ['vscode'],
    logLevel: 'warning',
    metafile: true,
    legalComments: 'linked',
  };
  const [node, web] = await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: { node: 'src/host-node.js' },
      outdir: dist,
      platform: 'node',
      target: 'node20',
      define: { 'import.meta.url': 'importMetaUrl' },
      inject: [join(extension, 'scripts', 'import-meta-url.js')],
      plugins: [bundledRequire('node')],
    }),
    esbuild.build({
      ...common,
      entryPoints: { web: 'src/host-web.js' },
      outdir: dist,
      platform: 'browser',
      target: 'es2022',
      // The browser build reads its .wasm from bytes the host hands it; no URL is ever formed.
      define: { 'import.meta.url': 'undefined' },
      plugins: [bundledRequire('web'), nodeBuiltinsAbsent],
    }),
  ]);
  copyFileSync(wasm, join(dist, 'pkg', 'portclaims_bg.wasm'));
  writeFileSync(join(dist, 'THIRD-PARTY-NOTICES.txt'), thirdPartyNotices([node.metafile, web.metafile]));
  if (!quiet) {
    const size = (file) => `${(readFileSync(join(dist, file)).length / 1024).toFixed(0)} KiB`;
    process.stderr.write(`portclaims extension: dist/node.js ${size('node.js')}, dist/web.js ${size('web.js')}, dist/pkg/portclaims_bg.wasm ${size('pkg/portclaims_bg.wasm')}\n`);
  }
  return { node: node.metafile, web: web.metafile };
}

/** The licenses of the npm packages the bundles hold, which their terms ask copies to carry. */
function thirdPartyNotices(metafiles) {
  const packages = new Map();
  for (const metafile of metafiles) {
    for (const input of Object.keys(metafile.inputs)) {
      const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input.replaceAll('\\', '/'));
      if (match) packages.set(match[2], join(extension, match[1]));
    }
  }
  const sections = [...packages].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, dir]) => {
    const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    if (!file) throw new Error(`${name} ships no license file to carry`);
    return `${name} ${version} (${license})\n\n${readFileSync(join(dir, file), 'utf8').trim()}\n`;
  });
  return `The portclaims extension bundles these npm packages:\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildExtension({ minify: !process.argv.includes('--dev') }).catch((error) => {
    process.stderr.write(`portclaims extension build: ${error.message}\n`);
    process.exit(1);
  });
}
