// YAML templates of Kublade template folders are Blade: their documents get the `blade-yaml`
// language (YAML with Blade highlighted), as *.blade.yaml files get it by name. A document the
// user sets back to YAML stays YAML.
import * as vscode from 'vscode';

export function bladeLanguage(model, log) {
  const switched = new Set();
  const consider = async (document) => {
    if (document.languageId !== 'yaml') return;
    const key = document.uri.toString();
    if (switched.has(key)) return; // switched once already: the user chose YAML since
    try {
      if (!(await model.templateOf(document.uri))) return;
      switched.add(key);
      await vscode.languages.setTextDocumentLanguage(document, 'blade-yaml');
    } catch (error) {
      log(`language of ${key}: ${error?.message ?? error}`);
    }
  };
  for (const document of vscode.workspace.textDocuments) consider(document);
  return vscode.workspace.onDidOpenTextDocument(consider);
}
