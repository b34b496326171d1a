#!/usr/bin/env node
// Differential tester (issue #3): generates random Blade templates of the kind Kublade manifests
// use, renders each with real Blade as Kublade runs it (the PHP oracle: Laravel 12's compiler and
// view pipeline) and with portclaims, and compares them byte for byte (or: both must fail, with
// PHP's message unless PHP's parser words a syntax error).
// Each difference is shrunk (lines, then parenthesised subexpressions, then echo tags are dropped
// while the same kind of difference persists) and printed with the oracle's output and ours.
//
//   node scripts/differential.mjs [--count N] [--seed S] [--save] [--verbose]
//
//   --count N   templates to generate (default 200)
//   --seed S    seed of the generator (default: random; printed, so a run can be repeated)
//   --save      re-check every shrunk difference with render.php itself and write it to
//               scripts/differential/pending/diff-<hash>/ (it fails today, so it must stay out of
//               tests/cases until the engine is fixed); also writes a few agreeing templates that
//               cover directives/functions/operators not yet covered to tests/cases/diff-<hash>/
//               (at most 30 diff-* cases in all)
//   --max-shrink M   shrink and print at most M differences (default 40; shrinking is the slow part)
//   --avoid LIST     don't generate these constructs (comma-separated; see generate.mjs):
//                    forelse-break, json-commas, continue-switch, shared-names
//   --skip-shrink RE don't shrink differences whose template matches RE (to look past known ones)
//   --verbose        also print each difference's original template
//
// Needs php-cli and php-illuminate-view (the oracle: shared/blade-oracle/render.php beside the
// checkout, or beside the folder holding a worktree, or $BLADE_ORACLE) and a built pkg/ (the wasm). It is not part of `npm test`; the cases it saves are.
// Known, documented differences (COMPATIBILITY.md) are filtered out: portclaims' sandbox refusals,
// "not supported" syntax, U+FFFD for cut UTF-8 characters; the generator avoids echo tags inside other tags. See
// scripts/differential/README.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSync } from '../js/node.js';
import { generate } from './differential/generate.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = [join(ROOT, '..', 'shared'), join(ROOT, '..', '..', 'shared')].find((dir) => existsSync(join(dir, 'blade-oracle', 'render.php')));
const ORACLE = process.env.BLADE_ORACLE || (SHARED && join(SHARED, 'blade-oracle', 'render.php'));
// render.php runs kublade-oracle/blade.php, whose library the batch oracle loads
const LIBRARY = ORACLE && join(dirname(ORACLE), '..', 'kublade-oracle', 'kublade.php');
if (!ORACLE || !existsSync(ORACLE) || !existsSync(LIBRARY)) {
  console.error('differential: no blade-oracle/render.php (with ../kublade-oracle/kublade.php) found; set BLADE_ORACLE');
  process.exit(2);
}
const BATCH = join(ROOT, 'scripts', 'differential', 'oracle-batch.php');
const VALUES = JSON.parse(readFileSync(join(ROOT, 'scripts', 'differential', 'values.json'), 'utf8'));
const MAX_SAVED_AGREEING = 30;

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const COUNT = Number(opt('--count', 200));
const SEED = Number(opt('--seed', Math.floor(Math.random() * 2 ** 31)));
const SAVE = args.includes('--save');
const VERBOSE = args.includes('--verbose');
const MAX_SHRINK = Number(opt('--max-shrink', 40));
const AVOID = new Set((opt('--avoid', '') || '').split(',').filter(Boolean));
const SKIP = opt('--skip-shrink', null) && new RegExp(opt('--skip-shrink'), 's');

const { portClaims = {}, ...variables } = VALUES;
const CLAIMS = Object.entries(portClaims).map(([claim, port]) => ({ group: 'tcp', claim, preferred_port: port, random: false }));

function ours(template) {
  try {
    return { ok: true, output: renderSync({ template, claims: CLAIMS, values: variables, dryRun: true }).output };
  } catch (e) {
    return { ok: false, error: String(e.message), kind: e.kind };
  }
}

