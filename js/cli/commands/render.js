// `portclaims render TEMPLATE|DIR`: decide the claims once, render every template, commit once.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { placeClaimDiagnostic } from '../../check.js';
import { CliError } from '../messages.js';
import { openCliStore, withStore } from '../store-option.js';
import { loadTemplateInput } from '../template-folder.js';
import { explainApiError, reportProblems, sourceLineIn } from './shared.js';

export async function renderCommand({ options, operands }, context) {
  const input = loadTemplateInput(operands[0], options, { mode: 'render' });
  reportProblems(input.problems, input, context);
  const api = await context.api();
  const store = await openCliStore(api, options, context, 'render', input.groups);
  return withStore(store, () => renderWith(store, api, input, options, context));
}

async function renderWith(store, api, input, options, context) {
  const templateOptions = {
    dialect: options.dialect,
    escape: options['no-escape'] ? 'none' : undefined,
    whitespace: options.whitespace,
  };
  const common = {
    ...templateOptions,
    claims: input.claims,
    values: input.variables,
    scope: options.scope ?? 'default',
    store,
    groups: input.groups,
    seed: options.seed,
  };
  for (const key of Object.keys(common)) if (common[key] === undefined) delete common[key];

  let result;
  let files;
  if (input.kind === 'file') {
    const [file] = input.files;
    result = await guarded(input, () => api.render({ ...common, template: file.template, name: file.path, dryRun: Boolean(options['dry-run']) }));
    files = [{ path: basename(file.path), output: result.output }];
  } else {
    const compiled = [];
    try {
      const errors = [];
      for (const file of input.files) {
        try {
          compiled.push({ file, template: api.compile(file.template, { ...cleaned(templateOptions), name: file.name }) });
        } catch (error) {
          errors.push(error);
        }
      }
      failOn(errors, input);
      // Decide the claims in a dry run and render every file with them; reserve only when all
      // of them render, in one commit.
      const claimsName = input.claimsFile ?? 'ports.json';
      let decided = await guarded(input, () => api.render({ ...common, template: '', name: claimsName, dryRun: true }));
      let outputs = renderAll(compiled, input, decided.claims);
      if (!options['dry-run']) {
        const committed = await guarded(input, () => api.render({ ...common, template: '', name: claimsName, dryRun: false }));
        if (JSON.stringify(committed.claims) !== JSON.stringify(decided.claims)) {
          // Another process reserved ports in between: render again with what was committed.
          outputs = renderAll(compiled, input, committed.claims);
        }
        decided = committed;
      }
      result = { ...decided, output: undefined };
      files = outputs;
    } finally {
      for (const { template } of compiled) template.free?.();
    }
  }

  if (options.out !== undefined) {
    for (const file of files) {
      const target = join(options.out, ...file.path.split('/'));
      try {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, file.output);
      } catch (e) {
        throw new CliError(`cannot write ${target}: ${e.code === 'EACCES' ? 'permission denied' : e.message}`);
      }
    }
  }

  result.diagnostics = (result.diagnostics ?? []).map((d) => placeClaimDiagnostic(d, input.claimsFile ?? 'ports.json', input.claimsText));
  if (options.json) {
    const json =
      input.kind === 'file'
        ? { output: result.output, claims: result.claims, allocated: result.allocated, released: result.released, diagnostics: result.diagnostics }
        : { files, claims: result.claims, allocated: result.allocated, released: result.released, diagnostics: result.diagnostics };
    context.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  for (const d of result.diagnostics) context.reporter.diagnostic(d, (file, line) => sourceLineIn(input, file, line));
  if (options.out !== undefined) return 0;
  if (input.kind === 'file') {
    context.stdout.write(result.output);
  } else {
    let text = '';
    for (const file of files) {
      if (file.output.trim() === '') continue;
      text += `---\n# Source: ${file.path}\n${file.output}${file.output.endsWith('\n') ? '' : '\n'}`;
    }
    context.stdout.write(text);
  }
  return 0;
}

function cleaned(object) {
  const copy = { ...object };
  for (const key of Object.keys(copy)) if (copy[key] === undefined) delete copy[key];
  return copy;
}

function renderAll(compiled, input, portClaims) {
  const errors = [];
  const outputs = [];
  for (const { file, template } of compiled) {
    try {
      outputs.push({ path: file.path, output: template.render({ ...input.variables, portClaims }) });
    } catch (error) {
      errors.push(error);
    }
  }
  failOn(errors, input);
  return outputs;
}

function failOn(errors, input) {
  if (errors.length === 0) return;
  const [first, ...rest] = errors.map((e) => explainApiError(e, input));
  if (rest.length) first.others = rest;
  throw first;
}

async function guarded(input, run) {
  try {
    return await run();
  } catch (error) {
    throw explainApiError(error, input);
  }
}
