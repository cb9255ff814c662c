// Browser test: an initiative's Manage section (src/web/initiative_manage.c) as
// an organiser and committee member sees it, in French, at 360 px and 1280 px
// wide. Through the API: a member who is a commission over the site and an
// administrator of org/a, two initiatives of org/a, one submitted (the
// decision's form), one collecting with two signatures (the close button, the
// invalidation's form). The member logs in (the session's cookie) and each page
// must fit the screen (no sideways scrolling, every form control inside it),
// break no rule of the CSP and no axe-core rule of impact serious or critical;
// the section is saved as OUT/initiative-manage-<n>-<width>.png. Then the
// decision is taken by the form (the button pressed, the reasons typed): the
// page comes back with its flash.
// Usage: node initiative_manage.mjs URNE SOURCE_DIR OUT_DIR (SOURCE_DIR unused).
import { chromium } from 'playwright-core';
import { axeSerious } from './axe.mjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiCaller, startUrne } from './serve.mjs';

const [urne, , out] = process.argv.slice(2);
let failures = 0;
const check = (cond, what) => { if (!cond) { failures++; console.log('FAIL:', what); } else console.log('ok:', what); };
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'urne-manage-'));
const db = join(dir, 'urne.db');
const PASS = 'manage-pass-2026';
execFileSync(urne, ['admin', 'create', '--db', db, '--user', 'admin'], { input: PASS + '\n' });

const { server: srv, base } = await startUrne(urne, db, ['--quiet'], { stdio: 'ignore', probe: '/initiatives' });
const call = apiCaller(base);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const [, login] = await call(null, '/api/login', { user: 'admin', password: PASS });
  const admin = login.token;
  await call(admin, '/api/users', { name: 'membre', password: PASS, role: 'commission', tier: 1 });
  let [st] = await call(admin, '/api/grants', { user: 'membre', space: 'org/a', role: 'admin' });
  check(st === 200, `membre: administrator of org/a too (${st})`);
  const [, m] = await call(null, '/api/login', { user: 'membre', password: PASS });
  const rules = 'preset = territories\nnational = 3\nterritory = 1\nterritories = 1\n' +
                'opens = 2020-01-01\ncloses = 2099-01-01\nstop-at-threshold = no\n';
  const roll = 'name,given,birth,commune,territory\nDupont,Jean,1970-03-04,Amiens,Somme\n' +
               'Martin,Paul,1960-06-01,Amiens,Somme\n';
  for (const [title, steps] of [['Pour un marché couvert à Amiens', ['submit']],
                                ['Eau en régie publique dans la métropole amiénoise', ['submit', 'admit', 'open']]]) {
    const [, d] = await call(m.token, '/api/initiatives', { title, space: 'org/a', rules, authority_key: '22'.repeat(32) });
    await call(m.token, `/api/initiatives/${d.id}/roll`, { csv: roll });
    for (const s of steps) {
      const [code] = s === 'admit' ? await call(m.token, `/api/initiatives/${d.id}/decision`, { decision: 'admit', reasons: 'Conforme.' })
                                   : await call(m.token, `/api/initiatives/${d.id}/transition`, { event: s });
      check(code === 200, `initiative ${d.id}: ${s} (${code})`);
    }
  }
  for (const [name, given, birth] of [['Dupont', 'Jean', '1970-03-04'], ['Martin', 'Paul', '1960-06-01']]) {
    [st] = await call(null, '/api/initiatives/2/signatures', { name, given, birth, commune: 'Amiens' });
    check(st === 201, `${name} signs initiative 2 (${st})`);
  }
  for (const width of [1280, 360]) { // 360 last: its decision changes initiative 1
    const ctx = await browser.newContext({ locale: 'fr-FR', viewport: { width, height: width === 360 ? 740 : 900 } });
    const r = await ctx.request.post(base + '/api/login', { data: { user: 'membre', password: PASS } });
    check(r.status() === 200, `membre logs in in the browser (${r.status()})`);
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    for (const n of [1, 2]) {
      await page.goto(`${base}/initiatives/${n}`);
      const what = `initiative ${n} at ${width} px`;
      const g = await page.evaluate(() => {
        const sec = document.querySelector('section[aria-labelledby=manage]');
        const controls = sec ? [...sec.querySelectorAll('button, textarea, input:not([type=hidden])')] : [];
        return {
          heading: sec ? sec.querySelector('h2').textContent : '',
          buttons: controls.filter(c => c.tagName === 'BUTTON').map(c => c.textContent),
          outside: controls.filter(c => { const b = c.getBoundingClientRect(); return b.left < 0 || b.right > window.innerWidth; }).length,
          scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
          viewport: window.innerWidth,
          csp: window.__csp,
        };
      });
      // Initiative 1, submitted: its roll may still be imported (initiative_forms.c), then the committee's form.
      const want = n === 1 ? ['Importer la liste électorale', 'Déclarer recevable', 'Déclarer irrecevable']
                           : ['Clore la collecte', 'Invalider'];
      check(g.heading === 'Gérer' && JSON.stringify(g.buttons) === JSON.stringify(want),
            `${what}: the section "${g.heading}", its buttons ${JSON.stringify(g.buttons)}`);
      check(g.scroll <= g.viewport && g.outside === 0, `${what}: fits (scroll ${g.scroll} <= ${g.viewport}, ${g.outside} control(s) outside)`);
      check(g.csp.length === 0, `${what}: no CSP violation (${g.csp.join(', ')})`);
      const found = await axeSerious(page);
      check(found.length === 0, `${what}: axe finds nothing serious or critical${found.length ? ':\n    ' + found.join('\n    ') : ''}`);
      await page.locator('section[aria-labelledby=manage]').screenshot({ path: join(out, `initiative-manage-${n}-${width}.png`) });
    }
    if (width === 360) {
      await page.goto(`${base}/initiatives/1`);
      await page.fill('textarea[name=reasons]', 'Conforme à la Constitution.');
      await Promise.all([page.waitForNavigation(), page.click('button[value=admit]')]);
      const flash = await page.evaluate(() => (document.querySelector('.flash') || {}).textContent || '');
      check(page.url().endsWith('/initiatives/1') && flash.includes('recevable'), `the decision by the form: "${flash}"`);
      await page.screenshot({ path: join(out, `initiative-manage-done-${width}.png`) });
    }
    await ctx.close();
  }
} finally {
  await browser.close();
  srv.kill('SIGTERM');
}
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
