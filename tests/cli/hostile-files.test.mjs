// Files from others, as the CLI reads and prints them: names that would drive a terminal, byte
// order marks, keys given twice, another process's lock.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { lockFile } from '../../js/file-lock.js';
import { run, workspace } from './helpers.mjs';

const TEMPLATE = "port: {{ $portClaims['web'] }}\nreplicas: {{ $data['replicas'] ?? 1 }}\n";
const PORTS = [{ group: 'tcp', claim: 'web', preferred_port: 51000, random: true }];

test('claims list never prints the control characters of a name raw', async (t) => {
  // Such names are refused by the core (see refusals.test.mjs); the refusal itself, and a
  // --scope filter holding them, are printed escaped.
  const scope = 'shop\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eevil';
  const dir = workspace(t, {
    'portclaims.lock.json': { version: 1, reservations: [{ scope, claim: 'web\u0007', group: 'tcp', port: 51000 }] },
  });
  const r = await run(['claims', 'list'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.doesNotMatch(r.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
  assert.match(r.stderr, /portclaims\.lock\.json: reservations\[0\]\.scope: must not contain control characters/);

  const clean = workspace(t, { 'portclaims.lock.json': { version: 1, reservations: [{ scope: 'shop', claim: 'web', group: 'tcp', port: 51000 }] } });
  const none = await run(['claims', 'list', '--scope', 'x\u001b[2J'], { cwd: clean });
  assert.doesNotMatch(none.stdout + none.stderr, /\u001b/);
});

test('error messages escape the control characters of what they quote', async (t) => {
  const dir = workspace(t, { 't.yaml': TEMPLATE, 'ports.json': [{ group: 'tcp', claim: 'web', preferred_port: 51000, random: true }] });
  const r = await run(['render', 't.yaml', '--ports', 'ports.json', '--scope', 's', '--values', 'missing\u001b[2J.json'], { cwd: dir });
  assert.notEqual(r.code, 0);
  assert.doesNotMatch(r.stderr, /\u001b/);
  assert.match(r.stderr, /missing\\u\{1b\}\[2J\.json/);
});

test('a byte order mark is accepted in a JSON ports, values and lock file', async (t) => {
  const dir = workspace(t, {
    't.yaml': TEMPLATE,
    'ports.json': `\ufeff${JSON.stringify(PORTS)}`,
    'values.json': '\ufeff{"data": {"replicas": 3}}',
    'portclaims.lock.json': `\ufeff${JSON.stringify({ version: 1, reservations: [{ scope: 's', claim: 'web', group: 'tcp', port: 51234 }] })}`,
  });
  const r = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'values.json', '--scope', 's'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'port: 51234\nreplicas: 3\n');
});

test('a key given twice in a JSON values or ports file is an error naming where, as YAML does', async (t) => {
  const dir = workspace(t, {
    't.yaml': TEMPLATE,
    'ports.json': PORTS,
    'values.json': '{\n  "data": {"replicas": 3},\n  "data": {"replicas": 4}\n}\n',
    'twice.json': '[{"group": "tcp", "claim": "web", "claim": "api", "preferred_port": null, "random": true}]',
  });
  const values = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'values.json', '--dry-run'], { cwd: dir });
  assert.equal(values.code, 1);
  assert.match(values.stderr, /^error: values\.json:3:3: the values file is ambiguous: the key "data" is given twice in one object \(first at 2:3\)$/m);
  const ports = await run(['render', 't.yaml', '--ports', 'twice.json', '--dry-run'], { cwd: dir });
  assert.equal(ports.code, 1);
  assert.match(ports.stderr, /twice\.json:1:35: the ports file is ambiguous: the key "claim" is given twice/);
});

test('a render waiting for another process\'s lock says so, and who holds it', async (t) => {
  const dir = workspace(t, { 't.yaml': TEMPLATE, 'ports.json': PORTS });
  const lock = await lockFile(join(dir, 'portclaims.lock.json'));
  setTimeout(() => lock.release(), 1500);
  const r = await run(['render', 't.yaml', '--ports', 'ports.json', '--scope', 's'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`^waiting for portclaims\\.lock\\.json\\.lock, held by process ${process.pid} on ${hostname().replace(/\W/g, '\\$&')} since \\S+…$`, 'm'));
  assert.equal(JSON.parse(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8')).reservations.length, 1);
});

test('a lock file that is a folder is refused at once, and nothing is written', async (t) => {
  const dir = workspace(t, { 't.yaml': TEMPLATE, 'ports.json': PORTS });
  mkdirSync(join(dir, 'portclaims.lock.json'));
  const r = await run(['render', 't.yaml', '--ports', 'ports.json'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: portclaims\.lock\.json: is a folder, not a lock file/m);
  assert.deepEqual(readdirSync(dir).sort(), ['portclaims.lock.json', 'ports.json', 't.yaml']);
  assert.deepEqual(readdirSync(join(dir, 'portclaims.lock.json')), []);
});

test('__proto__ and constructor in values are plain keys: no option is smuggled in, nothing leaks to other objects', async (t) => {
  const template = "port: {{ $portClaims['web'] }}\nname: {{ $data['name'] ?? 'none' }}\nproto: {{ $data['__proto__']['escape'] ?? 'none' }}\nctor: {{ $data['constructor']['prototype']['x'] ?? 'none' }}\n";
  const smuggled = { groups: { tcp: { ranges: ['22-22'] } }, escape: 'none' };
  const dir = workspace(t, {
    't.yaml': template,
    'ports.json': [{ group: 'tcp', claim: 'web', preferred_port: null, random: true }],
    'values.json': `{"__proto__": ${JSON.stringify(smuggled)}, "data": {"name": "<b>", "__proto__": {"escape": "none"}}}`,
    'values.yaml': `__proto__:\n  groups:\n    tcp:\n      ranges: ["22-22"]\n  escape: none\ndata:\n  name: "<b>"\n  __proto__:\n    escape: none\nsecret:\n  __proto__:\n    escape: none\n`,
  });
  const seen = [];
  for (const args of [
    ['--values', 'values.json'],
    ['--values', 'values.yaml'],
    ['--set', 'data.name=<b>', '--set', '__proto__.escape=none', '--set', 'data.__proto__.escape=none', '--set', 'data.constructor.prototype.x=1', '--set', 'constructor.prototype.groups=x'],
  ]) {
    const r = await run(['render', 't.yaml', '--ports', 'ports.json', '--scope', `s${seen.length}`, '--no-defaults', ...args], { cwd: dir });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    const port = Number(/^port: (\d+)$/m.exec(r.stdout)[1]);
    assert.ok(port >= 49152, `${args.join(' ')}: drew ${port} from the default tcp group, not a smuggled range`);
    assert.match(r.stdout, /^name: &lt;b&gt;$/m, 'escaping stays on');
    assert.match(r.stdout, /^proto: none$/m);
    seen.push(r.stdout);
  }
  assert.match(seen[2], /^proto: none$/m);
  assert.match(seen[2], /^ctor: 1$/m, 'constructor.prototype.x is a plain path of $data');
  const lock = JSON.parse(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8'));
  assert.ok(lock.reservations.every((r) => r.port !== 22));
});

test('a template folder never reads through a link that leaves it, nor walks a link that loops', async (t) => {
  const outside = workspace(t, { 'secret.txt': 'root:x:0:0\n', 'fields.json': '[{"oops": true}]\n' });
  const files = { 'tpl/.kublade/ports.json': [], 'tpl/service.yaml': 'kind: Service\n', 'tpl/sub/inside.yaml': 'a: 1\n' };
  const cases = [
    ['a file link', (dir) => symlinkSync(join(outside, 'secret.txt'), join(dir, 'tpl', 'leak.yaml')), /tpl\/leak\.yaml is a symbolic link to .*secret\.txt, outside the template folder/],
    ['a folder link', (dir) => symlinkSync(outside, join(dir, 'tpl', 'up')), /tpl\/up is a symbolic link to .*, outside the template folder/],
    ['a loop', (dir) => symlinkSync('..', join(dir, 'tpl', 'sub', 'loop')), /tpl\/sub\/loop is a symbolic link that loops back to/],
    ['fields.json', (dir) => symlinkSync(join(outside, 'fields.json'), join(dir, 'tpl', '.kublade', 'fields.json')), /tpl\/\.kublade\/fields\.json is a symbolic link to .*, outside the template folder/],
  ];
  for (const [what, link, message] of cases) {
    const dir = workspace(t, files);
    link(dir);
    for (const command of [['render', 'tpl', '--dry-run'], ['check', 'tpl']]) {
      const r = await run(command, { cwd: dir });
      assert.equal(r.code, 1, `${what}, ${command[0]}: ${r.stderr}`);
      assert.match(r.stderr, message, what);
      assert.doesNotMatch(r.stdout + r.stderr, /root:x/, what);
    }
  }
  // A link that stays inside the folder is followed.
  const dir = workspace(t, files);
  symlinkSync(join('sub', 'inside.yaml'), join(dir, 'tpl', 'alias.yaml'));
  const r = await run(['render', 'tpl', '--dry-run'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /# Source: alias\.yaml\na: 1\n/);
});

test('links inside a template folder that fan out end in a clear error, not an exponential walk', async (t) => {
  const files = { 'tpl/.kublade/ports.json': [], 'tpl/service.yaml': 'kind: Service\n' };
  for (let i = 0; i < 20; i++) files[`tpl/d${i}/x.yaml`] = 'a: 1\n';
  const dir = workspace(t, files);
  for (let i = 0; i < 19; i++) {
    symlinkSync(join('..', `d${i + 1}`), join(dir, 'tpl', `d${i}`, 'l'));
    symlinkSync(join('..', `d${i + 1}`), join(dir, 'tpl', `d${i}`, 'r'));
  }
  const started = Date.now();
  const r = await run(['render', 'tpl', '--dry-run'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /tpl holds more than 10000 folders \(counting each path through a link\)/);
  assert.ok(Date.now() - started < 30_000);
});

// JSON writes ±Infinity and NaN as null: a value the file gives would vanish from the output.
test('a values file with a number past ±1.8e308 or NaN is an error naming where, not an empty value', async (t) => {
  const dir = workspace(t, {
    't.yaml': "x: {{ $data['big'] ?? 'none' }}\n",
    'ports.json': '[]',
    'big.json': '{"data": {"big": 1e400}}',
    'nan.yaml': 'data:\n  list: [1, .nan]\n',
    'inf.yaml': 'data:\n  big: -.inf\n',
    'fine.yaml': 'data:\n  big: 1.7e308\n',
  });
  const cases = [
    ['big.json', /^error: big\.json: data\.big: Infinity is no number a value can hold/],
    ['nan.yaml', /^error: nan\.yaml: data\.list\[1\]: NaN is no number a value can hold/],
    ['inf.yaml', /^error: inf\.yaml: data\.big: -Infinity is no number a value can hold/],
  ];
  for (const [file, message] of cases) {
    const r = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', file, '--dry-run'], { cwd: dir });
    assert.equal(r.code, 1, file);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
  const fine = await run(['render', 't.yaml', '--ports', 'ports.json', '--values', 'fine.yaml', '--dry-run'], { cwd: dir });
  assert.equal(fine.stdout, 'x: 1.7E+308\n');
});

test('file names in the stream\'s "# Source:" lines are escaped: a newline cannot add a YAML line, an escape cannot reach the terminal', async (t) => {
  const dir = workspace(t, { 'tpl/.kublade/ports.json': [], 'tpl/a\nkind: Secret.yaml': 'n: 1\n', 'tpl/x\u001b[31mred.yaml': 'm: 1\n', 'tpl/y\u202eb.yaml': 'o: 1\n' });
  const r = await run(['render', 'tpl', '--dry-run'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '---\n# Source: a\\u{a}kind: Secret.yaml\nn: 1\n---\n# Source: x\\u{1b}[31mred.yaml\nm: 1\n---\n# Source: y\\u{202e}b.yaml\no: 1\n');
});

test('a template folder holding a name that is not UTF-8 is refused naming it, not read under another name', async (t) => {
  const dir = workspace(t, { 'tpl/.kublade/ports.json': [], 'tpl/ok.yaml': 'a: 1\n' });
  // A name of raw bytes: Node's path strings cannot spell it.
  writeFileSync(Buffer.concat([Buffer.from(join(dir, 'tpl/')), Buffer.from([0xff]), Buffer.from('.yaml')]), 'n: 1\n');
  for (const args of [['render', 'tpl', '--dry-run'], ['render', 'tpl', '--kublade', '--dry-run'], ['check', 'tpl']]) {
    const r = await run(args, { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error: tpl\/\ufffd\.yaml: the name is not valid UTF-8\n/);
    assert.doesNotMatch(r.stderr, /ENOENT/);
  }
});
