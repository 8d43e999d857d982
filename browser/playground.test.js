// Drives the demo's playground page in each engine of `BROWSERS` and checks the outcomes it
// shows. Chromium's screenshot is the README's docs/playground.png; the other engines' go to
// the temporary directory.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { launch, selectedEngines } from './engines.js';
import { startDemo, waitFor } from './harness.js';

const README_SCREENSHOT = fileURLToPath(
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
  'csrf-trusted': ['readable', '201'],
  'csrf-untrusted': ['readable', '403'],
};

let demo;

before(async () => {
  demo = await startDemo();
});

after(() => demo?.close());

const isReady = () => document.body.dataset.ready === 'true';

/** `{ case: { outcome, status, explained, explanation, text } }` as the rows show them. */
const readRows = (page) =>
  page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('tr[data-case]')].map((row) => [
        row.dataset.case,
        {
          outcome: row.dataset.outcome,
          status: row.dataset.status,
          explained: row.dataset.explained,
          explanation: row.querySelector('.explanation').textContent,
          text: row.textContent,
        },
      ]),
    ),
  );

/** `{ outcome, text }` of the WebSocket gateway's status line. */
const readGateway = (page) =>
  page.evaluate(() => ({
    outcome: document.querySelector('#gateway').dataset.outcome,
    text: document.querySelector('#gateway-detail').textContent,
  }));

/** The badge colours of demo/public/index.html: what a painted row shows. */
const BADGES = {
  readable: [0xdc, 0xf5, 0xe3],
  blocked: [0xfd, 0xe2, 0xe1],
  hidden: [0xff, 0xf1, 0xd6],
};

/**
 * `{ width, height, pixels: { name: count } }`: how many pixels of each colour of `colors`
 * (`{ name: [r, g, b] }`) an 8-bit, non-interlaced RGB or RGBA PNG has.
 */
function countColors(png, colors) {
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  const [depth, type, interlace] = [png[24], png[25], png[28]];
  assert.ok(depth === 8 && [2, 6].includes(type) && interlace === 0);
  const channels = type === 6 ? 4 : 3;
  const stride = width * channels;
  const chunks = [];
  for (let at = 8; at < png.length; at += 12 + png.readUInt32BE(at)) {
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') {
      chunks.push(png.subarray(at + 8, at + 8 + png.readUInt32BE(at)));
    }
  }
  const data = inflateSync(Buffer.concat(chunks));
  const pixels = Object.fromEntries(
    Object.keys(colors).map((name) => [name, 0]),
  );
  let above = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const start = y * (stride + 1);
    const filter = data[start];
    const line = Buffer.from(data.subarray(start + 1, start + 1 + stride));
    // Undo the scanline's filter (PNG specification, section 9).
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? line[x - channels] : 0;
      const b = above[x];
      const c = x >= channels ? above[x - channels] : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      line[x] += [0, a, b, (a + b) >> 1, paeth][filter];
    }
    for (let x = 0; x < stride; x += channels) {
      for (const [name, [r, g, b]] of Object.entries(colors)) {
        if (line[x] === r && line[x + 1] === g && line[x + 2] === b) {
          pixels[name]++;
        }
      }
    }
    above = line;
  }
  return { width, height, pixels };
}

