// Browser test: the forms' dates follow the page's language, not the browser's. A
// Chromium set to American English (whose own date control would show mm/dd/yyyy)
// opens French pages: the administrator's entry deadline and a signer's birth date
// are asked day first ("jj/mm/aaaa"), with a hint the field names; what is typed that
// way is read right by the server (14/06/2030 20:00 is 18:00 UTC in Paris's summer),
// a pattern stops a date of another shape before it is sent, and a date that does
// not exist is refused by the server naming the field, in French. The import's file
// field is worded by the page too, not by the browser ("Choose File"). Screenshots at
// 360 px go to OUT. Usage: node dates.mjs URNE SOURCE_DIR OUT_DIR
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUrne } from './serve.mjs';

const [urne, source, out] = process.argv.slice(2);
const PASS = 'browser-pass-1';
let failures = 0;
const check = (cond, what) => { if (!cond) { failures++; console.log('FAIL:', what); } else console.log('ok:', what); };

const dir = mkdtempSync(join(tmpdir(), 'urne-dates-'));
mkdirSync(out, { recursive: true });
const db = join(dir, 'urne.db');
const run = (...args) => execFileSync(urne, args, { input: PASS + '\n' }).toString().trim();
run('admin', 'create', '--db', db, '--user', 'admin');
const key = run('initiative', 'keygen', '--secret-key', join(dir, 'authority.key'));
run('initiative', 'create', '--db', db, '--user', 'admin', '--title', 'Eau en régie publique',
    '--rules', join(source, 'examples/initiative-rules.txt'), '--authority-key', key);
run('initiative', 'import-roll', '--db', db, '--user', 'admin', '--id', '1', join(source, 'examples/initiative-roll.csv'));
const { server, base } = await startUrne(urne, db, ['--access-log', 'none', '--quiet']);

