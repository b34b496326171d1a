// The shared stores side by side with the lock file: renders per second and per-render latency
// with 1 and 8 writers, each writer a process of its own rendering new scopes (one claim each)
// into one store, against real servers on loopback (etcd: three members; PostgreSQL).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { startEtcdCluster, startPostgres } from '../tests/stores/servers.mjs';

const run = promisify(execFile);
const WRITER = new URL('./store-writer.mjs', import.meta.url).pathname;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

/** `writers` processes rendering into `url` for `seconds`: renders per second, p50 and p99 in ms. */
async function measure(url, writers, seconds, env) {
  // Every writer starts its clock at once, after its process has started and warmed up.
  const from = Date.now() + 2500;
  const until = from + seconds * 1000;
  const outputs = await Promise.all(
    Array.from({ length: writers }, (_, id) =>
      run(process.execPath, [WRITER, url, String(until), String(from), String(id)], { env: { ...process.env, ...env }, maxBuffer: 64 << 20 }),
    ),
  );
  const results = outputs.map(({ stdout }) => JSON.parse(stdout));
  const times = results.flatMap((r) => r.times).sort((a, b) => a - b);
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  return { perSecond: times.length / seconds, p50: percentile(times, 50), p99: percentile(times, 99), failed };
}

export async function storesBenchmark({ say, quick }) {
  say('## Shared stores (renders per second and per-render latency, one new claim per render)');
  say();
  const seconds = quick ? 1.5 : 4;
  const dir = mkdtempSync(join(tmpdir(), 'portclaims-bench-'));
  const [etcd, pg] = await Promise.all([startEtcdCluster(), startPostgres()]);
  try {
    const stores = [
      ['lock file', (n) => join(dir, `bench-${n}.lock.json`), {}],
      ['etcd (3 members)', (n) => etcd.url(`bench-${n}`), {}],
      ['PostgreSQL', (n) => pg.url({ store: `bench-${n}` }), { PGPASSWORD: pg.password }],
    ];
    say('| store | writers | renders/s | p50 per render | p99 per render | failed renders |');
    say('| --- | --- | --- | --- | --- | --- |');
    for (const writers of [1, 8]) {
      for (const [name, url, env] of stores) {
        const { perSecond, p50, p99, failed } = await measure(url(writers), writers, seconds, env);
        say(`| ${name} | ${writers} | ${perSecond.toFixed(0)} | ${p50.toFixed(2)} ms | ${p99.toFixed(2)} ms | ${failed} |`);
      }
    }
    say();
    say(`(${seconds} s per row, each writer a Node process using the API with one store object; every render reserves a port in a new scope; a failed render is one whose commit the store refused 8 times in a row, as the engine allows. The etcd cluster and PostgreSQL run on this machine, etcd's data on a memory file system where there is one, PostgreSQL without fsync: the figures compare portclaims' protocol on each store, not disks.)`);
    say();
  } finally {
    await Promise.all([etcd.stop(), pg.remove()]);
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}
