// LockFileStore on its own (it loads the core itself to judge the reservations): format, revisions, refusals, corrupt files,
// stale locks, and several processes committing to one file at once.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { lockFile } from '../../js/file-lock.js';
import { LockFileStore, formatLockFile, revisionOf } from '../../js/lockfile-store.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STORE_MODULE = join(ROOT, 'js', 'lockfile-store.js');

function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'portclaims-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const r = (scope, claim, group, port) => ({ scope, claim, group, port });

test('a missing file is an empty store at the revision of empty bytes', (t) => {
  const store = new LockFileStore(join(tempDir(t), 'portclaims.lock.json'));
  assert.deepEqual(store.load(), { revision: revisionOf(''), reservations: [] });
});

test('commit writes the canonical file and returns the revision of its bytes', async (t) => {
  const path = join(tempDir(t), 'portclaims.lock.json');
  const store = new LockFileStore(path);
  const base = store.load().revision;
  const revision = await store.commit({ baseRevision: base, put: [r('b', 'web', 'tcp', 50001), r('a', 'z', 'udp', 50002), r('a', 'm', 'tcp', 50003)], delete: [] });
  const text = readFileSync(path, 'utf8');
  assert.equal(revision, revisionOf(readFileSync(path)));
  assert.equal(
    text,
    '{\n  "version": 1,\n  "reservations": [\n' +
      '    {\n      "scope": "a",\n      "claim": "m",\n      "group": "tcp",\n      "port": 50003\n    },\n' +
      '    {\n      "scope": "a",\n      "claim": "z",\n      "group": "udp",\n      "port": 50002\n    },\n' +
      '    {\n      "scope": "b",\n      "claim": "web",\n      "group": "tcp",\n      "port": 50001\n    }\n' +
      '  ]\n}\n',
  );
  assert.equal(formatLockFile(store.reservations()), text);
  const loaded = store.load();
  assert.equal(loaded.revision, revision);
  assert.equal(loaded.reservations.length, 3);

  // delete one, replace another (same scope and claim, new port)
  const next = await store.commit({ baseRevision: revision, put: [r('b', 'web', 'tcp', 50009)], delete: [r('a', 'z', 'udp', 50002)] });
  assert.notEqual(next, revision);
  assert.deepEqual(store.reservations(), [r('a', 'm', 'tcp', 50003), r('b', 'web', 'tcp', 50009)]);
  assert.deepEqual(readdirSync(dirname(path)), ['portclaims.lock.json'], 'no temporary file or lock left behind');
});

test('a commit on a revision that moved on is refused and changes nothing', async (t) => {
  const path = join(tempDir(t), 'portclaims.lock.json');
  const store = new LockFileStore(path);
  const base = store.load().revision;
  const other = new LockFileStore(path);
  await other.commit({ baseRevision: base, put: [r('x', 'a', 'tcp', 50100)], delete: [] });
  const before = readFileSync(path, 'utf8');
  assert.equal(await store.commit({ baseRevision: base, put: [r('y', 'a', 'tcp', 50100)], delete: [] }), false);
  assert.equal(readFileSync(path, 'utf8'), before);
  // An edit by hand (or by git) is a new revision too.
  const revision = store.load().revision;
  writeFileSync(path, before.replace('50100', '50101'));
  assert.equal(await store.commit({ baseRevision: revision, put: [], delete: [r('x', 'a', 'tcp', 50101)] }), false);
});

test('a corrupt file is reported with its name and what is wrong, and never overwritten', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'ports.lock');
  const cases = [
    ['{"version": 1, "reservations": [}', /^ports\.lock: 1:33: not valid JSON: expected a value, found '}'/],
    ['[]', /^ports\.lock: \(top level\): must be an object/],
    ['{"version": 2, "reservations": []}', /^ports\.lock: version: must be 1, got 2/],
    ['{"version": 1}', /^ports\.lock: reservations: must be an array, got nothing/],
    ['{"version": 1, "reservations": [5]}', /^ports\.lock: reservations\[0\]: must be an object with "scope", "claim", "group" and "port", got 5/],
    ['{"version": 1, "reservations": [{"scope": "s", "claim": "c", "group": "", "port": 1}]}', /^ports\.lock: reservations\[0\]\.group: must be a non-empty string, got ""/],
    ['{"version": 1, "reservations": [{"scope": "s", "claim": "c", "group": "g", "port": 70000}]}', /^ports\.lock: reservations\[0\]\.port: must be an integer from 1 to 65535, got 70000/],
    [
      '{"version": 1, "reservations": [{"scope": "s", "claim": "c", "group": "g", "port": 1}, {"scope": "s", "claim": "c", "group": "g", "port": 2}]}',
      /^ports\.lock: reservations\[1\]: scope "s", claim "c" is reserved twice \(first at \[0\]\)/,
    ],
    [
      '{"version": 1, "reservations": [{"scope": "s", "claim": "a", "group": "g", "port": 1}, {"scope": "t", "claim": "b", "group": "g", "port": 1}]}',
      /^ports\.lock: reservations\[1\]\.port: TCP port 1 is held twice: by scope "s", claim "a" \(at \[0\]\) and by scope "t", claim "b" \(at \[1\]\)/,
    ],
    // Ports collide per protocol, as a render judges them: http and tcp share TCP's ports.
    [
      '{"version": 1, "reservations": [{"scope": "s", "claim": "a", "group": "http", "port": 100}, {"scope": "t", "claim": "b", "group": "tcp", "port": 100}]}',
      /^ports\.lock: reservations\[1\]\.port: TCP port 100 is held twice: by scope "s", claim "a" \(at \[0\]\) and by scope "t", claim "b" \(at \[1\]\)/,
    ],
  ];
  for (const [text, message] of cases) {
    writeFileSync(path, text);
    const store = new LockFileStore(path, { name: 'ports.lock' });
    assert.throws(() => store.load(), (e) => message.test(e.message) && e.kind === 'store' && e.file === 'ports.lock', text);
    await assert.rejects(store.commit({ baseRevision: revisionOf(text), put: [r('s', 'x', 'g', 9)], delete: [] }), (e) => message.test(e.message));
    assert.equal(readFileSync(path, 'utf8'), text, 'untouched');
    assert.deepEqual(readdirSync(dir), ['ports.lock']);
  }
});

