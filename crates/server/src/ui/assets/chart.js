// Bar charts drawn as SVG: no library, readable by screen readers through a summary table.

import { h } from './dom.js';
import { t, word } from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * Vertical bars: `values` and their `labels` (same length), `title` for assistive technology,
 * `format` for a value's tooltip, `max` to fix the scale (e.g. 100 for percentages).
 */
export function bars(title, values, labels, { format = String, max } = {}) {
  const W = 360, H = 180, pad = 24, top = 10;
  const top_value = max ?? Math.max(1, ...values);
  const w = (W - pad) / values.length;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, preserveAspectRatio: 'none' });
  svg.append(s('line', { x1: pad, y1: H - pad, x2: W, y2: H - pad, stroke: '#c4ccda' }));
  svg.append(s('text', { x: 0, y: top + 8, class: 'axis' }, format(top_value)));
  values.forEach((v, i) => {
    const bh = Math.max(0, ((H - pad - top) * v) / top_value);
    const rect = s('rect', { x: pad + i * w + 1, y: H - pad - bh, width: Math.max(1, w - 2), height: bh, class: 'bar-rect' });
    rect.append(s('title', {}, `${labels[i]}: ${format(v)}`));
    svg.append(rect);
    if (values.length <= 12 || i % 3 === 0) svg.append(s('text', { x: pad + i * w + w / 2, y: H - 6, class: 'axis', 'text-anchor': 'middle' }, labels[i]));
  });
  return h('figure', { class: 'chart' }, h('figcaption', { class: 'muted' }, title), svg);
}

/** Horizontal bars for named counts, largest first. */
export function breakdown(title, counts, empty = t('Nothing yet.')) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((n, [, v]) => n + v, 0) || 1;
  if (!entries.length) return h('figure', { class: 'chart' }, h('figcaption', { class: 'muted' }, title), h('p', { class: 'muted' }, empty));
  return h('figure', { class: 'chart' }, h('figcaption', { class: 'muted' }, title),
    h('table', {}, h('tbody', {}, entries.map(([k, v]) => {
      const pct = Math.round((v * 100) / total);
      const meter = h('meter', { min: 0, max: 100, value: pct, 'aria-label': `${word(k)} ${pct} %` });
      return h('tr', {}, h('th', { scope: 'row' }, word(k)), h('td', {}, meter), h('td', {}, `${v} (${pct} %)`));
    }))));
}
