// Booking a slot by hand: pick a calendar, a day and a free slot. The slot is held for the
// person for five minutes as soon as it is picked (nobody else can take it meanwhile), then
// booked with its hold; closing the dialog releases it. Moving an appointment picks its new
// slot the same way.

import { get, post, del, qs } from './api.js';
import { h, mount, notice, field } from './dom.js';
import { t } from './i18n.js';
import { now } from './clock.js';
import { clock, dayName, dayOf, addDays, midnight, longTime } from './calendar_time.js';

const DAYS_SHOWN = 7;

/**
 * Opens the dialog. `lead` books for a lead; without one, a name and number are asked for.
 * `moving` is an appointment to move instead. `calendarId` and `start` preselect. Resolves to
 * the booked (or moved) appointment, or null when closed.
 */
export function openBooking({ lead = null, moving = null, calendarId = null, start = null } = {}) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'booking', 'aria-labelledby': 'booking-title' });
    document.body.append(dialog);
    let hold = null;
    let picked = null;
    let done = null;
    let calendars = [];
    let calendar = null;
    let firstDay = null;
    const msg = h('div', { 'aria-live': 'polite' });
    const slotsBox = h('div', { class: 'slots', id: 'booking-slots' });
    const heldBox = h('p', { class: 'muted', id: 'booking-held' });
    const pick = h('select', { name: 'calendar_id' });
    const name = h('input', { name: 'name', autocomplete: 'off' });
    const phone = h('input', { name: 'phone', type: 'tel', placeholder: '+4930123456' });
    const note = h('textarea', { name: 'note', rows: 2 });
    const book = h('button', { class: 'primary', type: 'submit', disabled: true }, moving ? t('Move here') : t('Book'));
    const close = h('button', { type: 'button' }, t('Close'));

    async function release() {
      if (!hold) return;
      const token = hold.token;
      hold = null;
      try { await del(`/api/v1/holds/${token}`); } catch { /* lapsed or used */ }
    }

    async function finish(result) {
      await release();
      dialog.close();
      dialog.remove();
      resolve(result);
    }

    async function showSlots() {
      if (!calendar) return;
      const tz = calendar.settings.time_zone;
      const from = midnight(firstDay, tz);
      const to = midnight(addDays(firstDay, DAYS_SHOWN), tz);
      const free = await get(`/api/v1/calendars/${calendar.id}/availability` + qs({ from: new Date(from).toISOString(), to: new Date(to).toISOString() }));
      const byDay = new Map();
      for (let i = 0; i < DAYS_SHOWN; i++) byDay.set(addDays(firstDay, i), []);
      for (const s of free.slots) byDay.get(dayOf(s.starts_at, tz))?.push(s);
      // The slot held for this person is taken for everybody else: it stays shown, picked.
      if (picked && picked.starts_at >= from && picked.starts_at < to && !free.slots.some((s) => s.starts_at === picked.starts_at)) {
        const list = byDay.get(dayOf(picked.starts_at, tz));
        if (list) { list.push(picked); list.sort((a, b) => a.starts_at - b.starts_at); }
      }
      mount(slotsBox,
        h('div', { class: 'bar' },
          h('button', { type: 'button', class: 'small', onclick: () => { firstDay = addDays(firstDay, -DAYS_SHOWN); showSlots(); } }, t('← Earlier')),
          h('span', { class: 'muted' }, t('Times in {zone}', { zone: tz })),
          h('button', { type: 'button', class: 'small', onclick: () => { firstDay = addDays(firstDay, DAYS_SHOWN); showSlots(); } }, t('Later →'))),
        h('div', { class: 'days' }, [...byDay].map(([day, slots]) => h('div', { class: 'day' },
          h('div', { class: 'day-name' }, dayName(midnight(day, tz) + 12 * 3600e3, tz)),
          slots.length ? slots.map((s) => h('button', {
            type: 'button',
            class: 'small slot' + (picked && picked.starts_at === s.starts_at ? ' picked' : ''),
            'aria-pressed': picked && picked.starts_at === s.starts_at ? 'true' : 'false',
            'aria-label': `${dayName(s.starts_at, tz)} ${clock(s.starts_at, tz)}`,
            onclick: () => choose(s),
          }, clock(s.starts_at, tz))) : h('span', { class: 'muted' }, t('nothing free'))))));
    }

    async function choose(slot) {
      mount(msg);
      await release();
      picked = slot;
      book.disabled = true;
      try {
        hold = await post(`/api/v1/calendars/${calendar.id}/holds`, { starts_at: new Date(slot.starts_at).toISOString(), minutes: 5, lead_id: lead ? lead.id : undefined });
        heldBox.textContent = t('{when} is held for you until {until}.', { when: longTime(slot.starts_at, calendar.settings.time_zone), until: clock(hold.expires_at, calendar.settings.time_zone) });
        book.disabled = false;
      } catch (e) {
        picked = null;
        heldBox.textContent = '';
        mount(msg, notice('error', e.message));
      }
      await showSlots();
    }

    async function selectCalendar(id) {
      await release();
      picked = null;
      heldBox.textContent = '';
      book.disabled = true;
      calendar = calendars.find((c) => c.id === id) || calendars[0];
      pick.value = String(calendar.id);
      firstDay = dayOf(start || now(), calendar.settings.time_zone);
      await showSlots();
      if (start && calendar.id === calendarId) await choose({ starts_at: start });
    }

    const form = h('form', { method: 'dialog' },
      h('h2', { id: 'booking-title' }, moving ? t('Move the appointment of {who}', { who: moving.name }) : lead ? t('Book an appointment for {who}', { who: [lead.first_name, lead.last_name].filter(Boolean).join(' ') || lead.phone }) : t('Book an appointment')),
      msg,
      moving ? null : field(t('Calendar'), pick),
      slotsBox, heldBox,
      moving || lead ? null : [field(t('Name'), name), field(t('Phone'), phone, t('With the country code, e.g. +49 30 1234567'))],
      field(moving ? t('Why it moves') : t('Note'), note),
      h('div', { class: 'bar' }, book, close));
    close.addEventListener('click', () => finish(done));
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); finish(done); });
    pick.addEventListener('change', () => selectCalendar(Number(pick.value)));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!picked) return;
      book.disabled = true;
      try {
        const startsAt = new Date(picked.starts_at).toISOString();
        if (moving) {
          done = await post(`/api/v1/appointments/${moving.id}/reschedule`, { starts_at: startsAt, note: note.value || undefined });
        } else {
          done = await post('/api/v1/appointments', {
            calendar_id: calendar.id, starts_at: startsAt, hold: hold ? hold.token : undefined,
            lead_id: lead ? lead.id : undefined, name: lead ? undefined : name.value || undefined,
            phone: lead ? undefined : phone.value || undefined, note: note.value || undefined,
          });
        }
        hold = null;
        await finish(done);
      } catch (err) {
        if (err.code === 'slot_taken') { picked = null; heldBox.textContent = ''; await showSlots(); }
        mount(msg, notice('error', err.message));
        book.disabled = !picked;
      }
    });
    mount(dialog, form);
    dialog.showModal();
    (async () => {
      try {
        calendars = await get('/api/v1/calendars');
        if (!calendars.length) {
          mount(slotsBox, notice('info', t('There is no calendar yet: create one on the Calendar page first.')));
          return;
        }
        mount(pick, calendars.map((c) => h('option', { value: String(c.id) }, c.name)));
        await selectCalendar(moving ? moving.calendar_id : calendarId || calendars[0].id);
      } catch (e) {
        mount(msg, notice('error', e.message));
      }
    })();
  });
}
