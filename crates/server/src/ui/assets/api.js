// The REST API as the page uses it: the session cookie rides along by itself; every change
// carries the CSRF token given at sign-in. Errors become ApiError with the server's message
// and, for validation failures, the fields at fault.

import { t, key, language } from './i18n.js';

let csrf = null;

/** What a refusal or failure means, by its code, for a reader of another language than English
 * (English readers get the server's own, more detailed words). Codes not listed, and
 * field-by-field validation messages, keep the server's English words. */
const MEANINGS = {
  do_not_call: key('This number is on the do-not-call list.'),
  attempts_exhausted: key('This lead has had all its attempts.'),
  attempts_per_24h: key('This number has had as many calls as allowed in 24 hours.'),
  outside_campaign_hours: key("Outside the campaign's calling hours."),
  outside_calling_hours: key("Outside the called person's hours."),
  unknown_time_zone: key("The called person's time zone is unknown: give the lead a time zone."),
  daily_limit_reached: key("The campaign's daily call limit is reached."),
  carrier_unavailable: key('Twilio could not be reached or refused the request; try again shortly.'),
  busy: key('Outdial is busy; try again in a moment.'),
  internal: key('Something went wrong in Outdial; the error is logged.'),
};

/** Remembers the CSRF token of the signed-in session. */
export function setCsrf(token) { csrf = token; }

/** An answer other than 2xx: `status`, the server's `message`, `code` and per-field `details`. */
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(language() !== 'en' && MEANINGS[e.code] ? t(MEANINGS[e.code]) : e.message || t('the server answered {status}', { status }));
    this.status = status;
    this.code = e.code || null;
    this.details = Array.isArray(e.details) ? e.details : [];
    // A call the rules refuse for now says when it would pass.
    this.nextAllowedAt = (e.details && !Array.isArray(e.details) && e.details.next_allowed_at) || null;
  }
  /** The message for one field, if the server named it. */
  field(name) {
    const d = this.details.find((d) => d.field === name || (d.field || '').endsWith('.' + name));
    return d ? d.message : null;
  }
}

/** Fired when a request finds the session gone: the app shows the sign-in page. */
export const signedOut = new EventTarget();

/** Calls the API. `body` is sent as JSON unless it is FormData or a File. */
export async function api(method, path, body, { raw = false } = {}) {
  const headers = {};
  let payload;
  if (body instanceof FormData || body instanceof Blob) {
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  if (raw && res.ok) return res;
  const text = await res.text();
  let data = null;
  if (text) { try { data = JSON.parse(text); } catch { data = text; } }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/ui/session')) signedOut.dispatchEvent(new Event('signedout'));
    throw new ApiError(res.status, data);
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const put = (path, body) => api('PUT', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

/** A query string from an object, leaving out empty values. */
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? '?' + s : '';
}
