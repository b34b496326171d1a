// Template variables as a value tape: the bytes the core reads (src/engine/values/tape.rs has the
// format), written straight into the core's memory. For a small manifest, JSON.stringify and
// parsing its text back cost more than the render.
//
// Only what a template can read crosses: the core says what that is (`CompiledTemplate.reads()`:
// each name maps to `true`, read whole, or to the keys read below it; `null` when unknown), and
// the writer leaves the rest out. Below what it reads, the writer walks the variables as
// JSON.stringify does (toJSON, boxed primitives, own enumerable keys, functions and undefined left
// out or null), so the core reads what it would read of `JSON.stringify(variables)` wherever the
// template looks. What JSON cannot carry (a BigInt, a cycle, an unpaired surrogate, a getter that
// throws) is a `kind: 'values'` error naming where.

/** A tape buffer larger than this is given back before the next tape. */
const KEPT_CAPACITY = 1 << 20;
const INITIAL_CAPACITY = 4096;
/** Keys the core learns to know by number: a template's variables use a few dozen. */
const KNOWN_KEYS = 4096;

const encoder = new TextEncoder();
const number = new Float64Array(1);
const numberBytes = new Uint8Array(number.buffer);
const EMPTY = {};
const INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * Turns the core's tree of reads into nested [key, subtree] lists, once per template; each list
 * also has `byKey`, the same as a Map.
 */
export function readPlan(reads) {
  if (reads === true || reads === null || typeof reads !== 'object') return true;
  const entries = Object.keys(reads).map((key) => [key, readPlan(reads[key])]);
  entries.byKey = new Map(entries);
  return entries;
}

/** How much of `items` the tape holds: up to the highest index `plan` reads that it has. */
function readLength(items, plan) {
  let length = 0;
  for (const [key] of plan) if (INDEX.test(key) && Number(key) < items.length) length = Math.max(length, Number(key) + 1);
  return length;
}

/** Whether JSON.stringify leaves this out of an object (and writes null for it in an array). */
const isSkipped = (value) => value === undefined || typeof value === 'function' || typeof value === 'symbol';

/** Whether Object.prototype has enumerable properties, which for-in would walk and JSON would not. */
function inheritsEnumerable() {
  for (const _ in EMPTY) return true;
  return false;
}

/** What JSON.stringify writes for `value`, held under `key`: first what its toJSON answers. */
function jsonOf(value, key) {
  if (((typeof value === 'object' && value !== null) || typeof value === 'bigint') && typeof value.toJSON === 'function') {
    return value.toJSON(String(key));
  }
  return value;
}

const writers = new WeakMap();

/**
 * The writer of tapes into `core`'s tape buffer: `send(variables, plan, consume)` writes the
 * tape and hands its length to `consume`, which must have the core read it (a render). One per
 * core, which knows its keys' numbers.
 */
export function tapeWriter(core) {
  let writer = writers.get(core);
  if (!writer) {
    writer = createTapeWriter(core);
    writers.set(core, writer);
  }
  return writer;
}

/** Forgets `core`'s writer, whose view of the core's memory a restarted core no longer has. */
export function forgetTapeWriter(core) {
  writers.delete(core);
}

