// Random Kublade template folders and deployment inputs, for the --kublade fixtures and the
// differential run against `../shared/kublade-oracle/kublade.php`. generateCase(seed) gives
// { name, files: { 'path': text }, values } (the oracle's VALUES.json); deterministic for a seed.
//
// The folders cover what Kublade's pipeline treats specially: every field type and flag, form
// defaults and raw API requests, limits, secrets; YAML with comments, anchors and merges, dates,
// octal-looking and numeric-looking strings, floats, multi-line strings, empty lists and maps,
// unicode, deep nesting (inlined past depth 10), numeric and odd keys; cluster-scoped kinds and
// metadata.namespace; files that render empty, to `~`, or to a second document; kustomization
// files with and without resources; subfolders, empty folders and dotfiles. Blade stays plain
// (echos, @if, @foreach): Blade itself has its own corpus and differential run.

function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = ['input_text', 'input_number', 'input_range', 'input_radio', 'input_radio_image', 'input_checkbox', 'input_hidden', 'select', 'textarea'];

const SCALARS = [
  'plain text',
  '0644',
  '0o17',
  '0x1F',
  '1_000',
  '+12',
  '-0',
  '1.5',
  '1e3',
  '.5',
  '3.0',
  '12345678901234567890',
  '9007199254740993',
  '0.1',
  '100000000000000000000.0',
  '.inf',
  '-.inf',
  '.nan',
  'yes',
  'no',
  'on',
  'off',
  'True',
  'FALSE',
  'null',
  '~',
  '2024-01-15',
  '2001-12-14t21:59:43.10-05:00',
  '2024-02-30',
  '"2024-01-15"',
  "'yes'",
  '"quoted \\t tab"',
  "'it''s'",
  'café ünïcödé',
  '中文 text',
  'emoji 🚀',
  '"a: b"',
  'x # not a comment?',
  '"with \\"escapes\\" and \\\\ backslash"',
  'http://example.com/a?b=c&d=e',
  '"multi\\nline"',
  '[]',
  '{}',
  '[1, two, 3.0]',
  '{a: 1, b: [x, y]}',
  '!!str 42',
  '!!float 3',
  '"  leading blanks"',
  '-dash',
  '?question',
  "'#hash'",
];
// Scalars Symfony refuses: a few of them make a file fail.
const BAD_SCALARS = ['a: b', '@at', '%percent', '`tick', '!!int 5', '2024-13-01', '"unclosed'];

