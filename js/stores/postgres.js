// Reservations in PostgreSQL (13 or later), in the tables of postgres-schema.js, rows of one store
// told apart by its name (`?store=NAME`, default "default"), so several stores can share a
// database. Credentials come from the URL or libpq's environment (PGHOST, PGPORT, PGUSER,
// PGPASSWORD, PGDATABASE, PGSSLMODE…; ~/.pgpass).
//
// A snapshot is what PostgreSQL's MVCC says it is: the transactions visible to one statement
// (`pg_current_snapshot()`), plus this store's own commits since. A commit refuses a change only
// when a scope it changes was written by anyone else since that snapshot; a port held twice is
// refused by the table's unique constraint. A load asks, in one indexed query, which scopes were
// written by a transaction the snapshot does not know, and re-reads only those.
import { applyToScope, byScope, lazySnapshot, ScopeCache } from './cache.js';
import { Connection, importClient } from './client.js';
import { reasonOf, storeError } from './errors.js';
import { DEFAULT_TIMEOUT_MS, parseStoreLocation, StoreLocationError } from './location.js';
import { protocolsOf } from './protocols.js';
import { SCHEMA } from './postgres-schema.js';

// SQLSTATEs that mean "someone else got there first": decide again.
const REFUSED = new Set(['40001', '40P01', '23505', '55P03']);
// SQLSTATEs that mean the tables (or the commit function) are not there yet.
const MISSING = new Set(['42P01', '42883']);
const LABELS_KEPT = 64;

const READ_ALL = `
SELECT pg_current_snapshot()::text AS snapshot, NULL::text AS scope, NULL::text AS claim, NULL::text AS "group", NULL::text AS protocol, NULL::integer AS port
UNION ALL
SELECT NULL, scope, claim, "group", protocol, port FROM portclaims_reservations WHERE store = $1`;

const READ_CHANGED = `
WITH changed AS MATERIALIZED (
  SELECT scope FROM portclaims_scopes
  WHERE store = $1 AND writer >= pg_snapshot_xmin($2::pg_snapshot)
    AND NOT pg_visible_in_snapshot(writer, $2::pg_snapshot) AND NOT (writer = ANY ($3::xid8[]))
)
SELECT pg_current_snapshot()::text AS snapshot, NULL::text AS scope, NULL::text AS claim, NULL::text AS "group", NULL::text AS protocol, NULL::integer AS port
UNION ALL
SELECT NULL, scope, NULL, NULL, NULL, NULL FROM changed
UNION ALL
-- Scope by scope through the primary key (OFFSET 0 keeps the planner from turning this into one
-- scan of the store's rows, which it may prefer while the table has no statistics).
SELECT NULL, r.scope, r.claim, r."group", r.protocol, r.port
FROM changed c CROSS JOIN LATERAL (
  SELECT scope, claim, "group", protocol, port FROM portclaims_reservations WHERE store = $1 AND scope = c.scope OFFSET 0
) r`;

// Unnamed statements: PostgreSQL plans each with its values and the table's size now. A named
// (prepared) statement keeps a plan made when the tables were small, and a scan that was the
// cheapest over ten rows stays the plan over ten thousand.
const COMMIT = `SELECT portclaims_commit($1, $2::pg_snapshot, $3::xid8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::integer[]) AS writer`;

export class PostgresStore {
  #display;
  #config;
  #name;
  #timeout;
  #protocolOf;
  #secrets;
  #connection = new Connection(() => this.#open());
  #cache = new ScopeCache();
  /** What the cache reflects: the transactions visible in `snapshot`, and `own` commits since. */
  #snapshot = null;
  #own = [];
  #label = null;
  #labels = new Map();
  #labelCount = 0;

