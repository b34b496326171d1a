// Types of the portclaims JS API (Node and browser entries share them).

export type Revision = string | number;

export interface Reservation {
  scope: string;
  claim: string;
  group: string;
  port: number;
}

export interface Snapshot {
  revision: Revision;
  reservations: Reservation[];
}

export interface Change {
  baseRevision: Revision;
  put: Reservation[];
  delete: Reservation[];
}

/**
 * The host's storage for reservations. `commit` returns false when `baseRevision` is no longer
 * the store's revision; the engine then reloads and decides again, after a short random pause.
 * Returning the new revision instead of `true` lets the engine keep its index of the reservations
 * between renders. `renderSync` needs `load` and `commit` to return plain values: it refuses,
 * before calling it, a `commit` that is an `async` function or that answered with a promise
 * before, and a `load` that answers with a promise. Any other `commit` that answers with a
 * promise has been called by the time renderSync knows: it fails with an error of kind `store`
 * whose `commitUnknown` is true, and the change may have been stored.
 */
export interface ReservationStore {
  load(): Snapshot | Promise<Snapshot>;
  commit(change: Change): boolean | Revision | Promise<boolean | Revision>;
}

/** One entry of `.kublade/ports.json`. */
export interface ClaimDeclaration {
  group: string;
  claim: string;
  preferred_port?: number | null;
  random?: boolean;
}

export interface GroupConfig {
  ranges?: Array<string | number>;
  exclude?: Array<string | number>;
  protocol?: 'tcp' | 'udp';
}

/** Groups by name, or `'kublade'`: every group draws from 49152–65535, as Kublade does. */
export type Groups = Record<string, GroupConfig> | 'kublade';

export interface Limits {
  fuel?: number;
  maxOutputBytes?: number;
  maxNesting?: number;
}

export interface TemplateOptions {
  /** `blade` (default) or plain minijinja syntax over the same variables. */
  dialect?: 'blade' | 'jinja';
  /** `html` (default, as Laravel's `e()`) or `none`. */
  escape?: 'html' | 'none';
  /** `blade` (default) keeps a directive line's indentation as Blade does; `smart` drops the whole line. */
  whitespace?: 'blade' | 'smart';
  /** The template's name in messages, e.g. its path. */
  name?: string;
  limits?: Limits;
}

/**
 * The variables a template sees, as JSON sees them (a `Date` becomes its string, functions
 * vanish). Only what the template can read crosses into the engine: `$data['name']` sends
 * `data.name` and nothing else of `data`.
 */
export interface TemplateVariables {
  namespace?: string;
  data?: Record<string, unknown>;
  secret?: Record<string, unknown>;
  portClaims?: Record<string, number>;
  limits?: Record<string, unknown>;
  paused?: boolean;
  [name: string]: unknown;
}

/** What `decide` needs: a render's options without the template and its values. */
export interface DecideOptions {
  /** The claims, as in `.kublade/ports.json`. */
  claims?: ClaimDeclaration[];
  /** The deployment the reservations belong to (default `default`). */
  scope?: string;
  store?: ReservationStore;
  groups?: Groups;
  /** Makes the port draw repeatable. */
  seed?: number | string | bigint;
  /** Decide and render, but commit nothing. */
  dryRun?: boolean;
  /**
   * How long `render()` waits for each `store.load()` and `store.commit()`, in ms (default
   * 60,000; `Infinity` waits forever). Past it the render fails with an error of kind `store`
   * naming the call; a commit that timed out is not taken as done (it may or may not have been
   * stored: render again to see). `renderSync` has nothing to wait for.
   */
  storeTimeoutMs?: number;
}

export interface RenderOptions extends TemplateOptions, DecideOptions {
  template: string;
  values?: TemplateVariables;
}

export interface Position {
  line: number;
  column: number;
}

export interface Diagnostic {
  severity: 'error' | 'warning' | 'info';
  message: string;
  file?: string;
  claim?: string;
  /** The field of the claims it is about, when it is one (`[0].group`). */
  field?: string;
  range?: { start: Position; end: Position };
  /** What to do about it, when there is something obvious. */
  hint?: string;
  /** Which of Kublade's traps it is (see `check`). */
  trap?: string;
}

/** The ports decided (and, unless a dry run, reserved), without a render. */
export interface DecideResult {
  /** Claim name → port, in declaration order. */
  claims: Record<string, number>;
  allocated: Reservation[];
  released: Reservation[];
  diagnostics: Diagnostic[];
}

export interface RenderResult extends DecideResult {
  output: string;
}

