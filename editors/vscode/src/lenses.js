// A lens above each claim of .kublade/ports.json: its port in the selected scope, and a way to
// re-roll it.
import * as vscode from 'vscode';

import { claimLens } from './describe.js';
import { rangeOfPath } from './portclaims.js';

export class ClaimLenses {
  #model;
  #emitter = new vscode.EventEmitter();

  constructor(model) {
    this.#model = model;
    this.onDidChangeCodeLenses = this.#emitter.event;
    model.onDidChange(() => this.#emitter.fire());
  }

  async provideCodeLenses(document) {
    const folder = await this.#model.portsFileOf(document.uri);
    if (!folder) return [];
    const state = await this.#model.state(folder);
    const claims = Array.isArray(state.inputs.claims) ? state.inputs.claims : [];
    const text = document.getText();
    const lenses = [];
    claims.forEach((claim, index) => {
      const at = rangeOfPath(text, `[${index}]`);
      if (!at || typeof claim?.claim !== 'string') return;
      const range = new vscode.Range(at.start.line - 1, 0, at.start.line - 1, 0);
      const title = claimLens({ name: claim.claim, decision: state.decision, scope: state.settings.scope });
      lenses.push(new vscode.CodeLens(range, { title, command: '' }));
      if (!state.decision.failure) {
        lenses.push(new vscode.CodeLens(range, { title: 'Re-roll', command: 'portclaims.rerollClaim', arguments: [{ folder: folder.root.toString(), claim: claim.claim }] }));
      }
    });
    return lenses;
  }

  dispose() {
    this.#emitter.dispose();
  }
}