const work = mkdtempSync(join(tmpdir(), 'differential-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
/** Renders many templates with the oracle in one PHP process (oracle-batch.php). */
function oracleBatch(templates) {
  const results = [];
  while (results.length < templates.length) {
    const rest = templates.slice(results.length);
    const file = join(work, 'jobs.json');
    writeFileSync(file, JSON.stringify(rest.map((template) => ({ template, values: VALUES }))));
    const r = spawnSync('php', [BATCH, LIBRARY, file], { maxBuffer: 1 << 30, encoding: 'utf8', timeout: 600_000 });
    // a fatal error flushes the dying template's buffered output too: keep only our result lines
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{"ok":'));
    for (const line of lines) {
      const j = JSON.parse(line);
      results.push(j.ok ? { ok: true, output: Buffer.from(j.output, 'base64').toString('utf8') } : j);
    }
    if (lines.length < rest.length) {
      // PHP died on this job (a compile-time fatal error): render.php dies the same way
      results.push({ ok: false, error: fatal(r.stderr || `php exited ${r.status}`) });
    }
  }
  return results;
}
/** The real oracle, one template: what a saved case's expectation comes from. */
function oracleOne(template) {
  const t = join(work, 'template.yaml');
  const v = join(work, 'values.json');
  writeFileSync(t, template);
  writeFileSync(v, JSON.stringify(VALUES));
  try {
    return { ok: true, output: execFileSync('php', [ORACLE, t, v], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }) };
  } catch (e) {
    const stderr = String(e.stderr).trim();
    if (e.status === 2) return { ok: false, unsupported: stderr };
    return { ok: false, error: e.status === 1 ? stderr.split('\n')[0] : fatal(stderr) };
  }
}
/** PHP's dying words (`PHP Fatal error:  MESSAGE in FILE on line N`), without the file. */
function fatal(stderr) {
  const line = stderr.trim().split('\n')[0];
  const m = /^PHP Fatal error:\s+(.*) in \S+ on line \d+$/.exec(line);
  return m ? `PHP Fatal error: ${m[1]}` : line;
}

/** null when they agree or the difference is a documented one, 'unsupported' where the oracle
 * cannot tell (exit 2: something only Kublade's process has), else the kind of difference. */
function classify(o, p) {
  if (o.unsupported) return 'unsupported';
  if (o.ok && p.ok) {
    if (o.output === p.output) return null;
    // documented: byte-level string functions that cut a UTF-8 character give U+FFFD in
    // portclaims, raw bytes in PHP (which e() then turns into ''); json_encode writes it escaped
    if (p.output.includes('\uFFFD') || /\\ufffd/i.test(p.output)) return null;
    return 'output';
  }
  if (!o.ok && !p.ok) return sameFailure(o.error, p) ? null : 'message';
  if (!p.ok) {
    if (p.kind === 'sandbox' || /not supported|unsupported/i.test(p.error)) return null;
    return 'ours-fails';
  }
  return 'oracle-fails';
}

/**
 * Whether both failing is the same failure: PHP's message word for word (the oracle's carries
 * PHP's exception class, `ErrorException: …`; ours a `template:LINE:COLUMN: ` prefix), except that
 * PHP's parser and compile-time fatal errors word syntax errors after the compiled PHP
 * (COMPATIBILITY.md): there, any syntax error of ours agrees.
 */
function sameFailure(oracleError, p) {
  if (/^(ParseError: |PHP (Parse|Fatal) error)/.test(oracleError)) return p.kind === 'syntax' || p.kind === 'sandbox';
  return p.error.replace(/^[^:]*:\d+:\d+: /, '') === oracleError.replace(/^[\w\\]+: /, '');
}

// ---- shrinking -------------------------------------------------------------------------------
function parenGroups(s) {
  const groups = [];
  const stack = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(' || s[i] === '[') stack.push(i);
    else if ((s[i] === ')' || s[i] === ']') && stack.length) groups.push([stack.pop(), i]);
  }
  return groups;
}
function candidates(t) {
  const out = new Set();
  const nl = t.includes('\r\n') ? '\r\n' : '\n';
  const lines = t.split(nl);
  for (let n = Math.max(1, lines.length >> 1); n >= 1; n = n >> 1) {
    for (let i = 0; i + n <= lines.length; i++) out.add([...lines.slice(0, i), ...lines.slice(i + n)].join(nl));
  }
  // an opener and its closer together (two directive lines)
  const directive = lines.map((l, i) => (/^\s*@\w/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (directive.length <= 24) {
    for (const i of directive) for (const j of directive) if (j > i) out.add(lines.filter((_, k) => k !== i && k !== j).join(nl));
  }
  // a line's indentation
  lines.forEach((l, i) => { if (/^\s+\S/.test(l)) out.add([...lines.slice(0, i), l.trimStart(), ...lines.slice(i + 1)].join(nl)); });
  if (nl === '\r\n') out.add(t.replaceAll('\r\n', '\n'));
  for (const [a, b] of parenGroups(t)) {
    const inner = t.slice(a + 1, b);
    if (inner.length === 0) continue;
    for (const r of ["1", "'a'", 'true', 'null', '[]']) out.add(t.slice(0, a + 1) + r + t.slice(b));
    // drop one argument of a list
    const parts = splitTop(inner);
    if (parts.length > 1) for (let k = 0; k < parts.length; k++) out.add(t.slice(0, a + 1) + parts.filter((_, j) => j !== k).join(',') + t.slice(b));
    // unwrap a call or a group: f(x) -> x
    const m = /[\w$>-]*$/.exec(t.slice(0, a));
    const start = a - (m ? m[0].length : 0);
    for (const p of parts) out.add(t.slice(0, start) + p.trim() + t.slice(b + 1));
  }
  for (const m of t.matchAll(/\{\{.*?\}\}|\{!!.*?!!\}/g)) out.add(t.slice(0, m.index) + t.slice(m.index + m[0].length));
  // binary operators: keep one side
  for (const m of t.matchAll(/ (\.|\+|-|\*|\/|%|\*\*|&&|\|\||and|or|xor|==|!=|===|!==|<|>|<=|>=|<=>|\?\?|\?:) /g)) {
    out.add(t.slice(0, m.index) + t.slice(m.index).replace(/ \S+ [^\s)\],]+/, ''));
  }
  out.delete(t);
  return [...out].filter((c) => c.length < t.length).sort((x, y) => x.length - y.length);
}
function splitTop(s) {
  const parts = [];
  let depth = 0, quote = null, cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      cur += c;
      if (c === '\\') cur += s[++i] ?? '';
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) { parts.push(cur); cur = ''; continue; }
    cur += c;
  }
  parts.push(cur);
  return parts;
}
function shrink(template, kind) {
  let best = template;
  for (let round = 0; round < 300; round++) {
    const cands = candidates(best).slice(0, 600);
    let found = null;
    // cheapest first: ask the oracle in small chunks and stop at the first candidate that keeps
    // the difference; candidates on which we and the oracle would need to differ in the same way
    for (let c = 0; c < cands.length && !found; c += 60) {
      const chunk = cands.slice(c, c + 60);
      const os = oracleBatch(chunk);
      for (let i = 0; i < chunk.length; i++) {
        if (classify(os[i], ours(chunk[i])) === kind) { found = chunk[i]; break; }
      }
    }
    if (!found) break;
    best = found;
  }
  return best;
}

// ---- run ---------------------------------------------------------------------------------------
const hash = (s) => createHash('sha1').update(s).digest('hex').slice(0, 8);
function saveCase(dir, template, result) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'template.yaml'), template);
  writeFileSync(join(dir, 'values.json'), JSON.stringify(VALUES, null, 2) + '\n');
  if (result.ok) writeFileSync(join(dir, 'expected.yaml'), result.output);
  else writeFileSync(join(dir, 'expected.error'), `${result.error}\n`);
}
const show = (r) => (r.ok ? JSON.stringify(r.output) : `error: ${r.error}${r.kind ? ` [${r.kind}]` : ''}`);