function createTapeWriter(core) {
  // The format's tags, key flags and depth are the core's (src/engine/values/tape.rs).
  const { memory, NULL, FALSE, TRUE, INT32, INT53, FLOAT, STRING, ARRAY, OBJECT, KEY_KNOWN, KEY_NEW, MAX_DEPTH } = core.tapeFormat();
  // The core's tape buffer: where it starts in the core's memory, and a view of it.
  let coreStart = 0;
  let coreCapacity = 0;
  let coreView = new Uint8Array(0);
  // Where the tape is being written: straight into the core's buffer (`direct`), or apart, into
  // a buffer of JS's own that is copied in at the end.
  let tape = coreView;
  let capacity = 0;
  let at = 0;
  let direct = true;
  // Whether writes into the core's buffer may have been dropped or overwritten: the variables'
  // own code (a getter, a toJSON, a proxy's trap) ran the core meanwhile, which may grow its memory
  // (emptying every view of it) or write a tape of its own there.
  let lost = false;
  // Tapes being written: a getter among the variables may render too, with a tape of its own.
  let nesting = 0;
  let polluted = false;
  // Keys by their number in the core, which learns a key's number from the first tape it reads
  // that uses it; a render that fails takes back the numbers it gave, since the core may not have
  // read its tape.
  const numbers = new Map();
  const names = [];

  /** Makes the core's buffer `bytes` long (keeping what it holds) and views it afresh. */
  function sizeCore(bytes) {
    coreStart = core.tapeRoom(bytes);
    coreCapacity = bytes;
    coreView = new Uint8Array(memory.buffer, coreStart, bytes);
  }

  /** The view of the core's buffer, made again if the core's memory grew since. */
  function viewCore() {
    if (coreView.byteLength === 0) coreView = new Uint8Array(memory.buffer, coreStart, coreCapacity);
  }

  // Kept small, to be inlined where bytes are written; `grow` is the rare path.
  function room(bytes) {
    if (at + bytes > capacity) grow(bytes);
  }

  function grow(bytes) {
    const size = Math.max(capacity * 2, at + bytes);
    if (direct) {
      if (tape.byteLength === 0) lost = true;
      sizeCore(size);
      tape = coreView;
    } else {
      const grown = new Uint8Array(size);
      grown.set(tape.subarray(0, at));
      tape = grown;
    }
    capacity = size;
  }

  /** The tape's length: written straight into the core's buffer; -1 if writes there were lost. */
  function writeInCore(variables, plan) {
    // The first tape, and the first after a large one (whose memory the core then gives back).
    if (coreCapacity === 0 || coreCapacity > KEPT_CAPACITY) sizeCore(INITIAL_CAPACITY);
    else viewCore();
    tape = coreView;
    capacity = coreCapacity;
    direct = true;
    lost = false;
    const length = writeRoot(variables, plan);
    return lost || tape.byteLength === 0 ? -1 : length;
  }

  /** The tape's length: written apart, then copied into the core's buffer. */
  function writeApart(variables, plan) {
    tape = new Uint8Array(INITIAL_CAPACITY);
    capacity = INITIAL_CAPACITY;
    direct = false;
    const length = writeRoot(variables, plan);
    if (length > coreCapacity) sizeCore(length);
    else viewCore();
    coreView.set(tape.subarray(0, length));
    return length;
  }

  function writeRoot(variables, plan) {
    at = 0;
    const root = jsonOf(variables, '');
    return !isSkipped(root) && writeValue(root, plan, 0) ? at : 0;
  }

  function writeU32(where, n) {
    tape[where] = n;
    tape[where + 1] = n >>> 8;
    tape[where + 2] = n >>> 16;
    tape[where + 3] = n >>> 24;
  }


  /** A string's byte length and UTF-8 bytes. */
  function text(value) {
    const length = value.length;
    room(4 + 3 * length);
    const first = at + 4;
    let end = first;
    for (let i = 0; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 0x80) {
        if (!value.isWellFormed()) throw unpaired(value);
        // A view the core's memory growth emptied takes no subarray: the tape is lost anyway.
        if (tape.byteLength === 0) {
          lost = true;
          end = first + encoder.encode(value).length;
        } else {
          end = first + encoder.encodeInto(value, tape.subarray(first)).written;
        }
        break;
      }
      tape[end++] = code;
    }
    writeU32(at, end - first);
    at = end;
  }

  function key(name) {
    const number = numbers.get(name);
    if (number !== undefined && nesting === 1) {
      room(4);
      writeU32(at, KEY_KNOWN | number);
      at += 4;
      return;
    }
    // An inline key's byte length must stay clear of the flags (and no real key comes near).
    if (name.length >= 0x10000000) throw new UnwritableKey(`a key of ${name.length} characters is too long`);
    if (!name.isWellFormed()) throw new UnwritableKey(`the key ${JSON.stringify(name)} holds an unpaired UTF-16 surrogate, which UTF-8 cannot hold`);
    // A tape written while another is (a getter that renders) spells its keys out: the core has
    // not read the numbers the other one gave yet.
    if (names.length >= KNOWN_KEYS || nesting > 1) {
      text(name);
      return;
    }
    room(4);
    writeU32(at, KEY_NEW | names.length);
    at += 4;
    text(name);
    numbers.set(name, names.length);
    names.push(name);
  }

  /** Takes back the key numbers given after the first `known`. */
  function forget(known) {
    while (names.length > known) numbers.delete(names.pop());
  }

  function writeNumber(value) {
    room(9);
    if ((value | 0) === value) {
      tape[at] = INT32;
      writeU32(at + 1, value);
      at += 5;
      return;
    }
    // JSON writes NaN and the infinities as null.
    if (!Number.isFinite(value)) {
      tape[at++] = NULL;
      return;
    }
    tape[at] = Number.isSafeInteger(value) ? INT53 : FLOAT;
    number[0] = value;
    // Byte by byte: `set` throws on a view the core's memory growth emptied, where writes drop.
    for (let i = 0; i < 8; i++) tape[at + 1 + i] = numberBytes[i];
    at += 9;
  }

  /** `value` (after its toJSON) as `plan` reads it; false when JSON leaves it out. */
  function writeValue(value, plan, depth) {
    switch (typeof value) {
      case 'string':
        room(1);
        tape[at++] = STRING;
        text(value);
        return true;
      case 'number':
        writeNumber(value);
        return true;
      case 'boolean':
        room(1);
        tape[at++] = value ? TRUE : FALSE;
        return true;
      case 'bigint':
        throw new TypeError('a BigInt has no JSON form: use a number or a string');
      case 'object': {
        if (value === null) {
          room(1);
          tape[at++] = NULL;
          return true;
        }
        if (Array.isArray(value)) return writeArray(value, plan, depth);
        const prototype = Object.getPrototypeOf(value);
        if (prototype === Object.prototype || prototype === null) return writeObject(value, plan, depth, !polluted);
        // A boxed primitive writes as its value, as JSON.stringify writes it.
        const boxed =
          value instanceof Number ? Number(value)
          : value instanceof String ? String(value)
          : value instanceof Boolean || value instanceof BigInt ? value.valueOf()
          : value;
        return boxed === value ? writeObject(value, plan, depth, false) : writeValue(boxed, plan, depth);
      }
      default:
        return false;
    }
  }

  /** An array up to the highest index `plan` reads (all of it when read whole); the rest null. */
  function writeArray(items, plan, depth) {
    if (depth >= MAX_DEPTH) throw new TooDeep();
    const whole = plan === true;
    const length = whole ? items.length : readLength(items, plan);
    room(5);
    tape[at] = ARRAY;
    writeU32(at + 1, length);
    at += 5;
    let i = 0;
    try {
      for (; i < length; i++) {
        const below = whole ? true : plan.byKey.get(String(i));
        const item = below === undefined ? undefined : jsonOf(items[i], i);
        if (isSkipped(item) || !writeValue(item, below, depth + 1)) {
          room(1);
          tape[at++] = NULL;
        }
      }
    } catch (error) {
      throw unreadable(error, i);
    }
    return true;
  }

  /**
   * An object's own enumerable entries that `plan` reads (all of them when read whole), in
   * JSON.stringify's order. `forIn`: a plain object, and nothing inherited is enumerable, so
   * for-in walks just its own keys (V8 reads a for-in's values far faster than Object.keys').
   */
  function writeObject(fields, plan, depth, forIn) {
    if (depth >= MAX_DEPTH) throw new TooDeep();
    room(5);
    const countAt = at + 1;
    tape[at] = OBJECT;
    at += 5;
    const count = plan === true ? writeFields(fields, depth, forIn) : writePlannedFields(fields, plan, depth, forIn);
    writeU32(countAt, count);
    return true;
  }

  // The loops apart, each small enough for V8 to inline what it calls.
  function writeFields(fields, depth, forIn) {
    let count = 0;
    let reading;
    try {
      if (forIn) for (const name in fields) count += writeEntry(fields, (reading = name), true, depth);
      else for (const name of Object.keys(fields)) count += writeEntry(fields, (reading = name), true, depth);
    } catch (error) {
      // A key that cannot be written is the object's problem: its path ends above the key.
      throw unreadable(error, error instanceof UnwritableKey ? undefined : reading);
    }
    return count;
  }

  function writePlannedFields(fields, plan, depth, forIn) {
    let count = 0;
    let reading;
    try {
      if (forIn) {
        // The entries' order only shows in an object read whole: this one stops at the last key read.
        const wanted = plan.byKey;
        let left = plan.length;
        for (const name in fields) {
          const below = wanted.get(name);
          if (below === undefined) continue;
          count += writeEntry(fields, (reading = name), below, depth);
          if (--left === 0) break;
        }
      } else {
        for (const [name, below] of plan) {
          reading = name;
          if (Object.prototype.propertyIsEnumerable.call(fields, name)) count += writeEntry(fields, name, below, depth);
        }
      }
    } catch (error) {
      // A key that cannot be written is the object's problem: its path ends above the key.
      throw unreadable(error, error instanceof UnwritableKey ? undefined : reading);
    }
    return count;
  }

  /** One entry of an object, its key and its value: 1, or 0 when JSON leaves it out. */
  function writeEntry(fields, name, below, depth) {
    const value = jsonOf(fields[name], name);
    if (isSkipped(value)) return 0;
    key(name);
    writeValue(value, below, depth + 1);
    return 1;
  }

  return {
    /**
     * Writes `variables` as `plan` reads them and answers what `consume(length)` answers, where
     * `length` is the tape's (0 for no variables). Reading the variables may throw: a
     * `kind: 'values'` error naming where, and nothing of that attempt stays behind.
     */
    send(variables, plan, consume) {
      // A tape written while another is (a getter that renders) is written apart.
      const outer = nesting === 0 ? null : { tape, capacity, at, direct };
      nesting++;
      const known = names.length;
      let read = false;
      try {
        let length;
        try {
          if (outer) {
            length = writeApart(variables, plan);
          } else {
            polluted = inheritsEnumerable();
            length = writeInCore(variables, plan);
            // The variables' own code ran the core while the tape was written: again, apart,
            // with the numbers the lost tape gave taken back (the core never read it).
            if (length < 0) {
              forget(known);
              length = writeApart(variables, plan);
            }
          }
        } catch (error) {
          throw valuesError(error instanceof Unreadable && error.cause instanceof TooDeep ? tooDeep(variables, error.path) : error);
        }
        const answer = consume(length);
        read = true;
        return answer;
      } finally {
        nesting--;
        if (!read) forget(known);
        if (outer) {
          // Back to the tape this one was written in the middle of; one in the core's buffer
          // was overwritten there, so its writer finishes into a scratch buffer and writes again.
          ({ tape, capacity, at, direct } = outer);
          if (direct) {
            lost = true;
            direct = false;
            tape = new Uint8Array(capacity);
          }
        }
      }
    },
  };
}

