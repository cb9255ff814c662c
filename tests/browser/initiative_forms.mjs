// Browser test: an organiser creates an initiative and imports its roll from the
// pages (src/web/initiative_forms.c), in French and English, at 1280 px and
// 360 px wide; the ECI's counter page with its 27 member states; and the page a
// cross-site POST is refused with (src/web/origin.c).
//
// The organiser ("orga", an observer of the site made administrator of
// org/ville) logs in (the session's cookie). For each language and width, on
// /initiatives: the creation form, its space filled with org/ville; rules with
// a wrong date sent first: the page comes back (400) with the error naming its
// line, its field and its rule in the page's language, the title kept; then
// good rules: the initiative's page with its flash. There, the roll's form: a
// malformed file chosen (the page's script reads it into the form) and sent:
// refused, the error naming line and field; then the good file: imported, the
// flash counts its electors; /initiatives lists the initiative. Each page must
// fit the screen (no sideways scrolling), break no rule of the CSP and no
// axe-core rule of impact serious or critical; screenshots are saved as
// OUT/initiative-forms-<step>-<lang>-<width>.png.
//
// The ECI (examples/initiative-eci.txt, created through the API): its counter
// page's table of the 27 territories must stay within its card, at 1280 px as
// at 360 px (OUT/initiative-eci-<lang>-<width>.png).
//
// A form on another site (a page served by the test under http://elsewhere.example)
// posting to urne: refused with 403, its page saying so in the visitor's
// language (OUT/initiative-cross-site-<lang>-<width>.png).
// Usage: node initiative_forms.mjs URNE SOURCE_DIR OUT_DIR.
import { chromium } from 'playwright-core';
import { axeSerious } from './axe.mjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiCaller, startUrne } from './serve.mjs';

const [urne, src, out] = process.argv.slice(2);
let failures = 0;
const check = (cond, what) => { if (!cond) { failures++; console.log('FAIL:', what); } else console.log('ok:', what); };
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'urne-forms-'));
const db = join(dir, 'urne.db');
const PASS = 'forms-pass-2026';
const KEY = '22'.repeat(32);
execFileSync(urne, ['admin', 'create', '--db', db, '--user', 'admin'], { input: PASS + '\n' });

const GOOD_RULES = 'preset = territories\nnational = 4\nterritory = 1\nterritories = 2\n' +
                   'opens = 2026-01-01\ncloses = 2036-01-01\nstop-at-threshold = no\n';
const BAD_RULES = 'preset = local-petition\nopens = 2026-13-01\n';
const GOOD_ROLL = readFileSync(join(src, 'examples', 'initiative-roll.csv'));
const BAD_ROLL = 'nom;prenoms;naissance;commune;territoire\nDupont;Jean;1970-03-04;Montval;Nord\n' +
                 'Martin;Paul;1960-13-01;Arras;Pas-de-Calais\n';
const words = {
  fr: { line: 'Ligne 2, champ « opens »', rule: 'règle bad-date', rollLine: 'Ligne 3, champ « birth »',
        created: 'créée, en brouillon', imported: 'Liste importée : 6 électeurs ajoutés.',
        refusedRules: 'Règles refusées', refusedRoll: 'Liste refusée', site: 'envoyé depuis un autre site',
        title: 'Refusé' },
  en: { line: "Line 2, field 'opens'", rule: 'rule bad-date', rollLine: "Line 3, field 'birth'",
        created: 'created, as a draft', imported: 'Roll imported: 6 electors added.',
        refusedRules: 'The rules are refused', refusedRoll: 'The roll is refused', site: 'sent from another site',
        title: 'Refused' },
};
// The page's text with its no-break spaces as plain ones, to compare.
const text = page => page.evaluate(() => document.body.innerText.replace(/[\u00a0\u202f]/g, ' '));

const { server: srv, base } = await startUrne(urne, db, ['--quiet'], { stdio: 'ignore', probe: '/initiatives' });
const call = apiCaller(base);

