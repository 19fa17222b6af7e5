// One call: its facts, every carrier report in order as a timeline, the recording, the
// transcript (what Outdial said and the keys pressed), the agents it was offered to and what
// they recorded.

import { get, post } from '../api.js';
import { h, mount, badge, when, duration, action, notice } from '../dom.js';
import { subscribe } from '../live.js';

const OVER = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];

/** What one carrier report or step means, in the words of somebody who runs a studio, not a
 * telephone exchange (the raw report stays under "Details"). */
const STATUS_WORDS = {
  queued: 'Handed to the carrier', initiated: 'Dialing', ringing: 'Ringing', 'in-progress': 'Answered',
  completed: 'Call ended', busy: 'The line was busy', 'no-answer': 'Nobody answered', failed: 'The call could not be placed', canceled: 'Canceled before anyone answered',
};
const TRANSFER_WORDS = {
  waiting: 'Put on hold for an agent', offered: "Ringing an agent's phone", whisper: 'The agent heard who is waiting', connected: 'Connected to an agent',
  failed: 'No agent could take the call', person: 'A person answered: looking for an agent',
};
export function describe(e) {
  const status = String(e.status || '');
  switch (e.kind) {
    case 'status': return STATUS_WORDS[status] || `Carrier: ${status}`;
    case 'voice': return 'Answered: the message started';
    case 'amd': return status === 'human' ? 'A person answered' : status.startsWith('machine') || status === 'fax' ? 'An answering machine answered' : 'Could not tell who answered';
    case 'gather': return e.detail && e.detail.Digits ? `Pressed ${e.detail.Digits}: ${status.replace(/_/g, ' ')}` : `Pressed nothing: ${status.replace(/_/g, ' ')}`;
    case 'recording': return status === 'completed' ? 'Recording saved' : `Recording ${status}`;
    case 'carrier': return status === 'failed' ? 'The carrier refused the call' : 'The carrier did not confirm the call';
    case 'transfer': return TRANSFER_WORDS[status] || `Hand-over: ${status.replace(/_/g, ' ')}`;
    case 'said': return 'Outdial spoke';
    case 'control': return 'Ended by hand';
    case 'reconcile': return 'Checked again with the carrier';
    case 'conference': return `Conference: ${status.replace(/_/g, ' ')}`;
    default: return `${e.kind}: ${status}`;
  }
}

/** The conversation of an automated call from its timeline: what Outdial said, what the person
 * pressed (or said), and whether a machine answered. */
function transcript(events) {
  const lines = [];
  events.forEach((e, i) => {
    if (e.kind === 'said') {
      for (const text of e.detail.lines || []) lines.push(['Outdial', text]);
      // Spoken after the menu only when nobody answered it.
      if (!events.slice(i + 1).some((x) => x.kind === 'gather')) for (const text of e.detail.unless_answered || []) lines.push(['Outdial', text]);
    } else if (e.kind === 'gather') {
      const d = e.detail || {};
      if (d.SpeechResult) lines.push(['Person', `“${d.SpeechResult}”`]);
      else if (d.Digits) lines.push(['Person', `pressed ${d.Digits} (${String(e.status || '').replace(/_/g, ' ')})`]);
      else lines.push(['Person', 'pressed nothing']);
    } else if (e.kind === 'amd' && String(e.status).startsWith('machine')) lines.push(['Machine', 'an answering machine answered']);
  });
  return lines;
}

