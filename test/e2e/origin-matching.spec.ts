import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { APP_ORIGIN, calls, createTestApp } from '../fixtures/test-app.js';
import { preflight } from '../support/cors-requests.js';
import { ADAPTERS } from '../support/adapters.js';

describe.each(ADAPTERS)('7. origin matching (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => (app = await createTestApp(adapter)));
  afterAll(() => app.close());
  beforeEach(() => (calls.length = 0));
  const allowOrigin = async (path: string, origin: string) =>
    (await request(app.getHttpServer()).get(path).set('Origin', origin))
      .headers['access-control-allow-origin'];

  it('compares exact origins byte for byte', async () => {
    expect(await allowOrigin('/api/hello', APP_ORIGIN)).toBe(APP_ORIGIN);
    for (const near of [
      'https://APP.example.com',
      'https://app.example.com.',
      'http://app.example.com',
      'https://app.example.com:443',
    ]) {
      expect(await allowOrigin('/api/hello', near)).toBeUndefined();
    }
  });

  it('matches https://*.example.com on one or more labels only, never the apex or a non-dot boundary', async () => {
    expect(await allowOrigin('/api/patterns', 'https://a.example.com')).toBe(
      'https://a.example.com',
    );
    expect(await allowOrigin('/api/patterns', 'https://a.b.example.com')).toBe(
      'https://a.b.example.com',
    );
    for (const origin of [
      'https://example.com',
      'https://evilexample.com',
      'http://a.example.com',
      'https://a.example.com:8443',
    ]) {
      expect(await allowOrigin('/api/patterns', origin)).toBeUndefined();
    }
  });

  it('matches http://localhost:* on any port, and nothing else', async () => {
    expect(await allowOrigin('/api/patterns', 'http://localhost:5173')).toBe(
      'http://localhost:5173',
    );
    expect(await allowOrigin('/api/patterns', 'http://localhost')).toBe(
      'http://localhost',
    );
    expect(
      await allowOrigin('/api/patterns', 'http://localhost.evil.net:5173'),
    ).toBeUndefined();
    expect(
      await allowOrigin('/api/patterns', 'https://localhost:5173'),
    ).toBeUndefined();
  });

  it('uses anchored RegExps, harmlessly with the g and y flags', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await allowOrigin('/api/patterns', 'https://abc.regex.dev')).toBe(
        'https://abc.regex.dev',
      );
    }
    expect(
      await allowOrigin('/api/patterns', 'https://abc.regex.dev.evil.net'),
    ).toBeUndefined();
  });

  it('calls async origin functions; a throw, a rejection or anything but true denies', async () => {
    expect(
      await allowOrigin('/api/by-function', 'https://api.trusted.dev'),
    ).toBe('https://api.trusted.dev');
    expect(
      await allowOrigin('/api/by-function', 'https://api.untrusted.dev'),
    ).toBeUndefined();
    expect(
      await allowOrigin('/api/by-function', 'https://throws.dev'),
    ).toBeUndefined();
    const refused = await preflight(
      app,
      '/api/by-function',
      'https://throws.dev',
      'GET',
    );
    expect(refused.status).toBe(403);
  });

  it('denies a malformed Origin before calling anything', async () => {
    for (const origin of [
      'https://a.trusted.dev/',
      'HTTPS://A.TRUSTED.DEV',
      'https://a.trusted.dev, https://b.trusted.dev',
      'x'.repeat(2100),
    ]) {
      expect(await allowOrigin('/api/by-function', origin)).toBeUndefined();
    }
    expect(calls.filter((call) => call.startsWith('origin function'))).toEqual(
      [],
    );
  });

  it("allows null only through a literal 'null' entry, and never echoes it otherwise", async () => {
    expect(await allowOrigin('/api/sandboxed', 'null')).toBe('null');
    expect(await allowOrigin('/api/hello', 'null')).toBeUndefined();
    expect(await allowOrigin('/api/reflect', 'null')).toBeUndefined();
    expect(await allowOrigin('/api/by-function', 'null')).toBeUndefined();
    expect(await allowOrigin('/api/public', 'null')).toBe('*');
    expect(calls.filter((call) => call.startsWith('origin function'))).toEqual(
      [],
    );
  });

  it('echoes any well-formed origin for origin: true', async () => {
    expect(await allowOrigin('/api/reflect', 'https://anyone.net')).toBe(
      'https://anyone.net',
    );
  });
});
