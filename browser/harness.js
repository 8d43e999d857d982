// Shared set-up of the browser suite: the demo's servers on free ports, a record of the requests
// that reach them, and what a page can do with fetch(). Pages come from ./engines.js.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { ensureBuilt } from '../demo/build.js';

/**
 * Awaits all of `starting` like Promise.all, but when one fails, first stops those that
 * started (anything with close()), so that no server or browser keeps the test process alive.
 */
export async function startAll(starting) {
  const results = await Promise.allSettled(starting);
  const failed = results.find((result) => result.status === 'rejected');
  if (!failed) return results.map((result) => result.value);
  await Promise.all(
    results.map((result) => result.value?.close?.().catch(() => {})),
  );
  throw failed.reason;
}

/**
 * Starts the demo (API + playground web server) on free ports, quietly. Its page origin is
 * `http://localhost:<webPort>`; the same web server also answers as 127.0.0.1 and as any
 * *.localhost name, which every engine resolves to the loopback address itself.
 */
export async function startDemo() {
  ensureBuilt({ log: () => {} });
  const { startDemo } = await import('../demo/dist/main.js');
  return startDemo({ apiPort: 0, webPort: 0, logger: false });
}

/** The suite's second API (./fixture-api.js), for pages served on `webPort`. */
export async function startFixtureApi({ webPort }) {
  ensureBuilt({ log: () => {} });
  const { startFixtureApi } = await import('./fixture-api.js');
  return startFixtureApi({ webPort });
}

/** A second web server on another port: the same pages from a different origin. */
export async function startOtherWebServer() {
  const { createWebServer } = await import('../demo/dist/web-server.js');
  const server = createWebServer(() => '');
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

/**
 * Records the requests that reach the servers of this process listening on `ports`, through
 * Node's `http.server.request.start` diagnostics channel: before any listener, so preflights
 * the CORS module answers early are seen too.
 */
export function recordRequests(ports) {
  let seen = [];
  const onRequest = ({ request, server }) => {
    if (ports.includes(server.address()?.port)) {
      seen.push(`${request.method} ${request.url.split('?')[0]}`);
    }
  };
  subscribe('http.server.request.start', onRequest);
  return {
    /** Resolves to `[what use() resolved to, ['METHOD /path', …] received meanwhile]`. */
    async during(use) {
      seen = [];
      const result = await use();
      return [result, seen];
    },
    stop: () => unsubscribe('http.server.request.start', onRequest),
  };
}

/** Runs `use(page)` on a blank page at `origin`, in a fresh profile, then closes the page. */
export async function from(engine, origin, use) {
  const page = await engine.open(`${origin}/empty.html`);
  try {
    return await use(page);
  } finally {
    await page.close();
  }
}

/**
 * Runs `fetch(url, init)` inside the page and returns what the page could read:
 * `{ outcome: 'readable', status, body, headers }` where `headers` holds the values of
 * `readHeaders` (null when hidden), or `{ outcome: 'blocked', error }` when fetch threw, with
 * the error's name only: its message is worded differently by each engine.
 */
export function fetchIn(page, url, init = {}, readHeaders = []) {
  return page.evaluate(
    async ({ url, init, readHeaders }) => {
      try {
        const response = await fetch(url, init);
        const headers = {};
        for (const name of readHeaders)
          headers[name] = response.headers.get(name);
        return {
          outcome: 'readable',
          status: response.status,
          body: await response.text(),
          headers,
        };
      } catch (error) {
        return { outcome: 'blocked', error: error.name };
      }
    },
    { url, init, readHeaders },
  );
}

/**
 * Fetches `url` from a sandboxed iframe (scripts allowed, not same-origin: an opaque origin)
 * in the page. Returns `{ origin, outcome, body }` as the iframe saw them.
 */
export function fetchFromSandbox(page, url) {
  return page.evaluate(
    (url) =>
      new Promise((resolve) => {
        addEventListener('message', (event) => resolve(event.data), {
          once: true,
        });
        const frame = document.createElement('iframe');
        frame.sandbox = 'allow-scripts';
        frame.srcdoc = `<script>
          fetch(${JSON.stringify(url)})
            .then((r) => r.text())
            .then((body) => parent.postMessage({ outcome: 'readable', body, origin }, '*'))
            .catch(() => parent.postMessage({ outcome: 'blocked', origin }, '*'));
        </script>`;
        document.body.append(frame);
      }),
    url,
  );
}

/**
 * Opens a WebSocket to `url` from the page and sends `{ event: 'echo', data: 'hello' }`.
 * Resolves to `{ outcome: 'connected', echo }` with the data that came back, or to
 * `{ outcome: 'refused' }` when the socket closes before it opens: all a browser tells a page
 * about a refused handshake.
 */
export function echoOverWebSocket(page, url) {
  return page.evaluate(
    (url) =>
      new Promise((resolve) => {
        const socket = new WebSocket(url);
        socket.onopen = () =>
          socket.send(JSON.stringify({ event: 'echo', data: 'hello' }));
        socket.onmessage = (event) => {
          resolve({ outcome: 'connected', echo: JSON.parse(event.data).data });
          socket.close();
        };
        socket.onclose = () => resolve({ outcome: 'refused' });
      }),
    url,
  );
}

/** Waits until `condition(arg)`, evaluated in the page, is truthy; fails after `timeout` ms. */
export async function waitFor(page, condition, arg, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  while (!(await page.evaluate(condition, arg))) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${condition}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** GETs a JSON endpoint of the demo from Node (no Origin header, so no CORS involved). */
export async function getJson(url) {
  const response = await fetch(url);
  return response.json();
}

/** PUTs JSON to the demo from Node. */
export async function putJson(url, body) {
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`PUT ${url}: ${response.status}`);
  return response.json();
}
