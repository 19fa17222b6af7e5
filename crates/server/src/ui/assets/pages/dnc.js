// The do-not-call list: search it, add a number (every role may: a person's request must be
// honoured), remove one (managers), upload a list.

import { get, post, del, api, qs } from '../api.js';
import { h, mount, table, pager, when, notice, field, showErrors, action } from '../dom.js';
import { t, tn, word } from '../i18n.js';

export async function render(main, { params, can }) {
  const q = params.get('q') || '';
  const out = h('div');
  const top = h('div');
  const phone = h('input', { name: 'phone', type: 'tel', required: true, placeholder: t('{example} or {local}', { example: '+18134893222', local: '(813) 489-3222' }) });
  const country = h('input', { name: 'country', maxlength: 2, placeholder: 'US', value: 'US' });
  const reason = h('input', { name: 'reason', placeholder: t('e.g. asked on a call') });
  const addButton = h('button', { class: 'primary', type: 'submit' }, t('Add to the list'));
  const add = h('form', { class: 'stack panel', novalidate: true }, h('h2', {}, t('Add a number')), top, h('div', { class: 'row' }, field(t('Phone'), phone), field(t('Country'), country, t('For numbers without +country code')), field(t('Reason'), reason)), addButton);
  add.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    addButton.disabled = true;
    try {
      const r = await post('/api/v1/dnc', { phone: phone.value, country: country.value || null, reason: reason.value });
      mount(top, notice('ok', t('{phone} is on the do-not-call list: it will not be called.', { phone: r.entry.phone }) +
        (r.newly_listed ? '' : ` ${t('(It was listed already.)')}`) + (r.leads_marked ? ` ${tn('{n} leads marked do-not-call.', r.leads_marked)}` : '')));
      phone.value = ''; reason.value = '';
      rows.reload();
    } catch (e) { showErrors(add, e, top); } finally { addButton.disabled = false; }
  });
  const file = h('input', { type: 'file', accept: '.csv,.txt,text/plain,text/csv', name: 'file' });
  // The same form and button as "Add a number" beside it.
  const upload = h('form', { class: 'stack panel', novalidate: true }, h('h2', {}, t('Upload a list')), field(t('File'), file, t('One number per line (or a CSV whose first column is the number).')),
    action(h('button', { class: 'primary', type: 'submit' }, t('Upload the list')), out, async () => {
      if (!file.files.length) { mount(out, notice('error', t('Choose a file first.'))); return; }
      const r = await api('POST', '/api/v1/dnc/import' + qs({ country: country.value || 'US' }), file.files[0]);
      const bad = r.rejected || [];
      mount(out, notice(bad.length ? 'error' : 'ok', [tn('{n} numbers added', r.added), tn('{n} already listed', r.already_listed), tn('{n} leads marked do-not-call.', r.leads_marked)].join(', ') +
        (bad.length ? ` ${tn('{n} lines hold no number:', bad.length)} ` + bad.slice(0, 10).map((x) => `${t('line {line}', { line: x.line })}: ${x.reason}`).join('; ') : '')));
      rows.reload();
    }));
  const search = h('input', { type: 'search', value: q, 'aria-label': t('Search numbers'), placeholder: t('Search numbers') });
  const searchForm = h('form', { role: 'search', class: 'bar' }, search, h('button', { type: 'submit' }, t('Search')));
  searchForm.addEventListener('submit', (e) => { e.preventDefault(); location.hash = '#/dnc' + qs({ q: search.value.trim() }); });
  const rows = pager((cursor) => get('/api/v1/dnc' + qs({ q, cursor, limit: 50 })), (items) => table([
    [t('Number'), (e) => e.phone], [t('Reason'), (e) => e.reason || '—'], [t('Source'), (e) => word(e.source), { optional: true }],
    [t('Added'), (e) => `${when(e.created_at)} ${t('by {who}', { who: e.created_by })}`, { optional: true }],
    ['', (e) => (can.manage ? action(h('button', { class: 'small danger' }, t('Remove')), out, async () => {
      if (!confirm(t('Remove {phone} from the do-not-call list? It may be called again.', { phone: e.phone }))) return;
      await del(`/api/v1/dnc/${encodeURIComponent(e.phone)}`);
      rows.reload();
    }) : null)],
  ], items, h('div', { class: 'panel empty' }, h('strong', {}, q ? t('No number matches.') : t('The list is empty.')), h('p', {}, t('Numbers added here are never called, in any campaign. People who press 2 on a call are added by themselves.')))));
  mount(main, h('h1', {}, t('Do-not-call list')), out, h('div', { class: 'grid two' }, add, can.manage ? upload : null), searchForm, rows);
}
