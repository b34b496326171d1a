// The playground: editors on the left, the rendered output, the port map and the reservations on
// the right. Every edit re-renders (debounced); reservations live in localStorage; the state lives
// in the URL hash.
import './styles.css';
import { init, LocalStorageStore } from '../../js/browser.js';
import { createEditor } from './editors.js';
import { createOutput } from './output.js';
import { createPortMap } from './portmap.js';
import { createReservationsPanel } from './reservations.js';
import { examples, exampleState, defaultOptions } from './examples.js';
import { decodeState, encodeState } from './share.js';
import { createRenderer } from './render.js';
import { assignScopeColors } from './colors.js';

const $ = (selector) => document.querySelector(selector);
const RENDER_DELAY = 150;
const HASH_DELAY = 400;

const store = new LocalStorageStore('portclaims.playground.reservations', undefined, { onUnreadable: (message) => announce(message) });
let state = exampleState('basic');
let engine = null; // the API once the WebAssembly core is loaded
let engineError = null;
let renderTimer = 0;
let hashTimer = 0;

// ----- status messages --------------------------------------------------------------------------
const toast = $('#toast');
let toastTimer = 0;
/** Tells screen readers only. */
function say(message) {
  $('#announcer').textContent = message;
}
function announce(message) {
  toast.textContent = message;
  toast.classList.add('visible');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => toast.classList.remove('visible'), 3500);
}

// ----- editors ----------------------------------------------------------------------------------
const edited = (apply) => (text) => {
  apply(text);
  scheduleRender();
  scheduleHash();
};
const editors = {
  template: createEditor($('#template-editor'), { language: 'blade', label: 'Template', onChange: edited((t) => (state.files[state.active].template = t)) }),
  claims: createEditor($('#claims-editor'), { language: 'json', label: 'Claims (ports.json)', onChange: edited((t) => (state.claims = t)) }),
  values: createEditor($('#values-editor'), { language: 'yaml', label: 'Values (YAML or JSON)', wrap: true, onChange: edited((t) => (state.values = t)) }),
  groups: createEditor($('#groups-editor'), { language: 'json', label: 'Port groups (JSON)', onChange: edited((t) => (state.groups = t)) }),
};

const output = createOutput({ pre: $('#output'), problemsBox: $('#problems'), status: $('#output-status'), onReveal: reveal });

/** Shows where a problem is: its file, editor and line, or the option's control. */
function reveal(target) {
  if (target.control) {
    $(target.control === 'seed' ? '#opt-seed' : '#scope').focus();
    return;
  }
  if (target.editor === 'template' && target.file !== undefined) selectFile(target.file);
  if (target.editor === 'groups') $('[data-testid="groups"]').open = true;
  editors[target.editor].reveal(target.line, target.column);
}
const portMap = createPortMap($('#portmap'), { onHover: (r) => reservationsPanel.highlight(r) });
const renderer = createRenderer({ store, editors, output, getState: () => state, getEngine: () => engine });
renderer.onInvalid = (fields) => {
  $('#opt-seed').setAttribute('aria-invalid', String(fields.has('seed')));
  $('#scope').setAttribute('aria-invalid', String(fields.has('scope')));
};

// ----- file tabs (a Kublade template folder has several files) ---------------------------------
const tabs = $('#file-tabs');
function drawTabs() {
  const buttons = state.files.map((file, index) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.role = 'tab';
    button.className = 'tab';
    button.textContent = file.name;
    button.setAttribute('aria-selected', String(index === state.active));
    button.tabIndex = index === state.active ? 0 : -1;
    if (renderer.fileHasError(index)) button.classList.add('has-error');
    button.addEventListener('click', () => selectFile(index));
    button.addEventListener('keydown', (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      event.preventDefault();
      const next = (state.active + step + state.files.length) % state.files.length;
      selectFile(next);
      tabs.children[next]?.focus();
    });
    return button;
  });
  tabs.replaceChildren(...buttons);
}
function selectFile(index) {
  if (index === state.active) return;
  state.active = index;
  editors.template.load(state.files[index].template);
  renderer.markTemplate();
  drawTabs();
  scheduleHash();
}

// ----- options, scope, examples -----------------------------------------------------------------
const optionControls = {
  dialect: $('#opt-dialect'),
  escape: $('#opt-escape'),
  whitespace: $('#opt-whitespace'),
  seed: $('#opt-seed'),
};
for (const [name, control] of Object.entries(optionControls)) {
  control.addEventListener(control.tagName === 'SELECT' ? 'change' : 'input', () => {
    state.options[name] = control.value;
    scheduleRender(control.tagName === 'SELECT' ? 0 : RENDER_DELAY);
    scheduleHash();
  });
}
const scopeInput = $('#scope');
scopeInput.addEventListener('input', () => {
  state.scope = scopeInput.value.trim() || engine?.defaultScope;
  scheduleRender();
  scheduleHash();
});

const exampleSelect = $('#example');
for (const example of examples) exampleSelect.append(new Option(example.title, example.id));
exampleSelect.addEventListener('change', () => {
  loadState(exampleState(exampleSelect.value));
  scheduleHash(0);
  say(`Loaded the “${exampleSelect.selectedOptions[0].text}” example`);
});

$('#reset').addEventListener('click', () => {
  loadState(exampleState(exampleSelect.value || 'basic'));
  scheduleHash(0);
  announce(`Reset to the “${exampleSelect.selectedOptions[0]?.text ?? 'Basic'}” example`);
});

