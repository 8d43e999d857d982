// What pages on various origins can read from the demo API (and from ./fixture-api.js), and
// which requests reach the server, asserted in Chromium, Firefox and WebKit: each case runs once
// per engine of `BROWSERS` (all three by default). Where engines differ, a case states each
// engine's behaviour; those are the rows of the README's table of engine differences.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launch, selectedEngines } from './engines.js';
import {
  echoOverWebSocket,
  fetchFromSandbox,
  fetchIn,
  from,
  getJson,
  putJson,
  recordRequests,
  startAll,
  startDemo,
  startFixtureApi,
  startOtherWebServer,
} from './harness.js';

let demo, other, fixture, server, api, origins;

before(async () => {
  [demo, other] = await startAll([startDemo(), startOtherWebServer()]);
  fixture = await startFixtureApi({ webPort: demo.webPort }); // its policies need the port
  server = recordRequests([demo.apiPort, fixture.port]);
  api = `${demo.apiUrl}/api`;
  const port = demo.webPort;
  origins = {
    page: demo.webUrl, // http://localhost:<port>: allowed by the default policy
    partner: `http://127.0.0.1:${port}`, // same server, another origin: the `partners` policy
    otherPort: `http://localhost:${other.port}`, // allowed by nothing but `localhost:*`
    preview: `http://app.localhost:${port}`, // another site: the `previews` wildcard policy
  };
});

after(async () => {
  server?.stop();
  await Promise.all([demo?.close(), other?.close(), fixture?.close()]);
});

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

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

