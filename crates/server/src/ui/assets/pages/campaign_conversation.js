// The campaign form's "Conversation" part: whether a person who answers hears the key menu or
// talks with Outdial (a flow, a language model, or the tenant's Dialogflow CX agent), the
// calendar it books in, the flow's definition (empty: the shipped template), the language
// model's prompt and limits, and the Dialogflow agent's name and limits. The definition is
// checked by the server, which names the line of each mistake.

import { h, field } from '../dom.js';
import { t, key } from '../i18n.js';

// Each mode's short name (the choice) and what it means (shown under it).
const MODES = {
  menu: [key('Key menu'), key('The message, then keys.')],
  flow: [key('Conversation flow'), key('Speech and keys, in steps you define.')],
  llm: [key('Language model'), key('A model leads the talk and books through tools.')],
  dialogflow: [key('Dialogflow CX agent'), key('Your agent leads the talk; Outdial acts on its intents and books in its calendar.')],
};

const f = (label, el, hint) => { const box = field(label, el, hint); box.dataset.field = el.name; return box; };

/** The fieldset and a function that reads it back as `settings.conversation`. */
export function conversationFields(settings, calendars) {
  const c = settings.conversation || {};
  const llm = c.llm || {};
  const mode = h('select', { name: 'settings.conversation.mode' },
    Object.entries(MODES).map(([v, [label]]) => h('option', { value: v, selected: (c.mode || 'menu') === v ? true : null }, t(label))));
  const modeHint = h('p', { class: 'muted', id: 'conversation-mode-hint' });
  const calendar = h('select', { name: 'settings.conversation.calendar_id' },
    h('option', { value: '' }, t('No calendar (nothing is offered)')),
    calendars.map((cal) => h('option', { value: String(cal.id), selected: cal.id === c.calendar_id ? true : null }, cal.name)));
  const definition = h('textarea', { name: 'settings.conversation.definition', rows: 8, spellcheck: 'false', class: 'code' }, c.definition || '');
  definition.placeholder = t("Empty: the shipped template for the campaign's type, in its language (see Conversations)");
  const prompt = h('textarea', { name: 'settings.conversation.llm.system_prompt', rows: 5 }, llm.system_prompt || '');
  prompt.placeholder = t('Empty: a built-in prompt that books an appointment');
  const greeting = h('input', { name: 'settings.conversation.llm.greeting', value: llm.greeting || '' });
  const num = (name, value, min, max) => h('input', { name, type: 'number', inputmode: 'numeric', min, max, value: value ?? '' });
  const turns = num('settings.conversation.llm.max_turns', llm.max_turns ?? 20, 1, 50);
  const seconds = num('settings.conversation.llm.max_call_seconds', llm.max_call_seconds ?? 600, 30, 1800);
  const tokens = num('settings.conversation.llm.max_tokens', llm.max_tokens ?? 20000, 1000, 200000);
  const flowBox = h('div', {}, f(t('Flow definition (JSON)'), definition, t('Steps that say, ask, offer a slot, book, schedule a call-back, transfer, opt out or end. Try it under Conversations.')));
  const llmBox = h('div', {},
    f(t('Instructions for the model'), prompt, t('Placeholders: {list}', { list: '{first_name}, {last_name}, {company}, {campaign_name}, {phone}, {today}, {custom.NAME}' })),
    f(t('First words'), greeting, t("Empty: a greeting in the campaign's language")),
    h('div', { class: 'row' }, f(t('Most answers'), turns), f(t('Longest call (s)'), seconds), f(t('Most tokens per call'), tokens)),
    h('p', { class: 'muted' }, t('The model (address, name, key) is set under Settings → Language model.')));
  const df = c.dialogflow || {};
  const agent = h('input', { name: 'settings.conversation.dialogflow.agent', value: df.agent || '', spellcheck: 'false' });
  agent.placeholder = 'projects/PROJECT/locations/europe-west3/agents/AGENT';
  const languageCode = h('input', { name: 'settings.conversation.dialogflow.language_code', value: df.language_code || '', size: 8 });
  languageCode.placeholder = t("Empty: the campaign's");
  const dfTurns = num('settings.conversation.dialogflow.max_turns', df.max_turns ?? 20, 1, 50);
  const dfSeconds = num('settings.conversation.dialogflow.max_call_seconds', df.max_call_seconds ?? 600, 30, 1800);
  const dfBox = h('div', {},
    f(t('Agent'), agent, t("The agent's name, as its settings in the Dialogflow CX console show it.")),
    h('div', { class: 'row' }, f(t("Agent's language"), languageCode), f(t('Most answers'), dfTurns), f(t('Longest call (s)'), dfSeconds)),
    h('p', { class: 'muted' }, t('The service account is set under Settings → Dialogflow CX. Intents named check_availability, book_appointment, confirm, schedule_callback, transfer_to_agent, opt_out or end_call (or the parameter outdial_action) make Outdial act.')));
  const show = () => {
    flowBox.hidden = mode.value !== 'flow';
    llmBox.hidden = mode.value !== 'llm';
    dfBox.hidden = mode.value !== 'dialogflow';
    modeHint.textContent = t((MODES[mode.value] || MODES.menu)[1]);
  };
  mode.addEventListener('change', show);
  show();
  const box = h('fieldset', { id: 'conversation' }, h('legend', {}, t('Conversation')),
    h('div', { class: 'row' }, f(t('A person who answers'), mode), f(t('Calendar to book in'), calendar)),
    modeHint, flowBox, llmBox, dfBox);
  const value = () => ({
    ...c,
    mode: mode.value,
    calendar_id: calendar.value ? Number(calendar.value) : null,
    definition: definition.value,
    llm: { ...llm, system_prompt: prompt.value, greeting: greeting.value, max_turns: Number(turns.value) || 20, max_call_seconds: Number(seconds.value) || 600, max_tokens: Number(tokens.value) || 20000 },
    dialogflow: { ...df, agent: agent.value.trim(), language_code: languageCode.value.trim(), max_turns: Number(dfTurns.value) || 20, max_call_seconds: Number(dfSeconds.value) || 600 },
  });
  return { box, value };
}
