// The status-bar item: the selected scope, a click away from selecting another.
import * as vscode from 'vscode';

import { settingsFor } from './settings.js';

export function scopeStatus() {
  const item = vscode.window.createStatusBarItem('portclaims.scope', vscode.StatusBarAlignment.Left, 10);
  item.name = 'portclaims scope';
  item.command = 'portclaims.selectScope';
  const update = () => {
    const scope = settingsFor(vscode.window.activeTextEditor?.document.uri).scope;
    item.text = `$(plug) ${scope}`;
    item.tooltip = `portclaims: previews and renders are for scope ${scope}; click to select another`;
    item.show();
  };
  update();
  return vscode.Disposable.from(
    item,
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('portclaims.scope') && update()),
    vscode.window.onDidChangeActiveTextEditor(update),
  );
}
