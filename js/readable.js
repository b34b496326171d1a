// The part of a template's variables that the template can read, so that only that crosses into
// WebAssembly: turning JSON into values costs more than rendering a small manifest. The core says
// what a template reads (`CompiledTemplate.reads()`: each name maps to `true`, read whole, or to
// the keys read below it; `null` when unknown). The copy serialises exactly as the original
// would wherever the template looks: values the copy leaves out are ones it never reaches.

/**
 * Turns the core's tree into nested [key, subtree] lists, once per template; each list also has
 * `byKey`, the same as a Map (for js/tape.js).
 */
export function readPlan(reads) {
  if (reads === true || reads === null || typeof reads !== 'object') return true;
  const entries = Object.keys(reads).map((key) => [key, readPlan(reads[key])]);
  entries.byKey = new Map(entries);
  return entries;
}

const INDEX = /^(?:0|[1-9][0-9]*)$/;

/** A copy of `value` with just what `plan` reads (see readPlan). */
export function readable(value, plan) {
  if (plan === true || value === null || typeof value !== 'object' || typeof value.toJSON === 'function') return value;
  const array = Array.isArray(value);
  if (!array) {
    // Anything but a plain object serialises its own way (Map → {}, class instances …): keep it whole.
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return value;
  }
  return array ? readableItems(value, plan) : readableFields(value, plan);
}

/** How much of `items` the copy keeps: up to the highest index `plan` reads that it has. */
export function readLength(items, plan) {
  let length = 0;
  for (const [key] of plan) if (INDEX.test(key) && Number(key) < items.length) length = Math.max(length, Number(key) + 1);
  return length;
}

// An array stays an array (lists and maps differ in PHP and in the fast translation), as long as
// the highest index read; the items the template never reads are null.
function readableItems(items, plan) {
  const length = readLength(items, plan);
  const copy = new Array(length).fill(null);
  for (const [key, below] of plan) {
    if (!INDEX.test(key) || Number(key) >= length) continue;
    try {
      const item = items[key];
      // JSON.stringify writes these as null inside arrays.
      const serialisable = item !== undefined && typeof item !== 'function' && typeof item !== 'symbol';
      copy[key] = serialisable ? readable(item, below) : null;
    } catch (error) {
      throw unreadable(error, Number(key));
    }
  }
  return copy;
}

function readableFields(fields, plan) {
  // A plain object: V8 keeps objects without a prototype in dictionary mode, which
  // JSON.stringify walks a third slower.
  const copy = {};
  for (const [key, below] of plan) {
    try {
      if (!Object.prototype.propertyIsEnumerable.call(fields, key)) continue;
      setOwn(copy, key, readable(fields[key], below));
    } catch (error) {
      throw unreadable(error, key);
    }
  }
  return copy;
}

/**
 * The JSON text of what `plan` reads of `values` (undefined for undefined). Whatever reading or
 * serialising them throws (a getter, a toJSON, a proxy, a BigInt, a cycle) is a `kind: 'values'`
 * error naming where.
 */
export function readableJson(values, plan) {
  let copy;
  try {
    copy = readable(values, plan);
  } catch (error) {
    throw valuesError(error);
  }
  try {
    return JSON.stringify(copy);
  } catch (error) {
    throw valuesError(locate(copy, error));
  }
}

/** What the variables threw while being read, and the keys (and indexes) down to it. */
class Unreadable {
  constructor(cause) {
    this.cause = cause;
    this.path = [];
  }
}

/** `error` thrown while reading `key` (undefined: the object itself) of an object at its path. */
export function unreadable(error, key) {
  const failure = error instanceof Unreadable ? error : new Unreadable(error);
  if (key !== undefined) failure.path.unshift(key);
  return failure;
}

/** The error a render fails with when its values cannot be read. */
export function valuesError(error) {
  const failure = error instanceof Unreadable ? error : new Unreadable(error);
  const { cause, path } = failure;
  let where = '';
  for (const key of path) where += typeof key === 'number' ? `[${key}]` : where === '' ? key : `.${key}`;
  const reason = cause instanceof Error ? cause.message : String(cause);
  // One line: V8 words a cycle over several.
  const message = `values: ${where === '' ? '' : `${where}: `}${reason.split('\n')[0]}`;
  return Object.assign(new Error(message, { cause }), { kind: 'values', field: 'values' });
}

/**
 * Where in `value` JSON.stringify met `error`: its walk again (getters, toJSON and all), stopping
 * at the first value it cannot write. The error itself when the walk finds nothing (a getter
 * that threw only once).
 */
function locate(value, error) {
  const inside = [];
  function walk(holder, key, path) {
    let item;
    try {
      item = holder[key];
      if ((typeof item === 'object' && item !== null) || typeof item === 'bigint') {
        if (typeof item.toJSON === 'function') item = item.toJSON(String(key));
      }
    } catch (thrown) {
      return Object.assign(new Unreadable(thrown), { path });
    }
    if (typeof item === 'bigint' || item instanceof BigInt) {
      return Object.assign(new Unreadable(new TypeError('a BigInt has no JSON form: use a number or a string')), { path });
    }
    if (typeof item !== 'object' || item === null) return null;
    if (inside.includes(item)) {
      return Object.assign(new Unreadable(new TypeError('holds an object it is inside of (a cycle)')), { path });
    }
    inside.push(item);
    try {
      const keys = Array.isArray(item) ? item.keys() : Object.keys(item);
      for (const k of keys) {
        const found = walk(item, k, [...path, k]);
        if (found) return found;
      }
    } catch (thrown) {
      return Object.assign(new Unreadable(thrown), { path });
    }
    inside.pop();
    return null;
  }
  return walk({ '': value }, '', []) ?? error;
}

/** Sets an own property as JSON.parse would, also for a key named `__proto__`. */
export function setOwn(object, key, value) {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
