/**
 * What kind of problem a configuration issue is, for machines (tests, tooling). Stable: a code
 * is never renamed, only added.
 *
 * Errors:
 * - `invalid_policy`: a policy (or a `reportOnly` candidate) is not an options object.
 * - `unknown_option`: an option the policy does not have (a typo, usually).
 * - `invalid_value`: an option of the wrong type or out of range.
 * - `missing_value`: a required option is absent (`origin`, a path rule's `policy`).
 * - `invalid_origin`: an `origin` entry that is not an origin or an origin pattern.
 * - `invalid_name`: a method or header name that is not an HTTP token, or `'*'` among names.
 * - `forbidden_method`: `CONNECT`, `TRACE` or `TRACK`, which browsers never send.
 * - `unsafe_with_credentials`: a wildcard, `true`, `'null'` or a RegExp that lets in any host,
 *   that credentials would make dangerous or that browsers refuse with credentials.
 * - `insecure_origin`: a plain `http` origin with credentials, written as a string or let in
 *   by a RegExp.
 * - `null_origin`: a `'null'` entry without `allowNullOrigin`.
 * - `unknown_policy`: a policy name that no policy has, or `@CorsPolicy()` with no default.
 * - `invalid_provider`: a provider class that is unregistered, scoped, or has no `getPolicy()`.
 * - `invalid_path`: a malformed `paths` pattern.
 * - `gateway_shares_server`: a gateway without a policy shares its server with one that has.
 * - `missing_adapter`: a gateway policy without the module's WebSocket adapter.
 * - `conflicting_option`: another option would answer the same CORS requests.
 *
 * Warnings:
 * - `no_effect`: an entry or option that changes nothing.
 * - `method_case`: a lower-case method name browsers send in upper case.
 * - `route_method_not_allowed`: explicit `methods` that leave out a governed route's method.
 * - `path_covers_route`: a `paths` rule that also covers controller routes.
 * - `matches_any_host`: without credentials, a RegExp that lets in any host, as `true` would.
 * - `unescaped_dot`: a RegExp that lets in a look-alike origin through an unescaped `.`.
 *
 * @publicApi
 */
export type CorsConfigIssueCode =
  | 'invalid_policy'
  | 'unknown_option'
  | 'invalid_value'
  | 'missing_value'
  | 'invalid_origin'
  | 'invalid_name'
  | 'forbidden_method'
  | 'unsafe_with_credentials'
  | 'insecure_origin'
  | 'null_origin'
  | 'unknown_policy'
  | 'invalid_provider'
  | 'invalid_path'
  | 'gateway_shares_server'
  | 'missing_adapter'
  | 'conflicting_option'
  | 'no_effect'
  | 'method_case'
  | 'route_method_not_allowed'
  | 'path_covers_route'
  | 'matches_any_host'
  | 'unescaped_dot';

/**
 * One problem found in a configuration, with where it is and how to fix it.
 *
 * @publicApi
 */
export interface CorsConfigIssue {
  severity: 'error' | 'warning';
  /** What kind of problem it is, for machines. */
  code: CorsConfigIssueCode;
  /** The policy or route: `policy "partners"`, `AppController#hello`. */
  subject: string;
  /** The option at fault: `origin`, `maxAge`… */
  field: string;
  /** What is wrong and the fix. */
  message: string;
}

/** An error of the configuration, which fails bootstrap. */
export function configError(
  code: CorsConfigIssueCode,
  subject: string,
  field: string,
  message: string,
): CorsConfigIssue {
  return { severity: 'error', code, subject, field, message };
}

/** `subject › field: message [code]`, on one line. */
export function formatIssue(issue: CorsConfigIssue): string {
  return `${issue.subject} › ${issue.field}: ${issue.message} [${issue.code}]`;
}

/**
 * Thrown at bootstrap with every configuration error at once.
 *
 * @publicApi
 */
export class CorsConfigurationError extends Error {
  constructor(readonly issues: readonly CorsConfigIssue[]) {
    super(
      `Invalid CORS configuration (${issues.length} ${issues.length === 1 ? 'error' : 'errors'}):\n` +
        issues.map((issue) => `  - ${formatIssue(issue)}`).join('\n'),
    );
    this.name = 'CorsConfigurationError';
  }
}
