// A raw client of the signaling protocol (docs/SIGNALING.md) for tests, over the `ws` package
// (node 20 has no global WebSocket). Keeps every message it receives, so a test can wait for one.
import WebSocket from 'ws';

const WAIT_MS = 5_000;

export class RtcClient {
  /** Opens a WebSocket to `url` (ws://…/rtc); `options` go to `ws` (e.g. {autoPong: false}). */
  static async open(url, options = {}) {
    const client = new RtcClient(new WebSocket(url, options));
    await new Promise((resolve, reject) => {
      client.ws.once('open', resolve);
      client.ws.once('error', reject);
      client.ws.once('unexpected-response', (request, response) =>
        reject(new Error(`GET ${url} answered HTTP ${response.statusCode}, not a WebSocket`)),
      );
    });
    return client;
  }

  constructor(ws) {
    this.ws = ws;
    this.messages = []; // every message received, in order: parsed JSON, or {raw} if not JSON
    this.waiters = [];
    this.closeEvent = null; // {code, reason, at}
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeEvent = { code, reason: reason.toString(), at: performance.now() };
        resolve(this.closeEvent);
        this.wake();
      });
    });
    ws.on('error', () => {}); // surfaces as a close
    ws.on('message', (data) => {
      let message;
      try {
        message = JSON.parse(data.toString());
      } catch {
        message = { raw: data.toString() };
      }
      message.receivedAt = performance.now();
      this.messages.push(message);
      this.wake();
    });
  }

  wake() {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  send(message) {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /**
   * The first message received (or to come) that `match` accepts: a predicate, or a type name.
   * Rejects after `timeoutMs`, or when the socket closes first, naming what was received.
   */
  async next(match, { timeoutMs = WAIT_MS } = {}) {
    const accept = typeof match === 'function' ? match : (m) => m.type === match;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(accept);
      if (found) return found;
      const seen = JSON.stringify(this.messages.map((m) => (m.type === 'signal' ? 'signal' : m)));
      if (this.closeEvent) throw new Error(`socket closed (${this.closeEvent.code}) before the message; received ${seen}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no such message within ${timeoutMs} ms; received ${seen}`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The close {code, reason, at}, waiting up to `timeoutMs` for it. */
  async closeWithin(timeoutMs = WAIT_MS) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the socket did not close within ${timeoutMs} ms; received ${JSON.stringify(this.messages)}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends join and waits for `joined` (resolves to it) or a refusal (rejects, naming the error). */
  async join(token, extra = {}) {
    this.send({ type: 'join', token, ...extra });
    const answer = await this.next((m) => m.type === 'joined' || m.type === 'error');
    if (answer.type === 'error') throw new Error(`join refused: ${answer.code}: ${answer.message}`);
    return answer;
  }

  close() {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
  }

  terminate() {
    this.ws.terminate();
  }
}

/** Opens a socket and joins with `token`; resolves to {client, joined}. */
export async function joinedClient(url, token, options = {}) {
  const client = await RtcClient.open(url, options);
  const joined = await client.join(token);
  return { client, joined };
}

/** Opens a socket, sends join with `token` and resolves to {error, close}: the refusal and the close. */
export async function refusal(url, token, extra = {}) {
  const client = await RtcClient.open(url);
  client.send({ type: 'join', token, ...extra });
  const close = await client.closeWithin();
  const error = client.messages.find((m) => m.type === 'error') ?? null;
  return { error, close, messages: client.messages };
}
