// Shared by the CLI tests: run `bin/portclaims.cjs` as a separate process in a temporary folder.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'portclaims.cjs');

/** Runs the CLI; resolves to `{ code, stdout, stderr }`. `env` is added to a colourless environment. */
export function run(args, { cwd, input, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const base = { ...process.env, NO_COLOR: '1' };
    delete base.FORCE_COLOR;
    delete base.NODE_TEST_CONTEXT; // the child is not a test
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...base, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/** A fresh temporary folder holding `files` ({ 'a/b.yaml': text | object }); removed after the test. */
export function workspace(t, files = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'portclaims-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  write(dir, files);
  return dir;
}

export function write(dir, files) {
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, ...path.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
}

/** Runs `tasks` (functions returning promises) at most `limit` at a time. */
export async function pool(tasks, limit = 4) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** Every error line (`error: …`) of a stderr. */
export const errorLines = (stderr) => stderr.split('\n').filter((l) => l.startsWith('error: '));
