// renderFolder(options): a Kublade template folder rendered as one deployment — the CLI, the
// playground and editors all render folders through here, and bring only the files.
//
//   1. the variables, from the core (src/kublade): fields.json and the values as Kublade's API
//      receives them, resolved as Kublade resolves them;
//   2. every file compiled (tabs become two spaces first, as Kublade does) and rendered with the
//      ports the claims get in a dry run;
//   3. with `kublade`, the files Kublade writes (js/kublade/deployment.js);
//   4. only when everything succeeded (and `beforeCommit`, given the outputs, did not throw), the
//      claims committed to the store, once.
// A failure throws the first error (`others` holds the rest) and commits nothing.
import { KubladeError, kubladeFile, kubladeGenerated, kubladeOrder } from './kublade/deployment.js';
import { tapeWriter } from './tape.js';

const TEMPLATE_KEYS = ['dialect', 'escape', 'whitespace', 'limits'];

/** `api` is createApi's; `core` the WebAssembly module (for the Kublade exports). */
export function createFolderRenderer(api, core) {
  /** `{ variables, problems }`; throws the first error problem (with `problems`). */
  function resolveVariables({ fields, values, namespace, scope, defaults = true, fieldsFile = '.kublade/fields.json' }) {
    // The values cross as a value tape, read whole: what JSON cannot carry (nesting past the
    // core's depth, an unpaired surrogate, a BigInt, a cycle) is refused naming where. Their size
    // is bounded first: what a YAML alias names is written each time it is used.
    const given = values === null ? undefined : values;
    if (given !== undefined) checkValuesSize(given, core.maxValueBytes());
    const text = tapeWriter(core).send(given, true, (length) => core.kubladeVariablesTape(fields ?? undefined, length, namespace ?? scope ?? core.defaultScope(), defaults !== false));
    const { variables, problems } = JSON.parse(text);
    // The variables' own text (`{"variables":…,"problems":[…]}`), which keeps PHP's floats.
    const variablesJson = variables === null ? null : text.slice('{"variables":'.length, text.lastIndexOf(',"problems":['));
    const placed = problems.map((p) => ({ ...p, file: p.source === 'fields' ? fieldsFile : 'values', message: problemMessage(p, fieldsFile) }));
    const failed = placed.find((p) => p.severity === 'error');
    if (failed) {
      const error = new Error(failed.message);
      const errors = placed.filter((p) => p.severity === 'error');
      throw Object.assign(error, { kind: failed.source, file: failed.file, field: failed.field, path: failed.path, rule: failed.rule, line: failed.line, column: failed.column, problems: placed, others: errors.slice(1).map((p) => Object.assign(new Error(p.message), { kind: p.source, file: p.file, field: p.field, path: p.path, rule: p.rule })) });
    }
    return { variables, variablesJson, problems: placed };
  }

  /** The render, as steps: each `yield` asks for a claims decision ({ dryRun }). */
  function* plan(options) {
    const kublade = Boolean(options.kublade);
    const { variables, variablesJson, problems } = resolveVariables(options);
    const files = [...(options.files ?? [])];
    if (kublade) files.sort((a, b) => kubladeOrder(a.path, b.path));
    const templateOptions = {};
    for (const key of TEMPLATE_KEYS) if (options[key] !== undefined) templateOptions[key] = options[key];

    const compiled = [];
    try {
      const failures = [];
      for (const file of files) {
        const tabs = expandTabs(file.template);
        try {
          compiled.push({ file, tabs, template: api.compile(tabs.text, { ...templateOptions, name: file.name ?? file.path }) });
        } catch (error) {
          failures.push({ file, error: tabs.restore(error) });
        }
      }
      if (failures.length && !kublade) throw firstOf(failures.map((f) => f.error));
      const decide = (dryRun) => {
        const request = { claims: options.claims ?? [], scope: options.scope, store: options.store, storeTimeoutMs: options.storeTimeoutMs, groups: options.groups, seed: options.seed, dryRun };
        for (const key of Object.keys(request)) if (request[key] === undefined) delete request[key];
        return request;
      };
      let decided = yield decide(true);
      let outcome = produce(compiled, failures, { variables, variablesJson }, decided.claims, options, kublade);
      if (!options.dryRun) {
        // The host's last word before anything is stored: what it throws commits nothing.
        if (typeof options.beforeCommit === 'function') {
          yield { beforeCommit: { files: outcome.files, ...(kublade ? { dirs: outcome.dirs } : {}), claims: decided.claims } };
        }
        const committed = yield decide(false);
        // Another process reserved ports in between: render again with what was committed.
        if (JSON.stringify(committed.claims) !== JSON.stringify(decided.claims)) outcome = produce(compiled, failures, { variables, variablesJson }, committed.claims, options, kublade);
        decided = committed;
      }
      const warnings = problems.filter((p) => p.severity !== 'error').map(({ source, path, line, column, ...p }) => p);
      return {
        files: outcome.files,
        ...(kublade ? { dirs: outcome.dirs } : {}),
        claims: decided.claims,
        allocated: decided.allocated,
        released: decided.released,
        diagnostics: [...warnings, ...(decided.diagnostics ?? [])],
        variables,
      };
    } finally {
      for (const { template } of compiled) template.free?.();
    }
  }

  /** Every file rendered with `portClaims`; with `kublade`, the files Kublade writes. */
  function produce(compiled, failures, { variables, variablesJson }, portClaims, options, kublade) {
    const rendered = [];
    const errors = [...failures];
    // `$portClaims` joins the variables' JSON text, after Kublade's own variables.
    const claimsJson = JSON.stringify(portClaims ?? {});
    const withClaims = variablesJson.length > 2 ? `${variablesJson.slice(0, -1)},"portClaims":${claimsJson}}` : `{"portClaims":${claimsJson}}`;
    for (const { file, tabs, template } of compiled) {
      try {
        rendered.push({ file, path: file.path, output: template.renderJson(withClaims) });
      } catch (error) {
        errors.push({ file, error: tabs.restore(error) });
      }
    }
    if (!kublade) {
      if (errors.length) throw firstOf(errors.map((e) => e.error));
      return { files: rendered.map(({ path, output }) => ({ path, output })) };
    }
    // Kublade stops at the first file that fails, in its order; Blade before YAML for each file.
    const order = new Map((options.files ?? []).map((f) => [f.path, f]));
    const ordered = [...order.values()].sort((a, b) => kubladeOrder(a.path, b.path));
    const failedAt = new Map(errors.map((e) => [e.file.path, e.error]));
    const outputs = new Map(rendered.map((r) => [r.path, r.output]));
    const written = new Map();
    for (const file of ordered) {
      const error = failedAt.get(file.path);
      if (error) throw Object.assign(error, { others: errors.filter((e) => e.error !== error).map((e) => e.error) });
      // Each file's YAML step runs before the next file renders.
      const text = kubladeFile(file.path, outputs.get(file.path), variables.namespace, maxOutput(options));
      if (text !== null) written.set(file.path, text);
    }
    const dirs = options.dirs ?? [];
    kubladeGenerated(written, { dirs, namespace: variables.namespace, netpol: netpolOf(options.kublade) });
    const files = [...written].map(([path, output]) => ({ path, output }));
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { files, dirs };
  }

  function run(options, decideWith) {
    const steps = plan(options);
    let step = steps.next();
    while (!step.done) {
      let decided;
      try {
        decided = step.value.beforeCommit ? options.beforeCommit(step.value.beforeCommit) : decideWith(step.value);
      } catch (error) {
        step = steps.throw(error);
        continue;
      }
      step = steps.next(decided);
    }
    return step.value;
  }

  async function runAsync(options) {
    const steps = plan(options);
    let step = steps.next();
    while (!step.done) {
      let decided;
      try {
        decided = await (step.value.beforeCommit ? options.beforeCommit(step.value.beforeCommit) : api.decide(step.value));
      } catch (error) {
        step = steps.throw(error);
        continue;
      }
      step = steps.next(decided);
    }
    return step.value;
  }

  return {
    renderFolder: (options = {}) => runAsync(options),
    renderFolderSync: (options = {}) => run(options, (request) => api.decideSync(request)),
    /** The variables a folder's templates see (see renderFolder's `fields`, `values`, `namespace`). */
    kubladeVariables: (options = {}) => resolveVariables(options).variables,
  };
}

