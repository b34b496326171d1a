// check(options): what is wrong with a template (or a folder of templates), as diagnostics an
// editor can underline, without reserving anything: the ports are decided in a dry run.
//
//   - a claim used but not declared, a claim declared and never used
//   - a directive whose indentation leaks into the output
//   - output that is not valid YAML
//   - a Kubernetes port outside 1–65535; the same nodePort, hostPort or Service port used twice
//   - render errors, and fields or values Kublade refuses
//   - Kublade's traps (see kubladeTraps below); with `kublade`, whatever fails Kublade's YAML step
//
// Each diagnostic: { severity, message, file, range: { start: { line, column }, end } } (1-based).
import { lineColumn, rangeOfClaim, rangeOfPath } from './cli/json.js';
import { expandTabs } from './folder.js';
import { kubladeFile } from './kublade/deployment.js';
import { REPEATED_KEY, offsetOf, repeatedKey } from './yaml-keys.js';
const PORT_KEYS = new Set(['port', 'targetPort', 'nodePort', 'containerPort', 'hostPort']);
const TEMPLATE_OPTION_KEYS = ['dialect', 'escape', 'whitespace', 'limits'];

const point = (line, column) => ({ line, column });
const rangeOf = (line, column, endLine = line, endColumn = column + 1) => ({ start: point(line, column), end: point(endLine, endColumn) });
const WHOLE_FILE = rangeOf(1, 1, 1, 1);

function pick(object, keys) {
  const picked = {};
  for (const key of keys) if (object[key] !== undefined) picked[key] = object[key];
  return picked;
}

/** A diagnostic from an error the API threw. */
export function diagnosticOfError(error, file) {
  const where = error?.file ?? file;
  let message = String(error?.message ?? error).split('\n')[0];
  if (error?.line) {
    const prefix = `${where}:${error.line}:${error.column}: `;
    if (message.startsWith(prefix)) message = message.slice(prefix.length);
  } else if (where && message.startsWith(`${where}: `)) {
    message = message.slice(where.length + 2);
  }
  const range = error?.line
    ? rangeOf(error.line, error.column ?? 1, error.endLine ?? error.line, error.endColumn ?? (error.column ?? 1) + 1)
    : WHOLE_FILE;
  return { severity: 'error', message, file: where, range, ...(error?.kind ? { kind: error.kind } : {}) };
}

function isYamlFile(path) {
  const name = path.split('/').pop();
  return /\.(ya?ml|json)$/i.test(name) || !name.includes('.');
}

/**
 * Maps lines of a rendered output back to the template's lines, by the text each template line
 * prints as written (the core's `printedLines()`: pieces around what the render computes, which
 * may be anything). Good enough to point at the line that produced a YAML problem; `undefined`
 * when no line matches. `printed` is `null` for the Jinja dialect: nothing maps.
 */
function outputLineMapper(template, output, printed) {
  const templateLines = template.split('\n');
  const matchers = (printed ?? []).map((pieces) => (pieces ? printedLineMatcher(pieces) : undefined));
  const outputLines = output.split('\n');
  const mapped = new Array(outputLines.length);
  // Each output line is compared with every template line at worst: bounded, so that a large
  // output that matches nothing costs check no more than this; lines past it stay unmapped.
  let budget = MAX_LINE_COMPARISONS;
  let cursor = 0;
  for (let o = 0; o < outputLines.length && budget > 0; o++) {
    const text = outputLines[o].trim();
    let found;
    const test = (t) => {
      budget--;
      if (matchers[t]?.(text)) found = t;
    };
    for (let t = cursor; t < matchers.length && found === undefined && budget > 0; t++) test(t);
    for (let t = 0; t < cursor && found === undefined && budget > 0; t++) test(t);
    if (found !== undefined) {
      mapped[o] = found;
      cursor = found + 1;
    }
  }
  return (outputLine) => {
    const t = mapped[outputLine - 1];
    return t === undefined ? undefined : { line: t + 1, text: templateLines[t] };
  };
}

