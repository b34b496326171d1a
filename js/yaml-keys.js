// A key given twice in a YAML mapping, found in one pass: the `yaml` package's own check (its
// `uniqueKeys` option) compares each key with every key before it, a quadratic wait for a
// mapping of many keys, so its callers parse with `uniqueKeys: false` and ask this instead.

/**
 * The key node `doc` holds twice in one mapping that comes first in the text (where the
 * package's check, made as it reads, would stop), comparing as the package does: scalar keys by
 * value (`===`: two NaNs differ), any other key by identity; `undefined` when there is none.
 * `YAML` is the `yaml` package.
 */
export function repeatedKey(YAML, doc) {
  let found;
  YAML.visit(doc, {
    Map(_, map) {
      const seen = new Set();
      for (const { key } of map.items) {
        const id = YAML.isScalar(key) ? key.value : key;
        if (!seen.has(id) || Number.isNaN(id)) {
          seen.add(id);
          continue;
        }
        // A mapping is visited before the mappings inside it, whose keys may come first.
        if (found === undefined || offsetOf(key) < offsetOf(found)) found = key;
        return undefined;
      }
      return undefined;
    },
  });
  return found;
}

/** Where a node starts in the text (its range's first offset). */
export const offsetOf = (node) => node?.range?.[0] ?? 0;

/** The message the `yaml` package gives a repeated key. */
export const REPEATED_KEY = 'Map keys must be unique';
