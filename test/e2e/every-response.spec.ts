import type { INestApplication } from '@nestjs/common';
import { APP_ORIGIN, createSampleApp } from '../fixtures/sample-app.js';
import { corsHeaders } from '../support/answers.js';
import { http } from '../support/requests.js';
import { ADAPTERS } from '../support/test-app.js';

const GRANTED = {
  'access-control-allow-origin': APP_ORIGIN,
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'X-Request-Id',
};

describe.each(ADAPTERS)(
  'every response carries the headers (%s)',
  (adapter) => {
    let app: INestApplication;
    beforeAll(async () => (app = await createSampleApp(adapter)));
    afterAll(() => app.close());
    const server = () => http(app);

    it.each([
      ['a handler result', () => server().get('/api/hello'), 200],
      ['a thrown HttpException', () => server().get('/api/hello/throws'), 418],
      ['an unexpected error', () => server().get('/api/hello/crash'), 500],
      ['a guard rejection', () => server().get('/api/private'), 401],
      [
        'a throttler-style 429 from an APP_GUARD',
        () => server().get('/api/hello').set('X-Flood', '1'),
        429,
      ],
      ['a pipe failure', () => server().get('/api/hello/items/abc'), 400],
      ['an unknown route', () => server().get('/api/missing/route'), 404],
      [
        'an unknown route outside the prefix',
        () => server().get('/missing'),
        404,
      ],
      [
        'malformed JSON',
        () =>
          server()
            .put('/api/hello')
            .set('Content-Type', 'application/json')
            .send('{"a":'),
        400,
      ],
      [
        'a body over the limit',
        () =>
          server()
            .put('/api/hello')
            .set('Content-Type', 'application/json')
            .send({ big: 'x'.repeat(4096) }),
        413,
      ],
      ['a StreamableFile', () => server().get('/api/hello/file'), 200],
      ['an @Sse() stream', () => server().get('/api/hello/events'), 200],
    ])('%s', async (_, send, status) => {
      const res = await send().set('Origin', APP_ORIGIN);
      expect(res.status).toBe(status);
      expect(corsHeaders(res.headers)).toEqual(GRANTED);
      expect(res.headers.vary).toBe('Origin');
    });

    it('sends a single Access-Control-Allow-Origin line even when a handler sets one too', async () => {
      const res = await server()
        .get('/api/hello/exposed')
        .set('Origin', APP_ORIGIN);
      const { rawHeaders } = (
        res as unknown as { res: { rawHeaders: string[] } }
      ).res;
      const lines = rawHeaders.filter(
        (_, i, raw) =>
          i % 2 === 0 &&
          raw[i]?.toLowerCase() === 'access-control-allow-origin',
      );
      expect(lines).toHaveLength(1);
    });
  },
);
