// A load balancer in front of the in-cluster Wharf, as a user's would be:
// no sticky sessions, each request and each websocket to the next ready
// replica in turn. The local cluster has no kube-proxy and no ingress, so
// this stands in for both; replicas are the `wharf` Service's ready
// endpoints, read with kubectl every 500 ms (so a replica that goes
// unready, or stops, leaves the rotation as it would behind a Service).
//
//   node balancer.mjs            listens on BALANCER_LISTEN (127.0.0.1:3200)
//   control on BALANCER_CONTROL (127.0.0.1:3201):
//     GET  /backends             the ready replicas, one "ip:port" a line
//     POST /pin?to=ip:port       send everything to that replica
//     POST /unpin                back to round robin
import http from 'node:http';
import net from 'node:net';
import { execFile } from 'node:child_process';

const [host, port] = (process.env.BALANCER_LISTEN ?? '127.0.0.1:3200').split(':');
const [controlHost, controlPort] = (process.env.BALANCER_CONTROL ?? '127.0.0.1:3201').split(':');
const namespace = process.env.WHARF_NAMESPACE ?? 'wharf';

let backends = [];
let pinned = null;
let turn = 0;

function refresh() {
  execFile('kubectl', ['-n', namespace, 'get', 'endpoints', 'wharf', '-o',
    'jsonpath={range .subsets[*]}{range .addresses[*]}{.ip}{"\\n"}{end}{end}'],
  { timeout: 5000 }, (error, stdout) => {
    if (!error) backends = stdout.split('\n').filter(Boolean).map((ip) => `${ip}:8080`);
    setTimeout(refresh, 500);
  });
}
refresh();

function next() {
  if (pinned) return pinned;
  if (backends.length === 0) return null;
  turn = (turn + 1) % backends.length;
  return backends[turn];
}

const server = http.createServer((req, res) => {
  const to = next();
  if (!to) { res.writeHead(503).end('no ready replica\n'); return; }
  const [toHost, toPort] = to.split(':');
  const upstream = http.request({ host: toHost, port: toPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode, answer.rawHeaders);
    answer.pipe(res);
  });
  upstream.on('error', () => { if (!res.headersSent) res.writeHead(502).end(`replica ${to} did not answer\n`); else res.destroy(); });
  req.pipe(upstream);
});

server.on('upgrade', (req, socket, head) => {
  const to = next();
  if (!to) { socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n'); return; }
  const [toHost, toPort] = to.split(':');
  const upstream = net.connect(Number(toPort), toHost, () => {
    let lines = `${req.method} ${req.url} HTTP/1.1\r\n`;
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
    upstream.write(`${lines}\r\n`);
    if (head?.length) upstream.write(head);
    socket.pipe(upstream).pipe(socket);
  });
  const close = () => { socket.destroy(); upstream.destroy(); };
  upstream.on('error', close);
  socket.on('error', close);
  upstream.on('close', close);
  socket.on('close', close);
});
server.listen(Number(port), host);

http.createServer((req, res) => {
  const url = new URL(req.url, 'http://control');
  if (req.method === 'GET' && url.pathname === '/backends') { res.end(backends.join('\n')); return; }
  if (req.method === 'POST' && url.pathname === '/pin') { pinned = url.searchParams.get('to'); res.end('ok\n'); return; }
  if (req.method === 'POST' && url.pathname === '/unpin') { pinned = null; res.end('ok\n'); return; }
  res.writeHead(404).end();
}).listen(Number(controlPort), controlHost);
console.log(`balancer on ${host}:${port} (control ${controlHost}:${controlPort})`);
