// Real VS Code for the end-to-end tests: code-server (VS Code 1.100 served to a browser),
// installed once into a cache folder outside the repository by install-code-server.sh (from the
// npm registry and Debian's packages alone), started on a free loopback port with the packaged
// extension, and driven in Debian's Chromium with playwright-core. Every wait is for a state of
// the workbench, never a fixed sleep: the machine may be slow and busy.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const CODE_SERVER_VERSION = '4.100.3';
const here = dirname(fileURLToPath(import.meta.url));
export const resultsDir = join(here, '..', '..', '..', '..', 'test-results');

/** Where code-server is installed: $PORTCLAIMS_CODE_SERVER, else the user's cache folder. */
export function codeServerDir() {
  if (process.env.PORTCLAIMS_CODE_SERVER) return process.env.PORTCLAIMS_CODE_SERVER;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'portclaims', `code-server-${CODE_SERVER_VERSION}`);
}

/** Installs code-server unless the cache holds it already (minutes once, then at once). */
export function ensureCodeServer(dir = codeServerDir()) {
  if (!existsSync(join(dir, 'out', 'node', 'entry.js'))) {
    process.stderr.write(`e2e: installing code-server ${CODE_SERVER_VERSION} into ${dir} (once; a few minutes)\n`);
  }
  execFileSync('bash', [join(here, 'install-code-server.sh'), dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Light Modern',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'git.enabled': false,
  'files.simpleDialog.enable': true,
  'editor.minimap.enabled': false,
  'editor.hover.delay': 200,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server with `vsix` installed in a fresh extensions folder and `settings` on top of
 * the defaults above; resolves to `{ url(folder), userSettings(settings), stop() }`.
 */
export async function startCodeServer({ dir, vsix, settings = {} }) {
  const home = mkdtempSync(join(tmpdir(), 'portclaims-vscode-e2e-'));
  const extensions = join(home, 'extensions');
  const data = join(home, 'data');
  const entry = join(dir, 'out', 'node', 'entry.js');
  const userSettings = (extra) => {
    mkdirSync(join(data, 'User'), { recursive: true });
    writeFileSync(join(data, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...settings, ...extra }, null, 2));
  };
  userSettings({});
  execFileSync(process.execPath, [entry, '--extensions-dir', extensions, '--user-data-dir', data, '--install-extension', vsix], { stdio: 'pipe' });
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override', '--extensions-dir', extensions, '--user-data-dir', data],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: home } },
  );
  let log = '';
  child.stderr.on('data', (chunk) => (log += chunk));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 120 s:\n${log}`)), 120_000);
    child.stdout.on('data', (chunk) => {
      log += chunk;
      if (String(chunk).includes('HTTP server listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code}:\n${log}`));
    });
  });
  return {
    home,
    url: (folder) => `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`,
    userSettings,
    log: () => log,
    /** Stops the server and removes its extensions, data and home folders. */
    stop: async () => {
      if (child.exitCode === null) {
        await new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        });
      }
      rmSync(home, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export function screenshotPath(name) {
  mkdirSync(resultsDir, { recursive: true });
  return join(resultsDir, name);
}

/** Driving the workbench as a person does: the palette, Quick Open, the keyboard. */
export class Workbench {
  constructor(page) {
    this.page = page;
  }

  async open(url) {
    await this.page.goto(url);
    await this.page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
    await this.page.waitForSelector('.statusbar', { timeout: 60_000 });
  }

  /** Runs a command by its palette title; retries while the extension host is still starting. */
  async command(title, { timeout = 60_000 } = {}) {
    const page = this.page;
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: title });
    const deadline = Date.now() + timeout;
    for (;;) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
      await page.keyboard.type(title);
      const shown = await row.first().waitFor({ timeout: 5_000 }).then(() => true, () => false);
      if (shown) {
        // The exact title first: "Open Preview to the Side" is also a prefix of others' titles.
        const exact = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: exactly(title) }) });
        await ((await exact.count()) > 0 ? exact.first() : row.first()).click();
        return;
      }
      if (Date.now() > deadline) throw new Error(`command not in the palette: ${title}`);
    }
  }

  /** Opens a workspace file by its relative path through Quick Open. */
  async openFile(path) {
    const page = this.page;
    const name = path.split('/').pop();
    const folder = path.split('/').slice(0, -1).join('/');
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', {
      has: page.locator('.label-name', { hasText: exactly(name) }),
      hasText: folder,
    });
    for (let tries = 0; ; tries++) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
      await page.locator('.quick-input-widget input').fill(path);
      if (await row.first().waitFor({ timeout: 10_000 }).then(() => true, () => false)) break;
      if (tries === 3) throw new Error(`Quick Open does not find ${path}`);
    }
    await row.first().click();
    await this.tab(name).waitFor();
    await this.editorOf(name).locator('.view-lines').waitFor();
  }

  /** Moves the cursor of the focused editor to a 1-based line and column. */
  async goTo(line, column = 1) {
    const page = this.page;
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
    await page.keyboard.type(`${line}:${column}`);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** The tab labelled `label`. */
  tab(label) {
    return this.page.locator('.tabs-container .tab', { has: this.page.locator('.label-name', { hasText: exactly(label) }) }).first();
  }

  /** The editor group whose active tab is labelled `label`. */
  editorOf(label) {
    return this.page.locator('.editor-group-container', { has: this.page.locator('.tab.active .label-name', { hasText: exactly(label) }) }).first();
  }

  /** Focuses the editor showing `label`. */
  async focus(label) {
    await this.tab(label).click();
    await this.editorOf(label).locator('.view-lines').click({ position: { x: 5, y: 5 } });
  }

  /** The text an editor shows, its lines in order (Monaco positions them; the DOM order may differ). */
  async text(label) {
    return this.editorOf(label)
      .locator('.view-lines')
      .evaluate((lines) =>
        [...lines.querySelectorAll('.view-line')]
          .map((line) => ({ top: parseFloat(line.style.top), text: line.textContent.replace(/\u00a0/g, ' ') }))
          .sort((a, b) => a.top - b.top)
          .map((line) => line.text)
          .join('\n'),
      );
  }

  /** Waits until `predicate(text of the editor)` holds; resolves to the text. */
  async waitForText(label, predicate, what, timeout = 20_000) {
    const deadline = Date.now() + timeout;
    let text = '';
    while (Date.now() < deadline) {
      text = await this.text(label).catch(() => '');
      if (predicate(text)) return text;
      await this.page.waitForTimeout(25);
    }
    throw new Error(`the editor ${label} never ${what}; it shows:\n${text}`);
  }

  /** The Problems panel's text, with the panel shown. */
  async problems() {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible' });
    return panel.innerText();
  }

  async waitForProblems(predicate, what, timeout = 20_000) {
    const deadline = Date.now() + timeout;
    let text = '';
    while (Date.now() < deadline) {
      text = await this.problems().catch(() => '');
      if (predicate(text)) return text;
      await this.page.waitForTimeout(50);
    }
    throw new Error(`the Problems panel never ${what}; it shows:\n${text}`);
  }

  /**
   * Picks `folder` in VS Code's simple file dialog (open on the workspace folder) and presses
   * `button`. Each step waits for the dialog to have settled: it lists the folder it starts in
   * asynchronously, and while that listing runs, a path entered is overwritten by the folder's
   * own when the listing lands, so the path goes in only once the starting folder is listed
   * (its entries include `listed`); then the button is pressed only once the dialog lists
   * `folder` (empty: ".." alone) with the path still in the input. The path is pasted whole:
   * typed key by key, the dialog's completion races the keys.
   */
  async pickFolder(folder, { listed, button }) {
    const page = this.page;
    await page.waitForFunction((names) => {
      const shown = [...document.querySelectorAll('.quick-input-widget .monaco-list-row .label-name')].map((r) => r.textContent);
      return names.every((name) => shown.includes(name));
    }, listed);
    await page.locator('.quick-input-widget input').fill(`${folder}/`);
    await page.waitForFunction((path) => {
      const shown = [...document.querySelectorAll('.quick-input-widget .monaco-list-row .label-name')].map((r) => r.textContent);
      return document.querySelector('.quick-input-widget input')?.value === path && shown.join('|') === '..';
    }, `${folder}/`);
    await page.locator('.quick-input-widget .monaco-button', { hasText: button }).click();
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** The text of the notification toasts. */
  notifications() {
    return this.page.locator('.notifications-toasts').innerText().catch(() => '');
  }
}

function exactly(text) {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}
