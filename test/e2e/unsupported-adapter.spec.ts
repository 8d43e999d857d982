import { Module } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { CorsModule } from '../../src/index.js';

class CustomAdapter extends ExpressAdapter {
  override getType() {
    return 'custom';
  }
}

describe('an HTTP adapter the module does not know', () => {
  it('fails bootstrap, naming the adapter and the supported ones', async () => {
    @Module({
      imports: [
        CorsModule.forRoot({ default: { origin: ['https://a.example.com'] } }),
      ],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule],
    }).compile();
    const app = moduleRef.createNestApplication(new CustomAdapter(), {
      logger: false,
    });
    await expect(app.init()).rejects.toThrow(
      /Express and Fastify adapters.*runs on "custom"/,
    );
  });
});
