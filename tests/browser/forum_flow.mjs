// Browser test: the forum's XSS corpus (forum_corpus.mjs) posted, approved and opened
// through the real server (issue 19). A visitor posts a thread, then every vector as a
// reply in it, and a sample as thread titles; the forum's moderator approves them all
// (through the API); headless chromium opens the thread page and the forum's page as
// anyone would. Each vector, if it ran, would set data-pwned on <html>, set
// window.__pwned or open a dialog: every element of the messages is hovered, focused
// and (but links) clicked, then nothing may have run, and the messages' elements are
// only those the renderer writes. The server's Content-Security-Policy is there too,
// as in real life; forum_xss.mjs checks the renderer with no CSP at all.
// Usage: node forum_flow.mjs URNE SOURCE_DIR OUT_DIR
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { startUrne } from './serve.mjs';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpus } from './forum_corpus.mjs';

const [urne, , out] = process.argv.slice(2);
let failures = 0;
const check = (cond, what) => { if (!cond) { failures++; console.log('FAIL:', what); } else console.log('ok:', what); };
mkdirSync(out, { recursive: true });

const PASS = 'correct-horse-battery-77';
const dir = mkdtempSync(join(tmpdir(), 'urne-forum-flow-'));
const db = join(dir, 'urne.db');
execFileSync(urne, ['admin', 'create', '--db', db, '--user', 'admin'], { input: PASS + '\n' });
const { server, base } = await startUrne(urne, db, ['--access-log', 'none', '--quiet']);

async function api(token, method, path, body) {
  const r = await fetch(base + path, { method, headers: { 'Content-Type': 'application/json',
    ...(token ? { Authorization: 'Bearer ' + token } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return [r.status, await r.json()];
}

try {
  const [, login] = await api(null, 'POST', '/api/login', { user: 'admin', password: PASS });
  const admin = login.token;
  let [st, d] = await api(admin, 'POST', '/api/forums', { attached: 'page/xss', title: 'XSS', visitors: true });
  check(st === 201, `a forum moderated beforehand: ${st}`);
  const forum = d.id;
  [, d] = await api(null, 'GET', `/api/forums/${forum}`);
  const stamp = d.stamp;
  const who = { name: 'Visiteur', email: 'visiteur@example.org', stamp };
  // The thread page shows 200 messages: the corpus goes in threads of 150 replies, each
  // thread's first message approved first (a reply answers a published message).
  const threads = [];
  for (let i = 0; i < corpus.length; i += 150) {
    [st, d] = await api(null, 'POST', `/api/forums/${forum}/posts`, { title: `Vecteurs ${i}`, message: 'Le corpus suit.', ...who });
    threads.push(d.id);
    [st] = await api(admin, 'POST', `/api/posts/${d.id}/moderate`, { act: 'approve' });
    check(st === 200, `thread ${d.id} approved: ${st}`);
  }
  let posted = 0;
  for (let i = 0; i < corpus.length; i++) {
    [st] = await api(null, 'POST', `/api/forums/${forum}/posts`, { parent: threads[Math.floor(i / 150)], message: corpus[i], ...who });
    if (st === 201) posted++;
  }
  const titles = corpus.filter(v => !/[\x00-\x1f]/.test(v)).slice(0, 40); /* a title is one line */
  for (const v of titles) {
    [st] = await api(null, 'POST', `/api/forums/${forum}/posts`, { title: v.slice(0, 200), message: 'Titre piégé.', ...who });
    if (st === 201) posted++;
  }
  check(posted === corpus.length + titles.length, `every vector posted: ${posted} of ${corpus.length + titles.length}`);
  // Nothing is shown before the moderator approves.
  [, d] = await api(null, 'GET', `/api/forums/${forum}/t/${threads[0]}`);
  check(d.posts.length === 1, `only the approved first message is public before moderation: ${d.posts.length}`);
  let approved = 0;
  for (;;) {
    [, d] = await api(admin, 'GET', `/api/forums/queue?forum=${forum}&limit=1000`);
    if (d.posts.length === 0) break;
    for (const p of d.posts) {
      const [s] = await api(admin, 'POST', `/api/posts/${p.id}/moderate`, { act: 'approve' });
      if (s === 200) approved++;
    }
  }
  check(approved === posted, `every message approved: ${approved}`);

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    let dialogs = 0;
    tab.on('dialog', dl => { dialogs++; dl.dismiss().catch(() => {}); });
    const pages = [...threads.map(t => `/forums/${forum}/t/${t}`), `/forums/${forum}`];
    let articles = 0;
    for (const path of pages) {
      const resp = await tab.goto(base + path, { waitUntil: 'load' });
      check(resp.status() === 200, `${path} opens: ${resp.status()}`);
      articles += await tab.evaluate(() => document.querySelectorAll('article.post').length);
      const n = await tab.evaluate(() => document.querySelectorAll('article.post *, ul.threads *').length);
      for (let i = 0; i < n; i++)
        await tab.evaluate(i => {
          const el = document.querySelectorAll('article.post *, ul.threads *')[i];
          if (!el) return;
          for (const type of ['mouseover', 'focus', 'animationstart', 'toggle', 'error', 'load'])
            el.dispatchEvent(new Event(type, { bubbles: true }));
          if (el.tagName !== 'A' && el.tagName !== 'BUTTON' && typeof el.click === 'function') el.click();
        }, i);
      await tab.waitForTimeout(100);
      const state = await tab.evaluate(() => {
        const allowed = new Set(['P', 'BLOCKQUOTE', 'STRONG', 'EM', 'Q', 'DEL', 'INS', 'CODE', 'A']);
        const strange = [];
        for (const el of document.querySelectorAll('article.post .body *'))
          if (!allowed.has(el.tagName)) strange.push(el.tagName);
        return { pwned: document.documentElement.dataset.pwned ?? (window.__pwned ? 'window' : null), strange };
      });
      check(state.pwned === null, `${path}: no vector ran: ${state.pwned}`);
      check(state.strange.length === 0, `${path}: only the renderer's elements: ${[...new Set(state.strange)].join(' ')}`);
    }
    check(articles === corpus.length + threads.length, `every message shown in its thread: ${articles}`);
    check(dialogs === 0, `no dialog opened: ${dialogs}`);
    await tab.screenshot({ path: join(out, 'forum-flow.png') });
  } finally {
    await browser.close();
  }
} finally {
  server.kill('SIGTERM');
}
console.log(failures ? `${failures} failure(s)` : 'all passed');
process.exit(failures ? 1 : 0);