console.log(`seed ${SEED}, ${COUNT} templates`);
const generated = [];
for (let i = 0; i < COUNT; i++) generated.push(generate(SEED + i, AVOID));
let agree = 0, bothFail = 0, known = 0, unsupported = 0;
const differences = [];
const agreeing = [];
const BATCH_SIZE = 250;
for (let b = 0; b < generated.length; b += BATCH_SIZE) {
  const chunk = generated.slice(b, b + BATCH_SIZE);
  const os = oracleBatch(chunk.map((g) => g.template));
  chunk.forEach((g, i) => {
    const o = os[i];
    const p = ours(g.template);
    const kind = classify(o, p);
    if (kind === 'unsupported') unsupported++;
    else if (kind === null) {
      agree++;
      if (!o.ok && !p.ok) bothFail++;
      else if (!o.ok || !p.ok) known++;
      else agreeing.push(g);
    } else differences.push({ ...g, kind, o, p });
  });
}
console.log(`${COUNT} templates: ${agree} agree, ${differences.length} differ, ${unsupported} the oracle cannot tell` + ` (of the agreements: ${bothFail} both fail, ${known} known/documented differences)`);

const seen = new Map();
const toShrink = SKIP ? differences.filter((d) => !SKIP.test(d.template)) : differences;
if (SKIP) console.log(`${differences.length - toShrink.length} differences match --skip-shrink and are not shrunk`);
if (toShrink.length > MAX_SHRINK) console.log(`shrinking the first ${MAX_SHRINK} differences (--max-shrink)`);
for (const d of toShrink.slice(0, MAX_SHRINK)) {
  const small = shrink(d.template, d.kind);
  const o = oracleOne(small);
  const p = ours(small);
  const kind = classify(o, p) === 'unsupported' ? null : classify(o, p);
  const key = `${d.kind}\n${small}`;
  if (seen.has(key)) continue;
  seen.set(key, true);
  console.log(`\n=== difference (${d.kind}), seed ${d.seed}${kind === null ? ' [NOT confirmed by render.php]' : ''}`);
  console.log('--- minimal template');
  console.log(small);
  console.log('--- oracle:  ' + show(o));
  console.log('--- ours:    ' + show(p));
  if (VERBOSE) console.log('--- original template\n' + d.template);
  if (SAVE && kind !== null) {
    const dir = join(ROOT, 'scripts', 'differential', 'pending', `diff-${hash(small)}`);
    saveCase(dir, small, o);
    console.log(`saved ${dir}`);
  }
}

