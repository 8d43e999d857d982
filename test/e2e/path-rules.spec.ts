import { describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CorsModule } from '../../src/index.js';
import { corsHeaders } from '../support/answers.js';
import { http } from '../support/requests.js';
import { createTestApp } from '../support/test-app.js';

const APP = 'https://app.example.com';

describe('paths rules against a lenient router (express)', () => {
  it('gives a path the router reads as a covered one no more than the rule allows', async () => {
    const app = await createTestApp({
      adapter: 'express',
      cors: CorsModule.forRoot({
        default: { origin: [APP] },
        paths: [{ path: '/admin*', policy: false }],
      }),
      configure: (nest) =>
        (nest as NestExpressApplication).use(
          '/admin',
          (_req: unknown, res: { end(body: string): void }) => res.end('admin'),
        ),
    });
    const answers: Array<[string, number, string, object]> = [];
    for (const path of ['/admin/x', '/ADMIN/x', '/%61dmin/x', '/other']) {
      const res = await http(app).get(path).set('Origin', APP);
      answers.push([path, res.status, res.text, corsHeaders(res.headers)]);
    }
    expect(answers).toEqual([
      ['/admin/x', 200, 'admin', {}],
      ['/ADMIN/x', 200, 'admin', {}],
      ['/%61dmin/x', expect.any(Number), expect.any(String), {}],
      [
        '/other',
        404,
        expect.any(String),
        { 'access-control-allow-origin': APP },
      ],
    ]);
    await app.close();
  });
});
