import {
  Controller,
  Get,
  Headers,
  Injectable,
  type INestApplication,
  Res,
  type Type,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Response } from 'express';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CorsConfigurationError,
  CorsModule,
  type CorsModuleOptions,
  CorsPolicy,
  type CorsPolicyOptions,
  type CorsPolicyProvider,
} from '../../src/index.js';
import { allows, expectAnswer } from '../support/answers.js';
import { http, preflight } from '../support/requests.js';
import {
  type AdapterName,
  ADAPTERS,
  createTestApp,
} from '../support/test-app.js';

const TENANT = 'https://tenant.example.com';
const EVIL = 'https://evil.example.net';
/** The CORS headers of an actual response allowed for TENANT. */
const ALLOWED = allows(TENANT);

/** An app whose `/tenant` route takes its policy from `provider`. */
async function providerApp(
  adapter: AdapterName,
  provider: Type<CorsPolicyProvider>,
  options: CorsModuleOptions = {},
): Promise<INestApplication> {
  @Controller('tenant')
  @CorsPolicy(provider)
  class TenantController {
    @Get()
    get() {
      return 'served';
    }
  }
  return createTestApp({
    adapter,
    cors: CorsModule.forRoot(options),
    controllers: [TenantController],
    providers: [provider],
  });
}

const get = (app: INestApplication, path: string, headers = {}) =>
  http(app).get(path).set(headers);

describe.each(ADAPTERS)('provider hardening (%s)', (adapter) => {
  it('serves a request without CORS headers, and refuses its preflight, when getPolicy() never settles', async () => {
    @Injectable()
    class StuckPolicy implements CorsPolicyProvider {
      getPolicy() {
        return new Promise<never>(() => {});
      }
    }
    const app = await providerApp(adapter, StuckPolicy, {
      providerTimeout: 50,
    });
    const res = await get(app, '/tenant', { Origin: TENANT });
    expectAnswer(res, 200, {}, 'served');
    expectAnswer(await preflight(app, '/tenant', TENANT, 'GET'), 403, {});
    await app.close();
  });

  it.each([0, -1, 1.5, 'x'])(
    'fails bootstrap naming providerTimeout when it is %p',
    async (providerTimeout) => {
      const error: unknown = await createTestApp({
        adapter,
        cors: CorsModule.forRoot({
          providerTimeout: providerTimeout as number,
        }),
      }).then(
        (app) => app.close(),
        (error: unknown) => error,
      );
      expect(error).toBeInstanceOf(CorsConfigurationError);
      expect((error as Error).message).toContain(
        'CorsModule › providerTimeout: ',
      );
    },
  );

  it('does not ask the provider for a request without Origin', async () => {
    @Injectable()
    class CountingPolicy implements CorsPolicyProvider {
      calls = 0;
      getPolicy() {
        this.calls++;
        return { origin: [TENANT] };
      }
    }
    const app = await providerApp(adapter, CountingPolicy);
    const provider = app.get(CountingPolicy);
    expectAnswer(await get(app, '/tenant'), 200, {}, 'served');
    expect(provider.calls).toBe(0);
    const withOrigin = await get(app, '/tenant', { Origin: TENANT });
    expectAnswer(withOrigin, 200, ALLOWED, 'served');
    expect(provider.calls).toBe(1);
    await app.close();
  });

  it('makes a change in place to a returned policy throw where it is made', async () => {
    @Injectable()
    class SamePolicy implements CorsPolicyProvider {
      readonly policy: CorsPolicyOptions = { origin: [TENANT] };
      getPolicy() {
        return this.policy;
      }
    }
    const app = await providerApp(adapter, SamePolicy);
    const { policy } = app.get(SamePolicy);
    await get(app, '/tenant', { Origin: TENANT });
    expect(() => (policy.origin as string[]).push(EVIL)).toThrow(TypeError);
    expect(() => {
      policy.credentials = true;
    }).toThrow(TypeError);
    expectAnswer(await get(app, '/tenant', { Origin: EVIL }), 200, {});
    expectAnswer(await get(app, '/tenant', { Origin: TENANT }), 200, ALLOWED);
    await app.close();
  });
});

const DOCUMENT = 'hello world';
const ETAG = '"doc-v1"';

/**
 * Serves DOCUMENT with ETAG and honours `Range` when `If-Range` still matches, as a handler
 * serving files would. Fastify has no built-in range support, so it is written out here.
 */
@Controller('doc')
class RangeController {
  constructor(private readonly host: HttpAdapterHost) {}

  @Get()
  doc(
    @Headers('range') range: string | undefined,
    @Headers('if-range') ifRange: string | undefined,
    @Res({ passthrough: true }) res: unknown,
  ) {
    const adapter = this.host.httpAdapter;
    adapter.setHeader(res, 'ETag', ETAG);
    const bytes = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
    if (!bytes || (ifRange !== undefined && ifRange !== ETAG)) return DOCUMENT;
    const [start, end] = [Number(bytes[1]), Number(bytes[2])];
    adapter.status(res, 206);
    adapter.setHeader(
      res,
      'Content-Range',
      `bytes ${start}-${end}/${DOCUMENT.length}`,
    );
    return DOCUMENT.slice(start, end + 1);
  }
}

/** Express's own range support: `res.sendFile()`. */
function sendFileController(file: string): Type {
  @Controller('file')
  class FileController {
    @Get()
    file(@Res() res: Response) {
      res.sendFile(file);
    }
  }
  return FileController;
}

describe.each(ADAPTERS)(
  'a range request from a denied origin (%s)',
  (adapter) => {
    const dir = mkdtempSync(join(tmpdir(), 'cors-range-'));
    const file = join(dir, 'doc.txt');
    writeFileSync(file, DOCUMENT);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    let app: INestApplication;
    beforeAll(async () => {
      app = await createTestApp({
        adapter,
        cors: CorsModule.forRoot({ default: { origin: [TENANT] } }),
        controllers:
          adapter === 'express'
            ? [RangeController, sendFileController(file)]
            : [RangeController],
      });
    });
    afterAll(() => app.close());

    /** A denied origin gets the whole document; the allowed one, the range it asked for. */
    async function expectFullForDenied(path: string, etag: string) {
      const ranged = { Range: 'bytes=0-1', 'If-Range': etag };
      const allowed = await get(app, path, { Origin: TENANT, ...ranged });
      expectAnswer(allowed, 206, ALLOWED, 'he');
      const denied = await get(app, path, { Origin: EVIL, ...ranged });
      expectAnswer(denied, 200, {}, DOCUMENT);
      expect(denied.headers['content-range']).toBeUndefined();
    }

    it('answers in full from a handler that serves ranges', () =>
      expectFullForDenied('/doc', ETAG));

    if (adapter === 'express') {
      it("answers in full from Express's res.sendFile()", async () => {
        const etag = (await get(app, '/file')).headers.etag as string;
        expect(etag).toEqual(expect.any(String));
        await expectFullForDenied('/file', etag);
      });
    }
  },
);
