import type { CompiledCorsPolicy } from './compiled-policy.js';
import type { CorsConfigIssue, CorsConfigIssueCode } from './config-issue.js';
import type { CorsPolicyOptions } from './cors-policy-options.js';
import { insecureOriginOf } from './insecure-origin.js';
import { OriginMatcher } from './origin-matcher.js';
import { type OriginPattern, parseOriginEntry } from './origin-pattern.js';
import { probeRegExp } from './regexp-probe.js';
import { showValue } from './show-value.js';
import { isToken } from './token.js';

export const DEFAULT_METHODS = [
  'GET',
  'HEAD',
  'PUT',
  'PATCH',
  'POST',
  'DELETE',
];
/** Methods a browser sends without asking (CORS-safelisted methods): always allowed. */
export const SAFELISTED_METHODS: readonly string[] = ['GET', 'HEAD', 'POST'];
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
/** The methods `fetch()` upper-cases, whatever case the page wrote them in. */
export const NORMALIZED_METHODS: ReadonlySet<string> = new Set([
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'POST',
  'PUT',
]);
const MAX_AGE_LIMIT = 86400;
/** Spaces and tabs around a list item; anything else in a name is an error, CR and LF included. */
const OUTER_BLANKS = /^[ \t]+|[ \t]+$/g;
const OPTION_NAMES = new Set<string>([
  'origin',
  'methods',
  'allowedHeaders',
  'exposedHeaders',
  'credentials',
  'maxAge',
  'allowPrivateNetwork',
  'optionsSuccessStatus',
  'allowInsecureOrigins',
  'allowNullOrigin',
  'reportOnly',
]);

export type CompileResult =
  | { policy: CompiledCorsPolicy; issues: CorsConfigIssue[] }
  | { policy: undefined; issues: CorsConfigIssue[] };

/**
 * Validates `options` and compiles them. Every problem is reported, not just the first;
 * `policy` is set only when there is no error (warnings may remain).
 */
