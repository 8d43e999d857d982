import { describe, expect, it, jest } from '@jest/globals';
import fastifyCors from '@fastify/cors';
import {
  Controller,
  Get,
  type INestApplication,
  Injectable,
  Logger,
  Module,
} from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import cors from 'cors';
import express from 'express';
import { fastify } from 'fastify';
import {
  CorsConfigurationError,
  CorsModule,
  CorsPolicy,
} from '../../src/index.js';
import { corsHeaders } from '../support/answers.js';
import { http, preflight } from '../support/requests.js';
import {
  ADAPTERS,
  createTestApp,
  type TestAppOptions,
} from '../support/test-app.js';
import { mentioning } from '../support/mentioning.js';
import { RecordingLogger } from '../support/recording-logger.js';

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
  parts: TestAppOptions,
): Promise<CorsConfigurationError> {
  const error: unknown = await createTestApp(parts).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CorsConfigurationError);
  return error as CorsConfigurationError;
}

describe.each(ADAPTERS)(
  'configuration errors fail bootstrap (%s)',
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
      // One error for every problem: where it is, the option, the entry at fault and, where
      // there is one, the fix. The wording of each message is the core's (compile-policy.spec).
      const fix = 'did you mean "https://app.example.com"?';
      expect(error.issues).toEqual(
        [
          ['policy "wide"', 'origin', "'*' with credentials"],
          ['policy "reflect"', 'origin', 'true with credentials'],
          ['policy "sloppy"', 'origin', '"https://app.example.com/"', fix],
          ['policy "sloppy"', 'origin', '"https://app.example.com/path"', fix],
          ['policy "sloppy"', 'origin', '"https://app.example.com:443"', fix],
          ['policy "sloppy"', 'origin', '"https://APP.example.com"', fix],
          ['policy "sloppy"', 'origin', '"app.example.com"', fix],
          ['policy "sloppy"', 'origin', '"https://user@app.example.com"', fix],
          ['policy "sloppy"', 'origin', '" https://app.example.com"', fix],
          ['policy "sloppy"', 'origin', '"h*"'],
          ['policy "sloppy"', 'origin', '"https://*"'],
          [
            'policy "sloppy"',
            'origin',
            '"*.example.com"',
            'did you mean "https://*.example.com"?',
          ],
          ['policy "sloppy"', 'origin', '"https://a.*.example.com"'],
          ['policy "sloppy"', 'origin', '"https://*.com"', "'com'"],
          ['policy "sloppy"', 'origin', '"https://*.github.io"', "'github.io'"],
          ['policy "sloppy"', 'origin', '/example\\.com/', '/^example\\.com$/'],
          ['policy "sandbox"', 'origin', "'null' with credentials"],
          ['policy "tokens"', 'methods', '"BAD METHOD"'],
          ['policy "tokens"', 'methods', '"GET\\r\\nX: y"'],
          ['policy "tokens"', 'methods', 'TRACE'],
          ['policy "tokens"', 'allowedHeaders', '"bad header"'],
          ['policy "tokens"', 'exposedHeaders', "'*'"],
          ['policy "tokens"', 'maxAge', '90000'],
          ['policy "fraction"', 'maxAge', '1.5'],
          ['OrdersController#list', 'policy', '"unknown-policy"'],
          ['OrdersController#defaulted', '@CorsPolicy()', 'no default policy'],
        ].map(([subject, field, ...mentions]) => ({
          severity: 'error',
          code: expect.any(String),
          subject,
          field,
          message: mentioning(...mentions),
        })),
      );
      expect(error.issues.map((issue) => issue.code)).toEqual([
        'unsafe_with_credentials',
        'unsafe_with_credentials',
        ...Array<string>(14).fill('invalid_origin'),
        'unsafe_with_credentials',
        'invalid_name',
        'invalid_name',
        'forbidden_method',
        'invalid_name',
        'unsafe_with_credentials',
        'invalid_value',
        'invalid_value',
        'unknown_policy',
        'unknown_policy',
      ]);
      expect(error.message).toMatch(/^Invalid CORS configuration/);
    });

    it('warns, without failing, about entries that are only meaningless', async () => {
      const warn = jest
        .spyOn(Logger.prototype, 'warn')
        .mockImplementation(() => undefined);
      const app = await createTestApp({
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
      // One warning per meaningless entry, naming where it is; none for Content-Type.
      const warnings = warn.mock.calls.map(([message]) => String(message));
      expect(warnings).toEqual([
        expect.stringMatching(/^default policy › allowedHeaders: Cookie /),
        expect.stringMatching(
          /^default policy › allowedHeaders: Sec-Fetch-Mode /,
        ),
        expect.stringMatching(/^default policy › allowedHeaders: Origin /),
        expect.stringMatching(/^default policy › exposedHeaders: Set-Cookie /),
      ]);
      warn.mockRestore();
      await app.close();
    });

    it('validates the provider cache bounds', async () => {
      const error = await bootstrapError({
        adapter,
        cors: CorsModule.forRoot({ providerCache: { ttl: -1, max: 0 } }),
      });
      expect(error.issues).toEqual([
        {
          severity: 'error',
          code: 'invalid_value',
          subject: 'CorsModule',
          field: 'providerCache.ttl',
          message: expect.stringMatching(/^-1 is not a positive whole number/),
        },
        {
          severity: 'error',
          code: 'invalid_value',
          subject: 'CorsModule',
          field: 'providerCache.max',
          message: expect.stringMatching(/^0 is not a positive whole number/),
        },
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
      expect(error.issues).toEqual([
        {
          severity: 'error',
          code: 'invalid_origin',
          subject: 'default policy',
          field: 'origin',
          message: expect.stringContaining('"https://app.example.com/"'),
        },
      ]);
    });
  },
);

const APP_ORIGIN = 'https://app.example.com';

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return 'things';
  }
}

