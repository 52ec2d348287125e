// The signaling connection (docs/SIGNALING.md): one WebSocket to /rtc that joins with the access
// token, delivers the server's messages, and comes back by itself after a transient loss, resuming
// the same participant so the call (whose media flows peer to peer) goes on.

// Close codes after which trying again can help: the connection was lost, not refused.
//   1001 going away (server restarting), 1006 abnormal (network), 1011-1013 server trouble,
//   4008 slow_consumer (the tab was too busy to read: a fresh socket starts with an empty queue).
const TRANSIENT_CLOSES = new Set([1001, 1006, 1011, 1012, 1013, 4008]);

// Refusals that a resumed connection fixes: the message raced a change of the room (a signal to
// someone who had just left), so the call itself is fine.
const TRANSIENT_ERRORS = new Set(['unknown_participant', 'slow_consumer']);

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 5000];
const GIVE_UP_AFTER_MS = 30_000;

// With no message from the server for this long the connection is taken for dead (the server pings
// every 5 s and answers our own pings), even if the browser has not noticed yet.
const PING_EVERY_MS = 10_000;
const SILENCE_LIMIT_MS = 25_000;

export function signalingUrl(location = window.location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/rtc`;
}

/**
 * Events (all optional):
 *   onJoined(message, {resumed})  the server's `joined`; resumed: the server kept our participant
 *   onMessage(message)            every other message except `error` and `pong`
 *   onReconnecting(attempt)       the connection was lost; trying again (attempt 1, 2, …)
 *   onEnd({code, message})        the connection is over for good: a refusal (the server's `error`)
 *                                 or, with code "connection_lost", no way back within ~30 s
 */
export class Signaling {
  constructor({ url = signalingUrl(), token, events }) {
    this.url = url;
    this.token = token;
    this.events = events;
    this.socket = null;
    this.sid = null; // our participant SID once joined, sent as `resume` when reconnecting
    this.joined = false;
    this.ended = false;
    this.lostAt = null; // when the current loss began
    this.attempt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.lastHeard = 0;
    this.onOnline = () => {
      if (this.retryTimer !== null) {
        clearTimeout(this.retryTimer);
        this.retryTimer = null;
        this.connect();
      }
    };
    window.addEventListener('online', this.onOnline);
  }

  start() {
    this.connect();
  }

  send(message) {
    if (this.joined && this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
      return true;
    }
    return false; // dropped while reconnecting; the caller resends state after `joined`
  }

  // Says goodbye to the server and closes for good.
  leave() {
    if (this.ended) return;
    this.send({ type: 'leave' });
    this.stop(1000, 'left');
  }

  // Closes for good without a word (the server then tells the others "closed").
  stop(code = 1000, reason = '') {
    this.ended = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    clearInterval(this.pingTimer);
    window.removeEventListener('online', this.onOnline);
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      detach(socket);
      if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
      else if (socket.readyState === WebSocket.CONNECTING) socket.addEventListener('open', () => socket.close(code, reason));
    }
  }

  connect() {
    this.retryTimer = null;
    if (this.ended) return;
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.lost();
      return;
    }
    this.socket = socket;
    this.joined = false;
    let refusal = null;

    socket.onopen = () => {
      const join = { type: 'join', token: this.token };
      if (this.sid) join.resume = this.sid;
      socket.send(JSON.stringify(join));
    };
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      this.lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return; // not ours to understand; the server only sends JSON
      }
      switch (message?.type) {
        case 'joined': {
          const resumed = this.sid !== null && message.participant?.sid === this.sid;
          this.sid = message.participant?.sid ?? null;
          this.joined = true;
          this.lostAt = null;
          this.attempt = 0;
          this.startPings(socket);
          this.events.onJoined?.(message, { resumed });
          break;
        }
        case 'error':
          refusal = message;
          break;
        case 'pong':
          break;
        default:
          this.events.onMessage?.(message);
      }
    };
    socket.onclose = (event) => {
      if (socket !== this.socket) return;
      detach(socket);
      this.socket = null;
      this.joined = false;
      clearInterval(this.pingTimer);
      if (this.ended) return;
      if (refusal && !TRANSIENT_ERRORS.has(refusal.code)) {
        this.end(refusal.code, refusal.message);
      } else if (refusal || TRANSIENT_CLOSES.has(event.code)) {
        this.lost();
      } else {
        // A clean close without a reason: the server ended the call.
        this.end(`closed_${event.code}`, '');
      }
    };
    // An error is always followed by a close (code 1006), handled above.
    socket.onerror = () => {};
  }

  // Pings the server now and then, and treats a long silence as a lost connection: a dead network
  // path can take minutes to surface as a close event on its own.
  startPings(socket) {
    clearInterval(this.pingTimer);
    this.lastHeard = Date.now();
    this.pingTimer = setInterval(() => {
      if (socket !== this.socket) return;
      if (Date.now() - this.lastHeard > SILENCE_LIMIT_MS) {
        detach(socket);
        socket.close();
        this.socket = null;
        this.joined = false;
        clearInterval(this.pingTimer);
        this.lost();
        return;
      }
      this.send({ type: 'ping' });
    }, PING_EVERY_MS);
  }

  lost() {
    const now = Date.now();
    this.lostAt ??= now;
    const delay = RETRY_DELAYS_MS[Math.min(this.attempt, RETRY_DELAYS_MS.length - 1)];
    if (now + delay - this.lostAt > GIVE_UP_AFTER_MS) {
      this.end('connection_lost', '');
      return;
    }
    this.attempt += 1;
    this.events.onReconnecting?.(this.attempt);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  end(code, message) {
    this.stop();
    this.events.onEnd?.({ code, message });
  }
}

function detach(socket) {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onclose = null;
  socket.onerror = null;
}
