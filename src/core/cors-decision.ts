import type { CompiledCorsPolicy } from './compiled-policy.js';
import type { CorsOriginFunction } from './cors-policy-options.js';
import { parseRequestHeaders } from './request-headers.js';
import { isRequestOrigin } from './request-origin.js';
import type { CorsReasonCode } from './cors-reason.js';
import { isToken } from './token.js';

/** What the decision needs to know of a request. */
export interface CorsInput {
  /** The raw `Origin` header(s). */
  origin: string | string[] | undefined;
  preflight: boolean;
  /** `Access-Control-Request-Method`, for a preflight. */
  requestMethod?: string | string[];
  /** `Access-Control-Request-Headers`, for a preflight. */
  requestHeaders?: string | string[];
  /** Whether the preflight has `Access-Control-Request-Private-Network: true`. */
  privateNetwork?: boolean;
  /**
   * Whether the preflight asks for the method of the handler it is for. A policy without
   * `methods` allows it whatever it is (`QUERY`, `SEARCH`…): the route was declared for it.
   */
  ownMethod?: boolean;
}

/**
 * The response headers CORS adds, by name.
 *
 * @publicApi
 */
export type CorsHeaders = Record<string, string>;

/** What to answer. Read-only: the module keeps the decisions of actual requests, frozen. */
export interface CorsDecision {
  readonly allowed: boolean;
  /** Why, for machines: `allowed`, or the reason it is not. */
  readonly code: CorsReasonCode;
  /** Why not, when not allowed; for the debug log and `explain()`. */
  readonly reason?: string;
  /** For a preflight: the status to answer with. */
  readonly status?: number;
  readonly headers: Readonly<CorsHeaders>;
  /** Names to merge into `Vary`. */
  readonly vary: string | undefined;
  /** With the module's debug mode on: the `CORS-Denied` header of a denial. */
  readonly debug?: string;
}

export type OriginVerdict = { allowed: true } | OriginDenial;

/** Why an origin is not allowed. */
export interface OriginDenial {
  allowed: false;
  code: CorsReasonCode;
  reason: string;
}

const ALLOWED: OriginVerdict = { allowed: true };
const MALFORMED: OriginVerdict = {
  allowed: false,
  code: 'malformed_origin',
  reason: 'malformed Origin header',
};
const NOT_ALLOWED: OriginVerdict = {
  allowed: false,
  code: 'origin_not_allowed',
  reason: 'origin not allowed',
};
const NO_ORIGIN: OriginVerdict = {
  allowed: false,
  code: 'no_origin',
  reason: 'no Origin header',
};

/** The verdict of an origin function's answer: only `true` allows. */
export const originFunctionVerdict = (answer: unknown): OriginVerdict =>
  answer === true ? ALLOWED : NOT_ALLOWED;

/**
 * The verdicts of an origin function that threw or rejected, or did not answer in time. Their
 * reasons are fixed: nothing of the error reaches a header or a response.
 */
export const ORIGIN_FUNCTION_FAILED: OriginDenial = {
  allowed: false,
  code: 'origin_function_failed',
  reason: 'origin function failed',
};
export const ORIGIN_FUNCTION_TIMEOUT: OriginDenial = {
  allowed: false,
  code: 'origin_function_timeout',
  reason: 'origin function timed out',
};

/**
 * Asks a policy's origin function about `origin`, for the request being decided, and settles
 * to its verdict (`originFunctionVerdict()`, or a failure's): it never rejects.
 */
export type AskOriginFunction = (
  originFunction: CorsOriginFunction,
  origin: string,
) => Promise<OriginVerdict>;

/**
 * Checks the `Origin` header against the policy, short of its origin function: `undefined`
 * where the function is to be asked.
 */
export function checkListedOrigin(
  policy: CompiledCorsPolicy,
  origin: string | string[] | undefined,
): OriginVerdict | undefined {
  if (origin === undefined) return NO_ORIGIN;
  if (typeof origin !== 'string') return MALFORMED;
  if (origin === 'null') {
    return policy.anyOrigin === '*' || policy.matcher?.allowsNull
      ? ALLOWED
      : NOT_ALLOWED;
  }
  if (!isRequestOrigin(origin)) return MALFORMED;
  if (policy.anyOrigin !== undefined) return ALLOWED;
  if (policy.matcher)
    return policy.matcher.matches(origin) ? ALLOWED : NOT_ALLOWED;
  return undefined;
}

/**
 * Checks the `Origin` header against the policy. Synchronous unless the policy has an
 * origin function, which `ask` calls.
 */
