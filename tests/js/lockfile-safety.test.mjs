// The lock file is the user's data: what LockFileStore does with links, modes, special files,
// damaged files, other processes' locks and its own leftovers.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { lockFile } from '../../js/file-lock.js';
import { LockFileStore, formatLockFile } from '../../js/lockfile-store.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STORE_MODULE = join(ROOT, 'js', 'lockfile-store.js');
const CORE_MODULE = join(ROOT, 'js', 'node-core.js');
const isRoot = process.getuid?.() === 0;
// A child started as root drops to nobody once it has loaded the package and its WebAssembly core
// (which judges a lock file's reservations): the checkout itself may sit in a folder only root
// can enter (a fresh clone in a temporary folder).
const AS_NOBODY = `(await import(${JSON.stringify(CORE_MODULE)})).nodeCore(); process.setgid(65534); process.setuid(65534);`;

function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'portclaims-safety-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const r = (scope, claim, group, port) => ({ scope, claim, group, port });
const one = [r('s', 'web', 'tcp', 50001)];

async function reserve(store, put) {
  return store.commit({ baseRevision: store.load().revision, put, delete: [] });
}

test('a symbolic link is followed: its target is updated and the link stays a link', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'shared'));
  const target = join(dir, 'shared', 'ports.lock.json');
  writeFileSync(target, formatLockFile(one));
  const link = join(dir, 'portclaims.lock.json');
  symlinkSync(join('shared', 'ports.lock.json'), link);
  const store = new LockFileStore(link);
  assert.equal(typeof (await reserve(store, [r('s', 'db', 'tcp', 50002)])), 'string');
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.deepEqual(new LockFileStore(target).reservations().map((x) => x.claim), ['db', 'web']);
  assert.deepEqual(readdirSync(join(dir, 'shared')), ['ports.lock.json'], 'no lock or temporary file left beside the target');
});

test('a commit keeps the file mode (0600 stays 0600, 0640 stays 0640)', async (t) => {
  const dir = tempDir(t);
  for (const mode of [0o600, 0o640]) {
    const path = join(dir, `lock-${mode.toString(8)}.json`);
    writeFileSync(path, formatLockFile(one));
    chmodSync(path, mode);
    assert.equal(typeof (await reserve(new LockFileStore(path), [r('t', 'a', 'tcp', 50003)])), 'string');
    assert.equal(statSync(path).mode & 0o777, mode);
  }
});

test('a read-only lock file is refused and left as it was', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'portclaims.lock.json');
  const text = formatLockFile(one);
  writeFileSync(path, text);
  chmodSync(path, 0o444);
  await assert.rejects(reserve(new LockFileStore(path, { name: 'portclaims.lock.json' }), [r('t', 'a', 'tcp', 50003)]), (e) => {
    assert.match(e.message, /^portclaims\.lock\.json: is read-only \(mode 0444\)/);
    return true;
  });
  assert.equal(readFileSync(path, 'utf8'), text);
  assert.equal(statSync(path).mode & 0o777, 0o444);
});

