// End-to-end: the playground in Chromium, served by scripts/serve.mjs from a fresh build.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gotoReady, launchBrowser, openPage, screenshotPath, startServer } from './harness.mjs';

const HTTP = [80, 443];
const DYNAMIC = [49152, 65535];

let server;
let browser;
let context;
let page;

const inRange = (port, [lo, hi]) => Number.isInteger(port) && port >= lo && port <= hi;
const outputText = () => page.textContent('[data-testid="output"]');
const ports = (text) => [...text.matchAll(/port: (\d+)/g)].map((m) => Number(m[1]));
const editorText = (p, testid) => p.$eval(`[data-testid="${testid}"] .cm-content`, (el) => el.innerText.replace(/\n$/, ''));
const reservationPort = async (p, scope, claim) =>
  Number(await p.textContent(`[data-testid="reservation"][data-scope="${scope}"][data-claim="${claim}"] [data-testid="port"]`));

/** Replaces an editor's whole document as typed input. */
async function replaceEditor(p, testid, text) {
  await p.click(`[data-testid="${testid}"] .cm-content`);
  await p.keyboard.press('Control+A');
  await p.keyboard.insertText(text);
}

async function waitForOutput(predicate, what) {
  const deadline = Date.now() + 5000;
  let text;
  while (Date.now() < deadline) {
    text = await outputText();
    if (predicate(text)) return text;
    await page.waitForTimeout(50);
  }
  assert.fail(`output never ${what}; last output:\n${text}`);
}

function assertNoConsoleErrors(p = page) {
  assert.deepEqual(p.errors, [], `console errors:\n${p.errors.join('\n')}`);
}