const MAX_LINE_COMPARISONS = 2_000_000;

/**
 * Whether a trimmed output line can be what a template line printed: its first piece starts it,
 * its last ends it, the others come in order between (each computed part may print anything).
 */
function printedLineMatcher(pieces) {
  if (pieces.length === 1) {
    const whole = pieces[0].trim();
    return (text) => text === whole;
  }
  const first = pieces[0].trimStart();
  const last = pieces[pieces.length - 1].trimEnd();
  const middle = pieces.slice(1, -1).filter((p) => p !== '');
  return (text) => {
    if (!text.startsWith(first) || !text.endsWith(last)) return false;
    let at = first.length;
    const end = text.length - last.length;
    if (end < at) return false;
    for (const piece of middle) {
      const found = text.indexOf(piece, at);
      if (found < 0 || found + piece.length > end) return false;
      at = found + piece.length;
    }
    return true;
  };
}

/**
 * A diagnostic of the claims core (`{ severity, message, claim }`) made ready for an editor: in the
 * claims file, at the claim's name, its message naming the claim.
 */
export function placeClaimDiagnostic(d, claimsFile = 'ports.json', claimsText = undefined) {
  const placed = { ...d, file: d.file ?? claimsFile };
  if (d.field !== undefined) {
    // About one field of the claims (`[0].group`): named as the claims' errors name theirs.
    placed.message = `${claimsFile}: ${d.field}: ${d.message}`;
  } else if (d.claim !== undefined && !String(d.message).includes(JSON.stringify(d.claim))) {
    placed.message = `claim ${JSON.stringify(d.claim)}: ${d.message}`;
  }
  placed.range = d.range ?? (d.field !== undefined ? rangeOfPath(claimsText, d.field) : undefined) ?? (d.claim !== undefined ? rangeOfClaim(claimsText, d.claim) : undefined) ?? WHOLE_FILE;
  return placed;
}

function placeholderPorts(claims) {
  const ports = {};
  let next = 49152;
  for (const claim of claims) {
    if (claim && typeof claim.claim === 'string') ports[claim.claim] = Number.isInteger(claim.preferred_port) ? claim.preferred_port : next++;
  }
  return ports;
}

const describePort = (v) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/**
 * Builds `check` over an API (`renderSync`, `compile`). `loadYaml` returns the `yaml` package; it
 * is called on the first check only, so that importing the API stays fast.
 */
