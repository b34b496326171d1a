// The yaml package in Node (the Node entry and the CLI), loaded on first use: it is the slowest
// module to import. Their bundles, pkg/node.mjs and pkg/cli.cjs, load a bundled copy beside them,
// pkg/yaml.cjs, instead (see scripts/bundle.mjs).
import { createRequire } from 'node:module';

export const loadYaml = () => createRequire(import.meta.url)('yaml');
