// The campaigns: each with its status and how far its list has got.

import { get, qs } from '../api.js';
import { h, mount, badge, table, emptyState, plural } from '../dom.js';

function progressOf(c) {
  const total = c.leads ? c.leads.total : 0;
  const by = (c.leads && c.leads.by_status) || {};
  const done = (by.completed || 0) + (by.exhausted || 0) + (by.invalid || 0);
  return h('span', {}, h('progress', { max: Math.max(total, 1), value: done, 'aria-label': `${done} of ${total} leads done` }), h('span', { class: 'muted' }, ` ${done} of ${plural(total, 'lead')} done`));
}

export async function render(main, { can, params }) {
  const status = params.get('status') || '';
  const filter = h('select', { 'aria-label': 'Status', onchange: (e) => { location.hash = '#/campaigns' + qs({ status: e.target.value }); } },
    ['', 'draft', 'scheduled', 'running', 'paused', 'completed', 'stopped'].map((s) => h('option', { value: s, selected: s === status ? true : null }, s || 'Every status')));
  const list = await get('/api/v1/campaigns' + qs({ status }));
  mount(main,
    h('div', { class: 'bar' }, h('h1', {}, 'Campaigns'), filter, can.manage ? h('a', { class: 'button primary', href: '#/campaigns/new' }, 'New campaign') : null),
    table([
      ['Name', (c) => h('a', { href: `#/campaigns/${c.id}` }, c.name)],
      ['Status', (c) => badge(c.status)],
      ['Progress', progressOf],
      ['Pacing', (c) => c.settings.pacing.mode.replace(/_/g, ' '), { optional: true }],
      ['Type', (c) => c.type.replace(/_/g, ' '), { optional: true }],
    ], list, status ? h('p', { class: 'muted' }, `No ${status} campaigns.`) : emptyState('No campaigns yet', 'A campaign holds a list of leads and how to call them: the message, calling hours and pace.',
      can.manage ? h('a', { class: 'button primary', href: '#/campaigns/new' }, 'Create your first campaign') : h('span', { class: 'muted' }, 'Ask a manager to create one.'))));
}
