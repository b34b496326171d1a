// End to end in real VS Code (code-server in Debian's Chromium): the packaged extension on a
// Kublade template folder, used as a person uses it — the palette, the keyboard, the Problems
// panel, hovers, the status bar. Screenshots of each step go to test-results/vscode-*.png.
//   PORTCLAIMS_VSIX: the .vsix to test (default: packaged afresh by scripts/test.mjs)
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Workbench, codeServerDir, ensureCodeServer, launchBrowser, screenshotPath, startCodeServer } from './code-server.mjs';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const DYNAMIC = [49152, 65535];
const PREVIEW = 'service.yaml — scope default';

let server;
let browser;
let page;
let workbench;
let workspace;
let lockFile;
let lockBefore;
let previewedWebPort;

const shot = (name) => page.screenshot({ path: screenshotPath(`vscode-${name}.png`) });
const portOf = (text, name) => Number(new RegExp(`- name: ${name}\\n\\s+port: (\\d+)`).exec(text)?.[1]);

describe('the VS Code extension, in code-server', { timeout: 600_000 }, () => {
  before(async () => {
    const vsix = process.env.PORTCLAIMS_VSIX;
    assert.ok(vsix && existsSync(vsix), 'PORTCLAIMS_VSIX names the packaged extension (scripts/test.mjs packages it)');
    workspace = mkdtempSync(join(tmpdir(), 'portclaims-workspace-'));
    cpSync(join(fixtures, 'shop'), join(workspace, 'shop'), { recursive: true });
    lockFile = join(workspace, 'portclaims.lock.json');
    cpSync(join(fixtures, 'portclaims.lock.json'), lockFile);
    lockBefore = readFileSync(lockFile);
    mkdirSync(join(workspace, 'rendered'));
    [server, browser] = await Promise.all([startCodeServer({ dir: ensureCodeServer(codeServerDir()), vsix }), launchBrowser()]);
    page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    page.setDefaultTimeout(30_000);
    workbench = new Workbench(page);
    await workbench.open(server.url(workspace));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  test('the preview shows the rendered manifest with its ports, reserved and new', async () => {
    await workbench.openFile('shop/service.yaml');
    await workbench.command('portclaims: Open Preview to the Side');
    const text = await workbench.waitForText(PREVIEW, (t) => /port: \d+\n[\s\S]*port: 443/.test(t), 'showed both ports');
    assert.match(text, /^# portclaims preview: service\.yaml, scope default \(a dry run: nothing is reserved\)/);
    assert.match(text, /\nkind: Service\n/);
    assert.match(text, /namespace: default\n/, 'the namespace a render without --namespace gets: the scope');
    previewedWebPort = portOf(text, 'web');
    assert.ok(previewedWebPort >= DYNAMIC[0] && previewedWebPort <= DYNAMIC[1], `web's port ${previewedWebPort} is in the tcp group`);
    assert.match(text, new RegExp(`# web: ${previewedWebPort} \\(new: not reserved yet`));
    assert.match(text, /# admin: 443 \(reserved for scope default\)/);
    // Blade is highlighted in the template, whose language the extension set.
    await workbench.focus('service.yaml');
    await page.locator('.statusbar-item', { hasText: 'YAML (Blade template)' }).waitFor();
    await shot('1-preview');
  });

  test('typing in the template updates the preview, with the same port', async () => {
    await workbench.focus('service.yaml');
    await workbench.goTo(4, 13); // the end of "  name: shop"
    await page.evaluate(() => {
      window.__lastKey = 0;
      document.addEventListener('keydown', () => (window.__lastKey = performance.now()), true);
    });
    /** Resolves when the editor `label` shows a line ending in `ending`: when, as the page saw it. */
    const shows = (label, ending) =>
      workbench
        .editorOf(label)
        .locator('.view-lines')
        .evaluate(
          (lines, ending) =>
            new Promise((resolve) => {
              const has = () => [...lines.querySelectorAll('.view-line')].some((l) => l.textContent.replace(/\u00a0/g, ' ').endsWith(ending));
              if (has()) return resolve(performance.now());
              const observer = new MutationObserver(() => {
                if (!has()) return;
                observer.disconnect();
                resolve(performance.now());
              });
              observer.observe(lines, { childList: true, subtree: true, characterData: true });
            }),
          ending,
        );
    // Time from a key to its showing in the preview, beside the time the template's own editor
    // takes: the machine's pace, for comparison. Each key waits for the last to show.
    const samples = [];
    for (const [keys, ending] of [['-', 'name: shop-'], ['v', 'name: shop-v'], ['2', 'name: shop-v2'], ['x', 'name: shop-v2x'], ['Backspace', 'name: shop-v2']]) {
      const [inPreview, inTemplate] = [shows(PREVIEW, ending), shows('service.yaml', ending)];
      await page.keyboard.press(keys);
      const key = await page.evaluate(() => window.__lastKey);
      samples.push({ preview: (await inPreview) - key, template: (await inTemplate) - key });
    }
    const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const preview = samples.map((s) => s.preview);
    process.stdout.write(
      `# e2e: a key shows in the template in ${median(samples.map((s) => s.template)).toFixed(0)} ms, in the preview in ` +
        `${median([...preview]).toFixed(0)} ms (median of ${samples.length}; slowest ${Math.max(...preview).toFixed(0)} ms)\n`,
    );
    const text = await workbench.waitForText(PREVIEW, (t) => t.includes('name: shop-v2\n'), 'showed the edit');
    assert.equal(portOf(text, 'web'), previewedWebPort, 'the new port is stable while typing');
    await shot('2-typing');
  });

  test('an error shows in Problems and at the top of the preview, and goes when fixed', async () => {
    await workbench.focus('service.yaml');
    await workbench.goTo(4, 16); // after "name: shop-v2"
    await page.keyboard.insertText(' {{ $nope }}'); // one edit, as a paste
    const problems = await workbench.waitForProblems((t) => t.includes('Undefined variable $nope'), 'showed the error');
    assert.match(problems, /service\.yaml/);
    const text = await workbench.waitForText(PREVIEW, (t) => t.includes('# error:'), 'showed the error');
    assert.match(text, /# error: service\.yaml:4:\d+: Undefined variable \$nope/);
    assert.match(text, /name: shop-v2\n/, 'the last good output stays');
    await shot('3-error');
    await workbench.focus('service.yaml');
    await workbench.goTo(4, 28);
    for (let i = 0; i < ' {{ $nope }}'.length; i++) await page.keyboard.press('Backspace');
    await workbench.waitForProblems((t) => !t.includes('$nope'), 'cleared the error');
    await workbench.waitForText(PREVIEW, (t) => !t.includes('# error:') && t.includes('name: shop-v2'), 'recovered');
    await shot('4-fixed');
  });

  test('a hover on a claim tells its group, range and port', async () => {
    await workbench.focus('service.yaml');
    await workbench.goTo(11, 18); // inside $portClaims['admin']
    await workbench.command('Show or Focus Hover');
    const hover = page.locator('.monaco-hover:not(.hidden)').first();
    await hover.waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.querySelector('.monaco-hover:not(.hidden)')?.textContent.includes('reserved for scope default'));
    assert.match(await hover.innerText(), /claim admin · group http \(tcp 80-443\)[\s\S]*reserved for scope default: 443/);
    await shot('5-hover');
    await page.keyboard.press('Escape');
    await workbench.goTo(9, 18); // inside $portClaims['web']
    await workbench.command('Show or Focus Hover');
    await page.waitForFunction(() => document.querySelector('.monaco-hover:not(.hidden)')?.textContent.includes('not reserved yet'));
    assert.match(await hover.innerText(), new RegExp(`not reserved yet: a render draws from tcp 49152-65535 \\(this preview shows ${previewedWebPort}\\)`));
    await page.keyboard.press('Escape');
  });

  test('ports.json shows each claim\'s port in a lens, and its mistakes in Problems', async () => {
    await workbench.openFile('shop/.kublade/ports.json');
    const lenses = workbench.editorOf('ports.json').locator('.contentWidgets .codelens-decoration');
    await page.waitForFunction(() => document.querySelectorAll('.codelens-decoration').length >= 2);
    const text = (await lenses.allInnerTexts()).join('\n');
    assert.match(text, new RegExp(`port ${previewedWebPort} in scope default: new`));
    assert.match(text, /port 443: reserved for scope default/);
    await workbench.goTo(1, 2);
    await page.keyboard.type('!');
    const problems = await workbench.waitForProblems((t) => t.includes('not valid JSON'), 'showed the JSON error');
    assert.match(problems, /ports\.json/);
    await shot('6-ports-json');
    await page.keyboard.press('Backspace');
    await workbench.waitForProblems((t) => !t.includes('not valid JSON'), 'cleared the JSON error');
  });

  test('previews, checks and hovers never wrote the lock file', () => {
    assert.deepEqual(readFileSync(lockFile), lockBefore);
  });

  test('Render Folder… writes the files and reserves the previewed port in the lock file', async () => {
    await workbench.focus('service.yaml');
    await workbench.command('portclaims: Render Folder…');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'portclaims: render shop into' }).waitFor();
    await workbench.pickFolder(join(workspace, 'rendered'), { listed: ['shop', 'rendered'], button: 'Render Here' });
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'portclaims:' }).first();
    await toast.waitFor();
    await shot('7-render-folder');
    assert.match(await toast.innerText(), /rendered 2 files of shop into rendered for scope default; reserved web \d+ in portclaims\.lock\.json/);
    const service = readFileSync(join(workspace, 'rendered', 'service.yaml'), 'utf8');
    assert.match(service, /name: shop-v2\n/, 'the unsaved edit was saved and rendered');
    assert.equal(portOf(service, 'web'), previewedWebPort, 'the render drew the port the preview showed');
    assert.match(readFileSync(join(workspace, 'rendered', 'deployment.yaml'), 'utf8'), new RegExp(`containerPort: ${previewedWebPort}\\n`));
    const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
    assert.deepEqual(lock.reservations, [
      { scope: 'default', claim: 'admin', group: 'http', port: 443 },
      { scope: 'default', claim: 'web', group: 'tcp', port: previewedWebPort },
    ]);
    await workbench.waitForText(PREVIEW, (t) => t.includes(`# web: ${previewedWebPort} (reserved for scope default)`), 'followed the lock file');
  });

  test('Re-roll (a lens of ports.json) gives the claim a new port, in the lock file and the preview', async () => {
    await workbench.focus('ports.json');
    const reroll = workbench.editorOf('ports.json').locator('.codelens-decoration a', { hasText: 'Re-roll' }).first();
    await reroll.waitFor();
    await reroll.click();
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'claim web in scope default' }).first();
    await toast.waitFor();
    const [, before, after] = /claim web in scope default: (\d+) → (\d+), kept in portclaims\.lock\.json/.exec(await toast.innerText());
    assert.equal(Number(before), previewedWebPort);
    const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
    assert.deepEqual(lock.reservations.find((r) => r.claim === 'web'), { scope: 'default', claim: 'web', group: 'tcp', port: Number(after) });
    await workbench.waitForText(PREVIEW, (t) => t.includes(`# web: ${after} (reserved for scope default)`), 'showed the new port');
    await page.waitForFunction((port) => [...document.querySelectorAll('.codelens-decoration')].some((l) => l.textContent.includes(`port ${port}: reserved`)), after);
    await shot('8-reroll');
  });

  test('a broken lock file shows in Problems and in the preview, and goes when repaired', async () => {
    const good = readFileSync(lockFile);
    writeFileSync(lockFile, '{ "version": 1, "reservations": [ ');
    await workbench.waitForProblems((t) => /portclaims\.lock\.json/.test(t) && /not valid JSON/.test(t), 'showed the lock file error');
    await workbench.waitForText(PREVIEW, (t) => /# error: portclaims\.lock\.json: ?1:\d+: not valid JSON/.test(t), 'showed the lock file error');
    writeFileSync(lockFile, good);
    await workbench.waitForProblems((t) => !/portclaims\.lock\.json/.test(t), 'cleared the lock file error');
    await workbench.waitForText(PREVIEW, (t) => !t.includes('# error:'), 'recovered');
  });

  test('Release Scope frees the scope\'s ports in the lock file, after asking', async () => {
    await workbench.focus('service.yaml');
    await workbench.command('portclaims: Release Scope');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'default' }).first().click();
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'Release the 2 reservations of scope default' });
    await dialog.waitFor();
    await dialog.locator('.monaco-button', { hasText: 'Release' }).click();
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'released 2 reservations of scope default' }).first().waitFor();
    assert.deepEqual(JSON.parse(readFileSync(lockFile, 'utf8')).reservations, []);
    await workbench.waitForText(PREVIEW, (t) => /# admin: \d+ \(new/.test(t), 'showed admin unreserved');
    await shot('9-release');
  });

  test('Select Scope (the status-bar item) switches the preview to the new scope at once', async () => {
    await page.keyboard.press('Escape');
    await page.locator('.statusbar-item', { hasText: 'default' }).filter({ has: page.locator('.codicon-plug') }).click();
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Another scope' }).click();
    await page.locator('.quick-input-widget .quick-input-message', { hasText: 'The deployment whose ports' }).waitFor();
    await page.keyboard.type('shop');
    await page.keyboard.press('Enter');
    const text = await workbench.waitForText('service.yaml — scope shop', (t) => /# admin: \d+ \(new/.test(t), 'showed scope shop');
    assert.match(text, /namespace: shop\n/);
    const admin = portOf(text, 'admin');
    assert.ok(admin >= 80 && admin <= 443 && admin !== 443, `admin's new port ${admin} is in the http group and not scope default's`);
    await page.locator('.statusbar-item', { hasText: 'shop' }).filter({ has: page.locator('.codicon-plug') }).waitFor();
    await shot('10-scope');
  });

  test('a changed setting (portclaims.groupsFile) applies at once', async () => {
    writeFileSync(join(workspace, 'groups.json'), '{ "tcp": { "ranges": ["30000-30009"] } }\n');
    const settings = join(workspace, '.vscode', 'settings.json');
    const current = JSON.parse(readFileSync(settings, 'utf8'));
    assert.equal(current['portclaims.scope'], 'shop', 'Select Scope wrote the workspace setting');
    writeFileSync(settings, JSON.stringify({ ...current, 'portclaims.groupsFile': 'groups.json' }, null, 2));
    const text = await workbench.waitForText('service.yaml — scope shop', (t) => /- name: web\n\s+port: 3000\d\n/.test(t), 'drew web from the configured tcp group');
    assert.match(text, /# web: 3000\d \(new/);
  });

  test('the web-worker entry loads and renders in the browser', async () => {
    // VS Code for the Web runs extensions in a web worker; this makes the workbench do so here.
    server.userSettings({ 'remote.extensionKind': { 'portclaims.portclaims': ['ui'] } });
    await page.reload();
    await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
    await workbench.openFile('shop/deployment.yaml');
    await workbench.command('portclaims: Open Preview to the Side');
    const text = await workbench.waitForText('deployment.yaml — scope shop', (t) => /containerPort: \d+/.test(t), 'showed a port');
    assert.match(text, /replicas: 2\n/);
    assert.match(text, /image: nginx:1\.27\n/);
    // Only the web host refuses to write: proof that the worker, not Node, rendered it.
    await workbench.focus('deployment.yaml');
    await workbench.command('portclaims: Render Folder…');
    await page.locator('.notifications-toasts', { hasText: 'needs the desktop extension host' }).waitFor();
    await shot('11-web-worker');
  });

  test('in the web worker, a symbolic link that loops back stops the listing with an error, not a hang', async () => {
    const loop = join(workspace, 'shop', 'loop');
    symlinkSync('.', loop);
    try {
      const text = await workbench.waitForText('deployment.yaml — scope shop', (t) => t.includes('# error:'), 'showed the loop');
      assert.match(text, /# error: loop is a symbolic link that seems to loop back: its folders nest more than 32 deep/);
      assert.match(text, /# \(below: the last output that rendered\)\n[\s\S]*containerPort: \d+/);
      await shot('12-web-worker-loop');
    } finally {
      rmSync(loop);
    }
    await workbench.waitForText('deployment.yaml — scope shop', (t) => !t.includes('# error:') && /containerPort: \d+/.test(t), 'recovered');
  });
});
