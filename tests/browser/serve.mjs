// serve.mjs: `urne serve` started for a browser test on a free loopback port.
//
// Why not just a free port: a port found free (listened on with port 0, then
// closed) may be taken before urne binds it, by another test (ctest runs two at
// a time) or as the source port of any outgoing connection (the same range);
// urne then says it cannot listen and exits at once (a CI run saw it). So the
// server is started again on another port, five tries; one that answers is
// kept only if it is ours (still running), not another server on that port.
import { spawn } from 'node:child_process';
import net from 'node:net';

export function freePort() {
  return new Promise(res => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
  });
}

// urne serve --db db --listen 127.0.0.1:PORT ...extra, answering `probe`:
// { server (the child process), port, base (its http:// address) }.
export async function startUrne(urne, db, extra = [], { stdio = 'inherit', probe = '/api/audit/head' } = {}) {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = spawn(urne, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, ...extra], { stdio });
    let exited = false;
    server.on('exit', () => { exited = true; });
    for (let i = 0; i < 200 && !exited; i++) {
      try {
        await fetch(base + probe);
        await new Promise(r => setTimeout(r, 20)); // an exit on a failed bind is seen by then
        if (!exited && server.exitCode === null) return { server, port, base };
      } catch { await new Promise(r => setTimeout(r, 50)); }
    }
    if (!exited) { server.kill('SIGKILL'); throw new Error(`urne serve on ${base} did not answer in 10 s`); }
    console.log(`urne serve could not listen on ${base} (try ${attempt} of 5): another port`);
  }
  throw new Error('urne serve could not listen on a free port in 5 tries');
}

// A JSON call to urne's API at base: GET without a body, POST with one, the
// bearer token when given; [status, the answer parsed].
export function apiCaller(base) {
  return async (token, path, body) => {
    const r = await fetch(base + path, {
      method: body ? 'POST' : 'GET',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return [r.status, await r.json()];
  };
}
