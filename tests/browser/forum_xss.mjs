// Browser test: the forum's renderer (forum/markup.h) against an XSS corpus. Every
// vector is rendered by `urne forum render`; the fragments are put in one page with
// no Content-Security-Policy at all (the renderer alone must hold), which headless
// Debian chromium opens. Each vector, if it ran, would set data-pwned on <html>,
// set window.__pwned or open a dialog; the page is loaded, every element hovered,
// focused and every non-link clicked, and then: nothing ran, no element but those the
// renderer may write (p, blockquote, strong, em, q, del, ins, code, a) exists in the
// fragments, no attribute but a link's href and rel, and every link goes to http,
// https or mailto. The corpus is built here: hand-written vectors, then tags crossed
// with event handlers, URL schemes in the renderer's own link syntax, encodings and
// broken-up forms, CSS, and the grammar's markers around all of them.
// Usage: node forum_xss.mjs URNE SOURCE_DIR OUT_DIR
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpus } from './forum_corpus.mjs';

const [urne, , out] = process.argv.slice(2);
let failures = 0;
const check = (cond, what) => { if (!cond) { failures++; console.log('FAIL:', what); } else console.log('ok:', what); };
mkdirSync(out, { recursive: true });

check(corpus.length >= 150, `the corpus holds ${corpus.length} vectors (at least 150)`);

// Render each vector with the command a moderator or a tester would use.
const fragments = corpus.map(v => execFileSync(urne, ['forum', 'render'], { input: v }).toString());
const page = '<!doctype html><html><head><meta charset=utf-8><title>corpus</title></head><body>' +
  fragments.map((f, i) => `<article data-i="${i}">${f}</article>`).join('\n') + '</body></html>';
writeFileSync(join(out, 'forum-xss.html'), page);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  let dialogs = 0;
  tab.on('dialog', d => { dialogs++; d.dismiss().catch(() => {}); });
  await tab.setContent(page, { waitUntil: 'load' });
  // Provoke every handler a surviving attribute could hold: hover, focus, click.
  const n = await tab.evaluate(() => document.querySelectorAll('article *').length);
  for (let i = 0; i < n; i++) {
    await tab.evaluate(i => {
      const el = document.querySelectorAll('article *')[i];
      if (!el) return; // what ran may have changed the page: the checks below say so
      for (const type of ['mouseover', 'focus', 'animationstart', 'toggle', 'error', 'load'])
        el.dispatchEvent(new Event(type));
      if (el.tagName !== 'A' && typeof el.click === 'function') el.click();
    }, i);
  }
  await tab.waitForTimeout(300);
  const state = await tab.evaluate(() => {
    const allowed = new Set(['P', 'BLOCKQUOTE', 'STRONG', 'EM', 'Q', 'DEL', 'INS', 'CODE', 'A']);
    const strange = [], attrs = [], hrefs = [];
    for (const el of document.querySelectorAll('article *')) {
      if (!allowed.has(el.tagName)) strange.push(el.tagName);
      for (const a of el.attributes)
        if (!(el.tagName === 'A' && (a.name === 'href' || a.name === 'rel'))) attrs.push(`${el.tagName}@${a.name}`);
      if (el.tagName === 'A') {
        let protocol = null;
        try { protocol = new URL(el.getAttribute('href') || '', document.baseURI).protocol; } catch { /* not a URL */ }
        if (!['http:', 'https:', 'mailto:'].includes(protocol)) hrefs.push(el.getAttribute('href'));
        if (el.rel !== 'nofollow ugc noopener') attrs.push('A@rel=' + el.rel);
      }
    }
    return { pwned: document.documentElement.dataset.pwned || window.__pwned || null, strange, attrs, hrefs,
             articles: document.querySelectorAll('article').length, title: document.title };
  });
  check(state.articles === corpus.length, `every fragment is one article: ${state.articles} of ${corpus.length}`);
  check(state.pwned === null, `no vector ran: ${state.pwned}`);
  check(dialogs === 0, `no dialog opened: ${dialogs}`);
  check(state.title === 'corpus', `the title is the page's own: ${state.title}`);
  check(state.strange.length === 0, `only the renderer's elements: ${[...new Set(state.strange)].join(' ')}`);
  check(state.attrs.length === 0, `no attribute but a link's href and rel: ${[...new Set(state.attrs)].join(' ')}`);
  check(state.hrefs.length === 0, `every link is http, https or mailto: ${state.hrefs.slice(0, 5).join(' ')}`);
  const links = await tab.evaluate(() => document.querySelectorAll('article a').length);
  check(links > 0, `the corpus's https links are rendered as links: ${links}`);
  await tab.screenshot({ path: join(out, 'forum-xss.png') });
} finally {
  await browser.close();
}
console.log(failures ? `${failures} failure(s)` : 'all passed');
process.exit(failures ? 1 : 0);
