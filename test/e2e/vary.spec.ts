import type { INestApplication } from '@nestjs/common';
import {
  APP_ORIGIN,
  EVIL_ORIGIN,
  createSampleApp,
} from '../fixtures/sample-app.js';
import { http } from '../support/requests.js';
import { ADAPTERS } from '../support/test-app.js';

describe.each(ADAPTERS)('Vary (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => (app = await createSampleApp(adapter)));
  afterAll(() => app.close());

  it('carries Vary: Origin whether the origin is allowed, denied or absent', async () => {
    for (const origin of [APP_ORIGIN, EVIL_ORIGIN, undefined]) {
      const req = http(app).get('/api/hello');
      const res = await (origin ? req.set('Origin', origin) : req);
      expect(res.headers.vary).toBe('Origin');
    }
  });

  it('keeps values a handler sets later with @Header(), each once', async () => {
    const res = await http(app)
      .put('/api/hello')
      .set('Origin', APP_ORIGIN)
      .send({});
    expect(res.headers.vary).toBe('Accept-Encoding, Origin');
  });

  it('never loses Vary: *', async () => {
    const res = await http(app)
      .get('/api/hello/vary-star')
      .set('Origin', APP_ORIGIN);
    expect(res.headers.vary).toBe('*');
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
  });

  it("never copies the request's own Vary header", async () => {
    const res = await http(app)
      .get('/api/hello')
      .set('Origin', APP_ORIGIN)
      .set('Vary', 'Cookie');
    expect(res.headers.vary).toBe('Origin');
  });

  it('varies preflights on the request headers and method where it reflects them', async () => {
    const res = await http(app)
      .options('/api/public')
      .set('Origin', APP_ORIGIN)
      .set('Access-Control-Request-Method', 'PATCH');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-methods']).toBe('PATCH');
    expect(res.headers.vary).toBe(
      'Access-Control-Request-Method, Access-Control-Request-Headers',
    );
  });
});
