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
 * the store's revision; the engine then reloads and decides again. Returning the new revision
 * instead of `true` lets the engine keep its index of the reservations between renders.
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

export type Groups = Record<string, GroupConfig>;

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

export interface TemplateVariables {
  namespace?: string;
  data?: Record<string, unknown>;
  secret?: Record<string, unknown>;
  portClaims?: Record<string, number>;
  limits?: Record<string, unknown>;
  paused?: boolean;
  [name: string]: unknown;
}

export interface RenderOptions extends TemplateOptions {
  template: string;
  /** The claims, as in `.kublade/ports.json`. */
  claims?: ClaimDeclaration[];
  values?: TemplateVariables;
  /** The deployment the reservations belong to (default `default`). */
  scope?: string;
  store?: ReservationStore;
  groups?: Groups;
  /** Makes the port draw repeatable. */
  seed?: number | string | bigint;
  /** Decide and render, but commit nothing. */
  dryRun?: boolean;
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
  range?: { start: Position; end: Position };
}

export interface RenderResult {
  output: string;
  /** Claim name → port, in declaration order. */
  claims: Record<string, number>;
  allocated: Reservation[];
  released: Reservation[];
  diagnostics: Diagnostic[];
}

export interface ReleaseOptions {
  scope?: string;
  /** Release one claim; without it the whole scope is released. */
  claim?: string;
  /** Prune: release the scope's claims that these declarations no longer contain. */
  claims?: ClaimDeclaration[];
  store?: ReservationStore;
  groups?: Groups;
}

export interface ReleaseResult {
  released: Reservation[];
}

export interface CompiledTemplate {
  /** Renders with the given variables (`portClaims` among them); allocates nothing. */
  render(variables?: TemplateVariables): string;
  claimReferences(): Array<{ name: string; range: { start: Position; end: Position } }>;
  translated(): string;
  free(): void;
}

/** Errors thrown by the API carry where the problem is. */
export interface PortclaimsError extends Error {
  kind: 'syntax' | 'undefined' | 'runtime' | 'limit' | 'sandbox' | 'config' | 'claims' | 'store';
  file?: string;
  field?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  sourceLine?: string;
}

export const version: string;
export function render(options: RenderOptions): Promise<RenderResult>;
export function renderSync(options: RenderOptions): RenderResult;
export function release(options: ReleaseOptions): Promise<ReleaseResult>;
export function releaseSync(options: ReleaseOptions): ReleaseResult;
export function compile(template: string, options?: TemplateOptions): CompiledTemplate;
export function check(options: RenderOptions): Diagnostic[];

export class MemoryStore implements ReservationStore {
  constructor(reservations?: Reservation[]);
  load(): Snapshot;
  commit(change: Change): false | number;
  reservations(): Reservation[];
}

export class LocalStorageStore implements ReservationStore {
  constructor(key?: string, storage?: Storage);
  load(): Snapshot;
  commit(change: Change): false | number;
  reservations(): Reservation[];
}

/** Browser entry only: loads the WebAssembly module. */
export function init(wasm?: string | URL | Response | BufferSource): Promise<unknown>;
