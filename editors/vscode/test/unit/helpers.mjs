// Shared by the unit tests: the package's Node API, the fixture folder read as the extension reads
// it, and the CLI run on the same folder, to compare with.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { after } from 'node:test';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const repository = join(extensionDir, '..', '..');
export const fixtures = join(extensionDir, 'test', 'fixtures');
export const shop = join(fixtures, 'shop');
export const api = await import(join(repository, 'js', 'node.js'));

/** The fixture's inputs as `readInputs` takes them, with `edits` replacing texts by file. */
export function shopSources(edits = {}) {
  const read = (path) => edits[path] ?? readFileSync(join(fixtures, path), 'utf8');
  return {
    ports: { path: '.kublade/ports.json', text: read('shop/.kublade/ports.json') },
    fields: { path: '.kublade/fields.json', text: read('shop/.kublade/fields.json') },
    lock: { path: 'portclaims.lock.json', text: read('portclaims.lock.json') },
  };
}

export function template(name) {
  return { path: name, text: readFileSync(join(shop, name), 'utf8') };
}

/** A temporary folder, removed when the test file's tests are done. */
export function temporaryFolder(prefix) {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** A copy of the fixture folder with its lock file inside, `edits` applied: its path. */
export function copyOfShop(edits = {}) {
  const folder = temporaryFolder('portclaims-shop-');
  cpSync(shop, folder, { recursive: true });
  cpSync(join(fixtures, 'portclaims.lock.json'), join(folder, 'portclaims.lock.json'));
  for (const [path, text] of Object.entries(edits)) writeFileSync(join(folder, path.replace(/^shop\//, '')), text);
  return folder;
}

/** `portclaims ARGS --json` of the repository's CLI, parsed; `{ status, json, stderr }`. */
export function cli(args, { cwd = fixtures } = {}) {
  try {
    const stdout = execFileSync(process.execPath, [join(repository, 'bin', 'portclaims.cjs'), ...args, '--json'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { status: 0, json: JSON.parse(stdout) };
  } catch (error) {
    return { status: error.status, json: error.stdout ? JSON.parse(error.stdout) : undefined, stderr: String(error.stderr) };
  }
}
