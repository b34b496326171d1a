// The package's Node entry as npm ships it: `import 'portclaims'` is pkg/node.mjs, the sources
// bundled into one file by scripts/bundle.mjs (which `npm test` runs first), with everything the
// sources export, working as they do, and loaded as one module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUNDLE = new URL('../../pkg/node.mjs', import.meta.url).href;

const SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ $data['name'] }}\nspec:\n  ports:\n  - port: {{ $portClaims['web'] }}\n";

test("'portclaims' in Node is the bundle, exporting what the sources export", async () => {
  assert.equal(import.meta.resolve('portclaims'), BUNDLE);
  const [bundled, sources] = await Promise.all([import('portclaims'), import('../../js/node.js')]);
  assert.deepEqual(Object.keys(bundled).sort(), Object.keys(sources).sort());
  for (const name of Object.keys(sources)) assert.equal(typeof bundled[name], typeof sources[name], name);
});

test('the bundle renders, reserves, checks YAML and reports errors as the sources do', async () => {
  const [bundled, sources] = await Promise.all([import('portclaims'), import('../../js/node.js')]);
  const outcome = (api) => {
    const store = new api.MemoryStore();
    const claims = [{ claim: 'web', group: 'http' }];
    const first = api.renderSync({ template: SERVICE, claims, store, scope: 's', seed: 7, values: { data: { name: 'web' } } });
    const again = api.renderSync({ template: SERVICE, claims, store, scope: 's', values: { data: { name: 'web' } } });
    let error;
    try {
      api.renderSync({ template: 'x: {{ $data["missing"] }}', values: { data: {} } });
    } catch (e) {
      error = { kind: e.kind, message: e.message, variable: e.variable, key: e.key };
    }
    return {
      first,
      again: again.output,
      compiled: api.compile(SERVICE).render({ data: { name: 'x' }, portClaims: { web: 80 } }),
      // check parses outputs as YAML: the yaml package, which the bundle loads from pkg/yaml.cjs.
      yaml: api.check({ template: 'a: [1\n', name: 'x.yaml' }).map((d) => d.message),
      error,
    };
  };
  const ours = outcome(bundled);
  assert.deepEqual(ours, outcome(sources));
  assert.match(ours.first.output, /port: \d+\n/);
  assert.equal(ours.yaml.length, 1);
  assert.equal(ours.error.kind, 'undefined');
});

test('a process importing the package loads one module of it and compiles the core once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portclaims-entry-'));
  try {
    const log = join(dir, 'modules.log');
    writeFileSync(log, '');
    writeFileSync(
      join(dir, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, url + '\\n');
  return next(url, context);
}`,
    );
    writeFileSync(
      join(dir, 'probe.mjs'),
      `import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});
let compiled = 0;
WebAssembly.Module = new Proxy(WebAssembly.Module, { construct(target, args, newTarget) { compiled += 1; return Reflect.construct(target, args, newTarget); } });
process.on('exit', () => process.stderr.write('compiled ' + compiled + '\\n'));`,
    );
    const script = `const { compile } = await import('portclaims');
process.stdout.write(compile(${JSON.stringify(SERVICE)}).render({ data: { name: 'web' }, portClaims: { web: 8080 } }));`;
    const run = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'probe.mjs')).href, '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /port: 8080\n/);
    assert.equal(run.stderr, 'compiled 1\n');
    const root = pathToFileURL(ROOT).href;
    const loaded = readFileSync(log, 'utf8').split('\n').filter((url) => url.startsWith(root)).map((url) => url.slice(root.length));
    assert.deepEqual(loaded, ['pkg/node.mjs']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
