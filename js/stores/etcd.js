// Reservations in etcd (v3 API, a cluster of any size), under the key prefix /portclaims/<name>/:
//
//   /portclaims/<name>/revision             written by every commit; its mod revision is the
//                                           store's revision (one small read tells a load
//                                           whether anything changed)
//   /portclaims/<name>/scopes/<scope>       one key per scope (the scope percent-encoded):
//                                           {"claims":[{"claim","group","protocol","port"},…]}
//   /portclaims/<name>/ports/<proto>/<port> one key per held port (tcp|udp, 5 digits):
//                                           {"scope","claim"}, its holder
//
// A commit is one transaction. It compares only the keys the render depends on: each scope it
// changes must be as the render saw it (mod revision unchanged), and each port it takes must have
// no key. Renders of different scopes therefore never refuse each other unless they take the
// same port; a port key can exist once, so etcd itself makes a port held twice impossible.
// Scope keys are never deleted (an emptied scope keeps `{"claims":[]}`): a load finds what
// changed since its last read by the scope keys' mod revisions.
import { compareCodePoints } from '../store.js';
import { applyToScope, byScope, lazySnapshot, ScopeCache } from './cache.js';
import { Connection, importClient } from './client.js';
import { reasonOf, storeError } from './errors.js';
import { DEFAULT_STORE_NAME, DEFAULT_TIMEOUT_MS, parseStoreLocation, StoreLocationError } from './location.js';
import { protocolsOf } from './protocols.js';

const PAGE = 1000;
const LAYOUT = '{"layout":1}';

export class EtcdStore {
  #display;
  #endpoints;
  #tls;
  #auth;
  #credentials;
  #timeout;
  #prefix;
  #protocolOf;
  #connection = new Connection(() => this.#open());
  #secrets;
  /** The cache and the store revision (marker mod revision, a BigInt) it reflects. */
  #cache = new ScopeCache();
  #revision = null;

  /**
   * @param {string} url `etcd://[user[:password]@]host:2379[,host:2379…][/name][?timeout=10s]`
   *   (`etcds://` for TLS)
   * @param {object} [options] `groups` (the render's port groups, for each group's protocol),
   *   `name`, `timeout` (ms), `auth: { username, password }`, `tls: { ca, cert, key }` (PEM
   *   buffers); the environment's ETCDCTL_USER, ETCDCTL_PASSWORD, ETCDCTL_CACERT, ETCDCTL_CERT
   *   and ETCDCTL_KEY fill what the URL and options leave out.
   */
  constructor(url, options = {}) {
    const location = parseStoreLocation(url);
    if (location.kind !== 'etcd') throw new StoreLocationError(`${location.display}: not an etcd URL (etcd://host:2379/name)`);
    const env = options.env ?? process.env;
    this.#display = location.display;
    this.#endpoints = location.endpoints;
    this.#timeout = options.timeout ?? location.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const name = options.name ?? location.name ?? DEFAULT_STORE_NAME;
    this.#prefix = `/portclaims/${name}/`;
    this.#protocolOf = protocolsOf(options.groups);
    let username = options.auth?.username ?? location.username;
    let password = options.auth?.password ?? location.password;
    if (username === undefined && env.ETCDCTL_USER) {
      // etcdctl's own spelling: "user" or "user:password".
      const colon = env.ETCDCTL_USER.indexOf(':');
      username = colon < 0 ? env.ETCDCTL_USER : env.ETCDCTL_USER.slice(0, colon);
      if (colon >= 0) password ??= env.ETCDCTL_USER.slice(colon + 1);
    }
    if (username !== undefined) password ??= env.ETCDCTL_PASSWORD;
    this.#auth = username !== undefined ? { username, password: password ?? '' } : undefined;
    this.#secrets = [password].filter(Boolean);
    const tls = options.tls ?? {};
    this.#tls = location.tls || Boolean(tls.ca || env.ETCDCTL_CACERT);
    this.#credentials = { ca: tls.ca, cert: tls.cert, key: tls.key, caFile: env.ETCDCTL_CACERT, certFile: env.ETCDCTL_CERT, keyFile: env.ETCDCTL_KEY };
  }

  /** The store's URL without its password, as messages name it. */
  get name() {
    return this.#display;
  }

