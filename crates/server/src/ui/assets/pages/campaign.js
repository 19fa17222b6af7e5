// One campaign: start, pause, resume, stop; its progress and figures, live; why the dialer
// waits when it waits; its leads and recent calls.

import { get, put, qs } from '../api.js';
import { h, mount, badge, table, when, notice, action, duration, money, callLink, plural, whenZoned } from '../dom.js';
import { breakdown } from '../chart.js';
import { subscribe } from '../live.js';

/** The status changes a campaign in `status` offers. */
function controls(status) {
  switch (status) {
    case 'draft': case 'scheduled': return [['running', 'Start', 'primary']];
    case 'running': return [['paused', 'Pause', ''], ['stopped', 'Stop', 'danger']];
    case 'paused': return [['running', 'Resume', 'primary'], ['stopped', 'Stop', 'danger']];
    default: return [];
  }
}

export async function render(main, { args, can }) {
  const id = args[0];
  const out = h('div');
  const head = h('div');
  const figures = h('div');
  const calls = h('div');
  async function refresh() {
    const [c, p] = await Promise.all([get(`/api/v1/campaigns/${id}`), get(`/api/v1/campaigns/${id}/progress`)]);
    const buttons = can.manage ? controls(c.status).map(([to, label, kind]) => action(h('button', { class: kind, 'data-action': to }, label), out, async () => {
      if (to === 'stopped' && !confirm('Stop this campaign? Calls in progress finish; no new calls are placed. A stopped campaign cannot be restarted.')) return;
      await put(`/api/v1/campaigns/${id}/status`, { status: to });
      mount(out, notice('ok', `Campaign ${label === 'Start' ? 'started' : label.toLowerCase() + (label.endsWith('e') ? 'd' : 'ped')}.`));
      await refresh();
    })) : [];
    document.title = `${c.name} · Outdial`;
    mount(head,
      h('div', { class: 'bar' }, h('h1', {}, c.name), badge(c.status), buttons,
        can.manage ? h('a', { class: 'button', href: `#/campaigns/${id}/edit` }, 'Edit') : null,
        can.manage ? h('a', { class: 'button', href: `#/leads/upload?campaign=${id}` }, 'Upload leads') : null),
      p.status_reason ? notice('info', p.status_reason) : null,
      p.is_running && p.waiting_reason ? h('div', { class: 'alert info', id: 'waiting' }, `Waiting: ${p.waiting_reason}` + (p.next_call_at ? ` — next call expected ${whenZoned(p.next_call_at)}` : '')) : null);
    const t = p.transfers;
    mount(figures,
      h('div', { class: 'grid', id: 'progress' },
        stat('Leads', p.total_leads), stat('Still to call', p.remaining), stat('Calls made', p.calls_made, 'calls-made'), stat('In progress', p.in_flight),
        stat('Do-not-call', p.do_not_call)),
      h('div', { class: 'grid two' },
        h('div', { class: 'panel' }, breakdown('Outcomes', p.outcomes, 'No finished calls yet.')),
        h('div', { class: 'panel' }, breakdown('Leads by status', p.leads, 'No leads yet.')),
        h('div', { class: 'panel' }, h('h2', {}, 'Handed to agents (30 days)'), h('dl', { class: 'facts' },
          h('dt', {}, 'Handed'), h('dd', {}, t.handed), h('dt', {}, 'Connected'), h('dd', {}, t.connected),
          // Abandonment belongs with the hand-overs it is counted over (US rule: at most 3%).
          h('dt', {}, 'Abandoned'), h('dd', { 'data-stat': 'abandoned' }, `${t.abandoned} (${p.abandon_percent}% of people handed to agents)`),
          h('dt', {}, 'Told to expect a call back'), h('dd', {}, t.fallback),
          h('dt', {}, 'Hung up while waiting'), h('dd', {}, t.caller_hung_up))),
        h('div', { class: 'panel', id: 'cost' }, h('h2', {}, 'Cost'), h('dl', { class: 'facts' },
          h('dt', {}, 'Total'), h('dd', {}, money(p.cost.total, p.cost.currency || 'USD')),
          h('dt', {}, 'Per call'), h('dd', {}, money(p.cost.per_call, p.cost.currency)),
          h('dt', {}, 'Per person reached'), h('dd', {}, money(p.cost.per_person_reached, p.cost.currency)),
          h('dt', {}, 'Per appointment'), h('dd', {}, money(p.cost.per_appointment, p.cost.currency)),
          p.cost.awaiting_price ? [h('dt', {}, 'Still to come'), h('dd', {}, `${plural(p.cost.awaiting_price, 'call')}: the carrier gives a call's price a few minutes after it ends`)] : null)),
        h('div', { class: 'panel' }, h('h2', {}, 'Settings'), h('dl', { class: 'facts' },
          h('dt', {}, 'Pacing'), h('dd', {}, c.settings.pacing.mode.replace(/_/g, ' ')),
          h('dt', {}, 'Hours'), h('dd', {}, `${c.settings.calling_window.start}–${c.settings.calling_window.end} ${c.settings.calling_window.days.join(' ')}`),
          h('dt', {}, 'Caller IDs'), h('dd', {}, c.settings.caller_ids.join(', ') || '—'),
          h('dt', {}, 'Calls at once'), h('dd', {}, c.settings.max_concurrent_calls),
          h('dt', {}, 'Daily limit'), h('dd', {}, c.settings.daily_call_limit ?? 'none')))));
    const recent = await get('/api/v1/calls' + qs({ campaign_id: id, limit: 10 }));
    mount(calls, h('div', { class: 'bar' }, h('h2', {}, 'Recent calls'), h('a', { href: `#/calls?campaign_id=${id}` }, 'All calls'), h('a', { href: `#/leads?campaign_id=${id}` }, 'Leads')),
      table([
        ['Who', (x) => callLink(x)],
        ['To', (x) => x.to], ['Status', (x) => badge(x.status)], ['Outcome', (x) => badge(x.outcome)],
        ['Talk', (x) => duration(x.talk_seconds), { optional: true }], ['Placed', (x) => when(x.created_at), { optional: true }],
      ], recent.items, h('p', { class: 'muted' }, p.total_leads ? 'No calls yet: start the campaign to call its leads.' : 'No leads yet: upload a list first.')));
  }
  mount(main, head, out, figures, calls);
  await refresh();
  let timer = null;
  const unsubscribe = subscribe(['call.status', 'campaign.status', 'campaign.progress', 'resync'], (kind, data) => {
    if (kind === 'campaign.progress' && data && data.campaign_id && String(data.campaign_id) !== String(id)) return;
    if (timer) return;
    timer = setTimeout(() => { timer = null; refresh().catch((e) => mount(out, notice('error', e.message))); }, 1000);
  });
  // The waiting reason changes with the clock too (calling hours open): read it again now and then.
  const poll = setInterval(() => refresh().catch(() => {}), 15000);
  return () => { unsubscribe(); clearTimeout(timer); clearInterval(poll); };
}

function stat(label, value, key) {
  return h('div', { class: 'stat', 'data-stat': key || null }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
}

