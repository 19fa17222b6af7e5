// The dashboard: today's figures, the calls open now, calls per hour, outcomes and the answer
// rate by hour of day; read again whenever a call changes (at most every 2 seconds).

import { get, post, qs } from '../api.js';
import { h, mount, duration, badge, table, when, emptyState, action, money, callLink } from '../dom.js';
import { bars, breakdown } from '../chart.js';
import { subscribe } from '../live.js';
import { callBacks } from '../call_backs.js';

const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function stat(label, value, key) {
  return h('div', { class: 'stat', 'data-stat': key }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
}

export async function render(main, { can }) {
  const body = h('div');
  const stamp = h('span', { class: 'muted', 'aria-live': 'off' });
  mount(main, h('div', { class: 'bar' }, h('h1', {}, 'Dashboard'), stamp), body);
  const campaigns = await get('/api/v1/campaigns');
  if (!campaigns.length) {
    mount(body, emptyState('No campaigns yet', 'Create a campaign, upload its leads, and start calling. Calls and results show up here as they happen.',
      can.manage ? h('a', { class: 'button primary', href: '#/quick' }, 'Quick start') : null,
      can.manage ? h('a', { class: 'button', href: '#/campaigns/new' }, 'New campaign') : null));
    return;
  }
  let timer = null;
  let pending = false;
  const out = h('div');
  async function refresh() {
    const d = await get('/api/v1/dashboard' + qs({ tz }));
    const t = d.today;
    const hours = [...Array(24).keys()].map((i) => String(i));
    // Nothing called yet: say what to do first instead of a page of zeros.
    const leads = campaigns.reduce((n, c) => n + (c.leads ? c.leads.total : 0), 0);
    const running = campaigns.some((c) => c.status === 'running');
    const ready = campaigns.find((c) => c.leads && c.leads.total && ['draft', 'scheduled', 'paused'].includes(c.status)) || campaigns[0];
    const firstRun = !t.calls && !running && !d.live.length && !d.answer_rate_by_hour.some((r) => r.calls) && can.manage
      ? h('div', { class: 'panel empty', id: 'first-run' }, h('strong', {}, 'No calls yet'),
        h('p', {}, leads ? 'Your leads are waiting: start a campaign and its calls and results show up here as they happen.' : 'Import the people to call, then start a campaign. Calls and results show up here as they happen.'),
        h('div', { class: 'bar' },
          leads ? null : h('a', { class: 'button primary', href: '#/leads/upload' }, 'Import leads'),
          h('a', { class: leads ? 'button primary' : 'button', href: `#/campaigns/${ready.id}` }, `Start ${ready.name}`),
          h('a', { class: 'button', href: '#/quick' }, 'Quick start')))
      : null;
    mount(body,
      firstRun, out,
      callBacks(d.call_backs.oldest, { can, out, total: d.call_backs.open, changed: refresh }),
      d.call_backs.open > d.call_backs.oldest.length ? h('p', {}, h('a', { href: '#/leads' }, `All ${d.call_backs.open} people to call back`)) : null,
      h('div', { class: 'grid', id: 'today' },
        stat('Calls made today', t.calls, 'calls'),
        stat('People reached', t.reached, 'reached'),
        stat('Voicemails', t.voicemails, 'voicemails'),
        stat('Appointments', t.appointments, 'appointments'),
        stat('Contact rate', `${t.contact_rate}%`, 'contact_rate'),
        stat('Appointment rate', `${t.appointment_rate}%`, 'appointment_rate'),
        stat('Talk time', duration(t.talk_seconds), 'talk_seconds'),
        stat('Spend today', money(t.spend.total, t.spend.currency || 'USD'), 'spend')),
      h('h2', {}, `Live calls (${d.live.length})`),
      table([
        ['Who', (c) => callLink(c)],
        ['To', (c) => c.to],
        ['Status', (c) => badge(c.status)],
        ['Started', (c) => when(c.created_at), { optional: true }],
        ['', (c) => (can && can.manage ? action(h('button', { class: 'small danger', 'aria-label': `Hang up call #${c.id}` }, c.status === 'in-progress' ? 'Hang up' : 'Cancel'), null, async () => {
          await post(`/api/v1/calls/${c.id}/hangup`, {});
        }) : null)],
      ], d.live, h('p', { class: 'muted' }, 'No calls in progress.')),
      h('div', { class: 'grid two' },
        h('div', { class: 'panel' }, bars('Calls per hour today', d.calls_per_hour, hours)),
        h('div', { class: 'panel' }, breakdown("Today's outcomes", d.outcomes, 'No finished calls yet today.')),
        h('div', { class: 'panel' }, bars('Answer rate by hour of day (30 days)', d.answer_rate_by_hour.map((r) => r.rate), hours, { format: (v) => `${v}%`, max: 100 }))));
    stamp.textContent = `Updated ${new Date().toLocaleTimeString()} (${d.timezone})`;
  }
  await refresh();
  const unsubscribe = subscribe(['call.status', 'transfer.disposed', 'campaign.progress', 'resync'], () => {
    if (pending) return;
    pending = true;
    timer = setTimeout(() => { pending = false; refresh().catch(() => {}); }, 2000);
  });
  return () => { unsubscribe(); clearTimeout(timer); };
}
