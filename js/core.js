// The JS API over the WebAssembly core. The core decides and renders synchronously; this layer
// talks to the host's reservation store (sync or async) and retries when a commit is refused.
import { JUDGED_INDEX, groupsKeyOf } from './store.js';
import { forgetTapeWriter, readPlan, tapeWriter } from './tape.js';

// A refused commit is retried, after a short random pause that grows with each refusal, so that
// writers racing on one store spread out instead of colliding again: at least MIN_COMMIT_ATTEMPTS
// times, and on until COMMIT_RETRY_MS have passed since the first load.
const MIN_COMMIT_ATTEMPTS = 8;
const COMMIT_RETRY_MS = 10_000;
const BACKOFF_FIRST_MS = 5;
const BACKOFF_MAX_MS = 250;
/**
 * How long render() waits for one store call by default (see `storeTimeoutMs`): longer than the
 * package's own stores wait for a lock file's lock or a database, so that their errors, which
 * say what they waited for, come first.
 */
export const DEFAULT_STORE_TIMEOUT_MS = 60_000;
// Compiled templates (and empty indexes, see scratchLedger) kept for render(): a playground or
// editor re-renders the same source with new values on every keystroke, and compiling is the
// expensive half of a render.
const CACHE_SIZE = 16;

/**
 * The API over `core`. `restarted` runs after a trap replaced the core's instance with a fresh
 * one (the Node entry gives the new instance its entropy again).
 */