export function createCheck(api, loadYaml) {
  let YAML;
  return function check(options = {}) {
    YAML ??= loadYaml();
    const diagnostics = [];
    const files = options.files ?? [{ path: options.name ?? 'template', template: options.template ?? '' }];
    const claimsFile = options.claimsFile ?? 'ports.json';
    const declared = Array.isArray(options.claims) ? options.claims : [];
    const declaredIn = options.claimsFile ? `in ${options.claimsFile}` : declared.length ? 'among the claims' : '(no claims were given)';
    const declaredNames = new Set(declared.map((c) => c?.claim).filter((c) => typeof c === 'string'));
    const templateOptions = pick(options, TEMPLATE_OPTION_KEYS);
    const variables = kubladeVariables(api, options, diagnostics);

    // The ports, decided as a render would decide them, but in a dry run: nothing is reserved.
    let portClaims;
    try {
      const decided = api.decideSync({
        claims: options.claims ?? [],
        scope: options.scope,
        store: options.store,
        groups: options.groups,
        seed: options.seed,
        dryRun: true,
      });
      portClaims = decided.claims;
      for (const d of decided.diagnostics ?? []) diagnostics.push(placeClaimDiagnostic(d, claimsFile, options.claimsText));
    } catch (error) {
      // The port groups' own errors are in the groups file, not the claims.
      const inGroups = error?.source === 'port groups' && typeof error.detail === 'string';
      const d = inGroups ? { ...diagnosticOfError(error, options.groupsFile ?? 'port groups'), message: error.detail.split('\n')[0] } : diagnosticOfError(error, claimsFile);
      const claim = inGroups ? undefined : error?.claim;
      if (!error?.line && claim) d.range = rangeOfClaim(options.claimsText, claim) ?? d.range;
      if (!error?.line && !claim && error?.field && !inGroups) d.range = rangeOfPath(options.claimsText, error.field) ?? d.range;
      // Placed in the claims file, the error need not name it.
      if (error?.source === 'ports.json' && typeof error.detail === 'string') d.message = error.detail.split('\n')[0];
      diagnostics.push(d);
      portClaims = placeholderPorts(declared);
    }

    const used = new Set();
    const rendered = [];
    for (const file of files) {
      const own = [];
      let compiled;
      // Kublade turns every tab into two spaces before Blade sees the text.
      const tabs = expandTabs(file.template);
      if (variables) own.push(...kubladeTraps(api, file, variables));
      try {
        compiled = api.compile(tabs.text, { ...templateOptions, name: file.path });
      } catch (error) {
        diagnostics.push(...own, diagnosticOfError(tabs.restore(error), file.path));
        continue;
      }
      try {
        const lines = file.template.split('\n');
        const references = (compiled.claimReferences() ?? []).map((ref) => ({ ...ref, range: tabs.restoreRange(ref.range) }));
        const undeclared = references.filter((ref) => !declaredNames.has(ref.name));
        for (const ref of references) used.add(ref.name);
        // A claim tested with isset() (or given a default with ??) anywhere in the file is
        // optional there: one note at the test (the core marks it `guarded`), no error for the
        // uses it guards.
        const guardedNames = new Set(undeclared.filter((ref) => ref.guarded).map((ref) => ref.name));
        for (const ref of undeclared) {
          const guarded = guardedNames.has(ref.name);
          if (guarded && !ref.guarded) continue;
          own.push({
            severity: guarded ? 'info' : 'error',
            message: guarded
              ? `claim ${JSON.stringify(ref.name)} is not declared ${declaredIn}, so this part of the template is never rendered`
              : `claim ${JSON.stringify(ref.name)} is used but not declared ${declaredIn}`,
            file: file.path,
            range: ref.range,
            claim: ref.name,
          });
        }
        for (const range of compiled.leakyDirectives().map(tabs.restoreRange)) {
          const leak = { range };
          const at = lines[range.start.line - 1]?.slice(range.start.column - 1) ?? '';
          const directive = /^@\w+/.exec(at)?.[0] ?? 'the directive';
          const shown = directive.startsWith('@') || directive.startsWith('the ') ? directive : `@${directive}`;
          own.push({
            severity: 'warning',
            message:
              leak.message ??
              `the indentation before ${shown} stays in the output and shifts the next line (Blade removes only the line break after a directive)`,
            file: file.path,
            range: leak.range,
            hint: 'start the directive at column 1, or render with --whitespace smart',
          });
        }
        let output;
        try {
          // Without variables (the fields or values are refused) there is nothing to render with.
          if (variables) output = compiled.render({ ...variables, portClaims });
        } catch (error) {
          const d = diagnosticOfError(tabs.restore(error), file.path);
          // An undeclared claim already explains the render error it causes.
          const duplicate = own.some(
            (o) =>
              o.severity === 'error' &&
              o.range.start.line === d.range.start.line &&
              (o.range.start.column === d.range.start.column || (o.claim !== undefined && d.message.includes(JSON.stringify(o.claim)))),
          );
          if (!duplicate) own.push(d);
        }
        if (output !== undefined) rendered.push({ file, output, printed: compiled.printedLines() });
      } catch (error) {
        own.push(diagnosticOfError(error, file.path));
      } finally {
        compiled.free?.();
      }
      diagnostics.push(...own);
    }

    // The rendered YAML: valid, with sane and distinct ports.
    const seen = { nodePort: new Map(), hostPort: new Map(), servicePort: new Map() };
    for (const { file, output, printed } of rendered) {
      if (options.kublade) {
        const failure = kubladeYamlFailure(file, output, printed, variables);
        if (failure) {
          diagnostics.push(failure);
          continue;
        }
      }
      if (!isYamlFile(file.path)) continue;
      const mapLine = outputLineMapper(file.template, output, printed);
      const locate = (offset, key) => {
        const { line: outLine, column } = lineColumn(output, offset);
        const mapped = mapLine(outLine);
        if (!mapped) return { range: WHOLE_FILE, outLine, column };
        const at = key ? mapped.text.indexOf(`${key}:`) : -1;
        const start = at >= 0 ? at + 1 : Math.max(1, mapped.text.search(/\S/) + 1);
        const end = mapped.text.trimEnd().length + 1; // the key and its value
        return { range: rangeOf(mapped.line, start, mapped.line, Math.max(end, start + 1)), outLine, column };
      };
      let documents;
      try {
        // Keys given twice are found in one pass (see yaml-keys.js).
        documents = YAML.parseAllDocuments(output, { uniqueKeys: false });
      } catch (error) {
        diagnostics.push({ severity: 'error', message: `the output is not valid YAML: ${error.message}`, file: file.path, range: WHOLE_FILE });
        continue;
      }
      if (!Array.isArray(documents)) documents = [];
      if (!options.kublade) diagnostics.push(...secondDocuments(file, documents, output, locate));
      for (const doc of documents) {
        // The first problem in the text: a parse error, or a key given twice before it.
        const repeated = repeatedKey(YAML, doc);
        const parseError = doc.errors[0];
        const yamlError = repeated && !(parseError?.pos?.[0] <= offsetOf(repeated)) ? { message: REPEATED_KEY, pos: repeated.range } : parseError;
        // With `kublade`, Symfony's parser has accepted the file (kubladeYamlFailure): where the
        // YAML grammar refuses what Symfony reads (`value: redis:`), there is no error to report,
        // and nothing more to look at in that document.
        if (yamlError && options.kublade) continue;
        if (yamlError) {
          const offset = yamlError.pos?.[0] ?? 0;
          const { range, outLine } = locate(offset);
          const outText = output.split('\n')[outLine - 1] ?? '';
          const reason = yamlError.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
          diagnostics.push({
            severity: 'error',
            message: `the output is not valid YAML at its line ${outLine} (${JSON.stringify(outText.trim())}): ${reason}`,
            file: file.path,
            range,
          });
          continue;
        }
        const kind = doc.get?.('kind');
        const name = doc.getIn?.(['metadata', 'name']);
        const label = `${kind ?? 'document'}${name ? ` ${name}` : ''}`;
        YAML.visit(doc, {
          Pair(_, pair) {
            const key = YAML.isScalar(pair.key) ? pair.key.value : undefined;
            if (!PORT_KEYS.has(key) || !YAML.isScalar(pair.value)) return;
            const value = pair.value.value;
            const numeric = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : undefined;
            if (numeric === undefined) return; // a named port ("http") or nothing
            const { range } = locate(pair.value.range?.[0] ?? pair.key.range?.[0] ?? 0, key);
            if (!Number.isInteger(numeric) || numeric < 1 || numeric > 65535) {
              diagnostics.push({
                severity: 'error',
                message: `${key} ${describePort(value)} is outside 1–65535`,
                file: file.path,
                range,
              });
              return;
            }
            if (key === 'nodePort' || key === 'hostPort') {
              remember(seen[key], `${numeric}`, { file: file.path, range, label, value: numeric, what: key });
            }
          },
        });
        if (kind === 'Service') {
          // A headless Service (clusterIP: None) beside its twin shares its ports by design.
          const headless = String(doc.getIn(['spec', 'clusterIP']) ?? '') === 'None';
          const ports = doc.getIn(['spec', 'ports'], true);
          for (const item of YAML.isSeq(ports) ? ports.items : []) {
            if (!YAML.isMap(item)) continue;
            const port = item.get('port', true);
            const value = YAML.isScalar(port) ? Number(port.value) : NaN;
            if (!Number.isInteger(value) || value < 1 || value > 65535) continue;
            const protocol = String(item.get('protocol') ?? 'TCP').toUpperCase();
            const { range } = locate(port.range?.[0] ?? 0, 'port');
            remember(seen.servicePort, `${value}/${protocol}`, { file: file.path, range, label, value, what: 'Service port', protocol, service: `${file.path}#${label}`, headless });
          }
        }
      }
    }
    for (const [what, occurrences] of [['nodePort', seen.nodePort], ['hostPort', seen.hostPort], ['Service port', seen.servicePort]]) {
      for (const list of occurrences.values()) {
        if (list.length < 2) continue;
        const [first, ...others] = list;
        for (const other of others) {
          const sameService = what === 'Service port' && other.service === first.service;
          if (what === 'Service port' && !sameService && (first.headless || other.headless)) continue;
          const severity = what === 'nodePort' || sameService ? 'error' : 'warning';
          const where = other.file === first.file ? `line ${first.range.start.line}` : `${first.file}:${first.range.start.line}`;
          const port = `${what} ${other.value}${what === 'Service port' && other.protocol !== 'TCP' ? `/${other.protocol}` : ''}`;
          diagnostics.push({
            severity,
            message:
              other.label === first.label && other.file === first.file
                ? `${port} is used twice in ${first.label} (first at ${where})`
                : `${port} of ${other.label} is also used by ${first.label} (${where})`,
            file: other.file,
            range: other.range,
          });
        }
      }
    }

    for (const claim of declared) {
      if (!claim || typeof claim.claim !== 'string' || used.has(claim.claim)) continue;
      diagnostics.push({
        severity: 'warning',
        message: `claim ${JSON.stringify(claim.claim)} is declared but never used${files.length > 1 ? ' by any template' : ''}; it reserves a port for nothing`,
        file: claimsFile,
        range: rangeOfClaim(options.claimsText, claim.claim) ?? WHOLE_FILE,
        claim: claim.claim,
      });
    }

    const order = new Map(files.map((f, i) => [f.path, i + 1]));
    return diagnostics
      .map((d, i) => ({ d, i }))
      .sort(
        (a, b) =>
          (order.get(a.d.file) ?? 0) - (order.get(b.d.file) ?? 0) ||
          (a.d.range?.start.line ?? 0) - (b.d.range?.start.line ?? 0) ||
          (a.d.range?.start.column ?? 0) - (b.d.range?.start.column ?? 0) ||
          a.i - b.i,
      )
      .map(({ d }) => d);
  };
}

