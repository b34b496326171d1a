// One render of the playground's state through the engine: parse the editors, prune the scope's
// undeclared claims, render every file, and mark each problem where it is. Also release/re-roll.
import { describeGroups } from './groups.js';
import { locateClaim, locateField, locateGroup, locateValue, parseClaims, parseGroups, parseValues } from './inputs.js';

const TEMPLATE_KINDS = new Set(['syntax', 'undefined', 'runtime', 'limit', 'sandbox']);
const unique = (list) => [...new Set(list)];

function withExclusion(groups, { group, port }) {
  const config = groups[group] ?? {};
  return { ...groups, [group]: { ...config, exclude: [...(config.exclude ?? []), port] } };
}

// Inputs the problem list names in its own column: an error in them is shown without the name.
const SHOWN_APART = new Set(['ports.json', 'port groups']);

// The engine's messages say where they are (`service.yaml:8:13: …`, `ports.json: [0].group: …`);
// the problem list says that in its own column, so a problem shows the error's parts without it.
function bare(error) {
  if (typeof error?.reason !== 'string') return error?.message ?? String(error);
  if (error.kind !== 'claims') return error.reason;
  return SHOWN_APART.has(error.source) ? error.detail : error.message;
}

// The check repeats the render's claim diagnostics with the claim named first (see
// placeClaimDiagnostic): one key for both.
function sameAs(d) {
  const named = d.claim === undefined ? '' : `claim ${JSON.stringify(d.claim)}: `;
  return named && d.message.startsWith(named) ? d.message.slice(named.length) : d.message;
}

const at = (p) => (p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : '');

