// `portclaims check` and check() of the JS API: every kind of diagnostic, nothing reserved.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { DEPLOYMENT, FIELDS, PORTS, SERVICE } from './fixtures.mjs';
import { run, workspace } from './helpers.mjs';

const FOLDER = {
  'tpl/.kublade/ports.json':
    '[\n  { "group": "tcp", "claim": "web" },\n  { "group": "tcp", "claim": "metrics" },\n  { "group": "tcp", "claim": "unused" }\n]\n',
  'tpl/broken.yaml': 'a: [1, 2\nb: 3\n',
  'tpl/daemon.yaml': `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  template:
    spec:
      containers:
        - name: agent
          ports:
            - containerPort: 9100
              hostPort: 8080
`,
  'tpl/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          ports:
            - containerPort: 70000
              hostPort: 8080
          @if($paused)
          args: ["--paused"]
          @endif
`,
  'tpl/render-error.yaml': "x: {{ $data['missing'] }}\n",
  'tpl/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: a
spec:
  type: NodePort
  ports:
    - name: http
      port: {{ $portClaims['web'] }}
      nodePort: 30080
    - name: metrics
      port: {{ $portClaims['metrics'] }}
      nodePort: 30080
`,
  'tpl/service2.yaml': `apiVersion: v1
kind: Service
metadata:
  name: b
spec:
  ports:
    - name: http
      port: {{ $portClaims['web'] }}
      targetPort: 0
`,
  'tpl/undeclared.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  admin: "{{ $portClaims['admin'] }}"
@if(isset($portClaims['optional']))
  optional: "{{ $portClaims['optional'] }}"
@endif
`,
};

// [severity, file, line, message]
const EXPECTED = [
  ['warning', 'tpl/.kublade/ports.json', 4, /claim "unused" is declared but never used/],
  ['error', 'tpl/broken.yaml', null, /not valid YAML/],
  ['error', 'tpl/deployment.yaml', 11, /containerPort 70000 is outside 1–65535/],
  ['warning', 'tpl/deployment.yaml', 12, /hostPort 8080 of DaemonSet agent|hostPort 8080 .*also used by DaemonSet agent/],
  ['warning', 'tpl/deployment.yaml', 13, /indentation/],
  ['error', 'tpl/render-error.yaml', 1, /Undefined array key "missing"/],
  ['error', 'tpl/service.yaml', 13, /nodePort 30080 is used twice in Service a/],
  ['warning', 'tpl/service2.yaml', 8, /Service port \d+ of Service b is also used by Service a \(tpl\/service\.yaml:9\)/],
  ['error', 'tpl/service2.yaml', 9, /targetPort 0 is outside 1–65535/],
  ['error', 'tpl/undeclared.yaml', 6, /claim "admin" is used but not declared/],
  ['info', 'tpl/undeclared.yaml', 7, /claim "optional" is not declared/],
];

test('check finds every kind of problem in a folder, as diagnostics with ranges; exit 1; nothing reserved', async (t) => {
  const dir = workspace(t, FOLDER);
  const r = await run(['check', 'tpl', '--json'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const diagnostics = JSON.parse(r.stdout);
  for (const d of diagnostics) {
    assert.ok(['error', 'warning', 'info'].includes(d.severity));
    assert.equal(typeof d.message, 'string');
    assert.equal(typeof d.file, 'string');
    for (const end of ['start', 'end']) {
      assert.ok(Number.isInteger(d.range[end].line) && d.range[end].line >= 1, JSON.stringify(d));
      assert.ok(Number.isInteger(d.range[end].column) && d.range[end].column >= 1, JSON.stringify(d));
    }
  }
  const shown = diagnostics.map((d) => `${d.severity} ${d.file}:${d.range.start.line}:${d.range.start.column} ${d.message}`).join('\n');
  for (const [severity, file, line, message] of EXPECTED) {
    assert.ok(
      diagnostics.some((d) => d.severity === severity && d.file === file && (line === null || d.range.start.line === line) && message.test(d.message)),
      `expected ${severity} at ${file}:${line} matching ${message}; got:\n${shown}`,
    );
  }
  const errors = diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, EXPECTED.filter(([s]) => s === 'error').length, `no other errors; got:\n${shown}`);
  assert.equal(existsSync(join(dir, 'portclaims.lock.json')), false, 'check reserves nothing');
});

test('check prints rustc-like diagnostics and a summary', async (t) => {
  const dir = workspace(t, FOLDER);
  const r = await run(['check', 'tpl'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /^error: claim "admin" is used but not declared in tpl\/\.kublade\/ports\.json\n --> tpl\/undeclared\.yaml:6:\d+\n  \|\n6 \|   admin: "\{\{ \$portClaims\['admin'\] \}\}"\n  \| +\^+\n/m,
  );
  assert.match(r.stderr, /^check: 6 errors, \d warnings? in 7 templates$/m);
});

test('a clean folder passes; warnings alone exit 0', async (t) => {
  const dir = workspace(t, {
    'tpl/.kublade/fields.json': FIELDS,
    'tpl/.kublade/ports.json': PORTS,
    'tpl/service.yaml': SERVICE,
    'tpl/apps/deployment.yaml': DEPLOYMENT,
  });
  const clean = await run(['check', 'tpl', '--set', 'password=x'], { cwd: dir });
  assert.equal(clean.code, 0, clean.stderr);
  assert.match(clean.stderr, /^check: 2 templates: no problems found$/m);
  // Without a value for the required secret field Kublade refuses the deployment, and so does
  // check: it never passes what render fails.
  const refused = await run(['check', 'tpl', '--json'], { cwd: dir });
  assert.equal(refused.code, 1, refused.stderr);
  const [d] = JSON.parse(refused.stdout);
  assert.equal(d.severity, 'error');
  assert.match(d.message, /field "password" \(Password\) is required and has no value/);
  assert.equal(d.file, 'tpl/.kublade/fields.json');
  assert.equal(d.range.start.line, JSON.stringify(FIELDS, null, 2).split('\n').findIndex((l) => l.includes('"password"')) + 1);
  const render = await run(['render', 'tpl', '--dry-run'], { cwd: dir });
  assert.equal(render.code, 1);
  assert.match(render.stderr, /^error: field "password" \(Password\) is required and has no value$/m);
});

test('check reads the lock file but never writes it', async (t) => {
  const dir = workspace(t, { 't.yaml': "port: {{ $portClaims['web'] }}\n", 'ports.json': [{ group: 'tcp', claim: 'web' }] });
  const render = await run(['render', 't.yaml', '--ports', 'ports.json'], { cwd: dir });
  assert.equal(render.code, 0, render.stderr);
  const before = readFileSync(join(dir, 'portclaims.lock.json'), 'utf8');
  writeFileSync(join(dir, 'ports.json'), JSON.stringify([{ group: 'tcp', claim: 'web' }, { group: 'tcp', claim: 'new' }]));
  const r = await run(['check', 't.yaml', '--ports', 'ports.json', '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).map((d) => d.message), ['claim "new" is declared but never used; it reserves a port for nothing']);
  assert.equal(readFileSync(join(dir, 'portclaims.lock.json'), 'utf8'), before);
});

test('check() of the JS API: one template, diagnostics with ranges', async () => {
  const { check } = await import('../../js/node.js');
  const diagnostics = check({
    template: "a: {{ $portClaims['web'] }}\nb: {{ $portClaims['nope'] }}\nc: [\n",
    name: 'x.yaml',
    claims: [{ group: 'tcp', claim: 'web' }, { group: 'tcp', claim: 'idle' }],
  });
  const nope = diagnostics.find((d) => d.message.includes('"nope"'));
  assert.equal(nope.severity, 'error');
  assert.equal(nope.file, 'x.yaml');
  assert.equal(nope.range.start.line, 2);
  assert.ok(nope.range.start.column >= 4 && nope.range.end.column > nope.range.start.column);
  const idle = diagnostics.find((d) => d.message.includes('"idle"'));
  assert.equal(idle.severity, 'warning');
  assert.equal(idle.file, 'ports.json');
  // The render failed on the undeclared claim, so there is no output to check as YAML.
  assert.equal(diagnostics.filter((d) => d.severity === 'error').length, 1, JSON.stringify(diagnostics));
});

test('check maps output lines to template lines by the text the core says each prints, in bounded time', { timeout: 60_000 }, async () => {
  const { check } = await import('../../js/node.js');
  const lineOf = (template, pattern) => {
    const diagnostics = check({ template, name: 'x.yaml', claims: [] });
    const found = diagnostics.find((d) => pattern.test(d.message));
    assert.ok(found, JSON.stringify(diagnostics));
    return found.range.start.line;
  };
  // Pieces around echoes, directives on lines of their own, a loop printing one line many times.
  const template = [
    "name: {{ 'web' }}-{{ 'x' }}-svc",
    '@foreach([1, 2] as $i)',
    "item{{ $i }}: {{ $i }}",
    '@endforeach',
    'ports:',
    '  - containerPort: {{ 70000 }}',
  ].join('\n');
  assert.equal(lineOf(template, /containerPort 70000/), 6);
  // A key given twice, found in one pass rather than by the yaml package's quadratic check.
  assert.equal(lineOf("a: 1\nb: {{ 2 }}\na: 3\n", /not valid YAML at its line 3 \("a: 3"\): Map keys must be unique/), 3);
  // Shapes whose lines, made into regular expressions, backtracked for minutes or were too large
  // to compile: they map (or not) at once, and check reports the invalid YAML.
  const backtracking = '{{ str_repeat("a", 3000) }}\n' + 'a{{ 1 }}'.repeat(8) + 'b: [\n';
  assert.equal(lineOf(backtracking, /not valid YAML/), 1);
  const long = `a: ${'x'.repeat(200_000)}\nb: [\n`;
  assert.equal(lineOf(long, /not valid YAML/), 1);
  // Many output lines that match no template line: each compared with every template line, up
  // to a bound.
  const many = Array.from({ length: 20_000 }, (_, i) => `k${i}: {{ ${i} }}`).join('\n') + '\n{{ str_repeat("- zz\\n", 20000) }}bad: [\n';
  assert.ok(check({ template: many, name: 'x.yaml', claims: [] }).some((d) => /not valid YAML/.test(d.message)));
});

test('check --kublade places what Symfony refuses at the line holding the text it quotes', async (t) => {
  const dir = workspace(t, {
    'chk/.kublade/fields.json': '[]',
    'chk/.kublade/ports.json': '[]',
    // Symfony numbers the line inside the nested block: 2, where the text is on line 8.
    'chk/a.yaml': 'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: |\n    x\n  b:\n    - 1\n    c: 2\n',
  });
  const r = await run(['check', 'chk', '--kublade', '--json'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const [failure] = JSON.parse(r.stdout).filter((d) => /Kublade fails here/.test(d.message));
  assert.match(failure.message, /near "c: 2"/);
  assert.equal(failure.range.start.line, 8);
});
