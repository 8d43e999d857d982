// What pages on various origins can read from the demo API, asserted in a real Chromium.
// The page origin the API's default policy allows is http://localhost:<web port>.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  fetchIn,
  startAll,
  getJson,
  launchChromium,
  openPage,
  putJson,
  startDemo,
  startOtherWebServer,
} from './harness.js';

let demo, other, browser, api, origins;

before(async () => {
  [demo, other, browser] = await startAll([
    startDemo(),
    startOtherWebServer(),
    launchChromium(),
  ]);
  api = `${demo.apiUrl}/api`;
  const port = demo.webPort;
  origins = {
    page: demo.webUrl, // http://localhost:<port>: allowed by the default policy
    partner: `http://127.0.0.1:${port}`, // same server, another origin: the `partners` policy
    otherPort: `http://localhost:${other.port}`, // allowed by nothing
    preview: `http://app.demo.test:${port}`, // the `previews` wildcard policy
  };
});

after(async () => {
  await browser?.close();
  await Promise.all([demo?.close(), other?.close()]);
});

/** Runs `use(page)` on a blank page at `origin`, in a fresh browser context. */
async function from(origin, use) {
  const page = await openPage(browser, origin);
  try {
    return await use(page);
  } finally {
    await page.context().close();
  }
}

const preflightsFor = async (path) =>
  (await getJson(`${api}/demo/preflights`)).byPath[path] ?? 0;

const explain = (query) =>
  getJson(`${api}/demo/explain?${new URLSearchParams(query)}`);

/** Sets the origins of the demo's TenantCorsPolicy provider. */
const setOrigins = (list) =>
  putJson(`${api}/demo/tenant-origins`, { origins: list });

const putProfile = (headers = {}) => ({
  method: 'PUT',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify({ name: 'Ada' }),
});

