import { Controller, Get } from '@nestjs/common';

@Controller()
export class AppController {
  @Get('hello-world')
  hello() {
    return { message: 'Hello, world!' };
  }
}
