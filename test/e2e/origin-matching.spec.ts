import type { INestApplication } from '@nestjs/common';
import { APP_ORIGIN, calls, createSampleApp } from '../fixtures/sample-app.js';
import { http, rawRequest } from '../support/requests.js';
import { ADAPTERS } from '../support/test-app.js';
import {
  expectCorsPreflight,
  expectCorsRequest,
} from '../../src/testing/index.js';

/**
 * The matching rules themselves are unit-tested (src/core/origin-matcher.spec.ts,
 * cors-decision.spec.ts). These show what only a real app shows: the `Origin` header as the
 * adapter hands it over reaches the policy a decorator compiled, and the answer waits for
 * an async origin function.
 */
describe.each(ADAPTERS)('origin matching (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => (app = await createSampleApp(adapter)));
  afterAll(() => app.close());
  beforeEach(() => (calls.length = 0));
  const allowOrigin = async (path: string, origin: string) =>
    (await http(app).get(path).set('Origin', origin)).headers[
      'access-control-allow-origin'
    ];
  const originFunctionCalls = () =>
    calls.filter((call) => call.startsWith('origin function'));

  it('compares the Origin header as sent, without the adapter normalising it', async () => {
    expect(await allowOrigin('/api/hello', APP_ORIGIN)).toBe(APP_ORIGIN);
    for (const near of ['https://APP.example.com', 'https://app.example.com.'])
      expect(await allowOrigin('/api/hello', near)).toBeUndefined();
  });

  it("applies each kind of entry of a decorator's list: subdomain, any-port and RegExp", async () => {
    for (const origin of [
      'https://a.example.com',
      'http://localhost:5173',
      'https://abc.regex.dev',
    ])
      await expectCorsRequest(
        app,
        { path: '/api/patterns', origin },
        'readable',
      );
    for (const origin of [
      'https://example.com',
      'https://localhost:5173',
      'https://abc.regex.dev.evil.net',
    ])
      await expectCorsRequest(
        app,
        { path: '/api/patterns', origin },
        'unreadable',
      );
  });

  it('waits for an async origin function; a throw denies, and fails a preflight with 403', async () => {
    const path = '/api/by-function';
    await expectCorsRequest(
      app,
      { path, origin: 'https://api.trusted.dev' },
      'readable',
    );
    for (const origin of ['https://api.untrusted.dev', 'https://throws.dev'])
      await expectCorsRequest(app, { path, origin }, 'unreadable');
    const refused = await expectCorsPreflight(
      app,
      { path, origin: 'https://throws.dev', method: 'GET' },
      'refused',
    );
    expect(refused.status).toBe(403);
  });

  it('denies a malformed, over-long or repeated Origin header before calling the origin function', async () => {
    for (const origin of ['HTTPS://A.TRUSTED.DEV', 'x'.repeat(2100)])
      expect(await allowOrigin('/api/by-function', origin)).toBeUndefined();
    // Two header lines, which Node joins into one value. (A list of headers gets no Host.)
    const repeated = await rawRequest(app, 'GET', '/api/by-function', [
      'Host',
      'localhost',
      'Origin',
      'https://a.trusted.dev',
      'Origin',
      'https://b.trusted.dev',
    ]);
    expect(repeated.status).toBe(200);
    expect(repeated.headers['access-control-allow-origin']).toBeUndefined();
    expect(originFunctionCalls()).toEqual([]);
  });

  it("allows the origin null only through a literal 'null' entry or '*'", async () => {
    expect(await allowOrigin('/api/sandboxed', 'null')).toBe('null');
    expect(await allowOrigin('/api/public', 'null')).toBe('*');
    for (const path of ['/api/hello', '/api/reflect', '/api/by-function'])
      expect(await allowOrigin(path, 'null')).toBeUndefined();
    expect(originFunctionCalls()).toEqual([]);
  });
});
