import { describe, expect, it } from '@jest/globals';
import { Controller, Get, Inject, Injectable, Module } from '@nestjs/common';
import {
  CORS_MODULE_OPTIONS,
  CorsModule,
  type CorsModuleAsyncOptions,
  type CorsModuleOptions,
  type CorsOptionsFactory,
} from '../../src/index.js';
import { http } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';

const ORIGIN = 'https://app.example.com';

@Injectable()
class Settings implements CorsOptionsFactory {
  createCorsOptions() {
    return { default: { origin: [ORIGIN] } };
  }
}

@Module({ providers: [Settings], exports: [Settings] })
class SettingsModule {}

@Controller('options')
class OptionsController {
  constructor(
    @Inject(CORS_MODULE_OPTIONS) private readonly options: CorsModuleOptions,
  ) {}

  @Get()
  read() {
    return this.options.default;
  }
}

describe.each(ADAPTERS)(
  'forRootAsync with the exported types (%s)',
  (adapter) => {
    const variants: Record<string, CorsModuleAsyncOptions> = {
      useClass: { useClass: Settings },
      useExisting: { imports: [SettingsModule], useExisting: Settings },
    };

    it.each(Object.entries(variants))(
      'takes the options a CorsOptionsFactory builds (%s), and provides them under CORS_MODULE_OPTIONS',
      async (_, options) => {
        const app = await createTestApp({
          adapter,
          cors: CorsModule.forRootAsync(options),
          controllers: [OptionsController],
        });
        const res = await http(app).get('/options').set('Origin', ORIGIN);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ origin: [ORIGIN] });
        expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
        await app.close();
      },
    );
  },
);