  /**
   * @param {string} url `postgres://[user[:password]@]host[:5432]/database[?store=NAME&timeout=10s]`
   * @param {object} [options] `groups` (the render's port groups, for each group's protocol),
   *   `store` (the store's name), `timeout` (ms), `password`, `ssl` (as the `pg` client takes it)
   */
  constructor(url, options = {}) {
    const location = parseStoreLocation(url);
    if (location.kind !== 'postgres') throw new StoreLocationError(`${location.display}: not a PostgreSQL URL (postgres://user@host:5432/database)`);
    const env = options.env ?? process.env;
    this.#display = location.display;
    this.#name = options.store ?? location.name;
    this.#timeout = options.timeout ?? location.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#protocolOf = protocolsOf(options.groups);
    const password = options.password ?? location.password;
    this.#secrets = [password, env.PGPASSWORD].filter(Boolean);
    this.#config = {
      connectionString: location.connectionString,
      ...(options.password !== undefined ? { password: options.password } : {}),
      ...(options.ssl !== undefined ? { ssl: options.ssl } : {}),
      application_name: 'portclaims',
      connectionTimeoutMillis: this.#timeout,
      query_timeout: this.#timeout,
      statement_timeout: this.#timeout,
      // A lock held by a stuck writer: give up (and decide again) well before the timeout.
      lock_timeout: Math.max(1, Math.floor(this.#timeout / 2)),
      keepAlive: true,
    };
  }

  /** The store's URL without its password, as messages name it. */
  get name() {
    return this.#display;
  }

  async load() {
    await this.#query('cannot read the reservations', async (client) => {
      if (this.#snapshot === null) {
        const { rows } = await client.query({ text: READ_ALL, values: [this.#name] });
        this.#cache.clear();
        const byScope = new Map();
        let snapshot = null;
        for (const row of rows) {
          if (row.snapshot !== null) snapshot = row.snapshot;
          else push(byScope, row.scope, row);
        }
        for (const [scope, records] of byScope) this.#cache.set(scope, records);
        this.#moveTo(snapshot, true);
        return;
      }
      const { rows } = await client.query({ text: READ_CHANGED, values: [this.#name, this.#snapshot, this.#own] });
      let snapshot = null;
      const changed = new Map();
      for (const row of rows) {
        if (row.snapshot !== null) snapshot = row.snapshot;
        else if (row.claim === null) changed.set(row.scope, changed.get(row.scope) ?? []);
        else push(changed, row.scope, row);
      }
      for (const [scope, records] of changed) this.#cache.set(scope, records);
      this.#moveTo(snapshot, changed.size > 0);
    });
    return lazySnapshot(this.#label, this.#cache);
  }

  /** Every reservation, sorted by scope, then claim. */
  async reservations() {
    await this.load();
    return this.#cache.sorted();
  }

  async commit(change) {
    const base = this.#labels.get(change.baseRevision);
    if (!base) return false;
    const scopes = byScope(change);
    const args = { deleteScopes: [], deleteClaims: [], putScopes: [], putClaims: [], putGroups: [], putProtocols: [], putPorts: [] };
    for (const r of change.delete ?? []) {
      args.deleteScopes.push(r.scope);
      args.deleteClaims.push(r.claim);
    }
    for (const r of change.put ?? []) {
      args.putScopes.push(r.scope);
      args.putClaims.push(r.claim);
      args.putGroups.push(r.group);
      args.putProtocols.push(this.#protocolOf(r.group));
      args.putPorts.push(r.port);
    }
    const values = [
      this.#name, base.snapshot, base.own, [...scopes.keys()],
      args.deleteScopes, args.deleteClaims, args.putScopes, args.putClaims, args.putGroups, args.putProtocols, args.putPorts,
    ];
    let writer;
    try {
      writer = await this.#query('cannot commit', async (client) => (await client.query({ text: COMMIT, values })).rows[0].writer, {
        refusable: true,
      });
    } catch (error) {
      if (error.refused) return false;
      throw error;
    }
    for (const [scope, { deletes, puts }] of scopes) {
      this.#cache.set(scope, applyToScope(this.#cache.get(scope)?.claims, deletes, puts, this.#protocolOf).claims.values());
    }
    this.#own = [...this.#own, writer];
    const onBase = change.baseRevision === this.#label;
    this.#label = this.#register({ snapshot: this.#snapshot, own: this.#own });
    // The new revision when the render's snapshot was the cache's: the engine's index with this
    // change applied is then what the label describes. A later load tells whether anyone else
    // wrote since.
    return onBase ? this.#label : true;
  }

  /** Creates the tables (and the commit function) if they are missing. */
  async init() {
    await this.#query('cannot create the tables', (client) => this.#createSchema(client));
  }

  async close() {
    await this.#connection.drop()?.end().catch(() => {});
  }

  /** The cache now reflects `snapshot` (and no own commits): a new label if its content changed. */
  #moveTo(snapshot, changed) {
    this.#snapshot = snapshot;
    this.#own = [];
    if (changed || this.#label === null) {
      this.#label = this.#register({ snapshot, own: [] });
    } else {
      // The same state, described by a newer snapshot: the label stays (the engine keeps its
      // index), and later checks start from the newer snapshot with no own commits to list.
      this.#labels.set(this.#label, { snapshot, own: [] });
    }
  }

  #register(entry) {
    const label = `${++this.#labelCount}`;
    this.#labels.set(label, entry);
    if (this.#labels.size > LABELS_KEPT) this.#labels.delete(this.#labels.keys().next().value);
    return label;
  }

  async #createSchema(client) {
    await client.query('BEGIN');
    try {
      // Two first users at once must not both create the tables.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('portclaims schema'))");
      await client.query(SCHEMA);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  async #open() {
    const pg = await importClient('pg', this.#display);
    const client = new pg.Client(this.#config);
    // A connection lost between queries: forget it, the next operation connects again.
    client.on('error', () => this.#connection.drop(client));
    await client.connect();
    return client;
  }

  /** Runs `work(client)`, creating the tables on first use and making failures one-line errors. */
  async #query(doing, work, { refusable = false } = {}) {
    for (let attempt = 0; ; attempt++) {
      let client;
      try {
        client = await this.#connection.get();
        return await work(client);
      } catch (error) {
        if (error?.kind === 'store') throw error;
        if (MISSING.has(error?.code) && attempt === 0 && client) {
          try {
            await this.#createSchema(client);
          } catch (creating) {
            throw storeError(this.#display, `cannot create the tables on first use: ${explain(creating)} (run \`portclaims store init\` as a user who may)`, {
              secrets: this.#secrets,
            });
          }
          continue;
        }
        if (refusable && REFUSED.has(error?.code)) throw Object.assign(new Error('refused'), { refused: true });
        const lost = !error?.code || /^(08|57P)/.test(error.code);
        if (lost) {
          // The connection is gone or unusable: the next operation opens a new one.
          this.#connection.drop()?.end().catch(() => {});
          // A commit whose answer was lost may or may not have happened: the next load tells.
          if (refusable && client) throw Object.assign(new Error('unknown outcome'), { refused: true });
        }
        throw storeError(this.#display, `${doing}: ${explain(error)}`, { secrets: this.#secrets });
      }
    }
  }
}

function push(map, key, value) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function explain(error) {
  const reason = reasonOf(error);
  if (error?.code === 'ECONNREFUSED') return `cannot reach the server (connection refused at ${error.address}:${error.port})`;
  if (/timeout|timed out/i.test(reason)) return `no answer in time (${reason})`;
  if (error?.code === '28P01') return 'authentication failed: the user name or password is wrong';
  if (error?.code === '57P01' || error?.code === '57P03') return `the server is shutting down or starting (${reason})`;
  if (error?.code === 'ECONNRESET' || error?.code === 'EPIPE' || /Connection terminated/i.test(reason)) return `the server closed the connection (${reason})`;
  return reason;
}