export async function render(main, { args, can }) {
  const id = args[0];
  const out = h('span', { id: 'hangup-result' });
  async function refresh() {
    const c = await get(`/api/v1/calls/${id}`);
    const transfer = await get(`/api/v1/calls/${id}/transfer`).catch(() => null);
    const agents = transfer ? await get('/api/v1/agents').catch(() => []) : [];
    const agentName = (uid) => (agents.find((a) => a.user_id === uid) || {}).name || `agent ${uid}`;
    const campaign = c.campaign_id ? await get(`/api/v1/campaigns/${c.campaign_id}`).catch(() => null) : null;
    const events = [...c.events].sort((a, b) => a.received_at - b.received_at || (a.sequence ?? 0) - (b.sequence ?? 0));
    mount(main,
      h('div', { class: 'bar' }, h('h1', {}, `Call to ${c.lead_name || c.to}`), h('span', { class: 'muted' }, `#${c.id}`), badge(c.status), badge(c.outcome),
        can && can.manage && !OVER.includes(c.status)
          ? action(h('button', { class: 'danger', id: 'hangup' }, c.status === 'in-progress' ? 'Hang up' : 'Cancel call'), out, async () => {
            await post(`/api/v1/calls/${c.id}/hangup`, {});
            mount(out, notice('ok', 'Asked the carrier to end the call.'));
          })
          : null,
        out),
      h('div', { class: 'grid two' },
        h('div', { class: 'panel' }, h('dl', { class: 'facts' },
          h('dt', {}, 'To'), h('dd', {}, c.to), h('dt', {}, 'From'), h('dd', {}, c.from),
          h('dt', {}, 'Lead'), h('dd', {}, c.lead_id ? h('a', { href: `#/leads/${c.lead_id}` }, c.lead_name || c.to) : '—'),
          h('dt', {}, 'Campaign'), h('dd', {}, c.campaign_id ? h('a', { href: `#/campaigns/${c.campaign_id}` }, campaign ? campaign.name : 'a deleted campaign') : '—'),
          h('dt', {}, 'Answered by'), h('dd', {}, c.answered_by || '—'),
          h('dt', {}, 'Disposition'), h('dd', {}, badge(c.disposition)),
          h('dt', {}, 'Placed'), h('dd', {}, when(c.created_at)), h('dt', {}, 'Ended'), h('dd', {}, when(c.ended_at)),
          h('dt', {}, 'Ringing'), h('dd', {}, duration(c.ring_seconds)), h('dt', {}, 'Talk time'), h('dd', {}, duration(c.talk_seconds)),
          c.error_message ? [h('dt', {}, 'Error'), h('dd', {}, `${c.error_code ?? ''} ${c.error_message}`)] : null,
          c.price ? [h('dt', {}, 'Price'), h('dd', {}, `${c.price} ${c.price_unit || ''}`)] : null)),
        h('div', { class: 'panel' }, h('h2', {}, 'Recording'),
          c.recording_sid ? [h('audio', { controls: true, preload: 'metadata', src: `/api/v1/calls/${c.id}/recording` }),
            h('p', { class: 'muted' }, `${duration(c.recording_seconds)} · `, h('a', { href: `/api/v1/calls/${c.id}/recording`, download: `call-${c.id}.mp3` }, 'Download MP3'))]
            : h('p', { class: 'muted' }, 'No recording: recording is off for this campaign, or the call was not answered.'),
          h('h2', {}, 'Transcript'), (() => {
            const lines = transcript(events);
            return lines.length ? h('ol', { class: 'transcript', id: 'transcript' }, lines.map(([who, text]) => h('li', {}, h('strong', {}, `${who}: `), text)))
              : h('p', { class: 'muted' }, 'Nothing was said on this call (it was not answered).');
          })(),
          transfer ? [h('h2', {}, 'Handed to agents'), h('p', {}, badge(transfer.status), ' ', badge(transfer.outcome), transfer.disposition ? [' → ', badge(transfer.disposition)] : null, transfer.notes ? ` “${transfer.notes}”` : ''),
            h('ol', {}, transfer.legs.map((l) => h('li', {}, `${agentName(l.user_id)}: `, badge(l.status))))] : null)),
      h('h2', {}, 'Timeline'),
      h('ol', { class: 'timeline', id: 'timeline' }, events.map((e) => h('li', {},
        h('div', { class: 'when' }, new Date(e.received_at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })),
        h('strong', {}, describe(e)),
        h('details', {}, h('summary', { class: 'muted' }, 'Details'), h('pre', {}, JSON.stringify(e.detail, null, 2)))))));
    return OVER.includes(c.status);
  }
  let over = await refresh();
  let timer = null;
  const unsubscribe = subscribe(['call.status', 'transfer.connected', 'transfer.ended', 'transfer.disposed', 'resync'], (kind, data) => {
    if (kind === 'call.status' && data && Array.isArray(data.calls) && !data.calls.some((x) => String(x.call_id) === String(id))) return;
    if (!timer) timer = setTimeout(() => { timer = null; refresh().then((o) => { over = o; }).catch(() => {}); }, 500);
  });
  // A change between the first read and the subscription would otherwise be missed: read
  // again once subscribed, and now and then while the call goes on.
  refresh().then((o) => { over = o; }).catch(() => {});
  const poll = setInterval(() => { if (!over) refresh().then((o) => { over = o; }).catch(() => {}); }, 3000);
  return () => { unsubscribe(); clearTimeout(timer); clearInterval(poll); };
}