for (const engineName of selectedEngines()) {
  describe(engineName, { timeout: 600_000 }, () => {
    let engine;
    before(async () => {
      engine = await launch(engineName);
    });
    after(() => engine?.close());

    /** Opens the playground at `origin`, waits until every case has run, then `use(page)`. */
    async function playground(origin, use) {
      const page = await engine.open(`${origin}/`);
      try {
        await waitFor(page, isReady);
        return await use(page);
      } finally {
        await page.close();
      }
    }

    it('shows what the browser could read, next to the server explanation', async () => {
      await playground(demo.webUrl, async (page) => {
        const rows = await readRows(page);
        assert.deepEqual(
          Object.keys(rows).sort(),
          Object.keys(EXPECTED).sort(),
        );
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
        assert.match(rows['disabled-route'].text, /blocked by CORS/);
        // Nest's CSRF check trusts the write whose policy has credentials, and refuses the
        // other with its own 403, which carries the CORS headers of `origin: '*'`.
        assert.match(rows['csrf-trusted'].text, /"saved":\{"note":"hello"\}/);
        assert.match(rows['csrf-trusted'].explanation, /with credentials/);
        assert.match(
          rows['csrf-untrusted'].text,
          /"message":"Cross-origin request detected/,
        );
        assert.doesNotMatch(
          rows['csrf-untrusted'].explanation,
          /with credentials/,
        );
        assert.deepEqual(await readGateway(page), {
          outcome: 'connected',
          text: 'echo: "hello"',
        });
        // The API's decision counts, by the README's prom-client recipe, include the refused
        // preflight above.
        const metrics = await page.evaluate(
          () => document.querySelector('#metrics').textContent,
        );
        assert.match(
          metrics,
          /^cors_decisions_total\{kind="decision",route="[^"]+",policy="[^"]+",code="header_not_allowed"\} [1-9]/m,
        );
        assert.match(metrics, /,code="allowed"\} [1-9]/);

        // The explain form.
        await page.evaluate(() => {
          const form = document.querySelector('#explain-form');
          form.elements.origin.value = 'https://evil.example';
          form.elements.method.value = 'OPTIONS';
          form.elements.path.value = '/api/profile';
          form.elements.requestMethod.value = 'PUT';
          form.elements.requestHeaders.value = 'content-type';
          form.querySelector('button').click();
        });
        await waitFor(page, () =>
          document.querySelector('#explain-result').textContent.includes('{'),
        );
        const explanation = JSON.parse(
          await page.evaluate(
            () => document.querySelector('#explain-result').textContent,
          ),
        );
        assert.equal(explanation.route, 'HelloController#profile');
        assert.equal(explanation.preflight, true);
        assert.equal(explanation.reason, 'origin not allowed');

        const path =
          engine.name === 'chromium'
            ? README_SCREENSHOT
            : join(
                tmpdir(),
                `nestjs-cors-policy-playground-${engine.name}.png`,
              );
        await page.screenshot(path);
        // The page as it is now: its rows painted, with a badge of each kind.
        const shot = countColors(await readFile(path), BADGES);
        assert.ok(shot.width >= 1000 && shot.height >= 600, path);
        for (const [badge, count] of Object.entries(shot.pixels)) {
          assert.ok(count > 100, `${path}: ${count} pixels of ${badge}`);
        }
      });
    });

    it('opened at 127.0.0.1 it plays the partner origin, at app.localhost the previews one', async () => {
      const port = demo.webPort;
      await playground(`http://127.0.0.1:${port}`, async (page) => {
        const rows = await readRows(page);
        assert.equal(rows['controller-policy'].outcome, 'readable');
        assert.equal(rows['handler-delete'].outcome, 'blocked');
        assert.equal(rows['simple-get'].outcome, 'blocked');
        assert.equal(rows['inline-public'].outcome, 'readable');
        // A POST needs no preflight: the CSRF check refuses it, with no CORS headers for here.
        assert.equal(rows['csrf-trusted'].outcome, 'blocked');
        assert.deepEqual(
          [rows['csrf-untrusted'].outcome, rows['csrf-untrusted'].status],
          ['readable', '403'],
        );
        assert.equal((await readGateway(page)).outcome, 'refused');
        // The toggle's PUT is a write under the default policy: its preflight is refused.
        await page.evaluate(() =>
          document.querySelector('#toggle-tenant').click(),
        );
        await waitFor(
          page,
          () =>
            !document.querySelector('#toggle-refused').hidden &&
            document.body.dataset.ready === 'true',
        );
      });
      await playground(`http://app.localhost:${port}`, async (page) => {
        const rows = await readRows(page);
        assert.equal(rows['wildcard-previews'].outcome, 'readable');
        assert.equal(rows['wildcard-previews'].explained, 'allowed');
        assert.equal(rows['simple-get'].outcome, 'blocked');
      });
    });

    it('the tenant toggle switches the provider policy for this page', async () => {
      await playground(demo.webUrl, async (page) => {
        const outcome = () =>
          document.querySelector('[data-case="provider-tenant"]').dataset
            .outcome;
        assert.equal(await page.evaluate(outcome), 'readable');
        for (const expected of ['blocked', 'readable']) {
          await page.evaluate(() =>
            document.querySelector('#toggle-tenant').click(),
          );
          await waitFor(
            page,
            (expected) =>
              document.querySelector('[data-case="provider-tenant"]').dataset
                .outcome === expected && document.body.dataset.ready === 'true',
            expected,
          );
        }
      });
    });
  });
}
