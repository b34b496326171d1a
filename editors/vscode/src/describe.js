// What the extension tells a person, as text: the preview's header, a claim's hover, a claim's
// lens. Pure functions of what the core decided, so that tests can read them.

/** How a diagnostic reads on one line: `service.yaml:3:9: message`. */
export function oneLineOf(diagnostic) {
  // The fields' problems say where they are themselves (`.kublade/fields.json: [0]: …`).
  if (diagnostic.file && String(diagnostic.message).startsWith(`${diagnostic.file}:`)) return diagnostic.message;
  const start = diagnostic.range?.start;
  const where = diagnostic.file ? `${diagnostic.file}${start && start.line ? `:${start.line}:${start.column}` : ''}: ` : '';
  return `${where}${diagnostic.message}`;
}

/** The ports a template uses: `[{ claim, port, fresh, declared }]`, once per claim, in order. */
export function portsOf(references, decision) {
  const seen = new Set();
  const ports = [];
  for (const { name } of references ?? []) {
    if (seen.has(name)) continue;
    seen.add(name);
    const declared = decision?.ports !== undefined && Object.hasOwn(decision.ports, name);
    ports.push({ claim: name, declared, port: declared ? decision.ports[name] : undefined, fresh: Boolean(decision?.fresh?.has(name)) });
  }
  return ports;
}

/**
 * The preview document: a header of YAML comments (what it shows, which ports are new, or the
 * error), then the output exactly as `portclaims render` prints it. A failed render keeps the
 * last output that rendered, under the error.
 */
export function previewText({ template, scope, rendered, failure, lastOutput, notes = [] }) {
  const title = `# portclaims preview: ${template}, scope ${scope} (a dry run: nothing is reserved)`;
  if (failure) {
    const kept = lastOutput === undefined ? '# (nothing has rendered yet)' : '# (below: the last output that rendered)';
    return `${title}\n# error: ${oneLineOf(failure)}\n${kept}\n${lastOutput ?? ''}`;
  }
  const lines = [title];
  for (const note of notes) lines.push(`# ${note.severity}: ${oneLineOf(note)}`);
  const ports = rendered.ports;
  if (ports.length === 0) lines.push('# ports: this template claims none');
  for (const p of ports) {
    if (!p.declared) continue;
    lines.push(
      p.fresh
        ? `# ${p.claim}: ${p.port} (new: not reserved yet, the port a render would draw)`
        : `# ${p.claim}: ${p.port} (reserved for scope ${scope})`,
    );
  }
  return `${lines.join('\n')}\n${rendered.output}`;
}

/** Markdown of a hover on `$portClaims['name']`. */
export function claimHover({ name, declaration, group, decision, scope, claimsFile }) {
  const claim = `**portclaims** claim \`${name}\``;
  if (!declaration) return `${claim} is not declared in ${claimsFile ?? 'a ports.json'}: a render stops here`;
  const lines = [`${claim} · group \`${declaration.group}\` (${group ? `${group.protocol} ${group.ports}` : 'unknown'})`];
  if (Number.isInteger(declaration.preferred_port)) {
    lines.push(`prefers port ${declaration.preferred_port}${declaration.random ? ', else a random one' : ''}`);
  }
  if (decision?.failure) {
    lines.push(`no port: ${oneLineOf(decision.failure)}`);
  } else if (decision?.fresh?.has(name)) {
    lines.push(`not reserved yet: a render draws from ${declaration.group} ${group?.ports ?? ''} (this preview shows ${decision.ports[name]})`);
  } else if (decision?.ports && Object.hasOwn(decision.ports, name)) {
    lines.push(`reserved for scope ${scope}: ${decision.ports[name]}`);
  }
  return lines.join('\n\n');
}

/** The title of a claim's lens in ports.json. */
export function claimLens({ name, decision, scope }) {
  if (decision?.failure) return `no port: ${decision.failure.message}`;
  if (!decision?.ports || !Object.hasOwn(decision.ports, name)) return 'no port';
  const port = decision.ports[name];
  return decision.fresh.has(name)
    ? `port ${port} in scope ${scope}: new, not reserved yet (a render would draw it)`
    : `port ${port}: reserved for scope ${scope}`;
}
