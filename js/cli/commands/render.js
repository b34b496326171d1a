// `portclaims render TEMPLATE|DIR`: decide the claims once, render every template, commit once
// (js/folder.js); with --kublade, the files Kublade writes for the deployment.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { placeClaimDiagnostic } from '../../check.js';
import { CliError } from '../messages.js';
import { openCliStore, withStore } from '../store-option.js';
import { loadTemplateInput } from '../template-folder.js';
import { explainApiError, folderOptions, sourceLineIn } from './shared.js';

export async function renderCommand({ options, operands }, context) {
  const input = loadTemplateInput(operands[0], options);
  const api = await context.api();
  const store = await openCliStore(api, options, context, 'render', input.groups);
  return withStore(store, () => renderWith(store, api, input, options, context));
}

async function renderWith(store, api, input, options, context) {
  let result;
  try {
    result = await api.renderFolder({ ...folderOptions(input, options), store, dryRun: Boolean(options['dry-run']) });
  } catch (error) {
    throw explainApiError(error, input);
  }
  const files = input.kind === 'file' && !options.kublade ? [{ path: basename(input.files[0].path), output: result.files[0].output }] : result.files;

  if (options.out !== undefined) {
    const write = (path, make) => {
      const target = join(options.out, ...path.split('/'));
      try {
        make(target);
      } catch (e) {
        throw new CliError(`cannot write ${target}: ${e.code === 'EACCES' ? 'permission denied' : e.message}`);
      }
    };
    for (const dir of result.dirs ?? []) write(dir, (target) => mkdirSync(target, { recursive: true }));
    for (const file of files) {
      write(file.path, (target) => {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, file.output);
      });
    }
  }

  const diagnostics = (result.diagnostics ?? []).map((d) =>
    d.claim !== undefined || d.file === undefined ? placeClaimDiagnostic(d, input.claimsFile ?? 'ports.json', input.claimsText) : d,
  );
  if (options.json) {
    const json =
      input.kind === 'file' && !options.kublade
        ? { output: files[0].output, claims: result.claims, allocated: result.allocated, released: result.released, diagnostics }
        : { files, ...(options.kublade ? { dirs: result.dirs } : {}), claims: result.claims, allocated: result.allocated, released: result.released, diagnostics };
    context.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  for (const d of diagnostics) context.reporter.diagnostic(d, (file, line) => sourceLineIn(input, file, line));
  if (options.out !== undefined) return 0;
  if (input.kind === 'file' && !options.kublade) {
    context.stdout.write(files[0].output);
    return 0;
  }
  let text = '';
  for (const file of files) {
    // Kublade's files start with their own `---`.
    const body = options.kublade ? file.output.replace(/^---\n/, '') : file.output;
    if (body.trim() === '') continue;
    text += `---\n# Source: ${file.path}\n${body}${body.endsWith('\n') ? '' : '\n'}`;
  }
  context.stdout.write(text);
  return 0;
}
