// A hover on `$portClaims['web']` in a template: the claim, its group and the group's ports, and
// its port in the selected scope (reserved, or the one a render would draw).
import * as vscode from 'vscode';

import { claimHover } from './describe.js';
import { editorRange, rangeContains } from './positions.js';
import { templateReferences } from './render.js';

export class ClaimHovers {
  #model;
  #references = new WeakMap(); // document → { version, references }

  constructor(model) {
    this.#model = model;
  }

  async provideHover(document, position) {
    const found = await this.#model.templateOf(document.uri);
    if (!found) return undefined;
    const [api, state] = await Promise.all([this.#model.api(), this.#model.state(found.folder)]);
    let cached = this.#references.get(document);
    if (cached?.version !== document.version) {
      const { dialect, whitespace } = state.settings;
      cached = { version: document.version, references: templateReferences(api, document.getText(), { dialect, whitespace }) };
      this.#references.set(document, cached);
    }
    const lines = document.getText().split('\n');
    const reference = cached.references.find((r) => rangeContains(r.range, lines, position));
    if (!reference) return undefined;
    const declaration = Array.isArray(state.inputs.claims) ? state.inputs.claims.find((c) => c?.claim === reference.name) : undefined;
    let group;
    if (declaration && typeof declaration.group === 'string') {
      try {
        group = api.describeGroup(declaration.group, state.inputs.groups);
      } catch {
        group = undefined; // a broken groups file: the decision's failure says why
      }
    }
    const markdown = claimHover({
      name: reference.name,
      declaration,
      group,
      decision: state.decision,
      scope: state.settings.scope,
      claimsFile: state.inputs.claimsFile,
    });
    const r = editorRange(reference.range, lines);
    const range = new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter);
    return new vscode.Hover(new vscode.MarkdownString(markdown), range);
  }
}
