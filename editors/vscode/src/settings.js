// The portclaims.* settings for a resource, with the files they name resolved against the
// workspace folder (as the CLI resolves them against the folder it runs in).
import * as vscode from 'vscode';

import { GROUPS_PRESET } from './inputs.js';
import { DEFAULT_LOCK_FILE } from './portclaims.js';

export const SECTION = 'portclaims';

/**
 * `{ scope, defaultScope, lockFile, lockPath, groupsFile, groupsPath, groupsPreset, dialect, whitespace }` for
 * `resource`: the files as URIs and as the paths messages show; `groupsPreset` when the groups
 * setting names the core's preset (`kublade`) rather than a file.
 */
export function settingsFor(resource) {
  const config = vscode.workspace.getConfiguration(SECTION, resource);
  const workspaceFolder = resource ? vscode.workspace.getWorkspaceFolder(resource) : vscode.workspace.workspaceFolders?.[0];
  const base = workspaceFolder?.uri ?? (resource ? vscode.Uri.joinPath(resource, '..') : undefined);
  const lock = nonEmpty(config.get('lockFile')) ?? DEFAULT_LOCK_FILE;
  const groups = nonEmpty(config.get('groupsFile'));
  const groupsPreset = groups === GROUPS_PRESET ? groups : undefined;
  const lockFile = resolve(base, lock);
  const groupsFile = groups === undefined || groupsPreset ? undefined : resolve(base, groups);
  // The setting's default is the core's default scope (test/unit/manifest.test.mjs checks it).
  const defaultScope = config.inspect('scope')?.defaultValue;
  return {
    scope: nonEmpty(config.get('scope')) ?? defaultScope,
    defaultScope,
    lockFile,
    lockPath: shown(lockFile),
    groupsFile,
    groupsPath: groupsFile && shown(groupsFile),
    groupsPreset,
    dialect: nonEmpty(config.get('dialect')),
    whitespace: nonEmpty(config.get('whitespace')),
  };
}

function nonEmpty(value) {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function resolve(base, path) {
  if (/^([a-zA-Z]:[\\/]|\/)/.test(path) || !base) return vscode.Uri.file(path);
  return vscode.Uri.joinPath(base, ...path.split(/[\\/]/));
}

/** A path as messages show it: relative to its workspace folder. */
export function shown(uri) {
  return vscode.workspace.asRelativePath(uri, false);
}