/** The CORS a project kept from before CorsModule, as each adapter's users set it up. */
const LEFTOVER: Record<
  (typeof ADAPTERS)[number],
  { setUp: (app: INestApplication) => void; named: string }
> = {
  express: {
    setUp: (app) => app.use(cors()),
    named: 'app.use(cors())',
  },
  fastify: {
    setUp: (app) => void (app as NestFastifyApplication).register(fastifyCors),
    named: '@fastify/cors',
  },
};

describe.each(ADAPTERS)(
  'CORS set up besides the module is named at start-up (%s)',
  (adapter) => {
    const leftover = LEFTOVER[adapter];

    it("issue 22 case 9: names the adapter's CORS package left in place, and the module's headers stay right", async () => {
      const logger = new RecordingLogger();
      const app = await createTestApp({
        adapter,
        cors: CorsModule.forRoot({
          default: { origin: [APP_ORIGIN], methods: ['GET', 'POST'] },
        }),
        controllers: [ThingsController],
        appOptions: { logger },
        configure: leftover.setUp,
      });
      expect(logger.lines.filter((line) => line.startsWith('warn '))).toEqual([
        mentioning('warn ', leftover.named, 'is active as well', 'Remove'),
      ]);
      // The module still decides: the package's `*` and its default methods appear nowhere.
      const answers = await Promise.all([
        http(app).get('/things').set('Origin', APP_ORIGIN),
        http(app).get('/things').set('Origin', 'https://evil.example.net'),
        preflight(app, '/things', APP_ORIGIN, 'POST'),
        preflight(app, '/things', 'https://evil.example.net', 'GET'),
      ]);
      expect(
        answers.map((res) => [res.status, corsHeaders(res.headers)]),
      ).toEqual([
        [200, { 'access-control-allow-origin': APP_ORIGIN }],
        [200, {}],
        [
          204,
          {
            'access-control-allow-origin': APP_ORIGIN,
            'access-control-allow-methods': 'GET,POST',
          },
        ],
        [403, {}],
      ]);
      await app.close();
    });
  },
);

describe('CORS set up besides the module is named at start-up (express only)', () => {
  const warningsOf = async (setUp: (app: INestApplication) => void) => {
    const logger = new RecordingLogger();
    const app = await createTestApp({
      adapter: 'express',
      cors: CorsModule.forRoot({ default: { origin: [APP_ORIGIN] } }),
      controllers: [ThingsController],
      appOptions: { logger },
      configure: setUp,
    });
    await app.close();
    return logger.lines.filter((line) => line.startsWith('warn '));
  };

  it('names the cors middleware of a router mounted on a path', async () => {
    const router = express.Router();
    router.use(cors());
    expect(await warningsOf((app) => app.use('/api', router))).toEqual([
      mentioning('warn ', 'app.use(cors())', 'is active as well', 'Remove it'),
    ]);
  });

  it('names app.enableCors() and app.use(cors()) in one message, and enableCors() alone as such', async () => {
    expect(
      await warningsOf((app) => {
        app.enableCors();
        app.use(cors({ origin: APP_ORIGIN }));
      }),
    ).toEqual([
      mentioning(
        'warn ',
        'app.enableCors() and app.use(cors())',
        'are active as well',
        'Remove them',
      ),
    ]);
    expect(await warningsOf((app) => app.enableCors())).toEqual([
      mentioning('warn ', 'app.enableCors() is active as well', 'Remove it'),
    ]);
  });
});

