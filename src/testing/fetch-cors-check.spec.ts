import { describe, expect, it } from '@jest/globals';
import type { IncomingHttpHeaders } from 'node:http';
import {
  corsCheckFailure,
  type FetchPreflightRequest,
  preflightFailure,
} from './fetch-cors-check.js';

const APP = 'https://app.example.com';

describe('corsCheckFailure (the CORS check of the Fetch standard)', () => {
  const check = (headers: IncomingHttpHeaders, credentials = false) =>
    corsCheckFailure(headers, { origin: APP, credentials });

  it('passes an answer that names the origin exactly, or * without credentials', () => {
    expect(check({ 'access-control-allow-origin': APP })).toBeUndefined();
    expect(check({ 'access-control-allow-origin': '*' })).toBeUndefined();
  });

  it('fails an answer without Access-Control-Allow-Origin, or naming another origin', () => {
    expect(check({})).toBe('the response has no Access-Control-Allow-Origin');
    expect(
      check({ 'access-control-allow-origin': 'https://APP.example.com' }),
    ).toBe(
      'Access-Control-Allow-Origin is "https://APP.example.com", not the origin',
    );
  });

  it('fails a repeated Access-Control-Allow-Origin, which Node joins as the Fetch standard does', () => {
    expect(check({ 'access-control-allow-origin': `${APP}, ${APP}` })).toBe(
      `Access-Control-Allow-Origin is "${APP}, ${APP}", not the origin`,
    );
  });

  it('wants the origin itself and Access-Control-Allow-Credentials: true with credentials', () => {
    expect(
      check(
        {
          'access-control-allow-origin': APP,
          'access-control-allow-credentials': 'true',
        },
        true,
      ),
    ).toBeUndefined();
    expect(
      check(
        {
          'access-control-allow-origin': '*',
          'access-control-allow-credentials': 'true',
        },
        true,
      ),
    ).toBe(
      'Access-Control-Allow-Origin is *, which browsers refuse for a request with credentials',
    );
    expect(check({ 'access-control-allow-origin': APP }, true)).toBe(
      'the response has no Access-Control-Allow-Credentials, which a request with credentials needs',
    );
    expect(
      check(
        {
          'access-control-allow-origin': APP,
          'access-control-allow-credentials': 'TRUE',
        },
        true,
      ),
    ).toBe('Access-Control-Allow-Credentials is "TRUE", not "true"');
  });
});

describe('preflightFailure (the CORS-preflight fetch of the Fetch standard)', () => {
  const preflight = (
    headers: IncomingHttpHeaders,
    request: Partial<FetchPreflightRequest> = {},
    status = 204,
  ) =>
    preflightFailure(
      { status, headers: { 'access-control-allow-origin': APP, ...headers } },
      {
        origin: APP,
        credentials: false,
        method: 'PUT',
        headers: [],
        ...request,
      },
    );

  it('passes a method and header names the answer lists, header names in any case', () => {
    expect(
      preflight(
        {
          'access-control-allow-methods': 'GET, PUT',
          'access-control-allow-headers': 'Content-Type,X-Token',
        },
        { headers: ['content-type', 'x-token'] },
      ),
    ).toBeUndefined();
  });

  it('fails a method the answer does not list, comparing method names case-sensitively', () => {
    expect(preflight({ 'access-control-allow-methods': 'put' })).toBe(
      'Access-Control-Allow-Methods (put) does not allow PUT',
    );
    expect(preflight({})).toBe(
      'Access-Control-Allow-Methods (absent) does not allow PUT',
    );
  });

  it('needs no Access-Control-Allow-Methods for GET, HEAD and POST', () => {
    for (const method of ['GET', 'HEAD', 'POST'])
      expect(preflight({}, { method })).toBeUndefined();
  });

  it('fails a header name the answer does not list', () => {
    expect(
      preflight(
        {
          'access-control-allow-methods': 'PUT',
          'access-control-allow-headers': 'content-type',
        },
        { headers: ['content-type', 'x-token'] },
      ),
    ).toBe(
      'Access-Control-Allow-Headers (content-type) does not allow x-token',
    );
  });

  it('reads * as any method and header name without credentials, but never as authorization', () => {
    const wildcards = {
      'access-control-allow-methods': '*',
      'access-control-allow-headers': '*',
    };
    expect(
      preflight(wildcards, { method: 'PATCH', headers: ['x-token'] }),
    ).toBeUndefined();
    expect(preflight(wildcards, { headers: ['authorization'] })).toBe(
      'Access-Control-Allow-Headers (*) does not allow authorization (* never stands for authorization)',
    );
    expect(
      preflight(
        { ...wildcards, 'access-control-allow-credentials': 'true' },
        { credentials: true },
      ),
    ).toBe('Access-Control-Allow-Methods (*) does not allow PUT');
  });

  it('fails a status other than 2xx, even with every header right', () => {
    expect(preflight({ 'access-control-allow-methods': 'PUT' }, {}, 403)).toBe(
      'its status 403 is not 2xx',
    );
    expect(
      preflight({ 'access-control-allow-methods': 'PUT' }, {}, 200),
    ).toBeUndefined();
  });

  it('fails a list with an item that is not a name', () => {
    expect(preflight({ 'access-control-allow-methods': 'GET, P UT' })).toBe(
      'Access-Control-Allow-Methods (GET,P UT) has "P UT", which is not a name, so browsers fail the preflight',
    );
  });

  it('applies the CORS check first', () => {
    expect(
      preflightFailure(
        { status: 204, headers: { 'access-control-allow-methods': 'PUT' } },
        { origin: APP, credentials: false, method: 'PUT', headers: [] },
      ),
    ).toBe('the response has no Access-Control-Allow-Origin');
  });
});
