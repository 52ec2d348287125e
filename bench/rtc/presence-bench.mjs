// Presence-only signaling load: N WebSocket participants across R rooms on one roomgate server.
// Prints join latency (p50/p99), the server's RSS per connected participant, and its CPU while idle.
//   node bench/rtc/presence-bench.mjs [--participants 1000] [--rooms 100] [--idle 10]
// Starts its own server (build/roomgate, or ROOMGATE_BINARY) on 127.0.0.1 with a fresh database, and
// stops it at the end. Needs tests/node_modules (scripts/install-deps).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const WebSocket = createRequire(join(repo, 'tests', 'package.json'))('ws');
const bin = process.env.ROOMGATE_BINARY || join(repo, 'build', 'roomgate');

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const N = arg('participants', 1000), R = arg('rooms', 100), IDLE = arg('idle', 10);
const perRoom = Math.ceil(N / R);

const dir = mkdtempSync(join(tmpdir(), 'roomgate-bench-'));
const db = join(dir, 'bench.db');
const cli = (...a) => execFileSync(bin, [...a, '--db', db, '--create'], { cwd: dir, encoding: 'utf8' }).trim();

// Rooms sized for the load, and one token per participant (minted by the CLI with the server's key).
for (let r = 0; r < R; r++) cli('rooms', 'add', `room-${r}`, '--type', 'peer-to-peer', '--max-participants', String(Math.max(2, Math.min(10, perRoom))));
const tokens = [];
for (let i = 0; i < N; i++) tokens.push(cli('token', '--identity', `p${i}`, '--room', `room-${i % R}`));

const server = spawn(bin, ['serve', '--dev', '--listen', '127.0.0.1:0', '--rtc-port', '0', '--db', db], { cwd: dir, env: { PATH: process.env.PATH } });
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = /listening on http:\/\/(127\.0\.0\.1:\d+)/.exec(out);
    if (m) resolve(`ws://${m[1]}/rtc`);
  });
  server.on('exit', (c) => reject(new Error(`server exited ${c}`)));
});
const pid = server.pid;
const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const cpuTicks = () => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);  // utime + stime
};
const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
await new Promise((r) => setTimeout(r, 300));
const rssBefore = rssKb();

// Join in waves of 50 so the measurement is latency, not a queue of 1000 handshakes.
const sockets = [];
const latencies = [];
let errors = 0;
for (let i = 0; i < N; i += 50) {
  await Promise.all(tokens.slice(i, i + 50).map((token) => new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const ws = new WebSocket(url);
    sockets.push(ws);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'join', token })));
    ws.on('message', (m) => {
      const msg = JSON.parse(m);
      if (msg.type === 'joined') { latencies.push(Number(process.hrtime.bigint() - t0) / 1e6); resolve(); }
      if (msg.type === 'error') { errors++; resolve(); }
    });
    ws.on('error', () => { errors++; resolve(); });
  })));
}
await new Promise((r) => setTimeout(r, 1000));
const rssAfter = rssKb();
const ticks0 = cpuTicks();
await new Promise((r) => setTimeout(r, IDLE * 1000));  // idle: only keep-alive pings
const idleCpu = (cpuTicks() - ticks0) / hz / IDLE * 100;
const connected = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;

latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p / 100 * latencies.length))].toFixed(2);
console.log('| participants | rooms | joined | errors | still connected after idle | join p50 ms | join p99 ms | RSS before MB | RSS after MB | RSS per participant KB | CPU idle % |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
console.log(`| ${N} | ${R} | ${latencies.length} | ${errors} | ${connected} | ${pct(50)} | ${pct(99)} | ${(rssBefore / 1024).toFixed(1)} | ${(rssAfter / 1024).toFixed(1)} | ${((rssAfter - rssBefore) / N).toFixed(1)} | ${idleCpu.toFixed(2)} |`);

for (const s of sockets) s.terminate();
server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
rmSync(dir, { recursive: true, force: true });
