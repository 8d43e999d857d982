import type { CompiledCorsPolicy } from './compiled-policy.js';
import { showOriginPattern } from './origin-pattern.js';

/** How `methods` shows that a policy without configured methods also allows a route's own. */
const ROUTE_OWN_METHOD = "(the route's own)";

/**
 * What a policy lets pages do, as plain data in a stable order, for a review to compare.
 *
 * @publicApi
 */
export interface CorsPolicyDescription {
  /**
   * The origins allowed, sorted: exact origins, `null`, patterns and RegExps as written
   * (`https://*.example.com`, `http://localhost:*`, `/^https:\/\/[a-z]+\.example\.dev$/`);
   * `['*']` for any origin answered with `*`, `['* (echoed back)']` for any origin echoed
   * back, `['function <name>']` for an origin function.
   */
  origins: string[];
  /**
   * The methods a preflight may ask for, sorted, with `GET`, `HEAD` and `POST`, which are
   * always allowed; `['*']` for any. Without configured `methods`, the method a route is
   * declared for is allowed too, shown last as `(the route's own)`.
   */
  methods: string[];
  /** The request headers a preflight may ask for, lower case, sorted; `['*']` for any. */
  allowedHeaders: string[];
  /** The response headers a page may read beyond the safelisted ones, lower case, sorted; `['*']` for all. */
  exposedHeaders: string[];
  /** Whether cookies and HTTP authentication may be sent and read. */
  credentials: boolean;
  /** Whether Private Network Access preflights are answered. */
  privateNetwork: boolean;
  /** The report-only candidate, where the policy has one. */
  reportOnly?: CorsPolicyDescription;
}

/** Describes a compiled policy: what it allows, whatever way its options were written. */
export function describePolicy(
  policy: CompiledCorsPolicy,
): CorsPolicyDescription {
  const { methods, explicitMethods, allowedHeaders, exposeHeaders } = policy;
  return {
    origins: originsOf(policy),
    methods: methods
      ? [...sorted(methods), ...(explicitMethods ? [] : [ROUTE_OWN_METHOD])]
      : ['*'],
    allowedHeaders: allowedHeaders ? sorted(allowedHeaders) : ['*'],
    exposedHeaders: exposeHeaders
      ? sorted(exposeHeaders.toLowerCase().split(','))
      : [],
    credentials: policy.credentials,
    privateNetwork: policy.allowPrivateNetwork,
    ...(policy.reportOnly && {
      reportOnly: describePolicy(policy.reportOnly),
    }),
  };
}

function originsOf(policy: CompiledCorsPolicy): string[] {
  const { anyOrigin, originFunction, matcher } = policy;
  if (anyOrigin === '*') return ['*'];
  if (anyOrigin === true) return ['* (echoed back)'];
  if (originFunction)
    return [`function ${originFunction.name || '(anonymous)'}`];
  return sorted(matcher?.patterns.map(showOriginPattern) ?? []);
}

/** Sorted by UTF-16 code units, the same whatever the locale. */
const sorted = (values: Iterable<string>): string[] => [...values].sort();
