/** The CORS headers of a response, by lower-case name. */
export function corsHeaders(
  headers: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) =>
      name.startsWith('access-control-'),
    ),
  );
}

/** The exact CORS headers of an actual response allowed for `origin`. */
export const allows = (
  origin: string,
  credentials = false,
): Record<string, string> =>
  credentials
    ? {
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
      }
    : { 'access-control-allow-origin': origin };

/** The exact CORS headers of a preflight allowed for `origin`, without credentials. */
export const preflightAllows = (origin: string, methods: string) => ({
  'access-control-allow-origin': origin,
  'access-control-allow-methods': methods,
});

/**
 * Asserts a response's status, its exact CORS headers and, when given, its body (which tells
 * which handler ran), in one comparison so that a failure shows all three.
 */
export function expectAnswer(
  res: { status: number; headers: object; text: string },
  status: number,
  cors: Record<string, string>,
  text?: string,
): void {
  const body = (value: string) => (text === undefined ? {} : { text: value });
  expect({
    status: res.status,
    cors: corsHeaders(res.headers as Record<string, unknown>),
    ...body(res.text),
  }).toEqual({ status, cors, ...body(text ?? '') });
}
