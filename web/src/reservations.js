// The reservations panel: every reservation in the store (scope, claim, group, port), each with
// "re-roll" (release and draw again) and "release". Current-scope rows come first.
import { scopeColor } from './colors.js';
import { compareCodePoints } from '../../js/store.js';

function element(name, attributes = {}, text) {
  const el = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** `actions`: `{ reroll(reservation), release(reservation), releaseAll(), hover(reservation | null) }`. */
export function createReservationsPanel(container, actions) {
  const table = element('table', { class: 'reservations' });
  const caption = element('caption', { class: 'visually-hidden' }, 'Port reservations');
  const head = element('thead');
  const headRow = element('tr');
  for (const title of ['Scope', 'Claim', 'Group', 'Port']) headRow.append(element('th', { scope: 'col' }, title));
  const actionsHead = element('th', { scope: 'col' });
  actionsHead.append(element('span', { class: 'visually-hidden' }, 'Actions'));
  headRow.append(actionsHead);
  head.append(headRow);
  const body = element('tbody');
  table.append(caption, head, body);
  const empty = element('p', { class: 'empty' }, 'No reservations yet.');
  const footer = element('div', { class: 'panel-footer' });
  const count = element('span', { class: 'muted' });
  const clear = element('button', { type: 'button', class: 'subtle danger' }, 'Release all');
  clear.addEventListener('click', () => actions.releaseAll());
  footer.append(count, clear);
  container.append(table, empty, footer);

  function update({ reservations, scope }) {
    const sorted = [...reservations].sort(
      (a, b) => (b.scope === scope) - (a.scope === scope) || compareCodePoints(a.scope, b.scope) || compareCodePoints(a.claim, b.claim),
    );
    const rows = sorted.map((r) => {
      const row = element('tr', { 'data-testid': 'reservation', 'data-scope': r.scope, 'data-claim': r.claim, class: r.scope === scope ? 'current' : '' });
      const scopeCell = element('td', { class: 'scope' });
      const swatch = element('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = scopeColor(r.scope);
      scopeCell.append(swatch, document.createTextNode(r.scope));
      const actionsCell = element('td', { class: 'actions' });
      const reroll = element('button', { type: 'button', class: 'subtle', 'data-action': 're-roll', 'aria-label': `Re-roll ${r.claim} in ${r.scope}`, title: 'Release and draw a different port' }, 'Re-roll');
      const release = element('button', { type: 'button', class: 'subtle', 'data-action': 'release', 'aria-label': `Release ${r.claim} in ${r.scope}`, title: 'Free this port' }, 'Release');
      row.addEventListener('mouseenter', () => actions.hover?.(r));
      row.addEventListener('mouseleave', () => actions.hover?.(null));
      reroll.addEventListener('click', () => actions.reroll(r));
      release.addEventListener('click', () => actions.release(r));
      actionsCell.append(reroll, release);
      row.append(
        scopeCell,
        element('td', { class: 'claim' }, r.claim),
        element('td', { class: 'group' }, r.group),
        element('td', { class: 'port', 'data-testid': 'port' }, String(r.port)),
        actionsCell,
      );
      return row;
    });
    // Keep focus on the same button when the row survives a refresh.
    const focused = document.activeElement;
    const refocus = focused && body.contains(focused) ? [focused.closest('tr')?.dataset.scope, focused.closest('tr')?.dataset.claim, focused.dataset.action] : null;
    body.replaceChildren(...rows);
    if (refocus) {
      const row = [...body.rows].find((tr) => tr.dataset.scope === refocus[0] && tr.dataset.claim === refocus[1]);
      row?.querySelector(`[data-action="${refocus[2]}"]`)?.focus();
    }
    table.hidden = rows.length === 0;
    empty.hidden = rows.length !== 0;
    clear.disabled = rows.length === 0;
    const scopes = new Set(reservations.map((r) => r.scope)).size;
    count.textContent = rows.length ? `${rows.length} reservation${rows.length === 1 ? '' : 's'} in ${scopes} scope${scopes === 1 ? '' : 's'} · kept in this browser` : '';
  }

  /** Marks the row of a reservation (the port map's hovered or focused mark), or none. */
  function highlight(r) {
    for (const row of body.rows) row.classList.toggle('linked', !!r && row.dataset.scope === r.scope && row.dataset.claim === r.claim);
  }

  return { update, highlight };
}