export function compilePolicy(
  name: string,
  subject: string,
  options: CorsPolicyOptions,
): CompileResult {
  const issues: CorsConfigIssue[] = [];
  const error: Report = (code, field, message) =>
    issues.push({ severity: 'error', code, subject, field, message });
  const warn: Report = (code, field, message) =>
    issues.push({ severity: 'warning', code, subject, field, message });

  if (
    typeof options !== 'object' ||
    options === null ||
    Array.isArray(options)
  ) {
    error(
      'invalid_policy',
      'policy',
      'a policy is an object such as { origin: ["https://app.example.com"] }',
    );
    return { policy: undefined, issues };
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) {
      error(
        'unknown_option',
        key,
        `unknown option; the options are ${[...OPTION_NAMES].join(', ')}`,
      );
    }
  }
  const credentials = checkBoolean(options.credentials, 'credentials', error);
  const allowPrivateNetwork = checkBoolean(
    options.allowPrivateNetwork,
    'allowPrivateNetwork',
    error,
  );

  const allowInsecure = checkBoolean(
    options.allowInsecureOrigins,
    'allowInsecureOrigins',
    error,
  );
  if (allowInsecure && !credentials) {
    warn(
      'no_effect',
      'allowInsecureOrigins',
      'has no effect without credentials: plain http origins are refused only with credentials; remove it',
    );
  }

  const allowNull = checkBoolean(
    options.allowNullOrigin,
    'allowNullOrigin',
    error,
  );

  const origin = compileOrigin(
    options.origin,
    { credentials, secureOnly: credentials && !allowInsecure, allowNull },
    error,
    warn,
  );
  if (allowNull && origin !== undefined && !origin.matcher?.allowsNull) {
    warn(
      'no_effect',
      'allowNullOrigin',
      `has no effect without a 'null' entry in origin; remove it`,
    );
  }
  const methods = compileList(options.methods, 'methods', credentials, error);
  for (const method of methods.list ?? []) {
    if (FORBIDDEN_METHODS.has(method.toUpperCase())) {
      error(
        'forbidden_method',
        'methods',
        `${method} is forbidden by browsers and never needs CORS; remove it`,
      );
    } else if (
      method !== method.toUpperCase() &&
      NORMALIZED_METHODS.has(method.toUpperCase())
    ) {
      warn(
        'method_case',
        'methods',
        `method names are case-sensitive and browsers send ${method.toUpperCase()}, not ${method}`,
      );
    }
  }
  const allowedHeaders = compileList(
    options.allowedHeaders,
    'allowedHeaders',
    false,
    error,
  );
  for (const header of allowedHeaders.list ?? []) {
    const lower = header.toLowerCase();
    if (lower === 'origin' || lower === 'cookie' || lower.startsWith('sec-')) {
      warn(
        'no_effect',
        'allowedHeaders',
        `${header} is set by the browser itself and never requested by a page; this entry has no effect`,
      );
    }
  }
  const exposedHeaders = compileList(
    options.exposedHeaders,
    'exposedHeaders',
    credentials,
    error,
  );
  for (const header of exposedHeaders.list ?? []) {
    if (
      header.toLowerCase() === 'set-cookie' ||
      header.toLowerCase() === 'set-cookie2'
    ) {
      warn(
        'no_effect',
        'exposedHeaders',
        `${header} is never readable by a page, whatever the server says; this entry has no effect`,
      );
    }
  }
  const maxAge = options.maxAge;
  if (
    maxAge !== undefined &&
    !(Number.isInteger(maxAge) && maxAge >= 0 && maxAge <= MAX_AGE_LIMIT)
  ) {
    error(
      'invalid_value',
      'maxAge',
      `${showValue(maxAge)} is not a whole number of seconds from 0 to ${MAX_AGE_LIMIT}; browsers cap it anyway (Chromium at 7200)`,
    );
  }
  const status =
    options.optionsSuccessStatus === undefined
      ? 204
      : options.optionsSuccessStatus;
  if (!(Number.isInteger(status) && status >= 200 && status <= 299)) {
    error(
      'invalid_value',
      'optionsSuccessStatus',
      `${showValue(status)} is not a 2xx status; browsers fail preflights with any other; use 204 or 200`,
    );
  }
  const reportOnly = compileReportOnly(name, subject, options.reportOnly);
  issues.push(...reportOnly.issues);
  if (issues.some((issue) => issue.severity === 'error') || !origin) {
    return { policy: undefined, issues };
  }

  const methodList = methods.list ?? DEFAULT_METHODS;
  const varyOrigin = origin.anyOrigin !== '*';
  const preflightVary = [
    varyOrigin && 'Origin',
    methods.any && 'Access-Control-Request-Method',
    allowedHeaders.list === undefined && 'Access-Control-Request-Headers',
    allowPrivateNetwork && 'Access-Control-Request-Private-Network',
  ].filter(Boolean);
  const policy: CompiledCorsPolicy = {
    name,
    anyOrigin: origin.anyOrigin,
    matcher: origin.matcher,
    originFunction: origin.originFunction,
    credentials,
    methods: methods.any
      ? undefined
      : new Set([...SAFELISTED_METHODS, ...methodList]),
    allowMethods: methodList.join(','),
    explicitMethods: methods.list !== undefined,
    allowedHeaders:
      allowedHeaders.list &&
      new Set(allowedHeaders.list.map((h) => h.toLowerCase())),
    allowHeaders: allowedHeaders.list?.join(','),
    exposeHeaders: exposedHeaders.any ? '*' : exposedHeaders.list?.join(','),
    maxAge: maxAge === undefined ? undefined : String(maxAge),
    allowPrivateNetwork,
    optionsSuccessStatus: status,
    reportOnly: reportOnly.policy,
    vary: varyOrigin ? 'Origin' : undefined,
    preflightVary:
      preflightVary.length > 0 ? preflightVary.join(', ') : undefined,
  };
  return { policy, issues };
}

