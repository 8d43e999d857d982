import { Controller, Get } from '@nestjs/common';
import request from 'supertest';
import { CorsModule, CorsPolicy } from '../../src/index.js';
import { createApp } from '../support/create-app.js';
import { preflight } from '../support/cors-requests.js';
import { ADAPTERS } from '../support/adapters.js';
import { RecordingLogger } from '../support/recording-logger.js';

@Controller('orders')
@CorsPolicy('partners')
class OrdersController {
  @Get()
  list() {}

  @Get('internal')
  @CorsPolicy(false)
  internal() {}
}

const options = {
  default: { origin: ['https://app.example.com'] },
  policies: {
    partners: {
      origin: ['https://partner.example.org'],
      allowedHeaders: ['x-api-key'],
    },
  },
};

describe.each(ADAPTERS)('11. diagnostics (%s)', (adapter) => {
  it('logs every denial at debug level with the route, policy, escaped origin and reason', async () => {
    const logger = new RecordingLogger();
    const app = await createApp({
      adapter,
      cors: CorsModule.forRoot(options),
      controllers: [OrdersController],
      logger,
    });
    logger.lines.length = 0;
    await request(app.getHttpServer())
      .get('/orders')
      .set('Origin', 'https://evil.example.net');
    await preflight(app, '/orders', 'https://partner.example.org', 'DELETE');
    await preflight(
      app,
      '/orders',
      'https://partner.example.org',
      'GET',
      'x-other',
    );
    await request(app.getHttpServer())
      .get('/orders')
      .set('Origin', 'https://a.example.com\tx');
    expect(logger.lines).toEqual([
      'debug CORS request denied on OrdersController#list by policy "partners": origin "https://evil.example.net", origin not allowed (origin_not_allowed)',
      'debug CORS preflight denied on (no route) by policy "default": origin "https://partner.example.org", origin not allowed (origin_not_allowed)',
      'debug CORS preflight denied on OrdersController#list by policy "partners": origin "https://partner.example.org", header "x-other" not allowed (header_not_allowed)',
      'debug CORS request denied on OrdersController#list by policy "partners": origin "https://a.example.com\\tx", malformed Origin header (malformed_origin)',
    ]);
    await app.close();
  });

  it('lists route → policy at start-up, and warns when app.enableCors() is active too', async () => {
    const logger = new RecordingLogger();
    const app = await createApp(
      {
        adapter,
        cors: CorsModule.forRoot(options),
        controllers: [OrdersController],
        logger,
      },
      (app) => app.enableCors(),
    );
    expect(logger.lines).toEqual([
      'verbose default policy: default',
      'verbose OrdersController#list → partners',
      'verbose OrdersController#internal → no CORS',
      expect.stringMatching(/^warn app\.enableCors\(\) is active as well/),
    ]);
    await app.close();
  });
});
