// Help texts, --version, exit codes and the messages of common mistakes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { PORTS, SERVICE } from './fixtures.mjs';
import { BIN, ROOT, errorLines, pool, run, workspace } from './helpers.mjs';

const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

test('--version prints the package version', async () => {
  for (const flag of ['--version', '-V']) {
    const r = await run([flag]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `portclaims ${version}\n`);
    assert.equal(r.stderr, '');
  }
});

test('every command has a help text, by --help, -h and `help COMMAND`', async () => {
  const general = await run(['--help']);
  assert.equal(general.code, 0);
  for (const command of ['render', 'check', 'claims list', 'claims release', 'claims prune']) {
    assert.match(general.stdout, new RegExp(`portclaims ${command}`), `the overview lists ${command}`);
  }
  assert.equal((await run([])).stdout, general.stdout, 'no arguments: the overview');
  assert.equal((await run(['help'])).stdout, general.stdout);

  const topics = {
    render: ['--out DIR', '--values FILE', '--set KEY=VALUE', '--ports FILE', '--dry-run', '--json', '--scope NAME', '--seed N', '--whitespace', '--dialect', '--no-escape', '--namespace', '--groups', '--lock', '--kublade', '--netpol', '--no-defaults'],
    check: ['nodePort', 'not valid YAML', '--json', '--kublade', "$limits['enabled']"],
    'claims list': ['--scope', '--lock', '--json'],
    'claims release': ['--scope', '--claim'],
    'claims prune': ['--ports FILE', '--scope'],
    claims: ['claims list', 'claims release', 'claims prune'],
  };
  const runs = await pool(
    Object.keys(topics).flatMap((topic) => {
      const words = topic.split(' ');
      return [() => run([...words, '--help']), () => run([...words, '-h']), () => run(['help', ...words])];
    }),
  );
  for (const [i, [topic, needles]] of Object.entries(topics).entries()) {
    const [viaFlag, viaShort, viaHelp] = runs.slice(3 * i, 3 * i + 3);
    assert.equal(viaFlag.code, 0, `${topic} --help`);
    assert.equal(viaFlag.stderr, '');
    assert.match(viaFlag.stdout, new RegExp(`^portclaims ${topic} — `), `${topic}: starts with its name`);
    assert.equal(viaShort.stdout, viaFlag.stdout);
    assert.equal(viaHelp.stdout, viaFlag.stdout);
    for (const needle of needles) assert.ok(viaFlag.stdout.includes(needle), `${topic} --help mentions ${needle}`);
  }
});

test('--help wins over other mistakes on the line', async () => {
  const r = await run(['render', '--bogus', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^portclaims render/);
});

test('usage errors exit 2 with one line and a pointer to --help', async (t) => {
  const dir = workspace(t, { 't.yaml': 'a: 1\n' });
  const cases = [
    [['render', 't.yaml', '--port', 'p.json'], /^error: unknown option --port for `portclaims render` \(did you mean --ports\?\)$/, 'render'],
    [['render'], /^error: `portclaims render` needs TEMPLATE\|DIR$/, 'render'],
    [['render', 't.yaml', '--ports'], /^error: --ports needs a value: --ports FILE$/, 'render'],
    [['render', 't.yaml', '--dialect', 'twig'], /^error: --dialect must be one of blade, jinja, not "twig"$/, 'render'],
    [['render', 't.yaml', '--seed', 'abc'], /^error: --seed must be an integer, not "abc"$/, 'render'],
    [['render', 't.yaml', '--set', 'novalue'], /^error: --set needs KEY=VALUE/, 'render'],
    [['render', 'a.yaml', 'b.yaml'], /^error: `portclaims render` takes one TEMPLATE\|DIR, got also "b.yaml"$/, 'render'],
    [['render', 't.yaml', '--json=yes'], /^error: --json takes no value$/, 'render'],
    [['rendr', 't.yaml'], /^error: unknown command "rendr" \(did you mean `render`\?\)$/, null],
    [['claims', 'lst'], /^error: unknown command "claims lst" \(did you mean `claims list`\?\)$/, 'claims'],
    [['claims', 'release'], /^error: `portclaims claims release` needs --scope NAME$/, 'claims release'],
    [['claims', 'prune', '--scope', 's'], /^error: `portclaims claims prune` needs the template folder DIR or --ports FILE$/, 'claims prune'],
    [['check', 't.yaml', '--out', 'x'], /^error: unknown option --out for `portclaims check` \(it belongs to `portclaims render`\)$/, 'check'],
  ];
  const results = await pool(cases.map(([args]) => () => run(args, { cwd: dir })));
  for (const [i, [args, message, command]] of cases.entries()) {
    const r = results[i];
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, `${args.join(' ')}: two lines, got ${r.stderr}`);
    assert.match(lines[0], message);
    assert.equal(lines[1], `Run '${command ? `portclaims ${command}` : 'portclaims'} --help' for usage.`);
    assert.equal(r.stdout, '');
  }
});

