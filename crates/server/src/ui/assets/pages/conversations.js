// Conversations: a flow's definition (a shipped template, edited here), checked with the line of
// each mistake, and tried as a text chat against the real engine — the slot offered is really
// looked up and held, what a call would change is listed instead of done.

import { get, post } from '../api.js';
import { h, mount, notice, field, action, badge } from '../dom.js';
import { t, word, language } from '../i18n.js';

const TYPES = ['cold_call', 'appointment_booking', 'appointment_reminder', 'service_follow_up'];

export async function render(main) {
  const [templates, calendars] = await Promise.all([get('/api/v1/conversations/templates'), get('/api/v1/calendars')]);
  const callType = h('select', { name: 'call_type' }, TYPES.map((x) => h('option', { value: x }, word(x))));
  const lang = h('select', { name: 'language' }, [['de', 'Deutsch'], ['en', 'English']].map(([v, n]) => h('option', { value: v, selected: v === language() ? true : null }, n)));
  const definition = h('textarea', { name: 'definition', rows: 18, spellcheck: 'false', class: 'code', 'aria-label': t('Definition') });
  const checkOut = h('div', { id: 'flow-check', 'aria-live': 'polite' });
  const load = () => {
    const found = templates.find((x) => x.call_type === callType.value && x.language === lang.value);
    definition.value = found ? found.definition : '';
    mount(checkOut);
    restart();
  };
  callType.addEventListener('change', load);
  definition.addEventListener('input', () => mount(checkOut));
  lang.addEventListener('change', load);
  /** Puts the caret on a line of the definition. */
  const goToLine = (line) => {
    const lines = definition.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    definition.focus();
    definition.setSelectionRange(start, start + (lines[line - 1] || '').length);
  };
  const check = action(h('button', { type: 'button' }, t('Check')), checkOut, async () => {
    try {
      const ok = await post('/api/v1/conversations/check', { definition: definition.value });
      mount(checkOut, notice('ok', t('The flow is fine: {n} steps, starting at “{start}”.', { n: ok.steps, start: ok.start })));
    } catch (e) {
      if (!e.details.length) throw e;
      mount(checkOut, h('div', { class: 'alert error', role: 'alert' }, h('strong', {}, t('Mistakes in the flow:')),
        h('ul', {}, e.details.map((d) => h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => goToLine(d.line || 1) }, t('Line {line}', { line: d.line || 1 })), ` ${d.message}`)))));
    }
  });

  // The chat.
  const calendar = h('select', { name: 'calendar_id' }, h('option', { value: '' }, t('No calendar')), calendars.map((c) => h('option', { value: String(c.id) }, c.name)));
  if (calendars.length) calendar.value = String(calendars[0].id);
  const log = h('ol', { class: 'chat', id: 'chat-log', 'aria-live': 'polite' });
  const said = h('input', { name: 'text', maxlength: 1000, placeholder: t('What the person says'), 'aria-label': t('What the person says') });
  const chatOut = h('div');
  let state = null;
  let ended = false;
  const line = (who, text, extra) => log.append(h('li', { class: who }, h('span', { class: 'who' }, who === 'voice' ? t('Voice') : who === 'person' ? t('Person') : t('Would do')), ' ', text, extra || null));
  async function turn(text) {
    const body = { definition: definition.value, language: lang.value, calendar_id: calendar.value ? Number(calendar.value) : undefined };
    if (state) { body.state = state; if (text) body.text = text; }
    const r = await post('/api/v1/conversations/chat', body);
    state = r.state;
    if (r.heard) log.lastElementChild?.append(' ', h('span', { class: 'muted' }, `(${word(r.heard.intent)}${r.heard.datetime ? ', ' + r.heard.datetime.date + (r.heard.datetime.time ? ' ' + r.heard.datetime.time : '') : ''})`));
    for (const s of r.say) line('voice', s);
    for (const a of r.actions) line('action', a);
    if (r.outcome) { ended = true; line('action', t('Call ends:'), [' ', badge(r.outcome)]); }
    said.disabled = ended;
  }
  async function restart() {
    state = null;
    ended = false;
    mount(log);
    mount(chatOut);
    said.disabled = false;
  }
  const send = h('form', { class: 'bar', novalidate: true }, said,
    h('button', { class: 'primary', type: 'submit' }, t('Say')),
    action(h('button', { type: 'button' }, t('Say nothing')), chatOut, async () => { if (!state || ended) return; line('person', t('(silence)')); await turn(null); }));
  send.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      if (!state) { await turn(null); if (!said.value.trim()) return; }
      if (ended || !said.value.trim()) return;
      line('person', said.value);
      const text = said.value;
      said.value = '';
      await turn(text);
    } catch (e) { mount(chatOut, notice('error', e.message)); }
  });
  const begin = action(h('button', { class: 'primary', type: 'button', id: 'chat-start' }, t('Start the conversation')), chatOut, async () => { await restart(); await turn(null); said.focus(); });
  mount(main,
    h('h1', {}, t('Conversations')),
    h('p', { class: 'muted' }, t('A conversation says something, asks, understands the answer and acts: it offers the free slot nearest to what the person asked for and books it, schedules a call-back, transfers or opts out. Start from a template, change it, check it, and try it as a chat.')),
    h('div', { class: 'grid two' },
      h('section', { class: 'panel' },
        h('div', { class: 'row' }, field(t('Template'), callType), field(t('Language of the flow'), lang)),
        definition, h('div', { class: 'bar' }, check), checkOut),
      h('section', { class: 'panel', 'aria-label': t('Try it as a chat') },
        h('h2', {}, t('Try it as a chat')),
        field(t('Calendar for the slots'), calendar),
        h('p', { class: 'muted' }, t('Slots offered are really held for a few minutes; bookings, call-backs, transfers and opt-outs are only described.')),
        h('div', { class: 'bar' }, begin), log, send, chatOut)));
  load();
}
