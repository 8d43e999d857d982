import { describe, it } from '@jest/globals';
import { Controller, Get, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { CorsModule } from '../../src/index.js';
import { allows, expectAnswer } from '../support/answers.js';
import { http } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

/** Node's `writeHeader()`, the alias of `writeHead()` its HTTP/1 response keeps. */
type WithWriteHeader = ServerResponse & {
  writeHeader: ServerResponse['writeHead'];
};

@Controller('raw')
class RawController {
  /** Writes through Node's response, with a CORS header of its own that must not go out. */
  @Get()
  write(@Res() res: { raw?: ServerResponse } & ServerResponse) {
    const node = (res.raw ?? res) as WithWriteHeader;
    node.writeHeader(200, {
      'Content-Type': 'text/plain',
      'Access-Control-Allow-Origin': '*',
    });
    node.end('raw');
  }
}

describe.each(ADAPTERS)('writeHeader() (%s)', (adapter) => {
  it("issue 22 case 8: gets the same headers as writeHead(), in place of the handler's own", async () => {
    const app = await createTestApp({
      adapter,
      cors: CorsModule.forRoot({ default: { origin: [APP] } }),
      controllers: [RawController],
    });
    expectAnswer(
      await http(app).get('/raw').set('Origin', APP),
      200,
      allows(APP),
      'raw',
    );
    expectAnswer(
      await http(app).get('/raw').set('Origin', EVIL),
      200,
      {},
      'raw',
    );
    await app.close();
  });
});
