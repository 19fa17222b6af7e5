// The do-not-call list: search it, add a number (every role may: a person's request must be
// honoured), remove one (managers), upload a list.

import { get, post, del, api, qs } from '../api.js';
import { h, mount, table, pager, when, notice, field, showErrors, action, plural } from '../dom.js';

export async function render(main, { params, can }) {
  const q = params.get('q') || '';
  const out = h('div');
  const top = h('div');
  const phone = h('input', { name: 'phone', type: 'tel', required: true, placeholder: '+18134893222 or (813) 489-3222' });
  const country = h('input', { name: 'country', maxlength: 2, placeholder: 'US', value: 'US' });
  const reason = h('input', { name: 'reason', placeholder: 'e.g. asked on a call' });
  const addButton = h('button', { class: 'primary', type: 'submit' }, 'Add to the list');
  const add = h('form', { class: 'stack panel', novalidate: true }, h('h2', {}, 'Add a number'), top, h('div', { class: 'row' }, field('Phone', phone), field('Country', country, 'For numbers without +country code'), field('Reason', reason)), addButton);
  add.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    addButton.disabled = true;
    try {
      const r = await post('/api/v1/dnc', { phone: phone.value, country: country.value || null, reason: reason.value });
      mount(top, notice('ok', `${r.entry.phone} is on the do-not-call list: it will not be called.` +
        (r.newly_listed ? '' : ' (It was listed already.)') + (r.leads_marked ? ` ${plural(r.leads_marked, 'lead')} marked do-not-call.` : '')));
      phone.value = ''; reason.value = '';
      rows.reload();
    } catch (e) { showErrors(add, e, top); } finally { addButton.disabled = false; }
  });
  const file = h('input', { type: 'file', accept: '.csv,.txt,text/plain,text/csv', name: 'file' });
  // The same form and button as "Add a number" beside it.
  const upload = h('form', { class: 'stack panel', novalidate: true }, h('h2', {}, 'Upload a list'), field('File', file, 'One number per line (or a CSV whose first column is the number).'),
    action(h('button', { class: 'primary', type: 'submit' }, 'Upload the list'), out, async () => {
      if (!file.files.length) { mount(out, notice('error', 'Choose a file first.')); return; }
      const r = await api('POST', '/api/v1/dnc/import' + qs({ country: country.value || 'US' }), file.files[0]);
      const bad = r.rejected || [];
      mount(out, notice(bad.length ? 'error' : 'ok', `${plural(r.added, 'number')} added, ${r.already_listed} already listed, ${plural(r.leads_marked, 'lead')} marked do-not-call.` +
        (bad.length ? ` ${bad.length} lines hold no number: ` + bad.slice(0, 10).map((x) => `line ${x.line}: ${x.reason}`).join('; ') : '')));
      rows.reload();
    }));
  const search = h('input', { type: 'search', value: q, 'aria-label': 'Search numbers', placeholder: 'Search numbers' });
  const searchForm = h('form', { role: 'search', class: 'bar' }, search, h('button', { type: 'submit' }, 'Search'));
  searchForm.addEventListener('submit', (e) => { e.preventDefault(); location.hash = '#/dnc' + qs({ q: search.value.trim() }); });
  const rows = pager((cursor) => get('/api/v1/dnc' + qs({ q, cursor, limit: 50 })), (items) => table([
    ['Number', (e) => e.phone], ['Reason', (e) => e.reason || '—'], ['Source', (e) => e.source, { optional: true }],
    ['Added', (e) => `${when(e.created_at)} by ${e.created_by}`, { optional: true }],
    ['', (e) => (can.manage ? action(h('button', { class: 'small danger' }, 'Remove'), out, async () => {
      if (!confirm(`Remove ${e.phone} from the do-not-call list? It may be called again.`)) return;
      await del(`/api/v1/dnc/${encodeURIComponent(e.phone)}`);
      rows.reload();
    }) : null)],
  ], items, h('div', { class: 'panel empty' }, h('strong', {}, q ? 'No number matches.' : 'The list is empty.'), h('p', {}, 'Numbers added here are never called, in any campaign. People who press 2 on a call are added by themselves.'))));
  mount(main, h('h1', {}, 'Do-not-call list'), out, h('div', { class: 'grid two' }, add, can.manage ? upload : null), searchForm, rows);
}
