import { Controller, Get } from '@nestjs/common';
import { CorsModule, CorsPolicy } from '../../src/index.js';
import { http, preflight } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';
import { mentioning } from '../support/mentioning.js';
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

describe.each(ADAPTERS)('diagnostics (%s)', (adapter) => {
  it('logs every denial at debug level with the route, policy, escaped origin and reason', async () => {
    const logger = new RecordingLogger();
    const app = await createTestApp({
      adapter,
      cors: CorsModule.forRoot(options),
      controllers: [OrdersController],
      appOptions: { logger },
    });
    logger.lines.length = 0;
    await http(app).get('/orders').set('Origin', 'https://evil.example.net');
    await preflight(app, '/orders', 'https://partner.example.org', 'DELETE');
    await preflight(
      app,
      '/orders',
      'https://partner.example.org',
      'GET',
      'x-other',
    );
    await http(app).get('/orders').set('Origin', 'https://a.example.com\tx');
    // One debug line per denial; the origin is escaped as headers are, so no log line carries a
    // raw tab.
    expect(logger.lines).toEqual([
      mentioning(
        'debug ',
        'request denied',
        'OrdersController#list',
        '"partners"',
        '"https://evil.example.net"',
        'origin not allowed',
      ),
      mentioning(
        'debug ',
        'preflight denied',
        '(no route)',
        '"default"',
        '"https://partner.example.org"',
        'origin not allowed',
      ),
      mentioning(
        'debug ',
        'preflight denied',
        'OrdersController#list',
        '"partners"',
        '"https://partner.example.org"',
        '"x-other" not allowed',
      ),
      mentioning(
        'debug ',
        'request denied',
        'OrdersController#list',
        '"partners"',
        '"https://a.example.com\\u0009x"',
        'malformed Origin',
      ),
    ]);
    await app.close();
  });

  it('lists route → policy at start-up, and warns when app.enableCors() is active too', async () => {
    const logger = new RecordingLogger();
    const app = await createTestApp({
      adapter,
      cors: CorsModule.forRoot(options),
      controllers: [OrdersController],
      appOptions: { logger },
      configure: (app) => app.enableCors(),
    });
    expect(logger.lines).toEqual([
      mentioning('verbose ', 'default policy', 'default'),
      mentioning('verbose ', 'OrdersController#list', 'partners'),
      mentioning('verbose ', 'OrdersController#internal', 'no CORS'),
      mentioning('warn ', 'app.enableCors()'),
    ]);
    await app.close();
  });
});
