// `portclaims check TEMPLATE|DIR`: diagnostics, nothing reserved.
import { existsSync } from 'node:fs';

import { plural } from '../messages.js';
import { isLockFile, openCliStore, withStore } from '../store-option.js';
import { loadTemplateInput } from '../template-folder.js';
import { checkOptions, explainApiError, sourceLineIn } from './shared.js';

export async function checkCommand({ options, operands }, context) {
  const input = loadTemplateInput(operands[0], options);
  const api = await context.api();
  // The store is read (ports already held stay held) but never written: a shared store's
  // reservations are read once, and the dry run decides against them in memory.
  const opened = await openCliStore(api, options, context, 'check', input.groups);
  const store = await withStore(opened, async () => {
    try {
      if (!isLockFile(opened)) return new api.MemoryStore(await opened.reservations());
      if (!existsSync(opened.path)) return undefined;
      opened.load(); // a corrupt lock file is an error of its own, reported as such
      return opened;
    } catch (error) {
      throw explainApiError(error);
    }
  });
  let diagnostics;
  try {
    diagnostics = api.check(checkOptions(input, options, store));
  } catch (error) {
    // What check cannot report as a diagnostic (values it cannot read): an error, as render's.
    throw explainApiError(error, input);
  }

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
