// `portclaims check TEMPLATE|DIR`: diagnostics, nothing reserved.
import { existsSync } from 'node:fs';

import { LockFileStore } from '../../lockfile-store.js';
import { plural } from '../messages.js';
import { loadTemplateInput } from '../template-folder.js';
import { folderOptions, sourceLineIn } from './shared.js';

export async function checkCommand({ options, operands }, context) {
  const input = loadTemplateInput(operands[0], options);
  const api = await context.api();
  const lock = options.lock ?? 'portclaims.lock.json';
  // The lock file is read (ports already held stay held) but never written.
  const store = existsSync(lock) ? new LockFileStore(lock, { name: lock }) : undefined;
  if (store) store.load(); // a corrupt lock file is an error of its own, reported as such
  const folder = folderOptions(input, options);
  const diagnostics = api.check({
    ...folder,
    files: input.files.map((f) => ({ path: f.name, template: f.template })),
    claimsFile: input.claimsFile,
    claimsText: input.claimsText,
    fieldsText: input.fieldsText,
    kublade: Boolean(options.kublade),
    store,
  });

  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (options.json) {
    context.stdout.write(`${JSON.stringify(diagnostics.map(({ hint, kind, ...d }) => (hint ? { ...d, hint } : d)), null, 2)}\n`);
  } else {
    for (const d of diagnostics) {
      context.reporter.diagnostic(d, (file, line) => sourceLineIn(input, file, line));
      context.reporter.write('');
    }
    const what = input.kind === 'folder' ? plural(input.files.length, 'template') : input.files[0].path;
    const summary =
      errors || warnings
        ? `check: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${what}`
        : `check: ${what}: no problems found`;
    context.reporter.write(context.reporter.paint(errors ? 'red+bold' : warnings ? 'yellow+bold' : 'green+bold', summary));
  }
  return errors ? 1 : 0;
}
