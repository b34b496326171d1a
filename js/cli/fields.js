// Kublade's input fields (`.kublade/fields.json`) and the values that fill them: the variables a
// template sees ($namespace, $data, $secret, $limits, $paused; $portClaims comes from the claims).
//
// A values document (a --values file, then every --set on top of it) holds:
//   - field values by field key: `replicas: 3` (secret fields land in $secret, the others in $data;
//     without fields.json everything lands in $data);
//   - `data` and `secret`: mappings merged into $data and $secret as they are;
//   - `namespace`, `limits`, `paused`: those variables.
import { CliError } from './messages.js';

const RESERVED = new Set(['namespace', 'data', 'secret', 'limits', 'paused']);
const NUMBER_TYPES = new Set(['input_number', 'input_range', 'number', 'range']);
const CHOICE_TYPES = new Set(['select', 'input_radio', 'input_radio_image', 'radio']);

const describe = (v) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : JSON.stringify(v));
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Validates a parsed fields.json: an array of `{ type, key, label, value, required, secret, min, max, options }`. */
export function parseFields(doc, file = 'fields.json') {
  const bad = (where, message) => {
    const error = new CliError(`${file}: ${where}: ${message}`, { file });
    error.field = where;
    throw error;
  };
  if (!Array.isArray(doc)) bad('(top level)', `must be an array of fields, got ${describe(doc)}`);
  const seen = new Map();
  return doc.map((field, i) => {
    if (!isObject(field)) bad(`[${i}]`, `must be an object with a "key", got ${describe(field)}`);
    if (typeof field.key !== 'string' || field.key === '') bad(`[${i}].key`, `must be a non-empty string, got ${describe(field.key)}`);
    if (seen.has(field.key)) bad(`[${i}].key`, `${JSON.stringify(field.key)} is declared twice (first at [${seen.get(field.key)}])`);
    seen.set(field.key, i);
    for (const bound of ['min', 'max']) {
      if (field[bound] !== undefined && field[bound] !== null && !Number.isFinite(Number(field[bound]))) {
        bad(`[${i}].${bound}`, `must be a number, got ${describe(field[bound])}`);
      }
    }
    if (field.options !== undefined && field.options !== null && !Array.isArray(field.options)) {
      bad(`[${i}].options`, `must be an array, got ${describe(field.options)}`);
    }
    return { ...field, index: i };
  });
}

const optionValue = (option) => (isObject(option) ? option.value : option);

/** The field's default: its `value`, else the option marked `default: true`. */
export function defaultOf(field) {
  if (field.value !== undefined && field.value !== null) return field.value;
  const marked = (field.options ?? []).find((o) => isObject(o) && o.default === true);
  return marked ? optionValue(marked) : null;
}

/** `--set` values: JSON scalars when they look like numbers, booleans or null; strings otherwise. */
export function parseScalar(text) {
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
export function setPath(target, path, value) {
  const parts = path.split('.');
  if (parts.some((p) => p === '')) throw new CliError(`--set ${path}: a key path has no empty parts (use a.b.c)`, { exitCode: 2 });
  let node = target;
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const key = Array.isArray(node) && /^\d+$/.test(part) ? Number(part) : part;
    if (Array.isArray(node) && typeof key !== 'number') {
      throw new CliError(`--set ${path}: ${parts.slice(0, i).join('.')} is a list; index it with a number`, { exitCode: 2 });
    }
    if (last) {
      node[key] = value;
    } else {
      if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
      node = node[key];
    }
  }
  return target;
}

/** Applies `--set k=v` assignments on top of a values document (a copy). */
export function applySets(values, assignments = []) {
  const result = structuredClone(values ?? {});
  for (const assignment of assignments) {
    const at = assignment.indexOf('=');
    const path = assignment.slice(0, at).trim();
    const raw = assignment.slice(at + 1);
    // Kublade's limits are strings ('true'/'false'), so --set limits.enabled=false stays a string.
    const value = path === 'limits' || path.startsWith('limits.') ? raw : parseScalar(raw);
    setPath(result, path, value);
  }
  return result;
}

function deepMerge(target, source) {
  for (const [key, value] of Object.entries(source)) {
    if (isObject(value) && isObject(target[key])) deepMerge(target[key], value);
    else target[key] = structuredClone(value);
  }
  return target;
}

