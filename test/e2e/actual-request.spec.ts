import type { INestApplication } from '@nestjs/common';
import {
  APP_ORIGIN,
  EVIL_ORIGIN,
  calls,
  createSampleApp,
} from '../fixtures/sample-app.js';
import { corsHeaders } from '../support/answers.js';
import { http } from '../support/requests.js';
import { ADAPTERS } from '../support/test-app.js';

describe.each(ADAPTERS)(
  'allowed and denied actual requests (%s)',
  (adapter) => {
    let app: INestApplication;
    beforeAll(async () => (app = await createSampleApp(adapter)));
    afterAll(() => app.close());
    beforeEach(() => (calls.length = 0));

    it('grants an allowed origin byte for byte, with credentials and exposed headers', async () => {
      const res = await http(app)
        .get('/api/hello/exposed')
        .set('Origin', APP_ORIGIN);
      expect(corsHeaders(res.headers)).toEqual({
        'access-control-allow-origin': APP_ORIGIN,
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'X-Request-Id',
      });
      expect(res.headers.vary).toBe('Origin');
    });

    it('gives a denied origin no CORS header at all, and still runs the handler', async () => {
      const res = await http(app).get('/api/hello').set('Origin', EVIL_ORIGIN);
      expect(res.status).toBe(200);
      expect(corsHeaders(res.headers)).toEqual({});
      expect(res.headers.vary).toBe('Origin');
      expect(calls).toEqual(['hello']);
    });

    it('never blocks a denied non-simple request either', async () => {
      const res = await http(app)
        .put('/api/hello')
        .set('Origin', EVIL_ORIGIN)
        .send({ a: 1 });
      expect(res.status).toBe(200);
      expect(calls).toEqual(['put']);
      expect(corsHeaders(res.headers)).toEqual({});
    });

    it('answers a denied origin in full, never with a 304 that would keep cached CORS headers', async () => {
      const fresh = await http(app).get('/api/hello').set('Origin', APP_ORIGIN);
      const validators = {
        'If-None-Match': fresh.headers.etag ?? '"none"',
        'If-Modified-Since': new Date().toUTCString(),
      };
      const denied = await http(app)
        .get('/api/hello')
        .set('Origin', EVIL_ORIGIN)
        .set(validators);
      expect(denied.status).toBe(200);
      expect(corsHeaders(denied.headers)).toEqual({});
      const allowed = await http(app)
        .get('/api/hello')
        .set('Origin', APP_ORIGIN)
        .set(validators);
      expect(allowed.status).toBe(adapter === 'express' ? 304 : 200);
    });

    it("answers '*' for a '*' policy, with no Vary: Origin", async () => {
      const res = await http(app).get('/api/public').set('Origin', EVIL_ORIGIN);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers.vary).toBeUndefined();
      const noOrigin = await http(app).get('/api/public');
      expect(noOrigin.headers['access-control-allow-origin']).toBe('*');
    });
  },
);
