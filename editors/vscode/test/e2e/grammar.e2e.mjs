// The Blade injection grammar, tokenized as VS Code tokenizes it: vscode-textmate and
// vscode-oniguruma with VS Code's own YAML grammar, all from the code-server install.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { codeServerDir, ensureCodeServer } from './code-server.mjs';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let grammar;
let textmate;

/** `[text, scopes]` of each token of `source`, line by line. */
function tokens(source) {
  let stack = textmate.INITIAL;
  const out = [];
  for (const line of source.split('\n')) {
    const result = grammar.tokenizeLine(line, stack);
    for (const token of result.tokens) out.push([line.slice(token.startIndex, token.endIndex), token.scopes.join(' ')]);
    stack = result.ruleStack;
  }
  return out;
}

const scopesOf = (source, text) => tokens(source).filter(([t]) => t === text).map(([, scopes]) => scopes);

describe('Blade in YAML templates, highlighted', () => {
  before(async () => {
    const vscode = join(ensureCodeServer(codeServerDir()), 'lib', 'vscode');
    const require = createRequire(join(vscode, 'package.json'));
    textmate = require('vscode-textmate');
    const oniguruma = require('vscode-oniguruma');
    await oniguruma.loadWASM(readFileSync(join(dirname(require.resolve('vscode-oniguruma')), 'onig.wasm')).buffer);
    const files = new Map();
    const yaml = join(vscode, 'extensions', 'yaml', 'syntaxes');
    for (const name of readdirSync(yaml)) files.set(JSON.parse(readFileSync(join(yaml, name), 'utf8')).scopeName, join(yaml, name));
    for (const name of readdirSync(join(extensionDir, 'syntaxes'))) {
      files.set(JSON.parse(readFileSync(join(extensionDir, 'syntaxes', name), 'utf8')).scopeName, join(extensionDir, 'syntaxes', name));
    }
    const manifest = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8'));
    const injections = manifest.contributes.grammars.filter((g) => g.injectTo);
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({ createOnigScanner: (p) => new oniguruma.OnigScanner(p), createOnigString: (s) => new oniguruma.OnigString(s) }),
      loadGrammar: async (scope) => (files.has(scope) ? textmate.parseRawGrammar(readFileSync(files.get(scope), 'utf8'), files.get(scope)) : null),
      getInjections: (scope) => injections.filter((g) => g.injectTo.includes(scope)).map((g) => g.scopeName),
    });
    grammar = await registry.loadGrammar('source.yaml.blade');
  });

  test('echoes, raw echoes and comments, in values and in strings', () => {
    const source = "port: {{ $portClaims['web'] }}\nname: \"{{ $data['name'] }}-svc\"\nraw: {!! $secret['x'] !!}\n{{-- a comment: with {{ echoes }} --}}\nkey: value";
    assert.match(scopesOf(source, '{{')[0], /punctuation\.section\.embedded\.begin\.blade/);
    assert.match(scopesOf(source, 'portClaims')[0], /meta\.embedded\.echo\.blade .*variable\.other\.php/);
    assert.match(scopesOf(source, 'web')[0], /string\.quoted\.single\.php/);
    assert.match(scopesOf(source, 'data')[0], /string\.quoted\.double\.yaml .*meta\.embedded\.echo\.blade .*variable\.other\.php/);
    assert.match(scopesOf(source, '{!!')[0], /meta\.embedded\.echo\.raw\.blade/);
    assert.ok(tokens(source).some(([t, s]) => t.includes('a comment') && /comment\.block\.blade/.test(s)));
    assert.ok(!tokens(source).some(([t, s]) => t.includes('echoes') && /meta\.embedded\.echo\.blade/.test(s)), 'no echo inside a comment');
    assert.ok(tokens(source).some(([t, s]) => t === 'key' && /entity\.name\.tag\.yaml/.test(s) && !/meta\.embedded|meta\.directive/.test(s)), 'YAML stays YAML');
  });

  test('directives with their parenthesised PHP, and escapes', () => {
    const source = "@if(isset($portClaims['admin']) && ($data['n'] ?? 1) > 0)\nadmin: 1\n@endif\n@foreach($data['list'] as $item)\n@{{ literal }} and @@if";
    const ifScopes = tokens(source).filter(([t]) => t === 'if').map(([, s]) => s);
    assert.match(ifScopes[0], /keyword\.control\.directive\.blade/);
    assert.match(scopesOf(source, 'isset')[0], /support\.function\.php/);
    assert.match(scopesOf(source, 'admin')[0], /meta\.directive\.blade .*string\.quoted\.single\.php/);
    assert.ok(tokens(source).some(([t, s]) => t === '??' && /keyword\.operator\.php/.test(s)), 'nested parentheses stay PHP');
    assert.match(tokens(source).find(([t]) => t === 'endif')[1], /keyword\.control\.directive\.blade/);
    assert.match(tokens(source).find(([t]) => t === 'as')[1], /keyword\.control\.php/);
    assert.ok(tokens(source).some(([t, s]) => t === '@{{ literal }}' && /constant\.character\.escape\.blade/.test(s)));
    assert.ok(tokens(source).some(([t, s]) => t === '@@if' && /constant\.character\.escape\.blade/.test(s)));
  });
});
