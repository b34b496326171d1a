// The workspace as portclaims sees it: template folders (a folder holding .kublade/, or a lone
// *.blade.yaml file), their templates, and for each folder and scope the state every feature
// shows: the inputs read from the editor's buffers (else the files), and the ports decided in a
// dry run. States are computed on demand and dropped when one of their files changes; features
// hear of it through `onDidChange`, once typing pauses.
import * as vscode from 'vscode';

import { readInputs } from './inputs.js';
import { MemoryStore } from './portclaims.js';
import { decideClaims } from './render.js';
import { previewSeed, sessionSalt } from './seed.js';
import { settingsFor, shown } from './settings.js';

/**
 * Features refresh at most once per this many milliseconds of a folder's changes: the first change
 * after a pause at once, the changes that follow it within the window together when it ends. A
 * keystroke then shows in the preview as soon as it is rendered; a burst of them costs one render
 * per window.
 */
const REFRESH_WINDOW_MS = 25;
// A .kublade folder is looked for this many levels up, as the CLI does.
const LEVELS_UP = 32;
const STANDALONE = /\.blade\.ya?ml$/i;

export class Model {
  #host;
  #api;
  #salt = sessionSalt();
  #kubladeOf = new Map(); // folder URI → its .kublade URI, or null
  #listings = new Map(); // folder key → Promise<[{ uri, path }]>
  #disk = new Map(); // URI → Promise<{ text } | { missing: true }>
  #states = new Map(); // `${folder key}\0${scope}` → Promise<State>
  #folders = new Map(); // folder key → folder, for every folder a feature asked about
  #stores = new Map(); // lock file URI → { text, store }: one store per text, so the core's index is reused
  #windows = new Map(); // folder key → { again, timer } while its refresh window is open
  #emitter = new vscode.EventEmitter();
  #watchers = new Map();
  #disposables = [];

