// A short process must not pay for V8 optimising the core (js/node-core.js sets a larger first tiering
// budget while it instantiates), and a long one must still get its hot code optimised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const entry = JSON.stringify(new URL('../../js/node.js', import.meta.url).href);

/** Runs `script` in a fresh Node process with V8 tracing its WebAssembly compilations. */
function optimised(script, flags = []) {
  const trace = execFileSync(process.execPath, [...flags, '--trace-wasm-compilation-times', '--input-type=module', '-e', script], { encoding: 'utf8' });
  return trace.split('\n').filter((line) => /using TurboFan/.test(line)).length;
}

const service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ $data['name'] }}\nspec:\n  ports:\n@foreach($data['ports'] as $p)\n  - port: {{ $p['port'] }}\n@endforeach\n";

test('a one-shot render optimises no WebAssembly function', () => {
  const script = `const { compile } = await import(${entry});
    compile(${JSON.stringify(service)}).render({ data: { name: 'web', ports: [{ port: 1 }, { port: 2 }] } });`;
  assert.equal(optimised(script), 0);
});

test('a long run still optimises the hot code', () => {
  const script = `const { compile } = await import(${entry});
    const t = compile(${JSON.stringify(service)});
    for (let i = 0; i < 20000; i++) t.render({ data: { name: 'web' + i, ports: [{ port: i }, { port: 2 }] } });`;
  assert.ok(optimised(script) > 0);
});

// A function that loops long enough to use V8's default budget several times over, but not the
// core's larger first one; instantiated after the core.
const loopAfterImport = `await import(${entry});
  const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,6,1,96,1,127,1,127,3,2,1,0,7,5,1,1,102,0,0,10,
    27,1,25,1,1,127,3,64,32,1,65,1,106,33,1,32,0,65,1,107,34,0,13,0,11,32,1,11]);
  const { f } = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
  f(300000);`;

test("the budget is set back: a module instantiated after the core tiers up on V8's default", () => {
  assert.equal(optimised(loopAfterImport), 1);
});

test('the budget is set back to the one the process was started with', () => {
  assert.equal(optimised(loopAfterImport, ['--wasm-tiering-budget=1000000000']), 0);
});
