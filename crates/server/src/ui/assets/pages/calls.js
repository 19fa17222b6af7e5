// The call log: filter by campaign, status, outcome and dates; page through; download as CSV.

import { get, qs } from '../api.js';
import { h, mount, badge, table, pager, when, duration, emptyState, money, callLink } from '../dom.js';
import { t, tn, word } from '../i18n.js';

const STATUSES = ['', 'queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled'];
const OUTCOMES = ['', 'answered', 'voicemail', 'busy', 'no_answer', 'failed', 'canceled', 'invalid'];

export async function render(main, { params }) {
  const campaigns = await get('/api/v1/campaigns');
  const f = Object.fromEntries(['campaign_id', 'lead_id', 'status', 'outcome', 'from', 'to'].map((k) => [k, params.get(k) || '']));
  const go = () => { location.hash = '#/calls' + qs(f); };
  const sel = (key, label, options) => h('select', { 'aria-label': label, onchange: (e) => { f[key] = e.target.value; go(); } },
    options.map(([v, text]) => h('option', { value: v, selected: String(v) === f[key] ? true : null }, text)));
  const date = (key, label) => h('label', { class: 'muted' }, label + ' ', h('input', { type: 'date', value: f[key] ? f[key].slice(0, 10) : '', onchange: (e) => { f[key] = e.target.value ? new Date(e.target.value + 'T00:00').toISOString() : ''; go(); } }));
  const rows = pager((cursor) => get('/api/v1/calls' + qs({ ...f, limit: 25, cursor })), (items) => table([
    [t('Who'), (c) => callLink(c)],
    [t('To'), (c) => c.to],
    [t('Status'), (c) => badge(c.status)],
    [t('Outcome'), (c) => badge(c.outcome)],
    [t('Disposition'), (c) => badge(c.disposition), { optional: true }],
    [t('Talk'), (c) => duration(c.talk_seconds), { optional: true }],
    [t('Cost'), (c) => (c.price ? money(-Number(c.price), c.price_unit) : '—'), { optional: true }],
    [t('Placed'), (c) => when(c.created_at), { optional: true }],
  ], items, emptyState(t('No calls'), Object.values(f).some(Boolean) ? t('Nothing matches these filters.') : t('Calls appear here as soon as a campaign runs or you call a lead.'), h('a', { class: 'button', href: '#/quick' }, t('Quick start')))));
  mount(main,
    h('div', { class: 'bar' }, h('h1', {}, t('Calls')), h('a', { class: 'button', href: '/api/v1/calls.csv' + qs(f), download: 'calls.csv' }, t('Download CSV'))),
    h('div', { class: 'bar' },
      sel('campaign_id', t('Campaign'), [['', t('Every campaign')], ...campaigns.map((c) => [c.id, c.name])]),
      sel('status', t('Status'), STATUSES.map((s) => [s, s ? word(s) : t('Every status')])),
      sel('outcome', t('Outcome'), OUTCOMES.map((s) => [s, s ? word(s) : t('Every outcome')])),
      date('from', t('From')), date('to', t('To'))),
    rows);
}