for (const engineName of selectedEngines()) {
  describe(engineName, { timeout: 600_000 }, () => {
    let engine;
    before(async () => {
      engine = await launch(engineName);
    });
    after(() => engine?.close());

    /** Runs `use(page)` on a blank page at `origin`, in a fresh profile. */
    const on = (origin, use) => from(engine, origin, use);
    /** `[result, requests]`: `use(page)` at `origin`, and what reached the APIs meanwhile. */
    const seen = (origin, use) => server.during(() => on(origin, use));

    it('simple GET: readable by the allowed origin; from any other, it is served but unreadable', async () => {
      const [allowed, reached] = await seen(origins.page, (page) =>
        fetchIn(page, `${api}/hello-world`),
      );
      assert.equal(allowed.outcome, 'readable');
      assert.equal(allowed.status, 200);
      assert.deepEqual(JSON.parse(allowed.body), { hello: 'world' });
      assert.deepEqual(reached, ['GET /api/hello-world']);

      for (const origin of [origins.partner, origins.otherPort]) {
        const [denied, reached] = await seen(origin, (page) =>
          fetchIn(page, `${api}/hello-world`),
        );
        // The page only learns that fetch failed, but the handler ran: the browser blocks.
        assert.deepEqual(denied, { outcome: 'blocked', error: 'TypeError' });
        assert.deepEqual(reached, ['GET /api/hello-world'], origin);
      }
    });

    it('a preflight is answered before guards, pipes and handlers; the request follows only if allowed', async () => {
      const init = putProfile({ 'X-Demo-Token': 'demo' });
      const [allowed, reached] = await seen(origins.page, (page) =>
        fetchIn(page, `${api}/profile`, init),
      );
      assert.equal(allowed.outcome, 'readable');
      assert.equal(allowed.status, 200);
      assert.deepEqual(JSON.parse(allowed.body), {
        saved: { name: 'Ada' },
        token: 'demo',
      });
      assert.deepEqual(reached, ['OPTIONS /api/profile', 'PUT /api/profile']);

      // The guard wants X-Demo-Token, which a preflight never carries: it did not run on it.
      const [guarded, reachedGuarded] = await seen(origins.page, (page) =>
        fetchIn(page, `${api}/private`, {
          headers: { 'X-Demo-Token': 'demo' },
        }),
      );
      assert.equal(guarded.status, 200);
      assert.deepEqual(JSON.parse(guarded.body), { secret: 42 });
      assert.deepEqual(reachedGuarded, [
        'OPTIONS /api/private',
        'GET /api/private',
      ]);

      const [denied, reachedDenied] = await seen(origins.otherPort, (page) =>
        fetchIn(page, `${api}/profile`, init),
      );
      assert.equal(denied.outcome, 'blocked');
      assert.deepEqual(reachedDenied, ['OPTIONS /api/profile']); // the PUT was never sent
    });

    it('a requested header outside allowedHeaders, or a method outside methods, fails the preflight', async () => {
      const [header, reachedHeader] = await seen(origins.page, (page) =>
        fetchIn(page, `${api}/profile`, putProfile({ 'X-Debug': '1' })),
      );
      assert.equal(header.outcome, 'blocked');
      assert.deepEqual(reachedHeader, ['OPTIONS /api/profile']);
      const whyHeader = await explain({
        method: 'OPTIONS',
        path: '/api/profile',
        origin: origins.page,
        requestMethod: 'PUT',
        requestHeaders: 'content-type,x-debug',
      });
      assert.equal(whyHeader.reason, 'header "x-debug" not allowed');

      const [method, reachedMethod] = await seen(origins.page, (page) =>
        fetchIn(page, `${api}/profile`, { method: 'PURGE' }),
      );
      assert.equal(method.outcome, 'blocked');
      assert.deepEqual(reachedMethod, ['OPTIONS /api/profile']);
      const whyMethod = await explain({
        method: 'OPTIONS',
        path: '/api/profile',
        origin: origins.page,
        requestMethod: 'PURGE',
      });
      assert.equal(whyMethod.reason, 'method "PURGE" not allowed');
    });

    it('credentialed requests: cookies go both ways only with credentials: include, where the policy has credentials', async () => {
      await on(origins.page, async (page) => {
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
      await on(origins.partner, async (page) => {
        const credentialed = await fetchIn(page, `${api}/partners`, {
          credentials: 'include',
        });
        assert.equal(credentialed.outcome, 'blocked');
        const plain = await fetchIn(page, `${api}/partners`);
        assert.equal(plain.outcome, 'readable');
      });
    });

    it('exposed headers are readable, others are not', async () => {
      const result = await on(origins.page, (page) =>
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

    it('errors are readable with their real status: guards (401, 403, 429), pipes and malformed JSON (400), unknown routes (404), bodies over the limit (413)', async () => {
      const json = { 'Content-Type': 'application/json' };
      const tooLarge = JSON.stringify({ name: 'x'.repeat(200_000) }); // the limit is 100 kB
      const requests = [
        [401, `${api}/private`],
        [403, `${fixture.url}/errors/403`],
        [429, `${fixture.url}/errors/429`],
        [400, `${fixture.url}/errors/pipe/abc`],
        [
          400,
          `${api}/profile`,
          { method: 'PUT', headers: json, body: '{"a":' },
        ],
        [404, `${api}/no-such-route`],
        [
          413,
          `${api}/profile`,
          { method: 'PUT', headers: json, body: tooLarge },
        ],
      ];
      await on(origins.page, async (page) => {
        for (const [status, url, init] of requests) {
          const result = await fetchIn(page, url, init);
          assert.equal(result.outcome, 'readable', url);
          assert.equal(result.status, status, url);
          assert.equal(JSON.parse(result.body).statusCode, status, url);
        }
      });
      // …and by no other origin.
      await on(origins.otherPort, async (page) => {
        for (const [, url, init] of requests) {
          const result = await fetchIn(page, url, init);
          assert.equal(result.outcome, 'blocked', url);
        }
      });
    });

    it('a StreamableFile and an @Sse() stream are readable by the allowed origin only', async () => {
      const readEvent = (page, url) =>
        page.evaluate(
          (url) =>
            new Promise((resolve) => {
              const source = new EventSource(url);
              source.onmessage = (event) => {
                source.close();
                resolve({ outcome: 'readable', data: JSON.parse(event.data) });
              };
              source.onerror = () => {
                source.close();
                resolve({ outcome: 'blocked' });
              };
            }),
          url,
        );
      await on(origins.page, async (page) => {
        const file = await fetchIn(page, `${fixture.url}/file`);
        assert.deepEqual([file.outcome, file.body], ['readable', 'a file']);
        assert.deepEqual(await readEvent(page, `${fixture.url}/events`), {
          outcome: 'readable',
          data: { event: 'hello' },
        });
      });
      await on(origins.otherPort, async (page) => {
        const file = await fetchIn(page, `${fixture.url}/file`);
        assert.equal(file.outcome, 'blocked');
        assert.deepEqual(await readEvent(page, `${fixture.url}/events`), {
          outcome: 'blocked',
        });
      });
    });

    // Had the handler's `Access-Control-Allow-Origin: *` stayed, alone or next to the
    // module's, the browser would refuse this credentialed response.
    it("the policy's CORS headers replace those a handler sets itself", async () => {
      const result = await on(origins.page, (page) =>
        fetchIn(
          page,
          `${fixture.url}/own-headers`,
          { credentials: 'include' },
          ['X-Request-Id', 'X-Secret'],
        ),
      );
      assert.equal(result.outcome, 'readable');
      assert.deepEqual(JSON.parse(result.body), { own: true });
      assert.deepEqual(result.headers, {
        'X-Request-Id': 'exposed',
        'X-Secret': null,
      });
    });

    it('@CorsPolicy(false): the route is served, but no origin can read it, and a preflight gets no answer', async () => {
      for (const origin of [origins.page, origins.partner]) {
        const [result, reached] = await seen(origin, (page) =>
          fetchIn(page, `${api}/closed`),
        );
        assert.equal(result.outcome, 'blocked', origin);
        assert.deepEqual(reached, ['GET /api/closed'], origin);
      }
      // The OPTIONS reaches the app, which has no handler for it: the GET is never sent.
      const [preflighted, reached] = await seen(origins.page, (page) =>
        fetchIn(page, `${api}/closed`, { headers: { 'X-Demo-Token': 'demo' } }),
      );
      assert.equal(preflighted.outcome, 'blocked');
      assert.deepEqual(reached, ['OPTIONS /api/closed']);
    });

    it("a handler's policy overrides its controller's, preflight of the DELETE included", async () => {
      // The page origin: refused by the controller's `partners`, allowed by the DELETE's default.
      const [pageResults, pageReached] = await seen(
        origins.page,
        async (page) => [
          await fetchIn(page, `${api}/partners`),
          await fetchIn(page, `${api}/partners/7`, { method: 'DELETE' }),
        ],
      );
      assert.equal(pageResults[0].outcome, 'blocked');
      assert.equal(pageResults[1].outcome, 'readable');
      assert.deepEqual(JSON.parse(pageResults[1].body), { deleted: '7' });
      assert.deepEqual(pageReached, [
        'GET /api/partners',
        'OPTIONS /api/partners/7',
        'DELETE /api/partners/7',
      ]);

      // The partner origin: the other way round; its DELETE preflight is refused.
      const [partnerResults, partnerReached] = await seen(
        origins.partner,
        async (page) => [
          await fetchIn(page, `${api}/partners`),
          await fetchIn(page, `${api}/partners/7`, { method: 'DELETE' }),
        ],
      );
      assert.equal(partnerResults[0].outcome, 'readable');
      assert.equal(partnerResults[1].outcome, 'blocked');
      assert.deepEqual(partnerReached, [
        'GET /api/partners',
        'OPTIONS /api/partners/7',
      ]);
      const why = await explain({
        method: 'OPTIONS',
        path: '/api/partners/7',
        origin: origins.partner,
        requestMethod: 'DELETE',
      });
      assert.deepEqual(
        [why.route, why.policy, why.reason],
        ['PartnersController#remove', 'default', 'origin not allowed'],
      );
    });

    it('a provider policy follows its changes at run time: a revoked origin can no longer read', async () => {
      const read = async (origin) =>
        (await on(origin, (page) => fetchIn(page, `${api}/tenant`))).outcome;
      try {
        await setOrigins([origins.page]);
        assert.equal(await read(origins.page), 'readable');
        assert.equal(await read(origins.partner), 'blocked');

        await setOrigins([origins.partner]);
        assert.equal(await read(origins.page), 'blocked');
        assert.equal(await read(origins.partner), 'readable');

        // Within one page too, bypassing the HTTP cache (see the next test).
        await on(origins.page, async (page) => {
          const readHere = async () =>
            (await fetchIn(page, `${api}/tenant`, { cache: 'no-store' }))
              .outcome;
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

    // A 304 has no Access-Control-Allow-Origin and the browser would keep the one stored with
    // the cached 200: the module drops the validators of denied requests, so the app answers in
    // full.
    it('revoking an origin at run time also stops HTTP-cache revalidations (304)', async () => {
      try {
        await on(origins.page, async (page) => {
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
      for (const origin of [origins.preview, `http://a.b.localhost:${port}`]) {
        const result = await on(origin, (page) =>
          fetchIn(page, `${api}/previews`),
        );
        assert.equal(result.outcome, 'readable', origin);
        assert.deepEqual(JSON.parse(result.body), { preview: true });
      }
      for (const origin of [
        origins.page, // localhost itself is no subdomain
        `http://app.localhost:${other.port}`, // another port
      ]) {
        const result = await on(origin, (page) =>
          fetchIn(page, `${api}/previews`),
        );
        assert.equal(result.outcome, 'blocked', origin);
      }
      // The previews page is still a stranger to the default policy.
      const result = await on(origins.preview, (page) =>
        fetchIn(page, `${api}/hello-world`),
      );
      assert.equal(result.outcome, 'blocked');
    });

    // A WebSocket handshake is outside CORS: only the gateway's policy stands between a
    // page of any site and a socket opened with the user's cookies.
    it("a WebSocket gateway follows its policy: the page's origin connects and exchanges a message, other origins are refused", async () => {
      const url = `${demo.apiUrl.replace('http', 'ws')}/ws`;
      const talk = (page) => echoOverWebSocket(page, url);
      assert.deepEqual(await on(origins.page, talk), {
        outcome: 'connected',
        echo: 'hello',
      });
      for (const origin of [origins.partner, origins.otherPort]) {
        assert.deepEqual(
          await on(origin, talk),
          { outcome: 'refused' },
          origin,
        );
      }
    });

    it("a sandboxed iframe's null origin is blocked, except by origin '*'", async () => {
      await on(origins.page, async (page) => {
        const denied = await fetchFromSandbox(page, `${api}/hello-world`);
        assert.deepEqual(denied, { outcome: 'blocked', origin: 'null' });
        const open = await fetchFromSandbox(page, `${api}/public`);
        assert.equal(open.outcome, 'readable');
        assert.deepEqual(JSON.parse(open.body), { public: true });
      });
      const why = await explain({ path: '/api/hello-world', origin: 'null' });
      assert.equal(why.reason, 'origin not allowed');
    });

    it("a public API (origin '*'): readable from any origin, never with credentials", async () => {
      for (const origin of [origins.page, origins.otherPort, origins.preview]) {
        const result = await on(origin, (page) =>
          fetchIn(page, `${api}/public`),
        );
        assert.equal(result.outcome, 'readable', origin);
      }
      const [credentialed, reached] = await seen(origins.page, (page) =>
        fetchIn(page, `${api}/public`, { credentials: 'include' }),
      );
      assert.equal(credentialed.outcome, 'blocked');
      assert.deepEqual(reached, ['GET /api/public']);
    });

    // With allowedHeaders omitted the module lists the requested names back. A wildcard would
    // not do: `Access-Control-Allow-Headers: *` never covers Authorization.
    it('Authorization is allowed by name, never left to a wildcard', async () => {
      const [result, reached] = await seen(origins.otherPort, (page) =>
        fetchIn(page, `${api}/public`, {
          headers: { Authorization: 'Bearer demo' },
        }),
      );
      assert.equal(result.outcome, 'readable');
      assert.deepEqual(reached, ['OPTIONS /api/public', 'GET /api/public']);
    });

    it('Access-Control-Max-Age: identical calls reuse a preflight within max-age, and preflight again after it', async () => {
      const long = putProfile({ 'X-Demo-Token': 'demo' }); // the default policy: maxAge 600
      const probe = { headers: { 'X-Probe': '1' } };
      const [, reached] = await seen(origins.page, async (page) => {
        const calls = async () => {
          await fetchIn(page, `${api}/profile`, long);
          await fetchIn(page, `${fixture.url}/max-age/one`, probe);
          await fetchIn(page, `${fixture.url}/max-age/zero`, probe);
        };
        await calls();
        await sleep(2000); // past maxAge 1
        await calls();
      });
      assert.deepEqual(reached, [
        'OPTIONS /api/profile',
        'PUT /api/profile',
        'OPTIONS /api/max-age/one',
        'GET /api/max-age/one',
        'OPTIONS /api/max-age/zero',
        'GET /api/max-age/zero',
        'PUT /api/profile', // within maxAge 600: no preflight
        'OPTIONS /api/max-age/one', // past maxAge 1: asked again
        'GET /api/max-age/one',
        'OPTIONS /api/max-age/zero', // maxAge 0: asked every time
        'GET /api/max-age/zero',
      ]);
    });

    // Engine difference: Firefox keeps no preflight for an API addressed by IP address.
    it('the preflight cache, for an API addressed as 127.0.0.1', async () => {
      const preflightsPerCall = { chromium: 0, firefox: 1, webkit: 0 };
      const byAddress = api.replace('localhost', '127.0.0.1');
      const init = putProfile({ 'X-Demo-Token': 'demo' });
      const [, reached] = await seen(origins.page, async (page) => {
        for (let call = 0; call < 3; call++) {
          const result = await fetchIn(page, `${byAddress}/profile`, init);
          assert.equal(result.status, 200);
        }
      });
      const again = preflightsPerCall[engine.name]
        ? ['OPTIONS /api/profile', 'PUT /api/profile']
        : ['PUT /api/profile'];
      assert.deepEqual(reached, [
        'OPTIONS /api/profile',
        'PUT /api/profile',
        ...again,
        ...again,
      ]);
    });

    it('a development page on any port of localhost (http://localhost:*)', async () => {
      for (const origin of [origins.page, origins.otherPort]) {
        const result = await on(origin, (page) =>
          fetchIn(page, `${fixture.url}/any-port`),
        );
        assert.equal(result.outcome, 'readable', origin);
        assert.deepEqual(JSON.parse(result.body), { anyPort: true });
      }
      for (const origin of [origins.partner, origins.preview]) {
        const result = await on(origin, (page) =>
          fetchIn(page, `${fixture.url}/any-port`),
        );
        assert.equal(result.outcome, 'blocked', origin);
      }
    });

    it('preview deployments through an anchored RegExp', async () => {
      const port = demo.webPort;
      const result = await on(`http://pr-12.localhost:${port}`, (page) =>
        fetchIn(page, `${fixture.url}/pr`),
      );
      assert.equal(result.outcome, 'readable');
      assert.deepEqual(JSON.parse(result.body), { preview: true });
      for (const origin of [
        `http://pr-x.localhost:${port}`,
        `http://app.pr-12.localhost:${port}`,
        `http://pr-12.localhost:${other.port}`,
      ]) {
        const denied = await on(origin, (page) =>
          fetchIn(page, `${fixture.url}/pr`),
        );
        assert.equal(denied.outcome, 'blocked', origin);
      }
    });

    // Engine difference: which cookies a credentialed CORS request sends back. The API at
    // http://localhost sets `lax` (SameSite=Lax), `none_secure` (SameSite=None; Secure) and
    // `partitioned` (SameSite=None; Secure; Partitioned), for the same site and for another.
    it('cookies on credentialed requests, from the same site and across sites', async () => {
      const sentBack = {
        chromium: {
          sameSite: ['lax', 'none_secure', 'partitioned'],
          crossSite: ['partitioned'], // third-party cookies blocked, partitioned ones kept
        },
        firefox: {
          sameSite: ['lax', 'none_secure', 'partitioned'],
          crossSite: ['none_secure', 'partitioned'], // every third-party cookie partitioned
        },
        webkit: {
          sameSite: ['lax'], // Secure cookies from http://localhost are dropped
          crossSite: [],
        },
      }[engine.name];
      const twice = (origin) =>
        on(origin, async (page) => {
          const url = `${fixture.url}/cookies`;
          const include = { credentials: 'include' };
          const first = await fetchIn(page, url, include);
          assert.deepEqual(JSON.parse(first.body), { received: [] });
          return JSON.parse((await fetchIn(page, url, include)).body);
        });
      assert.deepEqual(await twice(origins.page), {
        received: sentBack.sameSite,
      });
      assert.deepEqual(await twice(origins.preview), {
        received: sentBack.crossSite,
      });
    });
  });
}
