// The files Kublade writes for a deployment, from its template files rendered by Blade
// (FluxDeployment::generate in Kublade v2.11.4; `../shared/spec/kublade-notes.md`, sections 5
// and 6; `../shared/kublade-oracle/kublade.php` runs it):
//   - each file's output, ltrimmed, parsed as one YAML document, its top-level
//     `metadata.namespace` (when set) replaced by the deployment's, dumped again after `---`;
//     a falsy result (empty, `~`, `0`, `{}`…) writes no file;
//   - `netpol.yaml` when the template's network policy is on;
//   - `kustomization.yaml`: the template's own (as written above) with `namespace` and
//     `resources` (plus netpol.yaml and namespace.yaml) merged in;
//   - `namespace.yaml`: the deployment's Namespace, always.
// Any failure fails the whole deployment: a KubladeError naming the file and Kublade's reason.
import { isArray, phpKey, truthy } from './php.js';
import { DumpTooLarge, dumpSymfonyYaml } from './yaml-dump.js';
import { YamlLimit, parseSymfonyYaml } from './yaml-parse.js';

export class KubladeError extends Error {
  constructor(file, reason, extra = {}) {
    super(file ? `${file}: ${reason}` : reason);
    this.kind = 'kublade';
    this.file = file;
    this.reason = reason;
    Object.assign(this, extra);
  }
}

/** Names Kublade's import leaves out of a template: these files, and these folders at any depth. */
const SKIPPED_FILES = new Set(['.gitignore', '.gitkeep']);
const SKIPPED_FOLDERS = new Set(['.kublade', '.git']);
export const isKubladeTemplateFile = (name) => !SKIPPED_FILES.has(name);
export const isKubladeTemplateFolder = (name) => !SKIPPED_FOLDERS.has(name);

/** Kublade's walk order: at each level folders first, then files, each sorted by name. */
export function kubladeOrder(a, b) {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; ; i++) {
    const xFolder = i < x.length - 1;
    const yFolder = i < y.length - 1;
    if (x[i] !== y[i]) {
      if (xFolder !== yFolder) return xFolder ? -1 : 1;
      return compareNames(x[i], y[i]);
    }
    if (i >= x.length - 1 || i >= y.length - 1) return x.length - y.length;
  }
}

