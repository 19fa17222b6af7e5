// The campaigns: each with its status and how far its list has got.

import { get, qs } from '../api.js';
import { h, mount, badge, table, emptyState } from '../dom.js';
import { t, tn, word } from '../i18n.js';

function progressOf(c) {
  const total = c.leads ? c.leads.total : 0;
  const by = (c.leads && c.leads.by_status) || {};
  const done = (by.completed || 0) + (by.exhausted || 0) + (by.invalid || 0);
  return h('span', {}, h('progress', { max: Math.max(total, 1), value: done, 'aria-label': tn('{done} of {n} leads done', total, { done }) }), h('span', { class: 'muted' }, ' ', tn('{done} of {n} leads done', total, { done })));
}

export async function render(main, { can, params }) {
  const status = params.get('status') || '';
  const filter = h('select', { 'aria-label': t('Status'), onchange: (e) => { location.hash = '#/campaigns' + qs({ status: e.target.value }); } },
    ['', 'draft', 'scheduled', 'running', 'paused', 'completed', 'stopped'].map((s) => h('option', { value: s, selected: s === status ? true : null }, s ? word(s) : t('Every status'))));
  const list = await get('/api/v1/campaigns' + qs({ status }));
  mount(main,
    h('div', { class: 'bar' }, h('h1', {}, t('Campaigns')), filter, can.manage ? h('a', { class: 'button primary', href: '#/campaigns/new' }, t('New campaign')) : null),
    table([
      [t('Name'), (c) => h('a', { href: `#/campaigns/${c.id}` }, c.name)],
      [t('Status'), (c) => badge(c.status)],
      [t('Progress'), progressOf],
      [t('Pacing'), (c) => word(c.settings.pacing.mode), { optional: true }],
      [t('Type'), (c) => word(c.type), { optional: true }],
    ], list, status ? h('p', { class: 'muted' }, t('No campaigns are {status}.', { status: word(status) })) : emptyState(t('No campaigns yet'), t('A campaign holds a list of leads and how to call them: the message, calling hours and pace.'),
      can.manage ? h('a', { class: 'button primary', href: '#/campaigns/new' }, t('Create your first campaign')) : h('span', { class: 'muted' }, t('Ask a manager to create one.')))));
}