describe('browser CORS', { timeout: 60_000 }, () => {
  it('simple GET: readable by the allowed origin, blocked for any other', async () => {
    const allowed = await from(origins.page, (page) =>
      fetchIn(page, `${api}/hello-world`),
    );
    assert.equal(allowed.outcome, 'readable');
    assert.equal(allowed.status, 200);
    assert.deepEqual(JSON.parse(allowed.body), { hello: 'world' });

    for (const origin of [origins.partner, origins.otherPort]) {
      const denied = await from(origin, (page) =>
        fetchIn(page, `${api}/hello-world`),
      );
      assert.equal(denied.outcome, 'blocked', origin);
      assert.match(denied.error, /TypeError: Failed to fetch/);
    }
  });

  it('preflighted PUT with JSON and a custom header: sent only for the allowed origin', async () => {
    const allowed = await from(origins.page, (page) =>
      fetchIn(page, `${api}/profile`, putProfile({ 'X-Demo-Token': 'demo' })),
    );
    assert.equal(allowed.outcome, 'readable');
    assert.equal(allowed.status, 200);
    assert.deepEqual(JSON.parse(allowed.body), {
      saved: { name: 'Ada' },
      token: 'demo',
    });

    const before = await preflightsFor('/api/profile');
    const denied = await from(origins.otherPort, (page) =>
      fetchIn(page, `${api}/profile`, putProfile({ 'X-Demo-Token': 'demo' })),
    );
    assert.equal(denied.outcome, 'blocked');
    // The browser asked first, and the refused preflight stopped the PUT.
    assert.equal(await preflightsFor('/api/profile'), before + 1);
  });

  it('credentialed request: cookies go both ways only where the policy has credentials', async () => {
    await from(origins.page, async (page) => {
      const include = { credentials: 'include' };
      const first = await fetchIn(page, `${api}/session`, include);
      assert.equal(first.outcome, 'readable');
      assert.deepEqual(JSON.parse(first.body), { session: 'cookie set' });
      const second = await fetchIn(page, `${api}/session`, include);
      assert.deepEqual(JSON.parse(second.body), {
        session: 'cookie received',
      });
      // Without `credentials: 'include'` the browser sends no cookie cross-origin.
      const omitted = await fetchIn(page, `${api}/session`);
      assert.deepEqual(JSON.parse(omitted.body), { session: 'cookie set' });
    });

    // `partners` has no credentials: a credentialed read fails, a plain one works.
    await from(origins.partner, async (page) => {
      const credentialed = await fetchIn(page, `${api}/partners`, {
        credentials: 'include',
      });
      assert.equal(credentialed.outcome, 'blocked');
      const plain = await fetchIn(page, `${api}/partners`);
      assert.equal(plain.outcome, 'readable');
    });
  });

  it('a requested header outside allowedHeaders fails the preflight', async () => {
    const result = await from(origins.page, (page) =>
      fetchIn(page, `${api}/profile`, putProfile({ 'X-Debug': '1' })),
    );
    assert.equal(result.outcome, 'blocked');
    const why = await explain({
      method: 'OPTIONS',
      path: '/api/profile',
      origin: origins.page,
      requestMethod: 'PUT',
      requestHeaders: 'content-type,x-debug',
    });
    assert.equal(why.allowed, false);
    assert.equal(why.reason, 'header "x-debug" not allowed');
  });

  it('exposed headers are readable, others are not', async () => {
    const result = await from(origins.page, (page) =>
      fetchIn(page, `${api}/hello-world`, {}, [
        'X-Request-Id',
        'X-Internal-Trace',
        'Content-Type',
      ]),
    );
    assert.equal(result.outcome, 'readable');
    assert.match(result.headers['X-Request-Id'], /^[0-9a-f-]{36}$/);
    assert.equal(result.headers['X-Internal-Trace'], null);
    // CORS-safelisted response headers are always readable.
    assert.match(result.headers['Content-Type'], /^application\/json/);
  });

  it("a guard's 401, a malformed-JSON 400 and an unknown route's 404 are readable by the allowed origin", async () => {
    const malformed = {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: '{"name":',
    };
    await from(origins.page, async (page) => {
      const unauthorized = await fetchIn(page, `${api}/private`);
      assert.equal(unauthorized.outcome, 'readable');
      assert.equal(unauthorized.status, 401);
      assert.match(unauthorized.body, /X-Demo-Token/);

      const authorized = await fetchIn(page, `${api}/private`, {
        headers: { 'X-Demo-Token': 'demo' },
      });
      assert.equal(authorized.status, 200);

      const badRequest = await fetchIn(page, `${api}/profile`, malformed);
      assert.equal(badRequest.outcome, 'readable');
      assert.equal(badRequest.status, 400);

      const notFound = await fetchIn(page, `${api}/no-such-route`);
      assert.equal(notFound.outcome, 'readable');
      assert.equal(notFound.status, 404);
    });
    // …and not by another origin.
    await from(origins.otherPort, async (page) => {
      assert.equal((await fetchIn(page, `${api}/private`)).outcome, 'blocked');
      assert.equal(
        (await fetchIn(page, `${api}/no-such-route`)).outcome,
        'blocked',
      );
    });
  });

  it('@CorsPolicy(false): no origin can read the route', async () => {
    for (const origin of [origins.page, origins.partner]) {
      const result = await from(origin, (page) =>
        fetchIn(page, `${api}/closed`),
      );
      assert.equal(result.outcome, 'blocked', origin);
    }
    const response = await fetch(`${api}/closed`, {
      headers: { Origin: origins.page },
    });
    assert.equal(response.status, 200); // served, just without CORS headers
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });

  it("a handler's policy overrides its controller's, preflight of the DELETE included", async () => {
    const path = '/api/partners/7';
    let preflights = await preflightsFor(path);
    // The page origin: refused by the controller's `partners`, allowed by the DELETE's default.
    await from(origins.page, async (page) => {
      assert.equal((await fetchIn(page, `${api}/partners`)).outcome, 'blocked');
      const deleted = await fetchIn(page, `${api}/partners/7`, {
        method: 'DELETE',
      });
      assert.equal(deleted.outcome, 'readable');
      assert.deepEqual(JSON.parse(deleted.body), { deleted: '7' });
    });
    assert.equal(await preflightsFor(path), ++preflights);

    // The partner origin: the other way round; its DELETE preflight is refused.
    await from(origins.partner, async (page) => {
      assert.equal(
        (await fetchIn(page, `${api}/partners`)).outcome,
        'readable',
      );
      const deleted = await fetchIn(page, `${api}/partners/7`, {
        method: 'DELETE',
      });
      assert.equal(deleted.outcome, 'blocked');
    });
    assert.equal(await preflightsFor(path), ++preflights);
    const why = await explain({
      method: 'OPTIONS',
      path,
      origin: origins.partner,
      requestMethod: 'DELETE',
    });
    assert.deepEqual(
      [why.route, why.policy, why.reason],
      ['PartnersController#remove', 'default', 'origin not allowed'],
    );
  });

  it('a provider policy follows its changes at run time', async () => {
    const read = async (origin) =>
      (await from(origin, (page) => fetchIn(page, `${api}/tenant`))).outcome;
    try {
      await setOrigins([origins.page]);
      assert.equal(await read(origins.page), 'readable');
      assert.equal(await read(origins.partner), 'blocked');

      await setOrigins([origins.partner]);
      assert.equal(await read(origins.page), 'blocked');
      assert.equal(await read(origins.partner), 'readable');

      // Within one page too, bypassing the HTTP cache (see the next test).
      await from(origins.page, async (page) => {
        const readHere = async () =>
          (await fetchIn(page, `${api}/tenant`, { cache: 'no-store' })).outcome;
        await setOrigins([]);
        assert.equal(await readHere(), 'blocked');
        await setOrigins([origins.page]);
        assert.equal(await readHere(), 'readable');
        await setOrigins([]);
        assert.equal(await readHere(), 'blocked');
      });
    } finally {
      await setOrigins([origins.page]);
    }
  });

  // A 304 has no Access-Control-Allow-Origin and the browser would keep the one stored with the
  // cached 200: the module drops the validators of denied requests, so the app answers in full.
  it('revoking an origin at run time also stops HTTP-cache revalidations (304)', async () => {
    try {
      await from(origins.page, async (page) => {
        await setOrigins([origins.page]);
        const first = await fetchIn(page, `${api}/tenant`);
        assert.equal(first.outcome, 'readable');
        await setOrigins([]);
        const revalidated = await fetchIn(page, `${api}/tenant`);
        assert.equal(revalidated.outcome, 'blocked');
      });
    } finally {
      await setOrigins([origins.page]);
    }
  });

  it('a wildcard-subdomain policy allows subdomains on its port only', async () => {
    const port = demo.webPort;
    for (const origin of [
      origins.preview,
      `http://a.b.demo.test:${port}`,
      `http://app.localhost:${port}`, // Chromium resolves *.localhost itself
    ]) {
      const result = await from(origin, (page) =>
        fetchIn(page, `${api}/previews`),
      );
      assert.equal(result.outcome, 'readable', origin);
      assert.deepEqual(JSON.parse(result.body), { preview: true });
    }
    for (const origin of [
      origins.page, // localhost itself is no subdomain
      `http://app.demo.test:${other.port}`, // another port
    ]) {
      const result = await from(origin, (page) =>
        fetchIn(page, `${api}/previews`),
      );
      assert.equal(result.outcome, 'blocked', origin);
    }
    // The previews page is still a stranger to the default policy.
    const result = await from(origins.preview, (page) =>
      fetchIn(page, `${api}/hello-world`),
    );
    assert.equal(result.outcome, 'blocked');
  });

  it("a sandboxed iframe's null origin is blocked, except by origin '*'", async () => {
    const fetchFromSandbox = (page, url) =>
      page.evaluate(
        (url) =>
          new Promise((resolve) => {
            addEventListener('message', (event) => resolve(event.data), {
              once: true,
            });
            const frame = document.createElement('iframe');
            frame.sandbox = 'allow-scripts'; // no allow-same-origin: an opaque origin
            frame.srcdoc = `<script>
              fetch(${JSON.stringify(url)})
                .then((r) => r.text())
                .then((body) => parent.postMessage({ outcome: 'readable', body, origin: origin }, '*'))
                .catch((e) => parent.postMessage({ outcome: 'blocked', error: String(e), origin: origin }, '*'));
            </script>`;
            document.body.append(frame);
          }),
        url,
      );
    await from(origins.page, async (page) => {
      const denied = await fetchFromSandbox(page, `${api}/hello-world`);
      assert.equal(denied.origin, 'null');
      assert.equal(denied.outcome, 'blocked');
      const open = await fetchFromSandbox(page, `${api}/public`);
      assert.equal(open.outcome, 'readable');
      assert.deepEqual(JSON.parse(open.body), { public: true });
    });
    const why = await explain({ path: '/api/hello-world', origin: 'null' });
    assert.equal(why.reason, 'origin not allowed');
  });

  it('Access-Control-Max-Age: a second identical call within max-age sends no preflight', async () => {
    await from(origins.page, async (page) => {
      const before = await preflightsFor('/api/profile');
      const init = putProfile({ 'X-Demo-Token': 'demo' });
      assert.equal(
        (await fetchIn(page, `${api}/profile`, init)).outcome,
        'readable',
      );
      assert.equal(await preflightsFor('/api/profile'), before + 1);
      assert.equal(
        (await fetchIn(page, `${api}/profile`, init)).outcome,
        'readable',
      );
      assert.equal(await preflightsFor('/api/profile'), before + 1);
    });
  });
});
