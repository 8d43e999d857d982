import { Module } from '@nestjs/common';
import { CorsModule } from 'nestjs-cors-policy';
import { AppController } from './app.controller.js';

@Module({
  imports: [
    CorsModule.forRoot({
      default: { origin: ['http://localhost:5173'] },
    }),
  ],
  controllers: [AppController],
})
export class AppModule {}