// The page fits, keeps to the CSP, and axe finds nothing serious; a screenshot.
async function looks(page, what, shot) {
  const g = await page.evaluate(() => ({
    scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    viewport: window.innerWidth,
    csp: window.__csp || [],
  }));
  check(g.scroll <= g.viewport, `${what}: fits (scroll ${g.scroll} <= ${g.viewport})`);
  check(g.csp.length === 0, `${what}: no CSP violation (${g.csp.join(', ')})`);
  const found = await axeSerious(page);
  check(found.length === 0, `${what}: axe finds nothing serious or critical${found.length ? ':\n    ' + found.join('\n    ') : ''}`);
  await page.screenshot({ path: join(out, shot), fullPage: true });
}

async function newPage(ctx) {
  const page = await ctx.newPage();
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return page;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const [, login] = await call(null, '/api/login', { user: 'admin', password: PASS });
  const admin = login.token;
  await call(admin, '/api/users', { name: 'orga', password: PASS, role: 'observer', tier: 1 });
  let [st] = await call(admin, '/api/grants', { user: 'orga', space: 'org/ville', role: 'admin' });
  check(st === 200, `orga: administrator of org/ville (${st})`);
  let made = 0;
  for (const lang of ['fr', 'en']) {
    for (const width of [1280, 360]) {
      const w = words[lang], tag = `${lang}-${width}`, title = `Marché couvert ${tag}`;
      const ctx = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB',
                                             viewport: { width, height: width === 360 ? 740 : 900 } });
      const r = await ctx.request.post(base + '/api/login', { data: { user: 'orga', password: PASS } });
      check(r.status() === 200, `${tag}: orga logs in in the browser (${r.status()})`);
      const page = await newPage(ctx);

      // -- the creation form: rules with a wrong date, then good ones --
      await page.goto(`${base}/initiatives`);
      const space = await page.inputValue('input[name=space]');
      check(space === 'org/ville', `${tag}: the space is orga's own, org/ville ("${space}")`);
      await page.fill('input[name=title]', title);
      await page.fill('textarea[name=rules]', BAD_RULES);
      await page.fill('input[name=authority_key]', KEY);
      let [resp] = await Promise.all([page.waitForNavigation(), page.click('form[action="/initiatives"] button')]);
      let t = await text(page);
      check(resp.status() === 400 && t.includes(w.refusedRules) && t.includes(w.line) && t.includes(w.rule),
            `${tag}: wrong rules refused, the error names line, field and rule (${resp.status()}): ${t.slice(0, 400)}`);
      check(await page.inputValue('input[name=title]') === title &&
            await page.inputValue('textarea[name=rules]') === BAD_RULES, `${tag}: what was typed is kept`);
      await looks(page, `${tag}: the refused rules`, `initiative-forms-rules-${tag}.png`);
      await page.fill('textarea[name=rules]', GOOD_RULES);
      [resp] = await Promise.all([page.waitForNavigation(), page.click('form[action="/initiatives"] button')]);
      made++;
      t = await text(page);
      check(page.url().endsWith(`/initiatives/${made}`) && t.includes(w.created),
            `${tag}: created, its page with the flash: ${page.url()} ${t.slice(0, 300)}`);

      // -- the roll: a malformed file, then the good one --
      await page.setInputFiles('#roll-file', { name: 'liste.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_ROLL) });
      await page.waitForFunction(() => document.querySelector('textarea[name=csv]').value.length > 0);
      check((await page.textContent('#roll-file-name')) === 'liste.csv', `${tag}: the chosen file's name is shown`);
      [resp] = await Promise.all([page.waitForNavigation(), page.click(`form[action="/initiatives/${made}/roll"] button`)]);
      t = await text(page);
      check(resp.status() === 400 && t.includes(w.refusedRoll) && t.includes(w.rollLine) &&
            t.includes('birth-no-such-date'),
            `${tag}: the malformed roll refused, naming line and field (${resp.status()}): ${t.slice(0, 400)}`);
      check((await page.inputValue('textarea[name=csv]')) === BAD_ROLL, `${tag}: the roll's lines kept in the form`);
      await looks(page, `${tag}: the refused roll`, `initiative-forms-roll-${tag}.png`);
      await page.setInputFiles('#roll-file', { name: 'initiative-roll.csv', mimeType: 'text/csv', buffer: GOOD_ROLL });
      await page.waitForFunction(() => document.querySelector('textarea[name=csv]').value.startsWith('nom;prenoms'));
      [resp] = await Promise.all([page.waitForNavigation(), page.click(`form[action="/initiatives/${made}/roll"] button`)]);
      t = await text(page);
      check(page.url().endsWith(`/initiatives/${made}`) && t.includes(w.imported), `${tag}: the roll imported: ${t.slice(0, 300)}`);
      const [, fig] = await call(null, `/api/initiatives/${made}`);
      check(fig.territories.reduce((a, x) => a + x.electors, 0) === 6, `${tag}: the API counts 6 electors`);
      await looks(page, `${tag}: the initiative with its roll`, `initiative-forms-done-${tag}.png`);

      // -- listed --
      await page.goto(`${base}/initiatives`);
      check(await page.locator(`a[href="/initiatives/${made}"]`).textContent() === title, `${tag}: listed on /initiatives`);
      await ctx.close();
    }
  }

  // -- the ECI: 27 member states within the card --
  const eci = readFileSync(join(src, 'examples', 'initiative-eci.txt'), 'utf8');
  const [code, d] = await call(admin, '/api/initiatives', { title: 'Une initiative citoyenne européenne', rules: eci,
                                                          authority_key: KEY });
  check(code === 201, `the ECI created through the API (${code})`);
  for (const lang of ['fr', 'en']) {
    for (const width of [1280, 360]) {
      const tag = `${lang}-${width}`;
      const ctx = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB',
                                             viewport: { width, height: width === 360 ? 740 : 900 } });
      const page = await newPage(ctx);
      await page.goto(`${base}/initiatives/${d.id}`);
      const g = await page.evaluate(() => {
        const table = document.querySelector('table.stack');
        const card = table && table.closest('.card');
        const tb = table && table.getBoundingClientRect(), cb = card && card.getBoundingClientRect();
        const cards = [...document.querySelectorAll('main .card')].map(c => c.getBoundingClientRect().right);
        return { rows: table ? table.querySelectorAll('tbody tr').length : 0, card: !!card,
                 inside: !!(tb && cb && tb.left >= cb.left - 0.5 && tb.right <= cb.right + 0.5),
                 widest: Math.max(...cards), right: cb ? cb.right : 0 };
      });
      check(g.rows === 27, `ECI ${tag}: 27 territories (${g.rows})`);
      check(g.card && g.inside, `ECI ${tag}: the table within its card (${JSON.stringify(g)})`);
      check(g.right <= g.widest + 0.5, `ECI ${tag}: its card no wider than the others (${g.right} <= ${g.widest})`);
      await looks(page, `ECI ${tag}`, `initiative-eci-${tag}.png`);
      await ctx.close();
    }
  }

  // -- a form on another site, posting to urne: 403, said in the visitor's language --
  for (const lang of ['fr', 'en']) {
    for (const width of [1280, 360]) {
      const tag = `${lang}-${width}`;
      const ctx = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB',
                                             viewport: { width, height: width === 360 ? 740 : 900 } });
      await ctx.route('http://elsewhere.example/**', route => route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html lang=en><title>elsewhere</title><form method=post action="${base}/initiatives/1/sign">` +
              '<input name=name value=Dupont><button>go</button></form>',
      }));
      const page = await newPage(ctx);
      await page.goto('http://elsewhere.example/');
      const [resp] = await Promise.all([page.waitForNavigation(), page.click('button')]);
      const t = await text(page);
      check(resp.status() === 403 && t.includes(w403(lang)), `cross-site POST ${tag}: 403 with its words (${resp.status()}): ${t}`);
      check(await page.title() === `${words[lang].title} — urne` &&
            await page.evaluate(() => document.documentElement.lang) === lang, `cross-site POST ${tag}: its title and language`);
      await looks(page, `cross-site POST ${tag}`, `initiative-cross-site-${tag}.png`);
      await ctx.close();
    }
  }
} finally {
  await browser.close();
  srv.kill('SIGTERM');
}
function w403(lang) { return words[lang].site; }
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
