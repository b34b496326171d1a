// `render --out`: an output that cannot be written, or that would overwrite an input, fails the
// render before anything is reserved, in one line naming the path; `--out -` is standard output.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { errorLines, run, workspace } from './helpers.mjs';

const TEMPLATE = "a: {{ $portClaims['web'] }}\n";
const PORTS = [{ claim: 'web', group: 'http' }];
const EARLIER = { version: 1, reservations: [{ scope: 'other', claim: 'api', group: 'http', port: 100 }] };

const lockText = (dir) => (existsSync(join(dir, 'portclaims.lock.json')) ? readFileSync(join(dir, 'portclaims.lock.json'), 'utf8') : undefined);

/** Runs a render expected to fail: one error line matching `pattern`, the lock file untouched. */
async function refused(dir, args, pattern) {
  const before = lockText(dir);
  const r = await run(['render', ...args], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const errors = errorLines(r.stderr);
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0], pattern);
  assert.doesNotMatch(r.stderr, /EEXIST|ENOTDIR|EISDIR|errno|mkdir '|open '/, 'no raw errno text');
  assert.equal(lockText(dir), before, 'the lock file is unchanged');
  return r;
}

for (const withLock of [false, true]) {
  const files = (extra = {}) => ({
    't.yaml': TEMPLATE,
    'ports.json': PORTS,
    'tpl/a.yaml': TEMPLATE,
    'tpl/sub/b.yaml': 'b: 1\n',
    'tpl/.kublade/ports.json': PORTS,
    ...(withLock ? { 'portclaims.lock.json': EARLIER } : {}),
    ...extra,
  });
  const label = withLock ? 'with a lock file' : 'without a lock file';

  test(`--out naming a file: refused, nothing reserved (${label})`, async (t) => {
    const dir = workspace(t, files({ 'res.yaml': 'old\n' }));
    await refused(dir, ['t.yaml', '--ports', 'ports.json', '--out', 'res.yaml'], /^error: --out res\.yaml: it is a file, not a folder$/);
    await refused(dir, ['tpl', '--out', 'res.yaml/deeper'], /res\.yaml: it is a file, not a folder$/);
    assert.equal(readFileSync(join(dir, 'res.yaml'), 'utf8'), 'old\n');
  });

  test(`an output file that is a folder, or under a file: refused after rendering, nothing reserved (${label})`, async (t) => {
    const dir = workspace(t, files({ 'out/sub': 'a file where the folder sub/ goes\n' }));
    mkdirSync(join(dir, 'out2', 'a.yaml'), { recursive: true });
    await refused(dir, ['tpl', '--out', 'out2'], /^error: cannot write out2\/a\.yaml: it is a folder, not a file$/);
    await refused(dir, ['tpl', '--out', 'out'], /^error: cannot write under out\/sub: it is a file, not a folder$/);
    // Nothing staged is left behind.
    assert.deepEqual(readdirSync(join(dir, 'out2')), ['a.yaml']);
    assert.deepEqual(readdirSync(join(dir, 'out')), ['sub']);
  });

  test(`--out onto the templates: refused, the sources kept (${label})`, async (t) => {
    const dir = workspace(t, files());
    await refused(dir, ['tpl', '--out', 'tpl'], /^error: --out tpl is the template folder/);
    await refused(dir, ['tpl', '--kublade', '--out', 'tpl/'], /^error: --out tpl\/ is the template folder/);
    await refused(dir, ['tpl/a.yaml', '--ports', 'tpl/.kublade/ports.json', '--out', 'tpl'], /^error: cannot write tpl\/a\.yaml: it is tpl\/a\.yaml, an input of this render$/);
    await refused(dir, ['t.yaml', '--ports', 'ports.json', '--out', '.'], /^error: cannot write t\.yaml: it is t\.yaml, an input/);
    // The same file under another name (a hard link) is the same input.
    mkdirSync(join(dir, 'linked'));
    linkSync(join(dir, 't.yaml'), join(dir, 'linked', 't.yaml'));
    await refused(dir, ['t.yaml', '--ports', 'ports.json', '--out', 'linked'], /^error: cannot write linked\/t\.yaml: it is t\.yaml, an input/);
    assert.equal(readFileSync(join(dir, 'tpl/a.yaml'), 'utf8'), TEMPLATE);
    assert.equal(readFileSync(join(dir, 't.yaml'), 'utf8'), TEMPLATE);
  });
}

test('--out into a fresh folder writes every file and leaves no temporary file', async (t) => {
  const dir = workspace(t, { 'tpl/a.yaml': TEMPLATE, 'tpl/sub/b.yaml': 'b: 1\n', 'tpl/.kublade/ports.json': PORTS, 'out/a.yaml': 'old\n' });
  const r = await run(['render', 'tpl', '--out', 'out'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const port = JSON.parse(lockText(dir)).reservations[0].port;
  assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['a.yaml', 'sub']);
  assert.deepEqual(readdirSync(join(dir, 'out/sub')), ['b.yaml']);
  assert.equal(readFileSync(join(dir, 'out/a.yaml'), 'utf8'), `a: ${port}\n`);
});

test('--out - writes to standard output, as no --out does', async (t) => {
  const dir = workspace(t, { 't.yaml': TEMPLATE, 'ports.json': PORTS, 'tpl/a.yaml': TEMPLATE, 'tpl/.kublade/ports.json': PORTS });
  const r = await run(['render', 't.yaml', '--ports', 'ports.json', '--out', '-'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^a: \d+\n$/);
  const folder = await run(['render', 'tpl', '--out', '-'], { cwd: dir });
  assert.equal(folder.code, 0, folder.stderr);
  assert.match(folder.stdout, /^---\n# Source: a\.yaml\na: \d+\n$/);
  assert.equal(existsSync(join(dir, '-')), false, 'no folder named -');
});

test('--out over files rendered before keeps their permissions', async (t) => {
  const dir = workspace(t, { 't.yaml': TEMPLATE, 'ports.json': JSON.stringify(PORTS) });
  const first = await run(['render', 't.yaml', '--ports', 'ports.json', '--out', 'out'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const file = join(dir, 'out', 't.yaml');
  chmodSync(file, 0o600);
  const again = await run(['render', 't.yaml', '--ports', 'ports.json', '--out', 'out'], { cwd: dir });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.match(readFileSync(file, 'utf8'), /^a: \d+\n$/);
});

test('--out never overwrites the lock file, also one the render is about to create', async (t) => {
  const dir = workspace(t, { 'tpl/portclaims.lock.json': TEMPLATE, 'tpl/.kublade/ports.json': PORTS });
  const r = await run(['render', 'tpl', '--out', '.'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.deepEqual(errorLines(r.stderr), ['error: cannot write portclaims.lock.json: it is portclaims.lock.json, an input of this render']);
  assert.equal(existsSync(join(dir, 'portclaims.lock.json')), false, 'nothing reserved, nothing written');
});
