import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { APP_ORIGIN, createSampleApp } from '../fixtures/sample-app.js';
import { http, preflight, rawRequest } from '../support/requests.js';
import { ADAPTERS } from '../support/test-app.js';

const CRLF = /[\r\n]/;

describe.each(ADAPTERS)('hostile input (%s)', (adapter) => {
  let app: INestApplication;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    app = await createSampleApp(adapter);
  });
  afterAll(async () => {
    await app.close();
    process.off('unhandledRejection', onRejection);
    expect(rejections).toEqual([]);
  });

  it('refuses thousands of commas, spaces or names in Access-Control-Request-Headers', async () => {
    for (const headers of [
      ','.repeat(15000),
      `content-type,${' '.repeat(15000)}x-a`,
      Array.from({ length: 1500 }, (_, i) => `x-h${i}`).join(','),
    ]) {
      const res = await preflight(
        app,
        '/api/public',
        APP_ORIGIN,
        'GET',
        headers,
      );
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-headers']).toBeUndefined();
    }
  });

  it('accepts a bounded number of empty elements and optional whitespace', async () => {
    const res = await preflight(
      app,
      '/api/public',
      APP_ORIGIN,
      'GET',
      ' x-a ,, x-b,',
    );
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-headers']).toBe('x-a,x-b');
  });

  it('answers a malformed percent-escape in the path without a 5xx', async () => {
    const res = await http(app)
      .get('/api/hello/items/%E0')
      .set('Origin', APP_ORIGIN);
    expect(res.status).toBe(400);
    const pre = await preflight(app, '/api/hello/items/%E0', APP_ORIGIN, 'GET');
    expect(pre.status).toBeLessThan(500);
  });

  it('answers a request target no URL parser reads without a 5xx, and keeps serving', async () => {
    for (const method of ['GET', 'OPTIONS']) {
      const res = await rawRequest(app, method, 'http://[::1/x', {
        origin: APP_ORIGIN,
        'access-control-request-method': 'GET',
      });
      expect(res.status).toBeLessThan(500);
    }
    const res = await http(app).get('/api/hello').set('Origin', APP_ORIGIN);
    expect(res.status).toBe(200);
  });

  it('never reflects a method that is not a token', async () => {
    const res = await preflight(app, '/api/public', APP_ORIGIN, 'GET /x');
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('never answers 5xx nor puts CR/LF in a header, for any origin and header list', async () => {
    // Every byte an HTTP client can put in a header value: tab, visible ASCII, obs-text.
    const headerByte = fc.oneof(
      fc.constant('\t'),
      fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
    );
    const headerValue = fc.string({ unit: headerByte, maxLength: 60 });
    const origin = fc.oneof(
      fc.webUrl().map((url) => new URL(url).origin),
      fc.constantFrom(
        APP_ORIGIN,
        'null',
        'https://a.example.com',
        'http://localhost:1',
      ),
      headerValue,
    );
    await fc.assert(
      fc.asyncProperty(
        origin,
        fc.constantFrom(
          '/api/hello',
          '/api/public',
          '/api/patterns',
          '/api/by-function',
          '/api/nowhere',
        ),
        fc.option(headerValue),
        fc.boolean(),
        async (origin, path, requestHeaders, isPreflight) => {
          const res = isPreflight
            ? await preflight(
                app,
                path,
                origin,
                'GET',
                requestHeaders ?? undefined,
              )
            : await http(app).get(path).set('Origin', origin);
          expect(res.status).toBeLessThan(500);
          for (const [name, value] of Object.entries(res.headers)) {
            if (name.startsWith('access-control-') || name === 'vary') {
              expect(CRLF.test(String(value))).toBe(false);
            }
          }
          const granted = res.headers['access-control-allow-origin'];
          if (granted !== undefined && granted !== '*')
            expect(granted).toBe(origin);
        },
      ),
      { numRuns: 150 },
    );
  });
});