describe('CORS set up besides the module is named at start-up (fastify only)', () => {
  it('names @fastify/cors registered on the Fastify instance handed to the adapter', async () => {
    const logger = new RecordingLogger();
    const instance = fastify();
    void instance.register(fastifyCors, { origin: '*' });
    const app = await createTestApp({
      adapter: 'fastify',
      cors: CorsModule.forRoot({ default: { origin: [APP_ORIGIN] } }),
      controllers: [ThingsController],
      fastify: instance,
      appOptions: { logger },
    });
    expect(logger.lines.filter((line) => line.startsWith('warn '))).toEqual([
      mentioning('warn ', '@fastify/cors', 'Fastify instance', 'register()'),
    ]);
    const res = await http(app)
      .get('/things')
      .set('Origin', 'https://evil.example.net');
    expect(corsHeaders(res.headers)).toEqual({});
    await app.close();
  });

  it('names @fastify/cors registered after app.init(), once Fastify has loaded it', async () => {
    const logger = new RecordingLogger();
    const app = await createTestApp<NestFastifyApplication>({
      adapter: 'fastify',
      cors: CorsModule.forRoot({ default: { origin: [APP_ORIGIN] } }),
      controllers: [ThingsController],
      appOptions: { logger },
      // Started here: the spec registers @fastify/cors between init() and ready().
      init: false,
    });
    await app.init();
    void app.register(fastifyCors);
    expect(logger.lines.filter((line) => line.startsWith('warn '))).toEqual([]);
    await app.getHttpAdapter().getInstance().ready();
    expect(logger.lines.filter((line) => line.startsWith('warn '))).toEqual([
      mentioning('warn ', '@fastify/cors', 'Fastify instance', 'register()'),
    ]);
    await app.close();
  });

  it('names app.enableCors() once when Nest registers @fastify/cors for it', async () => {
    const logger = new RecordingLogger();
    const app = await createTestApp({
      adapter: 'fastify',
      cors: CorsModule.forRoot({ default: { origin: [APP_ORIGIN] } }),
      controllers: [ThingsController],
      appOptions: { logger },
      configure: (app) =>
        (app as NestFastifyApplication).enableCors({ hook: 'preHandler' }),
    });
    await app.close();
    expect(logger.lines.filter((line) => line.startsWith('warn '))).toEqual([
      mentioning('warn ', 'app.enableCors() is active as well'),
    ]);
  });
});

describe.each(ADAPTERS)(
  'issue 22: origins any website can send fail bootstrap (%s)',
  (adapter) => {
    it('case 4: a credentialed RegExp that lets in any host', async () => {
      const error = await bootstrapError({
        adapter,
        cors: CorsModule.forRoot({
          default: { origin: [/^https:\/\/.*$/], credentials: true },
        }),
      });
      expect(error.issues).toEqual([
        {
          severity: 'error',
          code: 'unsafe_with_credentials',
          subject: 'default policy',
          field: 'origin',
          message: mentioning(
            '/^https:\\/\\/.*$/ lets in https://zqxjvkwpyb.zz',
            "with credentials would let every website read your users' data",
          ),
        },
      ]);
      expect(error.message).toMatch(/\[unsafe_with_credentials\]$/);
    });

    it("case 11: a 'null' entry without allowNullOrigin", async () => {
      const error = await bootstrapError({
        adapter,
        cors: CorsModule.forRoot({ default: { origin: ['null'] } }),
      });
      expect(error.issues).toEqual([
        {
          severity: 'error',
          code: 'null_origin',
          subject: 'default policy',
          field: 'origin',
          message: mentioning("'null'", 'set allowNullOrigin: true'),
        },
      ]);
      expect(error.message).toMatch(/\[null_origin\]$/);
    });
  },
);
