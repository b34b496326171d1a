// The manifest promises what the issue names: commands and their titles, activation, settings,
// the grammar for Blade in YAML; the sources register every command it contributes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { api, extensionDir } from './helpers.mjs';

const manifest = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8'));

test('identity, entries and packaging', () => {
  assert.equal(manifest.publisher, 'portclaims');
  assert.equal(manifest.name, 'portclaims');
  assert.equal(manifest.main, './dist/node.js');
  assert.equal(manifest.browser, './dist/web.js');
  for (const file of ['README.md', 'CHANGELOG.md', 'LICENSE', 'images/preview.png', 'language-configuration.json']) assert.ok(existsSync(join(extensionDir, file)), file);
  assert.match(readFileSync(join(extensionDir, 'README.md'), 'utf8'), /!\[[^\]]*\]\(images\/preview\.png\)/);
});

test('activation: Kublade workspaces, lock files, Blade YAML files; nothing at start-up', () => {
  assert.deepEqual(manifest.activationEvents, ['workspaceContains:**/.kublade/ports.json', 'workspaceContains:**/portclaims.lock.json', 'onLanguage:blade-yaml']);
  assert.deepEqual(manifest.contributes.languages[0].extensions, ['.blade.yaml', '.blade.yml']);
});

test('commands: titled as the issue names them, each registered by the sources', () => {
  const titles = Object.fromEntries(manifest.contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]));
  assert.deepEqual(titles, {
    'portclaims.openPreview': 'portclaims: Open Preview to the Side',
    'portclaims.renderFolder': 'portclaims: Render Folder…',
    'portclaims.selectScope': 'portclaims: Select Scope',
    'portclaims.releaseScope': 'portclaims: Release Scope',
    'portclaims.rerollClaim': 'portclaims: Re-roll Claim',
  });
  const sources = readFileSync(join(extensionDir, 'src', 'commands.js'), 'utf8');
  for (const id of Object.keys(titles)) assert.ok(sources.includes(`'${id}': `), `${id} is registered`);
  assert.deepEqual(manifest.contributes.menus['editor/title'].map((m) => m.command), ['portclaims.openPreview']);
});

test('settings: scope, lockFile, whitespace, dialect, groupsFile, with the CLI\'s defaults', () => {
  const properties = manifest.contributes.configuration.properties;
  assert.deepEqual(Object.keys(properties), ['portclaims.scope', 'portclaims.lockFile', 'portclaims.whitespace', 'portclaims.dialect', 'portclaims.groupsFile']);
  // The extension takes the default scope from here, so it must be the core's.
  assert.equal(properties['portclaims.scope'].default, api.defaultScope);
  assert.equal(properties['portclaims.lockFile'].default, 'portclaims.lock.json');
  assert.deepEqual(properties['portclaims.whitespace'].enum, ['blade', 'smart']);
  assert.deepEqual(properties['portclaims.dialect'].enum, ['blade', 'jinja']);
});

test('the Blade grammar is injected into the YAML templates\' grammar only', () => {
  const [language, injection] = manifest.contributes.grammars;
  assert.deepEqual([language.language, language.scopeName], ['blade-yaml', 'source.yaml.blade']);
  assert.deepEqual(injection.injectTo, ['source.yaml.blade']);
  const grammar = JSON.parse(readFileSync(join(extensionDir, injection.path), 'utf8'));
  assert.equal(grammar.scopeName, injection.scopeName);
  assert.match(grammar.injectionSelector, /^L:source\.yaml\.blade\b/);
});
