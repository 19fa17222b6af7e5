// One call: its facts, every carrier report in order as a timeline, the recording, the
// transcript (what Outdial said and the keys pressed), the agents it was offered to and what
// they recorded.

import { get, post } from '../api.js';
import { h, mount, badge, when, duration, action, notice, money } from '../dom.js';
import { t, key, word, intlLocale } from '../i18n.js';
import { subscribe } from '../live.js';

const OVER = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];

/** What one carrier report or step means, in the words of somebody who runs a studio, not a
 * telephone exchange (the raw report stays under "Details"). */
const STATUS_WORDS = {
  queued: key('Handed to the carrier'), initiated: key('Dialing'), ringing: key('Ringing'), 'in-progress': key('Answered'),
  completed: key('Call ended'), busy: key('The line was busy'), 'no-answer': key('Nobody answered'), failed: key('The call could not be placed'), canceled: key('Canceled before anyone answered'),
};
const TRANSFER_WORDS = {
  waiting: key('Put on hold for an agent'), offered: key("Ringing an agent's phone"), whisper: key('The agent heard who is waiting'), connected: key('Connected to an agent'),
  failed: key('No agent could take the call'), person: key('A person answered: looking for an agent'),
};
export function describe(e) {
  const status = String(e.status || '');
  switch (e.kind) {
    case 'status': return STATUS_WORDS[status] ? t(STATUS_WORDS[status]) : t('Carrier: {status}', { status });
    case 'voice': return t('Answered: the message started');
    case 'amd': return status === 'human' ? t('A person answered') : status.startsWith('machine') || status === 'fax' ? t('An answering machine answered') : t('Could not tell who answered');
    case 'gather': return e.detail && e.detail.Digits ? t('Pressed {digits}: {what}', { digits: e.detail.Digits, what: word(status) }) : t('Pressed nothing: {what}', { what: word(status) });
    case 'recording': return status === 'completed' ? t('Recording saved') : t('Recording {status}', { status: word(status) });
    case 'carrier': return status === 'failed' ? t('The carrier refused the call') : status === 'unknown' ? t('The carrier did not confirm the call') : t('The carrier accepted the call');
    case 'transfer': return TRANSFER_WORDS[status] ? t(TRANSFER_WORDS[status]) : t('Hand-over: {status}', { status: word(status) });
    case 'said': return t('Outdial spoke');
    case 'conversation': return t('Conversation ended: {outcome}', { outcome: word(status) });
    case 'control': return t('Ended by hand');
    case 'reconcile': return t('Checked again with the carrier');
    case 'conference': return t('Conference: {status}', { status: word(status) });
    default: return `${e.kind}: ${status}`;
  }
}

/** The conversation of an automated call from its timeline: what Outdial said, what the person
 * pressed (or said), and whether a machine answered. */
function transcript(events) {
  const lines = [];
  events.forEach((e, i) => {
    if (e.kind === 'said') {
      for (const text of e.detail.lines || []) lines.push([t('Outdial'), text]);
      // Spoken after the menu only when nobody answered it.
      if (!events.slice(i + 1).some((x) => x.kind === 'gather')) for (const text of e.detail.unless_answered || []) lines.push([t('Outdial'), text]);
    } else if (e.kind === 'gather') {
      const d = e.detail || {};
      if (d.SpeechResult) lines.push([t('Person'), `“${d.SpeechResult}”`]);
      else if (d.Digits) lines.push([t('Person'), t('pressed {digits} ({what})', { digits: d.Digits, what: word(e.status || '') })]);
      else lines.push([t('Person'), t('pressed nothing')]);
    } else if (e.kind === 'amd' && String(e.status).startsWith('machine')) lines.push([t('Machine'), t('an answering machine answered')]);
  });
  return lines;
}

/** A conversation's turns as transcript lines: who spoke, what (silence said so), how sure the
 * recogniser was, and the actions taken between. */
function turnLines(turns) {
  return turns.map((x) => {
    if (x.speaker === 'agent') return [t('Outdial'), x.text];
    if (x.speaker === 'tool') return [t('Action'), x.text];
    if (x.data && x.data.keys) return [t('Person'), t('pressed {digits}', { digits: x.data.keys })];
    if (!x.text) return [t('Person'), t('(silence)')];
    const sure = x.confidence == null ? '' : ` (${t('{n}% sure', { n: Math.round(x.confidence * 100) })})`;
    return [t('Person'), `“${x.text}”${sure}`];
  });
}

