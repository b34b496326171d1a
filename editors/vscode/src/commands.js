// The commands: Open Preview to the Side, Render Folder…, Select Scope, Release Scope, Re-roll
// Claim. The three that write (render, release, re-roll) go through the host's writer, which
// uses the CLI's own code and lock file store; a host without one (the web) says so.
import * as vscode from 'vscode';

import { oneLineOf } from './describe.js';
import { basename } from './model.js';
import { parseLockFile } from './portclaims.js';
import { PREVIEW_SCHEME, Previews } from './preview.js';
import { SECTION, settingsFor, shown } from './settings.js';

const NEEDS_NODE = 'needs the desktop extension host: VS Code for the Web cannot lock and write the lock file';

/** Whether `command` may write here: a host with a writer, a trusted workspace; else says why not. */
function canWrite(writer, command) {
  if (!writer) vscode.window.showWarningMessage(`portclaims: ${command} ${NEEDS_NODE}`);
  else if (!vscode.workspace.isTrusted) vscode.window.showWarningMessage(`portclaims: ${command} writes files: trust this workspace first`);
  return Boolean(writer) && vscode.workspace.isTrusted;
}

/** Saves the unsaved edits of the files `matches` (by URI) that a write reads, as a build task does. */
async function saveEdits(matches) {
  const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && matches(d.uri.toString()));
  await Promise.all(dirty.map((d) => d.save()));
}

export function registerCommands({ model, previews, writer, run }) {
  const commands = {
    'portclaims.openPreview': (uri) => openPreview(model, previews, uri),
    'portclaims.selectScope': () => selectScope(model),
    'portclaims.releaseScope': () => releaseScope(model, writer),
    'portclaims.rerollClaim': (target) => rerollClaim(model, writer, target),
    'portclaims.renderFolder': (uri) => renderFolder(model, writer, uri),
  };
  return Object.entries(commands).map(([id, command]) => vscode.commands.registerCommand(id, (...args) => run(id, () => command(...args))));
}

/** The resource a command is about: the URI it was given, else the active editor's template. */
function targetOf(uri) {
  if (uri instanceof vscode.Uri) return uri;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === PREVIEW_SCHEME) return Previews.parse(active).template;
  return active;
}

async function openPreview(model, previews, uri) {
  const target = targetOf(uri);
  if (!target || !(await model.templateOf(target))) {
    vscode.window.showInformationMessage('portclaims: open a template first: a *.blade.yaml file, or a file of a folder that holds .kublade/ports.json');
    return;
  }
  await previews.open(target);
}

/** The scopes the lock file holds reservations for, with their counts. */
async function scopesIn(model, settings) {
  let reservations = [];
  try {
    const text = await model.text(settings.lockFile);
    // The core judges the file: it must be loaded first.
    await model.api();
    if (text !== undefined) reservations = parseLockFile(text, settings.lockPath);
  } catch (error) {
    vscode.window.showWarningMessage(`portclaims: ${String(error?.message ?? error).split('\n')[0]}`);
  }
  const counts = new Map();
  for (const r of reservations) counts.set(r.scope, (counts.get(r.scope) ?? 0) + 1);
  return counts;
}

const countOf = (n) => `${n} reservation${n === 1 ? '' : 's'}`;

async function selectScope(model) {
  const resource = targetOf();
  const settings = settingsFor(resource);
  const counts = await scopesIn(model, settings);
  const names = [...new Set([settings.scope, settings.defaultScope, ...counts.keys()])];
  const another = { label: '$(add) Another scope…', alwaysShow: true };
  const items = names.map((name) => ({
    label: name,
    description: [name === settings.scope ? 'selected' : '', counts.has(name) ? countOf(counts.get(name)) : ''].filter(Boolean).join(' · '),
  }));
  const picked = await vscode.window.showQuickPick([...items, another], { title: 'portclaims: Select Scope', placeHolder: `the deployment to preview and render for (now ${settings.scope})` });
  if (!picked) return;
  let scope = picked.label;
  if (picked === another) {
    scope = await vscode.window.showInputBox({
      title: 'portclaims: a new scope',
      prompt: 'The deployment whose ports previews show and renders reserve',
      validateInput: (value) => (value.trim() === '' ? 'a scope needs a name' : undefined),
    });
    if (scope === undefined) return;
    scope = scope.trim();
  }
  await vscode.workspace.getConfiguration(SECTION, resource).update('scope', scope, vscode.ConfigurationTarget.Workspace);
}

async function releaseScope(model, writer) {
  if (!canWrite(writer, 'Release Scope')) return;
  const resource = targetOf();
  const settings = settingsFor(resource);
  const counts = await scopesIn(model, settings);
  if (counts.size === 0) return void vscode.window.showInformationMessage(`portclaims: ${settings.lockPath} holds no reservations`);
  const items = [...counts].map(([name, n]) => ({ label: name, description: `${countOf(n)}${name === settings.scope ? ' · selected' : ''}` }));
  items.sort((a, b) => (b.label === settings.scope) - (a.label === settings.scope));
  const picked = await vscode.window.showQuickPick(items, { title: 'portclaims: Release Scope', placeHolder: `the scope whose ports ${settings.lockPath} should free` });
  if (!picked) return;
  const confirm = await vscode.window.showWarningMessage(
    `Release the ${countOf(counts.get(picked.label))} of scope ${picked.label} in ${settings.lockPath}?`,
    { modal: true, detail: 'Its ports become free for other deployments; a later render of the scope draws new ones.' },
    'Release',
  );
  if (confirm !== 'Release') return;
  await saveEdits((uri) => uri === settings.lockFile.toString());
  const groups = await groupsFor(model, resource);
  const { released } = await writer.release({ lockFile: settings.lockFile.fsPath, scope: picked.label, groups });
  vscode.window.showInformationMessage(`portclaims: released ${countOf(released.length)} of scope ${picked.label}: ${released.map((r) => `${r.claim} ${r.port}`).join(', ') || 'none'}`);
}

