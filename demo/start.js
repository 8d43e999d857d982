// `npm start`: builds what is missing, then serves the API and the playground until Ctrl-C.
import { ensureBuilt } from './build.js';

// Debian's WebKitGTK browser, from libwebkit2gtk-4.1-0 (a dependency of webkit2gtk-driver).
const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

function port(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be a port number, not ${process.env[name]}`);
  }
  return value;
}

ensureBuilt();
// Typed by its source: dist/ may not be built when the scripts are type-checked.
/** @type {typeof import('./src/main.js')} */
const { startDemo } = await import(
  new URL('./dist/main.js', import.meta.url).href
);
const demo = await startDemo({
  apiPort: port('API_PORT', 53706),
  webPort: port('WEB_PORT', 5173),
});
const page = `${demo.webUrl}/`;
console.log(`
  Playground: ${page}
  API:        ${demo.apiUrl}/api/hello-world
  Partner view (another origin):  http://127.0.0.1:${demo.webPort}/
  Previews view (a subdomain):    http://app.localhost:${demo.webPort}/

Open it in any browser. The engines the browser suite runs, on Debian:
  Chromium:     chromium ${page}
  Firefox:      firefox-esr ${page}
  WebKitGTK:    ${MINIBROWSER} ${page}
  (installed by: apt-get install -y --no-install-recommends chromium firefox-esr webkit2gtk-driver)

Press Ctrl-C to stop.`);

let stopping = false;
async function stop(signal) {
  if (stopping) process.exit(1); // a second Ctrl-C: give up waiting
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await demo.close();
  console.log('API and playground stopped.');
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