type Report = (
  code: CorsConfigIssueCode,
  field: string,
  message: string,
) => void;

function checkBoolean(value: unknown, field: string, error: Report): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    error('invalid_value', field, `${showValue(value)} is not true or false`);
  return value === true;
}

interface CompiledOrigin {
  anyOrigin: '*' | true | undefined;
  matcher: OriginMatcher | undefined;
  originFunction: CompiledCorsPolicy['originFunction'];
}

/** What an origin entry is held to, beyond its syntax. */
interface OriginRules {
  credentials: boolean;
  /** Credentials without `allowInsecureOrigins`: plain-http origins are refused. */
  secureOnly: boolean;
  /** `allowNullOrigin`: a `'null'` entry is allowed without credentials. */
  allowNull: boolean;
}

function compileOrigin(
  origin: CorsPolicyOptions['origin'],
  rules: OriginRules,
  error: Report,
  warn: Report,
): CompiledOrigin | undefined {
  if (origin === undefined) {
    error(
      'missing_value',
      'origin',
      `is required: list the origins allowed, e.g. origin: ['https://app.example.com']`,
    );
    return undefined;
  }
  if (origin === '*' || origin === true) {
    if (rules.credentials) {
      error(
        'unsafe_with_credentials',
        'origin',
        `${origin === '*' ? "'*'" : 'true'} ${EVERY_WEBSITE}; ${LIST_ORIGINS}`,
      );
    }
    return { anyOrigin: origin, matcher: undefined, originFunction: undefined };
  }
  if (typeof origin === 'function') {
    return { anyOrigin: undefined, matcher: undefined, originFunction: origin };
  }
  const entries = Array.isArray(origin) ? origin : [origin];
  if (entries.length === 0)
    warn(
      'no_effect',
      'origin',
      'the list is empty, so no origin is ever allowed',
    );
  const patterns: OriginPattern[] = [];
  for (const entry of entries) {
    const result = parseOriginEntry(entry);
    if (result.error !== undefined) {
      error('invalid_origin', 'origin', result.error);
    } else {
      patterns.push(result.pattern);
      checkOriginEntry(result.pattern, rules, error, warn);
    }
  }
  return {
    anyOrigin: undefined,
    matcher: new OriginMatcher(patterns),
    originFunction: undefined,
  };
}

/** What credentials make of an entry that lets in any website. */
const EVERY_WEBSITE =
  "with credentials would let every website read your users' data";
const LIST_ORIGINS =
  "list the origins that may, e.g. origin: ['https://app.example.com']";
/** A RegExp that lets in only one's own hosts, for the fix of one that lets in any. */
const OWN_HOSTS = '/^https:\\/\\/[a-z0-9-]+\\.example\\.com$/';
/** What credentials make of an entry served without TLS, and the fix. */
const WITHOUT_TLS =
  'is served without TLS, and with credentials anyone who can intercept traffic to that page can make credentialed requests from it; use https, or set allowInsecureOrigins: true to accept that risk (loopback origins such as http://localhost:5173 need neither)';

/**
 * Holds one compiled allowlist entry to the rules that do not depend on its syntax: the same
 * for strings and RegExps, whose reach is found by probing them.
 */