/**
 * Refuses `values` with the core's values limit before they are written to the core when they
 * would be longer: what a YAML alias names is one object however often it is used, but it is written out
 * each time, so a small file can expand past any memory. The walk stops as soon as the sum passes
 * the limit, and counts no more than JSON writes (a number counts one byte, a string its UTF-16
 * length; `{`/`[` with each member's separator, and `}`/`]`).
 */
function checkValuesSize(values, limit) {
  let bytes = 0;
  // What a value adds, but for an object's members, which the walk visits.
  const own = (value) => {
    if (typeof value === 'string') return value.length + 2;
    if (typeof value === 'number') return 1;
    if (value === null || typeof value !== 'object') return 4;
    return 0;
  };
  // Depth first over the objects only, each one on the path from the root marked (its
  // [object, true] entry unmarks it once its members are counted): a cycle is the tape's to
  // refuse, naming where, as is a getter or proxy that throws; the walk leaves both to it.
  const path = new Set();
  const stack = [];
  const visit = (value) => {
    bytes += own(value);
    if (value !== null && typeof value === 'object') stack.push([value, false]);
  };
  try {
    visit(values);
    while (stack.length && bytes <= limit) {
      const [value, done] = stack.pop();
      if (done) {
        path.delete(value);
        continue;
      }
      if (path.has(value)) return;
      path.add(value);
      stack.push([value, true]);
      if (Array.isArray(value)) {
        // Counted before its elements: a sparse array may be longer than memory.
        bytes += 1 + Math.max(value.length, 1);
        for (let i = value.length - 1; i >= 0 && bytes <= limit; i--) visit(value[i]);
      } else {
        bytes += 1;
        for (const key in value) {
          const item = value[key];
          if (!Object.hasOwn(value, key) || item === undefined || typeof item === 'function') continue;
          bytes += key.length + 4;
          visit(item);
        }
      }
    }
  } catch {
    return;
  }
  if (bytes > limit) {
    // The shape of the core's own error for values past its limit (kind `limit`, field `values`).
    throw Object.assign(new Error(`values: values limit exceeded: the values are more than the ${limit} bytes a render reads (what a YAML alias names counts each time it is used)`), { kind: 'limit', field: 'values' });
  }
}

