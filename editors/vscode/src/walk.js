// A template folder's templates, for hosts without Node's file system (VS Code for the Web): the
// files `findTemplateFiles` of the CLI lists — every file but dotfiles (.kublade/ among them) and
// node_modules, at any depth, symbolic links followed — read through a `readDirectory(path)`
// that answers `[[name, kind, link]]`: kind 'file', 'folder' or 'other' (what a link leads to, as
// VS Code's file system reports it), `link` true for a symbolic link. A test holds the two
// listings equal on the same folder.
//
// Where the two differ: the CLI resolves each link and refuses one that leaves the folder or loops
// back into a folder being walked. VS Code's file system API tells that an entry is a link, not
// where it leads, so this walk cannot see either. It follows links, and takes a walk that goes
// more than MAX_DEPTH_UNDER_LINK folders deep below a link for a loop (and refuses the folder, as
// the CLI does), and refuses a folder of more than MAX_FOLDERS folders, links or not: the walk
// always ends. A link that leaves the folder is followed, where the CLI refuses it.
const SKIPPED_NAMES = new Set(['node_modules']);
const MAX_FILES = 10_000;
export const MAX_DEPTH_UNDER_LINK = 32;
export const MAX_FOLDERS = 10_000;

/** The walk's refusal of a folder: one line, and what to do about it. */
const refusal = (message, hint) => Object.assign(new Error(message), { hint });

/** Sorted paths relative to `root` with `/` separators; `exclude` holds paths under root to leave out. */
export async function walkTemplateFiles(root, readDirectory, { exclude = [] } = {}) {
  const excluded = new Set(exclude);
  const found = [];
  let folders = 0;
  // `link`: the outermost symbolic link on the way to `relative`, and how deep below it we are.
  const visit = async (relative, link) => {
    if (++folders > MAX_FOLDERS) {
      throw refusal(
        `the template folder holds more than ${MAX_FOLDERS} folders (${relative} is one too many)`,
        link ? `the symbolic link ${link.path} may lead back into the folder; remove it` : 'open a smaller folder',
      );
    }
    if (link && link.depth > MAX_DEPTH_UNDER_LINK) {
      throw refusal(
        `${link.path} is a symbolic link that seems to loop back: its folders nest more than ${MAX_DEPTH_UNDER_LINK} deep (VS Code for the Web cannot see where a link leads)`,
        'a template folder cannot hold itself; remove the link',
      );
    }
    const entries = await readDirectory(relative === '' ? root : `${root}/${relative}`);
    for (const [name, kind, isLink] of entries) {
      if (name.startsWith('.') || SKIPPED_NAMES.has(name)) continue;
      const path = relative === '' ? name : `${relative}/${name}`;
      if (excluded.has(path)) continue;
      if (kind === 'folder') {
        await visit(path, link ? { path: link.path, depth: link.depth + 1 } : isLink ? { path, depth: 1 } : undefined);
      } else if (kind === 'file' && found.length < MAX_FILES) {
        found.push(path);
      }
    }
  };
  await visit('', undefined);
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
