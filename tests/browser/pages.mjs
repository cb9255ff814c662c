// Browser test: every page of the demo (scripts/demo.sh), logged out and as each of
// its accounts, in French and in English, at 360 px (a phone) and 1280 px wide.
// Each page must
//   - break no axe-core rule of impact serious or critical (labels, contrast, the
//     lang attribute, landmarks, names of links and buttons...),
//   - fit the screen: the document no wider than the viewport (no sideways
//     scrolling) and no table wider than the viewport either,
//   - break no rule of the Content-Security-Policy (axe is injected through the
//     DevTools protocol, which the policy does not govern, so the page is tested
//     under its real policy),
//   - show where the keyboard is: the first link the Tab key reaches has a visible
//     focus ring.
//   - speak one language: no English word, ISO date or comma thousands on a French
//     page, no French word, French digit grouping or decimal comma on an English
//     one (langscan.mjs says how the words are known and what is left out).
// Every page's scroll width at 360 px is printed, and a screenshot of each is saved
// as OUT/<lang>-<width>-<account>-<page>.png.
// Usage: node pages.mjs URNE SOURCE_DIR OUT_DIR
// With URNE_PAGES_QUICK=1 in the environment, a quick look while working: 1280 px
// only, no axe-core and no screenshots (the language scan and the layout checks).
import { chromium } from 'playwright-core';
import { axeSerious } from './axe.mjs';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { languageWords, userStrings, pageText, scan, PENDING } from './langscan.mjs';

const [urne, source, out] = process.argv.slice(2);
const PASS = 'demo-pass-2026'; // scripts/demo.sh's
const QUICK = process.env.URNE_PAGES_QUICK === '1';
const WIDTHS = QUICK ? [1280] : [360, 1280];
let failures = 0;
const check = (cond, what) => { if (!cond) { failures++; console.log('FAIL:', what); } else console.log('ok:', what); };

