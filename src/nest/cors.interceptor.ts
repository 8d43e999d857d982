import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { from, type Observable, switchMap } from 'rxjs';
import {
  CORS_STATE,
  type StatefulRequest,
} from './adapters/cors-http-binding.js';
import { CorsEngine } from './cors-engine.js';
import { type CorsState, pathOf } from './cors-exchange.js';
import { CorsInstaller } from './cors-installer.js';
import { CorsRouteTable } from './cors-route-table.js';

/**
 * Confirms, once a request reaches its handler, that the policy decided before routing is
 * that handler's. They differ only where the adapter's path alone cannot tell the route
 * (header or media-type versioning, host filters); then the handler's policy is applied.
 */
@Injectable()
export class CorsInterceptor implements NestInterceptor {
  constructor(
    private readonly installer: CorsInstaller,
    private readonly routes: CorsRouteTable,
    private readonly engine: CorsEngine,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { binding } = this.installer;
    if (context.getType() !== 'http' || !binding) return next.handle();
    const route = this.routes.forHandler(
      context.getClass(),
      context.getHandler(),
    );
    const http = context.switchToHttp();
    const request = http.getRequest<StatefulRequest>();
    const state = request[CORS_STATE];
    if (!route || state?.source === route.source) return next.handle();
    if (!route.source) {
      state!.decision = undefined;
      return next.handle();
    }
    const exchange = binding.exchange(request);
    const path = pathOf(exchange.url);
    const apply = (settled: CorsState | undefined) => {
      if (settled) binding.track(request, http.getResponse(), settled);
      else if (state) state.decision = undefined;
    };
    const result = this.engine.evaluateFor(
      route,
      route.source,
      exchange,
      false,
      exchange.method,
      path,
    );
    if (!(result instanceof Promise)) {
      apply(result);
      return next.handle();
    }
    return from(result).pipe(
      switchMap((settled) => (apply(settled), next.handle())),
    );
  }
}