/**
 * Builds the template variables from the fields' defaults, the values document and the options.
 * Returns `{ variables, problems }`; a problem is `{ field, message, severity }`. In `check` mode a
 * required field without a value gets a placeholder so that the templates can still be checked.
 */
export function buildVariables({ fields = null, values = {}, namespace, scope = 'default', mode = 'render', fieldsFile = 'fields.json' }) {
  const data = {};
  const secret = {};
  const problems = [];
  const byKey = new Map((fields ?? []).map((f) => [f.key, f]));
  const home = (key) => (byKey.get(key)?.secret === true ? secret : data);

  for (const field of fields ?? []) home(field.key)[field.key] = structuredClone(defaultOf(field));

  if ('portClaims' in values) {
    throw new CliError('values: `portClaims` cannot be given as a value: the ports come from the claims', {
      hint: 'declare each claim in the ports file (--ports or .kublade/ports.json); to ask for a port, give it a "preferred_port"',
    });
  }
  for (const [key, value] of Object.entries(values)) {
    if (RESERVED.has(key)) continue;
    if (fields && !byKey.has(key)) {
      const known = [...byKey.keys()];
      problems.push({
        field: key,
        severity: 'error',
        message: `values: there is no field ${JSON.stringify(key)} in ${fieldsFile}${known.length ? ` (its fields: ${known.join(', ')})` : ''}`,
        hint: 'to pass a value the fields do not declare, put it under data: (e.g. --set data.' + key + '=…)',
      });
      continue;
    }
    const target = home(key);
    if (isObject(value) && isObject(target[key])) deepMerge(target[key], value);
    else target[key] = structuredClone(value);
  }
  for (const [name, target] of [['data', data], ['secret', secret]]) {
    if (values[name] === undefined || values[name] === null) continue;
    if (!isObject(values[name])) throw new CliError(`values: \`${name}\` must be a mapping, got ${describe(values[name])}`);
    deepMerge(target, values[name]);
  }

  for (const field of fields ?? []) {
    const target = home(field.key);
    const value = target[field.key];
    const label = field.label ? ` (${field.label})` : '';
    const name = `field ${JSON.stringify(field.key)}${label}`;
    const empty = value === undefined || value === null || value === '';
    if (empty) {
      if (field.required === true) {
        if (mode === 'check') {
          target[field.key] = `<${field.key}>`;
          problems.push({ field: field.key, severity: 'warning', message: `${name} is required and has no value; checked with the placeholder "<${field.key}>"` });
        } else {
          problems.push({
            field: field.key,
            severity: 'error',
            message: `${name} is required and has no value`,
            hint: `give it with --set ${field.key}=… or in a --values file`,
          });
        }
      }
      continue;
    }
    const hasBounds = [field.min, field.max].some((b) => b !== undefined && b !== null);
    if (NUMBER_TYPES.has(field.type) || hasBounds) {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) {
        problems.push({ field: field.key, severity: 'error', message: `${name} must be a number, got ${describe(value)}` });
        continue;
      }
      if (field.min !== undefined && field.min !== null && n < Number(field.min)) {
        problems.push({ field: field.key, severity: 'error', message: `${name} is ${n}, below its minimum ${field.min}` });
      }
      if (field.max !== undefined && field.max !== null && n > Number(field.max)) {
        problems.push({ field: field.key, severity: 'error', message: `${name} is ${n}, above its maximum ${field.max}` });
      }
    }
    const options = Array.isArray(field.options) ? field.options : null;
    if (options && options.length && (CHOICE_TYPES.has(field.type) || field.type === undefined)) {
      const allowed = options.map(optionValue);
      if (!allowed.some((a) => a === value || (a !== null && value !== null && String(a) === String(value)))) {
        problems.push({
          field: field.key,
          severity: 'error',
          message: `${name} is ${describe(value)}, which is not one of its options: ${allowed.map(describe).join(', ')}`,
        });
      }
    }
  }

  const limits = { enabled: 'false' };
  if (values.limits !== undefined && values.limits !== null) {
    if (!isObject(values.limits)) throw new CliError(`values: \`limits\` must be a mapping, got ${describe(values.limits)}`);
    Object.assign(limits, structuredClone(values.limits));
  }
  const paused = values.paused ?? false;
  const variables = {
    namespace: namespace ?? (values.namespace !== undefined && values.namespace !== null ? values.namespace : scope),
    data,
    secret,
    limits,
    paused,
  };
  return { variables, problems };
}