const port = await new Promise(res => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
const dir = mkdtempSync(join(tmpdir(), 'urne-pages-'));
mkdirSync(out, { recursive: true });
const base = `http://127.0.0.1:${port}`;

// The demo as `make run` starts it: its elections, accounts, assignments and disputes.
const demo = spawn('bash', [join(source, 'scripts/demo.sh'), urne], {
  env: { ...process.env, URNE_LISTEN: `127.0.0.1:${port}`, URNE_DEMO_DIR: dir },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let demoOut = '';
const started = new Promise((res, rej) => {
  const t = setTimeout(() => rej(new Error('the demo did not start in 120 s:\n' + demoOut)), 120000);
  demo.stdout.on('data', d => { demoOut += d; if (/urne is running|urne est lancé/.test(demoOut)) { clearTimeout(t); res(); } });
  demo.on('exit', code => { clearTimeout(t); rej(new Error(`the demo exited (${code}):\n${demoOut}`)); });
});
try { await started; } catch (e) { demo.kill('SIGTERM'); throw e; }
demo.removeAllListeners('exit');
// The Rhône's election comes from ../shared/data: without it the demo has two.
const rhone = (await fetch(base + '/api/elections/3')).status === 200;
if (!rhone) console.log('note: the demo runs without the Rhône election (no ../shared/data): its pages are not visited');
// The words of each language, and the users' own strings, which the scan leaves out.
const lists = languageWords(source);
// The scan finds what it is for: a sentence that mixes the two, each way.
check(scan('Les résultats of the vote, 1,287 voix, 2026-12-05', 'fr', lists, []).length === 4 &&
      scan('The results de la circonscription: 1\u202F287, 26,58 %', 'en', lists, []).length === 5,
      `the language scan finds mixed words and numbers (${lists.en.size} English words, ${lists.fr.size} French)`);

const login = async (user) => {
  const r = await fetch(base + '/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                               body: JSON.stringify({ user, password: PASS }) });
  const d = await r.json();
  if (r.status !== 200) throw new Error(`${user} cannot log in: ${JSON.stringify(d)}`);
  return d.token;
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--font-render-hinting=none'],
});

// The first link of a list of units on a page: how the deeper pages are found.
const firstUnit = async (page, path) => {
  await page.goto(base + path);
  return (await page.$('ul.units li a'))?.getAttribute('href') ?? null;
};

const widths = []; // [lang, width, account, page, scrollWidth]
try {
  const users = await userStrings(base, await login('admin'));
  check(users.length > 10, `the users' own strings are read from the API (${users.length})`);
  // The pages every account sees, found from the demo's own links.
  const scout = await (await browser.newContext()).newPage();
  const circ = await firstUnit(scout, '/e/2');                // a circonscription of the federation
  const section = await firstUnit(scout, circ);                // a section: the lowest level
  const dept = rhone ? await firstUnit(scout, '/e/3') : null;  // the Rhône
  const commune = rhone ? await firstUnit(scout, await firstUnit(scout, dept)) : null; // a commune and its bureaux
  check(circ && section && (!rhone || (dept && commune)), `the demo's units are found: ${circ} ${section} ${dept} ${commune}`);
  await scout.goto(base + circ);
  const pvLink = await (await scout.$('a.pv-link'))?.getAttribute('href') ?? null;
  check(pvLink !== null, `the results page links to its procès-verbal: ${pvLink}`);
  await scout.context().close();

  const everyone = {
    home: '/', notices: '/notices', initiatives: '/initiatives', initiative: '/initiatives/1', forums: '/forums',
    forum: '/forums/1', thread: '/forums/1/t/1', matches: '/match', match: '/match/1',
    'e1': '/e/1', 'e2': '/e/2', 'e2-circ': circ, 'e2-section': section,
    'e1-bureau': '/e/1/b/0', 'e2-contested': '/e/2/b/0', 'e2-bureau5': '/e/2/b/5',
    'e1-pv': '/e/1/pv', 'e2-pv-circ': pvLink || '/e/2/pv', 'e2-pv-section': (section || '/e/2?').replace('/e/2?', '/e/2/pv?'),
    'not-found': '/nothing-here',
    ...(rhone ? { 'e3': '/e/3', 'e3-commune': commune, 'e3-pv': '/e/3/pv' } : {}),
  };
  const review = { audit: '/audit', 'e2-recolement': '/e/2/recolement', 'e1-recolement': '/e/1/recolement' };
  const accounts = {
    public: { login: '/login', denied: '/audit' },
    observateur: review,
    secretaire: { 'e1-entry': '/e/1/entry', 'e2-entry': '/e/2/entry', denied: '/admin' },
    commission: review,
    nationale: { 'e2-recolement': '/e/2/recolement' },
    admin: { ...review, admin: '/admin', assign: '/admin/assign?election=2' },
  };

  // Each account in each language is a job of its own, in its own browser context;
  // JOBS of them at once (the server and the browser's processes share the cores:
  // two keep both busy while one waits on the other; the checks' lines say whose).
  const visit = async (account, own, lang) => {
    const token = account === 'public' ? null : await login(account);
    const ctx = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB', viewport: { width: 1280, height: 900 } });
    if (token) await ctx.addCookies([{ name: 'urne_session', value: token, url: base }]);
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    for (const [name, path] of Object.entries({ ...everyone, ...own })) {
      const url = base + path + (path.includes('?') ? '&' : '?') + 'lang=' + lang;
      const what = `${lang} ${account} ${name} (${path})`;
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: width === 360 ? 740 : 900 });
        await page.goto(url);
        // The forms folded in <details> (a commission's decision) are checked open.
        await page.evaluate(() => document.querySelectorAll('details').forEach(d => { d.open = true; }));
        const m = await page.evaluate(() => ({
          lang: document.documentElement.lang,
          scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
          viewport: window.innerWidth,
          tables: [...document.querySelectorAll('table')].map(t => Math.ceil(t.getBoundingClientRect().right))
            .filter(right => right > window.innerWidth),
          csp: window.__csp,
        }));
        if (width === 360) widths.push([lang, width, account, name, m.scroll]);
        check(m.lang === lang, `${what}: <html lang=${m.lang}>`);
        check(m.scroll <= m.viewport, `${what} at ${width} px: scroll width ${m.scroll} <= ${m.viewport}`);
        check(m.tables.length === 0, `${what} at ${width} px: every table fits (${m.tables.join(', ')})`);
        check(m.csp.length === 0, `${what} at ${width} px: no CSP violation (${m.csp.join(', ')})`);
        if (!QUICK) {
        const found = await axeSerious(page);
        check(found.length === 0, `${what} at ${width} px: axe finds nothing serious or critical${found.length ? ':\n    ' + found.join('\n    ') : ''}`);
        await page.screenshot({ path: join(out, `${lang}-${width}-${account}-${name}.png`), fullPage: true });
        }
      }
      // One language on the page: its text at the last width (the scan removes parts of it).
      const mixed = scan(await pageText(page), lang, lists, users);
      check(mixed.length === 0, `${what}: all in ${lang === 'fr' ? 'French' : 'English'}${mixed.length ? ':\n    ' + mixed.join('\n    ') : ''}`);
      // The keyboard: the first Tab lands on something whose focus ring shows.
      if (name === 'home') {
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.goto(url);
        await page.keyboard.press('Tab');
        const ring = await page.evaluate(() => {
          const e = document.activeElement, s = e && getComputedStyle(e);
          return e && e !== document.body ? { tag: e.tagName, text: e.textContent.trim(), style: s.outlineStyle, width: parseFloat(s.outlineWidth) } : null;
        });
        check(ring && ring.style !== 'none' && ring.width >= 2,
              `${lang} ${account}: the first Tab reaches a visible focus ring (${JSON.stringify(ring)})`);
      }
    }
    await ctx.close();
  };
  const jobs = [];
  for (const [account, own] of Object.entries(accounts))
    for (const lang of ['fr', 'en']) jobs.push([account, own, lang]);
  const JOBS = 2;
  const worker = async () => { while (jobs.length) await visit(...jobs.shift()); };
  await Promise.all(Array.from({ length: JOBS }, worker));
} finally {
  await browser.close();
  demo.kill('SIGTERM');
}
for (const p of PENDING) {
  check(p.seen > 0, `the ${p.lang} phrase left to another branch is still shown (else take it out of langscan.mjs's PENDING): "${p.phrase}" (${p.seen} times)`);
}
console.log('\nscroll width at 360 px (lang account page: px):');
widths.sort((a, b) => (a[0] + a[2] + a[3]).localeCompare(b[0] + b[2] + b[3]));
for (const [lang, , account, name, w] of widths) console.log(`  ${lang} ${account} ${name}: ${w}${w > 360 ? '  <- too wide' : ''}`);
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
