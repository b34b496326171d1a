// What `render` and `check` work on: one template file, or a Kublade template folder
//
//   DIR/.kublade/fields.json   input fields (optional)
//   DIR/.kublade/ports.json    port claims (optional)
//   DIR/**                     every other file a Blade template, except dotfiles, node_modules
//                              (with --kublade: as Kublade imports them, dotfiles included)
//
// plus the claims, fields text, groups and values document the options name. Only reading:
// what the fields and values mean is the core's (js/folder.js asks it).
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

import { isKubladeTemplateFile, isKubladeTemplateFolder } from '../kublade/deployment.js';
import { applySets } from './fields.js';
import { parseJsonFile, parseJsonOrYaml, readText, readValuesFile } from './inputs.js';
import { CliError } from './messages.js';
import { DEFAULT_LOCK_FILE } from '../lockfile-store.js';

const SKIPPED_NAMES = new Set(['node_modules']);
// The most folders a template folder's walk enters: links inside a folder may fan out (two links
// to one folder, in each of n folders, make 2^n paths), and a template folder is never that big.
export const MAX_FOLDERS = 10_000;

/**
 * The template files of a folder, as sorted relative paths with `/` separators, and its folders.
 * `kublade`: the files Kublade's import takes (every file but .gitignore/.gitkeep, every folder
 * but .kublade/.git; a symbolic link fails the import).
 */
export function findTemplateFiles(root, { exclude = [], kublade = false } = {}) {
  const excluded = new Set(exclude.map((p) => resolve(p)));
  const found = [];
  const folders = [];
  // A cloned template repository is someone else's: its links may point inside it (followed), never
  // out of it or back up into a folder being walked.
  const realRoot = realpathSync(root);
  const walking = new Set();
  let entered = 0;
  const visit = (dir) => {
    const real = realpathSync(dir);
    if (walking.has(real)) {
      throw new CliError(`${displayPath(dir)} is a symbolic link that loops back to ${displayPath(real)}`, {
        hint: 'a template folder cannot hold itself; remove the link',
      });
    }
    walking.add(real);
    if (++entered > MAX_FOLDERS) {
      throw new CliError(`${displayPath(root)} holds more than ${MAX_FOLDERS} folders (counting each path through a link)`, {
        hint: 'links to one folder from many places multiply the paths; a template folder needs none of them',
      });
    }
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (e) {
      throw new CliError(`cannot read the folder ${relative(process.cwd(), dir) || '.'}: ${e.code === 'EACCES' ? 'permission denied' : e.message}`);
    }
    for (const raw of entries) {
      // Names as bytes: one that is not UTF-8 would be read back under another name, which no file has.
      const name = raw.name.toString('utf8');
      const entry = { name, isDirectory: () => raw.isDirectory(), isFile: () => raw.isFile(), isSymbolicLink: () => raw.isSymbolicLink() };
      const taken = () => {
        if (Buffer.from(name, 'utf8').equals(raw.name)) return;
        throw new CliError(`${displayPath(join(dir, name))}: the name is not valid UTF-8`, {
          hint: 'rename it: portclaims reads the names in a template folder as UTF-8',
        });
      };
      const path = join(dir, entry.name);
      const shown = relative(root, path).split(sep).join('/');
      if (kublade) {
        if (entry.isSymbolicLink()) {
          throw new CliError(`${displayPath(path)} is a symbolic link: Kublade's template import refuses links`, {
            hint: 'replace the link with the file or folder it points to',
          });
        }
        if (excluded.has(path)) continue;
        if (entry.isDirectory()) {
          if (!isKubladeTemplateFolder(entry.name)) continue;
          taken();
          folders.push(shown);
          visit(path);
        } else if (entry.isFile() && isKubladeTemplateFile(entry.name)) {
          taken();
          found.push(shown);
        }
        continue;
      }
      if (entry.name.startsWith('.') || SKIPPED_NAMES.has(entry.name)) continue;
      if (excluded.has(path)) continue;
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        let target;
        try {
          target = realpathSync(path);
        } catch {
          continue; // a dangling link
        }
        if (target !== realRoot && !target.startsWith(realRoot + sep)) {
          throw new CliError(`${displayPath(path)} is a symbolic link to ${target}, outside the template folder`, {
            hint: 'a template folder may only link to its own files; copy the file in instead',
          });
        }
        const stat = statSync(target);
        isDirectory = stat.isDirectory();
        isFile = stat.isFile();
      }
      if (isDirectory || isFile) taken();
      if (isDirectory) visit(path);
      else if (isFile) found.push(shown);
    }
    walking.delete(real);
  };
  visit(root);
  const sorted = (list) => list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return kublade ? { files: sorted(found), folders: sorted(folders) } : sorted(found);
}

