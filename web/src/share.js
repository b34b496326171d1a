// The playground's state in the URL hash: `#s=` + base64url(deflate-raw(JSON)), or `#j=` +
// base64url(JSON) where CompressionStream is missing. A link reproduces the editors and options.

const VERSION = 1;

function toBase64Url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function pipe(bytes, stream) {
  const response = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await response.arrayBuffer());
}

/** The hash fragment (without `#`) for a state. */
export async function encodeState(state) {
  const bytes = new TextEncoder().encode(JSON.stringify({ v: VERSION, ...state }));
  if (typeof CompressionStream === 'function') {
    return `s=${toBase64Url(await pipe(bytes, new CompressionStream('deflate-raw')))}`;
  }
  return `j=${toBase64Url(bytes)}`;
}

/** The state in a hash fragment, or null when there is none; throws when it is damaged. */
export async function decodeState(hash) {
  const fragment = hash.replace(/^#/, '');
  const match = /^([sj])=(.+)$/.exec(fragment);
  if (!match) return null;
  let bytes = fromBase64Url(match[2]);
  if (match[1] === 's') bytes = await pipe(bytes, new DecompressionStream('deflate-raw'));
  const state = JSON.parse(new TextDecoder().decode(bytes));
  if (!state || typeof state !== 'object' || !Array.isArray(state.files)) throw new Error('the link holds no playground state');
  return state;
}
