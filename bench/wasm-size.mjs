// What each crate costs in the WebAssembly binary: function body sizes from the code section,
// attributed to crates through the (demangled) names in the name section.
import { existsSync, readFileSync } from 'node:fs';

function reader(bytes) {
  let offset = 0;
  const r = {
    get offset() {
      return offset;
    },
    set offset(value) {
      offset = value;
    },
    byte: () => bytes[offset++],
    u32() {
      let result = 0;
      let shift = 0;
      for (;;) {
        const b = bytes[offset++];
        result |= (b & 0x7f) << shift;
        if ((b & 0x80) === 0) return result >>> 0;
        shift += 7;
      }
    },
    name() {
      const length = r.u32();
      const text = new TextDecoder().decode(bytes.subarray(offset, offset + length));
      offset += length;
      return text;
    },
  };
  return r;
}

function crateOf(name) {
  // Legacy Rust mangling: _ZN + length-prefixed path segments.
  const mangled = name.match(/^_ZN(\d+)/);
  if (mangled) {
    const segment = name.slice(3 + mangled[1].length, 3 + mangled[1].length + Number(mangled[1]));
    if (!segment.startsWith('_$LT$')) return segment;
    // An impl's method (`<Map<I, F> as Iterator>::next`) counts for the crate of its type, or of
    // its trait when the type is generic (`<F as Function<Rv, Args>>::invoke`).
    const impl = segment
      .replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ')
      .replace(/\$LP\$/g, '(').replace(/\$RP\$/g, ')').replace(/\$C\$/g, ',').replace(/\.\./g, '::');
    const path = impl.match(/^_<([a-z_][A-Za-z0-9_]*)::/) ?? impl.match(/ as ([a-z_][A-Za-z0-9_]*)::/);
    return path ? path[1] : '(other)';
  }
  const trimmed = name.replace(/^<+/, '').replace(/^(impl |dyn |&|mut )+/, '');
  const match = trimmed.match(/^([A-Za-z_][A-Za-z0-9_]*)::/);
  return match ? match[1] : '(other)';
}

/** [crate, bytes] pairs, largest first; null when the file or its name section is missing. */
export function crateSizes(url) {
  if (!existsSync(url)) return null;
  const bytes = readFileSync(url);
  const r = reader(bytes);
  r.offset = 8;
  let importedFunctions = 0;
  const bodySizes = [];
  const names = new Map();
  while (r.offset < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.offset + size;
    if (id === 2) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        r.name();
        r.name();
        const kind = r.byte();
        if (kind === 0) {
          r.u32();
          importedFunctions++;
        } else if (kind === 1) {
          r.byte();
          const flags = r.u32();
          r.u32();
          if (flags & 1) r.u32();
        } else if (kind === 2) {
          const flags = r.u32();
          r.u32();
          if (flags & 1) r.u32();
        } else if (kind === 3) {
          r.byte();
          r.byte();
        } else {
          r.byte();
          r.u32();
        }
      }
    } else if (id === 10) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const bodySize = r.u32();
        bodySizes.push(bodySize);
        r.offset += bodySize;
      }
    } else if (id === 0) {
      const sectionName = r.name();
      if (sectionName === 'name') {
        while (r.offset < end) {
          const sub = r.byte();
          const subSize = r.u32();
          const subEnd = r.offset + subSize;
          if (sub === 1) {
            const count = r.u32();
            for (let i = 0; i < count; i++) {
              const index = r.u32();
              names.set(index, r.name());
            }
          }
          r.offset = subEnd;
        }
      }
    }
    r.offset = end;
  }
  if (names.size === 0) return null;
  const totals = new Map();
  bodySizes.forEach((size, i) => {
    const crate = crateOf(names.get(i + importedFunctions) ?? '');
    totals.set(crate, (totals.get(crate) ?? 0) + size);
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}