/** What a conversation learned, as facts. */
function learned(conversation) {
  const x = conversation.extracted || {};
  const rows = [
    [t('Outcome'), badge(conversation.outcome || 'in-progress')],
    x.intent ? [t('Last intent'), word(x.intent)] : null,
    x.requested ? [t('Asked for'), x.requested] : null,
    x.booked_at ? [t('Booked'), when(x.booked_at)] : null,
    [t('Confirmed'), x.confirmed ? t('yes') : t('no')],
    x.callback_at ? [t('Call back'), when(x.callback_at)] : null,
    x.service_type ? [t('Service'), x.service_type] : null,
    x.notes ? [t('Notes'), x.notes] : null,
  ].filter(Boolean);
  return h('dl', { class: 'facts', id: 'extracted' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export async function render(main, { args, can }) {
  const id = args[0];
  const out = h('span', { id: 'hangup-result' });
  async function refresh() {
    const c = await get(`/api/v1/calls/${id}`);
    const transfer = await get(`/api/v1/calls/${id}/transfer`).catch(() => null);
    const agents = transfer ? await get('/api/v1/agents').catch(() => []) : [];
    const agentName = (uid) => (agents.find((a) => a.user_id === uid) || {}).name || t('agent {id}', { id: uid });
    const campaign = c.campaign_id ? await get(`/api/v1/campaigns/${c.campaign_id}`).catch(() => null) : null;
    const events = [...c.events].sort((a, b) => a.received_at - b.received_at || (a.sequence ?? 0) - (b.sequence ?? 0));
    mount(main,
      h('div', { class: 'bar' }, h('h1', {}, t('Call to {who}', { who: c.lead_name || c.to })), h('span', { class: 'muted' }, `#${c.id}`), badge(c.status), badge(c.outcome),
        can && can.manage && !OVER.includes(c.status)
          ? action(h('button', { class: 'danger', id: 'hangup' }, c.status === 'in-progress' ? t('Hang up') : t('Cancel call')), out, async () => {
            await post(`/api/v1/calls/${c.id}/hangup`, {});
            mount(out, notice('ok', t('Asked the carrier to end the call.')));
          })
          : null,
        out),
      h('div', { class: 'grid two' },
        h('div', { class: 'panel' }, h('dl', { class: 'facts' },
          h('dt', {}, t('To')), h('dd', {}, c.to), h('dt', {}, t('From')), h('dd', {}, c.from),
          h('dt', {}, t('Lead')), h('dd', {}, c.lead_id ? h('a', { href: `#/leads/${c.lead_id}` }, c.lead_name || c.to) : '—'),
          h('dt', {}, t('Campaign')), h('dd', {}, c.campaign_id ? h('a', { href: `#/campaigns/${c.campaign_id}` }, campaign ? campaign.name : t('a deleted campaign')) : '—'),
          h('dt', {}, t('Answered by')), h('dd', {}, c.answered_by ? word(c.answered_by) : '—'),
          h('dt', {}, t('Disposition')), h('dd', {}, badge(c.disposition)),
          h('dt', {}, t('Placed')), h('dd', {}, when(c.created_at)), h('dt', {}, t('Ended')), h('dd', {}, when(c.ended_at)),
          h('dt', {}, t('Ringing')), h('dd', {}, duration(c.ring_seconds)), h('dt', {}, t('Talk time')), h('dd', {}, duration(c.talk_seconds)),
          c.error_message ? [h('dt', {}, t('Error')), h('dd', {}, `${c.error_code ?? ''} ${c.error_message}`)] : null,
          c.price ? [h('dt', {}, t('Cost')), h('dd', {}, money(-Number(c.price), c.price_unit))] : null)),
        h('div', { class: 'panel' }, h('h2', {}, t('Recording')),
          c.recording_sid ? [h('audio', { controls: true, preload: 'metadata', src: `/api/v1/calls/${c.id}/recording` }),
            h('p', { class: 'muted' }, `${duration(c.recording_seconds)} · `, h('a', { href: `/api/v1/calls/${c.id}/recording`, download: `call-${c.id}.mp3` }, t('Download MP3')))]
            : h('p', { class: 'muted' }, t('No recording: recording is off for this campaign, or the call was not answered.')),
          c.conversation ? [h('h2', {}, t('Conversation')), learned(c.conversation)] : null,
          h('h2', {}, t('Transcript')), (() => {
            const lines = c.turns && c.turns.length ? turnLines(c.turns) : transcript(events);
            return lines.length ? h('ol', { class: 'transcript', id: 'transcript' }, lines.map(([who, text]) => h('li', {}, h('strong', {}, `${who}: `), text)))
              : h('p', { class: 'muted' }, t('Nothing was said on this call (it was not answered).'));
          })(),
          transfer ? [h('h2', {}, t('Handed to agents')), h('p', {}, badge(transfer.status), ' ', badge(transfer.outcome), transfer.disposition ? [' → ', badge(transfer.disposition)] : null, transfer.notes ? ` “${transfer.notes}”` : ''),
            h('ol', {}, transfer.legs.map((l) => h('li', {}, `${agentName(l.user_id)}: `, badge(l.status))))] : null)),
      h('h2', {}, t('Timeline')),
      h('ol', { class: 'timeline', id: 'timeline' }, events.map((e) => h('li', {},
        h('div', { class: 'when' }, new Date(e.received_at).toLocaleTimeString(intlLocale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' })),
        h('strong', {}, describe(e)),
        h('details', {}, h('summary', { class: 'muted' }, t('Details')), h('pre', {}, JSON.stringify(e.detail, null, 2)))))));
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
