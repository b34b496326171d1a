// `portclaims check` as you type: the diagnostics of a template folder (its templates, its
// .kublade/ports.json and fields.json, the lock file and groups file it reads) in the Problems
// panel, refreshed once typing pauses, each file's list replaced whole so that fixed problems go.
import * as vscode from 'vscode';

import { editorRange } from './positions.js';
import { checkFolder } from './render.js';

// The Problems panel may trail the preview a little: the preview, which the user watches as they
// type, renders first.
const DELAY_MS = 60;

const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class Diagnostics {
  #model;
  #collection = vscode.languages.createDiagnosticCollection('portclaims');
  #owned = new Map(); // folder key → the URIs it set diagnostics on
  #runs = new Map(); // folder key → the number of its latest run, so that a slow old run loses
  #timers = new Map();
  #disposables = [];

  constructor(model, log) {
    this.#model = model;
    const guarded = (folder) => this.refresh(folder).catch((error) => log(`diagnostics of ${folder.root.toString()}: ${error?.stack ?? error}`));
    this.#disposables.push(
      this.#collection,
      model.onDidChange((folder) => {
        clearTimeout(this.#timers.get(folder.key));
        this.#timers.set(folder.key, setTimeout(() => guarded(folder), DELAY_MS));
      }),
      vscode.workspace.onDidOpenTextDocument((d) => this.#opened(d, guarded)),
    );
    for (const document of vscode.workspace.textDocuments) this.#opened(document, guarded);
  }

  /** Checks a document's folder the first time one of its documents opens. */
  async #opened(document, refresh) {
    // folderOf only looks for .kublade/ and treats what it cannot read as absent: it never throws.
    const folder = await this.#model.folderOf(document.uri);
    if (folder && !this.#owned.has(folder.key)) {
      this.#owned.set(folder.key, new Set());
      await refresh(folder);
    }
  }

  /** Checks the whole folder and replaces its diagnostics. */
  async refresh(folder) {
    const run = (this.#runs.get(folder.key) ?? 0) + 1;
    this.#runs.set(folder.key, run);
    const [api, state, files] = await Promise.all([this.#model.api(), this.#model.state(folder), this.#model.templateTexts(folder)]);
    const found = checkFolder(api, state.inputs, files, state.options);
    if (this.#runs.get(folder.key) !== run) return;

    const texts = new Map(files.map((f) => [f.path, { uri: f.uri, text: f.text }]));
    const byUri = new Map();
    for (const d of found) {
      const file = texts.get(d.file) ?? { uri: state.uriOf(d.file), text: state.textOf(d.file) };
      if (!file.uri) continue;
      const lines = (file.text ?? '').split('\n');
      const r = editorRange(d.range, lines);
      const message = d.hint ? `${d.message}\nhint: ${d.hint}` : d.message;
      const diagnostic = new vscode.Diagnostic(new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter), message, SEVERITY[d.severity] ?? vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'portclaims';
      const key = file.uri.toString();
      if (!byUri.has(key)) byUri.set(key, { uri: file.uri, list: [] });
      byUri.get(key).list.push(diagnostic);
    }
    const owned = this.#owned.get(folder.key) ?? new Set();
    for (const key of owned) if (!byUri.has(key)) this.#collection.delete(vscode.Uri.parse(key));
    for (const { uri, list } of byUri.values()) this.#collection.set(uri, list);
    this.#owned.set(folder.key, new Set(byUri.keys()));
  }

  dispose() {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    for (const d of this.#disposables) d.dispose();
  }
}