describe('playground', () => {
  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, colorScheme: 'light', acceptDownloads: true });
    context.setDefaultTimeout(10_000);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await openPage(context, server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('serves the page, the bundle and the wasm with the right types', async () => {
    for (const [path, type] of [['', 'text/html'], ['app.js', 'text/javascript'], ['app.css', 'text/css'], ['portclaims_bg.wasm', 'application/wasm']]) {
      const response = await fetch(server.url + path);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-type'), new RegExp(`^${type}`), path);
    }
    assert.equal((await fetch(`${server.url}../../package.json`)).status, 404);
  });

  test('the default example renders with a port in the http range', async () => {
    const text = await waitForOutput((t) => /port: \d+/.test(t), 'showed a port');
    assert.match(text, /name: web-service/);
    const [port] = ports(text);
    assert.ok(inRange(port, HTTP), `port ${port} is not in ${HTTP.join('–')}`);
    assert.equal(await reservationPort(page, 'web-service', 'web'), port);
    assert.equal(await page.locator('#portmap .mark').count(), 1);
    assert.equal(await page.getAttribute('#portmap .mark', 'data-port'), String(port));
    await page.screenshot({ path: screenshotPath('playground.png'), fullPage: true });
    assertNoConsoleErrors();
  });

  test('typing in the template changes the output', async () => {
    const [port] = ports(await outputText());
    await page.click('[data-testid="template"] .cm-content');
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText("# typed: {{ $portClaims['web'] }}\n");
    await waitForOutput((t) => t.includes(`# typed: ${port}`), 'showed the typed line');
    await page.click('#reset');
    await waitForOutput((t) => !t.includes('# typed') && ports(t)[0] === port, 'went back to the example');
    assertNoConsoleErrors();
  });

  test('a template error marks its line and shows the message', async () => {
    const before = await outputText();
    const lines = (await editorText(page, 'template')).split('\n');
    lines[7] = "      port: {{ $portClaims['nope'] }}";
    await replaceEditor(page, 'template', lines.join('\n'));
    const marked = page.locator('[data-testid="template"] .cm-error-line');
    await marked.first().waitFor({ timeout: 5000 });
    assert.equal(await marked.first().getAttribute('data-error-line'), '8');
    assert.match(await marked.first().innerText(), /nope/);
    await page.locator('[data-testid="template"] .cm-lintRange-error').first().waitFor();
    const problem = page.locator('[data-testid="problems"] .problem.error');
    await problem.first().waitFor();
    assert.match(await problem.first().innerText(), /:8\b/);
    // Its location is a button that takes the cursor there.
    await problem.first().locator('button.where').click();
    assert.ok(await page.evaluate(() => document.activeElement.closest('[data-testid="template"]') !== null));
    assert.match(await page.locator('[data-testid="template"] .cm-activeLine').innerText(), /nope/);
    // The last good output stays, dimmed.
    assert.equal(await outputText(), before);
    assert.match(await page.getAttribute('[data-testid="output"]', 'class'), /stale/);
    await page.keyboard.press('Control+Z');
    await page.locator('[data-testid="output"]:not(.stale)').waitFor({ timeout: 5000 });
    assert.equal(await page.locator('[data-testid="template"] .cm-error-line').count(), 0);
    assert.ok(await page.locator('[data-testid="problems"]').isHidden());
    assertNoConsoleErrors();
  });

  test('re-roll and release change the port, and a reload keeps it', async () => {
    const row = '[data-testid="reservation"][data-scope="web-service"][data-claim="web"]';
    const first = await reservationPort(page, 'web-service', 'web');
    await page.click(`${row} button[data-action="re-roll"]`);
    const second = await reservationPort(page, 'web-service', 'web');
    assert.notEqual(second, first);
    assert.ok(inRange(second, HTTP));
    await waitForOutput((t) => ports(t)[0] === second, `showed the re-rolled port ${second}`);

    await page.click(`${row} button[data-action="release"]`);
    const third = await reservationPort(page, 'web-service', 'web');
    assert.notEqual(third, second);
    await waitForOutput((t) => ports(t)[0] === third, `showed the redrawn port ${third}`);

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await waitForOutput((t) => ports(t)[0] === third, `kept port ${third} after a reload`);
    assert.equal(await reservationPort(page, 'web-service', 'web'), third);
    assertNoConsoleErrors();
  });

  // An empty scope is the core's default scope; a claim re-rolled in a scope the page does not
  // show is decided again by the core alone (decideSync), with no template.
  test('an empty scope renders for the default scope; a re-roll in another scope redraws its port', async () => {
    await page.selectOption('#example', 'basic');
    await waitForOutput((t) => /port: \d+/.test(t), 'showed a port');
    const other = await reservationPort(page, 'web-service', 'web');
    await page.fill('#scope', '');
    const shown = await waitForOutput((t) => /port: \d+/.test(t) && ports(t)[0] !== other, 'showed a port of another scope');
    assert.equal(await reservationPort(page, 'default', 'web'), ports(shown)[0]);
    await page.click('[data-testid="reservation"][data-scope="web-service"][data-claim="web"] button[data-action="re-roll"]');
    const redrawn = await reservationPort(page, 'web-service', 'web');
    assert.notEqual(redrawn, other);
    assert.ok(inRange(redrawn, HTTP));
    assert.equal(await reservationPort(page, 'default', 'web'), ports(shown)[0], 'the shown scope kept its port');
    await page.selectOption('#example', 'basic');
    assertNoConsoleErrors();
  });

  test('a shared link restores the state in a new page', async () => {
    await page.selectOption('#example', 'monitoring');
    await waitForOutput((t) => t.includes('name: monitoring'), 'showed the monitoring example');
    await page.selectOption('#opt-whitespace', 'smart');
    await page.fill('#scope', 'shared-scope');
    await replaceEditor(page, 'values', 'namespace: shared\ndata:\n  note: from a link\n');
    await page.click('#share');
    // The link is compressed asynchronously (CompressionStream).
    await page.waitForFunction(() => document.querySelector('[data-testid="share-link"]')?.value);
    const link = await page.inputValue('[data-testid="share-link"]');
    assert.match(link, /#[sj]=/);
    const template = await editorText(page, 'template');

    const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const fresh = await openPage(other, link);
    assert.equal(await editorText(fresh, 'template'), template);
    assert.match(await editorText(fresh, 'values'), /from a link/);
    assert.match(await editorText(fresh, 'claims'), /alertmanager/);
    assert.equal(await fresh.inputValue('#opt-whitespace'), 'smart');
    assert.equal(await fresh.inputValue('#scope'), 'shared-scope');
    const text = await fresh.textContent('[data-testid="output"]');
    assert.match(text, /name: monitoring/);
    const found = ports(text);
    assert.equal(found.length, 3);
    for (const port of found) assert.ok(inRange(port, DYNAMIC), `port ${port} is not in ${DYNAMIC.join('–')}`);
    assert.equal(await fresh.locator('[data-testid="reservation"][data-scope="shared-scope"]').count(), 3);
    assertNoConsoleErrors(fresh);
    await other.close();
    assertNoConsoleErrors();
  });

  test('the port map marks are focusable and name their claim; copy and download give the output', async () => {
    await page.selectOption('#example', 'basic');
    const port = await reservationPort(page, 'web-service', 'web');
    await page.focus(`#portmap .mark[data-claim="web"][data-scope="web-service"]`);
    const tip = page.locator('#portmap .portmap-tip');
    assert.ok(await tip.isVisible());
    assert.match(await tip.textContent(), new RegExp(`web → ${port}`));
    await page.focus('#scope');
    assert.ok(await tip.isHidden());

    await page.click('#copy');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await outputText());
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    assert.equal(download.suggestedFilename(), 'service.yaml');
    const chunks = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk);
    assert.equal(Buffer.concat(chunks).toString('utf8'), await outputText());
    assertNoConsoleErrors();
  });

  test('options: the jinja dialect and no escaping', async () => {
    await replaceEditor(page, 'template', "port: {{ portClaims.web }}\ntitle: {{ data.title }}\n");
    await replaceEditor(page, 'values', 'data:\n  title: Tom & Jerry\n');
    await page.selectOption('#opt-dialect', 'jinja');
    await waitForOutput((t) => /^port: \d+\ntitle: Tom &amp; Jerry/.test(t), 'rendered the jinja template');
    await page.selectOption('#opt-escape', 'none');
    await waitForOutput((t) => /title: Tom & Jerry\n/.test(t), 'rendered without escaping');
    await page.selectOption('#opt-dialect', 'blade');
    await page.selectOption('#opt-escape', 'html');
    assertNoConsoleErrors();
  });

  test('an indented directive is a warning, and smart whitespace fixes the output', async () => {
    await page.selectOption('#example', 'basic');
    await replaceEditor(page, 'template', "spec:\n  ports:\n    @if(true)\n    - port: {{ $portClaims['web'] }}\n    @endif\n");
    await page.locator('[data-testid="problems"] .problem.warning').first().waitFor();
    assert.equal(await page.locator('[data-testid="problems"] .problem.error').count(), 0);
    assert.equal(await page.locator('[data-testid="template"] .cm-lintRange-warning').count(), 2);
    await waitForOutput((t) => /^ {8}- port: \d+$/m.test(t), 'showed the shifted line');
    await page.selectOption('#opt-whitespace', 'smart');
    await waitForOutput((t) => /^spec:\n  ports:\n    - port: \d+\n$/.test(t), 'showed the line in place');
    assert.ok(await page.locator('[data-testid="problems"]').isHidden());
    await page.selectOption('#opt-whitespace', 'blade');
    assertNoConsoleErrors();
  });

  test('a claim declared and unused is a warning; removed from ports.json, it is released', async () => {
    await page.selectOption('#example', 'basic');
    const spare = '[\n  { "group": "http", "claim": "web" },\n  { "group": "tcp", "claim": "spare" }\n]\n';
    await replaceEditor(page, 'claims', spare);
    const row = page.locator('[data-testid="reservation"][data-scope="web-service"][data-claim="spare"]');
    await row.waitFor();
    assert.ok(inRange(Number(await row.locator('[data-testid="port"]').textContent()), DYNAMIC));
    const warning = page.locator('[data-testid="claims"] .cm-lintRange-warning');
    await warning.first().waitFor();
    assert.match(await page.locator('[data-testid="problems"] .problem.warning').first().innerText(), /spare/);
    await page.click('#reset');
    await row.waitFor({ state: 'detached' });
    assert.equal(await warning.count(), 0);
    assertNoConsoleErrors();
  });

  test('the groups editor overrides a range, and the port map follows', async () => {
    await page.selectOption('#example', 'basic');
    await page.click('[data-testid="groups"] summary');
    await replaceEditor(page, 'groups', '{ "http": { "ranges": ["30000-30100"], "exclude": ["30000-30049"] } }');
    await page.fill('#scope', 'custom-range');
    const text = await waitForOutput((t) => inRange(ports(t)[0], [30050, 30100]), 'showed a port in 30050–30100');
    const strip = page.locator('#portmap .strip[data-group="http"]');
    assert.match(await strip.locator('.strip-head').innerText(), /30000–30100/);
    assert.match(await strip.locator('.strip-head').innerText(), /of 51 reserved/);
    assert.equal(await strip.locator(`.mark[data-scope="custom-range"]`).getAttribute('data-port'), String(ports(text)[0]));
    await page.selectOption('#example', 'basic');
    assertNoConsoleErrors();
  });

  // The port map and the engine take the groups from the core: a group the core gives no ports
  // by default (`custom`) has none here either, as `portclaims render` says.
  test('the core decides the default groups: the playground agrees with the CLI on a group with no default ports', async () => {
    await page.selectOption('#example', 'basic');
    await page.fill('#scope', 'core-groups');
    await replaceEditor(page, 'claims', '[{ "group": "custom", "claim": "web" }, { "group": "udp", "claim": "dns" }]');
    const problem = page.locator('[data-testid="problems"] .problem.error');
    await problem.first().waitFor();
    assert.match(await problem.first().innerText(), /custom/);
    // An error in ports.json is listed against it, the message without the name (the core's detail).
    await replaceEditor(page, 'claims', '[{ "group": "udp", "claim": "web", "preferred_port": "abc" }]');
    await page.locator('[data-testid="problems"] .problem.error', { hasText: 'preferred_port' }).first().waitFor();
    const listed = await page.locator('[data-testid="problems"] .problem.error').first().innerText();
    assert.match(listed, /\[0\]\.preferred_port: must be an integer from 1 to 65535, got "abc"/);
    assert.doesNotMatch(listed, /ports\.json: \[0\]/);
    await replaceEditor(page, 'claims', '[{ "group": "udp", "claim": "web" }]');
    const strip = page.locator('#portmap .strip[data-group="udp"]');
    await strip.waitFor();
    assert.match(await strip.locator('.strip-head').innerText(), /udp · 49152–65535/);
    await page.selectOption('#example', 'basic');
    assertNoConsoleErrors();
  });

  test('keyboard: every control is reached with Tab, in reading order, with a visible focus', async () => {
    await page.selectOption('#example', 'basic');
    await page.focus('#example');
    const seen = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(async () => {
        await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        const el = document.activeElement;
        const style = getComputedStyle(el);
        const visible =
          style.outlineStyle !== 'none' || (style.stroke && style.stroke !== 'none') || el.closest('.cm-editor')?.classList.contains('cm-focused');
        return { name: el.id || el.getAttribute('aria-label') || el.dataset.action || el.textContent.trim().slice(0, 20), visible };
      });
      assert.ok(focused.visible, `no visible focus on ${focused.name}`);
      seen.push(focused.name);
    }
    const order = ['reset', 'opt-dialect', 'opt-seed', 'share', 'Template', 'Claims (ports.json)', 'Values (YAML or JSON)', 'copy', 'output', 'scope'];
    let at = -1;
    for (const name of order) {
      const next = seen.indexOf(name, at + 1);
      assert.ok(next > at, `${name} is not reached after ${order[order.indexOf(name) - 1]}: ${seen.join(', ')}`);
      at = next;
    }
    assert.ok(seen.some((n) => /^Re-roll /.test(n)), `no re-roll button reached: ${seen.join(', ')}`);
    assertNoConsoleErrors();
  });

  test('the Kublade folder example renders every file', async () => {
    await page.selectOption('#example', 'kublade-folder');
    const text = await waitForOutput((t) => t.includes('# Source: secret.yaml'), 'showed the folder');
    for (const file of ['deployment.yaml', 'service.yaml', 'ingress.yaml', 'secret.yaml']) assert.ok(text.includes(`---\n# Source: ${file}\n`), file);
    assert.equal(await page.locator('#file-tabs [role="tab"]').count(), 4);
    await page.click('#file-tabs [role="tab"]:has-text("secret.yaml")');
    assert.match(await editorText(page, 'template'), /base64_encode/);
    assertNoConsoleErrors();
  });

  test("the values are Kublade's: limits by default, a refused limit object marked in the values editor", async () => {
    await page.selectOption('#example', 'basic');
    await replaceEditor(page, 'template', "port: {{ $portClaims['web'] }}\ncpu: {{ $limits['cpu'] }}\nenabled: {{ $limits['enabled'] }}\n");
    await replaceEditor(page, 'values', 'namespace: demo\n');
    await waitForOutput((t) => /^port: \d+\ncpu: 0\nenabled: false\n$/.test(t), "rendered Kublade's default limits");
    await replaceEditor(page, 'values', 'namespace: demo\nlimit:\n  enabled: true\n');
    const problem = page.locator('[data-testid="problems"] .problem.error');
    await problem.first().waitFor();
    assert.match(await problem.first().textContent(), /limit\.enabled: the request's limit object has is_active, cpu and memory/);
    await replaceEditor(page, 'values', 'namespace: demo\nlimit:\n  is_active: 1\n  cpu: 0.5\n');
    await waitForOutput((t) => /cpu: 0.5\nenabled: true\n$/.test(t), 'rendered the limits of the request');
    assertNoConsoleErrors();
  });

  test('every example renders without errors, in light and dark', async () => {
    const ids = await page.$$eval('#example option', (options) => options.map((o) => o.value));
    assert.ok(ids.length >= 6);
    for (const id of ids) {
      await page.selectOption('#example', id);
      await page.waitForTimeout(50);
      assert.ok(await page.locator('[data-testid="problems"] .problem.error').count() === 0, `example ${id} has errors: ${await page.textContent('[data-testid="problems"]')}`);
      assert.match(await outputText(), /port: \d+/, id);
    }
    await page.selectOption('#example', 'kublade-folder');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: screenshotPath('playground-dark.png'), fullPage: true });
    assertNoConsoleErrors();
  });
});
