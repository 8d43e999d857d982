import type { CorsPolicyOptions } from 'nestjs-cors-policy';

/** The one policy every variant enforces; the others below are derived from it. */
export const ALLOWED_ORIGIN = 'https://app.example.com';
export const DENIED_ORIGIN = 'https://evil.example.net';

export const POLICY = {
  origin: [
    ALLOWED_ORIGIN,
    'https://admin.example.com',
    'https://partner.example.org',
  ],
  credentials: true,
  methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
} satisfies CorsPolicyOptions;

/**
 * S8: a candidate that would refuse the origin every request comes from, so each request is
 * reported (to the log, which the bench's logger drops).
 */
export const REPORT_ONLY_CANDIDATE: CorsPolicyOptions = {
  ...POLICY,
  origin: POLICY.origin.filter((origin) => origin !== ALLOWED_ORIGIN),
};

/** The same policy for `app.enableCors()` (the `cors` package). */
export const ENABLE_CORS_OPTIONS: CorsPolicyOptions = {
  ...POLICY,
  optionsSuccessStatus: 204,
};

/** S3: route `i`'s own policy, told apart by one extra header name. */
export const routePolicy = (i: number): CorsPolicyOptions => ({
  ...POLICY,
  allowedHeaders: [...POLICY.allowedHeaders, `X-Route-${i}`],
  exposedHeaders: [...POLICY.exposedHeaders, `X-Route-${i}`],
});
/** S3: the routes with a policy each, and the few routes their cost is compared with. */
export const ROUTE_COUNT = 1000;
export const FEW_ROUTES = 10;

/** S4: 10,000 exact origins and 100 subdomain patterns; requests come from the middle. */
export const BIG_ALLOWLIST = [
  ...Array.from(
    { length: 10_000 },
    (_, i) => `https://app${i}.customers.example.com`,
  ),
  ...Array.from({ length: 100 }, (_, i) => `https://*.tenant${i}.example.com`),
];
export const MID_ORIGIN = BIG_ALLOWLIST[5_000]!;

/** Memory: one entry of each kind, and origins that hit each kind or miss. */
export const MIXED_POLICY: CorsPolicyOptions = {
  ...POLICY,
  origin: [
    ...POLICY.origin,
    'https://*.tenant.example.com',
    'http://localhost:*',
    /^https:\/\/pr-\d+\.preview\.example\.dev$/,
  ],
};

/** A distinct random origin for request `i`: a subdomain match, a RegExp match or a miss, in turn. */
export function distinctOrigin(i: number): string {
  const salt = Math.random().toString(36).slice(2, 8);
  switch (i % 3) {
    case 0:
      return `https://u${i}-${salt}.tenant.example.com`;
    case 1:
      return `https://pr-${i}.preview.example.dev`;
    default:
      return `https://u${i}-${salt}.elsewhere.example.net`;
  }
}
