// The language scan of the browser tests (issue 15): no page mixes languages.
//
// A French page must not show English words, ISO dates (2026-12-05) or comma
// thousands (1,287); an English page must not show French words, French digit
// grouping (1 287 with a no-break space) or decimal commas (26,58).
//
// Which words are English and which French is not typed here by hand but taken
// from urne's own catalogue, po/fr.po: an English word is one of the msgids' words
// that Debian's French word list (wfrench) does not hold; a French word one of the
// msgstrs' words that Debian's British word list (wbritish) does not hold. So
// "the", "results", "registered" are English, "les" and "résultats" French, and
// "date", "total", "section" (both) neither; a word that both the msgids and the
// msgstrs use and neither dictionary knows is a name (csv, Tideman), neither
// either. A word that the catalogue uses on both sides and one dictionary knows
// is that dictionary's: a keyword such as "validate" or a column such as
// "inscrits" is shown as <code> when a page of the other language names it. A
// few very common words that the dictionaries also list in the other language
// (English "and", "in", "for"; French "de", "la") are added by hand: they are
// what a page left half-translated shows first.
//
// What is not urne's to translate is left out of the scan: the text of <code>
// elements (digests, file names, command lines, identifiers), placeholders (what
// to type: a format, an example identifier), elements that say they are in the
// other language (<a lang=fr>Français</a>), the names that are the same in both
// (urne, UTC), on English pages a French legal term in brackets right after its
// English ("Official report (procès-verbal)", "Review (récolement)"), and the
// users' own data — election titles, candidate, unit and bureau names, dispute
// reasons, account names, initiatives' titles, territories, the committee's reasons
// and the authority's answer — taken from the JSON API and removed from the text as
// whole words before it is scanned.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Words of either language that a dictionary of the other also holds, but that
// on a page can only be a slip of the other language.
const ALWAYS_EN = ['and', 'for', 'in', 'official'];
const ALWAYS_FR = ['de', 'la', 'le', 'les', 'des', 'du', 'et', 'un', 'une', 'au', 'aux', 'est', 'pour', 'sur',
                   'par', 'dans', 'avec'];

// Names, the same on pages of either language.
const NAMES = ['urne', 'UTC', 'Atom', 'REP']; // Atom: the feed's format; REP: réseau d'éducation prioritaire
// French legal terms an English page keeps, in brackets after their English.
const LEGAL_TERMS = /\((procès-verbal|procès-verbaux|récolement)\)/giu;

const words = text => (text.normalize('NFC').toLowerCase().match(/\p{L}+/gu) || []).filter(w => w.length > 1);

