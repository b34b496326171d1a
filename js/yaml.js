// The yaml package in Node (the Node entry and the CLI), loaded on first use: it is the slowest
// module to import. The CLI's bundle loads its own copy, pkg/yaml.cjs, instead (see
// scripts/bundle.mjs).
import { createRequire } from 'node:module';

export const loadYaml = () => createRequire(import.meta.url)('yaml');