test('a stale lock left by a crashed process is taken over; a live one is waited for', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'portclaims.lock.json');
  const store = new LockFileStore(path, { stale: 2000 });
  mkdirSync(`${path}.lock`);
  const old = new Date(Date.now() - 60_000);
  utimesSync(`${path}.lock`, old, old);
  assert.equal(typeof (await store.commit({ baseRevision: store.load().revision, put: [r('s', 'a', 'tcp', 50000)], delete: [] })), 'string');
  assert.equal(existsSync(`${path}.lock`), false);

  const lock = await lockFile(path);
  const started = Date.now();
  const pending = store.commit({ baseRevision: store.load().revision, put: [r('s', 'b', 'tcp', 50001)], delete: [] });
  setTimeout(() => lock.release(), 300);
  assert.equal(typeof (await pending), 'string');
  assert.ok(Date.now() - started >= 250, 'the commit waited for the lock');
  assert.equal(store.reservations().length, 2);
});

test('several processes committing to one file at once lose nothing', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'portclaims.lock.json');
  // Each process adds its reservations one commit at a time, reloading when refused, as the engine does.
  const script = `
    import { LockFileStore } from ${JSON.stringify(STORE_MODULE)};
    const [path, scope, count] = process.argv.slice(1);
    const store = new LockFileStore(path);
    let refused = 0;
    for (let i = 0; i < Number(count); i++) {
      for (;;) {
        const { revision, reservations } = store.load();
        const held = new Set(reservations.map((r) => r.port));
        let port = 50000;
        while (held.has(port)) port++;
        const result = await store.commit({ baseRevision: revision, put: [{ scope, claim: 'c' + i, group: 'tcp', port }], delete: [] });
        if (result !== false) break;
        refused++;
      }
    }
    process.stdout.write(String(refused));
  `;
  const run = promisify(execFile);
  const processes = 6;
  const each = 8;
  const results = await Promise.all(
    Array.from({ length: processes }, (_, p) => run(process.execPath, ['--input-type=module', '-e', script, path, `scope${p}`, String(each)])),
  );
  const refused = results.reduce((sum, { stdout }) => sum + Number(stdout), 0);
  const store = new LockFileStore(path);
  const reservations = store.reservations();
  assert.equal(reservations.length, processes * each, `every reservation is there (${refused} commits were refused and retried)`);
  assert.equal(new Set(reservations.map((x) => x.port)).size, reservations.length, 'no port handed out twice');
  assert.deepEqual(readdirSync(dir), ['portclaims.lock.json']);
});

test('after a commit, load() reads what the file holds: the written reservations, in the core order, with the revision of its bytes', async (t) => {
  const path = join(tempDir(t), 'portclaims.lock.json');
  writeFileSync(path, `${JSON.stringify({ version: 1, comment: 'kept', reservations: [{ scope: '😀', claim: 'a', group: 'tcp', port: 50001 }] })}\n`);
  const store = new LockFileStore(path);
  const revision = await store.commit({ baseRevision: store.load().revision, put: [{ scope: '～', claim: 'b', group: 'tcp', port: 50002 }], delete: [] });
  const after = store.load();
  const fresh = new LockFileStore(path).load();
  assert.equal(after.revision, revision);
  assert.equal(after.revision, revisionOf(readFileSync(path)));
  assert.deepEqual(after.reservations, fresh.reservations);
  assert.deepEqual(after.reservations.map((r) => r.scope), ['～', '😀']);
  assert.match(readFileSync(path, 'utf8'), /"comment": "kept"/);
});

// The store builds the core's index of a lock file to judge it; the first render of that file
// takes it over instead of building the same index again.
test('a render takes over the index the store built to judge the lock file, under the same groups only', async (t) => {
  const { renderSync } = await import('../../js/node.js');
  const core = await import('../../pkg/portclaims.js');
  const dir = tempDir(t);
  const held = Array.from({ length: 50 }, (_, i) => r(`s${i}`, 'web', 'tcp', 40000 + i));
  const text = formatLockFile(held);
  const write = (name) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const load = core.Ledger.load;
  let built = 0;
  core.Ledger.load = (...args) => (built++, load(...args));
  t.after(() => {
    core.Ledger.load = load;
  });
  const claims = [{ claim: 'web', group: 'tcp', preferred_port: 40007, random: true }];
  const render = (store, groups) => renderSync({ template: "{{ $portClaims['web'] }}", claims, scope: 'new', store, groups, seed: 3, dryRun: true });

  const store = new LockFileStore(write('a.json'));
  const output = render(store).output;
  assert.equal(built, 1, 'one index: the store judged the file, the render took it over');
  assert.notEqual(output, '40007', 'the port held in the file is not handed out again');
  assert.equal(render(store).output, output);
  assert.equal(built, 1);

  const groups = { tcp: { ranges: ['40000-40100'] } };
  built = 0;
  const other = render(new LockFileStore(write('b.json')), groups).output;
  assert.equal(built, 2, 'the render reads the file under other groups than the store judged it by');
  assert.ok(Number(other) >= 40050 && Number(other) <= 40100, other);
  built = 0;
  render(new LockFileStore(write('c.json'), { groups }), groups);
  assert.equal(built, 1);
});
