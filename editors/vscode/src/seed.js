// The seed of a preview's port draws. Ports that no reservation holds yet render as the port a
// render would draw; with a new random draw per keystroke the preview would flicker, so the draw
// is seeded, and "Render Folder…" renders with the same seed: the ports a preview calls new are
// the ports the render reserves (unless the reservations change in between). The salt is random
// per session, so that two workspaces, or two sessions, do not draw alike.

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const U64 = (1n << 64n) - 1n;

/** FNV-1a over the UTF-8 bytes of `text`, as an unsigned 64-bit integer. */
export function fnv1a64(text) {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & U64;
  }
  return hash;
}

/** A random salt for this session. */
export function sessionSalt() {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The seed, as the decimal text `render({ seed })` and `portclaims render --seed` take. */
export function previewSeed(salt, lockFile, scope) {
  return fnv1a64(`${salt}\u0000${lockFile}\u0000${scope}`).toString();
}
