// `--set KEY=VALUE` on top of a values document. What the document means (field values as
// Kublade's API receives them, `limits`, and the overrides `data`, `secret`, `namespace`,
// `paused`) is the core's business (src/kublade); this only builds the document.
import { CliError } from './messages.js';

/** `--set` values for a path: JSON scalars when they look like numbers, booleans or null. */
function parseScalar(text) {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n))) return n;
  }
  return text;
}

/** Sets `a.b.c` in `target`, making mappings on the way; numeric segments index existing lists. */
function setPath(target, path, value) {
  const parts = path.split('.');
  if (parts.some((p) => p === '')) throw new CliError(`--set ${path}: a key path has no empty parts (use a.b.c)`, { exitCode: 2 });
  let node = target;
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const key = Array.isArray(node) && /^\d+$/.test(part) ? Number(part) : part;
    if (Array.isArray(node) && typeof key !== 'number') {
      throw new CliError(`--set ${path}: ${parts.slice(0, i).join('.')} is a list; index it with a number`, { exitCode: 2 });
    }
    // Own properties only, defined rather than assigned: a path through `__proto__` or
    // `constructor.prototype` names plain keys of the values, never an object's prototype.
    if (last) {
      defineOwn(node, key, value);
    } else {
      if (!Object.hasOwn(node, key) || node[key] === null || typeof node[key] !== 'object') defineOwn(node, key, {});
      else defineOwn(node, key, shallowCopy(node[key]));
      node = node[key];
    }
  }
  return target;
}

/**
 * A copy of one level of an array or object: --set changes only the levels on its path, so the
 * document is copied along that path alone (it may nest deeper than a whole copy could recurse).
 */
function shallowCopy(node) {
  if (Array.isArray(node)) return node.slice();
  const copy = {};
  for (const key of Object.keys(node)) defineOwn(copy, key, node[key]);
  return copy;
}

function defineOwn(node, key, value) {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Applies `--set k=v` assignments on top of a values document (a copy). A field's value (a key
 * without a dot) is sent as the string given, as Kublade's form sends it; a path (`data.replicas`,
 * `limit.cpu`) and `paused` take a number, true, false or null when the text reads as one, but
 * `limits.…` stays a string, as Kublade's `$limits['enabled']` is ('true'/'false').
 */
export function applySets(values, assignments = []) {
  // Copied only to be changed: values may hold millions of elements.
  if (!assignments.length) return values ?? {};
  const result = shallowCopy(values ?? {});
  for (const assignment of assignments) {
    const at = assignment.indexOf('=');
    const path = assignment.slice(0, at).trim();
    const raw = assignment.slice(at + 1);
    const typed = (path.includes('.') && !path.startsWith('limits.')) || path === 'paused';
    setPath(result, path, typed ? parseScalar(raw) : raw);
  }
  return result;
}
