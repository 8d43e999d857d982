import type { INestApplication } from '@nestjs/common';
import {
  APP_ORIGIN,
  EVIL_ORIGIN,
  calls,
  createSampleApp,
} from '../fixtures/sample-app.js';
import { corsHeaders } from '../support/answers.js';
import { http, preflight } from '../support/requests.js';
import { ADAPTERS } from '../support/test-app.js';

describe.each(ADAPTERS)('preflights (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => (app = await createSampleApp(adapter)));
  afterAll(() => app.close());
  beforeEach(() => (calls.length = 0));

  it('answers an allowed preflight with 204 and every header, listing requested names explicitly', async () => {
    const res = await preflight(
      app,
      '/api/hello',
      APP_ORIGIN,
      'PUT',
      'content-type,authorization',
    );
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers['content-length']).toBeUndefined();
    expect(corsHeaders(res.headers)).toEqual({
      'access-control-allow-origin': APP_ORIGIN,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
      'access-control-allow-headers': 'Content-Type,Authorization,X-Flood',
      'access-control-max-age': '600',
    });
  });

  it('reflects requested headers one by one when the policy allows any', async () => {
    const res = await preflight(
      app,
      '/api/public',
      EVIL_ORIGIN,
      'GET',
      'Authorization, X-Custom',
    );
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-headers']).toBe(
      'authorization,x-custom',
    );
    expect(res.headers.vary).toBe(
      'Access-Control-Request-Method, Access-Control-Request-Headers',
    );
  });

  it('refuses with 403 and no CORS header: origin, method, or header not allowed', async () => {
    const refusals = [
      [await preflight(app, '/api/hello', EVIL_ORIGIN, 'PUT'), 'Origin'],
      [
        await preflight(app, '/api/read-only', APP_ORIGIN, 'PUT'),
        'Origin, Access-Control-Request-Headers',
      ],
      [
        await preflight(app, '/api/hello', APP_ORIGIN, 'PUT', 'x-secret'),
        'Origin',
      ],
    ] as const;
    for (const [res, vary] of refusals) {
      expect(res.status).toBe(403);
      expect(corsHeaders(res.headers)).toEqual({});
      expect(res.headers.vary).toBe(vary);
    }
  });

  it('always allows GET, HEAD and POST; method names are case-sensitive, header names are not', async () => {
    for (const method of ['GET', 'HEAD', 'POST']) {
      expect(
        (await preflight(app, '/api/partners', APP_ORIGIN, method)).status,
      ).toBe(204);
    }
    expect((await preflight(app, '/api/hello', APP_ORIGIN, 'put')).status).toBe(
      403,
    );
    expect(
      (await preflight(app, '/api/hello', APP_ORIGIN, 'PUT', 'CONTENT-TYPE'))
        .status,
    ).toBe(204);
  });

  it('never runs guards, pipes or the handler for a preflight', async () => {
    const guarded = await preflight(
      app,
      '/api/private',
      APP_ORIGIN,
      'POST',
      'content-type,authorization',
    );
    expect(guarded.status).toBe(204);
    const piped = await preflight(
      app,
      '/api/hello/items/not-a-number',
      APP_ORIGIN,
      'GET',
    );
    expect(piped.status).toBe(204);
    const throttled = await http(app)
      .options('/api/hello')
      .set('Origin', APP_ORIGIN)
      .set('Access-Control-Request-Method', 'PUT')
      .set('X-Flood', '1');
    expect(throttled.status).toBe(204);
    expect(calls).toEqual([]);
  });

  it('answers Private Network Access only where the policy opts in', async () => {
    const asked = (path: string) =>
      preflight(app, path, APP_ORIGIN, 'GET').set(
        'Access-Control-Request-Private-Network',
        'true',
      );
    const intranet = await asked('/api/intranet');
    expect(intranet.status).toBe(204);
    expect(intranet.headers['access-control-allow-private-network']).toBe(
      'true',
    );
    expect(intranet.headers.vary).toBe(
      'Origin, Access-Control-Request-Headers, Access-Control-Request-Private-Network',
    );
    const elsewhere = await asked('/api/hello');
    expect(elsewhere.status).toBe(403);
    expect(
      elsewhere.headers['access-control-allow-private-network'],
    ).toBeUndefined();
  });

  it('lets OPTIONS continue into the app where CORS is disabled', async () => {
    const res = await preflight(app, '/api/partners/closed', APP_ORIGIN, 'GET');
    expect(res.status).toBe(404);
    expect(corsHeaders(res.headers)).toEqual({});
  });
});
