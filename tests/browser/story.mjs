// Browser test: headless Debian chromium driven by playwright-core against a real
// urne server. A secretary logs in and enters a sheet with an error and sees the
// message (as typed, and from the server); a commission member contests a bureau;
// the public page then shows the frozen state. Screenshots go to OUT.
// Usage: node story.mjs URNE SOURCE_DIR OUT_DIR (on PostgreSQL when URNE_TEST_DB_URL is set)
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

const dir = mkdtempSync(join(tmpdir(), 'urne-browser-'));
mkdirSync(out, { recursive: true });
// URNE_TEST_DB_URL (tests/pg/run.sh): a fresh PostgreSQL database of its cluster
// instead of a SQLite file, so that the browser's story runs on both stores.
const fresh = () => {
  const url = process.env.URNE_TEST_DB_URL; // postgresql://user@/postgres?host=DIR: not a WHATWG URL
  const name = 'urne_browser_' + process.pid;
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', url, '-c', `CREATE DATABASE ${name}`]);
  const [head, query] = url.split('?');
  return head.slice(0, head.lastIndexOf('/')) + '/' + name + (query ? '?' + query : '');
};
const db = process.env.URNE_TEST_DB_URL ? fresh() : join(dir, 'urne.db');
execFileSync(urne, ['admin', 'create', '--db', db, '--user', 'admin'], { input: PASS + '\n' });
execFileSync(urne, ['election', 'import', '--db', db, join(source, 'examples/federation-designation.csv')]);
const { server, base } = await startUrne(urne, db, ['--access-log', 'none', '--quiet']);

const api = async (token, path, body) => {
  const r = await fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) }, body: JSON.stringify(body) });
  return [r.status, await r.json()];
};
const [, login] = await api(null, '/api/login', { user: 'admin', password: PASS });
for (const [name, role] of [['secretaire', 'secretary'], ['commission', 'commission']])
  await api(login.token, '/api/users', { name, password: PASS, role, tier: 1 });
await api(login.token, '/api/assignments', { user: 'secretaire', election: 1, first: 5 });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const ctx = await browser.newContext({ locale: 'fr-FR' });
  const page = await ctx.newPage();
  const logIn = async (user) => {
    await page.goto(base + '/login');
    await page.fill('input[name=user]', user);
    await page.fill('input[name=password]', PASS);
    await page.click('form.card button');
    await page.waitForURL(base + '/');
  };

  // The secretary enters Brignais with votants above inscrits.
  await logIn('secretaire');
  check(await page.isVisible('text=secretaire (secrétaire)'), 'secretary is logged in (the role in French)');
  await page.goto(base + '/e/1/b/5');
  await page.fill('input[name=inscrits]', '90');
  await page.fill('input[name=votants]', '95');
  await page.fill('input[name=blancs]', '1');
  await page.fill('input[name=nuls]', '1');
  const votes = await page.$$('input.vote');
  for (const [i, v] of [30, 30, 33].entries()) await votes[i].fill(String(v));
  const live = await page.textContent('ul.live');
  check(live.includes('Votants (95) supérieurs aux inscrits (90)'), `the check fails as it is typed: "${live}"`);
  await page.screenshot({ path: join(out, 'entry-live-check.png'), fullPage: true });
  await page.click('form.sheet button');
  const server_msg = await page.textContent('ul.checks.server');
  check(server_msg.includes('les votants (95) sont plus nombreux que les inscrits (90)') &&
        !server_msg.includes('exceed') && server_msg.includes('votants-le-inscrits'),
        `the server refuses it with the rule: "${server_msg.trim()}"`);
  check(await page.inputValue('input[name=votants]') === '95', 'what was typed is kept');
  await page.screenshot({ path: join(out, 'entry-refused.png'), fullPage: true });
  await page.fill('input[name=votants]', '61');
  const fresh = await page.$$('input.vote');
  await fresh[0].fill('20'); await fresh[1].fill('21'); await fresh[2].fill('18');
  await page.click('form.sheet button');
  check(await page.isVisible('text=Procès-verbal enregistré et compté.'), 'the corrected sheet is recorded');
  await page.click('header form button');

  // A commission member contests a section.
  await logIn('commission');
  await page.goto(base + '/e/1/b/0');
  await page.fill('textarea[name=reason]', "Écart de 3 voix signalé par un assesseur");
  await page.click('form.card button');
  check(await page.isVisible('text=Bureau contesté'), 'the contest is recorded');
  await page.screenshot({ path: join(out, 'contested.png'), fullPage: true });
  await page.click('header form button');

  // The public page shows the frozen state, never final.
  const pub = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await pub.goto(base + '/e/1?level=1&unit=' + encodeURIComponent('Rhône/1re'));
  const badge = await pub.textContent('h1 .badge');
  check(badge === 'résultat gelé', `the 1re circonscription shows frozen: "${badge}"`);
  await pub.goto(base + '/e/1');
  check((await pub.textContent('h1 .badge')) === 'résultat gelé', 'the federation is frozen too');
  check(await pub.isVisible('text=Résultat gelé'), 'the outcome says nothing is final');
  await pub.screenshot({ path: join(out, 'public-frozen.png'), fullPage: true });
  await pub.goto(base + '/e/1?lang=en');
  check((await pub.textContent('h1 .badge')) === 'frozen', 'and in English');
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
console.log(failures ? `${failures} failure(s)` : 'all passed');
process.exit(failures ? 1 : 0);
