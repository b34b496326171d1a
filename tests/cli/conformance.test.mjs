// The Blade conformance corpus (tests/cases/*/), through the CLI: each case's portClaims become a
// ports.json of claims preferring exactly those ports, the other variables a values file, and
// `portclaims render template.yaml --ports ports.json --values values.json --dry-run` must print
// expected.yaml byte for byte (tabs aside, see below), or fail with exit 1 where expected.error exists.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { ROOT, pool, run, workspace } from './helpers.mjs';

const CASES = join(ROOT, 'tests', 'cases');
const cases = existsSync(CASES) ? readdirSync(CASES).filter((name) => existsSync(join(CASES, name, 'template.yaml'))).sort() : [];

/**
 * Whether the CLI's error is the oracle's (expected.error: `ErrorException: Undefined array key "k"`,
 * PHP's exception class, then its message): the first stderr line (`error: template.yaml:LINE:COLUMN:
 * message`) carries the message word for word, except where PHP's parser or compiler words a syntax
 * error after the compiled PHP (a `ParseError` or a fatal compile error, COMPATIBILITY.md): there
 * any error of ours agrees (tests/conformance.rs holds it to a syntax error).
 */
function sameError(expected, stderr) {
  const first = expected.trim().split('\n')[0];
  if (/^(ParseError|PHP Fatal error): /.test(first)) return true;
  const message = first.replace(/^[\w\\]+: /, '');
  return stderr.split('\n')[0].replace(/^error: [^:]*:\d+:\d+: /, '') === message;
}

test('the conformance corpus is there', () => {
  assert.ok(cases.length >= 30, `tests/cases holds ${cases.length} cases`);
});

test('every conformance case renders through the CLI as Laravel renders it', async (t) => {
  const failures = [];
  await pool(
    cases.map((name) => async () => {
      const source = join(CASES, name);
      const { portClaims = {}, ...variables } = JSON.parse(readFileSync(join(source, 'values.json'), 'utf8'));
      const ports = Object.entries(portClaims).map(([claim, port]) => ({ group: 'tcp', claim, preferred_port: port, random: false }));
      const dir = workspace(t, { 'ports.json': ports, 'values.json': variables });
      copyFileSync(join(source, 'template.yaml'), join(dir, 'template.yaml'));
      const r = await run(['render', 'template.yaml', '--ports', 'ports.json', '--values', 'values.json', '--dry-run'], { cwd: dir });
      if (existsSync(join(source, 'expected.error'))) {
        if (r.code !== 1) failures.push(`${name}: expected exit 1 (${readFileSync(join(source, 'expected.error'), 'utf8').trim()}), got ${r.code}`);
        else if (!/^error: /.test(r.stderr) || /\n\s+at /.test(r.stderr)) failures.push(`${name}: not a clean error message: ${r.stderr}`);
        else if (r.stdout !== '') failures.push(`${name}: printed output despite the error`);
        else if (!sameError(readFileSync(join(source, 'expected.error'), 'utf8'), r.stderr)) {
          failures.push(`${name}: fails with ${r.stderr.split('\n')[0]}, Blade with ${readFileSync(join(source, 'expected.error'), 'utf8').trim()}`);
        }
      } else {
        // The CLI renders as Kublade's worker does, which turns every tab of a template into two
        // spaces before Blade sees it: where the corpus has tabs in a template's text (outside PHP
        // code), that is Blade's output with those tabs turned alike.
        const blade = readFileSync(join(source, 'expected.yaml'), 'utf8');
        const expected = readFileSync(join(source, 'template.yaml'), 'utf8').includes('\t') ? blade.replaceAll('\t', '  ') : blade;
        if (r.code !== 0) failures.push(`${name}: exit ${r.code}: ${r.stderr.split('\n')[0]}`);
        else if (r.stdout !== expected) failures.push(`${name}: output differs\n--- expected\n${expected}\n--- actual\n${r.stdout}`);
      }
      if (existsSync(join(dir, 'portclaims.lock.json'))) failures.push(`${name}: --dry-run wrote a lock file`);
    }),
    4,
  );
  assert.deepEqual(failures, [], `${failures.length} of ${cases.length} cases fail:\n${failures.join('\n')}`);
});
