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

/**
 * A store's one client, opened on first use by `open()`; the calls that need it while it opens
 * wait for that same opening. `drop(client)` lets go of it (a lost connection, or closing the
 * store), so that the next use opens another, and answers the client it let go of.
 */
export class Connection {
  #open;
  #client = null;
  #opening = null;

  constructor(open) {
    this.#open = open;
  }

  async get() {
    if (this.#client) return this.#client;
    this.#opening ??= (async () => {
      const client = await this.#open();
      this.#client = client;
      return client;
    })();
    try {
      return await this.#opening;
    } finally {
      this.#opening = null;
    }
  }

  /** Lets go of `client` if it is the one held (of whichever is held, without one); null if not. */
  drop(client = this.#client) {
    if (client === null || client !== this.#client) return null;
    this.#client = null;
    this.#opening = null;
    return client;
  }
}
