import type { INestApplication } from '@nestjs/common';
import { APP_ORIGIN, calls, createSampleApp } from '../fixtures/sample-app.js';
import { corsHeaders } from '../support/answers.js';
import { http } from '../support/requests.js';
import { ADAPTERS } from '../support/test-app.js';

describe.each(ADAPTERS)('which requests are CORS requests (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => (app = await createSampleApp(adapter)));
  afterAll(() => app.close());
  beforeEach(() => (calls.length = 0));

  it('answers OPTIONS with Origin and Access-Control-Request-Method as a preflight, without running the handler', async () => {
    const res = await http(app)
      .options('/api/hello/custom-options')
      .set('Origin', APP_ORIGIN)
      .set('Access-Control-Request-Method', 'GET');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(calls).toEqual([]);
  });

  it('routes OPTIONS without Access-Control-Request-Method to its handler like any request', async () => {
    const res = await http(app)
      .options('/api/hello/custom-options')
      .set('Origin', APP_ORIGIN);
    expect(res.status).toBe(200);
    expect(res.text).toBe('custom');
    expect(calls).toEqual(['custom-options']);
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('treats a request without Origin as same-origin: no CORS headers, but Vary: Origin', async () => {
    const res = await http(app).get('/api/hello');
    expect(res.status).toBe(200);
    expect(corsHeaders(res.headers)).toEqual({});
    expect(res.headers.vary).toBe('Origin');
  });
});
