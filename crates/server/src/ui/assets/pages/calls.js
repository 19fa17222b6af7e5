// The call log: filter by campaign, status, outcome and dates; page through; download as CSV.

import { get, qs } from '../api.js';
import { h, mount, badge, table, pager, when, duration, emptyState, money, callLink } from '../dom.js';

const STATUSES = ['', 'queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled'];
const OUTCOMES = ['', 'answered', 'voicemail', 'busy', 'no_answer', 'failed', 'canceled', 'invalid'];

export async function render(main, { params }) {
  const campaigns = await get('/api/v1/campaigns');
  const f = Object.fromEntries(['campaign_id', 'lead_id', 'status', 'outcome', 'from', 'to'].map((k) => [k, params.get(k) || '']));
  const go = () => { location.hash = '#/calls' + qs(f); };
  const sel = (key, label, options) => h('select', { 'aria-label': label, onchange: (e) => { f[key] = e.target.value; go(); } },
    options.map(([v, t]) => h('option', { value: v, selected: String(v) === f[key] ? true : null }, t)));
  const date = (key, label) => h('label', { class: 'muted' }, label + ' ', h('input', { type: 'date', value: f[key] ? f[key].slice(0, 10) : '', onchange: (e) => { f[key] = e.target.value ? new Date(e.target.value + 'T00:00').toISOString() : ''; go(); } }));
  const rows = pager((cursor) => get('/api/v1/calls' + qs({ ...f, limit: 25, cursor })), (items) => table([
    ['Who', (c) => callLink(c)],
    ['To', (c) => c.to],
    ['Status', (c) => badge(c.status)],
    ['Outcome', (c) => badge(c.outcome)],
    ['Disposition', (c) => badge(c.disposition), { optional: true }],
    ['Talk', (c) => duration(c.talk_seconds), { optional: true }],
    ['Cost', (c) => (c.price ? money(-Number(c.price), c.price_unit) : '—'), { optional: true }],
    ['Placed', (c) => when(c.created_at), { optional: true }],
  ], items, emptyState('No calls', Object.values(f).some(Boolean) ? 'Nothing matches these filters.' : 'Calls appear here as soon as a campaign runs or you call a lead.', h('a', { class: 'button', href: '#/quick' }, 'Quick start'))));
  mount(main,
    h('div', { class: 'bar' }, h('h1', {}, 'Calls'), h('a', { class: 'button', href: '/api/v1/calls.csv' + qs(f), download: 'calls.csv' }, 'Download CSV')),
    h('div', { class: 'bar' },
      sel('campaign_id', 'Campaign', [['', 'Every campaign'], ...campaigns.map((c) => [c.id, c.name])]),
      sel('status', 'Status', STATUSES.map((s) => [s, s || 'Every status'])),
      sel('outcome', 'Outcome', OUTCOMES.map((s) => [s, s ? s.replace(/_/g, ' ') : 'Every outcome'])),
      date('from', 'From'), date('to', 'To')),
    rows);
}