/** Nesting deeper than the core reads: what it is is told once the path to it is known. */
class TooDeep {}

/**
 * The error for nesting too deep at `path` of `variables`: a cycle, named down to where it first
 * closes, when the path passes a container twice. The path is walked again to tell.
 */
function tooDeep(variables, path) {
  const way = [jsonOf(variables, '')];
  for (const key of path) way.push(jsonOf(way[way.length - 1][key], key));
  for (let depth = 1; depth < way.length; depth++) {
    if (way.lastIndexOf(way[depth], depth - 1) !== -1) {
      return Object.assign(new Unreadable(new TypeError('holds an object it is inside of (a cycle)')), { path: path.slice(0, depth) });
    }
  }
  return Object.assign(new Unreadable(new TypeError(`nests arrays and objects more than ${path.length} deep`)), { path: path.slice(0, 1) });
}

/** A key the tape cannot hold. */
class UnwritableKey extends TypeError {}

/** What the variables threw while being read, and the keys (and indexes) down to it. */
class Unreadable {
  constructor(cause) {
    this.cause = cause;
    this.path = [];
  }
}

function unreadable(error, key) {
  const failure = error instanceof Unreadable ? error : new Unreadable(error);
  if (key !== undefined) failure.path.unshift(key);
  return failure;
}

/** The error a render fails with when its values cannot be read. */
function valuesError(error) {
  const failure = error instanceof Unreadable ? error : new Unreadable(error);
  const { cause, path } = failure;
  let where = '';
  for (const key of path) where += typeof key === 'number' ? `[${key}]` : where === '' ? key : `.${key}`;
  const reason = cause instanceof Error ? cause.message : String(cause);
  // One line: V8 words some errors over several.
  const message = `values: ${where === '' ? '' : `${where}: `}${reason.split('\n')[0]}`;
  return Object.assign(new Error(message, { cause }), { kind: 'values', field: 'values' });
}

function unpaired(value) {
  let i = 0;
  for (; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0xd800 || code > 0xdfff) continue;
    if (code <= 0xdbff && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    else break;
  }
  const unit = value.charCodeAt(i).toString(16);
  return new TypeError(`holds an unpaired UTF-16 surrogate (\\u${unit} at index ${i}), which UTF-8 cannot hold`);
}
