// What the preview, hovers and lenses say, from what the core decided.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { claimHover, claimLens, oneLineOf, portsOf, previewText } from '../../src/describe.js';
import { readInputs } from '../../src/inputs.js';
import { decideClaims, renderTemplate, templateReferences } from '../../src/render.js';
import { api, shopSources, template } from './helpers.mjs';

const decisionOf = (scope, seed = '7') => {
  const inputs = readInputs(shopSources());
  const options = { scope, seed, store: new api.MemoryStore(inputs.reservations) };
  return { inputs, options, decision: decideClaims(api, inputs, options) };
};

describe('the preview document', () => {
  test('says which ports are new and which are reserved, then the output as rendered', () => {
    const { inputs, options, decision } = decisionOf('default');
    const rendered = renderTemplate(api, inputs, template('service.yaml'), options);
    const references = templateReferences(api, template('service.yaml').text);
    const text = previewText({ template: 'service.yaml', scope: 'default', rendered: { output: rendered.output, ports: portsOf(references, rendered.decision) } });
    const lines = text.split('\n');
    assert.equal(lines[0], '# portclaims preview: service.yaml, scope default (a dry run: nothing is reserved)');
    assert.equal(lines[1], `# web: ${decision.ports.web} (new: not reserved yet, the port a render would draw)`);
    assert.equal(lines[2], '# admin: 443 (reserved for scope default)');
    assert.equal(lines.slice(3).join('\n'), rendered.output);
  });

  test('a failure shows at the top, above the last output that rendered', () => {
    const failure = { file: 'service.yaml', message: 'Undefined variable $nope', range: { start: { line: 4, column: 9 }, end: { line: 4, column: 14 } } };
    const text = previewText({ template: 'service.yaml', scope: 'shop', failure, lastOutput: 'kind: Service\n' });
    assert.equal(text, '# portclaims preview: service.yaml, scope shop (a dry run: nothing is reserved)\n# error: service.yaml:4:9: Undefined variable $nope\n# (below: the last output that rendered)\nkind: Service\n');
    assert.match(previewText({ template: 't.yaml', scope: 's', failure }), /# \(nothing has rendered yet\)\n$/);
  });

  test('notes of the core (a reservation outside its group) are shown', () => {
    const text = previewText({
      template: 'a.yaml',
      scope: 's',
      rendered: { output: 'x: 1\n', ports: [] },
      notes: [{ severity: 'warning', file: '.kublade/ports.json', message: 'claim "admin": keeps port 8443', range: { start: { line: 3, column: 31 } } }],
    });
    assert.match(text, /\n# warning: \.kublade\/ports\.json:3:31: claim "admin": keeps port 8443\n# ports: this template claims none\nx: 1\n$/);
  });

  test('a message that says where it is already is not told twice', () => {
    const note = { severity: 'warning', file: '.kublade/fields.json', message: '.kublade/fields.json: [0].value: not one of the options' };
    assert.equal(oneLineOf(note), '.kublade/fields.json: [0].value: not one of the options');
    assert.equal(oneLineOf({ file: 'a.yaml', message: 'x' }), 'a.yaml: x');
  });
});

describe('a claim\'s hover and lens', () => {
  const declaration = (name) => readInputs(shopSources()).claims.find((c) => c.claim === name);

  test('a reserved claim: its group and range, and the port reserved for the scope', () => {
    const { decision } = decisionOf('default');
    const hover = claimHover({ name: 'admin', declaration: declaration('admin'), group: api.describeGroup('http'), decision, scope: 'default' });
    assert.equal(hover, '**portclaims** claim `admin` · group `http` (tcp 80-443)\n\nreserved for scope default: 443');
    assert.equal(claimLens({ name: 'admin', decision, scope: 'default' }), 'port 443: reserved for scope default');
  });

  test('a claim not reserved yet: where a render draws it from', () => {
    const { decision } = decisionOf('shop');
    const hover = claimHover({ name: 'web', declaration: declaration('web'), group: api.describeGroup('tcp'), decision, scope: 'shop' });
    assert.equal(hover, `**portclaims** claim \`web\` · group \`tcp\` (tcp 49152-65535)\n\nnot reserved yet: a render draws from tcp 49152-65535 (this preview shows ${decision.ports.web})`);
    assert.equal(claimLens({ name: 'web', decision, scope: 'shop' }), `port ${decision.ports.web} in scope shop: new, not reserved yet (a render would draw it)`);
  });

  test('an undeclared claim, a preferred port, a failed decision', () => {
    assert.equal(claimHover({ name: 'x', claimsFile: '.kublade/ports.json' }), '**portclaims** claim `x` is not declared in .kublade/ports.json: a render stops here');
    const failure = { file: '.kublade/ports.json', message: 'claim "web": group "custom" has no port range', range: { start: { line: 1, column: 1 } } };
    const hover = claimHover({ name: 'web', declaration: { claim: 'web', group: 'custom', preferred_port: 8080, random: true }, group: api.describeGroup('custom'), decision: { failure }, scope: 's' });
    assert.equal(hover, '**portclaims** claim `web` · group `custom` (tcp no ports)\n\nprefers port 8080, else a random one\n\nno port: .kublade/ports.json:1:1: claim "web": group "custom" has no port range');
    assert.equal(claimLens({ name: 'web', decision: { failure }, scope: 's' }), 'no port: claim "web": group "custom" has no port range');
  });
});
