/* urne's only script, served as /static/urne.js (the Content-Security-Policy
 * allows no inline script). Pages work without it; it only helps while typing. */
'use strict';

/* The checks a sheet fails, computed in the browser as it is typed; the server
 * makes them again on submit. The messages come from the form's data-m1..m3
 * attributes, in the page's language. */
document.querySelectorAll('form.sheet').forEach(function (f) {
  var out = f.querySelector('.live');
  if (!out) return;
  function v(n) { var e = f.elements[n]; return e && e.value !== '' ? +e.value : null; }
  function run() {
    var m = [], i = v('inscrits'), t = v('votants'), bl = v('blancs'), nu = v('nuls'), ex = v('exprimes');
    var s = 0, all = true;
    f.querySelectorAll('input.vote').forEach(function (e) { if (e.value === '') all = false; else s += +e.value; });
    if (i !== null && t !== null && t > i) m.push(f.dataset.m1.replace('%1', t).replace('%2', i));
    if (all && t !== null && bl !== null && nu !== null && bl + nu + s !== t)
      m.push(f.dataset.m2.replace('%1', bl + nu + s).replace('%2', t));
    if (all && ex !== null && ex !== s) m.push(f.dataset.m3.replace('%1', ex).replace('%2', s));
    out.textContent = '';
    m.forEach(function (x) { var li = document.createElement('li'); li.textContent = x; out.appendChild(li); });
  }
  f.addEventListener('input', run);
  run();
});

/* The import form reads the chosen file in the browser and posts its text: the
 * server then parses it exactly as `urne results` would. */
document.querySelectorAll('input[type=file][data-into]').forEach(function (i) {
  i.addEventListener('change', function () {
    var f = i.files[0];
    if (!f) return;
    var rd = new FileReader();
    rd.onload = function () {
      i.form.elements[i.dataset.into].value = rd.result;
      i.form.elements.source.value = f.name;
      var shown = i.dataset.name && document.getElementById(i.dataset.name);
      if (shown) shown.textContent = f.name; /* beside the page's own button */
    };
    rd.readAsText(f);
  });
});

/* The procès-verbal's print button: shown only where a script can print. */
document.querySelectorAll('button[data-print]').forEach(function (b) {
  b.hidden = false;
  b.addEventListener('click', function () { window.print(); });
});

/* The assignment page's search: the list of bureaux narrowed as the name is
 * typed, ignoring case and accents as the server does when the search is sent
 * (which is what happens without a script). */
function urneFold(s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/æ/g, 'ae').replace(/œ/g, 'oe').replace(/ß/g, 'ss').replace(/\u2019/g, "'");
}
document.querySelectorAll('input[data-filter]').forEach(function (i) {
  var list = document.getElementById(i.dataset.filter);
  if (!list) return;
  function run() {
    var q = urneFold(i.value.trim());
    list.querySelectorAll('li').forEach(function (li) {
      li.hidden = q !== '' && urneFold(li.dataset.find || li.textContent).indexOf(q) < 0;
    });
  }
  i.addEventListener('input', run);
  /* When the page lists every bureau, Enter need not ask the server again. */
  i.form.addEventListener('submit', function (ev) { if (list.dataset.complete) { ev.preventDefault(); run(); } });
});
