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
    const item = items[key];
    // JSON.stringify writes these as null inside arrays.
    const serialisable = item !== undefined && typeof item !== 'function' && typeof item !== 'symbol';
    copy[key] = serialisable ? readable(item, below) : null;
  }
  return copy;
}

function readableFields(fields, plan) {
  // A plain object: V8 keeps objects without a prototype in dictionary mode, which
  // JSON.stringify walks a third slower.
  const copy = {};
  for (const [key, below] of plan) {
    if (!Object.prototype.propertyIsEnumerable.call(fields, key)) continue;
    setOwn(copy, key, readable(fields[key], below));
  }
  return copy;
}

/** Sets an own property as JSON.parse would, also for a key named `__proto__`. */
export function setOwn(object, key, value) {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