if (SAVE) {
  const CASES = join(ROOT, 'tests', 'cases');
  const existing = readdirSync(CASES).filter((n) => n.startsWith('diff-'));
  const covered = new Set();
  for (const n of existing) for (const f of featuresOf(readFileSync(join(CASES, n, 'template.yaml'), 'utf8'))) covered.add(f);
  let room = MAX_SAVED_AGREEING - existing.length;
  const ranked = agreeing.map((g) => ({ g, f: featuresOf(g.template) })).sort((a, b) => b.f.size - a.f.size);
  for (const { g, f } of ranked) {
    if (room <= 0) break;
    const fresh = [...f].filter((x) => !covered.has(x));
    if (fresh.length < 3) continue;
    const o = oracleOne(g.template);
    const p = ours(g.template);
    if (classify(o, p) !== null || !o.ok) continue;
    const dir = join(CASES, `diff-${hash(g.template)}`);
    saveCase(dir, g.template, o);
    for (const x of f) covered.add(x);
    room--;
    console.log(`saved agreeing ${dir} (new: ${fresh.join(' ')})`);
  }
}

/** Directives, functions, operators and $loop properties a template uses. */
function featuresOf(t) {
  const f = new Set();
  for (const m of t.matchAll(/@(\w+)/g)) f.add('@' + m[1].toLowerCase());
  for (const m of t.matchAll(/\b([a-z_0-9]+)\(/g)) f.add(m[1] + '()');
  for (const m of t.matchAll(/\$loop->(\w+)/g)) f.add('$loop->' + m[1]);
  for (const m of t.matchAll(/ (\.|\+|-|\*|\/|%|\*\*|&&|\|\||and|or|xor|==|!=|===|!==|<|>|<=|>=|<=>|\?\?|\?:|\?) /g)) f.add('op' + m[1]);
  if (t.includes('\r\n')) f.add('crlf');
  if (t.includes('{!!')) f.add('raw');
  if (t.includes('{{--')) f.add('comment');
  return f;
}
