// The database clients are optional dependencies of the package: loaded only when a store of
// their kind is opened, with a one-line answer when they are not installed.
import { storeError } from './errors.js';

/** The CommonJS module `name` (its exports object), or a store error saying how to install it. */
export async function importClient(name, display) {
  let module;
  try {
    module = await import(name);
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'MODULE_NOT_FOUND') {
      throw storeError(display, `this store needs the npm package "${name}", which is not installed: run \`npm install ${name}\``);
    }
    throw storeError(display, `cannot load the npm package "${name}": ${error?.message ?? error}`);
  }
  return module.default ?? module;
}
