// The desktop entry (`main`): the package's Node API, the CLI's listing of a folder's templates,
// and a writer that renders folders with the CLI's own `render` command and changes the lock file
// through the CLI's LockFileStore.
import { activateWith } from './extension.js';
import { findTemplateFiles } from '../../../js/cli/template-folder.js';
import { createWriter } from './writer-node.js';

export function activate(context) {
  let api;
  const loadApi = () => (api ??= import('../../../js/node.js'));
  return activateWith(context, {
    kind: 'node',
    loadApi,
    async listTemplates(root, exclude) {
      if (root.scheme !== 'file') return [];
      return findTemplateFiles(root.fsPath, { exclude: exclude.filter((u) => u.scheme === 'file').map((u) => u.fsPath) });
    },
    writer: createWriter(loadApi),
  });
}

export function deactivate() {}