  /** `host`: `{ loadApi(), listTemplates(root, exclude) }`. */
  constructor(host) {
    this.#host = host;
    this.onDidChange = this.#emitter.event;
    this.#disposables.push(
      this.#emitter,
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && this.#changed(e.document.uri, false)),
      vscode.workspace.onDidCloseTextDocument((d) => this.#changed(d.uri, false)),
      vscode.workspace.onDidSaveTextDocument((d) => this.#changed(d.uri, false)),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('portclaims') && this.invalidateAll()),
    );
    // A .kublade folder made or removed anywhere changes which folders are template folders.
    const kublade = vscode.workspace.createFileSystemWatcher('**/.kublade/*.json');
    const forget = (uri) => this.#changed(uri, true, true);
    this.#disposables.push(kublade, kublade.onDidCreate(forget), kublade.onDidDelete(forget));
  }

  /** The package's API, loaded on first use. */
  api() {
    this.#api ??= this.#host.loadApi().catch((error) => {
      this.#api = undefined;
      throw error;
    });
    return this.#api;
  }

  seedFor(settings) {
    return previewSeed(this.#salt, settings.lockFile.toString(), settings.scope);
  }

  /** The template folder `uri` belongs to: `{ key, root, kublade?, standalone? }`, or undefined. */
  async folderOf(uri) {
    // Only documents of a file system (not previews, diffs, output channels) can be templates.
    if (vscode.workspace.fs.isWritableFileSystem(uri.scheme) === undefined) return undefined;
    const dir = vscode.Uri.joinPath(uri, '..');
    const kublade = await this.#kubladeAbove(dir);
    let folder;
    if (kublade) {
      const root = vscode.Uri.joinPath(kublade, '..');
      folder = { key: root.toString(), root, kublade };
    } else if (STANDALONE.test(uri.path)) {
      folder = { key: uri.toString(), root: dir, standalone: uri };
    } else {
      return undefined;
    }
    if (!this.#folders.has(folder.key)) {
      this.#folders.set(folder.key, folder);
      this.#watch(folder);
    }
    return this.#folders.get(folder.key);
  }

  /** `{ folder, path }` when `uri` is a template of a template folder, else undefined. */
  async templateOf(uri) {
    const folder = await this.folderOf(uri);
    if (!folder) return undefined;
    const found = (await this.templatesOf(folder)).find((t) => t.uri.toString() === uri.toString());
    return found && { folder, path: found.path };
  }

  /** Whether `uri` is a folder's .kublade/ports.json. */
  async portsFileOf(uri) {
    if (!uri.path.endsWith('/.kublade/ports.json')) return undefined;
    const folder = await this.folderOf(uri);
    return folder?.kublade && vscode.Uri.joinPath(folder.kublade, 'ports.json').toString() === uri.toString() ? folder : undefined;
  }

  /**
   * The folder's templates, `[{ uri, path }]`, `path` relative to the folder, as the CLI lists them.
   * A folder the CLI refuses to list (a symbolic link that loops or leaves it) is refused here
   * too: the promise rejects with the reason until a file of the folder is made or removed.
   */
  templatesOf(folder) {
    if (folder.standalone) return Promise.resolve([{ uri: folder.standalone, path: basename(folder.standalone) }]);
    let listing = this.#listings.get(folder.key);
    if (!listing) {
      const settings = settingsFor(folder.root);
      const exclude = [settings.lockFile, settings.lockFile.with({ path: `${settings.lockFile.path}.lock` })];
      if (settings.groupsFile) exclude.push(settings.groupsFile);
      listing = Promise.resolve()
        .then(() => this.#host.listTemplates(folder.root, exclude))
        .then((paths) => paths.map((path) => ({ path, uri: vscode.Uri.joinPath(folder.root, ...path.split('/')) })));
      listing.catch(() => {}); // each caller hears of the failure; the cache alone must not warn
      this.#listings.set(folder.key, listing);
    }
    return listing;
  }

  /** The text of `uri`: the editor's buffer when it is open, else the file's (`undefined` when missing). */
  async text(uri) {
    const key = uri.toString();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (open) return open.getText();
    let read = this.#disk.get(key);
    if (!read) {
      read = Promise.resolve(vscode.workspace.fs.readFile(uri)).then(
        (bytes) => ({ text: stripBom(new TextDecoder().decode(bytes)) }),
        (error) => (isMissing(error) ? { missing: true } : { error }),
      );
      this.#disk.set(key, read);
    }
    const result = await read;
    if (result.error) throw result.error;
    return result.text;
  }

  /** Every template of the folder with its text: `[{ uri, path, text }]`. */
  async templateTexts(folder) {
    const templates = await this.templatesOf(folder);
    const texts = await Promise.all(templates.map((t) => this.text(t.uri).catch(() => undefined)));
    return templates.map((t, i) => ({ ...t, text: texts[i] })).filter((t) => t.text !== undefined);
  }

  /**
   * The folder's state in `scope` (default: the selected one): `{ folder, settings, seed, store,
   * inputs, options, decision, uriOf(path), textOf(path) }`; `options` are what a dry run of the
   * folder takes (render.js), `decision` the ports of its claims.
   */
  state(folder, scope) {
    const settings = settingsFor(folder.root);
    if (scope !== undefined) settings.scope = scope;
    const key = `${folder.key}\u0000${settings.scope}`;
    let state = this.#states.get(key);
    if (!state) {
      state = this.#evaluate(folder, settings);
      this.#states.set(key, state);
      state.catch(() => this.#states.get(key) === state && this.#states.delete(key));
    }
    return state;
  }

  async #evaluate(folder, settings) {
    const api = await this.api();
    const files = new Map(); // shown path → { uri, text }
    const source = async (uri, path, required) => {
      let text;
      try {
        text = await this.text(uri);
      } catch (error) {
        return { path, error };
      }
      if (text === undefined) return required ? { path, missing: true } : undefined;
      files.set(path, { uri, text });
      return { path, text };
    };
    const [ports, fields, lock, groups] = await Promise.all([
      folder.kublade ? source(vscode.Uri.joinPath(folder.kublade, 'ports.json'), shown(vscode.Uri.joinPath(folder.kublade, 'ports.json')), false) : undefined,
      folder.kublade ? source(vscode.Uri.joinPath(folder.kublade, 'fields.json'), shown(vscode.Uri.joinPath(folder.kublade, 'fields.json')), false) : undefined,
      source(settings.lockFile, settings.lockPath, false),
      settings.groupsPreset ? { preset: settings.groupsPreset } : settings.groupsFile ? source(settings.groupsFile, settings.groupsPath, true) : undefined,
    ]);
    const inputs = readInputs({ ports, fields, lock, groups });
    const store = this.#storeFor(settings.lockFile, lock?.text ?? '', inputs.reservations);
    const seed = this.seedFor(settings);
    const options = { scope: settings.scope, seed, store, dialect: settings.dialect, whitespace: settings.whitespace };
    const decision = decideClaims(api, inputs, options);
    for (const template of await this.templatesOf(folder)) {
      if (!files.has(template.path)) files.set(template.path, { uri: template.uri });
    }
    return {
      folder,
      settings,
      seed,
      store,
      inputs,
      options,
      decision,
      uriOf: (path) => files.get(path)?.uri,
      textOf: (path) => files.get(path)?.text,
    };
  }

  #storeFor(lockFile, text, reservations) {
    const key = lockFile.toString();
    const kept = this.#stores.get(key);
    if (kept && kept.text === text) return kept.store;
    const store = new MemoryStore(reservations);
    this.#stores.set(key, { text, store });
    return store;
  }

  /** Drops every state and refreshes every feature (a setting changed, perhaps the files watched). */
  invalidateAll() {
    this.#listings.clear();
    this.#states.clear();
    for (const folder of this.#folders.values()) {
      for (const watcher of this.#watchers.get(folder.key) ?? []) watcher.dispose();
      this.#watch(folder);
      this.#schedule(folder);
    }
  }

  /**
   * `uri` changed (in an editor, or on disk when `onDisk`; `created` or deleted when `listing`):
   * drop what depends on it. A template's edit changes no state (its text is read when rendered);
   * an edit of ports.json, fields.json, the lock or groups file drops the folder's states.
   */
  #changed(uri, onDisk, listing = false) {
    const key = uri.toString();
    if (onDisk) this.#disk.delete(key);
    if (uri.path.endsWith('/.kublade') || uri.path.includes('/.kublade/')) this.#kubladeOf.clear();
    for (const folder of this.#folders.values()) {
      const settings = settingsFor(folder.root);
      const inFolder = folder.standalone ? folder.standalone.toString() === key : key.startsWith(`${folder.key}/`);
      const input =
        settings.lockFile.toString() === key ||
        settings.groupsFile?.toString() === key ||
        (folder.kublade !== undefined && key.startsWith(`${folder.kublade.toString()}/`));
      if (!inFolder && !input) continue;
      if (listing) this.#listings.delete(folder.key);
      if (input || listing) {
        for (const stateKey of this.#states.keys()) if (stateKey.startsWith(`${folder.key}\u0000`)) this.#states.delete(stateKey);
      }
      this.#schedule(folder);
    }
  }

  #schedule(folder) {
    const open = this.#windows.get(folder.key);
    if (open) {
      open.again = true;
      return;
    }
    // A zero delay still gathers the changes of one tick (an edit of several documents).
    const window = { again: true, timer: undefined };
    const tick = () => {
      if (!window.again) {
        this.#windows.delete(folder.key);
        return;
      }
      window.again = false;
      this.#emitter.fire(folder);
      window.timer = setTimeout(tick, REFRESH_WINDOW_MS);
    };
    window.timer = setTimeout(tick, 0);
    this.#windows.set(folder.key, window);
  }

  /** Watches the folder's files and its lock and groups files on disk (other tools write them). */
  #watch(folder) {
    const settings = settingsFor(folder.root);
    const patterns = [
      folder.standalone ? new vscode.RelativePattern(folder.root, basename(folder.standalone)) : new vscode.RelativePattern(folder.root, '**/*'),
      new vscode.RelativePattern(vscode.Uri.joinPath(settings.lockFile, '..'), basename(settings.lockFile)),
    ];
    if (settings.groupsFile) patterns.push(new vscode.RelativePattern(vscode.Uri.joinPath(settings.groupsFile, '..'), basename(settings.groupsFile)));
    const watchers = patterns.map((pattern) => {
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      watcher.onDidChange((uri) => this.#changed(uri, true));
      watcher.onDidCreate((uri) => this.#changed(uri, true, true));
      watcher.onDidDelete((uri) => this.#changed(uri, true, true));
      return watcher;
    });
    this.#watchers.set(folder.key, watchers);
  }

  async #kubladeAbove(dir) {
    let current = dir;
    const visited = [];
    for (let level = 0; level < LEVELS_UP; level++) {
      const key = current.toString();
      if (this.#kubladeOf.has(key)) {
        const found = this.#kubladeOf.get(key);
        for (const v of visited) this.#kubladeOf.set(v, found);
        return found ?? undefined;
      }
      visited.push(key);
      const candidate = vscode.Uri.joinPath(current, '.kublade');
      const stat = await Promise.resolve(vscode.workspace.fs.stat(candidate)).catch(() => undefined);
      if (stat && stat.type & vscode.FileType.Directory) {
        for (const v of visited) this.#kubladeOf.set(v, candidate);
        return candidate;
      }
      const parent = vscode.Uri.joinPath(current, '..');
      if (parent.path === current.path) break;
      current = parent;
    }
    for (const v of visited) this.#kubladeOf.set(v, null);
    return undefined;
  }

  dispose() {
    for (const window of this.#windows.values()) clearTimeout(window.timer);
    for (const watchers of this.#watchers.values()) for (const w of watchers) w.dispose();
    for (const d of this.#disposables) d.dispose();
  }
}

export function basename(uri) {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

function stripBom(text) {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isMissing(error) {
  return error?.code === 'FileNotFound' || error?.code === 'ENOENT' || error?.name === 'EntryNotFound (FileSystemError)';
}
