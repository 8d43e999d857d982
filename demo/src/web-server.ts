import { readFile } from 'node:fs/promises';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { extname } from 'node:path';

const PUBLIC = new URL('../public/', import.meta.url);
const JAVASCRIPT = 'text/javascript; charset=utf-8';
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': JAVASCRIPT,
  '.css': 'text/css; charset=utf-8',
};

/**
 * Serves the playground: the files of `demo/public` (flat names only) and `/config.js`, which
 * tells the page where the API is. No framework, no build step.
 */
export function createWebServer(apiUrl: () => string): Server {
  return createServer((req, res) => {
    serve(req, res, apiUrl).catch(() => res.destroy());
  });
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  apiUrl: () => string,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  res.setHeader('Cache-Control', 'no-store');
  if (path === '/config.js') {
    res.setHeader('Content-Type', JAVASCRIPT);
    res.end(`window.API = ${JSON.stringify(apiUrl())};\n`);
    return;
  }
  const name = path === '/' ? 'index.html' : path.slice(1);
  const type = TYPES[extname(name)];
  // One plain file name: nothing like `../` can reach outside demo/public.
  if (type && /^[\w-]+\.\w+$/.test(name)) {
    try {
      const body = await readFile(new URL(name, PUBLIC));
      res.setHeader('Content-Type', type);
      res.end(body);
      return;
    } catch {
      // not there: 404 below
    }
  }
  res.statusCode = 404;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end('Not found\n');
}