function remember(map, key, occurrence) {
  const list = map.get(key) ?? [];
  list.push(occurrence);
  map.set(key, list);
}

// ---- Kublade: the variables it renders with, its traps, its YAML step ------------------------

/**
 * The variables Kublade renders the files with (the core resolves fields and values); problems
 * become diagnostics in fields.json or the values, and with an error there are no variables.
 */
function kubladeVariables(api, options, diagnostics) {
  const fieldsFile = options.fieldsFile ?? '.kublade/fields.json';
  let resolved;
  try {
    resolved = { variables: api.kubladeVariables({ ...options, fieldsFile }), problems: [] };
  } catch (error) {
    if (!Array.isArray(error?.problems)) throw error;
    resolved = { variables: undefined, problems: error.problems };
  }
  for (const problem of resolved.problems) diagnostics.push(problemDiagnostic(problem, options, fieldsFile));
  return resolved.variables;
}

function problemDiagnostic(problem, options, fieldsFile) {
  let range = WHOLE_FILE;
  if (problem.source === 'fields' && problem.line) range = rangeOf(problem.line, problem.column);
  else if (problem.source === 'fields' && problem.path) range = rangeOfFieldPath(options.fieldsText, problem.path) ?? WHOLE_FILE;
  else if (problem.source === 'fields' && problem.field) range = rangeOfFieldKey(options.fieldsText, problem.field) ?? WHOLE_FILE;
  const message = problem.message.startsWith(`${fieldsFile}: `) ? problem.message.slice(fieldsFile.length + 2) : problem.message;
  // A field's problem shows at the field; the values' at the values.
  const file = problem.source === 'fields' ? fieldsFile : 'values';
  return { severity: problem.severity, message, file, range, ...(problem.field ? { field: problem.field } : {}) };
}

