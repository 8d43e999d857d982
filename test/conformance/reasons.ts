/** Why the project deliberately answers otherwise than a source, for reasons several sources share. */

export const ANY_NAME_ALONE =
  "'*' among other names is refused rather than merged, so a list never silently widens to every name: write '*' alone";

export const NULL_LITERAL =
  "'null' is refused unless the policy opts in with allowNullOrigin, and always with credentials: sandboxed iframes and file: pages, which any website can create, send it";

export const ORIGIN_REQUIRED =
  'origin is required: there is no implicit allow-every-origin default';

export const NOT_AN_ORIGIN_ENTRY =
  'an entry must be an origin exactly as browsers serialize it, so a near-miss fails at bootstrap instead of matching nothing';

export const MALFORMED_ORIGIN =
  'an Origin that is not a serialized origin is malformed: denied, never reflected, never passed to an origin function, even under origin: *';

export const UNANCHORED =
  'a RegExp must be anchored with ^…$, or it also matches origins that merely contain a match';

export const ANY_ORIGIN_WITH_CREDENTIALS =
  "origin '*' or true with credentials is a bootstrap error: browsers refuse the answer, and reflecting every origin would let any site read users' data";

export const PLAIN_HTTP_WITH_CREDENTIALS =
  'with credentials, a plain-http origin other than loopback is refused unless allowInsecureOrigins is set: anyone who can intercept traffic to that page can script it';

export const CONFIGURED_LIST =
  'an allowed preflight is answered with the configured list, not with the requested names alone; the browser accepts either';

export const FUNCTION_DENIES =
  'an origin function that throws, rejects or answers anything but true denies the origin; the request itself is served';

export const WILDCARD_OVER_APP_SCHEME =
  'a wildcard is refused in an origin whose scheme is not http(s) or ws(s): an extension or an app shell is one app, listed exactly';