export function createApi(core, { restarted } = {}) {
  // One index of the store's reservations per store, reused while the store's revision is the one
  // the index reflects: a render then costs the same with 10 or 16,000 reservations.
  let ledgers = new WeakMap();
  let tapes = tapeWriter(core);

  function ledgerFor(store, snapshot, groups) {
    if (!snapshot || typeof snapshot !== 'object' || !('revision' in snapshot)) {
      throw storeError(`store.load() must return { revision, reservations }, got ${describeValue(snapshot)}`);
    }
    const { revision } = snapshot;
    if (revision != null && typeof revision !== 'string' && !(typeof revision === 'number' && !Number.isNaN(revision))) {
      throw storeError(`store.load()'s revision must be a string or a number, got ${describeValue(revision)}`);
    }
    const groupsKey = groupsKeyOf(groups);
    const cached = ledgers.get(store);
    if (cached && cached.groupsKey === groupsKey && cached.revision === snapshot.revision && snapshot.revision != null) {
      return cached.ledger;
    }
    if (cached) {
      ledgers.delete(store);
      cached.ledger.free();
    }
    // The index the store built to judge its reservations, when it hands it over.
    let ledger = typeof snapshot[JUDGED_INDEX] === 'function' ? snapshot[JUDGED_INDEX](groupsKey) : null;
    let reservations;
    try {
      reservations = JSON.stringify(snapshot.reservations ?? []);
    } catch (error) {
      // A getter that throws, a cycle, a BigInt: JSON cannot carry them to the core.
      throw storeError(`store.load()'s reservations cannot be read: ${messageOf(error)}`, error);
    }
    try {
      ledger ??= core.Ledger.load(reservations, groupsKey);
    } catch (error) {
      throw inStore(error, store);
    }
    ledgers.set(store, { ledger, revision: snapshot.revision, groupsKey });
    return ledger;
  }

  // Renders without a store start from no reservations and keep none: they share one empty index
  // per groups configuration instead of building one each (which costs more than the render).
  const scratch = new Map();

  function scratchLedger(groups) {
    const groupsKey = groupsKeyOf(groups);
    let ledger = scratch.get(groupsKey);
    if (!ledger) {
      ledger = core.Ledger.load('[]', groupsKey);
      keepBounded(scratch, groupsKey, ledger, (evicted) => evicted.free());
    }
    return ledger;
  }

  function remember(store, ledger, change, committed) {
    const cached = ledgers.get(store);
    if (!cached || cached.ledger !== ledger) return;
    // Without the new revision (the store said `true`), or with the change no longer kept by the
    // core, the index cannot follow the store: read it afresh next time.
    const revision = typeof committed === 'string' || (typeof committed === 'number' && !Number.isNaN(committed));
    if (!revision || !ledger.apply(change.id)) {
      ledgers.delete(store);
      ledger.free();
      return;
    }
    cached.revision = committed;
  }

  const templates = new Map();
  let latest = null;

  /** The compiled template for render options, from the cache when it holds it. */
  function compiledFor(options) {
    const settings = templateSettings(options);
    const source = options.template;
    // Most renders repeat the last template: two comparisons instead of hashing its text.
    if (latest && latest.source === source && latest.settings === settings) return latest;
    if (typeof source !== 'string') throw configError('template', `must be a string, got ${describeValue(source)}`);
    const key = `${settings}\u0000${source}`;
    let entry = templates.get(key);
    if (entry) {
      // Refreshed: the least recently used template is the one evicted.
      templates.delete(key);
      templates.set(key, entry);
    } else {
      entry = { source, settings, ...compileWithPlan(source, settings) };
      keepBounded(templates, key, entry, (evicted) => evicted.compiled.free());
    }
    latest = entry;
    return entry;
  }

  // The render protocol, once for stores that answer with promises (renderLater) and once for
  // synchronous ones (renderNow, which must not await); both share each attempt's two halves,
  // `attempt` and `settled`.
  async function renderLater(options, plan) {
    const store = options.store;
    if (store == null) {
      // Committing to a store nobody keeps would change nothing anyone can see.
      return plan(scratchLedger(options.groups)).result;
    }
    const timeout = storeTimeoutOf(options);
    const started = Date.now();
    for (let n = 1; ; n++) {
      if (n > 1) await pause(backoff(n));
      const snapshot = await storeCall(() => within(store.load(), timeout, 'load()'), 'load()');
      const step = attempt(options, plan, store, snapshot);
      if (step.done) return step.result;
      let committed;
      try {
        committed = await storeCall(() => within(store.commit(commitOf(snapshot, step.change)), timeout, 'commit()'), 'commit()');
      } catch (error) {
        // Whether a commit that did not answer (or failed) took effect is unknown: the index of
        // the store's reservations is read afresh next time instead of assuming either.
        forget(store);
        throw error;
      }
      if (settled(store, step, committed)) return step.result;
      if (n >= MIN_COMMIT_ATTEMPTS && Date.now() - started >= COMMIT_RETRY_MS) throw refusedTooOften(n, Date.now() - started);
    }
  }

  function renderNow(options, plan) {
    const store = options.store;
    if (store == null) return plan(scratchLedger(options.groups)).result;
    // A synchronous render cannot pause between attempts, so it stops after the minimum.
    for (let n = 1; n <= MIN_COMMIT_ATTEMPTS; n++) {
      const snapshot = storeCallNow(() => synchronous(store.load(), 'load()'), 'load()');
      const step = attempt(options, plan, store, snapshot);
      if (step.done) return step.result;
      // Refused before calling it: an asynchronous commit would go on after this render failed.
      if (isAsyncFunction(store.commit) || answersLater.has(store)) throw needsSynchronousStore('commit()');
      let committed;
      try {
        committed = storeCallNow(() => synchronous(store.commit(commitOf(snapshot, step.change)), 'commit()', store), 'commit()');
      } catch (error) {
        // A commit that failed or answered later may have stored the change: read the store
        // afresh next time.
        forget(store);
        throw error;
      }
      if (settled(store, step, committed)) return step.result;
    }
    throw refusedTooOften(MIN_COMMIT_ATTEMPTS);
  }

  /** Drops the index kept for `store`: the next render reads its reservations afresh. */
  function forget(store) {
    const cached = ledgers.get(store);
    if (!cached) return;
    ledgers.delete(store);
    cached.ledger.free();
  }

  /** Plans against `snapshot`: the result, and the change to commit unless `done`. */
  function attempt(options, plan, store, snapshot) {
    const ledger = ledgerFor(store, snapshot, options.groups);
    const { id, result } = plan(ledger);
    // The core keeps the change under an id; its reservations are the result's own.
    const change = { id, put: result.allocated ?? [], delete: result.released };
    const done = Boolean(options.dryRun) || (change.put.length === 0 && change.delete.length === 0);
    return { ledger, change, result, done };
  }

  /** Whether the store took the attempt's change (else: load again and retry). */
  function settled(store, step, committed) {
    if (committed === false) return false;
    remember(store, step.ledger, step.change, committed);
    return true;
  }

  // The template is compiled (or found) right before the core uses it: an asynchronous store's
  // load may let other renders evict it from the cache meanwhile.
  const planRender = (options) => (ledger) => {
    const { compiled, plan } = compiledFor(options);
    const { claims, values, seed } = options;
    const declaration = declarationOf(claims ?? null);
    // Seeds travel as strings so that every u64 survives.
    const seedText = seed == null ? undefined : String(seed);
    // The scope as its JSON holds it (a boxed string is a string; a function, none).
    const scope = options.scope == null || typeof options.scope === 'string' ? options.scope : JSON.parse(JSON.stringify(options.scope) ?? 'null');
    // The request in parts, so that neither side builds an object of it, and the values as a tape.
    return tapes.send(values, plan, (length) => {
      // Not a string: the core refuses it, in the words it refuses any scope in.
      if (scope != null && typeof scope !== 'string') ledger.decide(declaration.text, JSON.stringify({ scope }));
      const output = ledger.planTape(compiled, declaration.text, length, scope ?? undefined, seedText);
      return decided(ledger, output, declaration, scope);
    });
  };
  // The ports alone, decided as a render decides them: for hosts that render several templates
  // with one decision (a folder) or show only the ports.
  const planDecide = ({ claims, scope, seed }) => (ledger) => {
    const declaration = declarationOf(claims ?? null);
    ledger.decide(declaration.text, JSON.stringify({ scope, seed: seed == null ? undefined : String(seed) }));
    return decided(ledger, undefined, declaration, scope);
  };
  const planRelease = ({ scope, claim, claims }) => {
    const request = JSON.stringify({ scope, claim, claims });
    return (ledger) => {
      const { change, ...result } = JSON.parse(ledger.release(request));
      return { id: change.id, result };
    };
  };

  const defaultScope = core.defaultScope();
  // Claims as the core read them (its JSON text parsed), by that text: a host renders one
  // ports.json many times.
  const declared = new Map();
  // The last claims declared, as `{ text, pattern, claims }`: the JSON text sent to the core, that
  // text parsed as `matches` compares with it, and the claims read from it.
  let lastDeclaration = null;

  /**
   * The claims of a render as JSON text and as the core reads them. Claims that serialise to
   * the last text are not serialised again: comparing them with that text parsed costs less.
   */
  function declarationOf(claims) {
    if (lastDeclaration !== null && matches(claims, lastDeclaration.pattern)) return lastDeclaration;
    let lost = false;
    let text;
    try {
      text = JSON.stringify(claims, (_, value) => {
        if (typeof value === 'number' && !Number.isFinite(value)) lost = true;
        return value;
      });
    } catch (error) {
      throw unreadableClaims(claims, error);
    }
    // A function or a symbol has no JSON: refused here, in the words the core refuses a number in.
    if (typeof text !== 'string') {
      throw claimsError('', `must be an array of claims, got a ${typeof claims}`);
    }
    // JSON writes Infinity (what JSON.parse makes of 1e400) and NaN as null, which the core would
    // read as "not given".
    if (lost) throw notFinite(claims);
    let declaration = declared.get(text);
    if (declaration === undefined) {
      const json = JSON.parse(text);
      declaration = { text, pattern: patternOf(json), claims: json ?? [] };
      keepBounded(declared, text, declaration, () => {});
    }
    lastDeclaration = declaration;
    return declaration;
  }

  /**
   * The result of the plan `ledger` has just made (with the `output` rendered, none for a
   * decision alone), and the id its change is kept under. The core tells the decision as
   * numbers; the names in it are the claims' and the scope's, which this layer knows, so text
   * crosses only for what it cannot know (releases, diagnostics).
   */
  function decided(ledger, output, declaration, scope) {
    // The numbers are read one by one from the core's buffer: copying them into a new array
    // costs more than the rest of this function.
    const length = ledger.outcomeLength();
    const id = ledger.outcomeAt(0);
    const { claims } = declaration;
    const known = ledger.outcomeAt(1) === 0 && length === 2 + 2 * claims.length;
    if (!known) {
      const details = JSON.parse(ledger.details());
      return { id, result: output === undefined ? details : { output, ...details } };
    }
    const scopeName = scope ?? defaultScope;
    const ports = {};
    const allocated = [];
    for (let i = 0; i < claims.length; i++) {
      const { claim, group } = claims[i];
      const port = ledger.outcomeAt(2 + 2 * i);
      setOwn(ports, claim, port);
      if (ledger.outcomeAt(3 + 2 * i) === 1) allocated.push({ scope: scopeName, claim, group, port });
    }
    if (output === undefined) return { id, result: { claims: ports, allocated, released: [], diagnostics: [] } };
    return { id, result: { output, claims: ports, allocated, released: [], diagnostics: [] } };
  }

  /** A compiled template with the plan of what it reads of its variables (see tape.js). */
  function compileWithPlan(source, settings) {
    const compiled = core.compile(source, settings);
    return { compiled, plan: readPlan(JSON.parse(compiled.reads())) };
  }

  /**
   * `error`, or, when it is a trap of the core (a stack overflow, `unreachable`, an access out of
   * its memory), an error of kind `internal` naming the template, after replacing the core's
   * instance: a trapped instance fails every later call. Nothing is lost but caches: the
   * reservations live in the host's store.
   */
  function trapped(error, options) {
    if (!isTrap(error)) return error;
    core.__wbg_reset_state();
    ledgers = new WeakMap();
    scratch.clear();
    templates.clear();
    latest = null;
    forgetTapeWriter(core);
    tapes = tapeWriter(core);
    restarted?.();
    const name = typeof options?.name === 'string' && options.name !== '' ? options.name : 'template';
    const message = `${name}: internal error in the portclaims core (${error.message}); this is a bug in portclaims, please report it with the template (later renders are not affected)`;
    return Object.assign(new Error(message, { cause: error }), { kind: 'internal', file: name });
  }
  /** `run()`, with a trap of the core turned into an error of kind `internal`. */
  const guarded = (options, run) => {
    try {
      return run();
    } catch (error) {
      throw trapped(error, options);
    }
  };
  // Each call's options checked first, so that a mistake is an error of the package's shape.
  const later = (call, keys, planOf) => (options) => {
    try {
      checkOptions(call, keys, options);
      return renderLater(options, planOf(options)).catch((error) => Promise.reject(shaped(trapped(error, options))));
    } catch (error) {
      return Promise.reject(shaped(trapped(error, options)));
    }
  };
  const now = (call, keys, planOf) => (options) => {
    try {
      checkOptions(call, keys, options);
      return renderNow(options, planOf(options));
    } catch (error) {
      throw shaped(trapped(error, options));
    }
  };

  return {
    version: core.version(),
    defaultScope,
    render: later('render', RENDER_OPTIONS, planRender),
    renderSync: now('renderSync', RENDER_OPTIONS, planRender),
    decide: later('decide', DECIDE_OPTIONS, planDecide),
    decideSync: now('decideSync', DECIDE_OPTIONS, planDecide),
    release: later('release', RELEASE_OPTIONS, planRelease),
    releaseSync: now('releaseSync', RELEASE_OPTIONS, planRelease),
    describeGroup: (name, groups) => guarded(undefined, () => JSON.parse(core.describeGroup(name, groupsKeyOf(groups)))),
    compile(template, options = {}) {
      if (typeof template !== 'string') {
        throw configError('template', `compile() takes the template's text, a string; got ${describeValue(template)}`);
      }
      const { compiled, plan } = guarded(options, () => compileWithPlan(template, templateSettings(options ?? {})));
      return {
        render: (variables = {}) => guarded(options, () => tapes.send(variables, plan, (length) => compiled.renderTape(length))),
        /** The variables as JSON text, which may hold what JS values cannot (a float such as 0.0). */
        renderJson: (variables) => guarded(options, () => compiled.render(variables)),
        claimReferences: () => JSON.parse(compiled.claimReferences()),
        leakyDirectives: () => JSON.parse(compiled.leakyDirectives()),
        printedLines: () => JSON.parse(compiled.printedLines()),
        translated: () => compiled.translated(),
        free: () => compiled.free(),
      };
    },
  };
}