export function checkOrigin(
  policy: CompiledCorsPolicy,
  origin: string | string[] | undefined,
  ask: AskOriginFunction,
): OriginVerdict | Promise<OriginVerdict> {
  return (
    checkListedOrigin(policy, origin) ??
    ask(policy.originFunction!, origin as string)
  );
}

/** The headers of an actual (non-preflight) response, once the origin has been checked. */
export function actualDecision(
  policy: CompiledCorsPolicy,
  origin: string | string[] | undefined,
  verdict: OriginVerdict,
): CorsDecision {
  if (!verdict.allowed && policy.anyOrigin !== '*') {
    return {
      allowed: false,
      code: verdict.code,
      reason: verdict.reason,
      headers: {},
      vary: policy.vary,
    };
  }
  return {
    allowed: true,
    code: 'allowed',
    headers: allowHeaders(policy, origin as string, true),
    vary: policy.vary,
  };
}

/** The answer to a preflight, once the origin has been checked. */
export function preflightDecision(
  policy: CompiledCorsPolicy,
  origin: string | string[] | undefined,
  verdict: OriginVerdict,
  input: CorsInput,
): CorsDecision {
  const vary = policy.preflightVary;
  const deny = (code: CorsReasonCode, reason: string): CorsDecision => ({
    allowed: false,
    code,
    reason,
    status: 403,
    headers: {},
    vary,
  });
  if (!verdict.allowed) return deny(verdict.code, verdict.reason);
  const method = input.requestMethod;
  if (typeof method !== 'string' || !isToken(method)) {
    return deny('malformed_method', 'malformed Access-Control-Request-Method');
  }
  const listed = !policy.methods || policy.methods.has(method);
  if (!listed && !(input.ownMethod && !policy.explicitMethods)) {
    return deny(
      'method_not_allowed',
      `method ${JSON.stringify(method)} not allowed`,
    );
  }
  const rawHeaders = input.requestHeaders;
  const requested =
    rawHeaders === undefined
      ? undefined
      : typeof rawHeaders === 'string'
        ? parseRequestHeaders(rawHeaders)
        : undefined;
  if (rawHeaders !== undefined && !requested) {
    return deny(
      'malformed_headers',
      'malformed Access-Control-Request-Headers',
    );
  }
  if (requested && policy.allowedHeaders) {
    for (const name of requested.names) {
      if (!policy.allowedHeaders.has(name))
        return deny(
          'header_not_allowed',
          `header ${JSON.stringify(name)} not allowed`,
        );
    }
  }
  if (input.privateNetwork && !policy.allowPrivateNetwork) {
    return deny(
      'private_network_not_allowed',
      'private network access not allowed',
    );
  }
  const headers = allowHeaders(policy, origin as string, false);
  headers['access-control-allow-methods'] = !policy.methods
    ? method
    : listed
      ? policy.allowMethods
      : `${policy.allowMethods},${method}`;
  const allowedHeaders = policy.allowedHeaders
    ? policy.allowHeaders
    : requested?.value;
  if (allowedHeaders) headers['access-control-allow-headers'] = allowedHeaders;
  if (policy.maxAge !== undefined)
    headers['access-control-max-age'] = policy.maxAge;
  if (input.privateNetwork)
    headers['access-control-allow-private-network'] = 'true';
  return {
    allowed: true,
    code: 'allowed',
    status: policy.optionsSuccessStatus,
    headers,
    vary,
  };
}

function allowHeaders(
  policy: CompiledCorsPolicy,
  origin: string,
  expose: boolean,
): CorsHeaders {
  const headers: CorsHeaders = {
    'access-control-allow-origin': policy.anyOrigin === '*' ? '*' : origin,
  };
  if (policy.credentials) headers['access-control-allow-credentials'] = 'true';
  if (expose && policy.exposeHeaders)
    headers['access-control-expose-headers'] = policy.exposeHeaders;
  return headers;
}

/**
 * The whole decision for one request, made afresh: origin, then the preflight checks.
 */
export function decide(
  policy: CompiledCorsPolicy,
  input: CorsInput,
  ask: AskOriginFunction,
): CorsDecision | Promise<CorsDecision> {
  const { origin } = input;
  if (input.preflight) {
    const verdict = checkOrigin(policy, origin, ask);
    const finish = (v: OriginVerdict) =>
      preflightDecision(policy, origin, v, input);
    return verdict instanceof Promise ? verdict.then(finish) : finish(verdict);
  }
  const verdict = checkOrigin(policy, origin, ask);
  return verdict instanceof Promise
    ? verdict.then((v) => actualDecision(policy, origin, v))
    : actualDecision(policy, origin, verdict);
}
