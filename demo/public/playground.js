// The playground: runs cross-origin fetch calls against the API (window.API, from /config.js)
// and shows what the browser let this page read, next to the server's explanation.
const API = window.API;
const json = { 'Content-Type': 'application/json' };
// A form's body: its Content-Type is CORS-safelisted, so a POST of it needs no preflight.
const form = new URLSearchParams({ note: 'hello' });

/** Each case is one fetch; `header` reads a response header instead of the body. */
const CASES = [
  { id: 'simple-get', label: 'Simple GET', path: '/api/hello-world' },
  {
    id: 'credentialed-get',
    label: 'Credentialed GET (cookie)',
    path: '/api/session',
    credentials: 'include',
  },
  {
    id: 'preflighted-put',
    label: 'PUT with JSON and X-Demo-Token',
    method: 'PUT',
    path: '/api/profile',
    headers: { ...json, 'X-Demo-Token': 'demo' },
    body: '{"name":"Ada"}',
  },
  {
    id: 'header-not-allowed',
    label: 'PUT with a header outside the policy',
    method: 'PUT',
    path: '/api/profile',
    headers: { ...json, 'X-Debug': '1' },
    body: '{"name":"Ada"}',
  },
  {
    id: 'exposed-header',
    label: 'Read an exposed header',
    path: '/api/hello-world',
    header: 'X-Request-Id',
  },
  {
    id: 'hidden-header',
    label: 'Read a header not exposed',
    path: '/api/hello-world',
    header: 'X-Internal-Trace',
  },
  { id: 'guard-401', label: "A guard's 401", path: '/api/private' },
  {
    id: 'malformed-json',
    label: 'Malformed JSON: 400',
    method: 'PUT',
    path: '/api/profile',
    headers: json,
    body: '{"name":',
  },
  { id: 'not-found', label: 'Unknown route: 404', path: '/api/nope' },
  {
    id: 'disabled-route',
    label: '@CorsPolicy(false)',
    path: '/api/closed',
  },
  {
    id: 'controller-policy',
    label: "Controller's policy (partners)",
    path: '/api/partners',
  },
  {
    id: 'handler-delete',
    label: "DELETE with the handler's policy (default)",
    method: 'DELETE',
    path: '/api/partners/7',
  },
  {
    id: 'inline-public',
    label: "Inline policy: origin '*'",
    path: '/api/public',
  },
  {
    id: 'provider-tenant',
    label: 'Provider policy (TenantCorsPolicy)',
    path: '/api/tenant',
  },
  {
    id: 'wildcard-previews',
    label: 'Wildcard subdomains (previews)',
    path: '/api/previews',
  },
  // Without a preflight, a write reaches the API from any page: Nest's CSRF check decides.
  {
    id: 'csrf-trusted',
    label: 'CSRF check: a POST under a policy with credentials',
    method: 'POST',
    path: '/api/notes',
    body: form,
    credentials: 'include',
  },
  {
    id: 'csrf-untrusted',
    label: "CSRF check: a POST under origin '*', never with credentials",
    method: 'POST',
    path: '/api/notes/public',
    body: form,
  },
];

const $ = (selector) => document.querySelector(selector);

/** An element with text content and attributes. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

/** The preflight a browser sends for a case, or undefined when it needs none. */
function preflightOf({ method = 'GET', headers = {} }) {
  // Content-Type: application/json and custom headers are not CORS-safelisted.
  const names = Object.keys(headers).map((name) => name.toLowerCase());
  if (['GET', 'HEAD', 'POST'].includes(method) && names.length === 0) return;
  return { requestMethod: method, requestHeaders: names.sort().join(',') };
}

async function explain(query) {
  const response = await fetch(
    `${API}/api/demo/explain?${new URLSearchParams(query)}`,
  );
  return response.json();
}

/** The fetch as the browser lets this page experience it. */
async function attempt(test) {
  try {
    const response = await fetch(API + test.path, {
      method: test.method ?? 'GET',
      headers: test.headers,
      body: test.body,
      credentials: test.credentials ?? 'same-origin',
      // Always ask the server: an HTTP-cache revalidation (304) would keep the CORS
      // headers of the cached response, hiding a policy change made with "Toggle".
      cache: 'no-store',
    });
    if (test.header) {
      const value = response.headers.get(test.header);
      return {
        outcome: value === null ? 'hidden' : 'readable',
        status: response.status,
        text: `${test.header}: ${value ?? '(not readable)'}`,
      };
    }
    const body = await response.text();
    return {
      outcome: 'readable',
      status: response.status,
      text: body.length > 90 ? `${body.slice(0, 90)}…` : body,
    };
  } catch (error) {
    // A CORS failure is deliberately opaque to the page: a TypeError, worded by each engine
    // ("Failed to fetch", "NetworkError when attempting to fetch resource.", "Load failed").
    return { outcome: 'blocked', text: String(error) };
  }
}

