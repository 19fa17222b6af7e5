// The web application's words in the reader's language. Every text a page shows goes through
// `t` (an English text with {placeholders}, and their values) or, for a count, `tn` (the
// English text with {n}, and the count): the English text is the key, `locales/<language>.json` holds each key's words (a string, or
// its plural forms by Intl.PluralRules category). The server's test `ui::translations` checks
// that both files hold exactly the keys the pages use, with the same placeholders.

const SUPPORTED = ['en', 'de'];
let lang = 'en';
let words = {};
let english = {};

async function load(code) {
  const res = await fetch(`/ui/assets/locales/${code}.json`, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`the ${code} translations could not be loaded (${res.status})`);
  return res.json();
}

/** The language the browser prefers among those Outdial speaks. */
export function browserLanguage() {
  for (const l of navigator.languages || [navigator.language || 'en']) {
    const code = String(l).slice(0, 2).toLowerCase();
    if (SUPPORTED.includes(code)) return code;
  }
  return 'en';
}

/** Speaks `code` from now on (`null`: the browser's language). */
export async function setLanguage(code) {
  const next = SUPPORTED.includes(code) ? code : browserLanguage();
  const [w, e] = await Promise.all([load(next), next === 'en' ? null : load('en')]);
  words = w;
  english = e || w;
  lang = next;
  document.documentElement.lang = lang;
}

/** The language spoken now: `en` or `de`. */
export const language = () => lang;

/** The locale for dates, times, numbers and money: the browser's own when it is a variant of the
 * language spoken (en-GB, de-AT), else the language's main one. */
export function intlLocale() {
  const mine = (navigator.languages || [navigator.language]).find((l) => String(l).toLowerCase().startsWith(lang));
  return mine || (lang === 'de' ? 'de-DE' : 'en-US');
}

function fill(text, vars) {
  return String(text).replace(/\{(\w+)\}/g, (m, k) => (vars && vars[k] !== undefined && vars[k] !== null ? String(vars[k]) : m));
}

/** `key` in the language spoken, with its {placeholders} filled in with the values in `vars`. */
export function t(key, vars) {
  const w = words[key] ?? english[key] ?? key;
  return fill(typeof w === 'string' ? w : w.other, vars);
}

/** A count: the plural form of `key` for `n` (n is filled in as {n}, formatted). */
export function tn(key, n, vars) {
  const w = words[key] ?? english[key] ?? key;
  const form = typeof w === 'string' ? w : (w[new Intl.PluralRules(intlLocale()).select(Number(n))] ?? w.other);
  return fill(form, { ...vars, n: Number(n).toLocaleString(intlLocale()) });
}

/** A value the server sends (a status, an outcome, a disposition) as a word for the reader: its
 * translation under the key `=value`, else the value with spaces for underscores. */
export function word(value) {
  const k = `=${value}`;
  return words[k] ?? english[k] ?? String(value).replace(/_/g, ' ');
}

/** Marks an English text as a key to translate later (lists built before the language is
 * known), so the translation check finds it; it returns the text unchanged. */
export const key = (text) => text;
