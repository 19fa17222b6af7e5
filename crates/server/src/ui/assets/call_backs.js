// Call-back tasks: people who pressed 1 when nobody could take them. Shown on top of the lead
// list and on the dashboard, each with "Call now" and "Done", until somebody calls them back.

import { post } from './api.js';
import { h, when, table, action } from './dom.js';
import { callLead } from './call_lead.js';
import { t, tn } from './i18n.js';

/** The list of open call-backs; `changed` runs after one is marked done. */
export function callBacks(items, { can, out, changed, total }) {
  if (!items.length) return null;
  const name = (b) => b.lead_name || b.to;
  const count = total ?? items.length;
  return h('section', { class: 'panel callbacks', 'aria-label': t('Call back') },
    h('h2', {}, t('Call back ({count})', { count })),
    h('p', { class: 'muted' }, count === 1
      ? t('This person pressed 1 to talk to someone, but nobody was free. Call them back, then mark it done.')
      : t('These people pressed 1 to talk to someone, but nobody was free. Call them back, then mark each done.')),
    table([
      [t('Name'), (b) => (b.lead_id ? h('a', { href: `#/leads/${b.lead_id}` }, name(b)) : name(b))],
      [t('Phone'), (b) => b.to],
      [t('Campaign'), (b) => b.campaign_name || '—', { optional: true }],
      [t('Pressed 1'), (b) => h('a', { href: `#/calls/${b.call_id}` }, when(b.created_at))],
      ['', (b) => h('div', { class: 'bar' },
        can.manage && b.lead_id ? action(h('button', { class: 'small primary', 'aria-label': t('Call {who} back now', { who: name(b) }) }, t('Call now')), out, () => callLead({ id: b.lead_id }, 'cold_call')) : null,
        action(h('button', { class: 'small', 'aria-label': t('Mark the call-back to {who} done', { who: name(b) }) }, t('Done')), out, async () => {
          await post(`/api/v1/call-backs/${b.id}/done`, {});
          await changed();
        }))],
    ], items, null));
}
