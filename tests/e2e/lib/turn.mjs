// A real TURN server for the browser tests: Debian's coturn (`turnserver`), on loopback, with the
// TURN REST API shared secret that roomgate signs its short-lived TURN credentials with.
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const TURNSERVER = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';
const STARTUP_TIMEOUT_MS = 10_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A port free on 127.0.0.1 for both UDP and TCP (turnserver listens on both).
export async function freePort() {
  for (;;) {
    const udp = dgram.createSocket('udp4');
    await new Promise((resolve, reject) => udp.bind(0, '127.0.0.1', resolve).once('error', reject));
    const { port } = udp.address();
    const tcpFree = await new Promise((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    udp.close();
    if (tcpFree) return port;
  }
}

// Whether a STUN Binding Request to 127.0.0.1:port gets a Binding Success Response.
function stunAnswers(port, timeoutMs = 300) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const request = Buffer.alloc(20);
    request.writeUInt16BE(0x0001, 0); // Binding Request
    request.writeUInt16BE(0, 2); // no attributes
    request.writeUInt32BE(0x2112a442, 4); // magic cookie
    randomBytes(12).copy(request, 8); // transaction id
    const done = (ok) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('message', (message) => done(message.length >= 20 && message.readUInt16BE(0) === 0x0101 && message.subarray(8, 20).equals(request.subarray(8, 20))));
    socket.on('error', () => done(false));
    socket.send(request, port, '127.0.0.1');
  });
}

/**
 * Starts turnserver on a free loopback port, relaying on loopback (relay ports in a random range).
 * Returns {url, port, secret, realm, logs(), stop()}; `url` is what ROOMGATE_TURN_URLS takes.
 */
export async function startTurn({ secret = randomBytes(16).toString('hex'), realm = 'roomgate.test' } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'roomgate-turn-'));
  const port = await freePort();
  const minPort = 20_000 + randomInt(0, 400) * 100; // 100 relay ports somewhere in 20000-59999
  const args = [
    '-n',
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    `--min-port=${minPort}`,
    `--max-port=${minPort + 99}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    `--realm=${realm}`,
    '--allow-loopback-peers',
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    '--log-file=stdout',
    '--simple-log',
    `--pidfile=${path.join(dir, 'turnserver.pid')}`,
    `--userdb=${path.join(dir, 'turndb')}`,
  ];
  const child = spawn(TURNSERVER, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  const collect = (chunk) => {
    logs += chunk;
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  let exited = null;
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = signal ?? code))));
  const spawnError = new Promise((resolve) => child.once('error', resolve));

  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = performance.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    const error = await Promise.race([spawnError, sleep(0).then(() => null)]);
    if (error) {
      await stop();
      throw new Error(`cannot run ${TURNSERVER} (Debian package coturn): ${error.message}`);
    }
    if (exited !== null) {
      await stop();
      throw new Error(`turnserver exited (${exited}) before answering\n${logs}`);
    }
    if (await stunAnswers(port)) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`turnserver did not answer STUN on 127.0.0.1:${port} in time\n${logs}`);
    }
    await sleep(100);
  }
  return { url: `turn:127.0.0.1:${port}?transport=udp`, port, secret, realm, logs: () => logs, stop };
}
