// Kublade's own rules through the CLI: the variables Kublade computes (fields, form defaults,
// limits, a field keyed `namespace`, tabs, stored types), `--kublade` (the files Kublade writes),
// `--groups kublade`, and the traps `check` knows.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { readOutput } from '../kublade/harness.mjs';
import { run, workspace } from './helpers.mjs';

const CASES = fileURLToPath(new URL('../kublade/cases/', import.meta.url));

// Shaped like Kublade's example template repository: a required textarea that is not set on
// create (Kublade never validates it and stores ''), a required checkbox, options with defaults.
const EXAMPLE_FIELDS = [
  { type: 'input_text', key: 'text_example', label: 'Text', value: 'example', required: true, secret: false, set_on_create: true, set_on_update: false },
  { type: 'textarea', key: 'textarea_example', label: 'Textarea', value: null, required: true, secret: false, set_on_create: false, set_on_update: true },
  { type: 'input_number', key: 'number_example', label: 'Number', value: 20, min: 10, max: 100, step: 10, required: true, secret: true, set_on_create: true, set_on_update: true },
  { type: 'input_range', key: 'range_example', label: 'Range', value: 5, min: 1, max: 10, step: 1, required: false, secret: false, set_on_create: true, set_on_update: true },
  {
    type: 'select',
    key: 'select_example',
    label: 'Select',
    value: null,
    options: [
      { label: 'One', value: 'option1', default: false },
      { label: 'Two', value: 'option2', default: true },
    ],
    required: false,
    secret: false,
    set_on_create: true,
    set_on_update: true,
  },
  { type: 'input_checkbox', key: 'checkbox_example', label: 'Checkbox', value: 'example', required: true, secret: false, set_on_create: true, set_on_update: true },
];

function exampleFolder() {
  return {
    'tpl/.kublade/fields.json': EXAMPLE_FIELDS,
    'tpl/.kublade/ports.json': [{ group: 'k8s-test', claim: 'httpExample', preferred_port: 8080, random: true }],
    'tpl/kustomization.yaml': '---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - namespace.yaml\n  - config.yaml\n',
    'tpl/namespace.yaml': "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: k8s-test\n  labels:\n    example: {{ $data['text_example'] }} \n",
    'tpl/config.yaml':
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: example\n  namespace: somewhere\ndata:\n  text: \"{{ $data['text_example'] }}\"\n  notes: \"{{ $data['textarea_example'] }}\"\n  number: \"{{ $secret['number_example'] }}\"\n  range: \"{{ $data['range_example'] }}\"\n  select: {{ $data['select_example'] }}\n  checkbox: {{ $data['checkbox_example'] }}\n  port: \"{{ $portClaims['httpExample'] }}\"\n  json: '@json($data)'\n",
  };
}

