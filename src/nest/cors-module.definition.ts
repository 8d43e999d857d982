import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CorsModuleOptions } from './cors-module-options.interface.js';

export const {
  ConfigurableModuleClass: ConfigurableCorsModule,
  MODULE_OPTIONS_TOKEN: CORS_MODULE_OPTIONS,
  OPTIONS_TYPE: CORS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CORS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<Omit<CorsModuleOptions, 'isGlobal'>>({
  moduleName: 'Cors',
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createCorsOptions')
  .setExtras({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