export interface ReleaseOptions {
  scope?: string;
  /** Release one claim; without it the whole scope is released. */
  claim?: string;
  /** Prune: release the scope's claims that these declarations no longer contain. */
  claims?: ClaimDeclaration[];
  store?: ReservationStore;
  groups?: Groups;
  /** As for `render`. */
  storeTimeoutMs?: number;
}

export interface ReleaseResult {
  released: Reservation[];
}

export interface CompiledTemplate {
  /** Renders with the given variables (`portClaims` among them); allocates nothing. */
  render(variables?: TemplateVariables): string;
  /** `render` with the variables as JSON text, which may hold what JS values cannot (0.0). */
  renderJson(variables: string): string;
  /**
   * The literal `$portClaims['name']` reads; `guarded` when a missing claim is no error there
   * (tested with `isset`/`empty`, or left of `??`).
   */
  claimReferences(): Array<{ name: string; range: { start: Position; end: Position }; guarded: boolean }>;
  /** The directives alone on an indented line, whose indentation Blade keeps in the output. */
  leakyDirectives(): Array<{ start: Position; end: Position }>;
  /**
   * For each line of a Blade template, the text it prints as written, cut where the render
   * computes something; `null` for a line that prints no text of its own. `null` for Jinja.
   */
  printedLines(): Array<string[] | null> | null;
  translated(): string;
  free(): void;
}

/**
 * Errors thrown by the API carry where the problem is. Options that are not an object, an
 * unknown option or limit, a store without `load()`/`commit()`: kind `config`, `field` the
 * option. A store's own failure (thrown, rejected, or a `load()` answer that is no snapshot):
 * kind `store`, field `store`, what it threw as `cause`. `internal`: the core failed (a bug of
 * portclaims, `file` the template; it was replaced by a fresh instance, so later calls work), or
 * something not an Error was thrown (the thrown value as `cause`).
 */
export interface PortclaimsError extends Error {
  kind: 'syntax' | 'undefined' | 'runtime' | 'limit' | 'sandbox' | 'config' | 'claims' | 'store' | 'values' | 'internal';
  /** A commit that answered renderSync with a promise has run: the change may be stored. */
  commitUnknown?: boolean;
  file?: string;
  field?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  sourceLine?: string;
  /** The message without its place (`file:line:column: `, the input and the field). */
  reason?: string;
  /** A claims error's input: `ports.json`, `port groups`, `reservations` or `change`. */
  source?: string;
  /**
   * A claims error's message without its input (`[2].preferred_port: must be …`), for a host
   * that names the input its own way, as the CLI names the file the user gave for `ports.json`.
   */
  detail?: string;
  /** The claim a decision failed for. */
  claim?: string;
  /** A claims error's group that had no free port for the claim. */
  group?: string;
  /** Who holds the port a claim insisted on (`"random": false`). */
  holder?: { scope: string; claim: string };
  /**
   * An `undefined` error's variable (without `$`): the one read, or the one whose `key` was
   * missing (`portClaims` for `$portClaims['web']`; absent for `$data['a']['b']`).
   */
  variable?: string;
  /** An `undefined` error's missing array key, as PHP prints it (`web`, `3`). */
  key?: string;
}

/** Node only: the package's version (the browser entry's `init()` resolves to an API that has it). */
export const version: string;
/**
 * Node only: the scope a render without `scope` reserves for (the browser entry's `init()`
 * resolves to an API that has it).
 */
export const defaultScope: string;
export function render(options: RenderOptions): Promise<RenderResult>;
export function renderSync(options: RenderOptions): RenderResult;
/**
 * Decides the claims as `render` does and reserves them (unless `dryRun`), rendering nothing:
 * for several templates rendered with one set of ports, or to learn the ports alone.
 */
export function decide(options: DecideOptions): Promise<DecideResult>;
export function decideSync(options: DecideOptions): DecideResult;
export function release(options: ReleaseOptions): Promise<ReleaseResult>;
export function releaseSync(options: ReleaseOptions): ReleaseResult;
/** Compiles a template; anything but a string is an error of kind `config` (field `template`). */
export function compile(template: string, options?: TemplateOptions): CompiledTemplate;

export interface GroupDescription {
  group: string;
  protocol: 'tcp' | 'udp';
  /** The ports a new reservation is drawn from, in words: `49152-65535`, `80-443 excluding 100`. */
  ports: string;
  /** The same as `[from, to]` pairs, sorted and merged: the ranges, and the ports excluded from them. */
  ranges: Array<[number, number]>;
  exclude: Array<[number, number]>;
  /** How many ports the group may hand out. */
  size: number;
}

