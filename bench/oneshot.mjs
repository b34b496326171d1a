// One-shot processes: what a user waits for when a fresh Node process imports an engine, compiles
// one template, renders it once and exits; and the CLI doing the same job. Each variant runs in
// fresh processes, taken in turn, under /usr/bin/time (wall time and peak resident memory of the
// whole process, exit included); medians.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The package's Node entry as npm ships it (`exports`), which scripts/bundle.mjs builds. */
export const packageEntry = new URL('../pkg/node.mjs', import.meta.url).href;
const cli = fileURLToPath(new URL('../bin/portclaims.cjs', import.meta.url));

/** The Service the one-shot scripts render, in both dialects. */
export const service = {
  blade: `apiVersion: v1
kind: Service
metadata:
  name: {{ $data['name'] }}
spec:
  ports:
@foreach($data['ports'] as $p)
  - name: {{ $p['name'] }}
    port: {{ $p['port'] }}
@endforeach
`,
  jinja: `apiVersion: v1
kind: Service
metadata:
  name: {{ data.name }}
spec:
  ports:
{% for p in data.ports %}
  - name: {{ p.name }}
    port: {{ p.port }}
{% endfor %}
`,
  values: { data: { name: 'web', ports: [{ name: 'http', port: 8080 }, { name: 'https', port: 8443 }] } },
};

/**
 * The Web Application example of the port reservations guide (`../shared/spec/port-reservations.txt`),
 * as the CLI renders it (claims declared in ports.json) and as Jinja with the ports it reserves.
 */
export const webApp = {
  blade: `apiVersion: v1
kind: Service
metadata:
  name: web-app
spec:
  ports:
  - name: http
    port: {{ $portClaims['web'] }}
    targetPort: 80
  - name: https
    port: {{ $portClaims['https'] }}
    targetPort: 443
`,
  jinja: `apiVersion: v1
kind: Service
metadata:
  name: web-app
spec:
  ports:
  - name: http
    port: {{ portClaims.web }}
    targetPort: 80
  - name: https
    port: {{ portClaims.https }}
    targetPort: 443
`,
  claims: [{ claim: 'web', group: 'http' }, { claim: 'https', group: 'http' }],
};

const scripts = {
  portclaims: `
    const { compile } = await import(${JSON.stringify(packageEntry)});
    process.stdout.write(compile(${JSON.stringify(service.blade)}).render(${JSON.stringify(service.values)}));`,
  minijinja: `
    const { createRequire } = await import('node:module');
    const { Environment } = createRequire(${JSON.stringify(join(root, 'package.json'))})('minijinja-js');
    const env = new Environment();
    env.trimBlocks = true;
    env.addTemplate('service', ${JSON.stringify(service.jinja)});
    process.stdout.write(env.renderTemplate('service', ${JSON.stringify(service.values)}));`,
  // The core's part of the CLI's job, through the package's API: the same render, with the ports
  // given (no claims decided, no store, no files but the template), as the minijinja-js script.
  portclaimsWebApp: `
    const { compile } = await import(${JSON.stringify(packageEntry)});
    const { readFileSync } = await import('node:fs');
    const portClaims = { web: 8080, https: 8443 };
    process.stdout.write(compile(readFileSync('service.yaml', 'utf8')).render({ portClaims }));`,
  minijinjaWebApp: `
    const { createRequire } = await import('node:module');
    const { readFileSync } = await import('node:fs');
    const { Environment } = createRequire(${JSON.stringify(join(root, 'package.json'))})('minijinja-js');
    const env = new Environment();
    const portClaims = { web: 8080, https: 8443 };
    process.stdout.write(env.renderStr(readFileSync('template.jinja', 'utf8'), { portClaims }));`,
};

/**
 * Builds the package's bundles, so that fresh processes run it as npm ships it: the Node entry
 * and the CLI (bin/portclaims.cjs runs its sources while a source is newer than its bundle).
 */
export function bundle() {
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`scripts/bundle.mjs failed: ${built.stderr}`);
}

