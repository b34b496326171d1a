// Port groups as the playground sees them: the defaults (http 80–443, every other group
// 49152–65535), overridden by the groups editor, parsed into numeric intervals for the port map.

export const DEFAULT_RANGE = '49152-65535';
export const DEFAULT_RANGES = { http: ['80-443'] };

/** `"80-443"`, `"8080"` or `8080` → `[from, to]`, or null when it is not a range. */
export function parseRange(entry) {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(String(entry));
  if (!match) return null;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  return from <= to ? [from, to] : null;
}

/**
 * The groups the engine is given: each group a claim or reservation uses, with the configured
 * ranges or the defaults. Passing them explicitly keeps the map and the engine in agreement.
 */
export function effectiveGroups(configured, names) {
  const groups = {};
  for (const name of new Set([...Object.keys(configured ?? {}), ...names])) {
    const config = configured?.[name] ?? {};
    groups[name] = {
      ...config,
      ranges: config.ranges?.length ? config.ranges : DEFAULT_RANGES[name] ?? [DEFAULT_RANGE],
    };
  }
  return groups;
}

/** Numeric intervals of a group config: `{ ranges: [[a, b]…], exclude: [[a, b]…], size }`. */
export function intervals(config) {
  const ranges = (config.ranges ?? []).map(parseRange).filter(Boolean).sort((a, b) => a[0] - b[0]);
  const exclude = (config.exclude ?? []).map(parseRange).filter(Boolean);
  let size = 0;
  for (const [a, b] of ranges) {
    size += b - a + 1;
    for (const [x, y] of exclude) {
      const lo = Math.max(a, x);
      const hi = Math.min(b, y);
      if (lo <= hi) size -= hi - lo + 1;
    }
  }
  return { ranges, exclude, size: Math.max(size, 0) };
}