/** What the port group `name` is under `groups` (the defaults without it), e.g. for an editor's hover. */
export function describeGroup(name: string, groups?: Groups): GroupDescription;
/**
 * A Kublade template folder rendered as one deployment (`renderFolder`): the variables come from
 * `fields` and `values` as Kublade resolves them, every file renders with the ports of one
 * decision, and the claims are committed once, only when every file rendered.
 */
export interface FolderOptions extends Omit<RenderOptions, 'template' | 'values' | 'name'> {
  /** Each template by its path in the folder (`/` separators); `name` is how messages show it. */
  files: Array<{ path: string; template: string; name?: string }>;
  /** The folder's folders, created in the output (with `kublade`). */
  dirs?: string[];
  /** `.kublade/fields.json`'s text. */
  fields?: string;
  /** How messages name fields.json (default `.kublade/fields.json`). */
  fieldsFile?: string;
  /**
   * The request Kublade's API receives: field values by key (JSON types kept) and `limit`
   * (`{ is_active, cpu, memory }`); `data`, `secret` and `limits` are merged into the variables,
   * `namespace` and `paused` set. Without `fields`, other keys land in `$data`.
   */
  values?: Record<string, unknown>;
  /** `$namespace` (default: the scope). */
  namespace?: string;
  /** Fields the values leave out are sent as Kublade's form pre-fills them (default true). */
  defaults?: boolean;
  /** How diagnostics about the claims name their file (default `ports.json`). */
  claimsFile?: string;
  /**
   * The files Kublade writes for the deployment: each output parsed and dumped as Symfony's YAML
   * does, `metadata.namespace` replaced, empty ones dropped, kustomization.yaml and namespace.yaml
   * (and with `netpol`, netpol.yaml) added. Errors where Kublade fails (`kind: 'kublade'`).
   */
  kublade?: boolean | { netpol?: boolean | { sourceNamespaces?: string[]; utilityNamespace?: string | null; ingressNamespace?: string | null } };
  /**
   * Called (not in a dry run) with the outputs once every file rendered, before the claims are
   * committed: what it throws (or, for renderFolder, rejects with) fails the render with nothing
   * committed. A host stages its writes here. Should another writer change the ports in between,
   * the result's files are rendered again with the committed ports and may differ.
   */
  beforeCommit?: (outputs: { files: Array<{ path: string; output: string }>; dirs?: string[]; claims: Record<string, number> }) => void | Promise<void>;
}

export interface FolderResult extends Omit<RenderResult, 'output'> {
  /** Each file's output by its path (with `kublade`: the files Kublade writes, sorted). */
  files: Array<{ path: string; output: string }>;
  /** With `kublade`: the folders Kublade creates. */
  dirs?: string[];
  /** The variables the files were rendered with (`portClaims` aside). */
  variables: TemplateVariables;
}

/**
 * Renders a folder. A failure throws the first error (`others` holds the rest); a problem with
 * the fields or values throws an error whose `problems` lists them all, each with `source`
 * (`fields` or `values`), `path`, `field`, `rule` and `message`.
 */
export function renderFolder(options: FolderOptions): Promise<FolderResult>;
export function renderFolderSync(options: FolderOptions): FolderResult;

/** What `check` looks at: one template (`template`, `name`) or several (`files`), checked together. */
export interface CheckOptions extends Omit<RenderOptions, 'template' | 'dryRun' | 'values'> {
  /** As for renderFolder: the values, fields.json's text (and `fieldsText` to place problems). */
  values?: Record<string, unknown>;
  fields?: string;
  fieldsFile?: string;
  fieldsText?: string;
  namespace?: string;
  defaults?: boolean;
  /** Also run Kublade's YAML step on every output, reporting where Kublade fails. */
  kublade?: boolean;
  template?: string;
  /** Several templates sharing the claims (a Kublade template folder); `path` names each in diagnostics. */
  files?: Array<{ path: string; template: string }>;
  /** How diagnostics about the claims name their file (default `ports.json`). */
  claimsFile?: string;
  /** The claims file's text, so that diagnostics about a claim point at its line. */
  claimsText?: string;
  /** How diagnostics about the port groups name their file (default `port groups`). */
  groupsFile?: string;
}

