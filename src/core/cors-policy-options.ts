/**
 * What a policy sees of the request it decides on, whatever the HTTP adapter.
 *
 * @publicApi
 */
export interface CorsRequest {
  /** The `Origin` header, or `undefined` when the request has none. */
  origin: string | undefined;
  /** The request method; for a preflight, the method the browser asks for. */
  method: string;
  /** The request path, without the query string. */
  path: string;
  /** The request headers, as the adapter parsed them (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  /** Whether the request is a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`). */
  preflight: boolean;
  /** The adapter's own request object (Express `Request` or Fastify `FastifyRequest`). */
  raw: unknown;
}

/**
 * Decides whether an origin is allowed. Anything but `true` denies, and so does a throw
 * or a rejection. It is called only for well-formed origins, never for `null`.
 *
 * @publicApi
 */
export type CorsOriginFunction = (
  origin: string,
  request: CorsRequest,
) => boolean | Promise<boolean>;

/**
 * One entry of an origin allowlist.
 *
 * @publicApi
 */
export type CorsOriginEntry = string | RegExp;

/**
 * The origins a policy allows.
 * - `'*'`: any origin, answered with `Access-Control-Allow-Origin: *` (no credentials).
 * - `true`: any origin, echoed back (no credentials).
 * - a string: an exact origin (`https://app.example.com`), a subdomain pattern
 *   (`https://*.example.com`), an any-port pattern (`http://localhost:*`), or `'null'`
 *   (only with `allowNullOrigin`).
 * - a RegExp, anchored with `^…$`, held to the rules of strings for the origins it lets in.
 * - an array of those strings and RegExps.
 * - a function, sync or async.
 *
 * @publicApi
 */
export type CorsOrigin =
  true | CorsOriginEntry | CorsOriginEntry[] | CorsOriginFunction;

/**
 * A CORS policy. Validated and compiled once, at bootstrap or when a provider first returns it.
 *
 * @publicApi
 */
export interface CorsPolicyOptions {
  /** The origins allowed to read responses. Required. */
  origin: CorsOrigin;
  /**
   * Methods a preflight may ask for, case-sensitive (`GET`, `HEAD` and `POST` are always allowed).
   * `'*'` allows any method without credentials. Default: `GET,HEAD,PUT,PATCH,POST,DELETE`.
   */
  methods?: string | string[];
  /**
   * Request headers a preflight may ask for, case-insensitive. Omitted or `'*'`: any valid
   * header name, listed back explicitly (so `Authorization` is never left to a wildcard).
   */
  allowedHeaders?: string | string[];
  /** Response headers the page may read beyond the CORS-safelisted ones. `'*'` only without credentials. */
  exposedHeaders?: string | string[];
  /** Whether cookies and HTTP authentication may be sent and read. Default: `false`. */
  credentials?: boolean;
  /** How long, in whole seconds from 0 to 86400, a browser may cache a preflight. Omitted: no header. */
  maxAge?: number;
  /** Answer Private Network Access preflights (`Access-Control-Allow-Private-Network`). Default: `false`. */
  allowPrivateNetwork?: boolean;
  /** Status of a successful preflight, 200 to 299. Default: `204`. */
  optionsSuccessStatus?: number;
  /**
   * A candidate policy to try in production without breaking anyone, like
   * `Content-Security-Policy-Report-Only`: it is evaluated beside this one on every request,
   * never changes a response, and every request where the two disagree (it would deny, or
   * would allow) is logged and sent to `onDecision` as a `report-only` event.
   */
  reportOnly?: Omit<CorsPolicyOptions, 'reportOnly'>;
  /**
   * With `credentials`, allow origins served without TLS (`http:`, `ws:`, `ftp:`) from a host
   * other than loopback. Default: `false`, and such an entry is a bootstrap error, because
   * anyone who can intercept traffic to that page (a shared Wi-Fi, a hostile network) can
   * change its script and make credentialed requests from it. Loopback origins (`localhost`
   * and names under it, `127.0.0.0/8`, `[::1]`) are served from the user's own machine and
   * are always allowed, e.g. `http://localhost:5173`. It has no effect without credentials.
   */
  allowInsecureOrigins?: boolean;
  /**
   * Allow a literal `'null'` entry in `origin`, answered with `Access-Control-Allow-Origin:
   * null`. Default: `false`, and such an entry is a bootstrap error, because `null` is the
   * origin of sandboxed iframes and `file:` pages, which any website can create: allowing it
   * lets every website read the responses. It never allows `'null'` with `credentials`, and it
   * has no effect without a `'null'` entry. `origin: '*'` needs no such option: it already lets
   * those pages read public responses, answered with `*`.
   */
  allowNullOrigin?: boolean;
}
