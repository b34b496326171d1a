// VS Code for the Web lists a folder's templates itself (it has no Node file system): the list must
// be the CLI's findTemplateFiles', on the same folder.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { walkTemplateFiles } from '../../src/walk.js';
import { repository, temporaryFolder } from './helpers.mjs';

const { findTemplateFiles } = await import(join(repository, 'js', 'cli', 'template-folder.js'));

/** `readDirectory` as the web host answers it, from Node's file system (links followed, as VS Code's stat does). */
const readDirectory = async (path) =>
  readdirSync(path).map((name) => {
    let stat;
    try {
      stat = statSync(join(path, name));
    } catch {
      return [name, 'other']; // a dangling link
    }
    return [name, stat.isDirectory() ? 'folder' : stat.isFile() ? 'file' : 'other'];
  });

test('the web listing is the CLI\'s: dotfiles, .kublade/ and node_modules left out, links followed', async () => {
  const root = temporaryFolder('portclaims-walk-');
  const files = ['a.yaml', 'README.md', 'z/deep/b.yml', 'z/c', '.hidden.yaml', '.kublade/ports.json', 'node_modules/x/y.yaml', 'z/node_modules/q.yaml', 'z/.git/config', 'portclaims.lock.json', 'B.yaml'];
  for (const file of files) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), 'x: 1\n');
  }
  symlinkSync(join(root, 'a.yaml'), join(root, 'link.yaml'));
  symlinkSync(join(root, 'z', 'deep'), join(root, 'linked-folder'));
  symlinkSync(join(root, 'missing.yaml'), join(root, 'dangling.yaml'));
  const cli = findTemplateFiles(root, { exclude: [join(root, 'portclaims.lock.json')] });
  const web = await walkTemplateFiles(root, readDirectory, { exclude: ['portclaims.lock.json'] });
  assert.deepEqual(web, cli);
  assert.deepEqual(web, ['B.yaml', 'README.md', 'a.yaml', 'link.yaml', 'linked-folder/b.yml', 'z/c', 'z/deep/b.yml']);
});
