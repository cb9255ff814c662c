// Browser test: hostile names are text, never markup. An administrator creates an
// election whose title, level names, candidates and bureaux are XSS payloads that
// would change the page if they ran or were parsed as markup; headless Debian
// chromium then opens every page that shows them, public and logged in, and the DOM
// is checked: no element the payloads would create exists, no payload ran, each
// payload is visible as text, and the pages themselves break no rule of the
// Content-Security-Policy (no inline script of their own).
// Usage: node xss.mjs URNE SOURCE_DIR OUT_DIR
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUrne } from './serve.mjs';

const [urne, , out] = process.argv.slice(2);
const PASS = 'Vb7-quartz-Lamp-92';
let failures = 0;
const check = (cond, what) => { if (!cond) { failures++; console.log('FAIL:', what); } else console.log('ok:', what); };

const dir = mkdtempSync(join(tmpdir(), 'urne-xss-'));
mkdirSync(out, { recursive: true });
const db = join(dir, 'urne.db');
execFileSync(urne, ['admin', 'create', '--db', db, '--user', 'admin'], { input: PASS + '\n' });
const { server, base } = await startUrne(urne, db, ['--access-log', 'none', '--quiet']);

// Each payload, if it were markup, would create an element marked data-xss or run
// code that sets a data-pwned attribute on <html> or opens an alert (a dialog).
const run = 'document.documentElement.dataset.pwned=1'; // no ';' or ',': names may not hold them
// Double quotes only in the title: the other names travel in a CSV header, where a
// quote is CSV syntax; unquoted attribute values run just as well.
const payloads = {
  title: `"><script>${run}</script><b data-xss=title>T</b>`,
  level1: '<svg data-xss onload=alert(1)>', // level names hold at most 47 bytes
  level2: '<img data-xss src=x onerror=alert(2)>',
  candidate1: `<video data-xss=cand><source onerror=${run}></video>`,
  candidate2: `'><a data-xss=attr href=javascript:${run}>x</a>`,
  bureau: `<details data-xss=bureau open ontoggle=${run}>`,
};
const api = async (token, path, body) => {
  const r = await fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) }, body: JSON.stringify(body) });
  return [r.status, await r.json()];
};
const [, login] = await api(null, '/api/login', { user: 'admin', password: PASS });
const [st, created] = await api(login.token, '/api/elections', {
  title: payloads.title, rules: 'single',
  levels: `${payloads.level1}, ${payloads.level2}`,
  candidates: `${payloads.candidate1}\n${payloads.candidate2}`,
  bureaux: `Total;${payloads.bureau};120`,
});
check(st === 201, `an election with hostile names is created: ${st} ${JSON.stringify(created)}`);
const id = created.id;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  for (const [who, lang] of [['public', 'fr-FR'], ['admin', 'en-US']]) {
    const ctx = await browser.newContext({ locale: lang, viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const dialogs = [];
    page.on('dialog', d => { dialogs.push(d.message()); d.dismiss(); });
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    if (who === 'admin') {
      await page.goto(base + '/login');
      await page.fill('input[name=user]', 'admin');
      await page.fill('input[name=password]', PASS);
      await page.click('form.card button');
      await page.waitForURL(base + '/');
    }
    const paths = ['/', `/e/${id}`, `/e/${id}?level=1`, `/e/${id}?level=2`, `/e/${id}/b/0`];
    if (who === 'admin') paths.push('/admin', `/e/${id}/recolement`, '/audit');
    for (const path of paths) {
      await page.goto(base + path);
      await page.waitForLoadState('load');
      await page.waitForTimeout(100); // let any event handler that was injected fire
      const state = await page.evaluate(() => ({
        injected: [...document.querySelectorAll('[data-xss]')].map(e => e.outerHTML.slice(0, 80)),
        handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
        pwned: document.documentElement.getAttribute('data-pwned'),
        csp: window.__csp,
        text: document.body.innerText,
      }));
      check(state.injected.length === 0, `${who} ${path}: no element from a payload (${state.injected.join(' | ')})`);
      check(state.handlers === 0, `${who} ${path}: no event-handler attribute in the DOM`);
      check(state.pwned === null && dialogs.length === 0, `${who} ${path}: no payload ran`);
      check(state.csp.length === 0, `${who} ${path}: the page breaks no Content-Security-Policy rule (${state.csp.join(', ')})`);
      if (path === `/e/${id}`)
        check(state.text.includes('<svg data-xss onload=alert(1)>') && state.text.includes('<script>'),
              `${who} ${path}: the level name and the title are shown as text`);
      await page.screenshot({ path: join(out, `xss-${who}-${path.replace(/[^a-z0-9]+/gi, '_')}.png`), fullPage: true });
    }
    await ctx.close();
  }
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