test("the example template renders with its defaults, and check agrees (textarea_example: '', not a missing value)", async (t) => {
  const dir = workspace(t, exampleFolder());
  const check = await run(['check', 'tpl', '--json'], { cwd: dir });
  assert.equal(check.code, 0, check.stdout);
  assert.deepEqual(JSON.parse(check.stdout).filter((d) => d.severity === 'error'), []);
  const r = await run(['render', 'tpl', '--dry-run', '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const config = JSON.parse(r.stdout).files.find((f) => f.path === 'config.yaml').output;
  assert.match(config, /text: "example"/);
  assert.match(config, /notes: ""/, 'not set on create: the template default, null, stored as an empty string');
  assert.match(config, /number: "20"/);
  assert.match(config, /range: "5"/);
  assert.match(config, /select: option2/, 'the default option');
  assert.match(config, /checkbox: example/, 'a required checkbox is sent checked');
  // Stored types: the form sends strings.
  assert.match(config, /json: '\{"text_example":"example","textarea_example":"","range_example":"5","select_example":"option2","checkbox_example":"example"\}'/);
});

test('--values is the request Kublade receives: JSON types are kept, strings trimmed, rules applied', async (t) => {
  const dir = workspace(t, { ...exampleFolder(), 'values.yaml': 'text_example: "  shop  "\nnumber_example: 30\nrange_example: 7\nlimit:\n  is_active: 1\n  cpu: "0.5"\n  memory: 536870912\n' });
  const r = await run(['render', 'tpl', '--dry-run', '--json', '--values', 'values.yaml', '--set', 'data.extra=x'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const config = JSON.parse(r.stdout).files.find((f) => f.path === 'config.yaml').output;
  assert.match(config, /text: "shop"/);
  assert.match(config, /number: "30"/);
  assert.match(config, /"range_example":7,/, 'a JSON number stays a number');
  assert.match(config, /"extra":"x"/);
  const refused = await run(['render', 'tpl', '--dry-run', '--set', 'number_example=35', '--set', 'select_example=option9'], { cwd: dir });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^error: field "number_example" \(Number\) is 35, not a multiple of its step 10$/m);
  assert.match(refused.stderr, /^error: field "select_example" \(Select\) is "option9", which is not one of its options: "option1", "option2"$/m);
  const raw = await run(['render', 'tpl', '--dry-run', '--no-defaults'], { cwd: dir });
  assert.equal(raw.code, 1, 'without defaults the required fields are missing, as in an API request without them');
  assert.match(raw.stderr, /^error: field "text_example" \(Text\) is required and has no value$/m);
});

test("the docs' Conditional Resource Limits example renders, and check names its trap", async (t) => {
  const template = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: app',
    '        resources:',
    "          @if($limits['enabled'])",
    '          limits:',
    "            cpu: {{ $limits['cpu'] }}",
    "            memory: {{ $limits['memory'] }}",
    '          @endif',
    '',
  ].join('\n');
  const dir = workspace(t, { 'tpl/deployment.yaml': template });
  const r = await run(['render', 'tpl', '--dry-run'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /cpu: 0\n\s+memory: 0\n/, "'false' is truthy: Kublade prints the limits too");
  const check = await run(['check', 'tpl', '--json'], { cwd: dir });
  const trap = JSON.parse(check.stdout).find((d) => d.trap === 'limits-enabled');
  assert.ok(trap, check.stdout);
  assert.equal(trap.range.start.line, 9);
  assert.match(trap.hint, /=== 'true'/);
  const on = await run(['render', 'tpl', '--dry-run', '--set', 'limit.is_active=1', '--set', 'limit.cpu=1.5', '--set', 'limit.memory=1024'], { cwd: dir });
  assert.match(on.stdout, /cpu: 1.5\n\s+memory: 1024\n/);
});

test('a field keyed namespace is set by its key; --namespace sets $namespace', async (t) => {
  const dir = workspace(t, {
    'tpl/.kublade/fields.json': [{ type: 'input_text', key: 'namespace', label: 'Namespace', value: 'default-ns', set_on_create: true }],
    'tpl/a.yaml': "field: {{ $data['namespace'] }}\nvariable: {{ $namespace }}\n",
  });
  const r = await run(['render', 'tpl', '--dry-run', '--set', 'namespace=team-a', '--namespace', 'ns-1'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /field: team-a\nvariable: ns-1\n/);
});

test('tabs become two spaces before rendering, as Kublade does: check is clean, errors point at the written column', async (t) => {
  const dir = workspace(t, { 'tpl/a.yaml': "a:\n\tb: {{ $data['x'] }}\n\tc: 1\n", 'tpl/b.yaml': "b:\n\tc: {{ $data['missing'] }}\n" });
  const check = await run(['check', 'tpl/a.yaml', '--set', 'x=1', '--json'], { cwd: dir });
  assert.equal(check.code, 0, check.stdout);
  assert.deepEqual(JSON.parse(check.stdout), []);
  const r = await run(['render', 'tpl/a.yaml', '--set', 'x=1', '--dry-run'], { cwd: dir });
  assert.equal(r.stdout, 'a:\n  b: 1\n  c: 1\n');
  const failed = await run(['render', 'tpl/b.yaml', '--dry-run'], { cwd: dir });
  assert.match(failed.stderr, /^error: tpl\/b\.yaml:2:8: Undefined array key "missing"$/m, 'column 8 of the line as written (a tab counts once)');
});

test('@json($data) holds the types Kublade stores: strings from the form, JSON types from the API', async (t) => {
  const dir = workspace(t, {
    'tpl/.kublade/fields.json': [{ type: 'input_number', key: 'replicas', label: 'Replicas', value: 3, set_on_create: true }],
    'tpl/a.yaml': "j: '@json($data)'\n",
    'api.json': { replicas: 4 },
  });
  const form = await run(['render', 'tpl', '--dry-run'], { cwd: dir });
  assert.equal(form.stdout, `---\n# Source: a.yaml\nj: '{"replicas":"3"}'\n`);
  const api = await run(['render', 'tpl', '--dry-run', '--values', 'api.json'], { cwd: dir });
  assert.match(api.stdout, /j: '\{"replicas":4\}'/);
});

/** The CLI invocation for an oracle case (tests/kublade/cases): values file, lock file, flags. */
function cliCase(name) {
  const dir = join(CASES, name);
  const values = JSON.parse(readFileSync(join(dir, 'values.json'), 'utf8'));
  const request = { ...(values.fields ?? {}) };
  if (values.limits !== undefined) request.limit = values.limits;
  const portsFile = join(dir, 'template', '.kublade', 'ports.json');
  const ports = existsSync(portsFile) ? JSON.parse(readFileSync(portsFile, 'utf8')) : [];
  const reservations = ports.map((p) => ({ scope: values.namespace, claim: p.claim, group: p.group, port: values.portClaims[p.claim] }));
  return { dir, values, request, reservations };
}

test('render --kublade --out writes the bytes kublade.php writes, folders included', async (t) => {
  const names = readdirSync(CASES)
    .filter((name) => readFileSync(join(CASES, name, 'expected', 'rc'), 'utf8').trim() === '0')
    .filter((name) => !JSON.parse(readFileSync(join(CASES, name, 'values.json'), 'utf8')).netpol)
    .slice(0, 8);
  assert.ok(names.length >= 5);
  for (const name of names) {
    const { dir, values, request, reservations } = cliCase(name);
    const work = workspace(t, {
      'values.json': request,
      'portclaims.lock.json': { version: 1, reservations: reservations.sort((a, b) => (a.claim < b.claim ? -1 : 1)) },
    });
    const args = ['render', join(dir, 'template'), '--kublade', '--out', 'out', '--values', 'values.json', '--namespace', values.namespace, '--scope', values.namespace, '--groups', 'kublade'];
    if (values.client !== 'form') args.push('--no-defaults');
    const r = await run(args, { cwd: work });
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.equal(r.stderr, '', `${name}: no warning for ports Kublade reserved`);
    const written = readOutput(join(work, 'out'));
    const expected = readOutput(join(dir, 'expected', 'out'));
    assert.deepEqual(written.files, expected.files, name);
    assert.deepEqual(written.dirs, JSON.parse(readFileSync(join(dir, 'expected', 'dirs.json'), 'utf8')), name);
  }
});

test('--kublade fails where Kublade fails, with its reason, writing nothing and reserving nothing', async (t) => {
  const dir = workspace(t, {
    'tpl/.kublade/ports.json': [{ group: 'tcp', claim: 'web', preferred_port: null, random: true }],
    'tpl/one.yaml': "port: {{ $portClaims['web'] }}\n",
    'tpl/two.yaml': 'a: 1\nb: 2\n---\nc: 3\n',
  });
  const r = await run(['render', 'tpl', '--kublade', '--out', 'out'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: two\.yaml: YAML: Multiple documents are not supported at line 3 \(near "---"\)\. \(Kublade fails here\)$/m);
  assert.equal(existsSync(join(dir, 'out')), false);
  assert.equal(existsSync(join(dir, 'portclaims.lock.json')), false);
  const check = await run(['check', 'tpl', '--kublade', '--json'], { cwd: dir });
  assert.equal(check.code, 1);
  const [d] = JSON.parse(check.stdout).filter((x) => x.severity === 'error');
  assert.equal(d.file, 'tpl/two.yaml');
  assert.match(d.message, /^Kublade fails here: YAML: Multiple documents are not supported/);
  const plain = await run(['check', 'tpl', '--json'], { cwd: dir });
  const warning = JSON.parse(plain.stdout).find((x) => x.trap === 'second-document');
  assert.ok(warning, plain.stdout);
  assert.equal(warning.range.start.line, 3);
});

test('--groups kublade: reservations copied from Kublade keep their ports, no warning on any render', async (t) => {
  const reservations = [
    { scope: 'shop', claim: 'web', group: 'http', port: 51234 },
    { scope: 'shop', claim: 'db', group: 'tcp', port: 8080 },
  ];
  const dir = workspace(t, {
    'tpl/.kublade/ports.json': [
      { group: 'http', claim: 'web', preferred_port: null, random: true },
      { group: 'tcp', claim: 'db', preferred_port: 8080, random: true },
      { group: 'custom', claim: 'extra', preferred_port: null, random: true },
    ],
    'tpl/a.yaml': "web: {{ $portClaims['web'] }}\ndb: {{ $portClaims['db'] }}\nextra: {{ $portClaims['extra'] }}\n",
    'portclaims.lock.json': { version: 1, reservations },
  });
  const kublade = await run(['render', 'tpl', '--scope', 'shop', '--groups', 'kublade'], { cwd: dir });
  assert.equal(kublade.code, 0, kublade.stderr);
  assert.equal(kublade.stderr, '', 'no warning: 51234 is in the group, 8080 was preferred');
  const extra = Number(/extra: (\d+)/.exec(kublade.stdout)[1]);
  assert.ok(extra >= 49152 && extra <= 65535, `custom draws from 49152-65535 too, got ${extra}`);
  assert.match(kublade.stdout, /web: 51234\ndb: 8080\n/);
  const again = await run(['render', 'tpl', '--scope', 'shop', '--groups', 'kublade'], { cwd: dir });
  assert.equal(again.stderr, '');
  const seed = await run(['render', 'tpl', '--scope', 'shop'], { cwd: dir });
  assert.match(seed.stderr, /keeps port 51234, which is outside group "http" \(80-443\)/, "the seed's groups warn");
  assert.doesNotMatch(seed.stderr, /keeps port 8080/, 'a preferred port is no news');
});

test("check knows Kublade's traps, each with a hint, and leaves a headless Service's twin alone", async (t) => {
  const dir = workspace(t, {
    'tpl/.kublade/fields.json': [{ type: 'input_text', key: 'url', label: 'URL', value: 'https://x.example/?a=1&b=2', set_on_create: true }],
    'tpl/.kublade/ports.json': [{ group: 'tcp', claim: 'web', preferred_port: null, random: true }],
    'tpl/config.yaml': "# this value is @required\nurl: {{ $data['url'] }}\nraw: {!! $data['url'] !!}\n",
    'tpl/helm.yaml': 'name: {{ .Release.Name }}\n',
    'tpl/service.yaml': [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: web',
      'spec:',
      '  ports:',
      "  - port: {{ $portClaims['web'] }}",
      '',
    ].join('\n'),
    'tpl/headless.yaml': [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: web-headless',
      'spec:',
      '  clusterIP: None',
      '  ports:',
      "  - port: {{ $portClaims['web'] }}",
      '',
    ].join('\n'),
  });
  const r = await run(['check', 'tpl', '--json'], { cwd: dir });
  const diagnostics = JSON.parse(r.stdout);
  const trap = (kind) => diagnostics.find((d) => d.trap === kind);
  assert.equal(trap('directive-in-comment').file, 'tpl/config.yaml');
  assert.equal(trap('directive-in-comment').range.start.line, 1);
  assert.match(trap('directive-in-comment').hint, /@@required/);
  assert.equal(trap('entities').range.start.line, 2, 'the {{ }} echo, not the {!! !!} one');
  assert.match(trap('entities').hint, /\{!! \$data\['url'\] !!\}/);
  assert.equal(trap('go-template').file, 'tpl/helm.yaml');
  assert.match(trap('go-template').hint, /@\{\{ \.Release\.Name \}\}/);
  assert.ok(diagnostics.some((d) => d.severity === 'error' && d.file === 'tpl/helm.yaml'), 'and the render error it causes');
  assert.deepEqual(
    diagnostics.filter((d) => /Service port/.test(d.message)),
    [],
    'a headless twin shares its ports legitimately',
  );
});

// The hints follow the kind of problem the core names (its `code`), not the message's words.
test('a value for no field and a wrong limit key get hints that say how to give them', async (t) => {
  const dir = workspace(t, exampleFolder());
  const unknown = await run(['render', 'tpl', '--dry-run', '--set', 'colour=red'], { cwd: dir });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^error: values: there is no field "colour" in fields\.json/m);
  assert.match(unknown.stderr, /hint: to pass a value the fields do not declare, put it under data: \(e\.g\. --set data\.colour=…\)/);
  const limit = await run(['render', 'tpl', '--dry-run', '--set', 'limit.enabled=1'], { cwd: dir });
  assert.equal(limit.code, 1);
  assert.match(limit.stderr, /hint: e\.g\. --set limit\.is_active=1 --set limit\.cpu=0\.5 --set limit\.memory=536870912/);
  const cpu = await run(['render', 'tpl', '--dry-run', '--set', 'limit.is_active=1', '--set', 'limit.cpu=lots'], { cwd: dir });
  assert.equal(cpu.code, 1);
  assert.match(cpu.stderr, /hint: e\.g\. --set limit\.is_active=1/);
});
