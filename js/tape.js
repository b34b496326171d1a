// Template variables as a value tape: the bytes the core reads (src/engine/values/tape.rs has the
// format), written from the variables as the template's read plan reads them (see readable.js)
// straight into the core's memory. For a small manifest, JSON.stringify and parsing its text back
// cost more than the render. A tape holds only what JSON holds the same way for certain: plain
// objects and arrays, strings, integers, booleans and null. On anything else (toJSON, class
// instances, fractions, unpaired surrogates, deep nesting) write() answers -1 and the caller
// sends JSON, so the core always reads what `JSON.stringify(readable(variables, plan))` holds.

import { readLength, unreadable, valuesError } from './readable.js';

/** Nesting the tape leaves to JSON (whose reader gives up near here, and which reports cycles). */
const MAX_DEPTH = 100;
const INITIAL_CAPACITY = 4096;
/** A tape buffer larger than this is given back before the next tape (src/wasm/tape.rs). */
const KEPT_CAPACITY = 1 << 20;
/** Keys the core learns to know by number: a template's variables use a few dozen. */
const KNOWN_KEYS = 4096;

const encoder = new TextEncoder();
const number = new Float64Array(1);
const numberBytes = new Uint8Array(number.buffer);
const EMPTY = {};

/** Whether JSON.stringify leaves this out of an object (and writes null for it in an array). */
function isSkipped(value) {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function isPlainObject(value) {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Whether Object.prototype has enumerable properties, which for-in would walk and JSON would not. */
function inheritsEnumerable() {
  for (const _ in EMPTY) return true;
  return false;
}

const writers = new WeakMap();

/**
 * The writer of tapes into `core`'s tape buffer: `write(variables, plan)` answers the tape's
 * length, or -1 when JSON must carry the variables. One per core, which knows its keys' numbers.
 */
export function tapeWriter(core) {
  let writer = writers.get(core);
  if (!writer) {
    writer = createTapeWriter(core);
    writers.set(core, writer);
  }
  return writer;
}

function createTapeWriter(core) {
  // The format's tags and key flags are the core's (src/engine/values/tape.rs).
  const { memory, NULL, FALSE, TRUE, INT32, INT53, STRING, ARRAY, OBJECT, KEY_KNOWN, KEY_NEW } = core.tapeFormat();
  let start = 0;
  let capacity = 0;
  let tape = new Uint8Array(0);
  let at = 0;
  // A getter among the variables may render too: that render sends JSON rather than share the tape.
  let writing = false;
  // Keys by their number in the core, which learns a key's number from the first tape that
  // uses it; a tape given up on takes back the numbers it gave, since the core never saw it.
  const numbers = new Map();
  const names = [];

  // Whether the view went empty during this tape: a getter that ran the core may grow its memory,
  // which detaches the view and drops every write after that.
  let detached = false;

  function grow(bytes) {
    capacity = bytes;
    start = core.tapeRoom(capacity);
    tape = new Uint8Array(memory.buffer, start, capacity);
  }

  function room(bytes) {
    if (at + bytes <= capacity) return;
    if (tape.byteLength === 0) detached = true;
    grow(Math.max(capacity * 2, at + bytes));
  }

  function writeU32(where, n) {
    tape[where] = n;
    tape[where + 1] = n >>> 8;
    tape[where + 2] = n >>> 16;
    tape[where + 3] = n >>> 24;
  }

  /** A string's byte length and UTF-8 bytes; false for one with unpaired surrogates. */
  function text(value) {
    const length = value.length;
    room(4 + 3 * length);
    const first = at + 4;
    let end = first;
    for (let i = 0; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 0x80) {
        if (!value.isWellFormed()) return false;
        end = first + encoder.encodeInto(value, tape.subarray(first)).written;
        break;
      }
      tape[end++] = code;
    }
    writeU32(at, end - first);
    at = end;
    return true;
  }

  function key(name) {
    const number = numbers.get(name);
    if (number !== undefined) {
      room(4);
      writeU32(at, KEY_KNOWN | number);
      at += 4;
      return true;
    }
    // An inline key's byte length must stay clear of the flags (and no real key comes near).
    if (name.length >= 0x10000000) return false;
    if (names.length >= KNOWN_KEYS) return text(name);
    room(4);
    writeU32(at, KEY_NEW | names.length);
    at += 4;
    if (!text(name)) return false;
    numbers.set(name, names.length);
    names.push(name);
    return true;
  }

  /** `value` whole, as JSON.stringify writes it. */
  function whole(value, depth) {
    switch (typeof value) {
      case 'string':
        room(1);
        tape[at++] = STRING;
        return text(value);
      case 'number':
        room(9);
        if ((value | 0) === value) {
          tape[at] = INT32;
          writeU32(at + 1, value);
          at += 5;
          return true;
        }
        if (!Number.isSafeInteger(value)) return false;
        tape[at] = INT53;
        number[0] = value;
        tape.set(numberBytes, at + 1);
        at += 9;
        return true;
      case 'boolean':
        room(1);
        tape[at++] = value ? TRUE : FALSE;
        return true;
      case 'object':
        if (value === null) {
          room(1);
          tape[at++] = NULL;
          return true;
        }
        if (depth >= MAX_DEPTH || typeof value.toJSON === 'function') return false;
        if (Array.isArray(value)) return wholeItems(value, depth);
        return isPlainObject(value) && wholeFields(value, depth);
      default:
        return false;
    }
  }

  function wholeItems(items, depth) {
    room(5);
    tape[at] = ARRAY;
    writeU32(at + 1, items.length);
    at += 5;
    let i = 0;
    try {
      for (; i < items.length; i++) {
        const item = items[i];
        if (isSkipped(item)) {
          room(1);
          tape[at++] = NULL;
        } else if (!whole(item, depth + 1)) {
          return false;
        }
      }
    } catch (error) {
      throw unreadable(error, i);
    }
    return true;
  }

  function wholeFields(fields, depth) {
    room(5);
    const countAt = at + 1;
    tape[at] = OBJECT;
    at += 5;
    let count = 0;
    let reading;
    try {
      // for-in walks the own keys in JSON.stringify's order (write() made sure nothing inherited
      // is enumerable), and V8 reads a for-in's values far faster than those of Object.keys.
      for (const name in fields) {
        reading = name;
        const value = fields[name];
        if (isSkipped(value)) continue;
        if (!key(name) || !whole(value, depth + 1)) return false;
        count++;
      }
    } catch (error) {
      throw unreadable(error, reading);
    }
    writeU32(countAt, count);
    return true;
  }

  /** `value` as `plan` reads it: readable(value, plan), written as JSON.stringify writes it. */
  function planned(value, plan, depth) {
    if (plan === true || value === null || typeof value !== 'object') return whole(value, depth);
    if (depth >= MAX_DEPTH || typeof value.toJSON === 'function') return false;
    if (Array.isArray(value)) return plannedItems(value, plan, depth);
    return isPlainObject(value) && plannedFields(value, plan, depth);
  }

  // As readableItems: the array up to the highest index read, the items never read null.
  function plannedItems(items, plan, depth) {
    const length = readLength(items, plan);
    room(5);
    tape[at] = ARRAY;
    writeU32(at + 1, length);
    at += 5;
    let i = 0;
    try {
      for (; i < length; i++) {
        const below = plan.byKey.get(String(i));
        const item = below === undefined ? null : items[i];
        if (below === undefined || isSkipped(item)) {
          room(1);
          tape[at++] = NULL;
        } else if (!planned(item, below, depth + 1)) {
          return false;
        }
      }
    } catch (error) {
      throw unreadable(error, i);
    }
    return true;
  }

  function plannedFields(fields, plan, depth) {
    room(5);
    const countAt = at + 1;
    tape[at] = OBJECT;
    at += 5;
    let count = 0;
    // for-in (see wholeFields) rather than a propertyIsEnumerable call per key read, which costs
    // more than walking a few keys unread; the entries' order only shows in an object read whole.
    const wanted = plan.byKey;
    let left = plan.length;
    let reading;
    try {
      for (const name in fields) {
        const below = wanted.get(name);
        if (below === undefined) continue;
        reading = name;
        const value = fields[name];
        if (!isSkipped(value)) {
          if (!key(name) || !planned(value, below, depth + 1)) return false;
          count++;
        }
        if (--left === 0) break;
      }
    } catch (error) {
      throw unreadable(error, reading);
    }
    writeU32(countAt, count);
    return true;
  }

  return {
    /**
     * Throws a `kind: 'values'` error naming the path when reading the variables throws (a
     * getter, a proxy); nothing of that attempt stays behind.
     */
    write(variables, plan) {
      if (writing) return -1;
      const known = names.length;
      let written = false;
      writing = true;
      try {
        if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) return -1;
        if (!isPlainObject(variables) || typeof variables.toJSON === 'function' || inheritsEnumerable()) return -1;
        // The first tape, and the first after a large one (whose memory the core then gives back).
        if (capacity === 0 || capacity > KEPT_CAPACITY) grow(INITIAL_CAPACITY);
        // Memory that grew since the last tape left the view empty.
        else if (tape.byteLength === 0) tape = new Uint8Array(memory.buffer, start, capacity);
        at = 0;
        detached = false;
        written = planned(variables, plan, 0) && !detached && tape.byteLength > 0;
        return written ? at : -1;
      } catch (error) {
        throw valuesError(error);
      } finally {
        // The core learns a key's number only from a tape it reads: one given up on, or thrown
        // out of, takes back the numbers it gave.
        if (!written) while (names.length > known) numbers.delete(names.pop());
        writing = false;
      }
    },
  };
}