export function generateCase(seed) {
  const rnd = mulberry32((seed + 1) * 2654435761);
  const int = (n) => Math.floor(rnd() * n);
  const pick = (xs) => xs[int(xs.length)];
  const chance = (p) => rnd() < p;

  const client = chance(0.5) ? 'form' : 'raw';
  const fields = [];
  const given = {};
  const fieldCount = int(7);
  for (let i = 0; i < fieldCount; i++) {
    const type = pick(TYPES);
    const key = chance(0.1) ? pick(['namespace', 'data', 'limits', 'Name']) : `f${i}_${type.replace('input_', '')}`;
    const field = { type, key, label: `Field ${i}`, value: null };
    if (chance(0.8)) field.set_on_create = true;
    if (chance(0.2)) field.required = true;
    if (chance(0.25)) field.secret = true;
    if (chance(0.2)) field.set_on_update = true;
    if (type === 'input_number' || type === 'input_range') {
      if (chance(0.6)) field.min = pick([0, 1, 5, '2', 0.5]);
      if (chance(0.6)) field.max = pick([10, 100, '50', 3.5]);
      if (chance(0.4)) field.step = pick([1, 5, 0.5, 0]);
      field.value = pick([null, 3, '7', 20, 2.5, 0, 6, '10', chance(0.2) ? 'abc' : '4']);
    } else if (type === 'input_radio' || type === 'input_radio_image' || type === 'select') {
      const n = int(4);
      field.options = Array.from({ length: 1 + n }, (_, j) => ({ label: `Option ${j}`, value: pick([`opt${j}`, `${j}`, `Opt ${j}`]), ...(chance(0.4) ? { default: true } : {}) }));
      field.value = chance(0.2) ? 'opt1' : null;
    } else if (type === 'input_checkbox') {
      field.value = pick(['on', '1', 'enabled', true, null]);
    } else {
      field.value = pick([null, 'default', ' padded ', 'multi\nline', 'Tom & Jerry', 42, true, 'x'.repeat(int(3) * 40)]);
    }
    if (fields.some((f) => f.key.toLowerCase() === key.toLowerCase())) continue;
    fields.push(field);
    // Kublade's form leaves a checkbox unchecked; portclaims checks a required one (its
    // documented difference), so such a request is given in full here.
    const mustGive = client === 'form' && type === 'input_checkbox' && field.required && field.set_on_create;
    const radio = type === 'input_radio' || type === 'input_radio_image';
    if (field.set_on_create && (mustGive || chance(radio ? 0.95 : client === 'form' ? 0.5 : 0.8))) {
      given[key] = chance(0.93) ? fitting(field) : givenValue(field);
    }
  }
  // A value the field's rules accept.
  function fitting(field) {
    if (field.options?.length) return pick(field.options).value;
    if (field.type === 'input_number' || field.type === 'input_range') {
      const min = Number(field.min ?? 0);
      const step = Number(field.step) || 1;
      return pick([String(min + step * 2), min + step, `${min}`]);
    }
    if (field.type === 'input_checkbox') return pick(['on', 'yes', '1']);
    return pick(['shop', '  trimmed  ', 'a & b < c', "it's \"quoted\"", '中文', '12', 'x'.repeat(300).slice(0, 200), client === 'raw' ? 'line1\nline2' : 'one line']);
  }
  function givenValue(field) {
    if (field.options && field.options.length && chance(0.7)) return pick(field.options).value;
    return pick([
      'shop',
      '  trimmed  ',
      '',
      '\u00a0nbsp\u00a0',
      '5',
      7,
      2.5,
      0,
      '0',
      true,
      false,
      null,
      'a & b < c',
      "it's \"quoted\"",
      client === 'raw' ? 'line1\nline2' : 'one line',
      client === 'raw' ? [1, 2] : 'x',
      '中文',
      '12',
    ]);
  }

  const claims = [];
  const portClaims = {};
  for (let i = 0; i < int(3); i++) {
    const claim = `port${i}`;
    claims.push({ group: pick(['http', 'tcp', 'udp', 'k8s-test']), claim, preferred_port: pick([8080, null, 30000]), random: true });
    // Distinct: portclaims refuses reservations holding a port twice, where Kublade uses them
    // (COMPATIBILITY.md), so a collision would only show that documented difference.
    let port;
    do port = 49152 + int(16383);
    while (Object.values(portClaims).includes(port));
    portClaims[claim] = port;
  }

  const keysOf = (secret) => fields.filter((f) => Boolean(f.secret) === secret).map((f) => f.key);
  const dataKeys = keysOf(false);
  const secretKeys = keysOf(true);
  const echoField = () => {
    if (dataKeys.length && chance(0.7)) return `{{ $data['${pick(dataKeys)}'] }}`;
    if (secretKeys.length && chance(0.6)) return chance(0.5) ? `{{ base64_encode($secret['${pick(secretKeys)}']) }}` : `{!! $secret['${pick(secretKeys)}'] !!}`;
    return pick(['{{ $namespace }}', "{{ $limits['cpu'] }}", "{{ $limits['memory'] }}", "{{ $limits['enabled'] }}", "{{ $paused ? 'true' : 'false' }}"]);
  };
  const quoted = (text) => (chance(0.5) ? `"${text}"` : text);

  const files = {};
  const fileCount = 1 + int(4);
  const names = [];
  for (let i = 0; i < fileCount; i++) {
    const name = pick([`res${i}.yaml`, `apps/res${i}.yaml`, `apps/web/res${i}.yml`, `.hidden${i}.yaml`, `res${i}.json`, `Res${i}.yaml`]);
    if (names.includes(name)) continue;
    names.push(name);
    files[name] = manifest(i);
  }
  function manifest(i) {
    const kind = pick(['ConfigMap', 'Deployment', 'Service', 'ClusterRole', 'Namespace', 'List', 'Secret']);
    const lines = [];
    if (chance(0.2)) lines.push('# a comment before the document');
    if (chance(0.3)) lines.push('---');
    lines.push(`apiVersion: ${kind === 'ClusterRole' ? 'rbac.authorization.k8s.io/v1' : 'v1'}`);
    lines.push(`kind: ${kind}`);
    lines.push('metadata:');
    lines.push(`  name: res-${i}`);
    const ns = pick(['{{ $namespace }}', 'fixed-ns', '~', null, null]);
    if (ns !== null) lines.push(`  namespace: ${ns}`);
    const anchored = chance(0.4);
    if (anchored) lines.push('  labels: &labels', `    app: ${quoted(echoField())}`, '    tier: backend');
    lines.push('data:');
    const entries = 2 + int(6);
    for (let j = 0; j < entries; j++) {
      const key = pick([`k${j}`, `"key ${j}"`, `${j}`, `k.${j}`, `'x:${j}'`, `k${j}`]);
      const value = chance(0.4) ? quoted(echoField()) : chance(0.02) ? pick(BAD_SCALARS) : pick(SCALARS);
      lines.push(`  ${key}: ${value}${chance(0.15) ? ' # trailing comment' : ''}`);
    }
    if (chance(0.3)) lines.push('  block: |', '    first line', '      indented', '', '    last line');
    if (chance(0.3)) lines.push(`  folded: >${pick(['', '-', '+'])}`, '    folded', '    text', '');
    if (chance(0.3)) lines.push('  empty_list: []', '  empty_map: {}');
    if (anchored && chance(0.5)) lines.push('  merged:', '    <<: *labels', '    tier: frontend');
    if (anchored && chance(0.3)) lines.push('  copy: *labels');
    if (chance(0.2)) lines.push(`  deep: ${'{a: '.repeat(12)}x${'}'.repeat(12)}`);
    if (chance(0.3)) {
      lines.push('spec:', '  ports:');
      for (const claim of claims.slice(0, 1 + int(2))) lines.push(`  - name: ${claim.claim}`, `    port: {{ $portClaims['${claim.claim}'] }}`, '    protocol: TCP');
      if (!claims.length) lines.push('  - port: 80');
    }
    if (chance(0.25)) lines.push("@if($limits['enabled'] === 'true')", 'resources:', "  cpu: {{ $limits['cpu'] }}", "  memory: {{ $limits['memory'] }}", '@endif');
    if (chance(0.2)) lines.push('items:', "@foreach(['a', 'b'] as $item)", '  - name: {{ $item }}', '    value: {{ $loop->index }}', '@endforeach');
    if (chance(0.05)) lines.push('---', 'second: document');
    if (chance(0.05)) lines.push('dup: 1', 'dup: 2');
    if (chance(0.05)) lines.push('tag: !custom value');
    if (chance(0.05)) return pick(['', '# only a comment\n', '~\n', '0\n', '{}\n', '[]\n']);
    return `${lines.join('\n')}\n`;
  }

  if (chance(0.7)) {
    const resources = names.filter(() => chance(0.7));
    files['kustomization.yaml'] = chance(0.85)
      ? `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}`).join('\n')}${resources.length ? '\n' : '  []\n'}${chance(0.3) ? '  - namespace.yaml\n' : ''}`
      : 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
  }
  if (chance(0.2)) files['empty/.gitkeep'] = '';
  files['.kublade/fields.json'] = `${JSON.stringify(fields, null, 2)}\n`;
  files['.kublade/ports.json'] = `${JSON.stringify(claims, null, 2)}\n`;

  const values = { namespace: `${(seed * 2654435761 >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-${String(seed).padStart(12, '0')}`, client, fields: given, portClaims };
  if (chance(0.5)) values.limits = { is_active: pick(['1', '0', 1, true, '']), cpu: pick(['0.5', '2', 1, '1.25']), memory: pick(['536870912', 1024, '0']) };
  if (chance(0.15)) values.netpol = { sourceNamespaces: chance(0.5) ? ['aaaaaaaa-0000-4000-8000-000000000001'] : [], utilityNamespace: pick([null, 'utility']), ingressNamespace: pick([null, 'ingress-nginx']) };
  return { name: `gen-${seed}`, files, values };
}
