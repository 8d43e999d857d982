import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  Body,
  type CanActivate,
  Controller,
  Delete,
  type DynamicModule,
  type ExecutionContext,
  Get,
  Header,
  Headers,
  Inject,
  Injectable,
  Module,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  CorsModule,
  type CorsModuleOptions,
  CorsPolicy,
  type CorsPolicyOptions,
  type CorsPolicyProvider,
  CorsService,
} from 'nestjs-cors-policy';
import { CorsMetrics } from './cors-metrics.js';
import { EchoGateway } from './echo.gateway.js';

/** Where the playground page is served: the API's policies are derived from it. */
export interface DemoConfig {
  /** `http://localhost:<web port>`: the playground's own origin. */
  pageOrigin: string;
  webPort: number;
}

export const DEMO_CONFIG = Symbol('DEMO_CONFIG');

/** Counts the CORS preflights that reach the API, to show the browser's preflight cache at work. */
@Injectable()
export class PreflightCounter {
  total = 0;
  byPath: Record<string, number> = {};

  record(path: string): void {
    this.total++;
    this.byPath[path] = (this.byPath[path] ?? 0) + 1;
  }
}

/**
 * A policy computed per request by an injectable provider, e.g. a tenant's origins read from a
 * database. Here the origins live in memory and `PUT /api/demo/tenant-origins` changes them.
 */
@Injectable()
export class TenantCorsPolicy implements CorsPolicyProvider {
  // The same object is returned until the origins change, so the module compiles it only once.
  private policy: CorsPolicyOptions;

  constructor(@Inject(DEMO_CONFIG) config: DemoConfig) {
    this.policy = { origin: [config.pageOrigin] };
  }

  get origins(): string[] {
    return this.policy.origin as string[];
  }

  set origins(origins: string[]) {
    this.policy = { origin: origins };
  }

  getPolicy(): CorsPolicyOptions {
    return this.policy;
  }
}

/** Lets a request in only with `X-Demo-Token: demo`. */
@Injectable()
class TokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (request.headers['x-demo-token'] !== 'demo') {
      throw new UnauthorizedException('X-Demo-Token: demo is required');
    }
    return true;
  }
}

/** Routes under the default policy, plus a few overrides. */
@Controller()
class HelloController {
  @Get('hello-world')
  hello(@Res({ passthrough: true }) res: Response) {
    res.setHeader('X-Request-Id', randomUUID()); // exposed by the default policy
    res.setHeader('X-Internal-Trace', 'node-7'); // not exposed: hidden from pages
    return { hello: 'world' };
  }

  /** Credentialed: the page must send `credentials: 'include'` to get its cookie back. */
  @Get('session')
  session(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    if (/(?:^|;\s*)demo_session=/.test(req.headers.cookie ?? '')) {
      return { session: 'cookie received' };
    }
    res.cookie('demo_session', randomUUID(), {
      httpOnly: true,
      sameSite: 'lax',
    });
    return { session: 'cookie set' };
  }

  /** JSON body and a custom header: the browser preflights it. */
  @Put('profile')
  profile(@Body() body: unknown, @Headers('x-demo-token') token?: string) {
    return { saved: body, token: token ?? null };
  }

  @Get('private')
  @UseGuards(TokenGuard)
  private() {
    return { secret: 42 };
  }

  /** Inline handler override: any origin may read it, without credentials. */
  @Get('public')
  @CorsPolicy({ origin: '*' })
  public() {
    return { public: true };
  }

  /** No CORS at all: only same-origin callers (and non-browser clients) can read it. */
  @Get('closed')
  @CorsPolicy(false)
  closed() {
    return { closed: true };
  }
}

/** The controller's policy is `partners`; its DELETE handler uses the default policy instead. */
@Controller('partners')
@CorsPolicy('partners')
class PartnersController {
  @Get()
  list() {
    return [{ id: 7, name: 'Initech' }];
  }

  @Delete(':id')
  @CorsPolicy()
  remove(@Param('id') id: string) {
    return { deleted: id };
  }
}

@Controller('tenant')
@CorsPolicy(TenantCorsPolicy)
class TenantController {
  @Get()
  tenant() {
    return { tenant: 'acme' };
  }
}