/** Whether `error` is a trap of the WebAssembly core, which leaves its instance unusable. */
function isTrap(error) {
  return error instanceof WebAssembly.RuntimeError || (error instanceof RangeError && /call stack/i.test(error.message));
}

/**
 * Whether `JSON.stringify(value)` is certainly the text that `json` was parsed from: plain
 * arrays and objects with the same keys in the same order, down to the same strings, finite
 * numbers, booleans and nulls. Anything else (a `toJSON`, a class instance, a value JSON writes
 * differently) answers false, and the caller serialises.
 */
export function sameJson(value, json) {
  return matches(value, patternOf(json));
}

/** Parsed JSON as `matches` compares with it: arrays as `{ items }`, objects as `{ keys, values }`. */
function patternOf(json) {
  if (typeof json !== 'object' || json === null) return json;
  if (Array.isArray(json)) return { items: json.map(patternOf), keys: null, values: null };
  const keys = Object.keys(json);
  return { items: null, keys, values: keys.map((key) => patternOf(json[key])) };
}

/** `sameJson` against a pattern, allocating nothing. */
function matches(value, pattern) {
  if (typeof pattern !== 'object' || pattern === null) return value === pattern;
  if (typeof value !== 'object' || value === null || typeof value.toJSON === 'function') return false;
  const { items, keys, values } = pattern;
  if (items !== null) {
    if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype || value.length !== items.length) return false;
    for (let i = 0; i < items.length; i++) if (!matches(value[i], items[i])) return false;
    return true;
  }
  if (Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  // `for…in` walks the own enumerable keys in JSON.stringify's order, then inherited ones, which
  // JSON.stringify leaves out: an inherited key is a difference.
  let i = 0;
  for (const key in value) {
    if (i >= keys.length || key !== keys[i] || !Object.hasOwn(value, key) || !matches(value[key], values[i])) return false;
    i++;
  }
  return i === keys.length;
}

