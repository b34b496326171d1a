// A stable colour per scope (deployment), shared by the port map and the reservations table.
const PALETTE = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#ec4899', '#14b8a6', '#f97316', '#84cc16', '#06b6d4'];

export function scopeColor(scope) {
  let hash = 2166136261;
  for (const ch of scope) hash = Math.imul(hash ^ ch.codePointAt(0), 16777619);
  return PALETTE[(hash >>> 0) % PALETTE.length];
}
