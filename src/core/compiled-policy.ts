import type { CorsOriginFunction } from './cors-policy-options.js';
import type { OriginMatcher } from './origin-matcher.js';

/** A validated policy with every header value it can send computed ahead of time. */
export interface CompiledCorsPolicy {
  /** How logs and `explain()` name it: `default`, `partners`, `AppController#hello`… */
  readonly name: string;
  /** `'*'` answers `*`; `true` echoes any well-formed origin; otherwise `matcher` and `originFunction`. */
  readonly anyOrigin: '*' | true | undefined;
  readonly matcher: OriginMatcher | undefined;
  readonly originFunction: CorsOriginFunction | undefined;
  readonly credentials: boolean;
  /** Allowed preflight methods; `undefined` allows any. */
  readonly methods: ReadonlySet<string> | undefined;
  /** Whether `methods` was configured; else a handler's own method is allowed too. */
  readonly explicitMethods: boolean;
  readonly allowMethods: string;
  /** Allowed request headers, lower case; `undefined` allows any. */
  readonly allowedHeaders: ReadonlySet<string> | undefined;
  /** `Access-Control-Allow-Headers` for a configured list. */
  readonly allowHeaders: string | undefined;
  readonly exposeHeaders: string | undefined;
  readonly maxAge: string | undefined;
  readonly allowPrivateNetwork: boolean;
  readonly optionsSuccessStatus: number;
  /** `Vary` of actual responses, `undefined` when they do not depend on the request. */
  readonly vary: string | undefined;
  /** `Vary` of preflight responses. */
  readonly preflightVary: string | undefined;
  /** A candidate evaluated beside this policy on every request, and reported where it differs. */
  readonly reportOnly: CompiledCorsPolicy | undefined;
}
