import {
  type ConfigurableModuleAsyncOptions,
  ConfigurableModuleBuilder,
} from '@nestjs/common';
import type { CorsModuleOptions } from './cors-module-options.interface.js';

/** What `createCorsOptions()` and `useFactory` return: every option but `isGlobal`. */
type CorsFactoryOptions = Omit<CorsModuleOptions, 'isGlobal'>;

export const {
  ConfigurableModuleClass: ConfigurableCorsModule,
  MODULE_OPTIONS_TOKEN,
} = new ConfigurableModuleBuilder<CorsFactoryOptions>({
  moduleName: 'Cors',
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createCorsOptions')
  .setExtras({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();

/**
 * The injection token of the module's options, as `forRoot()` or `forRootAsync()` resolved
 * them: `@Inject(CORS_MODULE_OPTIONS) options: CorsModuleOptions`.
 *
 * @publicApi
 */
export const CORS_MODULE_OPTIONS: string | symbol = MODULE_OPTIONS_TOKEN;

/**
 * A class that builds the module's options, for `forRootAsync({ useClass })` or
 * `forRootAsync({ useExisting })`.
 *
 * @publicApi
 */
export interface CorsOptionsFactory {
  createCorsOptions(): CorsFactoryOptions | Promise<CorsFactoryOptions>;
}

/**
 * The options of `CorsModule.forRootAsync()`: `useFactory` with `inject`, `useClass` or
 * `useExisting` (a `CorsOptionsFactory`), `imports`, and `isGlobal`.
 *
 * @publicApi
 */
export type CorsModuleAsyncOptions = ConfigurableModuleAsyncOptions<
  CorsFactoryOptions,
  'createCorsOptions'
> & {
  /** Make `CorsService` injectable everywhere without importing the module. Default: `false`. */
  isGlobal?: boolean;
};