function describeExplanation(e) {
  const verdict = e.allowed ? 'allowed' : e.reason;
  const exposed = e.headers?.['access-control-expose-headers'];
  const headers = Object.entries(e.headers ?? {})
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
  return [
    el(
      'span',
      { class: e.allowed ? 'allowed' : 'denied' },
      `${e.policy ?? 'no policy'} → ${verdict}`,
    ),
    el(
      'span',
      { class: 'detail', title: headers },
      [
        e.preflight && 'preflight',
        `route ${e.route ?? 'none'}`,
        e.status && `status ${e.status}`,
        e.headers?.['access-control-allow-credentials'] && 'with credentials',
        exposed && `exposes ${exposed}`,
      ]
        .filter(Boolean)
        .join(', '),
    ),
  ];
}

async function runCase(test) {
  const method = test.method ?? 'GET';
  const preflight = preflightOf(test);
  const result = await attempt(test);
  const explanation = await explain({
    method: preflight ? 'OPTIONS' : method,
    path: test.path,
    origin: location.origin,
    ...preflight,
  }).catch((error) => ({ policy: null, reason: String(error) }));
  const notes = [
    test.credentials && 'credentials: include',
    ...Object.keys(test.headers ?? {}),
    !preflight && method !== 'GET' && 'no preflight',
  ].filter(Boolean);
  const badge =
    result.outcome === 'blocked'
      ? 'blocked by CORS'
      : result.outcome === 'hidden'
        ? 'header hidden'
        : `${result.status}`;
  return el(
    'tr',
    {
      'data-case': test.id,
      'data-outcome': result.outcome,
      'data-status': result.status ?? '',
      'data-explained': explanation.allowed ? 'allowed' : 'denied',
    },
    el('td', {}, test.label),
    el(
      'td',
      { class: 'request' },
      el('code', {}, `${method} ${test.path}`),
      el('span', { class: 'detail' }, notes.join(', ')),
    ),
    el(
      'td',
      { class: 'result' },
      el('span', { class: 'badge' }, badge),
      el('span', { class: 'detail' }, result.text),
    ),
    el('td', { class: 'explanation' }, ...describeExplanation(explanation)),
  );
}

/**
 * Opens the API's WebSocket gateway and sends `echo`: resolves to `connected` with what came
 * back, or to `refused` when the connection closes before it opens. A browser tells a page
 * nothing more about a refused handshake.
 */
function talkToGateway(url) {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.onopen = () =>
      socket.send(JSON.stringify({ event: 'echo', data: 'hello' }));
    socket.onmessage = (event) => {
      resolve({ outcome: 'connected', echo: JSON.parse(event.data).data });
      socket.close();
    };
    socket.onclose = (event) =>
      resolve({ outcome: 'refused', code: event.code });
  });
}

async function runGateway() {
  const url = `${API.replace(/^http/, 'ws')}/ws`;
  $('#gateway-url').textContent = url;
  const result = await talkToGateway(url);
  $('#gateway').dataset.outcome = result.outcome;
  $('#gateway-outcome').textContent = result.outcome;
  $('#gateway-detail').textContent =
    result.outcome === 'connected'
      ? `echo: ${JSON.stringify(result.echo)}`
      : `closed with code ${result.code}: the handshake was refused`;
}

async function runAll() {
  document.body.dataset.ready = 'false';
  const rows = [];
  // One at a time, so that the credentialed case sees the cookie of the previous run.
  for (const test of CASES) rows.push(await runCase(test));
  $('#cases').replaceChildren(...rows);
  await runGateway();
  const preflights = await fetch(`${API}/api/demo/preflights`)
    .then((r) => r.json())
    .catch(() => ({ total: '?' }));
  $('#preflights').textContent = preflights.total;
  const metrics = await fetch(`${API}/api/demo/metrics`)
    .then((r) => r.text())
    .catch((error) => String(error));
  $('#metrics').textContent = metrics
    .split('\n')
    .filter((line) => line.startsWith('cors_decisions_total{'))
    .join('\n');
  document.body.dataset.ready = 'true';
}

async function toggleTenant() {
  const url = `${API}/api/demo/tenant-origins`;
  const { origins } = await fetch(url).then((r) => r.json());
  const next = origins.includes(location.origin)
    ? origins.filter((origin) => origin !== location.origin)
    : [...origins, location.origin];
  const saved = await fetch(url, {
    method: 'PUT',
    headers: json,
    body: JSON.stringify({ origins: next }),
  }).then(
    (response) => response.ok,
    () => false,
  );
  $('#toggle-refused').hidden = saved;
  await runAll();
}

$('#explain-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const query = Object.fromEntries(new FormData(event.target));
  const result = await explain(query).catch((error) => ({
    error: String(error),
  }));
  $('#explain-result').textContent = JSON.stringify(result, null, 2);
  $('#explain-result').className = '';
});

$('#page-origin').textContent = location.origin;
$('#api-origin').textContent = API;
$('#partner-link').href = `http://127.0.0.1:${location.port}/`;
$('#explain-form').elements.origin.value = location.origin;
$('#run').addEventListener('click', runAll);
$('#toggle-tenant').addEventListener('click', toggleTenant);
runAll();
