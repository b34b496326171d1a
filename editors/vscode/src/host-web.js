// The web-worker entry (`browser`), for VS Code for the Web: the package's browser build, its
// WebAssembly read through VS Code's file system, templates listed through it too. Nothing here
// writes: rendering a folder and changing the lock file need the desktop host (host-node.js).
import * as vscode from 'vscode';

import { activateWith } from './extension.js';
import { walkTemplateFiles } from './walk.js';
import { init } from '../../../js/browser.js';

export function activate(context) {
  let api;
  const loadApi = () =>
    (api ??= vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'dist', 'pkg', 'portclaims_bg.wasm')).then((bytes) => init(bytes)));
  return activateWith(context, {
    kind: 'web',
    loadApi,
    listTemplates(root, exclude) {
      const under = `${root.path}/`;
      const excluded = exclude.filter((u) => u.path.startsWith(under)).map((u) => u.path.slice(under.length));
      // A symbolic link's type is what it leads to, with the SymbolicLink bit set.
      const readDirectory = async (path) =>
        (await vscode.workspace.fs.readDirectory(root.with({ path }))).map(([name, type]) => [
          name,
          type & vscode.FileType.Directory ? 'folder' : type & vscode.FileType.File ? 'file' : 'other',
          Boolean(type & vscode.FileType.SymbolicLink),
        ]);
      return walkTemplateFiles(root.path, readDirectory, { exclude: excluded });
    },
  });
}

export function deactivate() {}