/** `[2].options[0].value`, or the nearest part of it that rangeOfPath finds. */
function rangeOfFieldPath(text, path) {
  for (let at = path; at; at = at.replace(/(\.\w+|\[\d+\])$/, '')) {
    const range = rangeOfPath(text, at);
    if (range) return range;
    if (!/(\.\w+|\[\d+\])$/.test(at)) return undefined;
  }
  return undefined;
}

/** Where the field with this key is declared (its "key" value) in fields.json's text. */
function rangeOfFieldKey(text, key) {
  try {
    const fields = JSON.parse(text);
    const index = Array.isArray(fields) ? fields.findIndex((f) => f && f.key === key) : -1;
    return index === -1 ? undefined : rangeOfPath(text, `[${index}].key`);
  } catch {
    return undefined;
  }
}

/** The core's traps in a template (src/kublade/traps.rs), as warnings with hints. */
function kubladeTraps(api, file, variables) {
  const traps = JSON.parse(api.kubladeTraps(file.template, JSON.stringify(variables)));
  return traps.map((t) => ({ severity: 'warning', message: t.message, file: file.path, range: t.range, hint: t.hint, trap: t.kind }));
}

/** Kublade refuses a file with a second YAML document: a warning where it starts. */
function secondDocuments(file, documents, output, locate) {
  return documents.slice(1).map((doc) => ({
    severity: 'warning',
    message: 'a second YAML document in one file: Kublade refuses it ("Multiple documents are not supported") and the whole deployment fails',
    file: file.path,
    range: locate(doc.range?.[0] ?? 0).range,
    hint: 'put each document in a file of its own',
    trap: 'second-document',
  }));
}

