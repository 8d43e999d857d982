import { ExpressAdapter } from '@nestjs/platform-express';
import { CorsModule } from '../../src/index.js';
import { createTestApp } from '../support/test-app.js';

class CustomAdapter extends ExpressAdapter {
  override getType() {
    return 'custom';
  }
}

describe('an HTTP adapter the module does not know', () => {
  it('fails bootstrap, naming the adapter and the supported ones', async () => {
    await expect(
      createTestApp({
        cors: CorsModule.forRoot({
          default: { origin: ['https://a.example.com'] },
        }),
        httpAdapter: new CustomAdapter(),
      }),
    ).rejects.toThrow(/Express and Fastify adapters.*runs on "custom"/);
  });
});