/** One process under /usr/bin/time: [peak RSS MB, CPU ms (user and system, all threads)]. */
function timed(args, cwd) {
  const result = spawnSync('/usr/bin/time', ['-f', '%M %U %S', ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${args.join(' ')}: exited with ${result.status}: ${result.stderr}`);
  const [kb, user, system] = result.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return [kb / 1024, (user + system) * 1000];
}

/**
 * Runs each command `runs` times, in turn; returns each one's medians: [wall ms, peak MB, CPU ms].
 * CPU time is the steadier measure when other work shares the machine.
 */
export function sideBySide(commands, runs, cwd) {
  const samples = commands.map(() => [[], [], []]);
  for (let r = 0; r < runs; r++) {
    commands.forEach((args, k) => {
      const start = process.hrtime.bigint();
      const [rss, cpu] = timed(args, cwd);
      samples[k][0].push(Number(process.hrtime.bigint() - start) / 1e6);
      samples[k][1].push(rss);
      samples[k][2].push(cpu);
    });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return samples.map((s) => s.map(median));
}

const node = (script, ...flags) => [process.execPath, ...flags, '--input-type=module', '-e', script];

/** The one-shot comparisons, on the package as `bundle()` built it; `say` writes the report's lines. */
export function oneShotBenchmarks({ say, goal = () => {}, runs }) {
  const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
  say('## One-shot processes (fresh Node processes taken in turn, whole process under `/usr/bin/time`)');
  say();
  const [ours, theirs] = sideBySide([node(scripts.portclaims), node(scripts.minijinja)], runs, root);
  say('| job | portclaims | minijinja-js | portclaims / minijinja-js | goal |');
  say('| --- | --- | --- | --- | --- |');
  say(`| import, compile a small Service, render once, exit: wall | ${ours[0].toFixed(0)} ms | ${theirs[0].toFixed(0)} ms | **${ratio(ours[0], theirs[0])}** | ≤ 1× |`);
  say(`| the same: peak memory | ${ours[1].toFixed(0)} MB | ${theirs[1].toFixed(0)} MB | **${ratio(ours[1], theirs[1])}** | ≤ 1× |`);
  say(`| the same: CPU time | ${ours[2].toFixed(0)} ms | ${theirs[2].toFixed(0)} ms | ${ratio(ours[2], theirs[2])} | |`);
  goal('one-shot Node process no slower than minijinja-js\'s: wall', ratio(ours[0], theirs[0]), ours[0] <= theirs[0] ? 'yes' : 'no');
  goal('the same: peak memory', ratio(ours[1], theirs[1]), ours[1] <= theirs[1] ? 'yes' : 'no');

  const dir = mkdtempSync(join(tmpdir(), 'portclaims-bench-'));
  try {
    writeFileSync(join(dir, 'service.yaml'), webApp.blade);
    writeFileSync(join(dir, 'ports.json'), JSON.stringify(webApp.claims));
    writeFileSync(join(dir, 'template.jinja'), webApp.jinja);
    const lock = join(dir, 'portclaims.lock.json');
    // The first render reserves the ports; the timed ones reuse them, as every later render does.
    const render = [process.execPath, cli, 'render', 'service.yaml', '--ports', 'ports.json'];
    if (spawnSync(render[0], render.slice(1), { cwd: dir }).status !== 0 || !existsSync(lock)) throw new Error('the CLI failed to render');
    const [cliRun, script, api, version, bare] = sideBySide(
      [render, node(scripts.minijinjaWebApp), node(scripts.portclaimsWebApp), [process.execPath, cli, '--version'], node('')],
      runs,
      dir,
    );
    say(`| the CLI rendering the guide's Web Application (lock file in place) against a minijinja-js script rendering it: wall | ${cliRun[0].toFixed(0)} ms | ${script[0].toFixed(0)} ms | **${ratio(cliRun[0], script[0])}** | ≤ 1× |`);
    say(`| the same: peak memory | ${cliRun[1].toFixed(0)} MB | ${script[1].toFixed(0)} MB | ${ratio(cliRun[1], script[1])} | |`);
    say(`| the same: CPU time | ${cliRun[2].toFixed(0)} ms | ${script[2].toFixed(0)} ms | ${ratio(cliRun[2], script[2])} | |`);
    // The floors: the same render through the package's API (the core's start-up, without the
    // CLI), and what the CLI costs before it loads the core (Node itself, and its own modules).
    say(`| the package's API doing the minijinja-js script's job (the same render, ports given; no CLI, store or claims): wall | ${api[0].toFixed(0)} ms | ${script[0].toFixed(0)} ms | ${ratio(api[0], script[0])} | |`);
    say(`| the CLI printing its version (its modules, not the core) against Node running an empty script: wall | ${version[0].toFixed(0)} ms | ${bare[0].toFixed(0)} ms | ${ratio(version[0], bare[0])} | |`);
    goal(
      'the CLI rendering the guide\'s example no slower than a one-shot minijinja-js script: wall',
      `${ratio(cliRun[0], script[0])}; floors: the same render through the API, without the CLI, ${ratio(api[0], script[0])}; the CLI's modules alone (\`--version\`) ${ratio(version[0], script[0])}`,
      cliRun[0] <= script[0] ? 'yes' : 'no',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  say();
  say(`(Medians of ${runs} processes each.)`);
  say();
}

// `node bench/oneshot.mjs [runs]` runs these alone.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  bundle();
  oneShotBenchmarks({ say: (line = '') => console.log(line), runs: Number(process.argv[2] ?? 9) });
}
