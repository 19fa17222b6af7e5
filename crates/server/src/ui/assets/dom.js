// Small helpers to build the page: elements, formatting (in the reader's locale), tables with
// paging, form fields with their error messages, and notices.

import { t, tn, word, intlLocale } from './i18n.js';

/** Makes an element: h('a', {href: '#/x', onclick: fn}, 'text', child, …). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces an element's content. */
export function mount(el, ...children) { el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false)); return el; }

/** A date and time from epoch ms or RFC 3339, in the viewer's zone. */
export function when(t) {
  if (t === null || t === undefined || t === '') return '—';
  const d = new Date(t);
  return isNaN(d) ? '—' : d.toLocaleString(intlLocale(), { dateStyle: 'medium', timeStyle: 'short' });
}

/** A date and time with its zone ("Nov 17, 2026, 8:00 AM PST"): for times a reader may take
 * for somebody else's (when the dialer will call, in whose hours). */
export function whenZoned(t) {
  const text = when(t);
  if (text === '—') return text;
  const zone = new Intl.DateTimeFormat(intlLocale(), { timeZoneName: 'short' }).formatToParts(new Date(t)).find((p) => p.type === 'timeZoneName');
  return zone ? `${text} ${zone.value}` : text;
}

/** An amount of money in the browser's locale (`null`: a dash). Carrier prices are
 * negative for a charge; pass the spend (positive). */
export function money(amount, currency) {
  if (amount === null || amount === undefined || !currency) return '—';
  try { return new Intl.NumberFormat(intlLocale(), { style: 'currency', currency, maximumFractionDigits: 4 }).format(amount); } catch { return `${amount} ${currency}`; }
}

/** Seconds as 1h 02m, 3m 05s or 12s. */
export function duration(s) {
  if (s === null || s === undefined) return '—';
  s = Math.round(s);
  const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
  if (hh) return `${hh}h ${String(mm).padStart(2, '0')}m`;
  if (mm) return `${mm}m ${String(ss).padStart(2, '0')}s`;
  return `${ss}s`;
}

/** A status word as a coloured badge, in the reader's language. */
export function badge(text) {
  if (text === null || text === undefined || text === '') return h('span', { class: 'muted' }, '—');
  return h('span', { class: 'badge ' + String(text).replace(/[^a-z_-]/gi, '') }, word(text));
}

/** A number in the reader's locale (1,234.5 or 1.234,5). */
export const num = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString(intlLocale()));

/** A person's name from a lead. */
export const leadName = (l) => [l.first_name, l.last_name].filter(Boolean).join(' ') || l.phone;

/** A link to a call, named for who was called (the lead's name, else the number). */
export const callLink = (c) => h('a', { href: `#/calls/${c.id}`, title: t('Call #{id}', { id: c.id }) }, c.lead_name || c.to);

/** A table: columns are [heading, row → cell, {optional: true}]; an empty list shows `empty`. */
export function table(columns, rows, empty) {
  if (!rows.length) return empty;
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, columns.map(([title, , o]) => h('th', { scope: 'col', class: o && o.optional ? 'optional' : null }, title)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map(([, cell, o]) => h('td', { class: o && o.optional ? 'optional' : null }, cell(r))))))));
}

/** An empty state: what is missing and what to do first. */
export function emptyState(title, text, ...actions) {
  return h('div', { class: 'panel empty' }, h('strong', {}, title), h('p', {}, text), h('div', { class: 'bar' }, actions));
}

/** Paging with cursors: `load(cursor)` resolves to {items, next_cursor, total}. */
export function pager(load, render) {
  const box = h('div');
  const stack = [];
  let cursor = null;
  async function show(c) {
    const page = await load(c);
    const prev = h('button', { class: 'small', disabled: !stack.length, onclick: () => { cursor = stack.pop(); show(cursor); } }, t('← Previous'));
    const next = h('button', { class: 'small', disabled: page.next_cursor === null || page.next_cursor === undefined, onclick: () => { stack.push(cursor); cursor = page.next_cursor; show(cursor); } }, t('Next →'));
    mount(box, render(page.items, page), h('div', { class: 'pager' }, h('span', { class: 'muted' }, tn('{n} in all', page.total ?? page.items.length)), prev, next));
  }
  box.reload = () => show(cursor);
  show(null).catch((e) => mount(box, notice('error', e.message)));
  return box;
}

/** A message box: kind is error, ok or info. */
export function notice(kind, text) {
  return h('div', { class: 'alert ' + kind, role: kind === 'error' ? 'alert' : 'status' }, text);
}

let fieldCounter = 0;
/** A labelled form field with a hint and a place for its error. `input` is an element. */
export function field(label, input, hint) {
  const id = input.id || `f${++fieldCounter}`;
  input.id = id;
  const err = h('div', { class: 'error', id: id + '-error', 'aria-live': 'polite' });
  input.setAttribute('aria-describedby', id + '-error');
  const box = h('div', { class: 'field', 'data-field': input.name || '' }, h('label', { for: id }, label), input, hint ? h('div', { class: 'hint' }, hint) : null, err);
  return box;
}

/** Shows an API error on a form: next to each field the server named, and at the top. */
export function showErrors(form, error, top) {
  form.querySelectorAll('.field').forEach((f) => { f.classList.remove('invalid'); const e = f.querySelector('.error'); if (e) e.textContent = ''; });
  let placed = 0;
  for (const d of (error.details || [])) {
    const name = d.field || '';
    const f = [...form.querySelectorAll('.field')].find((f) => { const k = f.dataset.field; return k && (k === name || name.startsWith(k + '[') || name.startsWith(k + '.')); });
    if (f) { f.classList.add('invalid'); f.querySelector('.error').textContent = d.message; f.querySelector('input,select,textarea')?.setAttribute('aria-invalid', 'true'); placed++; }
  }
  if (top) mount(top, notice('error', placed ? `${tn('Please fix the {n} fields marked below.', placed)} ${error.message}` : error.message));
  form.querySelector('.invalid input, .invalid select, .invalid textarea')?.focus();
}

/** Wraps an async action on a button: disables it while running, shows failures in `out`. */
export function action(button, out, fn) {
  button.addEventListener('click', async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    try { await fn(); } catch (e) {
      const text = e.nextAllowedAt ? `${e.message} — ${t('next allowed: {when}', { when: whenZoned(e.nextAllowedAt) })}` : e.message;
      if (out) mount(out, notice('error', text)); else alert(text);
    } finally { button.disabled = false; }
  });
  return button;
}
