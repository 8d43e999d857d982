// The three browser engines behind one small interface, each driven the way Debian packages it:
// Chromium by playwright-core, Firefox ESR by puppeteer-core over WebDriver BiDi, WebKitGTK's
// MiniBrowser by selenium-webdriver through WebKitWebDriver. Nothing here downloads a browser.
//
//   const engine = await launch('firefox');
//   const page = await engine.open('http://localhost:5173/'); // a fresh profile per page
//   await page.evaluate((a) => a + 1, 1); // 2; async functions are awaited
//   await page.screenshot('/tmp/page.png');
//   await page.close();
//   await engine.close();
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { Builder } from 'selenium-webdriver';

export const ENGINES = ['chromium', 'firefox', 'webkit'];

export const APT_INSTALL =
  'apt-get install -y --no-install-recommends chromium firefox-esr webkit2gtk-driver xvfb xauth';

const PATHS = {
  chromium: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  firefox: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
  webkit:
    process.env.WEBKIT_PATH ??
    '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  webkitDriver: '/usr/bin/WebKitWebDriver',
  xvfb: '/usr/bin/Xvfb',
};

const VIEWPORT = { width: 1280, height: 900 };

/**
 * How long a WebKit session may take to start, a page to load or a script to run, in ms:
 * Playwright's and Puppeteer's default for page loads.
 */
const TIMEOUT = 30_000;

/** `promise`, or a rejection after TIMEOUT ms, in which case `cleanUp()` runs. */
function withTimeout(promise, what, cleanUp) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      cleanUp();
      reject(new Error(`${what} did not start within ${TIMEOUT} ms`));
    }, TIMEOUT);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The engines `BROWSERS=chromium,firefox` names, all three by default. */
export function selectedEngines(list = process.env.BROWSERS) {
  if (!list) return ENGINES;
  const names = list.split(',').map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !ENGINES.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `BROWSERS=${list}: unknown engine ${unknown.join(', ')}; choose among ${ENGINES.join(', ')}`,
    );
  }
  return ENGINES.filter((name) => names.includes(name));
}

function requireFile(path, what) {
  if (!existsSync(path)) {
    throw new Error(
      `${what} not found at ${path}. Install the browser suite's engines with \`${APT_INSTALL}\`.`,
    );
  }
}

/** Starts the engine `name`; resolves to `{ name, open(url), close() }`. */
export function launch(name) {
  const launchers = {
    chromium: chromiumEngine,
    firefox: firefoxEngine,
    webkit: webkitEngine,
  };
  if (!Object.hasOwn(launchers, name)) {
    throw new Error(
      `no engine named ${name}; choose among ${ENGINES.join(', ')}`,
    );
  }
  return launchers[name]();
}

async function chromiumEngine() {
  requireFile(PATHS.chromium, 'Chromium (CHROMIUM_PATH)');
  const browser = await chromium.launch({
    executablePath: PATHS.chromium,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    name: 'chromium',
    async open(url) {
      const context = await browser.newContext({ viewport: VIEWPORT });
      const page = await context.newPage();
      await page.goto(url);
      return {
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        screenshot: (path) => page.screenshot({ path, fullPage: true }),
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

async function firefoxEngine() {
  requireFile(PATHS.firefox, 'Firefox ESR (FIREFOX_PATH)');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: PATHS.firefox,
    headless: true,
  });
  return {
    name: 'firefox',
    async open(url) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport(VIEWPORT);
      await page.goto(url);
      return {
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        screenshot: (path) => page.screenshot({ path, fullPage: true }),
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

/** Ends `child` when this process exits, so that a crashed run leaves no process behind. */
function stopWithProcess(child) {
  const stop = () => child.kill();
  process.once('exit', stop);
  return () => {
    process.off('exit', stop);
    if (child.exitCode === null && child.signalCode === null) child.kill();
  };
}

/** Starts an X server on a free display number; resolves to `{ display, stop() }`. */
function startXvfb() {
  requireFile(PATHS.xvfb, 'Xvfb (WebKitGTK needs a display)');
  const xvfb = spawn(
    PATHS.xvfb,
    ['-displayfd', '3', '-screen', '0', '1920x1080x24', '-nolisten', 'tcp'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
  );
  const stop = stopWithProcess(xvfb);
  let stderr = '';
  xvfb.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    let number = '';
    xvfb.stdio[3].on('data', (chunk) => {
      number += chunk;
      if (number.endsWith('\n'))
        resolve({ display: `:${number.trim()}`, stop });
    });
    xvfb.once('exit', (code) => {
      stop();
      reject(new Error(`Xvfb exited (${code}) before it was ready: ${stderr}`));
    });
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts WebKitWebDriver on a free port, resolving once it answers `/status`. */
async function startWebKitDriver(env) {
  const port = await freePort();
  const driver = spawn(PATHS.webkitDriver, [`--port=${port}`], {
    env,
    stdio: 'ignore',
  });
  const stop = stopWithProcess(driver);
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (driver.exitCode !== null) break;
    const ready = await fetch(`${url}/status`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  stop();
  throw new Error(`WebKitWebDriver did not start on port ${port}`);
}

/**
 * WebKitGTK has no headless mode: it draws on $DISPLAY, or on an Xvfb started here. Each page is
 * a WebDriver session of its own, that is a MiniBrowser with an ephemeral profile.
 */
async function webkitEngine() {
  requireFile(PATHS.webkit, 'WebKitGTK MiniBrowser (WEBKIT_PATH)');
  requireFile(PATHS.webkitDriver, 'WebKitWebDriver');
  const xvfb = process.env.DISPLAY ? undefined : await startXvfb();
  let server;
  try {
    server = await startWebKitDriver(
      xvfb ? { ...process.env, DISPLAY: xvfb.display } : process.env,
    );
  } catch (error) {
    xvfb?.stop();
    throw error;
  }
  return {
    name: 'webkit',
    async open(url) {
      const session = new Builder()
        .usingServer(server.url)
        .withCapabilities({
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': {
            binary: PATHS.webkit,
            args: ['--automation'],
          },
          timeouts: { script: TIMEOUT, pageLoad: TIMEOUT },
        })
        .build();
      const driver = await withTimeout(session, 'a WebKit session', () =>
        session.then((late) => late.quit()).catch(() => {}),
      );
      try {
        await driver.manage().window().setRect(VIEWPORT);
        await driver.get(url);
      } catch (error) {
        await driver.quit();
        throw error;
      }
      return {
        async evaluate(fn, arg) {
          const result = await driver.executeAsyncScript(
            `const [arg, done] = arguments;
            Promise.resolve()
              .then(() => (${fn})(arg))
              .then((value) => done({ value }), (error) => done({ error: String(error) }));`,
            arg,
          );
          if ('error' in result) throw new Error(result.error);
          return result.value;
        },
        async screenshot(path) {
          // WebKitGTK can hand out a frame painted long before: wait for two fresh ones.
          await this.evaluate(
            () =>
              new Promise((painted) =>
                requestAnimationFrame(() => requestAnimationFrame(painted)),
              ),
          );
          await writeFile(path, await driver.takeScreenshot(), 'base64');
        },
        close: () => driver.quit(),
      };
    },
    close: async () => {
      server.stop();
      xvfb?.stop();
    },
  };
}