// The msgids and msgstrs of a PO file, with the printf conversions and markup taken out.
const catalogue = text => {
  const ids = [], strs = [];
  let into = null;
  const unquote = s => JSON.parse(s.replace(/\\(?!["\\nt])/g, '\\\\'));
  for (const line of text.split('\n')) {
    let m;
    if ((m = /^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt) (".*")$/.exec(line))) {
      into = m[1] === 'msgctxt' ? null : m[1].startsWith('msgid') ? ids : strs;
      if (into) into.push(unquote(m[2]));
    } else if (/^".*"$/.test(line) && into) {
      into[into.length - 1] += unquote(line);
    } else into = null;
  }
  const clean = s => s.replace(/%(\d+\$)?[-+#0']*\d*(\.\d+)?(hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcsp%]/g, ' ')
    .replace(/<[^>]*>/g, ' ').replace(/&[a-z]+;/g, ' ');
  // The header's msgstr (msgid "") is no message.
  return { ids: ids.filter(s => s !== '').map(clean), strs: strs.filter(s => !s.includes('Content-Type:')).map(clean) };
};

const dictionary = path => new Set(readFileSync(path, 'utf8').split('\n')
  .map(w => w.normalize('NFC').toLowerCase().replace(/'s$/, '')).filter(w => w));

// { en: Set of English words to flag on French pages, fr: Set of French words to flag on English pages }
export const languageWords = (source, dict = '/usr/share/dict') => {
  const po = catalogue(readFileSync(join(source, 'po/fr.po'), 'utf8'));
  const idWords = new Set(po.ids.flatMap(words)), strWords = new Set(po.strs.flatMap(words));
  const french = dictionary(join(dict, 'french')), english = dictionary(join(dict, 'british-english'));
  // A word of both the msgids and the msgstrs that neither dictionary knows is a name
  // (csv, json, urne, Tideman), in neither list.
  const name = w => idWords.has(w) && strWords.has(w) && !french.has(w) && !english.has(w);
  const en = new Set([...idWords].filter(w => !french.has(w) && !name(w)).concat(ALWAYS_EN));
  const fr = new Set([...strWords].filter(w => !english.has(w) && !name(w)).concat(ALWAYS_FR));
  return { en, fr };
};

// The strings of the users' own data that the pages show, as the API gives them
// (with TOKEN, an account that may read disputes and accounts).
export const userStrings = async (base, token) => {
  const get = async path => {
    const r = await fetch(base + path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    return r.status === 200 ? r.json() : null;
  };
  const out = new Set();
  // Only strings with a letter: a bare number (a unit's code) must not hide the page's numbers.
  const add = s => { if (typeof s === 'string' && /\p{L}/u.test(s)) out.add(s.trim()); };
  for (const e of await get('/api/elections') || []) {
    const d = await get(`/api/elections/${e.id}`);
    add(e.title); add(e.space);
    for (const c of d?.contests || []) { add(c.label); add(c.key); for (const k of c.candidates) { add(k.name); add(k.group); } }
    for (const level of d?.levels || []) {
      const res = await get(`/api/elections/${e.id}/results?level=${encodeURIComponent(level)}`);
      for (const u of res?.units || []) { add(u.key); add(u.code); add(u.label); }
    }
    // Bureau names are read one by one: only for the elections small enough to.
    if (e.bureaux <= 100) {
      for (let i = 0; i < e.bureaux; i++) {
        const b = await get(`/api/elections/${e.id}/bureaux/${i}`);
        add(b?.name); add(b?.dispute?.reason); Object.values(b?.units || {}).forEach(add);
      }
    }
    for (const d of await get(`/api/elections/${e.id}/disputes`) || []) { add(d.reason); add(d.opened_by); }
  }
  for (const u of await get('/api/users') || []) add(u.name);
  for (const i of await get('/api/initiatives') || []) {
    add(i.title); add(i.space); add(i.reasons); add(i.answer);
    for (const t of i.territories || []) add(t.name);
  }
  for (const f of (await get('/api/forums'))?.forums || await get('/api/forums') || []) {
    add(f.title); add(f.attached);
    for (const t of (await get(`/api/forums/${f.id}`))?.posts || []) {
      add(t.title); add(t.author); add(t.author_name);
      /* the messages, people's own words in their language: as shown, the shortcuts' marks taken out */
      for (const p of (await get(`/api/forums/${f.id}/t/${t.id}`))?.posts || [])
        add(String(p.message || '').replace(/\{\{|\}\}|[{}]/g, ''));
    }
  }
  for (const c of (await get('/api/match'))?.campaigns || []) { add(c.name); add(c.space); }
  for (let id = 1; ; id++) { /* the campaigns by number: /api/match/N answers each */
    const c = await get(`/api/match/${id}`);
    if (!c) break;
    add(c.name); add(c.space);
  }
  return [...out].sort((a, b) => b.length - a.length);
};

// In the page: its text as a reader meets it, <code> and the other language's
// elements left out (they are removed: call it last on a page).
export const pageText = page => page.evaluate(() => {
  const lang = document.documentElement.lang;
  const attrs = [...document.querySelectorAll('[title], [aria-label], img[alt], input[type=submit], input[type=button]')]
    .filter(e => !e.closest('code') && !e.closest(`[lang]:not([lang="${lang}"])`))
    .flatMap(e => [e.getAttribute('title'), e.getAttribute('aria-label'),
                   e.getAttribute('alt'), e.matches('input') ? e.value : null]).filter(s => s);
  document.querySelectorAll(`code, [lang]:not(html):not([lang="${lang}"])`).forEach(e => e.replaceWith(document.createTextNode(' ')));
  const options = [...document.querySelectorAll('option')].map(o => o.textContent);
  return [document.title, document.body.innerText, ...attrs, ...options].join('\n');
});

// Phrases known to be in the wrong language and waiting for their fix elsewhere
// (none today): each is left out of the scan meanwhile, and counted: one never
// seen in a run fails it (pages.mjs), so the list cannot outlive the fix — take
// the phrase out with the fix.
export const PENDING = [
].map(p => ({ ...p, seen: 0 }));

const escape = s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const context = (text, at, len) => text.slice(Math.max(0, at - 30), at + len + 30).replace(/\s+/g, ' ').trim();

// The findings of TEXT on a page in LANG: ["word «context»", ...].
export const scan = (text, lang, lists, users) => {
  for (const p of PENDING.filter(p => p.lang === lang)) {
    const parts = text.split(p.phrase);
    p.seen += parts.length - 1;
    text = parts.join(' ');
  }
  if (lang === 'en') text = text.replace(LEGAL_TERMS, ' ');
  for (const s of [...users, ...NAMES]) {
    text = text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escape(s)}(?![\\p{L}\\p{N}])`, 'gu'), ' ');
  }
  const found = [];
  const other = lang === 'fr' ? lists.en : lists.fr;
  for (const m of text.matchAll(/\p{L}+/gu)) {
    const w = m[0].normalize('NFC').toLowerCase();
    if (other.has(w)) found.push(`${lang === 'fr' ? 'English' : 'French'} word "${m[0]}" in «${context(text, m.index, m[0].length)}»`);
  }
  const patterns = lang === 'fr'
    ? [[/(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)/g, 'ISO date'], [/\d,\d{3}(?!\d)/g, 'comma thousands'],
       [/\d\.\d+\s?%/g, 'decimal point in a percentage']]
    : [[/\d[\u202F\u00A0]\d/g, 'French digit grouping'], [/\d,(\d{1,2}|\d{4,})(?!\d)/g, 'decimal comma']];
  for (const [re, what] of patterns) {
    for (const m of text.matchAll(re)) found.push(`${what} "${m[0]}" in «${context(text, m.index, m[0].length)}»`);
  }
  return found;
};
