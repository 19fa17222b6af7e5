// Times of a calendar, shown in the calendar's own time zone (an appointment in Berlin is at
// 09:00 whoever looks at it), and the days of a week there.

import { intlLocale } from './i18n.js';

/** "09:30" of epoch ms in `tz`. */
export function clock(ms, tz) {
  return new Intl.DateTimeFormat(intlLocale(), { timeZone: tz, hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
}

/** "Thu, Nov 19" of epoch ms in `tz`. */
export function dayName(ms, tz) {
  return new Intl.DateTimeFormat(intlLocale(), { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(ms));
}

/** "Thursday, November 19, 2026 at 09:30 CET" of epoch ms in `tz`. */
export function longTime(ms, tz) {
  return new Intl.DateTimeFormat(intlLocale(), { timeZone: tz, dateStyle: 'full', timeStyle: 'short' }).format(new Date(ms)) + ` (${tz})`;
}

/** The calendar day (`YYYY-MM-DD`) of epoch ms in `tz`. */
export function dayOf(ms, tz) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

/** `YYYY-MM-DD` plus `n` days. */
export function addDays(day, n) {
  const d = new Date(day + 'T12:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The Monday of the week holding `day`. */
export function monday(day) {
  const wd = new Date(day + 'T12:00:00Z').getUTCDay();
  return addDays(day, -((wd + 6) % 7));
}

/** Epoch ms of local midnight starting `day` in `tz` (found by correcting for the zone's offset). */
export function midnight(day, tz) {
  const guess = Date.parse(day + 'T00:00:00Z');
  const offset = (ms) => {
    const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - ms;
  };
  let at = guess - offset(guess);
  at = guess - offset(at);
  return at;
}
