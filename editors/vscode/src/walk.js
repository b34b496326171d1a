// A template folder's templates, for hosts without Node's file system (VS Code for the Web): the
// files `findTemplateFiles` of the CLI lists — every file but dotfiles (.kublade/ among them) and
// node_modules, at any depth, symbolic links followed — read through a `readDirectory(path)`
// that answers `[[name, kind]]`, kind 'file', 'folder' or 'other'. A test holds the two listings
// equal on the same folder.
const SKIPPED_NAMES = new Set(['node_modules']);
const MAX_FILES = 10_000;

/** Sorted paths relative to `root` with `/` separators; `exclude` holds paths under root to leave out. */
export async function walkTemplateFiles(root, readDirectory, { exclude = [] } = {}) {
  const excluded = new Set(exclude);
  const found = [];
  const visit = async (relative) => {
    const entries = await readDirectory(relative === '' ? root : `${root}/${relative}`);
    for (const [name, kind] of entries) {
      if (name.startsWith('.') || SKIPPED_NAMES.has(name)) continue;
      const path = relative === '' ? name : `${relative}/${name}`;
      if (excluded.has(path)) continue;
      if (kind === 'folder') await visit(path);
      else if (kind === 'file' && found.length < MAX_FILES) found.push(path);
    }
  };
  await visit('');
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
