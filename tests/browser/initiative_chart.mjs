// Browser test: an initiative's live counter page with its chart of signatures
// over time (src/web/initiative_chart.c), in French and English, at 360 px and
// 1280 px wide. A store is made with the command line (an initiative, 40 codes
// for letters) and signatures spread over five weeks written into it (the
// server's clock would put every signature on one day); the server then rebuilds
// its counts and days from the index. Each page must fit the screen (no sideways
// scrolling, the chart inside the viewport), break no rule of the CSP, show the
// SVG with its title and description, and break no axe-core rule of impact
// serious or critical; a screenshot of each is saved as
// OUT/initiative-<lang>-<width>.png, and one with the table opened.
// Usage: node initiative_chart.mjs URNE SOURCE_DIR OUT_DIR (SOURCE_DIR unused: the
// same arguments as the other browser tests); needs the sqlite3 command.
import { chromium } from 'playwright-core';
import { axeSerious } from './axe.mjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUrne } from './serve.mjs';

const [urne, , out] = process.argv.slice(2);
let failures = 0;
const check = (cond, what) => { if (!cond) { failures++; console.log('FAIL:', what); } else console.log('ok:', what); };
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'urne-chart-'));
const db = join(dir, 'urne.db');
const run = (args, input) => execFileSync(urne, args, { input, encoding: 'utf8' });

run(['admin', 'create', '--db', db, '--user', 'admin'], 'chart-pass-2026\n');
const key = run(['initiative', 'keygen', '--secret-key', join(dir, 'authority.key')]).trim();
writeFileSync(join(dir, 'rules.txt'), 'preset = local-petition\nnational = 40\nopens = 2026-01-05\ncloses = 2099-01-01\n');
run(['initiative', 'create', '--db', db, '--user', 'admin', '--title', 'Pour un marché couvert à Amiens',
     '--rules', join(dir, 'rules.txt'), '--authority-key', key]);
run(['initiative', 'codes', '--db', db, '--user', 'admin', '--id', '1', '--count', '40', '--territory', 'Somme',
     '--out', join(dir, 'letters.csv')]);
// 31 signatures over 5 weeks (a quiet start, a week without any, a rush), the
// initiative collecting: rows as the server writes them.
const perDay = [1, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 4, 2, 1, 0, 1, 0, 0, 6, 5, 2, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1];
let sql = "BEGIN; UPDATE initiatives SET state = 'collecting' WHERE id = 1;";
let n = 0;
perDay.forEach((k, d) => {
  for (let i = 0; i < k; i++, n++) {
    const at = new Date(Date.UTC(2026, 0, 5 + d, 9 + i)).toISOString().replace('.000', '');
    sql += `INSERT INTO initiative_signatures(initiative_id, dedup, territory, sealed, receipt, signed_at)
            VALUES (1, 'd${n}', 'Somme', 'x', 'r${n}', '${at}');`;
  }
});
execFileSync('sqlite3', [db, sql + 'COMMIT;']);

const { server: srv, base } = await startUrne(urne, db, ['--quiet'], { stdio: 'ignore', probe: '/initiatives' });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const api = await (await fetch(base + '/api/initiatives/1')).json();
  check(api.signatures === n && api.per_day.reduce((a, x) => a + x.valid, 0) === n,
        `the API's days add up to the ${n} signatures: ${api.signatures}`);
  for (const lang of ['fr', 'en']) {
    for (const width of [360, 1280]) {
      const ctx = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB', viewport: { width, height: width === 360 ? 740 : 900 } });
      const page = await ctx.newPage();
      await page.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await page.goto(`${base}/initiatives/1?lang=${lang}`);
      const what = `${lang} at ${width} px`;
      const m = await page.evaluate(() => {
        const svg = document.querySelector('svg.chart');
        const r = svg && svg.getBoundingClientRect();
        return {
          scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
          viewport: window.innerWidth,
          svg: r ? { left: r.left, right: r.right, width: r.width, height: r.height } : null,
          title: svg && svg.querySelector('title') ? svg.querySelector('title').textContent : '',
          desc: svg && svg.querySelector('desc') ? svg.querySelector('desc').textContent : '',
          points: svg ? svg.querySelector('polyline').getAttribute('points').split(' ').length : 0,
          csp: window.__csp,
        };
      });
      check(m.scroll <= m.viewport, `${what}: scroll width ${m.scroll} <= ${m.viewport}`);
      check(m.svg && m.svg.left >= 0 && m.svg.right <= m.viewport && m.svg.width >= 300,
            `${what}: the chart inside the screen, at least 300 px wide: ${JSON.stringify(m.svg)}`);
      check(m.title && m.desc.includes(String(n)), `${what}: titled "${m.title}", described: "${m.desc}"`);
      check(m.points >= 10, `${what}: the line has ${m.points} points`);
      check(m.csp.length === 0, `${what}: no CSP violation (${m.csp.join(', ')})`);
      const found = await axeSerious(page);
      check(found.length === 0, `${what}: axe finds nothing serious or critical${found.length ? ':\n    ' + found.join('\n    ') : ''}`);
      await page.locator('svg.chart').screenshot({ path: join(out, `initiative-chart-${lang}-${width}.png`) });
      await page.screenshot({ path: join(out, `initiative-${lang}-${width}.png`), fullPage: true });
      if (width === 360) {
        await page.evaluate(() => document.querySelectorAll('details').forEach(d => { d.open = true; }));
        const t = await page.evaluate(() => [...document.querySelectorAll('table')].map(x => Math.ceil(x.getBoundingClientRect().right)).filter(r => r > window.innerWidth));
        check(t.length === 0, `${what}: the figures' table, opened, fits (${t.join(', ')})`);
        await page.screenshot({ path: join(out, `initiative-${lang}-${width}-table.png`), fullPage: true });
        await page.locator('svg.chart + details table').screenshot({ path: join(out, `initiative-table-row-${lang}-${width}.png`) });
      }
      await ctx.close();
    }
  }
} finally {
  await browser.close();
  srv.kill('SIGTERM');
}
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