async function groupsFor(model, resource) {
  const folder = resource && (await model.folderOf(resource));
  return folder ? (await model.state(folder)).inputs.groups : undefined;
}

async function rerollClaim(model, writer, target) {
  if (!canWrite(writer, 'Re-roll Claim')) return;
  const resource = target?.folder ? vscode.Uri.parse(target.folder) : targetOf();
  const folder = resource && (target?.folder ? await model.folderOf(vscode.Uri.joinPath(resource, '.kublade', 'ports.json')) : await model.folderOf(resource));
  if (!folder) return void vscode.window.showInformationMessage('portclaims: open a template or a .kublade/ports.json first');
  const state = await model.state(folder);
  if (state.decision.failure) return void vscode.window.showErrorMessage(`portclaims: ${oneLineOf(state.decision.failure)}`);
  const claims = Array.isArray(state.inputs.claims) ? state.inputs.claims : [];
  let name = target?.claim;
  if (name === undefined) {
    const items = claims.map((c) => ({
      label: c.claim,
      description: `${state.decision.ports[c.claim]}${state.decision.fresh.has(c.claim) ? ' (not reserved yet)' : ''} · group ${c.group}`,
    }));
    if (items.length === 0) return void vscode.window.showInformationMessage(`portclaims: ${state.inputs.claimsFile ?? 'this folder'} declares no claims`);
    const picked = await vscode.window.showQuickPick(items, { title: `portclaims: Re-roll Claim in scope ${state.settings.scope}`, placeHolder: 'the claim that should get a new port' });
    if (!picked) return;
    name = picked.label;
  }
  const declaration = claims.find((c) => c.claim === name);
  if (!declaration) return void vscode.window.showErrorMessage(`portclaims: claim ${JSON.stringify(name)} is not declared in ${state.inputs.claimsFile}`);
  const { scope, lockFile, lockPath } = state.settings;
  await saveEdits((uri) => uri === lockFile.toString());
  const { before, after } = await writer.reroll({ lockFile: lockFile.fsPath, scope, declaration, groups: state.inputs.groups });
  vscode.window.showInformationMessage(`portclaims: claim ${name} in scope ${scope}: ${before === undefined ? 'unreserved' : before} → ${after}, kept in ${lockPath}`);
}

async function renderFolder(model, writer, uri) {
  if (!canWrite(writer, 'Render Folder…')) return;
  let folder = targetOf(uri) && (await model.folderOf(targetOf(uri)));
  if (!folder) folder = await pickFolder(model);
  if (!folder) return;
  const settings = settingsFor(folder.root);
  const name = folder.standalone ? basename(folder.standalone) : shown(folder.root);
  const picked = await vscode.window.showOpenDialog({
    title: `portclaims: render ${name} into…`,
    openLabel: 'Render Here',
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: vscode.workspace.getWorkspaceFolder(folder.root)?.uri ?? folder.root,
  });
  const out = picked?.[0];
  if (!out) return;
  const inputs = [settings.lockFile.toString(), settings.groupsFile?.toString()];
  await saveEdits((uri) => uri.startsWith(`${folder.key}/`) || uri === folder.key || inputs.includes(uri));
  const result = await writer.renderFolder({
    target: (folder.standalone ?? folder.root).fsPath,
    out: out.fsPath,
    lockFile: settings.lockFile.fsPath,
    scope: settings.scope,
    seed: model.seedFor(settings),
    groupsFile: settings.groupsPreset ?? settings.groupsFile?.fsPath,
    dialect: settings.dialect,
    whitespace: settings.whitespace,
  });
  const reserved = result.allocated.map((r) => `${r.claim} ${r.port}`).join(', ');
  const files = result.files?.length ?? 1;
  vscode.window.showInformationMessage(
    `portclaims: rendered ${files} file${files === 1 ? '' : 's'} of ${name} into ${shown(out)} for scope ${settings.scope}; ${reserved ? `reserved ${reserved} in ${settings.lockPath}` : 'no new reservations'}`,
  );
}

async function pickFolder(model) {
  const markers = await vscode.workspace.findFiles('**/.kublade/{ports,fields}.json', '**/node_modules/**', 200);
  const folders = new Map();
  for (const marker of markers) {
    const folder = await model.folderOf(marker);
    if (folder) folders.set(folder.key, folder);
  }
  if (folders.size === 0) return void vscode.window.showInformationMessage('portclaims: no template folder (a folder holding .kublade/ports.json) in this workspace');
  if (folders.size === 1) return [...folders.values()][0];
  const picked = await vscode.window.showQuickPick(
    [...folders.values()].map((folder) => ({ label: shown(folder.root), folder })),
    { title: 'portclaims: Render Folder…', placeHolder: 'the template folder to render' },
  );
  return picked?.folder;
}
