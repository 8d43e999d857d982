import { describe, expect, it } from '@jest/globals';
import { Controller, Delete, QueryMethod, Search } from '@nestjs/common';
import {
  CorsConfigurationError,
  CorsModule,
  CorsPolicy,
} from '../../src/index.js';
import { corsHeaders } from '../support/answers.js';
import { http, preflight } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';
import { RecordingLogger } from '../support/recording-logger.js';

const APP = 'https://app.example.com';

@Controller('reports')
class ReportsController {
  @QueryMethod()
  query() {
    return 'query';
  }

  @Search()
  search() {
    return 'search';
  }

  @Delete()
  @CorsPolicy({ origin: [APP], methods: ['PUT'] })
  remove() {}
}

/** Origins of browser extensions and app shells, as browsers send them. */
const APP_SHELLS = [
  'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
  'moz-extension://0c2ea38e-8b5a-4f5d-9c8a-2f6e0a4c1b7d',
  'capacitor://localhost',
  'tauri://localhost',
  'ionic://localhost',
];

describe.each(ADAPTERS)('every method Nest routes (%s)', (adapter) => {
  it.each(['QUERY', 'SEARCH'])(
    "allows a %s route's own method under the default methods",
    async (method) => {
      const app = await createTestApp({
        adapter,
        cors: CorsModule.forRoot({ default: { origin: [APP] } }),
        controllers: [ReportsController],
      });
      const res = await preflight(app, '/reports', APP, method);
      expect(res.status).toBe(204);
      expect(corsHeaders(res.headers)).toEqual({
        'access-control-allow-origin': APP,
        'access-control-allow-methods': `GET,HEAD,PUT,PATCH,POST,DELETE,${method}`,
      });
      await app.close();
    },
  );

  it('warns at bootstrap, naming the route, where explicit methods leave out its own', async () => {
    const logger = new RecordingLogger();
    const app = await createTestApp({
      adapter,
      cors: CorsModule.forRoot({ default: { origin: [APP] } }),
      controllers: [ReportsController],
      appOptions: { logger },
    });
    expect(logger.lines).toContain(
      'warn ReportsController#remove › methods: policy "ReportsController#remove (inline)" does not list DELETE, the method of this route, so browsers can never call it cross-origin; add DELETE to its methods [route_method_not_allowed]',
    );
    const res = await preflight(app, '/reports', APP, 'DELETE');
    expect(res.status).toBe(403);
    await app.close();
  });
});

describe.each(ADAPTERS)('origins that are not web sites (%s)', (adapter) => {
  it.each(APP_SHELLS)('allows %s as an exact entry', async (origin) => {
    const app = await createTestApp({
      adapter,
      cors: CorsModule.forRoot({
        default: { origin: [origin], credentials: true },
      }),
      controllers: [ReportsController],
    });
    const res = await http(app).search('/reports').set('Origin', origin);
    expect([res.status, corsHeaders(res.headers)]).toEqual([
      200,
      {
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
      },
    ]);
    const other = await http(app)
      .search('/reports')
      .set('Origin', 'chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba');
    expect(corsHeaders(other.headers)).toEqual({});
    await app.close();
  });

  it.each(['chrome-extension://*', 'capacitor://*.localhost'])(
    'refuses the wildcard %s at bootstrap',
    async (entry) => {
      await expect(
        createTestApp({
          adapter,
          cors: CorsModule.forRoot({ default: { origin: [entry] } }),
        }),
      ).rejects.toBeInstanceOf(CorsConfigurationError);
    },
  );
});
