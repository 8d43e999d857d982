// Drives the demo's playground page and checks the outcomes it shows; saves docs/playground.png.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { launchChromium, startAll, startDemo } from './harness.js';

const SCREENSHOT = fileURLToPath(
  new URL('../docs/playground.png', import.meta.url),
);

/** What the playground at http://localhost:<web port> must show, case by case. */
const EXPECTED = {
  'simple-get': ['readable', '200'],
  'credentialed-get': ['readable', '200'],
  'preflighted-put': ['readable', '200'],
  'header-not-allowed': ['blocked', ''],
  'exposed-header': ['readable', '200'],
  'hidden-header': ['hidden', '200'],
  'guard-401': ['readable', '401'],
  'malformed-json': ['readable', '400'],
  'not-found': ['readable', '404'],
  'disabled-route': ['blocked', ''],
  'controller-policy': ['blocked', ''],
  'handler-delete': ['readable', '200'],
  'inline-public': ['readable', '200'],
  'provider-tenant': ['readable', '200'],
  'wildcard-previews': ['blocked', ''],
};

let demo, browser;

before(async () => {
  [demo, browser] = await startAll([startDemo(), launchChromium()]);
});

after(async () => {
  await browser?.close();
  await demo?.close();
});

/** Opens the playground at `origin` and waits until every case has run. */
async function openPlayground(origin) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

/** `{ case: { outcome, status, explained, explanation } }` as the rows show them. */
function readRows(page) {
  return page.$$eval('tr[data-case]', (rows) =>
    Object.fromEntries(
      rows.map((row) => [
        row.dataset.case,
        {
          outcome: row.dataset.outcome,
          status: row.dataset.status,
          explained: row.dataset.explained,
          explanation: row.querySelector('.explanation').textContent,
        },
      ]),
    ),
  );
}

describe('playground', { timeout: 60_000 }, () => {
  it('shows what the browser could read, next to the server explanation', async () => {
    const page = await openPlayground(demo.webUrl);
    try {
      const rows = await readRows(page);
      assert.deepEqual(Object.keys(rows).sort(), Object.keys(EXPECTED).sort());
      for (const [id, [outcome, status]] of Object.entries(EXPECTED)) {
        assert.deepEqual(
          [rows[id].outcome, rows[id].status],
          [outcome, status],
          id,
        );
        // The server's explanation agrees with what the browser did.
        assert.equal(
          rows[id].explained,
          outcome === 'blocked' ? 'denied' : 'allowed',
          `${id}: ${rows[id].explanation}`,
        );
      }
      assert.match(
        rows['controller-policy'].explanation,
        /partners → origin not allowed/,
      );
      assert.match(
        rows['header-not-allowed'].explanation,
        /header "x-debug" not allowed/,
      );
      assert.match(
        await page.textContent('[data-case="disabled-route"]'),
        /blocked by CORS/,
      );

      // The explain form.
      await page.fill('input[name="origin"]', 'https://evil.example');
      await page.selectOption('select[name="method"]', 'OPTIONS');
      await page.fill('input[name="path"]', '/api/profile');
      await page.fill('input[name="requestMethod"]', 'PUT');
      await page.fill('input[name="requestHeaders"]', 'content-type');
      await page.click('#explain-form button');
      await page.waitForFunction(() =>
        document.querySelector('#explain-result').textContent.includes('{'),
      );
      const explanation = JSON.parse(await page.textContent('#explain-result'));
      assert.equal(explanation.route, 'HelloController#profile');
      assert.equal(explanation.preflight, true);
      assert.equal(explanation.reason, 'origin not allowed');

      await mkdir(new URL('../docs/', import.meta.url), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await page.context().close();
    }
  });

  it('opened at 127.0.0.1, plays the partner origin', async () => {
    const page = await openPlayground(`http://127.0.0.1:${demo.webPort}`);
    try {
      const rows = await readRows(page);
      assert.equal(rows['controller-policy'].outcome, 'readable');
      assert.equal(rows['handler-delete'].outcome, 'blocked');
      assert.equal(rows['simple-get'].outcome, 'blocked');
      assert.equal(rows['inline-public'].outcome, 'readable');
    } finally {
      await page.context().close();
    }
  });

  it('the tenant toggle switches the provider policy for this page', async () => {
    const page = await openPlayground(demo.webUrl);
    const tenant = '[data-case="provider-tenant"]';
    try {
      assert.equal(await page.getAttribute(tenant, 'data-outcome'), 'readable');
      for (const outcome of ['blocked', 'readable']) {
        await page.click('#toggle-tenant');
        await page.waitForSelector(`${tenant}[data-outcome="${outcome}"]`);
        await page.waitForSelector('body[data-ready="true"]');
      }
    } finally {
      await page.context().close();
    }
  });
});