/** Sets an own property as JSON.parse would, also for a key named `__proto__`. */
function setOwn(object, key, value) {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

// Stores whose commit() answered a synchronous render with a promise: refused before committing
// from then on.
const answersLater = new WeakSet();

// The value a synchronous store's `call` returned; a promise means the store is not synchronous.
function synchronous(value, call, store) {
  if (value && typeof value.then === 'function') {
    // Nobody awaits it: its failure must not end the process as an unhandled rejection.
    Promise.resolve(value).catch(() => {});
    if (store) answersLater.add(store);
    throw needsSynchronousStore(call, true);
  }
  return value;
}

function needsSynchronousStore(call, called = false) {
  if (!called || call !== 'commit()') return storeError(`renderSync() needs a synchronous store, and this store's ${call} answers with a promise; use render() with it (or a dry run)`);
  // Only calling commit() tells that it answers later, and by then it has run: whether the change
  // is stored is the promise's to tell, which a synchronous render cannot wait for.
  return Object.assign(
    storeError(`renderSync() needs a synchronous store, and this store's commit() answered with a promise: the change may have been stored all the same (render again, or list the store's reservations, to see); use render() with it (or a dry run)`),
    { commitUnknown: true },
  );
}

function isAsyncFunction(f) {
  return typeof f === 'function' && f[Symbol.toStringTag] === 'AsyncFunction';
}

// The store call's answer, or an error once `ms` have passed without one.
function within(value, ms, call) {
  if (!value || typeof value.then !== 'function' || ms === Infinity) return value;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const unknown = call === 'commit()' ? '; the change may or may not have been stored' : '';
      reject(Object.assign(storeError(`the reservation store's ${call} did not answer within ${seconds(ms)}${unknown} (storeTimeoutMs)`), { timedOut: true }));
    }, ms);
    // Once the timeout has answered, whatever the call answers is ignored, a failure too.
    value.then(
      (answer) => (clearTimeout(timer), resolve(answer)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}

function storeTimeoutOf({ storeTimeoutMs }) {
  if (storeTimeoutMs === undefined) return DEFAULT_STORE_TIMEOUT_MS;
  // setTimeout fires at once past 2^31 - 1 ms (24.8 days): longer is as good as forever.
  if (storeTimeoutMs === Infinity || storeTimeoutMs > 2 ** 31 - 1) return Infinity;
  if (typeof storeTimeoutMs !== 'number' || !(storeTimeoutMs > 0)) {
    throw configError('storeTimeoutMs', `must be a positive number of milliseconds (or Infinity), got ${describeValue(storeTimeoutMs)}`);
  }
  return storeTimeoutMs;
}

const seconds = (ms) => (ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`);

// The pause before attempt `n` (from 2): random, up to a bound that doubles with each refusal.
function backoff(n) {
  return Math.random() * Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (n - 2));
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function storeError(message, cause) {
  return Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { kind: 'store', field: 'store' });
}

const messageOf = (error) => String(error instanceof Error ? error.message : error).split('\n')[0];

/** Whether `error` already has the package's shape: an Error with a `kind`. */
const isShaped = (error) => error instanceof Error && typeof error.kind === 'string';

/**
 * What the host's store threw, in the package's shape: its own errors (the package's stores'
 * carry a `kind`) pass, anything else says which call failed and keeps what was thrown as `cause`.
 */
function storeFailure(error, call) {
  if (isShaped(error)) return error;
  return storeError(`the reservation store's ${call} failed: ${messageOf(error)}`, error);
}

async function storeCall(call, name) {
  try {
    return await call();
  } catch (error) {
    throw storeFailure(error, name);
  }
}

function storeCallNow(call, name) {
  try {
    return call();
  } catch (error) {
    throw storeFailure(error, name);
  }
}

/**
 * What a call throws, as an Error: the package's errors carry a `kind`; an Error without one is
 * a bug (a trap of the core keeps its class, which hosts report as such); anything else thrown
 * (a host's string or null) becomes an Error keeping it as `cause`.
 */
function shaped(error) {
  if (error instanceof Error) return error;
  return Object.assign(new Error(messageOf(error), { cause: error }), { kind: 'internal' });
}

const RENDER_OPTIONS = ['template', 'values', 'dialect', 'escape', 'whitespace', 'name', 'limits', 'claims', 'scope', 'store', 'groups', 'seed', 'dryRun', 'storeTimeoutMs'];
const DECIDE_OPTIONS = ['claims', 'scope', 'store', 'groups', 'seed', 'dryRun', 'storeTimeoutMs'];
const RELEASE_OPTIONS = ['scope', 'claim', 'claims', 'store', 'groups', 'storeTimeoutMs'];

/** Refuses options that are not an object, an option of another name, a store without its calls. */
function checkOptions(call, keys, options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw configError('options', `${call}() takes an object of options, got ${describeValue(options)}`);
  }
  for (const key in options) {
    if (!keys.includes(key) && options[key] !== undefined) {
      const meant = closestName(key, keys);
      throw configError(key, `unknown option${meant ? ` (did you mean ${JSON.stringify(meant)}?)` : `; ${call}() takes ${keys.join(', ')}`}`);
    }
  }
  if (keys === RENDER_OPTIONS && typeof options.template !== 'string') {
    throw configError('template', `must be a string, got ${describeValue(options.template)}`);
  }
  const { store } = options;
  if (store != null && (typeof store.load !== 'function' || (typeof store.commit !== 'function' && !options.dryRun))) {
    throw configError('store', `must have load() and commit() methods, got ${describeValue(store)}${typeof store === 'object' ? ` without ${typeof store.load !== 'function' ? 'load()' : 'commit()'}` : ''}`);
  }
}