test('a read-only lock file is refused for an unprivileged user too', { skip: !isRoot && 'needs root to start a process as nobody' }, async (t) => {
  const dir = tempDir(t);
  chmodSync(dir, 0o777);
  const path = join(dir, 'portclaims.lock.json');
  const text = formatLockFile(one);
  writeFileSync(path, text);
  chmodSync(path, 0o444);
  const script = `
    import { LockFileStore } from ${JSON.stringify(STORE_MODULE)};
    ${AS_NOBODY}
    const store = new LockFileStore(process.argv[1], { name: 'lock' });
    try {
      await store.commit({ baseRevision: store.load().revision, put: [{ scope: 'u', claim: 'a', group: 'tcp', port: 50010 }], delete: [] });
      process.stdout.write('written');
    } catch (e) { process.stdout.write(e.message); }
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, path], { cwd: dir });
  assert.match(stdout, /^lock: is read-only/);
  assert.equal(readFileSync(path, 'utf8'), text);
  assert.equal(statSync(path).uid, 0, 'still root\'s file');
});

test('root writing a user\'s lock file leaves it the user\'s', { skip: !isRoot && 'needs root' }, async (t) => {
  const path = join(tempDir(t), 'portclaims.lock.json');
  writeFileSync(path, formatLockFile(one));
  execFileSync('chown', ['65534:65534', path]);
  await reserve(new LockFileStore(path), [r('t', 'a', 'tcp', 50003)]);
  assert.equal(statSync(path).uid, 65534);
  assert.equal(statSync(path).gid, 65534);
});

test('a device, a FIFO or a folder is refused at once, never opened or replaced', async (t) => {
  const dir = tempDir(t);
  const fifo = join(dir, 'fifo.json');
  execFileSync('mkfifo', [fifo]);
  const folder = join(dir, 'folder.json');
  mkdirSync(folder);
  const link = join(dir, 'null-link.json');
  symlinkSync('/dev/null', link);
  for (const [path, kind] of [['/dev/null', 'a device'], [link, 'a device'], [fifo, 'a FIFO'], [folder, 'a folder']]) {
    const store = new LockFileStore(path, { name: 'L' });
    const message = new RegExp(`^Error: L: is ${kind}, not a lock file`);
    assert.throws(() => store.load(), message, path);
    await assert.rejects(store.commit({ baseRevision: 'x', put: one, delete: [] }), message, path);
  }
  assert.ok(statSync('/dev/null').isCharacterDevice());
  assert.ok(lstatSync(fifo).isFIFO());
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.deepEqual(readdirSync(dir).sort(), ['fifo.json', 'folder.json', 'null-link.json']);
});

test('a key given twice is refused, never resolved by dropping the first', async (t) => {
  const path = join(tempDir(t), 'portclaims.lock.json');
  const text =
    '{\n  "version": 1,\n  "reservations": [{"scope": "a", "claim": "x", "group": "tcp", "port": 50001}],\n' +
    '  "reservations": [{"scope": "b", "claim": "y", "group": "tcp", "port": 50002}]\n}\n';
  writeFileSync(path, text);
  const store = new LockFileStore(path, { name: 'portclaims.lock.json' });
  assert.throws(() => store.load(), /^Error: portclaims\.lock\.json: 4:3: ambiguous: the key "reservations" is given twice in one object \(first at 3:3\)/);
  await assert.rejects(store.commit({ baseRevision: 'x', put: one, delete: [] }), /given twice/);
  assert.equal(readFileSync(path, 'utf8'), text);
  // Escapes name the same key.
  writeFileSync(path, '{"version": 1, "reservations": [], "a": 1, "\\u0061": 2}');
  assert.throws(() => store.load(), /the key "a" is given twice/);
});

test('unknown top-level fields are kept through a commit; an unknown field in a reservation is refused', async (t) => {
  const path = join(tempDir(t), 'portclaims.lock.json');
  writeFileSync(path, JSON.stringify({ comment: 'ports of the shop', version: 1, reservations: one, owner: { team: 'web' } }));
  const store = new LockFileStore(path);
  await reserve(store, [r('t', 'a', 'tcp', 50003)]);
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  assert.deepEqual(Object.keys(doc), ['version', 'comment', 'owner', 'reservations']);
  assert.equal(doc.comment, 'ports of the shop');
  assert.deepEqual(doc.owner, { team: 'web' });
  assert.equal(doc.reservations.length, 2);

  const text = JSON.stringify({ version: 1, reservations: [{ ...one[0], note: 'keep me' }] });
  writeFileSync(path, text);
  assert.throws(() => store.load(), /reservations\[0\]\.note: unknown field/);
  await assert.rejects(reserve(store, []), /unknown field/);
  assert.equal(readFileSync(path, 'utf8'), text);
});

test('invalid UTF-8 is refused with its position, never turned into U+FFFD', async (t) => {
  const path = join(tempDir(t), 'portclaims.lock.json');
  const bytes = Buffer.concat([
    Buffer.from('{\n  "version": 1,\n  "reservations": [{"scope": "caf'),
    Buffer.from([0xe9]),
    Buffer.from('", "claim": "web", "group": "tcp", "port": 50001}]\n}\n'),
  ]);
  writeFileSync(path, bytes);
  const store = new LockFileStore(path, { name: 'L' });
  assert.throws(() => store.load(), /^Error: L: 3:34: not valid UTF-8 \(byte 0xe9 at offset 51\)/);
  await assert.rejects(reserve(store, []), /not valid UTF-8/);
  assert.deepEqual(readFileSync(path), bytes);
});

test('a byte order mark is accepted', async (t) => {
  const path = join(tempDir(t), 'portclaims.lock.json');
  writeFileSync(path, `\ufeff${formatLockFile(one)}`);
  const store = new LockFileStore(path);
  assert.deepEqual(store.reservations(), one);
  await reserve(store, [r('t', 'a', 'tcp', 50003)]);
  assert.equal(store.reservations().length, 2);
});

test('what waiting cannot fix fails at once: a missing folder, no permission, a .lock that is a file', async (t) => {
  const dir = tempDir(t);
  const started = Date.now();
  await assert.rejects(reserve(new LockFileStore(join(dir, 'missing', 'l.json'), { name: 'l.json' }), one), /^Error: l\.json: cannot create l\.json\.lock: its folder does not exist/);

  const plain = join(dir, 'plain.json');
  writeFileSync(`${plain}.lock`, 'not a folder');
  await assert.rejects(reserve(new LockFileStore(plain, { name: 'plain.json' }), one), /plain\.json\.lock exists and is not a lock folder portclaims made; remove it/);
  assert.ok(Date.now() - started < 2000, `failed in ${Date.now() - started} ms`);

  if (isRoot) {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    const script = `
      import { LockFileStore } from ${JSON.stringify(STORE_MODULE)};
      ${AS_NOBODY}
      const store = new LockFileStore(process.argv[1], { name: 'l.json' });
      const began = Date.now();
      try { await store.commit({ baseRevision: store.load().revision, put: [], delete: [] }); process.stdout.write('written'); }
      catch (e) { process.stdout.write(e.message + ' after ' + (Date.now() - began)); }
    `;
    chmodSync(dir, 0o755);
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, join(locked, 'l.json')]);
    const [message, ms] = stdout.split(' after ');
    assert.equal(message, 'l.json: cannot create l.json.lock: permission denied');
    assert.ok(Number(ms) < 2000, `failed in ${ms} ms`);
  }
});

test('a lock left by a dead process on this host is taken over at once', async (t) => {
  const path = join(tempDir(t), 'portclaims.lock.json');
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid;
  await new Promise((resolve) => child.on('exit', resolve));
  mkdirSync(`${path}.lock`);
  writeFileSync(join(`${path}.lock`, 'owner.json'), JSON.stringify({ pid, host: hostname(), nonce: 'dead', since: Date.now() }));
  const started = Date.now();
  assert.equal(typeof (await reserve(new LockFileStore(path, { stale: 60_000 }), one)), 'string');
  assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  assert.equal(existsSync(`${path}.lock`), false);
});

test('a lock folder dated in the future is not waited for forever', async (t) => {
  const path = join(tempDir(t), 'portclaims.lock.json');
  mkdirSync(`${path}.lock`);
  const future = new Date(Date.now() + 3_600_000);
  utimesSync(`${path}.lock`, future, future);
  assert.equal(typeof (await reserve(new LockFileStore(path, { stale: 1000 }), one)), 'string');
});

test('a live holder is waited for, named once through onWait, and a timeout ends the wait', async (t) => {
  const path = join(tempDir(t), 'portclaims.lock.json');
  const lock = await lockFile(path);
  t.after(() => lock.release());
  const waits = [];
  const store = new LockFileStore(path, { name: 'L', timeout: 600, onWait: (holder) => waits.push(holder) });
  await assert.rejects(reserve(store, one), /^Error: L: portclaims\.lock\.json\.lock has been held by process \d+ on .+ for longer than 1 s/);
  assert.equal(waits.length, 1);
  assert.equal(waits[0].pid, process.pid);
  assert.equal(waits[0].host, hostname());
});

test('temporary files of writers killed mid-write are removed by the next commit', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'portclaims.lock.json');
  writeFileSync(join(dir, '.portclaims.lock.json.4242.deadbeef.tmp'), 'half a lock file');
  writeFileSync(join(dir, 'unrelated.tmp'), 'not ours');
  await reserve(new LockFileStore(path), one);
  assert.deepEqual(readdirSync(dir).sort(), ['portclaims.lock.json', 'unrelated.tmp']);
});
