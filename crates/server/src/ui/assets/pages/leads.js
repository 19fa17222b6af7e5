// The leads, newest first: the people to call back on top, then the list to filter by
// campaign, status, do-not-call and text; page through; call one now, place a call to book an
// appointment, or open its details.

import { get, qs } from '../api.js';
import { h, mount, badge, table, pager, leadName, when, notice, action, emptyState } from '../dom.js';
import { callBacks } from '../call_backs.js';
import { callLead } from '../call_lead.js';
import { t, tn, word } from '../i18n.js';

const STATUSES = ['', 'new', 'dialing', 'retry', 'completed', 'exhausted', 'invalid'];


export async function render(main, { params, can }) {
  const campaigns = await get('/api/v1/campaigns');
  const f = { campaign_id: params.get('campaign_id') || '', status: params.get('status') || '', do_not_call: params.get('do_not_call') || '', q: params.get('q') || '' };
  const go = () => { location.hash = '#/leads' + qs(f); };
  const campaign = h('select', { 'aria-label': t('Campaign'), onchange: (e) => { f.campaign_id = e.target.value; go(); } },
    h('option', { value: '' }, t('Every campaign')), campaigns.map((c) => h('option', { value: c.id, selected: String(c.id) === f.campaign_id ? true : null }, c.name)));
  const status = h('select', { 'aria-label': t('Lead status'), onchange: (e) => { f.status = e.target.value; go(); } },
    STATUSES.map((s) => h('option', { value: s, selected: s === f.status ? true : null }, s ? word(s) : t('Every status'))));
  const dnc = h('select', { 'aria-label': t('Do-not-call'), onchange: (e) => { f.do_not_call = e.target.value; go(); } },
    [['', t('Callable or not')], ['false', t('Callable')], ['true', t('Do-not-call')]].map(([v, t]) => h('option', { value: v, selected: v === f.do_not_call ? true : null }, t)));
  const search = h('input', { type: 'search', placeholder: t('Name, phone, email, company'), 'aria-label': t('Search leads'), value: f.q });
  const searchForm = h('form', { role: 'search', class: 'bar' }, search, h('button', { type: 'submit' }, t('Search')));
  searchForm.addEventListener('submit', (e) => { e.preventDefault(); f.q = search.value.trim(); go(); });
  const out = h('div');
  const callBackBox = h('div');
  async function showCallBacks() {
    const items = await get('/api/v1/call-backs' + qs({ campaign_id: f.campaign_id }));
    mount(callBackBox, callBacks(items, { can, out, changed: showCallBacks }));
  }
  const campaignName = new Map(campaigns.map((c) => [c.id, c.name]));
  const none = campaigns.length
    ? emptyState(t('No leads here'), f.q || f.status || f.campaign_id ? t('Nothing matches these filters.') : t('Upload a CSV of the people to call: names and phone numbers in any common format.'),
      can.manage ? h('a', { class: 'button primary', href: '#/leads/upload' + qs({ campaign: f.campaign_id }) }, t('Upload leads')) : null)
    : emptyState(t('No campaigns yet'), t('Leads belong to a campaign: create one first.'), can.manage ? h('a', { class: 'button primary', href: '#/campaigns/new' }, t('New campaign')) : null);
  const rows = pager((cursor) => get('/api/v1/leads' + qs({ ...f, order: 'newest', limit: 25, cursor })), (items) => table([
    [t('Name'), (l) => h('a', { href: `#/leads/${l.id}` }, leadName(l))],
    [t('Phone'), (l) => l.phone],
    // Every campaign's leads: which campaign each is in (one campaign's: the filter says it).
    f.campaign_id ? null : [t('Campaign'), (l) => h('a', { href: `#/campaigns/${l.campaign_id}` }, campaignName.get(l.campaign_id) || '—'), { optional: true }],
    [t('Status'), (l) => [badge(l.status), l.do_not_call ? [' ', badge('do_not_call')] : null]],
    [t('Attempts'), (l) => l.attempts, { optional: true }],
    [t('Next attempt'), (l) => (l.status === 'retry' || l.status === 'new' ? when(l.next_attempt_at) : '—'), { optional: true }],
    ['', (l) => h('div', { class: 'bar' },
      can.manage && !l.do_not_call ? action(h('button', { class: 'small' }, t('Call now')), out, () => callLead(l, 'cold_call')) : null,
      can.manage && !l.do_not_call ? action(h('button', { class: 'small' }, t('Book appointment')), out, () => callLead(l, 'appointment_booking')) : null,
      h('a', { class: 'button small', href: `#/leads/${l.id}` }, t('Details')))],
  ].filter(Boolean), items, none));
  rows.id = 'lead-list';
  mount(main,
    h('div', { class: 'bar' }, h('h1', {}, t('Leads')), can.manage ? h('a', { class: 'button primary', href: '#/leads/upload' + qs({ campaign: f.campaign_id }) }, t('Upload CSV')) : null),
    callBackBox, h('div', { class: 'bar' }, campaign, status, dnc, searchForm), out, rows);
  if (!campaigns.length) mount(out, notice('info', t('Create a campaign first, then upload its leads.')));
  else await showCallBacks();
}
