// The yaml package in Node (the Node entry and the CLI), loaded on first use: it is the slowest
// module to import. The CLI's bundle (scripts/bundle-cli.mjs) holds the package and loads it from
// there instead.
import { createRequire } from 'node:module';

export const loadYaml = () => createRequire(import.meta.url)('yaml');
