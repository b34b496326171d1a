// The extension, whichever host runs it: host-node.js (desktop) and host-web.js (VS Code for the
// Web) give it the package's API, the CLI's listing of a folder's templates and, on the desktop,
// the writer. Activation registers the features; the core loads when one first needs it.
import * as vscode from 'vscode';

import { registerCommands } from './commands.js';
import { Diagnostics } from './diagnostics.js';
import { ClaimHovers } from './hover.js';
import { bladeLanguage } from './language.js';
import { ClaimLenses } from './lenses.js';
import { Model } from './model.js';
import { Previews, PREVIEW_SCHEME } from './preview.js';
import { scopeStatus } from './status.js';

/** `host`: `{ loadApi(), listTemplates(root, exclude), writer? }`. */
export function activateWith(context, host) {
  const output = vscode.window.createOutputChannel('portclaims');
  const log = (line) => output.appendLine(`[${new Date().toISOString()}] ${line}`);
  const model = new Model(host);
  const previews = new Previews(model, log);
  const shown = new Set();

  /** Runs a command; what it throws becomes one notification, never an extension-host error. */
  const run = async (id, command) => {
    try {
      return await command();
    } catch (error) {
      log(`${id}: ${error?.stack ?? error}`);
      const text = String(error?.message ?? error).split('\n')[0];
      const where = error?.file && !text.includes(error.file) ? `${error.file}${error.line ? `:${error.line}:${error.column}` : ''}: ` : '';
      const message = `portclaims: ${where}${text}`;
      const hint = error?.hint ? ` (${error.hint})` : '';
      vscode.window.showErrorMessage(message + hint);
      return undefined;
    }
  };
  /** Guards a provider: a failure is logged and, once per message, shown. */
  const provider = (object, method) => async (...args) => {
    try {
      return await object[method](...args);
    } catch (error) {
      log(`${method}: ${error?.stack ?? error}`);
      const message = String(error?.message ?? error).split('\n')[0];
      if (!shown.has(message)) {
        shown.add(message);
        vscode.window.showErrorMessage(`portclaims: ${message}`);
      }
      return undefined;
    }
  };

  const hovers = new ClaimHovers(model);
  const lenses = new ClaimLenses(model);
  const templates = [{ scheme: 'file' }, { scheme: 'vscode-remote' }, { scheme: 'vscode-vfs' }];
  context.subscriptions.push(
    output,
    model,
    previews,
    new Diagnostics(model, log),
    lenses,
    vscode.languages.registerHoverProvider(templates, { provideHover: provider(hovers, 'provideHover') }),
    vscode.languages.registerCodeLensProvider(
      { pattern: '**/.kublade/ports.json' },
      { provideCodeLenses: provider(lenses, 'provideCodeLenses'), onDidChangeCodeLenses: lenses.onDidChangeCodeLenses },
    ),
    ...registerCommands({ model, previews, writer: host.writer, run }),
    scopeStatus(),
    bladeLanguage(model, log),
  );
  log(`activated in the ${host.kind} extension host; previews use the scheme ${PREVIEW_SCHEME}`);
  return { model, previews };
}
