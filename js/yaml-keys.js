// A key given twice in a YAML mapping, found in one pass: the `yaml` package's own check (its
// `uniqueKeys` option) compares each key with every key before it, a quadratic wait for a
// mapping of many keys, so its callers parse with `uniqueKeys: false` and ask this instead.

/**
 * The first key node `doc` holds twice in one mapping, comparing as the `yaml` package does
 * (scalar keys by value, any other key by identity); `undefined` when there is none. `YAML` is
 * the `yaml` package.
 */
export function repeatedKey(YAML, doc) {
  let found;
  YAML.visit(doc, {
    Map(_, map) {
      const seen = new Set();
      for (const { key } of map.items) {
        const id = YAML.isScalar(key) ? key.value : key;
        if (seen.has(id)) {
          found = key;
          return YAML.visit.BREAK;
        }
        seen.add(id);
      }
      return undefined;
    },
  });
  return found;
}

/** The message the `yaml` package gives a repeated key. */
export const REPEATED_KEY = 'Map keys must be unique';
