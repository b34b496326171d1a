// The live preview: a read-only virtual YAML document beside the template, named after the
// template and the scope it renders for. It re-renders when the template, the folder's ports.json
// or fields.json, the lock file or the groups file change, once typing pauses; a failed render
// keeps the last output that rendered under the error.
import * as vscode from 'vscode';

import { previewText, portsOf } from './describe.js';
import { basename } from './model.js';
import { renderTemplate, templateReferences } from './render.js';
import { settingsFor } from './settings.js';

export const PREVIEW_SCHEME = 'portclaims-preview';

export class Previews {
  #model;
  #emitter = new vscode.EventEmitter();
  #texts = new Map(); // preview URI → its text
  #lastOutputs = new Map(); // preview URI → the last output that rendered
  #disposables = [];

  constructor(model, log) {
    this.#model = model;
    const logged = (what) => (error) => log(`${what}: ${error?.stack ?? error}`);
    this.onDidChange = this.#emitter.event;
    this.#disposables.push(
      this.#emitter,
      vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, this),
      model.onDidChange((folder) => this.#refresh(folder).catch(logged('preview refresh'))),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme !== PREVIEW_SCHEME) return;
        // Showing a preview as YAML closes and reopens its document at once: forget a preview
        // (its last good output among it) only when it stays closed.
        const key = d.uri.toString();
        setTimeout(() => {
          if (vscode.workspace.textDocuments.some((open) => open.uri.toString() === key)) return;
          this.#texts.delete(key);
          this.#lastOutputs.delete(key);
        }, 0);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('portclaims.scope') && this.#followScope().catch(logged('preview scope'))),
    );
  }

  /** The preview of `template` in `scope`: its tab reads "service.yaml — scope shop". */
  static uriOf(template, scope) {
    const dir = template.path.slice(0, template.path.lastIndexOf('/') + 1);
    return vscode.Uri.from({
      scheme: PREVIEW_SCHEME,
      path: `${dir}${basename(template)} — scope ${scope}`,
      query: new URLSearchParams({ template: template.toString(), scope }).toString(),
    });
  }

  /** `{ template, scope }` of a preview URI. */
  static parse(uri) {
    const query = new URLSearchParams(uri.query);
    const template = vscode.Uri.parse(query.get('template') ?? '');
    return { template, scope: query.get('scope') ?? settingsFor(template).scope };
  }

  /** Opens the preview of `template` beside it, in the selected scope. */
  open(template) {
    return show(Previews.uriOf(template, settingsFor(template).scope), vscode.ViewColumn.Beside);
  }

  async provideTextDocumentContent(uri) {
    const key = uri.toString();
    if (!this.#texts.has(key)) this.#texts.set(key, await this.#render(uri));
    return this.#texts.get(key);
  }

  async #render(uri) {
    const { template, scope } = Previews.parse(uri);
    const name = basename(template);
    try {
      const found = await this.#model.templateOf(template);
      if (!found) {
        return `# portclaims: ${name} is not a template: open a *.blade.yaml file, or a file of a folder that holds .kublade/\n`;
      }
      const [state, text, api] = await Promise.all([this.#model.state(found.folder, scope), this.#model.text(template), this.#model.api()]);
      const source = { path: found.path, text: text ?? '' };
      const result = renderTemplate(api, state.inputs, source, state.options);
      const lastOutput = this.#lastOutputs.get(uri.toString());
      if (result.failure) return previewText({ template: found.path, scope, failure: result.failure, lastOutput });
      this.#lastOutputs.set(uri.toString(), result.output);
      const references = templateReferences(api, source.text, state.options);
      return previewText({
        template: found.path,
        scope,
        rendered: { output: result.output, ports: portsOf(references, result.decision) },
        notes: result.decision.diagnostics,
      });
    } catch (error) {
      const failure = { message: String(error?.message ?? error).split('\n')[0] };
      return previewText({ template: name, scope, failure, lastOutput: this.#lastOutputs.get(uri.toString()) });
    }
  }

  /** Re-renders the open previews of `folder`'s templates; tells VS Code of those that changed. */
  async #refresh(folder) {
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme !== PREVIEW_SCHEME) continue;
      const { template } = Previews.parse(document.uri);
      const inFolder = folder.standalone ? template.toString() === folder.standalone.toString() : template.toString().startsWith(`${folder.key}/`);
      if (!inFolder) continue;
      const key = document.uri.toString();
      const text = await this.#render(document.uri);
      if (text === this.#texts.get(key)) continue;
      this.#texts.set(key, text);
      this.#emitter.fire(document.uri);
    }
  }

  /** The selected scope changed: each open preview is replaced by its template's in the new scope. */
  async #followScope() {
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
        if (uri?.scheme !== PREVIEW_SCHEME) continue;
        const { template, scope } = Previews.parse(uri);
        const selected = settingsFor(template).scope;
        if (selected === scope) continue;
        await show(Previews.uriOf(template, selected), group.viewColumn);
        await vscode.window.tabGroups.close(tab, true);
      }
    }
  }

  dispose() {
    for (const d of this.#disposables) d.dispose();
  }
}

/** Shows a preview document as YAML (its name does not end in .yaml) without taking the focus. */
async function show(uri, viewColumn) {
  let document = await vscode.workspace.openTextDocument(uri);
  if (document.languageId !== 'yaml') document = await vscode.languages.setTextDocumentLanguage(document, 'yaml');
  return vscode.window.showTextDocument(document, { viewColumn, preview: false, preserveFocus: true });
}
