// "Try it": what Outdial understands of a typed sentence — the intent and the day and time it
// names, resolved in the browser's time zone now (POST /api/v1/understand). Shown in Settings.

import { post } from './api.js';
import { h, mount, notice, field } from './dom.js';
import { t, word, language } from './i18n.js';

/** The "Try it" panel. */
export function tryUnderstanding() {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const text = h('input', { name: 'text', placeholder: t('e.g. Thursday at half past three'), maxlength: 1000 });
  const lang = h('select', { name: 'lang' },
    [['de', 'Deutsch'], ['en', 'English']].map(([v, n]) => h('option', { value: v, selected: v === language() ? true : null }, n)));
  const out = h('div', { id: 'understood', 'aria-live': 'polite' });
  const form = h('form', { class: 'stack panel', novalidate: true },
    h('h2', {}, t('Try what Outdial understands')),
    h('p', { class: 'muted' }, t('Type what a person might say on the phone. Outdial reads the intent and the day and time, in your time zone ({zone}).', { zone: tz })),
    h('div', { class: 'row' }, field(t('Sentence'), text), field(t('Language of the sentence'), lang)),
    h('button', { class: 'primary', type: 'submit' }, t('Understand')), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await post('/api/v1/understand', { text: text.value, lang: lang.value, tz });
      const d = r.datetime;
      const when = !d ? t('no day or time')
        : d.kind === 'instant' ? `${d.date} ${d.time}`
          : d.kind === 'day' ? d.date
            : `${d.date} ${d.from || '…'}–${d.to || '…'}`;
      mount(out, h('dl', { class: 'facts' },
        h('dt', {}, t('Intent')), h('dd', { 'data-understood': 'intent' }, word(r.intent)),
        h('dt', {}, t('Confidence')), h('dd', {}, `${Math.round(r.confidence * 100)} %`),
        h('dt', {}, t('Day and time')), h('dd', { 'data-understood': 'when' }, when)));
    } catch (e) { mount(out, notice('error', e.message)); }
  });
  return form;
}
