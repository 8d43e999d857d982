import { describe, expect, it } from '@jest/globals';
import { compilePolicy } from './compile-policy.js';
import type { CompiledCorsPolicy } from './compiled-policy.js';
import { formatIssue } from './config-issue.js';
import type { CorsPolicyOptions } from './cors-policy-options.js';
import { describePolicy } from './describe-policy.js';

function compiled(options: CorsPolicyOptions): CompiledCorsPolicy {
  const { policy, issues } = compilePolicy('test', 'policy "test"', options);
  if (!policy) throw new Error(issues.map(formatIssue).join('\n'));
  return policy;
}

const describeOptions = (options: CorsPolicyOptions) =>
  describePolicy(compiled(options));

describe('describePolicy', () => {
  it('lists origins as written and every name sorted, with the defaults a policy implies', () => {
    expect(
      describeOptions({
        origin: [
          'https://b.example.com',
          /^https:\/\/[a-z]+\.regex\.dev$/i,
          'http://localhost:*',
          'https://*.a.example.com:8443',
          'null',
        ],
        allowNullOrigin: true,
        allowedHeaders: ['X-Token', 'Content-Type'],
        exposedHeaders: 'X-Total, ETag',
      }),
    ).toEqual({
      origins: [
        '/^https:\\/\\/[a-z]+\\.regex\\.dev$/i',
        'http://localhost:*',
        'https://*.a.example.com:8443',
        'https://b.example.com',
        'null',
      ],
      methods: [
        'DELETE',
        'GET',
        'HEAD',
        'PATCH',
        'POST',
        'PUT',
        "(the route's own)",
      ],
      allowedHeaders: ['content-type', 'x-token'],
      exposedHeaders: ['etag', 'x-total'],
      credentials: false,
      privateNetwork: false,
    });
  });

  it("shows configured methods with the safelisted ones, without the route's own", () => {
    expect(
      describeOptions({ origin: ['https://a.example.com'], methods: ['PUT'] })
        .methods,
    ).toEqual(['GET', 'HEAD', 'POST', 'PUT']);
  });

  it("shows '*' for anything allowed to any origin", () => {
    expect(
      describeOptions({
        origin: '*',
        methods: '*',
        allowedHeaders: '*',
        exposedHeaders: '*',
      }),
    ).toEqual({
      origins: ['*'],
      methods: ['*'],
      allowedHeaders: ['*'],
      exposedHeaders: ['*'],
      credentials: false,
      privateNetwork: false,
    });
  });

  it('tells an echoed origin from an answered *, and names origin functions', () => {
    function isPartner(origin: string) {
      return origin.endsWith('.partner.dev');
    }
    expect(describeOptions({ origin: true }).origins).toEqual([
      '* (echoed back)',
    ]);
    expect(describeOptions({ origin: isPartner }).origins).toEqual([
      'function isPartner',
    ]);
    const [anonymous] = [() => true];
    expect(describeOptions({ origin: anonymous }).origins).toEqual([
      'function (anonymous)',
    ]);
  });

  it('describes credentials, private network access and a report-only candidate', () => {
    expect(
      describeOptions({
        origin: ['https://a.example.com', 'https://b.example.com'],
        credentials: true,
        methods: ['GET'],
        allowPrivateNetwork: true,
        reportOnly: { origin: ['https://a.example.com'], methods: ['GET'] },
      }),
    ).toEqual({
      origins: ['https://a.example.com', 'https://b.example.com'],
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: ['*'],
      exposedHeaders: [],
      credentials: true,
      privateNetwork: true,
      reportOnly: {
        origins: ['https://a.example.com'],
        methods: ['GET', 'HEAD', 'POST'],
        allowedHeaders: ['*'],
        exposedHeaders: [],
        credentials: false,
        privateNetwork: false,
      },
    });
  });

  it('describes the same policy the same way, whatever order and case it was written in', () => {
    expect(
      describeOptions({
        origin: ['https://b.example.com', 'https://a.example.com'],
        methods: ['PUT', 'DELETE'],
        allowedHeaders: ['X-B', 'x-a'],
        exposedHeaders: ['X-B', 'x-a'],
      }),
    ).toEqual(
      describeOptions({
        origin: ['https://a.example.com', 'https://b.example.com'],
        methods: ['DELETE', 'PUT'],
        allowedHeaders: ['x-a', 'x-b'],
        exposedHeaders: ['x-a', 'x-b'],
      }),
    );
  });
});
