// Development only (PORTCLAIMS_MOCK_CORE=1 npm run build:web): a crude stand-in for pkg/portclaims.js
// with the same surface, to work on the playground before the real core exists. Not shipped.
export default async function init() {}
export const version = () => '0.0.0-mock';

function fail(kind, message, line, column, sourceLine) {
  const error = new Error(message);
  Object.assign(error, { kind, line, column, endLine: line, endColumn: column + 2, sourceLine });
  throw error;
}

function ranges(groups, group) {
  return (groups?.[group]?.ranges ?? ['49152-65535']).map((r) => String(r).split('-').map(Number));
}

export class Ledger {
  constructor(reservations, groups) {
    this.reservations = reservations.map((r) => ({ ...r }));
    this.groups = groups;
  }
  static load(reservations, groups) {
    return new Ledger(reservations, groups);
  }
  applyPlanned() {
    const change = this.planned;
    const key = (r) => `${r.scope}/${r.claim}`;
    const del = new Set(change.delete.map(key));
    this.reservations = this.reservations.filter((r) => !del.has(key(r))).concat(change.put);
  }
  free() {}
  plan(request) {
    const scope = request.scope ?? 'default';
    const put = [];
    const claims = {};
    for (const c of request.claims ?? []) {
      if (!c.group || !c.claim) fail('claims', 'a claim needs "group" and "claim"');
      let r = this.reservations.find((x) => x.scope === scope && x.claim === c.claim);
      if (!r) {
        const taken = new Set(this.reservations.filter((x) => x.group === c.group).map((x) => x.port));
        const excluded = new Set((this.groups?.[c.group]?.exclude ?? []).map(Number));
        const [[a, b]] = ranges(this.groups, c.group);
        let port;
        do port = a + Math.floor(Math.random() * (b - a + 1));
        while (taken.has(port) || excluded.has(port));
        r = { scope, claim: c.claim, group: c.group, port };
        put.push(r);
      }
      claims[c.claim] = r.port;
    }
    const values = { ...request.values, portClaims: claims };
    const lines = request.template.split('\n');
    const out = [];
    lines.forEach((line, i) => {
      if (/^\s*@\w+/.test(line)) return;
      const open = line.indexOf('{{');
      if (open !== -1 && line.indexOf('}}', open) === -1 && !line.includes('{{--')) fail('syntax', 'unclosed `{{`', i + 1, open + 1, line);
      out.push(
        line.replace(/\{\{--.*?--\}\}/g, '').replace(/\{\{\s*(.*?)\s*\}\}/g, (m, expr, offset) => {
          const match = /^\$(\w+)(?:\['(\w+)'\])?$/.exec(expr);
          if (!match) return `«${expr}»`;
          let v = values[match[1]];
          if (match[2] !== undefined) v = v?.[match[2]];
          if (v === undefined) fail('undefined', `undefined: ${expr}`, i + 1, offset + 1, line);
          return String(v);
        }),
      );
    });
    this.planned = { put, delete: [] };
    return { output: out.join('\n'), claims, allocated: put, released: [], diagnostics: [], change: this.planned };
  }
  release(request) {
    const scope = request.scope ?? 'default';
    let gone = this.reservations.filter((r) => r.scope === scope);
    if (request.claim) gone = gone.filter((r) => r.claim === request.claim);
    else if (request.claims) gone = gone.filter((r) => !request.claims.some((c) => c.claim === r.claim));
    this.planned = { put: [], delete: gone };
    return { released: gone, change: this.planned };
  }
}
export const compile = () => fail('runtime', 'mock');
export const check = () => [];
