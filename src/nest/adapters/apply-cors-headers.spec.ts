import { describe, expect, it } from '@jest/globals';
import {
  createServer,
  IncomingMessage,
  OutgoingMessage,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
  ServerResponse,
} from 'node:http';
import { Socket } from 'node:net';
import request from 'supertest';
import type { CorsDecision } from '../../core/cors-decision.js';
import {
  answerPreflight,
  applyCorsHeaders,
  withCorsHeaders,
} from './apply-cors-headers.js';

const APP = 'https://app.example.com';

/** An actual request allowed for APP, with credentials. */
const ALLOWED: CorsDecision = {
  allowed: true,
  code: 'allowed',
  headers: {
    'access-control-allow-origin': APP,
    'access-control-allow-credentials': 'true',
  },
  vary: 'Origin',
};

/** A denial, as the debug mode gives it. */
const DENIED: CorsDecision = {
  allowed: false,
  code: 'origin_not_allowed',
  reason: 'origin not allowed',
  headers: {},
  vary: 'Origin',
  debug: 'origin_not_allowed',
};

/** A real HTTP/1 response, not yet written, of a request nobody sent. */
const response = () => new ServerResponse(new IncomingMessage(new Socket()));

/** A response's headers, by lower-case name. */
const headersOf = (res: OutgoingMessage) => ({ ...res.getHeaders() });

describe('applyCorsHeaders', () => {
  it("sets the decision's CORS headers in place of any set before, one of each, and leaves the others", () => {
    const res = response();
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'X-Secret');
    res.setHeader('Content-Type', 'text/plain');
    applyCorsHeaders(res, ALLOWED);
    expect(headersOf(res)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'content-type': 'text/plain',
      vary: 'Origin',
    });
  });

  it('removes the CORS headers a denial does not have, and adds the debug header', () => {
    const res = response();
    res.setHeader('Access-Control-Allow-Origin', APP);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    applyCorsHeaders(res, DENIED);
    expect(headersOf(res)).toEqual({
      vary: 'Origin',
      'cors-denied': 'origin_not_allowed',
    });
  });

  it.each<[string, string | string[] | undefined, string]>([
    ['no Vary', undefined, 'Origin'],
    ['another field', 'Accept-Encoding', 'Accept-Encoding, Origin'],
    ['Origin in another case', 'origin', 'origin'],
    ['*', '*', '*'],
    ['a list', ['Accept', 'Cookie'], 'Accept, Cookie, Origin'],
  ])('merges Origin into Vary as the vary package does: %s', (_, set, vary) => {
    const res = response();
    if (set !== undefined) res.setHeader('Vary', set);
    applyCorsHeaders(res, ALLOWED);
    expect(res.getHeader('vary')).toBe(vary);
  });

  it('leaves Vary alone for a decision without one', () => {
    const res = response();
    res.setHeader('Vary', 'Accept');
    applyCorsHeaders(res, { ...ALLOWED, vary: undefined });
    expect(res.getHeader('vary')).toBe('Accept');
  });
});

describe('withCorsHeaders', () => {
  /** Headers a handler hands to writeHead(), forged CORS headers in any case among them. */
  const GIVEN: OutgoingHttpHeaders = {
    'X-A': '1',
    'access-control-allow-origin': '*',
    VARY: 'Accept',
    'Access-Control-Expose-Headers': 'X-Secret',
    'Content-Type': 'text/plain',
  };

  it('returns a flat list where nothing is set on the response, which it leaves untouched: the given headers but CORS ones, then the decision’s', () => {
    const res = response();
    expect(withCorsHeaders(res, ALLOWED, GIVEN)).toEqual([
      'X-A',
      '1',
      'Content-Type',
      'text/plain',
      'access-control-allow-origin',
      APP,
      'access-control-allow-credentials',
      'true',
      'VARY',
      'Accept, Origin',
    ]);
    expect(res.getHeaderNames()).toEqual([]);
  });

  it('returns an object where headers are set, and removes from the response the CORS headers the decision does not have', () => {
    const res = response();
    res.setHeader('Access-Control-Allow-Origin', APP);
    res.setHeader('Vary', 'Cookie');
    const headers = withCorsHeaders(res, DENIED, { 'X-A': '1' });
    expect(Object.getPrototypeOf(headers)).toBeNull();
    expect({ ...headers }).toEqual({
      'X-A': '1',
      Vary: 'Cookie, Origin',
      'cors-denied': 'origin_not_allowed',
    });
    expect(headersOf(res)).toEqual({ vary: 'Cookie' });
  });

  it('returns an object on an outgoing message that is not a server response', () => {
    const message = new OutgoingMessage();
    expect({ ...withCorsHeaders(message, ALLOWED, { 'X-A': '1' }) }).toEqual({
      'X-A': '1',
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      Vary: 'Origin',
    });
  });

  it.each([
    ['nothing set before (a list)', false],
    ['a header set before (an object)', true],
  ])(
    "sends, through Node's writeHead(), the given headers with the decision's in place of the forged ones: %s",
    async (_, setBefore) => {
      const server = createServer((_req, res) => {
        if (setBefore) res.setHeader('X-Before', 'b');
        // A list or an object, as withCorsHeaders() chose: writeHead() takes either.
        res.writeHead(
          200,
          withCorsHeaders(res, ALLOWED, GIVEN) as OutgoingHttpHeader[],
        );
        res.end('ok');
      });
      const res = await request(server).get('/');
      expect(res.text).toBe('ok');
      expect(res.headers).toMatchObject({
        'x-a': '1',
        'content-type': 'text/plain',
        'access-control-allow-origin': APP,
        'access-control-allow-credentials': 'true',
        vary: 'Accept, Origin',
        ...(setBefore && { 'x-before': 'b' }),
      });
      expect(res.headers['access-control-expose-headers']).toBeUndefined();
    },
  );
});

describe('answerPreflight', () => {
  /** What a client receives for a preflight answered with `decision`. */
  const answered = (decision: CorsDecision) =>
    request(
      createServer((_req, res) => answerPreflight(res, decision)),
    ).options('/');

  it("answers an allowed preflight with 204, the decision's headers and Vary, and no body", async () => {
    const res = await answered({
      allowed: true,
      code: 'allowed',
      status: 204,
      headers: {
        'access-control-allow-origin': APP,
        'access-control-allow-methods': 'PUT',
      },
      vary: 'Origin, Access-Control-Request-Method',
    });
    expect([res.status, res.text]).toEqual([204, '']);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'PUT',
      vary: 'Origin, Access-Control-Request-Method',
    });
    expect(res.headers['content-length']).toBeUndefined();
  });

  it('answers a refused preflight with its status, Content-Length 0 and the debug header', async () => {
    const res = await answered({ ...DENIED, status: 403 });
    expect([res.status, res.text]).toEqual([403, '']);
    expect(res.headers).toMatchObject({
      'content-length': '0',
      vary: 'Origin',
      'cors-denied': 'origin_not_allowed',
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