/**
 * The output line Symfony's parser refused: the one holding the text it quotes (`near "…"`), at
 * or after the line it names (inside a nested block it counts from the block, so its number can
 * fall short, or past the end); else that line, when there is one.
 */
function outputLineOf(output, line, near) {
  const lines = output.split('\n');
  const text = typeof near === 'string' ? near.trim() : '';
  if (text !== '') {
    const holds = (i) => lines[i].includes(text);
    for (let i = Math.max(0, (line ?? 1) - 1); i < lines.length; i++) if (holds(i)) return i + 1;
    for (let i = 0; i < lines.length; i++) if (holds(i)) return i + 1;
  }
  return line && line <= lines.length ? line : undefined;
}

/** What Kublade's YAML step makes of a rendered file: an error diagnostic when it fails there. */
function kubladeYamlFailure(file, output, printed, variables) {
  try {
    kubladeFile(file.path, output, variables?.namespace ?? '');
    return undefined;
  } catch (error) {
    const line = outputLineOf(output, error.yamlLine, error.yamlNear);
    const mapped = line ? outputLineMapper(file.template, output, printed)(line) : undefined;
    const range = mapped ? rangeOf(mapped.line, 1, mapped.line, mapped.text.length + 1) : WHOLE_FILE;
    // A limit is portclaims's, not a place where Kublade fails.
    const message = error.kind === 'limit' ? error.reason : `Kublade fails here: ${error.reason ?? error.message}`;
    return { severity: 'error', message, file: file.path, range };
  }
}
