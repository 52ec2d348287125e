// A TCP proxy on loopback in front of the server, so a test can cut every connection at once, as a
// network hiccup would (the browser then sees its WebSocket close with 1006).
import net from 'node:net';

/** Proxies 127.0.0.1:<free port> to `target` (a URL). Returns {baseUrl, cut(), stop()}. */
export async function startProxy(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}`,
    // Resets every open connection (new ones still get through).
    cut: () => {
      for (const s of sockets) s.resetAndDestroy();
    },
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(resolve);
      }),
  };
}