/** A problem's message as one line that says where: fields.json's path, or the values. */
function problemMessage(problem, fieldsFile) {
  if (problem.source === 'fields' && problem.line) return `${fieldsFile}:${problem.line}:${problem.column}: ${problem.message}`;
  if (problem.source === 'fields' && problem.path) return `${fieldsFile}: ${problem.path}: ${problem.message}`;
  if (problem.source === 'values') return `values: ${problem.message}`;
  return problem.message;
}

/** The output limit a render was given, for what Kublade's YAML step writes. */
function maxOutput(options) {
  const max = options.limits?.maxOutputBytes;
  return typeof max === 'number' && max > 0 ? { maxOutputBytes: max } : {};
}

function netpolOf(kublade) {
  if (!kublade || typeof kublade !== 'object' || !kublade.netpol) return false;
  return kublade.netpol === true ? {} : kublade.netpol;
}

function firstOf(errors) {
  const [first, ...others] = errors;
  if (others.length) first.others = others;
  return first;
}

/**
 * A template with each tab as two spaces (Kublade's first step), and `restore(error)` and
 * `restoreRange(range)`, which move a column back to where the user's text has it.
 */
export function expandTabs(template) {
  if (!template.includes('\t')) return { text: template, restore: (error) => error, restoreRange: (range) => range };
  const lines = template.split('\n');
  const back = (line, column) => {
    const text = lines[line - 1];
    if (column === undefined || text === undefined || !text.includes('\t')) return column;
    let expanded = 1;
    let original = 1;
    for (const char of text) {
      const width = char === '\t' ? 2 : 1;
      if (expanded + width > column) return original;
      expanded += width;
      original += 1;
    }
    return original;
  };
  return {
    text: template.replaceAll('\t', '  '),
    restoreRange: (range) =>
      range && {
        start: { line: range.start.line, column: back(range.start.line, range.start.column) },
        end: { line: range.end.line, column: back(range.end.line, range.end.column) },
      },
    restore(error) {
      if (error && typeof error === 'object' && error.line) {
        const column = back(error.line, error.column);
        // The message says where too: `name:LINE:COLUMN: …`.
        if (typeof error.message === 'string') error.message = error.message.replace(`:${error.line}:${error.column}: `, `:${error.line}:${column}: `);
        error.column = column;
        if (error.endLine) error.endColumn = back(error.endLine, error.endColumn);
        if (error.sourceLine !== undefined) error.sourceLine = lines[error.line - 1];
      }
      return error;
    },
  };
}

export { KubladeError };