test('common mistakes: a missing --ports file, bad JSON with its position, an undeclared claim', async (t) => {
  const dir = workspace(t, {
    'service.yaml': SERVICE,
    'ports.json': PORTS,
    'bad.json': '[\n  { "group": "tcp", "claim": "web" },\n  { "group": "tcp" "claim": "metrics" }\n]\n',
    'values.json': { data: { app_name: 'x' } },
    'undeclared.yaml': "name: x\nport: {{ $portClaims['admin'] }}\n",
  });
  const missing = await run(['render', 'service.yaml', '--ports', 'nope.json'], { cwd: dir });
  assert.equal(missing.code, 1);
  assert.deepEqual(errorLines(missing.stderr), ['error: cannot read the ports file nope.json: no such file']);

  const bad = await run(['render', 'service.yaml', '--ports', 'bad.json'], { cwd: dir });
  assert.equal(bad.code, 1);
  assert.equal(
    bad.stderr,
    [
      `error: bad.json:3:20: the ports file is not valid JSON: expected ',' or '}' after a property value, found '"'`,
      '  |',
      '3 |   { "group": "tcp" "claim": "metrics" }',
      '  |                    ^',
      '',
    ].join('\n'),
  );

  const undeclared = await run(['render', 'undeclared.yaml', '--ports', 'ports.json'], { cwd: dir });
  assert.equal(undeclared.code, 1);
  const lines = undeclared.stderr.split('\n');
  assert.match(lines[0], /^error: undeclared\.yaml:2:\d+: Undefined array key "admin"$/);
  assert.equal(lines[1], '  |');
  assert.equal(lines[2], "2 | port: {{ $portClaims['admin'] }}");
  const caret = lines[3].indexOf('^');
  const column = Number(/:2:(\d+):/.exec(lines[0])[1]);
  assert.equal(caret - '2 | '.length + 1, column, 'the caret is under the reported column');
  assert.match(undeclared.stderr, /hint: claim "admin" is not declared in ports\.json \(it declares web, metrics\)/);
  assert.equal(undeclared.stdout, '');
});