/**
 * Diagnostics of templates, without reserving anything (the ports are decided in a dry run; the
 * store, if given, is only loaded and must load synchronously): claims used but not declared or
 * declared but never used, directives whose indentation leaks into the output, output that is not
 * valid YAML, Kubernetes ports outside 1–65535, a nodePort/hostPort/Service port used twice, render
 * errors, fields and values Kublade refuses, and Kublade's traps (`trap`: `limits-enabled`,
 * `entities`, `directive-in-comment`, `go-template`, `second-document`). Sorted by file, then
 * position.
 */
export function check(options: CheckOptions): Diagnostic[];

export class MemoryStore implements ReservationStore {
  constructor(reservations?: Reservation[]);
  load(): Snapshot;
  commit(change: Change): false | number;
  reservations(): Reservation[];
}

export class LocalStorageStore implements ReservationStore {
  /**
   * An entry the store cannot read is moved to `${key}.unreadable` and the store starts empty;
   * `onUnreadable` hears why. A failed save throws an Error with `kind: 'store'`.
   */
  constructor(key?: string, storage?: Storage, options?: { onUnreadable?: (message: string) => void });
  load(): Snapshot;
  commit(change: Change): false | number;
  reservations(): Reservation[];
}

/**
 * Node only: reservations in a JSON file meant for git (default `portclaims.lock.json`):
 * `{ "version": 1, "reservations": [...] }`, sorted by scope then claim (by code point, as the
 * core orders them). `load()` is synchronous;
 * `commit()` takes a cross-process lock, refuses a change whose base revision is stale, and writes
 * atomically. The revision is the file's bytes (a character each). A corrupt file is reported (an Error with
 * `kind: 'store'` and `file`) and never overwritten.
 */
export class LockFileStore implements ReservationStore {
  /**
   * `stale`: ms after which a lock nobody refreshes is taken over; `timeout`: ms to wait for a
   * live holder; `onWait`: told when a commit waits for another process; `name`: the file as
   * messages name it; `groups`: the port groups renders use, under which the core judges the
   * file's reservations (each port once per protocol).
   */
  constructor(
    path?: string,
    options?: { stale?: number; timeout?: number; onWait?: (holder: { pid?: number; host?: string; since?: string } | null) => void; name?: string; groups?: Groups },
  );
  readonly path: string;
  load(): Snapshot & { revision: string };
  commit(change: Change): Promise<false | string>;
  reservations(): Reservation[];
}

/** Browser entry only: loads the WebAssembly module. */
export function init(wasm?: string | URL | Response | BufferSource): Promise<unknown>;

/** Options of the shared stores (Node only). */
export interface SharedStoreOptions {
  /** The port groups the renders use: each group's protocol decides which ports collide. */
  groups?: Groups;
  /** How long one operation may wait for the database, in ms (default 10,000; `?timeout=10s` in the URL). */
  timeout?: number;
}

/** What the shared stores (etcd, PostgreSQL) do (Node only). */
export interface SharedStore extends ReservationStore {
  /** The URL without its password. */
  readonly name: string;
  load(): Promise<Snapshot>;
  commit(change: Change): Promise<boolean | Revision>;
  reservations(): Promise<Reservation[]>;
  /** Sets the store up (PostgreSQL: creates the tables if they are missing) and checks it answers. */
  init(): Promise<void>;
  /** Closes the store's connections; a process exits only once they are closed. */
  close(): Promise<void>;
}

/**
 * Node only: reservations in etcd (v3 API), under `/portclaims/<name>/`, at
 * `etcd://[user[:password]@]host:2379[,host:2379…][/name][?timeout=10s]` (`etcds://` for TLS).
 * Needs the npm package `etcd3`.
 */
export class EtcdStore {
  constructor(
    url: string,
    options?: SharedStoreOptions & {
      name?: string;
      auth?: { username: string; password: string };
      tls?: { ca?: Uint8Array; cert?: Uint8Array; key?: Uint8Array };
    },
  );
}

/**
 * Node only: reservations in PostgreSQL (13 or later), at
 * `postgres://[user[:password]@]host[:5432]/database[?store=NAME&timeout=10s]`. Needs the npm
 * package `pg`.
 */
export class PostgresStore {
  constructor(url: string, options?: SharedStoreOptions & { store?: string; password?: string; ssl?: unknown });
}

// A class and an interface of one name merge: the stores have SharedStore's members.
export interface EtcdStore extends SharedStore {}
export interface PostgresStore extends SharedStore {}

/** Node only: the store at a lock file path, an `etcd://` or a `postgres://` URL. */
export function openStore(location: string, options?: SharedStoreOptions): ReservationStore & {
  reservations(): Reservation[] | Promise<Reservation[]>;
  close?(): Promise<void>;
};