/** The name a misspelt one most likely meant: within a third of its length in edits. */
function closestName(word, names) {
  let best;
  let bestDistance = Infinity;
  for (const name of names) {
    const a = word.toLowerCase();
    const b = name.toLowerCase();
    let row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      row = next;
    }
    if (row[b.length] < bestDistance) [best, bestDistance] = [name, row[b.length]];
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function configError(field, message) {
  return Object.assign(new Error(`${field}: ${message}`), { kind: 'config', field });
}

// A short description of a value an option should not hold.
function describeValue(value) {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return `a ${typeof value}`;
}

// The error for claims holding a number JSON cannot carry, at the first such field.
function notFinite(claims) {
  const find = (value, path) => {
    if (typeof value === 'number') return Number.isFinite(value) ? null : { path, value };
    if (value === null || typeof value !== 'object') return null;
    for (const key of Object.keys(value)) {
      const at = Array.isArray(value) ? `${path}[${key}]` : `${path}${/^[\w-]+$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`;
      const found = find(value[key], at);
      if (found) return found;
    }
    return null;
  };
  const { path, value } = find(claims, '') ?? { path: '', value: NaN };
  const field = path.replace(/^\./, '');
  const why = Number.isNaN(value) ? '' : ' (a number past 1.8e308, such as 1e400, reads as Infinity)';
  return claimsError(field, `must be a finite number, got ${value}${why}`);
}

/** The error for claims JSON cannot carry: a BigInt (named where), a getter that throws, a cycle. */
function unreadableClaims(claims, error) {
  let found;
  try {
    found = findIn(claims, '', (value) => typeof value === 'bigint');
  } catch {
    found = null; // the claims throw when walked too: their own error says what
  }
  if (found) return claimsError(found.path.replace(/^\./, ''), 'a BigInt has no JSON form: use a number');
  return Object.assign(claimsError('', `cannot be read: ${messageOf(error)}`), { cause: error });
}

/** The first value under `value` that `test` picks, with its path; a cycle ends the walk. */
function findIn(value, path, test, seen = new Set()) {
  if (test(value)) return { path, value };
  if (value === null || typeof value !== 'object' || seen.has(value)) return null;
  seen.add(value);
  for (const key of Object.keys(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : `${path}${/^[\w-]+$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`;
    const found = findIn(value[key], at, test, seen);
    if (found) return found;
  }
  return null;
}

/** An error in the claims, at `field` (`''`: the claims as a whole), shaped as the core's are. */
function claimsError(field, reason) {
  const detail = field ? `${field}: ${reason}` : reason;
  const error = new Error(`ports.json: ${detail}`);
  return Object.assign(error, { kind: 'claims', source: 'ports.json', ...(field ? { field } : {}), reason, detail });
}

// A store's reservations refused by the core, named by the store they came from.
function inStore(error, store) {
  const name = typeof store.name === 'string' ? store.name : typeof store.path === 'string' ? store.path : undefined;
  if (name === undefined || error?.kind !== 'claims' || typeof error.message !== 'string') return error;
  error.message = `${name}: ${error.message}`;
  error.file = name;
  return error;
}

// What a store's commit is given for `change`, planned against `snapshot`.
function commitOf(snapshot, change) {
  return { baseRevision: snapshot.revision, put: change.put, delete: change.delete };
}

function refusedTooOften(attempts, ms) {
  const over = ms === undefined ? '' : ` over ${seconds(ms)}`;
  return storeError(`the reservation store refused ${attempts} commits in a row${over}; is another process writing it constantly?`);
}

// What compiling a template depends on, as the core reads it.
function templateSettings({ dialect, escape, whitespace, name, limits }) {
  if (dialect === undefined && escape === undefined && whitespace === undefined && name === undefined && limits === undefined) return '{}';
  // JSON writes NaN and the infinities as null, "not given": as text, the core refuses them.
  return JSON.stringify({ dialect, escape, whitespace, name, limits }, (_, value) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value));
}


// Adds `value` to a cache kept in insertion order, evicting (and releasing) the oldest entry
// once it holds CACHE_SIZE.
function keepBounded(cache, key, value, release) {
  if (cache.size >= CACHE_SIZE) {
    const [oldest, evicted] = cache.entries().next().value;
    cache.delete(oldest);
    release(evicted);
  }
  cache.set(key, value);
}
