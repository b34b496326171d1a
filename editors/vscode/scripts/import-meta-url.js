// Injected into the Node bundle (dist/node.js): `import.meta.url` of the package's modules, as if
// they sat in dist/js/, so that the Node entry's `../pkg/portclaims_bg.wasm` is dist/pkg/'s.
export const importMetaUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, 'js', 'bundle.js')).href;
