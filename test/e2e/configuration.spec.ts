import { jest } from '@jest/globals';
import { Controller, Get, Injectable, Logger, Module } from '@nestjs/common';
import {
  CorsConfigurationError,
  CorsModule,
  CorsPolicy,
} from '../../src/index.js';
import { createApp } from '../support/create-app.js';
import { ADAPTERS } from '../support/adapters.js';

@Controller('orders')
@CorsPolicy('unknown-policy')
class OrdersController {
  @Get()
  list() {}

  @Get('defaulted')
  @CorsPolicy()
  defaulted() {}
}

async function bootstrapError(
  parts: Parameters<typeof createApp>[0],
): Promise<CorsConfigurationError> {
  const error: unknown = await createApp(parts).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CorsConfigurationError);
  return error as CorsConfigurationError;
}

describe.each(ADAPTERS)(
  '10. configuration errors fail bootstrap (%s)',
  (adapter) => {
    it('lists every problem in one error, naming the policy or route, the field and the fix', async () => {
      const error = await bootstrapError({
        adapter,
        cors: CorsModule.forRoot({
          policies: {
            wide: { origin: '*', credentials: true },
            reflect: { origin: true, credentials: true },
            sloppy: {
              origin: [
                'https://app.example.com/',
                'https://app.example.com/path',
                'https://app.example.com:443',
                'https://APP.example.com',
                'app.example.com',
                'https://user@app.example.com',
                ' https://app.example.com',
                'h*',
                'https://*',
                '*.example.com',
                'https://a.*.example.com',
                'https://*.com',
                'https://*.github.io',
                /example\.com/,
              ],
            },
            sandbox: { origin: ['null'], credentials: true },
            tokens: {
              origin: ['https://a.example.com'],
              methods: ['GET', 'BAD METHOD', 'TRACE', 'GET\r\nX: y'],
              allowedHeaders: ['X-Ok', 'bad header'],
              exposedHeaders: '*',
              credentials: true,
              maxAge: 90000,
            },
            fraction: { origin: ['https://a.example.com'], maxAge: 1.5 },
          },
        }),
        controllers: [OrdersController],
      });
      const lines = error.message.split('\n').slice(1);
      expect(error.message).toMatch(
        /^Invalid CORS configuration \(26 errors\):/,
      );
      expect(lines).toEqual([
        expect.stringContaining(
          `policy "wide" › origin: '*' with credentials would let every website read your users' data`,
        ),
        expect.stringContaining(
          `policy "reflect" › origin: true with credentials`,
        ),
        expect.stringContaining(
          'policy "sloppy" › origin: "https://app.example.com/" is not an origin as browsers send it (scheme://host[:port], lower case, no path, no default port); did you mean "https://app.example.com"?',
        ),
        expect.stringContaining(
          '"https://app.example.com/path" is not an origin as browsers send it (scheme://host[:port], lower case, no path, no default port); did you mean "https://app.example.com"?',
        ),
        expect.stringContaining(
          '"https://app.example.com:443" is not an origin as browsers send it (scheme://host[:port], lower case, no path, no default port); did you mean "https://app.example.com"?',
        ),
        expect.stringContaining(
          '"https://APP.example.com" is not an origin as browsers send it (scheme://host[:port], lower case, no path, no default port); did you mean "https://app.example.com"?',
        ),
        expect.stringContaining(
          '"app.example.com" is not an origin as browsers send it (scheme://host[:port], lower case, no path, no default port); did you mean "https://app.example.com"?',
        ),
        expect.stringContaining(
          '"https://user@app.example.com" is not an origin as browsers send it (scheme://host[:port], lower case, no path, no default port); did you mean "https://app.example.com"?',
        ),
        expect.stringContaining(
          '" https://app.example.com" contains whitespace or control characters; did you mean "https://app.example.com"?',
        ),
        expect.stringContaining(`"h*" is not a valid pattern`),
        expect.stringContaining(`"https://*" is not a valid pattern`),
        expect.stringContaining(
          `"*.example.com" has no scheme; did you mean "https://*.example.com"?`,
        ),
        expect.stringContaining(
          `"https://a.*.example.com" is not a valid pattern`,
        ),
        expect.stringContaining(
          `"https://*.com" covers every site under the public suffix 'com'`,
        ),
        expect.stringContaining(
          `"https://*.github.io" covers every site under the public suffix 'github.io'`,
        ),
        expect.stringContaining('/example\\.com/ is not anchored'),
        expect.stringContaining(
          `policy "sandbox" › origin: 'null' with credentials`,
        ),
        expect.stringContaining(
          'policy "tokens" › methods: "BAD METHOD" is not a valid name',
        ),
        expect.stringContaining(
          'policy "tokens" › methods: "GET\\r\\nX: y" is not a valid name',
        ),
        expect.stringContaining(
          'policy "tokens" › methods: TRACE is forbidden by browsers',
        ),
        expect.stringContaining(
          'policy "tokens" › allowedHeaders: "bad header" is not a valid name',
        ),
        expect.stringContaining(
          `policy "tokens" › exposedHeaders: '*' is taken literally by browsers when credentials are on`,
        ),
        expect.stringContaining(
          'policy "tokens" › maxAge: 90000 is not a whole number of seconds from 0 to 86400',
        ),
        expect.stringContaining(
          'policy "fraction" › maxAge: 1.5 is not a whole number of seconds',
        ),
        expect.stringContaining(
          'OrdersController#list › policy: no policy is named "unknown-policy"',
        ),
        expect.stringContaining(
          'OrdersController#defaulted › @CorsPolicy(): the module has no default policy',
        ),
      ]);
    });

    it('warns, without failing, about entries that are only meaningless', async () => {
      const warn = jest
        .spyOn(Logger.prototype, 'warn')
        .mockImplementation(() => undefined);
      const app = await createApp({
        adapter,
        cors: CorsModule.forRoot({
          default: {
            origin: ['https://a.example.com'],
            allowedHeaders: [
              'Content-Type',
              'Cookie',
              'Sec-Fetch-Mode',
              'Origin',
            ],
            exposedHeaders: ['Set-Cookie'],
          },
        }),
      });
      expect(warn.mock.calls.map(([message]) => message)).toEqual([
        'default policy › allowedHeaders: Cookie is set by the browser itself and never requested by a page; this entry has no effect',
        'default policy › allowedHeaders: Sec-Fetch-Mode is set by the browser itself and never requested by a page; this entry has no effect',
        'default policy › allowedHeaders: Origin is set by the browser itself and never requested by a page; this entry has no effect',
        'default policy › exposedHeaders: Set-Cookie is never readable by a page, whatever the server says; this entry has no effect',
      ]);
      warn.mockRestore();
      await app.close();
    });

    it('validates the provider cache bounds', async () => {
      const error = await bootstrapError({
        adapter,
        cors: CorsModule.forRoot({ providerCache: { ttl: -1, max: 0 } }),
      });
      expect(error.message.split('\n').slice(1)).toEqual([
        '  - CorsModule › providerCache.ttl: -1 is not a positive whole number of milliseconds',
        '  - CorsModule › providerCache.max: 0 is not a positive whole number of entries',
      ]);
    });

    it('validates options given through forRootAsync', async () => {
      @Injectable()
      class Settings {
        origins = ['https://app.example.com/'];
      }
      @Module({ providers: [Settings], exports: [Settings] })
      class SettingsModule {}
      const error = await bootstrapError({
        adapter,
        cors: CorsModule.forRootAsync({
          imports: [SettingsModule],
          useFactory: (settings: Settings) => ({
            default: { origin: settings.origins },
          }),
          inject: [Settings],
        }),
      });
      expect(error.message).toContain(
        'default policy › origin: "https://app.example.com/"',
      );
    });
  },
);
