// axe.mjs: the accessibility check the browser tests share (axe-core, from npm).
//
// axeSerious(page): axe-core run on the page as it is; its violations of impact
// "serious" or "critical", each as one line: rule (impact): help — the first three
// elements' selectors, and how many more. An empty list is a page that passes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function axeSerious(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const res = await window.axe.run(document, { resultTypes: ['violations'] });
    return res.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
      .map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`
                + (v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''));
  });
}