function loadState(next) {
  const base = exampleState(next.example ?? 'basic');
  state = {
    example: next.example ?? base.example,
    files: Array.isArray(next.files) && next.files.length ? next.files.map((f) => ({ name: String(f.name ?? 'template.yaml'), template: String(f.template ?? '') })) : base.files,
    active: 0,
    claims: typeof next.claims === 'string' ? next.claims : base.claims,
    values: typeof next.values === 'string' ? next.values : base.values,
    groups: typeof next.groups === 'string' ? next.groups : base.groups,
    options: { ...defaultOptions, ...(next.options ?? {}) },
    scope: typeof next.scope === 'string' && next.scope ? next.scope : base.scope,
  };
  state.active = Math.min(Math.max(Number(next.active) || 0, 0), state.files.length - 1);
  exampleSelect.value = examples.some((e) => e.id === state.example) ? state.example : '';
  editors.template.load(state.files[state.active].template);
  editors.claims.load(state.claims);
  editors.values.load(state.values);
  editors.groups.load(state.groups);
  for (const [name, control] of Object.entries(optionControls)) control.value = state.options[name] ?? '';
  scopeInput.value = state.scope;
  render();
}

// ----- rendering --------------------------------------------------------------------------------
function scheduleRender(delay = RENDER_DELAY) {
  clearTimeout(renderTimer);
  renderTimer = setTimeout(render, delay);
}

function render(extra) {
  clearTimeout(renderTimer);
  if (!engine) {
    if (engineError) {
      output.placeholder('The WebAssembly core could not be loaded.');
      output.setProblems([{ severity: 'error', where: 'portclaims_bg.wasm', message: engineError.message }]);
    } else {
      output.placeholder('Loading the WebAssembly core…');
    }
    return;
  }
  const result = renderer.render(extra);
  drawTabs();
  refreshReservations(result);
}

function refreshReservations(result = renderer.last) {
  const reservations = store.reservations();
  assignScopeColors(reservations.map((r) => r.scope));
  const view = { reservations, scope: state.scope };
  const used = result?.usedGroups ?? [];
  portMap.update({ ...view, groups: renderer.describeGroups(reservations, used), used });
  reservationsPanel.update(view);
}

// ----- reservations: release, re-roll -----------------------------------------------------------
const reservationsPanel = createReservationsPanel($('#reservations'), {
  reroll: (r) => act(() => renderer.reroll(r)),
  release: (r) => act(() => renderer.release(r)),
  releaseAll: () => act(() => renderer.releaseAll()),
  hover: (r) => portMap.highlight(r),
});

function act(action) {
  if (!engine) return;
  try {
    const { extra, message } = action();
    render(extra);
    announce(message());
  } catch (error) {
    announce(`Failed: ${error.message}`);
    refreshReservations();
  }
}

// Another tab of the playground changed the reservations.
window.addEventListener('storage', (event) => {
  if (event.key === 'portclaims.playground.reservations') scheduleRender(0);
});

// ----- share, copy, download --------------------------------------------------------------------
function snapshot() {
  const { example, files, active, claims, values, groups, options, scope } = state;
  return { example, files, active, claims, values, groups, options, scope };
}

async function writeHash() {
  clearTimeout(hashTimer);
  const fragment = await encodeState(snapshot());
  if (location.hash !== `#${fragment}`) history.replaceState(null, '', `#${fragment}`);
  return location.href;
}
function scheduleHash(delay = HASH_DELAY) {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(writeHash, delay);
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

const shareBox = $('#share-box');
const shareLink = $('#share-link');
$('#share').addEventListener('click', async () => {
  const url = await writeHash();
  shareLink.value = url;
  shareBox.hidden = false;
  const copied = await copyText(url);
  $('#share-note').textContent = copied ? 'Link copied to the clipboard.' : 'Copy this link:';
  shareLink.focus();
  shareLink.select();
});
shareBox.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') {
    shareBox.hidden = true;
    $('#share').focus();
  }
});
shareBox.parentElement.addEventListener('focusout', (event) => {
  if (!shareBox.parentElement.contains(event.relatedTarget)) shareBox.hidden = true;
});
document.addEventListener('pointerdown', (event) => {
  if (!shareBox.hidden && !event.target.closest('.share')) shareBox.hidden = true;
});
$('#share-close').addEventListener('click', () => {
  shareBox.hidden = true;
  $('#share').focus();
});

$('#copy').addEventListener('click', async () => {
  announce((await copyText(output.text)) ? 'Output copied to the clipboard' : 'Could not reach the clipboard');
});
$('#download').addEventListener('click', () => {
  const name = state.files.length === 1 ? state.files[0].name.split('/').pop() : 'manifests.yaml';
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([output.text], { type: 'application/yaml' }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
});

// ----- start ------------------------------------------------------------------------------------
async function stateFromHash() {
  try {
    return await decodeState(location.hash);
  } catch (error) {
    announce(`This link's state could not be read (${error.message}); showing the Basic example.`);
    return null;
  }
}

window.addEventListener('hashchange', async () => {
  const next = await stateFromHash();
  if (next) loadState(next);
});

async function start() {
  loadState((await stateFromHash()) ?? exampleState('basic'));
  try {
    // build-web.mjs defines __PORTCLAIMS_WASM__: the module next to app.js, with its version.
    // eslint-disable-next-line no-undef
    engine = await init(new URL(typeof __PORTCLAIMS_WASM__ === 'string' ? __PORTCLAIMS_WASM__ : './portclaims_bg.wasm', import.meta.url));
    $('#version').textContent = `v${engine.version}`;
  } catch (error) {
    engineError = error;
  }
  render();
  document.body.dataset.ready = 'true';
}

start();