test('a missing template, folder or values file is one error line, never a stack trace', async (t) => {
  const dir = workspace(t, { 't.yaml': "a: {{ $data['x'] }}\n", 'list.yaml': '- 1\n- 2\n', 'bad.yaml': 'a: [1\n' });
  const cases = [
    [['render', 'nope.yaml'], /^error: cannot read nope\.yaml: no such file or folder$/],
    [['render', 't.yaml', '--values', 'missing.yaml'], /^error: cannot read the values file missing\.yaml: no such file$/],
    [['render', 't.yaml', '--values', 'list.yaml'], /^error: list\.yaml: the values file must be a mapping of names to values, got a list$/],
    [['render', 't.yaml', '--values', 'bad.yaml'], /^error: bad\.yaml:\d+:\d+: the values file is not valid YAML/],
    [['render', 't.yaml', '--set', 'portClaims.web=80'], /^error: values: `portClaims` cannot be given as a value/],
    [['check', 'nope'], /^error: cannot read nope: no such file or folder$/],
  ];
  const results = await pool(cases.map(([args]) => () => run(args, { cwd: dir })));
  for (const [i, [args, message]] of cases.entries()) {
    const r = results[i];
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.split('\n')[0], message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('colour only on request: FORCE_COLOR paints, NO_COLOR wins, pipes stay plain', async (t) => {
  const dir = workspace(t, {});
  const plain = await run(['render', 'nope.yaml'], { cwd: dir });
  assert.doesNotMatch(plain.stderr, /\x1b\[/);
  const forced = await run(['render', 'nope.yaml'], { cwd: dir, env: { NO_COLOR: '', FORCE_COLOR: '1' } });
  assert.match(forced.stderr, /\x1b\[31;1merror:\x1b\[0m/);
  const both = await run(['render', 'nope.yaml'], { cwd: dir, env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
  assert.doesNotMatch(both.stderr, /\x1b\[/);
});

test('a malformed claim or field is shown where it is in its file', async (t) => {
  const dir = workspace(t, {
    't.yaml': "port: {{ $portClaims['a'] }}\n",
    'ports.json': '[\n  { "group": "tcp", "claim": "a", "preferred_port": "abc" }\n]\n',
    'tpl/.kublade/fields.json':
      '[\n  { "type": "input_text", "key": "ok", "label": "OK", "value": null },\n  { "type": "text", "key": "b", "label": "B", "value": null }\n]\n',
    'tpl/a.yaml': 'a: 1\n',
  });
  const [claim, field] = await Promise.all([
    run(['render', 't.yaml', '--ports', 'ports.json'], { cwd: dir }),
    run(['render', 'tpl'], { cwd: dir }),
  ]);
  assert.equal(claim.code, 1);
  assert.equal(
    claim.stderr,
    [
      'error: ports.json: [0].preferred_port: must be an integer from 1 to 65535, got "abc"',
      '  |',
      '2 |   { "group": "tcp", "claim": "a", "preferred_port": "abc" }',
      '  |                                                     ^^^^^',
      '',
    ].join('\n'),
  );
  assert.equal(field.code, 1);
  assert.equal(
    field.stderr,
    [
      'error: tpl/.kublade/fields.json: [1].type: "text" is not a field type: one of input_text, input_number, input_range, input_radio, input_radio_image, input_checkbox, input_hidden, select, textarea (MySQL refuses it: Kublade\'s import fails)',
      '  |',
      '3 |   { "type": "text", "key": "b", "label": "B", "value": null }',
      '  |             ^^^^^^',
      '',
    ].join('\n'),
  );
});

test('errors in the claims and groups files name the files the user gave, whatever they are called', async (t) => {
  const dir = workspace(t, {
    't.yaml': "port: {{ $portClaims['a'] }}\n",
    'conf/claims.json': [{ group: 'tcp', claim: 'a', preferred_port: 'abc' }],
    'conf/good.json': [{ group: 'tcp', claim: 'a' }],
    'conf/ranges.json': { tcp: { ranges: ['30100-30000'] } },
    'conf/infinite.json': '[{ "group": "tcp", "claim": "a", "preferred_port": 1e400 }]',
  });
  const [claims, groups, infinite] = await Promise.all([
    run(['render', 't.yaml', '--ports', 'conf/claims.json', '--dry-run'], { cwd: dir }),
    run(['render', 't.yaml', '--ports', 'conf/good.json', '--groups', 'conf/ranges.json', '--dry-run'], { cwd: dir }),
    run(['render', 't.yaml', '--ports', 'conf/infinite.json', '--dry-run'], { cwd: dir }),
  ]);
  assert.match(claims.stderr, /^error: conf\/claims\.json: \[0\]\.preferred_port: must be an integer from 1 to 65535, got "abc"\n/);
  assert.match(groups.stderr, /^error: conf\/ranges\.json: tcp\.ranges\[0\]: range "30100-30000" is inverted: write "30000-30100"\n/);
  assert.match(infinite.stderr, /^error: conf\/infinite\.json: \[0\]\.preferred_port: must be a finite number, got Infinity/);
  for (const r of [claims, groups, infinite]) assert.equal(r.code, 1);
});

// The hints follow the facts the core puts on its errors (the variable and key read, the holder
// of a port, the group out of ports), whatever the message says.
test('errors get hints from what the core says was missing or taken', async (t) => {
  const dir = workspace(t, {
    'ports.json': JSON.stringify([{ group: 'tcp', claim: 'web', preferred_port: 30000, random: false }]),
    'two.json': JSON.stringify([{ group: 'tcp', claim: 'a' }, { group: 'tcp', claim: 'b' }]),
    'groups.json': JSON.stringify({ tcp: { ranges: ['30000-30000'] } }),
    'web.yaml': "port: {{ $portClaims['web'] }}\n",
    'two.yaml': "a: {{ $portClaims['a'] }}\n",
    'data.yaml': "image: {{ $data[$data['which']] }}\n",
    'variable.yaml': 'x: {{ $colour }}\n',
  });
  const first = await run(['render', 'web.yaml', '--ports', 'ports.json', '--scope', 'shop'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const held = await run(['render', 'web.yaml', '--ports', 'ports.json', '--scope', "o'neil"], { cwd: dir });
  assert.equal(held.code, 1);
  assert.match(held.stderr, /hint: let the claim take another port with "random": true, or free this one: portclaims claims release --scope shop --claim web\n/);

  const full = await run(['render', 'two.yaml', '--ports', 'two.json', '--groups', 'groups.json', '--lock', 'other.lock.json'], { cwd: dir });
  assert.equal(full.code, 1);
  assert.match(full.stderr, /hint: widen group "tcp" in a --groups file/);

  const data = await run(['render', 'data.yaml', '--ports', 'two.json', '--dry-run', '--set', 'data.which=y'], { cwd: dir });
  assert.equal(data.code, 1);
  assert.match(data.stderr, /Undefined array key "y"/);
  assert.match(data.stderr, /hint: no value "y" in \$data: give it with --set data\.y=… or in a --values file/);

  const variable = await run(['render', 'variable.yaml', '--ports', 'two.json', '--dry-run'], { cwd: dir });
  assert.equal(variable.code, 1);
  assert.match(variable.stderr, /hint: templates see \$namespace, .*; pass other values under data: \(e\.g\. --set data\.colour=…\)/);
});

test('output that cannot be written to standard output is an error, not a silent success', { skip: !existsSync('/dev/full') && 'no /dev/full' }, async (t) => {
  const dir = workspace(t, { 't.yaml': "port: {{ $portClaims['web'] }}\n", 'ports.json': '[{ "claim": "web", "group": "tcp" }]' });
  const full = openSync('/dev/full', 'w');
  t.after(() => closeSync(full));
  const r = spawnSync(process.execPath, [BIN, 'render', 't.yaml', '--ports', 'ports.json'], { cwd: dir, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, 'error: cannot write to standard output: ENOSPC\n');
});
