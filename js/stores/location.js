// Where a store lives, as a user names it: a path (the lock file) or a URL —
//   etcd://[user[:password]@]host:2379[,host2:2379…][/name][?timeout=10s]   (etcds:// for TLS)
//   postgres://[user[:password]@]host[:5432]/database[?store=name&timeout=10s&…]
// — and how to show it without its password.

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const DEFAULT_STORE_NAME = 'default';
export const DEFAULT_TIMEOUT_MS = 10_000;

export class StoreLocationError extends Error {
  constructor(message) {
    super(message);
    this.kind = 'store';
  }
}

/** Whether `text` names a store by URL (else it is a lock file's path). */
export const isStoreUrl = (text) => SCHEME.test(text);

/**
 * `text` without the secrets it may hold: the password of `user:password@` and the value of a
 * `password=` parameter become `***`. Safe on any text (messages quoting a URL included).
 */
export function redact(text) {
  return String(text)
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:)[^@/\s]*@/gi, '$1***@')
    .replace(/([?&;\s](?:password|pass|pwd)=)[^&\s]*/gi, '$1***');
}

/**
 * Reads a store location. Paths come back as `{ kind: 'lock', path }`; URLs as
 * `{ kind: 'etcd' | 'postgres', display, name, timeoutMs, … }` with their credentials apart.
 */
export function parseStoreLocation(text) {
  if (typeof text !== 'string' || text === '') throw new StoreLocationError('the store must be a lock file path or a URL (etcd://…, postgres://…)');
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'lock', path: text, display: text };
  if (scheme === 'etcd' || scheme === 'etcds') return parseEtcd(text, scheme === 'etcds');
  if (scheme === 'postgres' || scheme === 'postgresql') return parsePostgres(text);
  throw new StoreLocationError(`${redact(text)}: unknown kind of store "${scheme}://"; use etcd://host:2379/name, postgres://user@host:5432/database or a lock file path`);
}

function decode(part, display, what) {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new StoreLocationError(`${display}: the ${what} is not valid percent-encoding`);
  }
}

function parseTimeout(value, display) {
  if (value == null) return DEFAULT_TIMEOUT_MS;
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(value);
  const ms = match ? Number(match[1]) * (match[2] === 's' ? 1000 : 1) : NaN;
  if (!(ms >= 1 && ms <= 600_000)) {
    throw new StoreLocationError(`${display}: timeout must be a duration from 1ms to 600s such as 10s or 500ms, got ${JSON.stringify(value)}`);
  }
  return ms;
}

function parseEtcd(text, tls) {
  const display = redact(text);
  const match = /^etcds?:\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/i.exec(text);
  if (!match) throw new StoreLocationError(`${display}: not an etcd URL; write etcd://host:2379,host2:2379/name`);
  const [, userinfo, hostList, path = '', query = ''] = match;
  const endpoints = hostList.split(',').map((h) => h.trim()).filter(Boolean);
  if (endpoints.length === 0) throw new StoreLocationError(`${display}: names no etcd member; write etcd://host:2379,host2:2379/name`);
  for (const endpoint of endpoints) {
    if (!/^(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/i.test(endpoint)) {
      throw new StoreLocationError(`${display}: member ${JSON.stringify(endpoint)} must be host:port, e.g. 127.0.0.1:2379`);
    }
  }
  let username;
  let password;
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    username = decode(colon < 0 ? userinfo : userinfo.slice(0, colon), display, 'user name');
    password = colon < 0 ? undefined : decode(userinfo.slice(colon + 1), display, 'password');
  }
  const name = path.replace(/^\/+|\/+$/g, '') || DEFAULT_STORE_NAME;
  if (!NAME.test(name)) {
    throw new StoreLocationError(`${display}: the store name ${JSON.stringify(name)} must be letters, digits, '.', '_' or '-' (it becomes the key prefix /portclaims/${name}/)`);
  }
  const params = new URLSearchParams(query);
  for (const key of params.keys()) {
    if (key !== 'timeout') throw new StoreLocationError(`${display}: unknown parameter ${JSON.stringify(key)}; an etcd store URL takes timeout (e.g. ?timeout=10s)`);
  }
  return { kind: 'etcd', display, endpoints, tls, username, password, name, timeoutMs: parseTimeout(params.get('timeout'), display) };
}

function parsePostgres(text) {
  const display = redact(text);
  const queryAt = text.indexOf('?');
  const params = new URLSearchParams(queryAt < 0 ? '' : text.slice(queryAt + 1));
  const name = params.get('store') ?? DEFAULT_STORE_NAME;
  if (name === '') throw new StoreLocationError(`${display}: store= needs a name`);
  const timeoutMs = parseTimeout(params.get('timeout'), display);
  // What is ours leaves the URL; the rest (sslmode, application_name…) is the driver's.
  params.delete('store');
  params.delete('timeout');
  const rest = params.toString();
  const connectionString = (queryAt < 0 ? text : text.slice(0, queryAt)) + (rest ? `?${rest}` : '');
  let password;
  const userinfo = /^[a-z]+:\/\/([^@/?#]*)@/i.exec(text)?.[1];
  if (userinfo?.includes(':')) password = decode(userinfo.slice(userinfo.indexOf(':') + 1), display, 'password');
  return { kind: 'postgres', display, connectionString, password: password ?? params.get('password') ?? undefined, name, timeoutMs };
}