@Controller('previews')
@CorsPolicy('previews')
class PreviewsController {
  @Get()
  previews() {
    return { preview: true };
  }
}

/**
 * Form-encoded writes, which a browser sends without a preflight: they reach the API from any
 * page, and Nest's CSRF check (see main.ts) lets one run only where the route's policy allows
 * its origin with credentials.
 */
@Controller('notes')
class NotesController {
  /** The default policy allows the playground's origin with credentials: trusted from there. */
  @Post()
  add(@Body() note: unknown) {
    return { saved: note };
  }

  /**
   * `origin: '*'` lets any page read the answer, but never with credentials, so no cross-origin
   * write is trusted: the CSRF check refuses it before the handler runs, with a readable 403.
   */
  @Post('public')
  @CorsPolicy({ origin: '*' })
  addPublic(@Body() note: unknown) {
    return { saved: note };
  }
}

/**
 * Demo-only endpoints. `origin: true` echoes any origin (never `null`) without credentials, so
 * the playground works whichever origin it is opened from. Do not expose these in production.
 */
@Controller('demo')
@CorsPolicy({ origin: true })
class DemoController {
  constructor(
    private readonly cors: CorsService,
    private readonly tenant: TenantCorsPolicy,
    private readonly preflights: PreflightCounter,
    private readonly metrics: CorsMetrics,
  ) {}

  /** Every CORS decision so far, by kind, route, policy and code, for Prometheus. */
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  decisions() {
    return this.metrics.registry.metrics();
  }

  /** What the module would answer to a request, and why. */
  @Get('explain')
  explain(@Query() query: Record<string, string | undefined>) {
    const optional = (value: string | undefined) => value || undefined;
    return this.cors.explain({
      method: (query.method || 'GET').toUpperCase(),
      path: query.path || '/',
      origin: optional(query.origin),
      requestMethod: optional(query.requestMethod),
      requestHeaders: optional(query.requestHeaders),
    });
  }

  @Get('tenant-origins')
  tenantOrigins() {
    return { origins: this.tenant.origins };
  }

  /**
   * A write: the CSRF check trusts it only under a policy with credentials, which `origin: true`
   * cannot have. The default policy lets the playground's own origin change the origins.
   */
  @Put('tenant-origins')
  @CorsPolicy()
  setTenantOrigins(@Body() body: { origins?: unknown }) {
    const { origins } = body ?? {};
    if (
      !Array.isArray(origins) ||
      !origins.every((o) => typeof o === 'string')
    ) {
      throw new BadRequestException('expected { "origins": string[] }');
    }
    this.tenant.origins = origins;
    return { origins };
  }

  @Get('preflights')
  preflightCount() {
    return this.preflights;
  }
}

function corsOptions(
  { pageOrigin, webPort }: DemoConfig,
  metrics: CorsMetrics,
): CorsModuleOptions {
  return {
    onDecision: metrics.count,
    default: {
      origin: [pageOrigin],
      credentials: true,
      allowedHeaders: ['Content-Type', 'X-Demo-Token'],
      exposedHeaders: ['X-Request-Id'],
      maxAge: 600,
    },
    policies: {
      // The playground opened at 127.0.0.1 instead of localhost plays the partner.
      partners: { origin: [`http://127.0.0.1:${webPort}`], methods: ['GET'] },
      // Preview deployments: any subdomain, on the playground's port.
      previews: {
        origin: [
          `http://*.demo.test:${webPort}`,
          `http://*.localhost:${webPort}`,
        ],
      },
    },
  };
}

@Module({})
export class AppModule {
  static forRoot(config: DemoConfig): DynamicModule {
    const metrics = new CorsMetrics();
    return {
      module: AppModule,
      imports: [CorsModule.forRoot(corsOptions(config, metrics))],
      controllers: [
        HelloController,
        PartnersController,
        TenantController,
        PreviewsController,
        NotesController,
        DemoController,
      ],
      providers: [
        { provide: DEMO_CONFIG, useValue: config },
        { provide: CorsMetrics, useValue: metrics },
        TenantCorsPolicy,
        PreflightCounter,
        EchoGateway,
      ],
    };
  }
}