export function createRenderer({ store, editors, output, getState, getEngine }) {
  let templateProblems = new Map(); // file index → problems to mark in the template editor
  let configuredGroups = {}; // the last groups editor content that parsed

  const declared = (claim) => {
    const parsed = parseClaims(getState().claims);
    return !parsed.error && parsed.value.some((c) => c?.claim === claim);
  };
  const lookup = (scope, claim) => store.reservations().find((r) => r.scope === scope && r.claim === claim);

  const call = (method, options) => getEngine()[method]({ ...options, store });

  const renderer = {
    last: null,
    ports: {}, // claim → port of the last good render

    fileHasError: (index) => (templateProblems.get(index) ?? []).some((p) => p.severity === 'error'),

    /** Shows the active file's problems in the template editor. */
    markTemplate() {
      editors.template.setProblems(templateProblems.get(getState().active) ?? []);
      editors.template.setClaimPorts(renderer.ports ?? {});
    },

    /** The groups as the engine gets them: the groups editor's; the core fills in its defaults. */
    groupsFor() {
      return configuredGroups;
    },

    /** The groups in use (by the reservations and the claims' `used` groups), as the core resolves them. */
    describeGroups(reservations, used = []) {
      const engine = getEngine();
      if (!engine) return {};
      return describeGroups(engine, configuredGroups, [...used, ...reservations.map((r) => r.group)]);
    },

    render(extra) {
      const state = getState();
      const problems = [];
      const invalid = new Set(); // option fields the engine refused
      const marks = { claims: [], values: [], groups: [] };
      templateProblems = new Map();
      const names = state.files.map((f) => f.name);
      const markFile = (index, problem) => {
        if (!templateProblems.has(index)) templateProblems.set(index, []);
        templateProblems.get(index).push(problem);
      };

      const claims = parseClaims(state.claims);
      const values = parseValues(state.values);
      const groups = parseGroups(state.groups);
      if (groups.value) configuredGroups = groups.value;
      for (const [key, parsed, where] of [['claims', claims, 'ports.json'], ['values', values, 'values'], ['groups', groups, 'groups']]) {
        if (!parsed.error) continue;
        marks[key].push(parsed.error);
        problems.push({ severity: 'error', where: `${where}${at(parsed.error)}`, ...parsed.error, target: { editor: key, ...parsed.error } });
      }
      const usedGroups = claims.value ? unique(claims.value.map((c) => c?.group).filter((g) => typeof g === 'string')) : [];
      let outputText = null;
      let status = '';
      let ports = {};

      // An engine error: mark it in the template file, ports.json or the groups, by its kind.
      const engineProblem = (error, fileIndex) => {
        const problem = {
          severity: 'error',
          kind: error?.kind,
          message: bare(error),
          line: error?.line,
          column: error?.column,
          endLine: error?.endLine,
          endColumn: error?.endColumn,
          sourceLine: error?.sourceLine,
        };
        const named = error?.file ? names.indexOf(error.file) : -1;
        const index = named !== -1 ? named : fileIndex;
        if (TEMPLATE_KINDS.has(error?.kind) && index !== undefined && error.line) {
          markFile(index, problem);
          problems.push({ ...problem, where: `${names[index]}${at(problem)}`, target: { editor: 'template', file: index, line: problem.line, column: problem.column } });
        } else if (error?.kind === 'claims' && error.source === 'port groups') {
          const pos = locateGroup(state.groups, error.field) ?? { line: 1, column: 1 };
          marks.groups.push({ ...problem, ...pos, sourceLine: undefined });
          problems.push({ ...problem, where: 'groups', target: { editor: 'groups', ...pos } });
        } else if (error?.kind === 'claims' && error.source !== 'reservations' && error.source !== 'change') {
          const pos = locateField(state.claims, error.field) ?? locateClaim(state.claims, error.claim) ?? { line: 1, column: 1 };
          marks.claims.push({ ...problem, ...pos, sourceLine: undefined });
          problems.push({ ...problem, where: 'ports.json', target: { editor: 'claims', ...pos } });
        } else if (error?.kind === 'config' && ['seed', 'scope'].includes(error.field)) {
          problems.push({ ...problem, where: error.field, target: { control: error.field } });
          invalid.add(error.field);
        } else {
          if (index !== undefined && error?.line) markFile(index, problem);
          problems.push({ ...problem, where: index !== undefined ? `${names[index]}${at(problem)}` : '' });
        }
      };

      // The engine's check, in a dry run over every file: claims used but not declared or never
      // used, directives whose indentation leaks into the output, output that is not valid YAML,
      // ports used twice… Render errors are left out: the render itself reports them.
      const checkFiles = (common, known) => {
        let diagnostics;
        try {
          diagnostics = call('check', { ...common, files: state.files.map((f) => ({ path: f.name, template: f.template })), claimsText: state.claims });
        } catch {
          return;
        }
        for (const d of diagnostics ?? []) {
          if (d.kind || known.has(sameAs(d))) continue;
          known.add(sameAs(d));
          const problem = {
            severity: d.severity,
            message: d.hint ? `${d.message}: ${d.hint}` : d.message,
            line: d.range?.start.line,
            column: d.range?.start.column,
            endLine: d.range?.end.line,
            endColumn: d.range?.end.column,
          };
          const index = names.indexOf(d.file);
          let target;
          if (index !== -1 && d.range) {
            markFile(index, problem);
            target = { editor: 'template', file: index, line: problem.line, column: problem.column };
          } else if (d.file === 'ports.json' && d.range) {
            const pos = d.claim && problem.line === 1 ? locateClaim(state.claims, d.claim) ?? problem : problem;
            marks.claims.push({ ...problem, ...pos });
            target = { editor: 'claims', line: pos.line, column: pos.column };
          }
          problems.push({ ...problem, where: `${d.file ?? ''}${d.range ? at(problem) : ''}`, target });
        }
      };

      if (problems.length === 0) {
        let engineGroups = renderer.groupsFor();
        if (extra?.exclude) engineGroups = withExclusion(engineGroups, extra.exclude);
        const seed = String(state.options.seed ?? '').trim();
        const common = {
          claims: claims.value,
          values: values.value,
          scope: state.scope,
          groups: engineGroups,
          dialect: state.options.dialect,
          escape: state.options.escape,
          whitespace: state.options.whitespace,
          ...(seed ? { seed } : {}),
        };
        const started = performance.now();
        let pruned = true;
        try {
          // The scope holds what ports.json declares: claims removed from it are released.
          call('releaseSync', { scope: state.scope, claims: claims.value, groups: engineGroups });
        } catch (error) {
          pruned = false;
          engineProblem(error);
        }
        let parts = [];
        const seen = new Set();
        if (pruned) {
          // The folder as one deployment (js/folder.js): one decision, every file, one commit.
          try {
            const result = call('renderFolderSync', { ...common, files: state.files.map((f) => ({ path: f.name, template: f.template })) });
            parts = result.files.map((f) => ({ name: f.path, output: f.output }));
            ports = result.claims;
            for (const d of result.diagnostics ?? []) {
              if (seen.has(sameAs(d))) continue;
              seen.add(sameAs(d));
              const problem = {
                severity: d.severity,
                message: d.message,
                line: d.range?.start.line,
                column: d.range?.start.column,
                endLine: d.range?.end.line,
                endColumn: d.range?.end.column,
              };
              const named = d.file ? names.indexOf(d.file) : -1;
              if (d.range && named !== -1) markFile(named, problem);
              const claimAt = !d.range && d.claim ? locateClaim(state.claims, d.claim) : null;
              if (claimAt) marks.claims.push({ ...problem, ...claimAt });
              const target = d.range && named !== -1 ? { editor: 'template', file: named, line: problem.line, column: problem.column } : claimAt ? { editor: 'claims', ...claimAt } : undefined;
              problems.push({ ...problem, where: d.range ? `${names[named] ?? d.file ?? ''}${at(problem)}` : d.claim ? `claim ${d.claim}` : d.file ?? '', target });
            }
          } catch (error) {
            if (Array.isArray(error?.problems)) {
              // The values as Kublade would receive them: mark the key in the values editor.
              for (const p of error.problems) {
                const key = p.path ?? p.field;
                const pos = locateValue(state.values, key);
                const problem = { severity: p.severity, message: p.message, ...(pos ?? {}) };
                if (pos) marks.values.push(problem);
                problems.push({ ...problem, where: 'values', target: pos ? { editor: 'values', ...pos } : undefined });
              }
            } else {
              for (const e of [error, ...(error?.others ?? [])]) engineProblem(e, e?.file ? names.indexOf(e.file) : undefined);
            }
          }
        }
        if (pruned) checkFiles(common, seen);
        if (pruned && parts.length === state.files.length) {
          outputText =
            parts.length === 1
              ? parts[0].output
              : parts.map((p) => `---\n# Source: ${p.name}\n${p.output.endsWith('\n') || p.output === '' ? p.output : `${p.output}\n`}`).join('');
          const count = Object.keys(ports).length;
          status = `${parts.length} file${parts.length === 1 ? '' : 's'} · ${count} port${count === 1 ? '' : 's'} · ${(performance.now() - started).toFixed(1)} ms`;
        }
      }

      editors.claims.setProblems(marks.claims);
      editors.values.setProblems(marks.values);
      editors.groups.setProblems(marks.groups);
      if (outputText !== null) renderer.ports = ports;
      renderer.markTemplate();
      renderer.onInvalid?.(invalid);
      if (outputText !== null) output.show(outputText);
      else if (output.text === '') output.placeholder('Nothing rendered yet: see the problem below.');
      output.setProblems(problems.sort((a, b) => (a.severity === 'error' ? 0 : 1) - (b.severity === 'error' ? 0 : 1)));
      output.setStatus(outputText !== null ? status : 'error — showing the last good output');
      renderer.last = { ok: outputText !== null, usedGroups };
      return renderer.last;
    },

    /** Releases a reservation and draws a different port for it. */
    reroll(r) {
      const state = getState();
      const groups = renderer.groupsFor();
      call('releaseSync', { scope: r.scope, claim: r.claim, groups });
      if (r.scope === state.scope && declared(r.claim)) {
        return { extra: { exclude: r }, message: () => `Re-rolled ${r.claim}: ${r.port} → ${lookup(r.scope, r.claim)?.port ?? 'none'}` };
      }
      const result = call('decideSync', { claims: [{ group: r.group, claim: r.claim }], scope: r.scope, groups: withExclusion(groups, r) });
      return { message: () => `Re-rolled ${r.claim} in ${r.scope}: ${r.port} → ${result.claims[r.claim]}` };
    },

    /** Frees a reservation; a claim the template still declares is drawn again, elsewhere. */
    release(r) {
      const state = getState();
      call('releaseSync', { scope: r.scope, claim: r.claim, groups: renderer.groupsFor() });
      if (r.scope === state.scope && declared(r.claim)) {
        return {
          extra: { exclude: r },
          message: () => `Released port ${r.port}; ${r.claim} is still claimed in ports.json, so it now holds ${lookup(r.scope, r.claim)?.port ?? 'none'}`,
        };
      }
      return { message: () => `Released ${r.claim} in ${r.scope} (port ${r.port})` };
    },

    releaseAll() {
      const reservations = store.reservations();
      const groups = renderer.groupsFor();
      for (const scope of unique(reservations.map((r) => r.scope))) call('releaseSync', { scope, groups });
      return { message: () => `Released ${reservations.length} reservation${reservations.length === 1 ? '' : 's'}` };
    },
  };
  return renderer;
}
