// Shared set-up of the browser suite: the demo's servers on free ports, and a headless Chromium.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
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

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Starts the demo (API + playground web server) on free ports, quietly. Its page origin is
 * `http://localhost:<webPort>`; the same web server also answers as 127.0.0.1 and *.demo.test.
 */
export async function startDemo() {
  ensureBuilt({ log: () => {} });
  const { startDemo } = await import('../demo/dist/main.js');
  return startDemo({ apiPort: 0, webPort: 0, logger: false });
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

export async function launchChromium() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install it with \`apt-get install -y chromium\`, ` +
        'or point CHROMIUM_PATH at a Chromium or Chrome executable.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Any *.demo.test host name reaches the local web server.
      '--host-resolver-rules=MAP *.demo.test 127.0.0.1',
    ],
  });
}

/**
 * A blank page at `origin`, in a fresh browser context (its own cookies and preflight cache).
 * Close it with `page.context().close()`.
 */
export async function openPage(browser, origin) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/empty.html`);
  return page;
}

/**
 * Runs `fetch(url, init)` inside the page and returns what the page could read:
 * `{ outcome: 'readable', status, body, headers }` where `headers` holds the values of
 * `readHeaders` (null when hidden), or `{ outcome: 'blocked', error }` when fetch threw.
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
        return { outcome: 'blocked', error: String(error) };
      }
    },
    { url, init, readHeaders },
  );
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
