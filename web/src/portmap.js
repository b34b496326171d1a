// The port map: each group's range as an SVG strip with its reserved ports marked, coloured by
// scope. Marks are focusable; hovering or focusing one shows its claim.
import { scopeColor } from './colors.js';
import { compareCodePoints } from '../../js/store.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 1000;
const HEIGHT = 24;
const GAP = 8; // between the segments of a group with several ranges

function svg(name, attributes = {}) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

function html(name, attributes = {}, text) {
  const element = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

const formatRange = ([a, b]) => (a === b ? `${a}` : `${a}–${b}`);

/** Places ports on the strip: segments proportional to their size. */
function scale(ranges) {
  const total = ranges.reduce((n, [a, b]) => n + b - a + 1, 0) || 1;
  const usable = WIDTH - GAP * Math.max(ranges.length - 1, 0);
  const segments = [];
  let x = 0;
  for (const [a, b] of ranges) {
    const width = ((b - a + 1) / total) * usable;
    segments.push({ a, b, x, width });
    x += width + GAP;
  }
  const position = (port) => {
    const s = segments.find((seg) => port >= seg.a && port <= seg.b);
    return s ? s.x + ((port - s.a) / (s.b - s.a + 1)) * s.width : null;
  };
  return { segments, position, unit: usable / total };
}

export function createPortMap(container, { onHover } = {}) {
  const tip = html('div', { class: 'portmap-tip', role: 'tooltip', hidden: '' });
  const body = html('div', { class: 'portmap-body' });
  container.append(body, tip);

  function showTip(mark, text) {
    tip.textContent = text;
    tip.hidden = false;
    const box = container.getBoundingClientRect();
    const r = mark.getBoundingClientRect();
    const half = tip.offsetWidth / 2;
    const left = Math.min(Math.max(r.left + r.width / 2 - box.left, half + 4), box.width - half - 4);
    tip.style.left = `${left}px`;
    tip.style.top = `${r.top - box.top}px`;
  }
  const hideTip = () => {
    tip.hidden = true;
  };

  /** `groups`: name → config; `reservations`: all of them; `scope`: the current one; `used`: groups the claims name. */
  function update({ groups, reservations, scope, used = [] }) {
    hideTip();
    const strips = [];
    const names = Object.keys(groups).filter((g) => reservations.some((r) => r.group === g) || used.includes(g));
    if (names.length === 0) {
      body.replaceChildren(html('p', { class: 'empty' }, 'No port groups in use yet: declare a claim in ports.json.'));
      return;
    }
    for (const name of names.sort()) {
      const { ranges, exclude, size } = groups[name];
      const held = reservations.filter((r) => r.group === name).sort((a, b) => a.port - b.port);
      const { segments, position, unit } = scale(ranges);
      const percent = size ? (held.length / size) * 100 : 0;

      const strip = html('section', { class: 'strip', 'data-group': name });
      const head = html('div', { class: 'strip-head' });
      head.append(
        html('strong', {}, name),
        html('span', { class: 'muted' }, `${groups[name].protocol} · ${ranges.map(formatRange).join(', ') || 'no range'}`),
        html('span', { class: 'fill' }, `${held.length} of ${size.toLocaleString('en')} reserved · ${percent < 0.1 && held.length ? '<0.1' : percent.toFixed(1)}%`),
      );

      const graphic = svg('svg', {
        viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
        preserveAspectRatio: 'none',
        class: 'strip-svg',
        role: 'group',
        'aria-label': `Port group ${name}: ${held.length} of ${size} ports reserved`,
      });
      for (const s of segments) graphic.append(svg('rect', { class: 'track', x: s.x, y: 0, width: s.width, height: HEIGHT, rx: 3 }));
      for (const [x, y] of exclude) {
        const from = position(Math.max(x, ranges[0]?.[0] ?? x));
        const to = position(Math.min(y, ranges.at(-1)?.[1] ?? y));
        if (from !== null && to !== null) {
          graphic.append(svg('rect', { class: 'excluded', x: from, y: 0, width: Math.max(to - from + unit, 2), height: HEIGHT }));
        }
      }
      for (const r of held) {
        const x = position(r.port);
        const current = r.scope === scope;
        const label = `${r.claim} → ${r.port} (scope ${r.scope}, group ${r.group})`;
        const width = Math.max(unit, 5);
        const mark = svg('rect', {
          class: `mark${current ? ' current' : ''}${x === null ? ' outside' : ''}`,
          x: x === null ? WIDTH - width : Math.min(x + unit / 2 - width / 2, WIDTH - width),
          y: current ? 0 : 4,
          width,
          height: current ? HEIGHT : HEIGHT - 8,
          fill: scopeColor(r.scope),
          tabindex: 0,
          role: 'img',
          'aria-label': label,
          'data-port': r.port,
          'data-claim': r.claim,
          'data-scope': r.scope,
        });
        const title = svg('title');
        title.textContent = x === null ? `${label} — outside the group's ranges` : label;
        mark.append(title);
        const show = () => {
          showTip(mark, title.textContent);
          onHover?.(r);
        };
        const hide = () => {
          hideTip();
          onHover?.(null);
        };
        mark.addEventListener('mouseenter', show);
        mark.addEventListener('focus', show);
        mark.addEventListener('mouseleave', hide);
        mark.addEventListener('blur', hide);
        graphic.append(mark);
      }

      const axis = html('div', { class: 'strip-axis' });
      axis.append(html('span', {}, String(ranges[0]?.[0] ?? '')), html('span', {}, String(ranges.at(-1)?.[1] ?? '')));
      strip.append(head, graphic, axis);
      strips.push(strip);
    }

    const scopes = [...new Set(reservations.map((r) => r.scope))].sort(compareCodePoints);
    const legend = html('ul', { class: 'legend', 'aria-label': 'Scopes' });
    for (const s of scopes) {
      const item = html('li', s === scope ? { class: 'current' } : {});
      const swatch = html('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = scopeColor(s);
      item.append(swatch, document.createTextNode(s));
      legend.append(item);
    }
    body.replaceChildren(...strips, ...(scopes.length ? [legend] : []));
  }

  /** Marks a reservation's mark (its table row is hovered), or none. */
  function highlight(r) {
    for (const mark of body.querySelectorAll('.mark')) {
      mark.classList.toggle('linked', !!r && mark.dataset.scope === r.scope && mark.dataset.claim === r.claim);
    }
  }

  return { update, highlight };
}