/** PHP's SORT_STRING: byte order of the UTF-8 names. */
function compareNames(a, b) {
  const x = [...a].map((c) => c.codePointAt(0));
  const y = [...b].map((c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** The output limit's default, as the core's (`limits.maxOutputBytes`). */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** The YAML text Kublade writes for a value: `---`, then Symfony's dump. */
function kubladeYaml(value, maxBytes = DEFAULT_MAX_OUTPUT_BYTES) {
  const dumped = dumpSymfonyYaml(value, { maxBytes });
  return dumped.startsWith('---') ? dumped : `---\n${dumped}`;
}

/**
 * What Kublade writes for one rendered file: its text, or `null` when it writes none.
 * Throws a KubladeError when Kublade's YAML step fails, or one of kind `limit` when what it
 * writes passes `maxOutputBytes` (aliases can make a short file stand for a huge one).
 */
export function kubladeFile(path, output, namespace, { maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES } = {}) {
  let value;
  // PhpEngine ltrims a view's output (the engine's Blade output is already trimmed so).
  const trimmed = output.replace(/^[ \t\n\r\0\x0B]+/, '');
  try {
    value = parseSymfonyYaml(trimmed);
  } catch (error) {
    if (error instanceof YamlLimit) throw new KubladeError(path, error.message, { kind: 'limit', phase: 'yaml' });
    const before = output.slice(0, output.length - trimmed.length).split('\n').length - 1;
    throw new KubladeError(path, `YAML: ${error.message}`, { phase: 'yaml', yamlLine: error.line > 0 ? error.line + before : undefined, yamlNear: error.snippet ?? undefined });
  }
  if (isArray(value) && isArray(value.get('metadata')) && value.get('metadata').get('namespace') != null) {
    // A copy: an alias may share this mapping, and PHP's arrays are values.
    value.set('metadata', new Map(value.get('metadata')).set('namespace', namespace));
  }
  if (!truthy(value)) return null;
  try {
    return kubladeYaml(value, maxOutputBytes);
  } catch (error) {
    if (error instanceof DumpTooLarge) throw new KubladeError(path, error.message, { kind: 'limit', phase: 'yaml' });
    throw error;
  }
}

/** `files` (path → text, as kubladeFile wrote them) with the files Kublade generates added. */
export function kubladeGenerated(files, { dirs = [], namespace, netpol = false }) {
  if (netpol) files.set('netpol.yaml', kubladeYaml(networkPolicy(namespace, netpol)));

  const own = files.has('kustomization.yaml') ? parseSymfonyYaml(files.get('kustomization.yaml')) : new Map();
  if (dirs.includes('kustomization.yaml')) {
    throw new KubladeError('kustomization.yaml', 'is a folder: Kublade reads it as a file and fails (TypeError)');
  }
  if (!isArray(own)) {
    throw new KubladeError('kustomization.yaml', 'is not a mapping: Kublade fails merging it (Only arrays and Traversables can be unpacked)');
  }
  files.set('kustomization.yaml', kubladeYaml(kustomization(own, namespace, netpol)));

  if (dirs.includes('namespace.yaml')) {
    throw new KubladeError('namespace.yaml', 'is a folder: Kublade cannot write the Namespace there (FluxException 500)');
  }
  files.set(
    'namespace.yaml',
    kubladeYaml(
      map([
        ['apiVersion', 'v1'],
        ['kind', 'Namespace'],
        ['metadata', map([['name', namespace]])],
      ]),
    ),
  );
  return files;
}

const map = (entries) => new Map(entries.map(([k, v]) => [phpKey(k), v]));
const list = (items) => new Map(items.map((v, i) => [i, v]));

/** `[...$k, 'apiVersion' => …, 'kind' => …, 'namespace' => …, 'resources' => …]`. */
function kustomization(own, namespace, netpol) {
  const declared = own.get('resources');
  const has = declared !== undefined && declared !== null;
  if (has && !isArray(declared)) {
    throw new KubladeError('kustomization.yaml', 'merge: Error: Only arrays and Traversables can be unpacked');
  }
  // PHP's in_array() compares loosely: `true` equals any non-empty string.
  const listed = (name) => has && [...declared.values()].some((v) => v === name || v === true);
  const resources = spread([
    has ? declared : new Map(),
    has && !listed('netpol.yaml') && netpol ? list(['netpol.yaml']) : new Map(),
    has && !listed('namespace.yaml') ? list(['namespace.yaml']) : new Map(),
  ]);
  return spread([
    own,
    map([
      ['apiVersion', 'kustomize.config.k8s.io/v1beta1'],
      ['kind', 'Kustomization'],
      ['namespace', namespace],
      ['resources', resources],
    ]),
  ]);
}

/** PHP's array spread `[...$a, ...$b]`: integer keys renumbered, string keys set in place. */
function spread(arrays) {
  const out = new Map();
  let next = 0;
  for (const array of arrays) {
    for (const [key, value] of array) {
      if (typeof key === 'number' || typeof key === 'bigint') out.set(next++, value);
      else out.set(key, value);
    }
  }
  return out;
}

/** The NetworkPolicy Kublade adds, with the quirk of its ingress/utility entry (see the notes). */
function networkPolicy(namespace, { sourceNamespaces = [], utilityNamespace = null, ingressNamespace = null }) {
  const selector = (name) => map([['namespaceSelector', map([['matchLabels', map([['kubernetes.io/metadata.name', name]])]])]]);
  const from = [];
  for (const source of sourceNamespaces) if (truthy(source)) from.push(selector(source));
  from.push(selector(namespace));
  // The source spreads a string-keyed ['namespaceSelector' => …] into the list: array_values()
  // then keeps only the inner ['matchLabels' => …], once, the ingress entry winning.
  const shared = ingressNamespace ?? utilityNamespace;
  if (shared !== null && shared !== undefined) {
    from.push(map([['matchLabels', map([['kubernetes.io/metadata.name', shared]])]]));
  }
  return map([
    ['apiVersion', 'networking.k8s.io/v1'],
    ['kind', 'NetworkPolicy'],
    ['metadata', map([['name', 'ingress']])],
    [
      'spec',
      map([
        ['podSelector', map([['matchLabels', map([['app', new Map()]])]])],
        ['ingress', list([map([['from', list(from)]])])],
      ]),
    ],
  ]);
}
