// The forum's XSS corpus, shared by forum_xss.mjs (the renderer alone, no CSP) and
// forum_flow.mjs (posted, approved and opened through the server): hand-written
// vectors, then tags crossed with event handlers, URL schemes in the renderer's own
// link syntax, encodings and broken-up forms, CSS, and the grammar's markers around
// them. Each vector, if it ran, would set data-pwned on <html> and window.__pwned.
export const run = 'document.documentElement.dataset.pwned=1;window.__pwned=1';
const hand = [
  `<script>${run}</script>`,
  `<SCRIPT>${run}</SCRIPT>`,
  `<script src=data:text/javascript,${run}></script>`,
  `<scr<script>ipt>${run}</scr</script>ipt>`,
  `<<script>script>${run}<</script>/script>`,
  `"><script>${run}</script>`,
  `'><script>${run}</script>`,
  `</p><script>${run}</script><p>`,
  `</code><script>${run}</script>`,
  `<img src=x onerror="${run}">`,
  `<img src=x onerror='${run}'>`,
  `<img src=x onerror=${run}>`,
  `<img/src=x/onerror=${run}>`,
  `<img src="x" onerror\n=${run}>`,
  `<svg onload=${run}>`,
  `<svg><script>${run}</script></svg>`,
  `<svg><animate onbegin=${run} attributeName=x dur=1s>`,
  `<math><mtext></p><script>${run}</script>`,
  `<iframe src="javascript:parent.${run}"></iframe>`,
  `<iframe srcdoc="<script>parent.${run}</script>"></iframe>`,
  `<object data="javascript:${run}"></object>`,
  `<embed src="javascript:${run}">`,
  `<a href="javascript:${run}">lien</a>`,
  `<a href=" javascript:${run}">lien</a>`,
  `<form action="javascript:${run}"><button>envoyer</button></form>`,
  `<input autofocus onfocus=${run}>`,
  `<details open ontoggle=${run}>`,
  `<body onload=${run}>`,
  `<style>*{background:url("javascript:${run}")}</style>`,
  `<div style="background-image:url(javascript:${run})">x</div>`,
  `<link rel=stylesheet href="javascript:${run}">`,
  `<meta http-equiv=refresh content="0;url=javascript:${run}">`,
  `<base href="javascript:${run}//">`,
  `<marquee onstart=${run}>x</marquee>`,
  `<video><source onerror=${run}></video>`,
  `<audio src=x onerror=${run}>`,
  `<isindex action=javascript:${run} type=image>`,
  `<table background="javascript:${run}">`,
  `<!--<img src=x onerror=${run}>-->`,
  `<![CDATA[<script>${run}</script>]]>`,
  `&lt;script&gt;${run}&lt;/script&gt;`,
  `&#60;script&#62;${run}&#60;/script&#62;`,
  `\\u003cscript\\u003e${run}\\u003c/script\\u003e`,
  `%3Cscript%3E${run}%3C/script%3E`,
  `<q onclick=${run}>q</q>`,
  `<q style="x:expression(${run})">q</q>`,
  `<del onmouseover=${run}>d</del>`,
  `<ins/onclick=${run}>i</ins>`,
  `<code onclick=${run}>c</code>`,
  `<quote onclick=${run}>c</quote>`,
  `<q>a</q onclick=${run}>`,
  `<p onclick=${run}>p</p>`,
];

const tags = ['img', 'svg', 'body', 'iframe', 'video', 'audio', 'details', 'input', 'marquee', 'div', 'a', 'object',
              'embed', 'math', 'style', 'form', 'button', 'select', 'textarea', 'q', 'del', 'ins', 'code'];
const handlers = ['onerror', 'onload', 'onclick', 'onmouseover', 'onfocus', 'ontoggle', 'onanimationstart'];
const crossed = [];
for (const t of tags)
  for (const h of handlers) crossed.push(`<${t} src=x ${h}=${run} tabindex=1 autofocus open>${t}</${t}>`);

const schemes = ['javascript:', 'JaVaScRiPt:', 'java\tscript:', 'java\nscript:', ' javascript:', '&#106;avascript:',
                 '&#x6A;avascript:', 'javascript&colon;', '%6Aavascript:', 'vbscript:', 'data:text/html,<script>',
                 'data:text/html;base64,PHNjcmlwdD4=', 'jav&#x09;ascript:', 'http://a.fr/"onmouseover="',
                 "http://a.fr/'onmouseover='", 'https://a.fr/<script>', 'https://a.fr/"><script>',
                 'mailto:x@y.fr"onclick="', '//evil.example/', 'feed:javascript:', 'livescript:', 'file:///etc/passwd'];
const links = [];
for (const s of schemes) {
  links.push(`[clic->${s}${run}]`);
  links.push(`[->${s}${run}]`);
  links.push(`[{{clic}}->${s}${run}]`);
}

const grammar = [];
for (const v of hand.slice(0, 12)) {
  grammar.push(`{{${v}}}`);
  grammar.push(`{${v}}`);
  grammar.push(`<quote>${v}</quote>`);
  grammar.push(`<code>${v}</code>${v}`);
  grammar.push(`[${v}->https://exemple.fr]`);
  grammar.push(`<q>${v}</q>\n\n<del>${v}`);
}

export const corpus = [...hand, ...crossed, ...links, ...grammar];
