// `portclaims render TEMPLATE|DIR`: decide the claims once, render every template, commit once
// (js/folder.js); with --kublade, the files Kublade writes for the deployment.
import { basename } from 'node:path';

import { placeClaimDiagnostic } from '../../check.js';
import { printable } from '../messages.js';
import { checkOut, inputFiles, stageOutput } from '../output.js';
import { openCliStore, storeLocation, withStore } from '../store-option.js';
import { loadTemplateInput } from '../template-folder.js';
import { explainApiError, folderOptions, sourceLineIn } from './shared.js';

export async function renderCommand({ options: given, operands }, context) {
  // `--out -` is standard output, as `--values -` is standard input.
  const options = given.out === '-' ? { ...given, out: undefined } : given;
  const input = loadTemplateInput(operands[0], options);
  const inputs = options.out === undefined ? undefined : inputFiles(input, options, storeLocation(options, context.env, 'render'));
  if (inputs) checkOut(options.out, input, inputs);
  const api = await context.api();
  const store = await openCliStore(api, options, context, 'render', input.groups);
  return withStore(store, () => renderWith(store, api, input, inputs, options, context));
}

async function renderWith(store, api, input, inputs, options, context) {
  const single = input.kind === 'file' && !options.kublade;
  const named = (files) => (single ? [{ path: basename(input.files[0].path), output: files[0].output }] : files);
  // With --out, the files are staged before the claims are committed and put in place after.
  let staged;
  let stagedFiles;
  const stage = (outputs) => {
    staged?.discard();
    stagedFiles = outputs.files;
    staged = stageOutput(options.out, { files: named(outputs.files), dirs: outputs.dirs }, inputs);
  };
  let result;
  try {
    try {
      const beforeCommit = options.out === undefined ? undefined : stage;
      result = await api.renderFolder({ ...folderOptions(input, options), store, dryRun: Boolean(options['dry-run']), beforeCommit });
    } catch (error) {
      throw explainApiError(error, input);
    }
    if (options.out !== undefined) {
      // A dry run commits nothing and stages nothing; another writer may have changed the ports.
      if (staged === undefined || !sameFiles(stagedFiles, result.files)) stage(result);
      staged.publish();
    }
  } finally {
    staged?.discard();
  }
  const files = named(result.files);

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
    // A file name is anyone's text: a newline in it would start a YAML line, an escape drive the terminal.
    text += `---\n# Source: ${printable(file.path)}\n${body}${body.endsWith('\n') ? '' : '\n'}`;
  }
  context.stdout.write(text);
  return 0;
}

const sameFiles = (a, b) => a.length === b.length && a.every((file, i) => file.path === b[i].path && file.output === b[i].output);
