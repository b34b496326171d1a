// What a CLI process loads: only what its command needs (no WebAssembly core for --version, --help
// or a usage error; the yaml package only for a YAML file), whether it runs bundled (pkg/cli.cjs,
// see scripts/bundle.mjs, with the yaml package in pkg/yaml.cjs) or from its sources; and
// bin/portclaims.cjs runs the bundle only while no source it was built from has changed since.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { ROOT } from './helpers.mjs';

// A copy of the package (its node_modules linked), so that the test may edit sources and dates.
let copy;

// Counts the WebAssembly modules compiled and tells where the yaml package was loaded from, at exit;
// the ES modules loaded are written to PROBE_LOG by a loader hook (which runs in its own thread),
// and the CommonJS ones (the entry, the bundle) are in require.cache.
const PROBE = `
import { createRequire, register } from 'node:module';
const require = createRequire(import.meta.url);
register('./probe-hooks.mjs', import.meta.url, { data: { log: process.env.PROBE_LOG } });
let compiled = 0;
WebAssembly.Module = new Proxy(WebAssembly.Module, {
  construct(target, args, newTarget) {
    compiled += 1;
    return Reflect.construct(target, args, newTarget);
  },
});
process.on('exit', () => {
  const loaded = Object.keys(require.cache);
  const yaml = loaded.some((path) => /[\\/]node_modules[\\/]yaml[\\/]/.test(path)) ? 'node_modules'
    : loaded.some((path) => /[\\/]pkg[\\/]yaml[.]cjs$/.test(path)) ? 'pkg/yaml.cjs' : null;
  process.stderr.write('probe: ' + JSON.stringify({ compiled, yaml, required: loaded }) + '\\n');
});
`;
const PROBE_HOOKS = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) {
  log = data.log;
}
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(log, url + '\\n');
  return next(url, context);
}
`;

const SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ $data['name'] }}\nspec:\n  ports:\n  - port: {{ $portClaims['web'] }}\n";

before(() => {
  copy = mkdtempSync(join(tmpdir(), 'portclaims-startup-'));
  for (const path of ['bin', 'js', 'scripts/bundle.mjs', 'package.json', 'pkg/portclaims.js', 'pkg/portclaims_bg.wasm']) {
    cpSync(join(ROOT, path), join(copy, path), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  writeFileSync(join(copy, 'probe.mjs'), PROBE);
  writeFileSync(join(copy, 'probe-hooks.mjs'), PROBE_HOOKS);
  const built = spawnSync(process.execPath, ['scripts/bundle.mjs'], { cwd: copy, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  mkdirSync(join(copy, 'work'));
  writeFileSync(join(copy, 'work', 'service.yaml'), SERVICE);
  writeFileSync(join(copy, 'work', 'ports.json'), JSON.stringify([{ claim: 'web', group: 'http' }]));
  writeFileSync(join(copy, 'work', 'values.json'), JSON.stringify({ data: { name: 'web' } }));
  writeFileSync(join(copy, 'work', 'values.yaml'), 'data:\n  name: web\n');
});

after(() => rmSync(copy, { recursive: true, force: true }));

/** Dates every source the bundle lists a minute before the bundle (`fresh`) or a minute after. */
function date(fresh) {
  const bundle = join(copy, 'pkg', 'cli.cjs');
  const now = Date.now() / 1000;
  utimesSync(bundle, now, now);
  const sources = JSON.parse(readFileSync(join(copy, 'pkg', 'cli.inputs.json'), 'utf8'));
  assert.ok(sources.includes('js/cli/main.js') && sources.includes('js/package-version.js'), sources.join(' '));
  for (const path of sources) utimesSync(join(copy, path), now - 60, now - 60);
  if (!fresh) utimesSync(join(copy, 'js', 'package-version.js'), now + 60, now + 60);
}

/**
 * Runs the copy's CLI with the probe: `{ code, stdout, stderr, compiled, yaml, modules }`, where
 * `modules` are the package's modules loaded, ES or CommonJS (paths from its root).
 */
function run(args) {
  const log = join(copy, 'modules.log');
  writeFileSync(log, '');
  const result = spawnSync(process.execPath, ['--import', join(copy, 'probe.mjs'), join(copy, 'bin', 'portclaims.cjs'), ...args], {
    cwd: join(copy, 'work'),
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', NODE_TEST_CONTEXT: '', PROBE_LOG: log },
  });
  const line = result.stderr.split('\n').find((l) => l.startsWith('probe: '));
  assert.ok(line, result.stderr);
  const root = pathToFileURL(copy).href + '/';
  const { required, ...probed } = JSON.parse(line.slice('probe: '.length));
  const urls = [...readFileSync(log, 'utf8').split('\n'), ...required.map((path) => pathToFileURL(path).href)];
  const modules = [...new Set(urls.filter((url) => url.startsWith(root)).map((url) => url.slice(root.length)))];
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, modules, ...probed };
}

// Modules only commands that render or read reservations need: the core's glue and its loader,
// the API, the lock file store.
const CORE = /^(pkg\/portclaims\.js|js\/(node|node-core|core|lockfile-store|folder|check)\.js)$/;

test('bin/portclaims.cjs runs the bundle while it is newer than its sources, and the sources after an edit', () => {
  const version = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')).version;
  const source = join(copy, 'js', 'package-version.js');
  const original = readFileSync(source, 'utf8');
  try {
    // An edit the bundle does not hold: seen only when the sources run.
    writeFileSync(source, original.replace("return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;", "return 'edited';"));
    assert.notEqual(readFileSync(source, 'utf8'), original);
    date(true);
    assert.equal(run(['--version']).stdout, `portclaims ${version}\n`);
    date(false);
    assert.equal(run(['--version']).stdout, 'portclaims edited\n');
  } finally {
    writeFileSync(source, original);
  }
});

for (const [mode, fresh] of [['bundled', true], ['from its sources', false]]) {
  test(`the CLI ${mode} loads the core and yaml only for the commands that need them`, () => {
    date(fresh);
    const entry = fresh ? ['bin/portclaims.cjs', 'pkg/cli.cjs'] : ['bin/portclaims.cjs', 'js/cli/args.js', 'js/cli/main.js', 'js/cli/messages.js', 'js/package-version.js'];
    for (const args of [['--version'], ['--help'], ['render', '--help'], ['render', '--no-such-option']]) {
      const { compiled, yaml, modules, stderr } = run(args);
      assert.deepEqual({ args, compiled, yaml }, { args, compiled: 0, yaml: null }, stderr);
      const help = !fresh && args.includes('--help') ? ['js/cli/help.js'] : [];
      assert.deepEqual(modules.filter((m) => m.startsWith('js/') || m.startsWith('pkg/') || m.startsWith('bin/')).sort(), [...entry, ...help].sort());
    }
    const json = run(['render', 'service.yaml', '--ports', 'ports.json', '--values', 'values.json', '--dry-run', '--seed', '7']);
    assert.equal(json.code, 0, json.stderr);
    assert.match(json.stdout, /name: web\n/);
    assert.deepEqual({ compiled: json.compiled, yaml: json.yaml }, { compiled: 1, yaml: null });
    if (!fresh) {
      // The command's own module and the core's, no other command's.
      assert.ok(json.modules.includes('js/cli/commands/render.js') && json.modules.some((m) => CORE.test(m)), json.modules.join(' '));
      assert.deepEqual(json.modules.filter((m) => m.startsWith('js/cli/commands/') && m !== 'js/cli/commands/render.js' && m !== 'js/cli/commands/shared.js'), []);
    }
    const yaml = run(['render', 'service.yaml', '--ports', 'ports.json', '--values', 'values.yaml', '--dry-run', '--seed', '7']);
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.equal(yaml.stdout, json.stdout);
    // From the sources, the yaml package in node_modules; bundled, the bundle's copy beside it.
    assert.deepEqual({ compiled: yaml.compiled, yaml: yaml.yaml }, { compiled: 1, yaml: fresh ? 'pkg/yaml.cjs' : 'node_modules' });
  });
}
