// `render --out DIR`: the rendered files written so that a failure changes nothing stored. The
// files are staged (written to temporary files beside their targets) before the claims are
// committed, and renamed into place only after: whatever cannot be written fails the render
// before anything is reserved. No output may land on one of the render's own inputs.
import { chmodSync, lstatSync, mkdirSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

import { isStoreUrl } from '../stores/location.js';
import { CliError } from './messages.js';

/** What a failed file operation means to a person, from its code (never Node's errno text). */
function reason(error) {
  switch (error?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'EIO':
      return 'input/output error';
    default:
      return error?.code ? `cannot be written (${error.code})` : String(error?.message ?? error).split('\n')[0];
  }
}

const shown = (path) => {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
};

/** The identity of the file at `path` (device and inode), or undefined if there is none. */
function identity(path) {
  try {
    const stat = statSync(path);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * The render's inputs by identity: templates, ports, fields, values, groups and the lock file,
 * which no output may overwrite (hard links and symbolic links included).
 */
export function inputFiles(input, options, storeLocation) {
  const inputs = new Map();
  const add = (path) => {
    if (path === undefined || path === '-') return;
    // By identity, and by path too: the lock file a first render creates is not there yet.
    for (const id of [identity(resolve(path)), `path:${resolve(path)}`]) {
      if (id !== undefined && !inputs.has(id)) inputs.set(id, path);
    }
  };
  for (const file of input.files) add(file.absolute);
  add(input.claimsFile);
  add(input.fieldsFile);
  add(options.values);
  if (options.groups !== 'kublade') add(options.groups);
  if (storeLocation !== undefined && !isStoreUrl(storeLocation)) add(storeLocation);
  return inputs;
}

/**
 * Refuses, before anything is read from the store, an --out that would overwrite the templates:
 * the template folder itself, or a folder where a template's output lands on the template.
 */
export function checkOut(out, input, inputs) {
  const folder = resolve(out);
  for (let at = folder; dirname(at) !== at; at = dirname(at)) {
    let stat;
    try {
      stat = statSync(at);
    } catch {
      continue;
    }
    if (!stat.isDirectory()) throw notAFolder(at, folder);
    break;
  }
  if (input.kind === 'folder' && identity(folder) !== undefined && identity(folder) === identity(input.root)) {
    throw new CliError(`--out ${out} is the template folder: the rendered files would overwrite its templates`, {
      hint: 'write them to another folder, e.g. --out rendered/',
    });
  }
  for (const file of input.files) {
    const target = join(folder, ...(input.kind === 'file' ? [basename(file.path)] : file.path.split('/')));
    refuseInput(target, inputs);
  }
}

function refuseInput(target, inputs) {
  const overwritten = inputs.get(identity(target)) ?? inputs.get(`path:${resolve(target)}`);
  if (overwritten !== undefined) {
    throw new CliError(`cannot write ${shown(target)}: it is ${shown(resolve(overwritten))}, an input of this render`, {
      hint: 'write the rendered files to another folder (--out)',
    });
  }
}

/**
 * Writes `files` ({ path, output }) and creates `dirs` under `out` as temporary files; returns
 * `{ publish(), discard() }`: publish renames them into place, discard removes what was staged.
 */
export function stageOutput(out, { files, dirs = [] }, inputs) {
  const root = resolve(out);
  const temporaries = [];
  const created = [];
  const discard = () => {
    for (const { temporary } of temporaries.splice(0)) {
      try {
        unlinkSync(temporary);
      } catch {
        // already gone
      }
    }
    for (const folder of created.splice(0).reverse()) {
      try {
        rmdirSync(folder);
      } catch {
        // not empty, or gone: left as it is
      }
    }
  };
  try {
    folderAt(root, root, created);
    for (const dir of dirs) folderAt(join(root, ...dir.split('/')), root, created);
    for (const file of files) {
      const target = join(root, ...file.path.split('/'));
      folderAt(dirname(target), root, created);
      refuseInput(target, inputs);
      let existing;
      try {
        existing = lstatSync(target);
      } catch {
        existing = undefined;
      }
      if (existing?.isDirectory()) throw new CliError(`cannot write ${shown(target)}: it is a folder, not a file`);
      const temporary = join(dirname(target), `.${basename(target)}.portclaims-${process.pid}-${temporaries.length}.tmp`);
      try {
        writeFileSync(temporary, file.output, { flag: 'wx' });
        // The file it replaces keeps its permissions (a rendered Secret kept private stays so).
        if (existing?.isFile()) chmodSync(temporary, existing.mode & 0o7777);
      } catch (error) {
        throw new CliError(`cannot write ${shown(target)}: ${reason(error)}`);
      }
      temporaries.push({ temporary, target });
    }
  } catch (error) {
    discard();
    throw error;
  }
  return {
    publish() {
      for (const { temporary, target } of temporaries.splice(0)) {
        try {
          renameSync(temporary, target);
        } catch (error) {
          discard();
          throw new CliError(`cannot write ${shown(target)}: ${reason(error)}`);
        }
      }
      created.length = 0;
    },
    discard,
  };
}

/** Makes the folder `path` (under `root`), naming the part of it that is a file if it cannot. */
function folderAt(path, root, created) {
  try {
    const first = mkdirSync(path, { recursive: true });
    if (first !== undefined) {
      // Every folder from the first one made down to `path`, to remove them again on failure.
      const made = [];
      for (let at = path; ; at = dirname(at)) {
        made.unshift(at);
        if (at === first || dirname(at) === at) break;
      }
      created.push(...made);
    }
  } catch (error) {
    if (error.code === 'EEXIST' || error.code === 'ENOTDIR') {
      for (let at = path; dirname(at) !== at; at = dirname(at)) {
        let stat;
        try {
          stat = statSync(at);
        } catch {
          continue;
        }
        if (!stat.isDirectory()) throw notAFolder(at, root);
      }
    }
    throw new CliError(`cannot make the folder ${shown(path)}: ${reason(error)}`);
  }
}

function notAFolder(path, root) {
  if (path === root) return new CliError(`--out ${shown(path)}: it is a file, not a folder`, { hint: '--out names the folder the rendered files go to' });
  return new CliError(`cannot write under ${shown(path)}: it is a file, not a folder`);
}
