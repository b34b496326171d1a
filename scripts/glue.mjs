// One change to the JS glue that wasm-bindgen generates (pkg/portclaims.js), made by the build.
//
// wasm-bindgen copies a string into WebAssembly's memory one UTF-16 unit at a time in a JS loop
// while the string is ASCII, and calls `TextEncoder.encodeInto` only for the rest. Every string the
// package passes goes through that one loop (templates, values JSON, claims, scopes, snapshots), so
// V8 sees it with strings of every kind and length and optimises it poorly: passing the Service's
// 184 bytes of values took more time than reading them. `encodeInto` does the same copy natively,
// for ASCII and for the rest alike (bench/README.md has the measurements).

/** The ASCII loop as wasm-bindgen 0.2.130 writes it. */
const ASCII_LOOP = `    const mem = getUint8ArrayMemory0();

    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {
        if (offset !== 0) {
            arg = arg.slice(offset);
        }
`;

// The same contract: the first `len` bytes are encoded in place; when the string does not fit (it
// is not all ASCII), the rest goes into a larger allocation exactly as wasm-bindgen's own
// continuation does. `encodeInto` never splits a surrogate pair, so the rest starts at a whole
// code point, and `written` (bytes) is where it goes. It needs a native `encodeInto` (wasm-bindgen's
// stand-in for engines without one writes the whole string, which would overflow the first room):
// every engine that runs this module has one, since the module needs reference types, which
// each engine shipped after `encodeInto`.
const NATIVE_COPY = `    const first = cachedTextEncoder.encodeInto(arg, getUint8ArrayMemory0().subarray(ptr, ptr + len));
    let offset = first.written;
    if (first.read !== len) {
        arg = arg.slice(first.read);
`;

/** The glue with its strings passed by `encodeInto`; throws if the glue is not the one expected. */
export function withNativeStringPassing(glue) {
  const at = glue.indexOf(ASCII_LOOP);
  if (at < 0 || glue.indexOf(ASCII_LOOP, at + 1) >= 0) {
    throw new Error("wasm-bindgen's glue no longer has the string-passing loop scripts/glue.mjs replaces; update it with wasm-bindgen");
  }
  return glue.slice(0, at) + NATIVE_COPY + glue.slice(at + ASCII_LOOP.length);
}
