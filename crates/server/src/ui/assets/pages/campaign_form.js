// Creating and editing a campaign with every setting: what to say, when to call, how fast,
// retries, answering machines and agents. The server checks everything; its messages appear
// next to the field they concern.

import { get, post, patch, put, api, qs } from '../api.js';
import { h, mount, field, showErrors, notice } from '../dom.js';
import { t, tn, key, word } from '../i18n.js';
import { conversationFields } from './campaign_conversation.js';

const TYPES = ['general', 'service_follow_up', 'sales_outreach', 'appointment_reminder', 'customer_satisfaction', 'payment_reminder'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const PACING = {
  fixed_interval: key('Fixed interval — one call every N seconds'),
  unattended: key('Unattended — message or IVR, up to the concurrent limit'),
  progressive: key('Progressive — one call per free agent'),
  power: key('Power — a fixed number of calls per free agent'),
  predictive: key('Predictive — adapts to the answer rate, holds abandonment under a target'),
};
const KEY_ACTIONS = { '': key('nothing'), connect: key('connect to a person'), opt_out: key('never call again'), repeat: key('repeat the message'), goodbye: key('end the call'), confirm: key('confirm appointment'), reschedule: key('move appointment'), cancel_appointment: key('cancel appointment') };
const MENU_KEYS = ['1', '2', '3', '9', '0', '*', '#'];
const ZONES = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
// The languages Twilio speaks and hears, and its voices for each (Amazon Polly's standard
// voices; `alice`, `man` and `woman` are Twilio's own, for English).
const LANGUAGES = {
  'en-US': key('English (US)'), 'en-GB': key('English (UK)'), 'en-AU': key('English (Australia)'), 'en-IN': key('English (India)'),
  'de-DE': key('German (Germany)'), 'fr-FR': key('French (France)'), 'es-ES': key('Spanish (Spain)'), 'es-US': key('Spanish (US)'),
  'it-IT': key('Italian'), 'nl-NL': key('Dutch'),
};
const VOICES = {
  'en-US': ['Polly.Joanna', 'Polly.Matthew', 'Polly.Salli', 'Polly.Kimberly', 'Polly.Kendra', 'Polly.Ivy', 'Polly.Joey', 'Polly.Justin', 'alice', 'woman', 'man'],
  'en-GB': ['Polly.Amy', 'Polly.Emma', 'Polly.Brian', 'alice'],
  'en-AU': ['Polly.Nicole', 'Polly.Russell', 'alice'],
  'en-IN': ['Polly.Aditi', 'Polly.Raveena', 'alice'],
  'de-DE': ['Polly.Marlene', 'Polly.Vicki', 'Polly.Hans', 'alice'],
  'fr-FR': ['Polly.Celine', 'Polly.Lea', 'Polly.Mathieu', 'alice'],
  'es-ES': ['Polly.Conchita', 'Polly.Lucia', 'Polly.Enrique', 'alice'],
  'es-US': ['Polly.Penelope', 'Polly.Lupe', 'Polly.Miguel'],
  'it-IT': ['Polly.Carla', 'Polly.Bianca', 'Polly.Giorgio', 'alice'],
  'nl-NL': ['Polly.Lotte', 'Polly.Ruben', 'alice'],
};

/** A select of `values`, keeping a saved value that is not among them (so nothing is lost). */
const choose = (name, values, value, label = (v) => v) => h('select', { name },
  (values.includes(value) || !value ? values : [value, ...values]).map((v) => h('option', { value: v, selected: v === value ? true : null }, label(v))));

const input = (name, value, attrs = {}) => h('input', { name, value: value ?? '', ...attrs });
const number = (name, value, attrs = {}) => input(name, value, { type: 'number', inputmode: 'numeric', ...attrs });
const select = (name, options, value) => h('select', { name }, Object.entries(options).map(([v, label]) => h('option', { value: v, selected: v === value ? true : null }, t(label))));
const area = (name, value, rows = 3) => h('textarea', { name, rows }, value ?? '');
const f = (label, el, hint) => { const box = field(label, el, hint); box.dataset.field = el.name; return box; };
const opt = (s) => (s === '' ? null : Number(s));

export async function render(main, { args, can }) {
  const id = args[0];
  const title = id ? t('Edit campaign') : t('New campaign');
  if (!can.manage) { mount(main, h('h1', {}, title), notice('error', t('Your role cannot change campaigns; ask a manager.'))); return; }
  // A new campaign's form starts from the settings the server gives a campaign by default.
  const c = id ? await get(`/api/v1/campaigns/${id}`) : null;
  const groups = await get('/api/v1/agent-groups');
  let recordings = await get('/api/v1/audio');
  const s = c ? c.settings : await get('/api/v1/campaigns/defaults');
  if (!c) s.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || s.timezone;
  const p = s.pacing;
  const top = h('div');
  const name = input('name', c ? c.name : '', { required: true, maxlength: 200 });
  const type = h('select', { name: 'type' }, TYPES.map((x) => h('option', { value: x, selected: x === (c ? c.type : 'general') ? true : null }, word(x))));
  const callerIds = input('settings.caller_ids', s.caller_ids.join(', '), { placeholder: '+18134893200' });
  const tzInput = choose('settings.timezone', ZONES, s.timezone, (z) => z.replace(/_/g, ' '));
  const country = input('settings.default_country', s.default_country, { maxlength: 2, size: 2 });
  const start = input('settings.calling_window.start', s.calling_window.start, { type: 'time' });
  const end = input('settings.calling_window.end', s.calling_window.end, { type: 'time' });
  const days = h('div', { class: 'checks', role: 'group', 'aria-label': t('Calling days') }, DAYS.map((d) => h('label', {}, h('input', { type: 'checkbox', name: 'day', value: d, checked: s.calling_window.days.includes(d) }), word(d))));
  // The Twilio account's numbers, offered as caller IDs (a click adds one). Managers only may
  // list them; anyone else simply types numbers.
  const accountNumbers = h('div', { class: 'bar', 'aria-label': t('Numbers on your Twilio account') });
  get('/api/v1/settings/twilio/numbers').then((n) => {
    const usable = n.items.filter((x) => x.voice);
    if (!usable.length) return;
    mount(accountNumbers, h('span', { class: 'muted' }, t('Your numbers:')), usable.map((x) => h('button', {
      type: 'button', class: 'small', title: x.friendly_name || x.phone_number,
      onclick: () => {
        const current = callerIds.value.split(/[,\s]+/).filter(Boolean);
        if (!current.includes(x.phone_number)) callerIds.value = [...current, x.phone_number].join(', ');
      },
    }, `+ ${x.phone_number}`)));
  }).catch(() => {});
  const daysField = h('div', { class: 'field', 'data-field': 'settings.calling_window.days' }, h('span', { class: 'label' }, h('strong', {}, t('Days'))), days, h('div', { class: 'error' }));
  const dailyLimit = number('settings.daily_call_limit', s.daily_call_limit, { min: 1, placeholder: t('no limit') });
  const concurrent = number('settings.max_concurrent_calls', s.max_concurrent_calls, { min: 1 });
  const mode = select('settings.pacing.mode', PACING, p.mode);
  const interval = number('settings.pacing.interval_seconds', p.interval_seconds ?? 120, { min: 10 });
  const ratio = number('settings.pacing.ratio', p.ratio ?? 2, { min: 1, max: 5, step: 0.1 });
  const maxRatio = number('settings.pacing.max_ratio', p.max_ratio ?? 3, { min: 1, max: 5, step: 0.1 });
  const target = number('settings.pacing.target_abandon_percent', p.target_abandon_percent ?? 3, { min: 0.1, max: 3, step: 0.1 });
  const pacingExtra = h('div', { class: 'row' });
  const showPacing = () => mount(pacingExtra,
    mode.value === 'fixed_interval' ? f(t('Seconds between calls'), interval) : null,
    mode.value === 'power' ? f(t('Calls per free agent'), ratio, t('1 to 5')) : null,
    mode.value === 'predictive' ? [f(t('Highest calls per free agent'), maxRatio, t('1 to 5')), f(t('Abandonment target (%)'), target, t('US law: at most 3% per campaign over 30 days'))] : null);
  mode.addEventListener('change', showPacing);
  showPacing();
  const perLead = number('settings.max_attempts_per_lead', s.max_attempts_per_lead, { min: 1 });
  const per24h = number('settings.max_attempts_per_24h', s.max_attempts_per_24h, { min: 1 });
  const retry = Object.fromEntries(['busy', 'no_answer', 'voicemail', 'failed', 'no_input'].map((k) => [k, [
    number(`settings.retry.${k}.delay_minutes`, s.retry[k].delay_minutes, { min: 0 }),
    number(`settings.retry.${k}.max_attempts`, s.retry[k].max_attempts, { min: 0 })]]));
  const amd = h('input', { type: 'checkbox', name: 'settings.machine_detection.enabled', checked: s.machine_detection.enabled });
  const amdMode = select('settings.machine_detection.mode', { detect_message_end: key('Wait for the greeting to end'), enable: key('Detect quickly') }, s.machine_detection.mode);
  const amdTimeout = number('settings.machine_detection.timeout_seconds', s.machine_detection.timeout_seconds, { min: 3, max: 59 });
  const vmAction = select('settings.voicemail.action', { leave_message: key('Leave the voicemail message'), hang_up: key('Hang up') }, s.voicemail.action);
  const message = area('settings.script.message', s.script.message, 4);
  const vmMessage = area('settings.script.voicemail_message', s.script.voicemail_message);
  // A recording instead of the text: one already uploaded, or a file uploaded here.
  const audioPick = (name, current) => {
    const sel = h('select', { name });
    const fill = () => mount(sel, h('option', { value: '' }, t('Speak the text')),
      recordings.map((r) => h('option', { value: r.id, selected: current && current.upload === r.id ? true : null }, t('Play “{name}”', { name: r.name }))),
      current && current.url ? h('option', { value: `url:${current.url}`, selected: true }, t('Play {url}', { url: current.url })) : null);
    fill();
    const file = h('input', { type: 'file', accept: 'audio/mpeg,audio/wav,.mp3,.wav' });
    file.addEventListener('change', async () => {
      if (!file.files.length) return;
      try {
        const up = await api('POST', `/api/v1/audio?name=${encodeURIComponent(file.files[0].name)}`, file.files[0]);
        recordings = [up, ...recordings];
        current = { upload: up.id };
        fill();
        sel.value = String(up.id);
      } catch (e) { mount(top, notice('error', e.message)); }
    });
    sel.upload = file;
    return sel;
  };
  const audioValue = (sel) => (sel.value === '' ? null : sel.value.startsWith('url:') ? { url: sel.value.slice(4) } : { upload: Number(sel.value) });
  const messageAudio = audioPick('settings.script.message_audio', s.script.message_audio);
  const vmAudio = audioPick('settings.script.voicemail_audio', s.script.voicemail_audio);
  const types = s.script.call_types || {};
  const typeText = Object.fromEntries(['cold_call', 'appointment_booking'].map((k) => [k, [
    area(`settings.script.call_types.${k}.message`, (types[k] || {}).message, 2),
    area(`settings.script.call_types.${k}.voicemail_message`, (types[k] || {}).voicemail_message, 2)]]));
  const menu = s.menu;
  const menuOn = h('input', { type: 'checkbox', name: 'settings.menu.enabled', checked: menu.enabled });
  const menuSaysItself = h('input', { type: 'checkbox', name: 'menu_in_message', checked: menu.prompt === '' });
  const menuPrompt = area('settings.menu.prompt', menu.prompt || '', 2);
  menuPrompt.placeholder = t("Empty: built from the keys, in the campaign's language");
  const keySelects = MENU_KEYS.map((k) => {
    const own = menu.keys.find((x) => x.key === k);
    return [k, h('select', { name: `menu-key-${k}`, 'aria-label': t('Key {key}', { key: k }) }, Object.entries(KEY_ACTIONS).map(([v, label]) => h('option', { value: v, selected: (own ? own.action : '') === v ? true : null }, t(label))))];
  });
  const menuTimeout = number('settings.menu.timeout_seconds', menu.timeout_seconds, { min: 3, max: 30 });
  const transferNumber = input('settings.script.transfer_number', s.script.transfer_number, { placeholder: t('optional, e.g. +18134893201') });
  const language = choose('settings.script.language', Object.keys(LANGUAGES), s.script.language, (l) => (LANGUAGES[l] ? t(LANGUAGES[l]) : l));
  let voice = choose('settings.script.voice', VOICES[s.script.language] || [], s.script.voice, (v) => v.replace('Polly.', ''));
  // A new language offers its own voices, its first one chosen.
  language.addEventListener('change', () => {
    const own = VOICES[language.value] || [];
    const next = choose('settings.script.voice', own, own.includes(voice.value) ? voice.value : own[0], (v) => v.replace('Polly.', ''));
    next.id = voice.id;
    next.setAttribute('aria-describedby', voice.getAttribute('aria-describedby'));
    voice.replaceWith(next);
    voice = next;
  });
  const recording = h('input', { type: 'checkbox', name: 'settings.recording', checked: s.recording });
  const ring = number('settings.ring_timeout_seconds', s.ring_timeout_seconds, { min: 5, max: 600 });
  const wrap = number('settings.wrap_up_seconds', s.wrap_up_seconds, { min: 0 });
  const tx = s.transfer;
  const agentRing = number('settings.transfer.agent_ring_seconds', tx.agent_ring_seconds, { min: 5 });
  const accept = number('settings.transfer.accept_seconds', tx.accept_seconds, { min: 1 });
  const maxWait = number('settings.transfer.max_wait_seconds', tx.max_wait_seconds, { min: 2 });
  const fallback = select('settings.transfer.fallback', { callback: key('Schedule a call-back'), message: key('Play a message and hang up'), voicemail: key('Take a voicemail') }, tx.fallback);
  const cbDelay = number('settings.transfer.callback_delay_minutes', tx.callback_delay_minutes, { min: 1 });
  const seller = input('settings.transfer.seller_name', tx.seller_name);
  const harbour = area('settings.transfer.safe_harbour_message', tx.safe_harbour_message);
  // Agents of these groups take the campaign's calls (progressive, power, predictive, press 1).
  const groupBoxes = h('div', { class: 'checks', role: 'group', 'aria-label': t('Agent groups') }, groups.length
    ? groups.map((g) => h('label', {}, h('input', { type: 'checkbox', name: 'group', value: g.id, checked: id && g.campaigns.includes(Number(id)) }), `${g.name} (${tn('{n} agents', g.members.length)})`))
    : h('span', { class: 'muted' }, t('No agent groups yet: create one under Settings → Agent groups.')));
  // Reminder campaigns: which calendar's appointments, and how long before each its call.
  const calendars = await get('/api/v1/calendars').catch(() => []);
  const reminders = s.reminders || { calendar_id: null, hours_before: 24 };
  const reminderCalendar = h('select', { name: 'settings.reminders.calendar_id' },
    h('option', { value: '' }, t('Every calendar')),
    calendars.map((cal) => h('option', { value: String(cal.id), selected: cal.id === reminders.calendar_id ? true : null }, cal.name)));
  const hoursBefore = number('settings.reminders.hours_before', reminders.hours_before, { min: 1, max: 168 });
  const reminderBox = h('fieldset', { id: 'reminders' }, h('legend', {}, t('Appointments to remind of')),
    h('p', { class: 'muted' }, t('Each appointment with a phone number becomes a lead of this campaign when it is this close, and is called once. Keys can confirm, move or cancel it.')),
    h('div', { class: 'row' }, f(t('Calendar'), reminderCalendar), f(t('Hours before the appointment'), hoursBefore, t('1 to 168 (a week); 24 calls a day before'))));
  const conversation = conversationFields(s, calendars);
  const showReminders = () => { reminderBox.hidden = type.value !== 'appointment_reminder'; };
  showReminders();
  // A new campaign takes its type's words, keys and pace (a reminder's confirm/move/cancel).
  type.addEventListener('change', async () => {
    showReminders();
    if (id) return;
    try {
      const d = await get('/api/v1/campaigns/defaults' + qs({ type: type.value }));
      message.value = d.script.message;
      vmMessage.value = d.script.voicemail_message;
      for (const [k, sel] of keySelects) { const own = d.menu.keys.find((x) => x.key === k); sel.value = own ? own.action : ''; }
      mode.value = d.pacing.mode;
      showPacing();
    } catch (e) { mount(top, notice('error', e.message)); }
  });
  const save = h('button', { class: 'primary', type: 'submit' }, id ? t('Save changes') : t('Create campaign'));

  const form = h('form', { class: 'stack', novalidate: true },
    top,
    h('fieldset', {}, h('legend', {}, t('Campaign')), h('div', { class: 'row' }, f(t('Name'), name), f(t('Type'), type))),
    h('fieldset', {}, h('legend', {}, t('What the called person hears')),
      f(t('Message'), message, t('Placeholders: {list}. The key menu below follows it.', { list: '{first_name}, {last_name}, {company}, {campaign_name}, {appointment_day}, {appointment_time}, {calendar_name}' })),
      h('div', { class: 'row' }, f(t('Message played'), messageAudio, t('MP3 or WAV, instead of speaking the text')), field(t("Upload the message's recording"), messageAudio.upload)),
      f(t('Voicemail message'), vmMessage, t('Left after the beep when a machine answers.')),
      h('div', { class: 'row' }, f(t('Voicemail played'), vmAudio), field(t("Upload the voicemail's recording"), vmAudio.upload)),
      Object.entries(typeText).map(([k, [m, v]]) => {
        const label = k === 'cold_call' ? t('Call now') : t('Book appointment');
        return h('details', { class: 'call-type' }, h('summary', {}, t('Own words for “{label}”', { label })),
          f(t('{label}: message', { label }), m, t("Empty: the campaign's message")), f(t('{label}: voicemail message', { label }), v, t("Empty: the campaign's voicemail")));
      }),
      h('div', { class: 'row' }, f(t('Transfer number'), transferNumber, t('Where "press 1" goes when no agent is logged in')), f(t('Spoken language'), language), f(t('Voice'), voice))),
    h('fieldset', {}, h('legend', {}, t('Key menu after the message')),
      h('div', { class: 'checks' }, h('label', {}, menuOn, t('Offer keys after the message')), h('label', {}, menuSaysItself, t('The message says the keys itself (no prompt)'))),
      h('div', { class: 'row keys', 'data-field': 'settings.menu.keys' }, keySelects.map(([k, sel]) => field(t('Key {key}', { key: k }), sel))),
      f(t('Prompt'), menuPrompt, t('What is said after the message; empty builds it from the keys (German or English). Key “connect” is not offered while nobody could take the call.')),
      f(t('Wait for a key (s)'), menuTimeout, t('Then the person counts as “no input”'))),
    conversation.box,
    reminderBox,
    h('fieldset', {}, h('legend', {}, t('When to call')),
      h('div', { class: 'row' }, f(t('Caller IDs'), callerIds, t('Your Twilio numbers, comma-separated')), f(t('Campaign time zone'), tzInput, t('Used for leads whose own zone is unknown')), f(t('Default country'), country, t('For numbers without +country code'))),
      accountNumbers,
      h('div', { class: 'row' }, f(t('From'), start, t("In each lead's own time zone")), f(t('Until'), end)), daysField),
    h('fieldset', {}, h('legend', {}, t('Pace')),
      f(t('Pacing'), mode), pacingExtra,
      h('div', { class: 'row' }, f(t('Calls at once (max)'), concurrent), f(t('Daily call limit'), dailyLimit, t('Empty for none')), f(t('Ring time (s)'), ring))),
    h('fieldset', {}, h('legend', {}, t('Attempts and retries')),
      h('div', { class: 'row' }, f(t('Attempts per lead'), perLead), f(t('Attempts per lead in 24 h'), per24h)),
      Object.entries(retry).map(([k, [delay, max]]) => h('div', { class: 'row' }, f(t('After “{outcome}”: wait (minutes)', { outcome: word(k) }), delay), f(t('…up to attempts in all'), max)))),
    h('fieldset', {}, h('legend', {}, t('Answering machines and recording')),
      h('div', { class: 'checks' }, h('label', {}, amd, t('Detect answering machines')), h('label', {}, recording, t('Record calls'))),
      h('div', { class: 'row wide' }, f(t('Detection'), amdMode, t('Waiting lets a message be left after the beep')), f(t('Detection timeout (s)'), amdTimeout), f(t('When a machine answers'), vmAction))),
    h('fieldset', {}, h('legend', {}, t('Agents (progressive, power, predictive, press 1)')),
      h('div', { class: 'field', 'data-field': 'group_ids' }, h('strong', {}, t('Agent groups that take these calls')), groupBoxes, h('div', { class: 'error' })),
      h('div', { class: 'row' }, f(t("Ring an agent's phone (s)"), agentRing), f(t('Time to accept (s)'), accept), f(t('Longest wait on hold (s)'), maxWait)),
      h('div', { class: 'row wide' }, f(t('When no agent takes the call'), fallback), f(t('Call back after (minutes)'), cbDelay), f(t('Seller name'), seller, t('Said in the safe-harbour message'))),
      f(t('Safe-harbour message'), harbour, t('Played when nobody is free within 2 seconds. {seller} and {callback_number} are filled in.', { seller: '{seller}', callback_number: '{callback_number}' })),
      f(t('Wrap-up after each call (s)'), wrap)),
    h('div', { class: 'bar' }, save, h('a', { class: 'button', href: id ? `#/campaigns/${id}` : '#/campaigns' }, t('Cancel'))));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const pacing = { mode: mode.value };
    if (mode.value === 'fixed_interval') pacing.interval_seconds = opt(interval.value);
    if (mode.value === 'power') pacing.ratio = opt(ratio.value);
    if (mode.value === 'predictive') { pacing.max_ratio = opt(maxRatio.value); pacing.target_abandon_percent = opt(target.value); }
    const settings = {
      caller_ids: callerIds.value.split(/[,\s]+/).filter(Boolean), timezone: tzInput.value.trim(), default_country: country.value.trim().toUpperCase(),
      calling_window: { start: start.value, end: end.value, days: [...days.querySelectorAll('input:checked')].map((i) => i.value) },
      daily_call_limit: opt(dailyLimit.value), max_concurrent_calls: opt(concurrent.value), pacing,
      max_attempts_per_lead: opt(perLead.value), max_attempts_per_24h: opt(per24h.value),
      retry: Object.fromEntries(Object.entries(retry).map(([k, [d, m]]) => [k, { delay_minutes: opt(d.value), max_attempts: opt(m.value) }])),
      machine_detection: { enabled: amd.checked, mode: amdMode.value, timeout_seconds: opt(amdTimeout.value) },
      voicemail: { action: vmAction.value },
      script: {
        message: message.value, voicemail_message: vmMessage.value, message_audio: audioValue(messageAudio), voicemail_audio: audioValue(vmAudio),
        call_types: Object.fromEntries(Object.entries(typeText).map(([k, [m, v]]) => [k, { message: m.value, voicemail_message: v.value }])),
        transfer_number: transferNumber.value.trim() || null, language: language.value.trim(), voice: voice.value.trim(),
      },
      menu: {
        enabled: menuOn.checked, timeout_seconds: opt(menuTimeout.value),
        prompt: menuSaysItself.checked ? '' : (menuPrompt.value.trim() ? menuPrompt.value : null),
        keys: keySelects.filter(([, sel]) => sel.value).map(([k, sel]) => ({ key: k, action: sel.value })),
      },
      recording: recording.checked, ring_timeout_seconds: opt(ring.value), wrap_up_seconds: opt(wrap.value),
      reminders: { calendar_id: reminderCalendar.value ? Number(reminderCalendar.value) : null, hours_before: opt(hoursBefore.value) },
      conversation: conversation.value(),
      transfer: { agent_ring_seconds: opt(agentRing.value), accept_seconds: opt(accept.value), max_wait_seconds: opt(maxWait.value), fallback: fallback.value, callback_delay_minutes: opt(cbDelay.value), seller_name: seller.value, safe_harbour_message: harbour.value },
    };
    const body = { name: name.value.trim(), type: type.value, settings };
    save.disabled = true;
    try {
      const saved = id ? await patch(`/api/v1/campaigns/${id}`, body) : await post('/api/v1/campaigns', body);
      if (groups.length) {
        await put(`/api/v1/campaigns/${saved.id}/agent-groups`, { group_ids: [...groupBoxes.querySelectorAll('input:checked')].map((i) => Number(i.value)) });
      }
      location.hash = `#/campaigns/${saved.id}`;
    } catch (e) {
      showErrors(form, e, top);
    } finally { save.disabled = false; }
  });
  mount(main, h('h1', {}, title), form);
  name.focus();
}