function isFolder(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The nearest `.kublade` folder at or above `dir` (a template inside a Kublade folder). */
function kubladeFolderAbove(dir) {
  let current = resolve(dir);
  for (let i = 0; i < 32; i++) {
    if (isFolder(join(current, '.kublade'))) return join(current, '.kublade');
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
  return undefined;
}

function displayPath(path) {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** Reads a ports file: `{ claims, file, text }`. */
export function readClaims(path) {
  const text = readText(path, 'ports file', {
    hint: 'the ports file lists the claims: [{ "group": "tcp", "claim": "web", "preferred_port": 8080, "random": true }]',
  });
  const claims = parseJsonFile(text, path, 'ports file');
  if (!Array.isArray(claims)) {
    throw new CliError(`${path}: the ports file must be an array of claims like { "group": "tcp", "claim": "web" }, got ${claims === null ? 'null' : typeof claims === 'object' ? 'an object' : JSON.stringify(claims)}`);
  }
  return { claims, file: path, text };
}

/** `--groups FILE`, or `--groups kublade`: the preset the core knows (a file named so: ./kublade). */
export function readGroups(path) {
  if (path === undefined) return undefined;
  if (path === 'kublade') return 'kublade';
  const groups = parseJsonOrYaml(readText(path, 'groups file'), path, 'groups file');
  // The API reads null as "no groups given"; a file that says nothing is a mistake. Anything
  // else the core judges, naming the file (see explainApiError).
  if (groups === null || groups === undefined) {
    throw new CliError(`${path === '-' ? '<stdin>' : path}: the groups file must be an object of groups by name, like { "tcp": { "ranges": ["30000-30100"] } }, got ${groups === null ? 'null' : 'nothing'}`);
  }
  return groups;
}

/**
 * Everything a render or check needs:
 *   { kind: 'file'|'folder', root, files: [{ path, name, absolute, template }], dirs, claims,
 *     claimsFile, claimsText, fieldsFile, fieldsText, groups, values }
 */
// `path` is relative to the folder (as in `# Source:` and under --out); `name` is how messages
// show the file: relative to the current folder.
export function loadTemplateInput(target, options) {
  const absolute = resolve(target);
  let stat;
  try {
    stat = statSync(absolute);
  } catch {
    throw new CliError(`cannot read ${target}: no such file or folder`, {
      hint: 'give a template file, or a Kublade template folder (one with .kublade/ports.json)',
    });
  }
  const kind = stat.isDirectory() ? 'folder' : 'file';
  const kublade = kind === 'folder' ? join(absolute, '.kublade') : kubladeFolderAbove(dirname(absolute));

  // Claims: --ports, else .kublade/ports.json, else none.
  let claims = [];
  let claimsFile;
  let claimsText;
  const portsPath = options.ports ?? (kublade && existsSync(join(kublade, 'ports.json')) ? join(kublade, 'ports.json') : undefined);
  if (portsPath !== undefined) {
    if (options.ports === undefined) mustStayInside(dirname(kublade), portsPath);
    const shown = options.ports ?? displayPath(portsPath);
    const read = readClaims(shown === options.ports ? options.ports : portsPath);
    claims = read.claims;
    claimsFile = shown;
    claimsText = read.text;
  }

  // Fields: .kublade/fields.json when there is one (the core reads its text).
  let fieldsFile;
  let fieldsText;
  if (kublade && existsSync(join(kublade, 'fields.json')) && !isFolder(join(kublade, 'fields.json'))) {
    mustStayInside(dirname(kublade), join(kublade, 'fields.json'));
    fieldsFile = displayPath(join(kublade, 'fields.json'));
    fieldsText = readText(join(kublade, 'fields.json'), 'fields file');
  }

  const groups = readGroups(options.groups);
  const values = applySets(options.values !== undefined ? readValuesFile(options.values) : {}, options.set);

  let files;
  let root;
  let dirs = [];
  if (kind === 'folder') {
    root = absolute;
    const exclude = [options.out, options.lock ?? DEFAULT_LOCK_FILE, options.values, options.groups, options.ports]
      .filter((p) => p !== undefined && p !== '-')
      .map((p) => resolve(p));
    exclude.push(`${resolve(options.lock ?? DEFAULT_LOCK_FILE)}.lock`);
    const found = findTemplateFiles(absolute, { exclude, kublade: Boolean(options.kublade) });
    const paths = options.kublade ? found.files : found;
    dirs = options.kublade ? found.folders : [];
    if (paths.length === 0) {
      throw new CliError(`${target} holds no templates`, {
        hint: 'every file of the folder except .kublade/, dotfiles and node_modules is a template',
      });
    }
    files = paths.map((path) => {
      const file = join(absolute, ...path.split('/'));
      const name = displayPath(file).split(sep).join('/');
      return { path, name, absolute: file, template: readTemplate(file, name, { kublade: options.kublade }) };
    });
  } else {
    root = dirname(absolute);
    files = [{ path: target, name: target, absolute, template: readTemplate(absolute, target) }];
  }
  const valuesFile = options.values === '-' ? '<stdin>' : options.values;
  return { kind, root, files, dirs, claims, claimsFile, claimsText, fieldsFile, fieldsText, groups, groupsFile: options.groups, values, valuesFile };
}

/** Refuses a file of the folder `root` that is a symbolic link to a place outside it. */
function mustStayInside(root, path) {
  let real;
  let realRoot;
  try {
    real = realpathSync(path);
    realRoot = realpathSync(root);
  } catch {
    return; // missing: reading it says so
  }
  if (real !== realRoot && !real.startsWith(realRoot + sep)) {
    throw new CliError(`${displayPath(path)} is a symbolic link to ${real}, outside the template folder`, {
      hint: 'a template folder may only link to its own files; copy the file in instead',
    });
  }
}

function readTemplate(path, shown, { kublade = false } = {}) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new CliError(`cannot read the template ${shown}: ${e.code === 'EACCES' ? 'permission denied' : e.message}`);
  }
  const text = bytes.toString('utf8');
  if (bytes.includes(0)) throw new CliError(`${shown} is not a text file (it holds NUL bytes); a template folder holds only templates`);
  if (kublade) {
    // Kublade stores the bytes as they are (a byte-order mark included) in a utf8mb4 column.
    if (!Buffer.from(text, 'utf8').equals(bytes)) throw new CliError(`${shown} is not valid UTF-8: Kublade's template import refuses it`);
    return text;
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export { basename };