  async load() {
    await this.#run('cannot read the reservations', async (kv) => {
      if (this.#revision !== null) {
        const marker = await kv.range({ key: this.#key('revision') });
        if (modOf(marker.kvs[0]) === this.#revision) return;
      }
      await this.#refresh(kv);
    });
    return lazySnapshot(String(this.#revision), this.#cache);
  }

  /** Every reservation, sorted by scope, then claim. */
  async reservations() {
    await this.load();
    return this.#cache.sorted();
  }

  async commit(change) {
    const base = toRevision(change.baseRevision);
    if (base === null || this.#revision === null) return false;
    const compares = [];
    const success = [];
    const written = new Map();
    const taken = new Map();
    const freed = new Set();
    for (const [scope, { deletes, puts }] of byScope(change)) {
      const known = this.#cache.get(scope);
      const mod = known?.version ?? 0n;
      // The scope changed after the snapshot the render decided on: decide again.
      if (mod > base) return false;
      compares.push({ key: this.#scopeKey(scope), target: 'Mod', result: 'Equal', mod_revision: String(mod) });
      const after = applyToScope(known?.claims, deletes, puts, this.#protocolOf);
      for (const old of after.freed) freed.add(portKey(old.protocol, old.port));
      for (const p of puts) {
        const record = after.claims.get(p.claim);
        const key = portKey(record.protocol, record.port);
        if (taken.has(key)) throw storeError(this.#display, `the change holds ${record.protocol.toUpperCase()} port ${record.port} twice`);
        taken.set(key, { scope, claim: p.claim });
      }
      written.set(scope, after.claims);
      success.push({ request_put: { key: this.#scopeKey(scope), value: Buffer.from(scopeValue(after.claims)) } });
    }
    for (const [key, holder] of taken) {
      // A port this change frees may be taken again in it; any other must have no key.
      if (!freed.has(key)) compares.push({ key: this.#key(key), target: 'Version', result: 'Equal', version: '0' });
      success.push({ request_put: { key: this.#key(key), value: Buffer.from(JSON.stringify(holder)) } });
    }
    for (const key of freed) if (!taken.has(key)) success.push({ request_delete_range: { key: this.#key(key) } });
    success.push({ request_put: { key: this.#key('revision'), value: Buffer.from(LAYOUT), prev_kv: true } });

    let response;
    try {
      response = await this.#run('cannot commit', (kv) => kv.txn({ compare: compares, success, failure: [] }), { rethrowRecoverable: true });
    } catch (error) {
      if (error.recoverable) return false; // unknown outcome: the next load tells what happened
      throw error;
    }
    if (!response.succeeded) return false;
    const revision = BigInt(response.header.revision);
    const previous = modOf(response.responses.at(-1)?.response_put?.prev_kv);
    if (previous !== this.#revision) return true; // others committed too: the next load reads what
    for (const [scope, claims] of written) this.#cache.set(scope, claims.values(), revision);
    this.#revision = revision;
    // The new revision only when nothing but this change happened since the render's snapshot:
    // then the engine's index, with this change applied, is the store.
    return previous === base ? String(revision) : true;
  }

  /** Checks that the cluster answers (etcd needs no tables: keys appear as they are written). */
  async init() {
    await this.load();
  }

  async close() {
    this.#connection.drop()?.close();
  }

  #key(suffix) {
    return Buffer.from(this.#prefix + suffix);
  }

  #scopeKey(scope) {
    return this.#key(`scopes/${encodeURIComponent(scope)}`);
  }

  /** Reads what changed since the cache's revision (everything the first time), at one revision. */
  async #refresh(kv) {
    const since = this.#revision;
    const scopesFrom = this.#key('scopes/');
    const scopesEnd = this.#key('scopes0'); // '0' follows '/'
    const page = (key, revision) => ({
      key,
      range_end: scopesEnd,
      limit: PAGE,
      ...(since !== null ? { min_mod_revision: String(since + 1n) } : {}),
      ...(revision ? { revision } : {}),
    });
    // The marker and the first page in one transaction: the same revision for both.
    const first = await kv.txn({
      compare: [],
      success: [{ request_range: { key: this.#key('revision') } }, { request_range: page(scopesFrom) }],
      failure: [],
    });
    const at = first.header.revision;
    const marker = modOf(first.responses[0].response_range.kvs[0]);
    const changed = [...first.responses[1].response_range.kvs];
    let more = first.responses[1].response_range.more;
    while (more) {
      const next = Buffer.concat([changed.at(-1).key, Buffer.from([0])]);
      let response;
      try {
        response = await kv.range(page(next, at));
      } catch (error) {
        // The revision being read was compacted away between two pages: read everything again.
        if (!/compacted/.test(error?.message)) throw error;
        this.#revision = null;
        return this.#refresh(kv);
      }
      changed.push(...response.kvs);
      more = response.more;
    }
    if (since === null) this.#cache.clear();
    const prefixLength = scopesFrom.length;
    for (const entry of changed) {
      const scope = decodeURIComponent(entry.key.subarray(prefixLength).toString());
      this.#cache.set(scope, this.#parseScope(scope, entry.value), BigInt(entry.mod_revision));
    }
    this.#revision = marker;
  }

  #parseScope(scope, value) {
    let claims;
    try {
      claims = JSON.parse(value.toString()).claims;
    } catch {
      claims = undefined;
    }
    const valid =
      Array.isArray(claims) &&
      claims.every((c) => c && typeof c.claim === 'string' && typeof c.group === 'string' && Number.isInteger(c.port) && (c.protocol === 'tcp' || c.protocol === 'udp'));
    if (!valid) throw storeError(this.#display, `key ${this.#prefix}scopes/${encodeURIComponent(scope)} is not a portclaims scope ({"claims":[{"claim","group","protocol","port"}]})`);
    return claims;
  }

  async #open() {
    const etcd3 = await importClient('etcd3', this.#display);
    const credentials = await this.#readCredentials();
    const timeout = this.#timeout;
    return new etcd3.Etcd3({
      hosts: this.#endpoints.map((e) => `${this.#tls ? 'https' : 'http'}://${e}`),
      auth: this.#auth,
      credentials,
      dialTimeout: timeout,
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeout }),
      // A dead member or an election in progress: try the others, backing off, within the
      // store's timeout; the first failure of any other kind is final.
      faultHandling: { global: retryWithin(timeout, etcd3.isRecoverableError) },
      grpcOptions: { 'grpc.max_receive_message_length': -1 },
    });
  }

  async #readCredentials() {
    const { ca, cert, key, caFile, certFile, keyFile } = this.#credentials;
    if (!this.#tls) return undefined;
    const { readFile } = await import('node:fs/promises');
    const read = async (buffer, file, what) => {
      if (buffer) return buffer;
      if (!file) return undefined;
      try {
        return await readFile(file);
      } catch (error) {
        throw storeError(this.#display, `cannot read the ${what} ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
      }
    };
    const rootCertificate = await read(ca, caFile, 'CA certificate (ETCDCTL_CACERT)');
    const certChain = await read(cert, certFile, 'client certificate (ETCDCTL_CERT)');
    const privateKey = await read(key, keyFile, 'client key (ETCDCTL_KEY)');
    return rootCertificate || certChain ? { rootCertificate: rootCertificate ?? null, certChain, privateKey } : undefined;
  }

  /** Runs `work(kv)`, turning the client's failures into one-line store errors. */
  async #run(doing, work, { rethrowRecoverable = false } = {}) {
    try {
      const client = await this.#connection.get();
      return await work(client.kv);
    } catch (error) {
      if (error?.kind === 'store') throw error;
      const recoverable = isRecoverable(error);
      const reason = explain(error);
      throw storeError(this.#display, `${doing}: ${reason}`, { secrets: this.#secrets, recoverable: rethrowRecoverable && recoverable });
    }
  }
}

function isRecoverable(error) {
  // The client marks network and server-side transient failures with this symbol.
  return Object.getOwnPropertySymbols(error ?? {}).some((s) => s.description === 'RecoverableError') || /Unavailable|DeadlineExceeded|BrokenCircuit/.test(error?.constructor?.name ?? '');
}

function explain(error) {
  const reason = reasonOf(error);
  if (/too many operations in txn request/.test(reason)) {
    return `${reason} (a render's reservations exceed the cluster's --max-txn-ops; raise it, or split the claims)`;
  }
  if (/BrokenCircuit|Execution prevented because the circuit breaker is open/i.test(`${error?.constructor?.name} ${reason}`)) {
    return 'no member of the cluster answers (all were failing just now)';
  }
  if (/deadline exceeded/i.test(reason)) return `no answer in time (${reason})`;
  if (/No connection established|ECONNREFUSED|connect E/i.test(reason)) return `cannot reach the cluster (${reason})`;
  if (/authentication failed|invalid user ID or password/i.test(reason)) return 'authentication failed: the user name or password is wrong';
  return reason;
}

/** A retry policy for the etcd client: retries recoverable failures with backoff for `ms` at most. */
function retryWithin(ms, isRecoverableError) {
  return {
    async execute(fn) {
      const started = Date.now();
      for (let attempt = 0; ; attempt++) {
        try {
          return await fn({ attempt });
        } catch (error) {
          const delay = Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2);
          if (!isRecoverableError(error) || Date.now() - started + delay >= ms) throw error;
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    },
  };
}

const portKey = (protocol, port) => `ports/${protocol}/${String(port).padStart(5, '0')}`;

function scopeValue(claims) {
  const list = [...claims.values()]
    .sort((a, b) => compareCodePoints(a.claim, b.claim))
    .map((r) => ({ claim: r.claim, group: r.group, protocol: r.protocol, port: r.port }));
  return JSON.stringify({ claims: list });
}

function modOf(kv) {
  return kv ? BigInt(kv.mod_revision) : 0n;
}

function toRevision(value) {
  try {
    return typeof value === 'string' && /^\d+$/.test(value) ? BigInt(value) : null;
  } catch {
    return null;
  }
}
