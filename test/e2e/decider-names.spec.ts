import { describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import {
  type CorsDecisionEvent,
  CorsModule,
  CorsService,
} from '../../src/index.js';
import { http } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

@Controller('items')
class ItemsController {
  @Get()
  list() {
    return 'items';
  }
}

describe.each(ADAPTERS)('what decisions are called (%s)', (adapter) => {
  it('names a paths rule as explain() does, and a route or no route as they are', async () => {
    const events: CorsDecisionEvent[] = [];
    const app = await createTestApp({
      adapter,
      cors: CorsModule.forRoot({
        default: { origin: [APP] },
        paths: [{ path: '/graphql', policy: { origin: [APP] } }],
        onDecision: (event) => events.push(event),
      }),
      controllers: [ItemsController],
    });
    for (const path of ['/graphql', '/items', '/nowhere'])
      await http(app).get(path).set('Origin', EVIL);
    const explained = await Promise.all(
      ['/graphql', '/items', '/nowhere'].map((path) =>
        app.get(CorsService).explain({ method: 'GET', path, origin: EVIL }),
      ),
    );
    expect(events.map(({ route, policy }) => [route, policy])).toEqual([
      ['paths /graphql', 'paths /graphql'],
      ['ItemsController#list', 'default'],
      ['(no route)', 'default'],
    ]);
    expect(explained.map(({ route }) => route)).toEqual([
      'paths /graphql',
      'ItemsController#list',
      null,
    ]);
    await app.close();
  });
});