const api = async (token, method, path, body) => {
  const r = await fetch(base + path, { method, headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) },
                                       body: body ? JSON.stringify(body) : undefined });
  return [r.status, await r.json()];
};
const [, admin] = await api(null, 'POST', '/api/login', { user: 'admin', password: PASS });
await api(admin.token, 'POST', '/api/users', { name: 'commission', password: PASS, role: 'commission', tier: 1 });
const [, commission] = await api(null, 'POST', '/api/login', { user: 'commission', password: PASS });
await api(admin.token, 'POST', '/api/initiatives/1/transition', { event: 'submit' });
await api(commission.token, 'POST', '/api/initiatives/1/decision', { decision: 'admit', reasons: 'Conforme.' });
const [opened] = await api(admin.token, 'POST', '/api/initiatives/1/transition', { event: 'open' });
check(opened === 200, `the initiative collects signatures (${opened})`);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--lang=en-US'],
});
try {
  // The browser speaks American English; the pages are asked for in French.
  const ctx = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York', viewport: { width: 360, height: 800 } });
  const page = await ctx.newPage();
  // The hint a field names (aria-describedby), as assistive technology reads it.
  const described = (sel) => page.$eval(sel, el => document.getElementById(el.getAttribute('aria-describedby'))?.textContent ?? '');

  await page.goto(base + '/login?lang=fr');
  await page.fill('input[name=user]', 'admin');
  await page.fill('input[name=password]', PASS);
  await page.click('form.card button');
  await page.waitForURL(base + '/');
  await page.goto(base + '/admin?lang=fr');
  const deadline = 'form:has(textarea[name=candidates]) input[name=deadline]';
  check(await page.$eval(deadline, el => el.type) === 'text' &&
        await page.$eval(deadline, el => el.placeholder) === 'jj/mm/aaaa hh:mm',
        'the deadline is a text field asking jj/mm/aaaa hh:mm, whatever the browser\'s locale');
  check((await described(deadline)).startsWith("Le jour d’abord, par exemple 14/06/2030"),
        `the field names its French hint: "${await described(deadline)}"`);
  await page.fill('form:has(textarea[name=candidates]) input[name=title]', 'Dates à la française');
  await page.fill('textarea[name=candidates]', 'Alice\nBruno');
  await page.fill('textarea[name=bureaux]', 'Montval;1;1210');
  await page.fill(deadline, '14/06/2030 20:00');
  await page.screenshot({ path: join(out, 'dates-deadline-fr-360.png'), fullPage: true });
  await page.click('form:has(textarea[name=candidates]) button');
  const [, elections] = await api(admin.token, 'GET', '/api/elections');
  const made = (Array.isArray(elections) ? elections : []).find(e => e.title === 'Dates à la française');
  const [, e] = made ? await api(admin.token, 'GET', `/api/elections/${made.id}`) : [0, {}];
  check(e.deadline === '2030-06-14T18:00:00Z', `14/06/2030 20:00 typed on the French page is 18:00 UTC: ${e.deadline}`);

  // The import's file field: the browser's own button would say "Choose File" on a
  // French page; the page's button and the chosen file's name stand in its place.
  await page.goto(base + '/admin?lang=fr');
  const pick = 'form:has(input[type=file]) label.pick';
  check(await page.textContent(pick) === 'Choisir un fichier' &&
        await page.textContent('#import-file-name') === 'aucun fichier choisi',
        'the file field is worded by the page: « Choisir un fichier », « aucun fichier choisi »');
  check(await page.$eval('input[type=file]', el => el.labels.length === 1 && el.labels[0].textContent === 'Choisir un fichier'),
        'the hidden file field keeps a label naming it');
  await page.setInputFiles('input[type=file]', join(source, 'examples/primary-round2.csv'));
  // The script reads the file, then names it (polled here: the pages' CSP forbids the eval waitForFunction uses).
  let named = '';
  for (let i = 0; i < 100 && named !== 'primary-round2.csv'; i++) {
    named = await page.textContent('#import-file-name');
    if (named !== 'primary-round2.csv') await new Promise(r => setTimeout(r, 50));
  }
  check(named === 'primary-round2.csv', `the chosen file is named beside the button: "${named}"`);
  await page.screenshot({ path: join(out, 'dates-file-fr-360.png'), fullPage: true });
  await page.click('form:has(input[type=file]) button');
  const [, after] = await api(admin.token, 'GET', '/api/elections');
  check(Array.isArray(after) && after.length === 2, `the chosen file is imported: ${Array.isArray(after) ? after.length : after} elections`);

  // A signer on the initiative's French page, logged out.
  await page.click('header form button');
  await page.goto(base + '/initiatives/1?lang=fr');
  const birth = 'input[name=birth]';
  check(await page.$eval(birth, el => el.type) === 'text' && await page.$eval(birth, el => el.placeholder) === 'jj/mm/aaaa',
        'the birth date is a text field asking jj/mm/aaaa');
  check((await described(birth)) === "Le jour d’abord, par exemple 04/03/1970.", `its hint: "${await described(birth)}"`);
  const sign = async (b) => {
    await page.fill('input[name=name]', 'Dupont');
    await page.fill('input[name=given]', 'Jean Pierre');
    await page.fill(birth, b);
    await page.fill('input[name=commune]', 'Montval');
  };
  await sign('1970/03/04');
  check(await page.$eval(birth, el => el.validity.patternMismatch), 'a date of another shape is stopped before it is sent');
  await sign('31/02/1970');
  await page.click('form[action$="/sign"] button');
  const refused = await page.textContent('main');
  check(/date de naissance/i.test(refused) && !/birth date/i.test(refused),
        `31/02/1970 is refused by the server, the field named in French: "${(refused.match(/[^.]*naissance[^.]*\./i) || [''])[0]}"`);
  check(await page.inputValue(birth) === '31/02/1970', 'what was typed is kept');
  await page.screenshot({ path: join(out, 'dates-birth-refused-fr-360.png'), fullPage: true });
  await sign('04/03/1970');
  await page.click('form[action$="/sign"] button');
  check(await page.isVisible('text=Signature enregistrée'), 'signed with 04/03/1970: the roll\'s 1970-03-04');
  await page.screenshot({ path: join(out, 'dates-signed-fr-360.png'), fullPage: true });
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
console.log(failures ? `${failures} failure(s)` : 'all passed');
process.exit(failures ? 1 : 0);