function checkOriginEntry(
  pattern: OriginPattern,
  rules: OriginRules,
  error: Report,
  warn: Report,
): void {
  if (pattern.kind === 'null') {
    if (rules.credentials) {
      error(
        'unsafe_with_credentials',
        'origin',
        `'null' with credentials lets any sandboxed iframe or local file read your users' data; remove 'null'`,
      );
    } else if (!rules.allowNull) {
      error(
        'null_origin',
        'origin',
        `'null' is the origin of sandboxed iframes and file: pages, which any website can create, so it lets every website read these responses; remove it (origin: '*' already lets such pages read public responses), or set allowNullOrigin: true to accept that`,
      );
    }
    return;
  }
  const probe =
    pattern.kind === 'regexp' ? probeRegExp(pattern.regexp) : undefined;
  if (pattern.kind === 'regexp' && probe?.anyHost !== undefined) {
    const letsIn = `${pattern.text} lets in ${probe.anyHost}, a host nobody lists,`;
    if (rules.credentials) {
      error(
        'unsafe_with_credentials',
        'origin',
        `${letsIn} and ${EVERY_WEBSITE}; ${LIST_ORIGINS}, or match only your own hosts, e.g. ${OWN_HOSTS}`,
      );
    } else {
      warn(
        'matches_any_host',
        'origin',
        `${letsIn} so every website can read these responses, as with origin: true; write origin: '*' if that is meant, or match only your own hosts, e.g. ${OWN_HOSTS}`,
      );
    }
  } else if (rules.secureOnly) {
    const insecure = insecureOriginOf(pattern);
    if (insecure !== undefined) {
      error(
        'insecure_origin',
        'origin',
        pattern.kind === 'regexp'
          ? `${pattern.text} lets in ${insecure}, which ${WITHOUT_TLS}`
          : `${JSON.stringify(insecure)} ${WITHOUT_TLS}`,
      );
    }
  }
  if (pattern.kind === 'regexp' && probe?.unescapedDot !== undefined) {
    warn(
      'unescaped_dot',
      'origin',
      `${pattern.text} lets in ${probe.unescapedDot}, as an unescaped '.' matches any character; escape the dots: \\.`,
    );
  }
}

interface CompiledList {
  /** The names, or `undefined` when omitted or `'*'`. */
  list: string[] | undefined;
  any: boolean;
}

function compileList(
  value: string | string[] | undefined,
  field: string,
  credentials: boolean,
  error: Report,
): CompiledList {
  if (value === undefined) return { list: undefined, any: false };
  if (typeof value !== 'string' && !Array.isArray(value)) {
    error(
      'invalid_value',
      field,
      `${showValue(value)} is not a string or an array of strings`,
    );
    return { list: undefined, any: false };
  }
  const items = (Array.isArray(value) ? value : value.split(',')).map((item) =>
    typeof item === 'string' ? item.replace(OUTER_BLANKS, '') : item,
  );
  if (items.length > 1 && items.includes('*')) {
    error('invalid_name', field, `'*' must stand alone: write ${field}: '*'`);
  }
  if (items.length === 1 && items[0] === '*') {
    if (credentials && field !== 'allowedHeaders') {
      error(
        'unsafe_with_credentials',
        field,
        `'*' is taken literally by browsers when credentials are on; list the names instead`,
      );
    }
    return { list: undefined, any: true };
  }
  const names: string[] = [];
  for (const item of items) {
    if (typeof item === 'string' && isToken(item)) {
      names.push(item);
    } else {
      error(
        'invalid_name',
        field,
        `${showValue(item)} is not a valid name (letters, digits and !#$%&'*+-.^_\`|~ only)`,
      );
    }
  }
  return { list: names, any: false };
}

/**
 * A policy's report-only candidate, compiled like a policy of its own; its issues name their
 * field under `reportOnly.`. A candidate has no candidate of its own.
 */
function compileReportOnly(
  name: string,
  subject: string,
  candidate: CorsPolicyOptions['reportOnly'],
): { policy: CompiledCorsPolicy | undefined; issues: CorsConfigIssue[] } {
  if (candidate === undefined) return { policy: undefined, issues: [] };
  if (
    typeof candidate === 'object' &&
    candidate !== null &&
    'reportOnly' in candidate
  ) {
    return {
      policy: undefined,
      issues: [
        {
          severity: 'error',
          code: 'invalid_policy',
          subject,
          field: 'reportOnly.reportOnly',
          message:
            'a report-only candidate cannot have a candidate of its own; remove it',
        },
      ],
    };
  }
  const { policy, issues } = compilePolicy(
    `${name} (report-only)`,
    subject,
    candidate,
  );
  return {
    policy,
    issues: issues.map((issue) => ({
      ...issue,
      field: `reportOnly.${issue.field}`,
    })),
  };
}
