// A colour per scope (deployment), shared by the port map and the reservations table. Each scope
// starts from the colour its name hashes to and takes the next free one when that is taken, so
// the scopes on screen are told apart while a scope mostly keeps its colour.
const PALETTE = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#ec4899', '#14b8a6', '#f97316', '#84cc16', '#06b6d4', '#a16207', '#6366f1'];

function hash(text) {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0), 16777619);
  return h >>> 0;
}

let assigned = new Map();

/** Assigns colours to the scopes now present (call before drawing). */
export function assignScopeColors(scopes) {
  const next = new Map();
  const taken = new Set();
  for (const scope of [...new Set(scopes)].sort()) {
    let index = hash(scope) % PALETTE.length;
    for (let i = 0; i < PALETTE.length && taken.has(index); i++) index = (index + 1) % PALETTE.length;
    taken.add(index);
    if (taken.size >= PALETTE.length) taken.clear();
    next.set(scope, PALETTE[index]);
  }
  assigned = next;
}

export function scopeColor(scope) {
  return assigned.get(scope) ?? PALETTE[hash(scope) % PALETTE.length];
}
