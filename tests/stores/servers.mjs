// Real servers for the store tests and the store benchmark, on loopback ports, from Debian's
// packages: a three-member etcd cluster (etcd-server) and a PostgreSQL instance (postgresql),
// each in a temporary folder that is removed when it stops. PostgreSQL refuses to run as root:
// run as root (as CI is), it runs as the unprivileged `postgres` user.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// etcd syncs its log on every commit: on a memory file system (Linux's /dev/shm) a test run
// measures portclaims, not the disk. Durability is not what these tests test.
const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

export const ETCD = process.env.PORTCLAIMS_TEST_ETCD ?? '/usr/bin/etcd';
export const POSTGRES_BIN = process.env.PORTCLAIMS_TEST_POSTGRES_BIN ?? newestPostgres();

function newestPostgres() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return join(root, '15', 'bin');
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  return join(root, versions[0] ?? '15', 'bin');
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort() {
  return (await freePorts(1))[0];
}

/**
 * `count` distinct TCP ports on 127.0.0.1 that nothing listens on right now: all held open until
 * all are found, since a port closed may be the next one handed out (two etcd members once got
 * the same client port, and the cluster never had a leader).
 */
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      server.unref();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.on('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(() => resolve()))));
  }
}

async function until(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await sleep(50);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? ` (${last.message})` : ''}`);
}

/** A child process that can be waited for; its stderr tail is kept for error messages. */
function launch(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  let tail = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (tail = (tail + d).slice(-4000)));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.on('error', () => {});
  return { child, exited, tail: () => tail };
}

async function stopProcess(launched, signal = 'SIGTERM', graceMs = 5000) {
  if (!launched || launched.child.exitCode !== null || launched.child.signalCode !== null) return;
  launched.child.kill(signal);
  const timer = setTimeout(() => launched.child.kill('SIGKILL'), graceMs);
  await launched.exited;
  clearTimeout(timer);
}

/**
 * Starts an etcd cluster of `size` members on loopback. Each member can be stopped, killed and
 * started again; `leader()` tells which member leads now.
 */
export async function startEtcdCluster({ size = 3, maxTxnOps } = {}) {
  const dir = mkdtempSync(join(SCRATCH, 'portclaims-etcd-'));
  const members = [];
  const ports = await freePorts(2 * size);
  for (let i = 0; i < size; i++) {
    members.push({ name: `m${i + 1}`, clientPort: ports[2 * i], peerPort: ports[2 * i + 1] });
  }
  const initialCluster = members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
  for (const member of members) {
    member.url = `http://127.0.0.1:${member.clientPort}`;
    member.endpoint = `127.0.0.1:${member.clientPort}`;
    member.args = [
      '--name', member.name,
      '--data-dir', join(dir, member.name),
      '--listen-client-urls', member.url,
      '--advertise-client-urls', member.url,
      '--listen-peer-urls', `http://127.0.0.1:${member.peerPort}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${member.peerPort}`,
      '--initial-cluster', initialCluster,
      '--initial-cluster-token', 'portclaims-test',
      '--initial-cluster-state', 'new',
      // Short timeouts: a killed leader is replaced within a second, not ten.
      '--heartbeat-interval', '50',
      '--election-timeout', '500',
      '--logger', 'zap',
      '--log-level', 'error',
      ...(maxTxnOps ? ['--max-txn-ops', String(maxTxnOps)] : []),
    ];
    member.start = async () => {
      member.process = launch(ETCD, member.args);
    };
    member.stop = (signal = 'SIGTERM') => stopProcess(member.process, signal);
    member.kill = () => stopProcess(member.process, 'SIGKILL');
    member.running = () => member.process && member.process.child.exitCode === null && member.process.child.signalCode === null;
    member.status = async () => {
      const response = await fetch(`${member.url}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(1000) });
      return response.json();
    };
  }
  const cluster = {
    dir,
    members,
    endpoints: members.map((m) => m.endpoint),
    /** `etcd://host:port,…/name` for a store called `name` on every member. */
    url: (name = 'test') => `etcd://${members.map((m) => m.endpoint).join(',')}/${name}`,
    async leader() {
      for (const member of members.filter((m) => m.running())) {
        try {
          const status = await member.status();
          if (status.leader && status.leader !== '0') {
            const leader = (await Promise.all(members.filter((m) => m.running()).map(async (m) => [m, (await m.status()).header.member_id])))
              .find(([, id]) => id === status.leader);
            if (leader) return leader[0];
          }
        } catch {
          // try the next member
        }
      }
      return undefined;
    },
    /** Waits until the running members have a leader and answer. */
    async healthy(timeoutMs = 20_000) {
      await until('an etcd leader', async () => Boolean(await cluster.leader()), timeoutMs);
    },
    async stop() {
      await Promise.all(members.map((m) => m.kill()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await Promise.all(members.map((m) => m.start()));
  try {
    await cluster.healthy();
  } catch (error) {
    const tails = members.map((m) => `${m.name}: ${m.process.tail().trim().split('\n').pop() ?? ''}`).join('; ');
    await cluster.stop();
    throw new Error(`${error.message}; ${tails}`);
  }
  return cluster;
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function postgresUser() {
  const result = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error('running as root needs the `postgres` user (Debian\'s postgresql package creates it)');
  return { uid: Number(result.stdout), gid: Number(gid.stdout) };
}

/** `command args` as the unprivileged postgres user when we are root, else as ourselves. */
function unprivileged(command, args) {
  return asRoot ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--clear-groups', '--', command, ...args]] : [command, args];
}

/**
 * Starts PostgreSQL in a temporary folder on a loopback port, with a user `portclaims` whose
 * password is `password` (password authentication over TCP) and a database `portclaims`.
 */
export async function startPostgres({ password = 'pg-secret-Zq7' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'portclaims-pg-'));
  const data = join(dir, 'data');
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${password}\n`);
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
    chownSync(passwordFile, uid, gid);
  }
  const [initdb, initArgs] = unprivileged(join(POSTGRES_BIN, 'initdb'), [
    '-D', data, '-U', 'portclaims', `--pwfile=${passwordFile}`, '--auth-host=scram-sha-256', '--auth-local=trust',
    '-E', 'UTF8', '--locale=C', '--no-sync',
  ]);
  const init = spawnSync(initdb, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(init.stderr || init.stdout || String(init.error)).trim().split('\n').pop()}`);
  }
  const port = await freePort();
  const [postgres, args] = unprivileged(join(POSTGRES_BIN, 'postgres'), [
    '-D', data, '-p', String(port), '-k', dir,
    '-c', 'listen_addresses=127.0.0.1',
    // A test database: durability is not what is tested.
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    '-c', 'max_connections=200',
  ]);
  const server = {
    dir,
    port,
    user: 'portclaims',
    password,
    database: 'portclaims',
    /** A connection URL without the password (give it through PGPASSWORD) or with it. */
    url: ({ withPassword = false, store } = {}) =>
      `postgres://portclaims${withPassword ? `:${encodeURIComponent(password)}` : ''}@127.0.0.1:${port}/portclaims${store ? `?store=${encodeURIComponent(store)}` : ''}`,
    process: null,
    async start() {
      server.process = launch(postgres, args);
      await until('PostgreSQL accepting connections', () => ready(), 30_000).catch((error) => {
        throw new Error(`${error.message}: ${server.process.tail().trim().split('\n').pop() ?? ''}`);
      });
    },
    /** A fast shutdown (SIGINT): sessions are cut, nothing committed is lost. */
    stop: () => stopProcess(server.process, 'SIGINT', 10_000),
    running: () => server.process && server.process.child.exitCode === null && server.process.child.signalCode === null,
    async remove() {
      await stopProcess(server.process, 'SIGINT', 10_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const ready = () => {
    const [isready, readyArgs] = unprivileged(join(POSTGRES_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-d', 'postgres', '-U', 'portclaims', '-q']);
    return spawnSync(isready, readyArgs).status === 0;
  };
  await server.start();
  const [psql, psqlArgs] = unprivileged(join(POSTGRES_BIN, 'psql'), ['-h', dir, '-p', String(port), '-U', 'portclaims', '-d', 'postgres', '-qc', 'CREATE DATABASE portclaims']);
  const created = spawnSync(psql, psqlArgs, { encoding: 'utf8' });
  if (created.status !== 0) {
    await server.remove();
    throw new Error(`cannot create the test database: ${created.stderr.trim()}`);
  }
  return server;
}
