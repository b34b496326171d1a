// Port groups as the playground's port map shows them: as the core resolves them (its defaults,
// overridden by the groups editor), so that the map and the engine cannot disagree.

/**
 * `{ name → { protocol, ranges, exclude, size } }` for `names` under the configured groups, as
 * the engine's describeGroup tells them (`ranges` and `exclude` as `[from, to]` pairs); a name the
 * configuration refuses is left out (the render reports the configuration).
 */
export function describeGroups(engine, configured, names) {
  const groups = {};
  for (const name of new Set(names)) {
    try {
      groups[name] = engine.describeGroup(name, configured);
    } catch {
      // Shown as the render's problem.
    }
  }
  return groups;
}
