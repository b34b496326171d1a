// VS Code for the Web lists a folder's templates itself (it has no Node file system): the list must
// be the CLI's findTemplateFiles', on the same folder; where the CLI refuses a folder for a link
// that loops, the web listing refuses it too, and always ends.
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { MAX_DEPTH_UNDER_LINK, MAX_FOLDERS, walkTemplateFiles } from '../../src/walk.js';
import { repository, temporaryFolder } from './helpers.mjs';

const { findTemplateFiles } = await import(join(repository, 'js', 'cli', 'template-folder.js'));

/**
 * `readDirectory` as the web host answers it, from Node's file system: a link's kind is what it
 * leads to, as VS Code's readDirectory reports it, and it is flagged a link. Counts its calls.
 */
function webFileSystem() {
  const reader = async (path) => {
    reader.calls++;
    return readdirSync(path).map((name) => {
      const link = lstatSync(join(path, name)).isSymbolicLink();
      let stat;
      try {
        stat = statSync(join(path, name));
      } catch {
        return [name, 'other', link]; // a dangling link
      }
      return [name, stat.isDirectory() ? 'folder' : stat.isFile() ? 'file' : 'other', link];
    });
  };
  reader.calls = 0;
  return reader;
}

function folderWith(files) {
  const root = temporaryFolder('portclaims-walk-');
  for (const file of files) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), 'x: 1\n');
  }
  return root;
}

test('the web listing is the CLI\'s: dotfiles, .kublade/ and node_modules left out, links inside the folder followed', async () => {
  const root = folderWith(['a.yaml', 'README.md', 'z/deep/b.yml', 'z/c', '.hidden.yaml', '.kublade/ports.json', 'node_modules/x/y.yaml', 'z/node_modules/q.yaml', 'z/.git/config', 'portclaims.lock.json', 'B.yaml']);
  symlinkSync(join(root, 'a.yaml'), join(root, 'link.yaml'));
  symlinkSync(join(root, 'z', 'deep'), join(root, 'linked-folder'));
  symlinkSync(join(root, 'missing.yaml'), join(root, 'dangling.yaml'));
  const cli = findTemplateFiles(root, { exclude: [join(root, 'portclaims.lock.json')] });
  const web = await walkTemplateFiles(root, webFileSystem(), { exclude: ['portclaims.lock.json'] });
  assert.deepEqual(web, cli);
  assert.deepEqual(web, ['B.yaml', 'README.md', 'a.yaml', 'link.yaml', 'linked-folder/b.yml', 'z/c', 'z/deep/b.yml']);
});

test('a link that loops back: the CLI and the web listing both refuse the folder, naming the link; the web walk ends', async () => {
  for (const [link, target] of [['self', '.'], ['z/up', '..']]) {
    const root = folderWith(['a.yaml', 'z/b.yaml']);
    symlinkSync(target, join(root, link));
    assert.throws(() => findTemplateFiles(root), (e) => new RegExp(`${link}.* is a symbolic link that loops back`).test(e.message));
    const readDirectory = webFileSystem();
    await assert.rejects(walkTemplateFiles(root, readDirectory), (e) => {
      assert.equal(e.message, `${link} is a symbolic link that seems to loop back: its folders nest more than ${MAX_DEPTH_UNDER_LINK} deep (VS Code for the Web cannot see where a link leads)`);
      assert.match(e.hint, /remove the link/);
      return true;
    });
    assert.ok(readDirectory.calls <= MAX_DEPTH_UNDER_LINK + 4, `${readDirectory.calls} folders read before giving up`);
  }
});

test('links that fan out without looping: the web walk stops at its folder budget', async () => {
  // levels/0 holds two links to levels/1, which holds two to levels/2, …: 2^15 ways down.
  const root = folderWith(['levels/15/t.yaml']);
  for (let level = 0; level < 15; level++) {
    mkdirSync(join(root, 'levels', String(level)), { recursive: true });
    for (const name of ['a', 'b']) symlinkSync(join('..', String(level + 1)), join(root, 'levels', String(level), name));
  }
  const readDirectory = webFileSystem();
  await assert.rejects(walkTemplateFiles(root, readDirectory), (e) => e.message.startsWith(`the template folder holds more than ${MAX_FOLDERS} folders`) && /symbolic link levels\/0\/a/.test(e.hint));
  assert.equal(readDirectory.calls, MAX_FOLDERS, 'no folder read past the budget');
});

test('a link that leaves the folder: the CLI refuses it; the web host, which cannot see where it leads, follows it', async () => {
  const outside = folderWith(['elsewhere.yaml']);
  const root = folderWith(['a.yaml']);
  symlinkSync(outside, join(root, 'out'));
  assert.throws(() => findTemplateFiles(root), /out is a symbolic link to .*, outside the template folder/);
  assert.deepEqual(await walkTemplateFiles(root, webFileSystem()), ['a.yaml', 'out/elsewhere.yaml']);
});
