// Shared by the wall display and the on-call page: colours, labels, API calls and the live SignalR connection.
import { clockTime, ensureLanguage, t } from './i18n.js';
import { raisedMs } from './wall-groups.js';

export const COLOURS = { red: '#e53935', orange: '#fb8c00', yellow: '#fdd835', blue: '#1e88e5', none: '#546e7a' };
export const LEVEL_RANK = { none: 0, blue: 1, yellow: 2, orange: 3, red: 4 };
export const LEVEL_LABEL = { red: '红 I', orange: '橙 II', yellow: '黄 III', blue: '蓝 IV', none: '—' };
export const STATE_LABEL = {
  open: 'open', acknowledged: 'acknowledged', in_progress: 'in progress', resolved: 'resolved', closed: 'closed',
};
// Minutes an alert may stay unacknowledged before it escalates (DESIGN.md §6 defaults).
export const ACK_TIMEOUT_MIN = { red: 5, orange: 15, yellow: 60, blue: 240 };

// ---- Sign-in (issue 11): the API and the hub want a bearer token; the pages themselves are anonymous. ----
// The token endpoint's answer is kept as it came, under one key, and counts as absent once `expiresAt` has passed.
const AUTH_KEY = 'rm.auth';

/**
 * The stored sign-in ({accessToken, tokenType, issuedAt, expiresAt, name, displayName, roles, regions}), or null. A
 * sign-in at the identity provider (OIDC mode) adds {source: 'oidc', refreshToken, tokenEndpoint, clientId}.
 */
export function currentAuth() {
  try {
    const auth = JSON.parse(localStorage.getItem(AUTH_KEY) ?? 'null');
    return auth?.accessToken && new Date(auth.expiresAt).getTime() > Date.now() ? auth : null;
  } catch {
    return null;
  }
}

/** The signed-in person's name: what the server records as the actor of every step. */
export const signedInName = () => currentAuth()?.name ?? null;

function clearAuth() {
  localStorage.removeItem(AUTH_KEY);
}

let overlay = null; // the sign-in form while it is shown
let started = false; // the page has loaded its data: a later sign-in reloads it rather than resuming
const waiting = []; // resolvers of requireSignIn()

/**
 * Resolves once a valid token is stored, showing the sign-in form until then; a page awaits it before loading any
 * data. Also puts "signed in as NAME · sign out" into the page's header. A page the identity provider sent back to
 * (`?code=…&state=…`, OIDC mode) first exchanges the code for a token.
 */
export async function requireSignIn() {
  await ensureLanguage(); // the sign-in form and the header speak the page's language
  const callback = oidcCallback();
  const auth = callback ? null : currentAuth();
  if (auth) {
    started = true;
    showIdentity(auth);
    return Promise.resolve(auth);
  }
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (callback) completeOidcSignIn(callback);
    else showSignIn();
  });
}

/** Shows the sign-in form over the page (once, however many requests were refused). */
export function showSignIn(reason = '') {
  openSignIn(reason);
}

/**
 * The overlay with its title, reason and error line at once; its body once /api/ui/config has said how this server
 * signs people in: the name and password form (built-in issuer) or the identity provider's button (OIDC).
 */
function openSignIn(reason = '', errorText = '') {
  const who = document.getElementById('who');
  if (who) { who.replaceChildren(); delete who.dataset.name; }
  if (overlay) {
    if (errorText) overlay.querySelector('#sign-in-error').textContent = errorText;
    return;
  }
  const error = el('p', { id: 'sign-in-error', class: 'sign-in-error', role: 'alert' }, errorText);
  const shown = el('div', { class: 'sign-in-overlay', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'sign-in-title' });
  overlay = shown;
  oidcSettings().then((oidc) => {
    if (overlay !== shown) return; // signed in meanwhile
    shown.append(oidc ? oidcForm(oidc, reason, error) : passwordForm(reason, error));
    document.body.append(shown);
    shown.querySelector('input, button')?.focus();
  });
}

function passwordForm(reason, error) {
  const user = el('input', { id: 'sign-in-user', name: 'username', autocomplete: 'username', required: '', maxlength: '100' });
  const password = el('input', { id: 'sign-in-password', name: 'password', type: 'password', autocomplete: 'current-password', required: '', maxlength: '1000' });
  const submit = el('button', { type: 'submit' }, t('signIn.submit'));
  return el('form', { id: 'sign-in', class: 'sign-in', onsubmit: (event) => { event.preventDefault(); signIn(); } },
    el('h2', { id: 'sign-in-title' }, t('signIn.title')),
    reason ? el('p', { class: 'sign-in-reason' }, reason) : null,
    el('label', {}, t('signIn.user'), user),
    el('label', {}, t('signIn.password'), password),
    submit,
    error);

  async function signIn() {
    submit.disabled = true;
    error.textContent = '';
    try {
      const response = await fetch('/api/auth/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ username: user.value.trim(), password: password.value }),
      });
      const payload = await readJson(response);
      if (!response.ok || !payload?.accessToken) {
        error.textContent = problemText(payload) || t('signIn.failed', { status: response.status });
        password.value = '';
        password.focus();
        return;
      }
      localStorage.setItem(AUTH_KEY, JSON.stringify(payload));
      signedIn(payload);
    } catch {
      error.textContent = t('signIn.unreachable');
    } finally {
      submit.disabled = false;
    }
  }
}

/** OIDC mode: one button that sends the browser to the identity provider (the code flow with PKCE). */
function oidcForm(oidc, reason, error) {
  const submit = el('button', { type: 'submit', id: 'sign-in-oidc' }, t('signIn.oidc'));
  return el('form', { id: 'sign-in', class: 'sign-in', onsubmit: (event) => { event.preventDefault(); go(); } },
    el('h2', { id: 'sign-in-title' }, t('signIn.title')),
    reason ? el('p', { class: 'sign-in-reason' }, reason) : null,
    submit,
    error);

  async function go() {
    submit.disabled = true;
    error.textContent = '';
    try {
      await beginOidcSignIn(oidc);
      // the browser is on its way to the identity provider; the button stays disabled
    } catch (e) {
      error.textContent = e?.message || 'The identity provider cannot be reached; try again.';
      submit.disabled = false;
    }
  }
}

// ---- OpenID Connect (Auth:Authority set): authorization code flow with PKCE, as a public client (no secret). ----
// The pages' own address (without query) is the redirect URI; the state, the PKCE verifier and where to return to
// wait in sessionStorage (this tab only) while the browser is at the identity provider.
const OIDC_PENDING_KEY = 'rm.oidc';
let uiConfigPromise = null;

/** /api/ui/config, fetched once (anonymously: it is what the pages need before anyone signs in). */
function uiConfig() {
  uiConfigPromise ??= fetch('/api/ui/config', { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(10_000) })
    .then((response) => (response.ok ? readJson(response) : null))
    .catch(() => null);
  return uiConfigPromise;
}

/** {authority, clientId, scope} in OIDC mode; null with the built-in issuer (or when the server cannot say). */
async function oidcSettings() {
  const auth = (await uiConfig())?.auth;
  return auth?.mode === 'oidc' && auth.authority ? auth : null;
}

async function discover(authority) {
  let response;
  try {
    response = await fetch(`${authority.replace(/\/+$/, '')}/.well-known/openid-configuration`, { headers: { Accept: 'application/json' } });
  } catch {
    throw new Error('The identity provider cannot be reached; try again.');
  }
  const metadata = await readJson(response);
  if (!response.ok || !metadata?.authorization_endpoint || !metadata?.token_endpoint) {
    throw new Error(`The identity provider's discovery document is not usable (${response.status}).`);
  }
  return metadata;
}

function base64Url(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const randomToken = (bytes = 32) => base64Url(crypto.getRandomValues(new Uint8Array(bytes)));

async function pkceChallenge(verifier) {
  return base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

async function beginOidcSignIn(oidc) {
  if (!crypto?.subtle) throw new Error('Signing in with the identity provider needs HTTPS (the browser offers no crypto.subtle here).');
  const metadata = await discover(oidc.authority);
  const state = randomToken(32);
  const verifier = randomToken(48); // 64 characters (RFC 7636: 43-128)
  const redirectUri = location.origin + location.pathname;
  sessionStorage.setItem(OIDC_PENDING_KEY, JSON.stringify({
    state,
    verifier,
    redirectUri,
    returnTo: location.pathname + location.search + location.hash,
    tokenEndpoint: metadata.token_endpoint,
    clientId: oidc.clientId,
  }));
  const url = new URL(metadata.authorization_endpoint);
  for (const [key, value] of Object.entries({
    response_type: 'code',
    client_id: oidc.clientId,
    redirect_uri: redirectUri,
    scope: oidc.scope || 'openid',
    state,
    code_challenge: await pkceChallenge(verifier),
    code_challenge_method: 'S256',
  })) url.searchParams.set(key, value);
  location.assign(url.toString());
}

/** The identity provider's answer in this page's URL, when it belongs to a sign-in this tab started; else null. */
function oidcCallback() {
  const params = new URLSearchParams(location.search);
  if (!params.has('state') || !(params.has('code') || params.has('error'))) return null;
  let pending = null;
  try {
    pending = JSON.parse(sessionStorage.getItem(OIDC_PENDING_KEY) ?? 'null');
  } catch {
    // unreadable: not ours
  }
  if (!pending?.state || pending.state !== params.get('state')) return null;
  return { params, pending };
}

async function completeOidcSignIn({ params, pending }) {
  sessionStorage.removeItem(OIDC_PENDING_KEY); // a code is good once, and so is a state
  // The code and state leave the address bar (and the history) whatever happens next.
  history.replaceState(history.state, '', pending.returnTo || location.pathname);
  if (params.has('error')) {
    const description = params.get('error_description');
    openSignIn('', `Sign-in refused by the identity provider: ${description ? `${description} (${params.get('error')})` : params.get('error')}`);
    return;
  }
  try {
    const token = await tokenRequest(pending.tokenEndpoint, {
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: pending.redirectUri,
      client_id: pending.clientId,
      code_verifier: pending.verifier,
    });
    const auth = await oidcAuth(token, pending.tokenEndpoint, pending.clientId);
    localStorage.setItem(AUTH_KEY, JSON.stringify(auth));
    signedIn(auth);
  } catch (e) {
    openSignIn('', e?.message || 'Sign-in failed; try again.');
  }
}

/** POSTs a form to the identity provider's token endpoint; its JSON answer, or an Error with its error text. */
async function tokenRequest(tokenEndpoint, fields) {
  let response;
  try {
    response = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(fields),
    });
  } catch {
    throw new Error('The identity provider cannot be reached; try again.');
  }
  const payload = await readJson(response);
  if (!response.ok || !payload?.access_token) {
    const error = new Error(`The identity provider refused the sign-in: ${payload?.error_description || payload?.error || response.status}`);
    error.status = response.status;
    throw error;
  }
  return payload;
}

/**
 * The stored sign-in for the identity provider's token: the same shape as the built-in issuer's answer (the name,
 * roles and regions as this server reads them, from /api/auth/me), plus what a refresh needs.
 */
async function oidcAuth(token, tokenEndpoint, clientId, previous = null) {
  const now = Date.now();
  const lifetime = Number(token.expires_in) > 0 ? Number(token.expires_in) * 1000 : jwtLifetime(token.access_token, now);
  const fresh = {
    accessToken: token.access_token,
    tokenType: token.token_type || 'Bearer',
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + lifetime).toISOString(),
  };
  const response = await fetch('/api/auth/me', { headers: { Accept: 'application/json', Authorization: `Bearer ${token.access_token}` } });
  const me = await readJson(response);
  if (!response.ok || !me?.name) {
    // A refresh keeps who we knew (the server is away, say); the next API call tells whether the token is good.
    if (previous) return { ...previous, ...fresh, refreshToken: token.refresh_token ?? previous.refreshToken };
    throw new Error(problemText(me) || `This server does not accept the identity provider's token (${response.status}).`);
  }
  return {
    ...fresh,
    name: me.name,
    displayName: null,
    roles: me.roles ?? [],
    regions: me.regions ?? [],
    source: 'oidc',
    refreshToken: token.refresh_token ?? previous?.refreshToken ?? null,
    tokenEndpoint,
    clientId,
  };
}

/** A JWT's remaining life from its `exp` (for an answer without expires_in); five minutes if it cannot be read. */
function jwtLifetime(jwt, now) {
  try {
    const payload = JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    if (payload.exp * 1000 > now) return payload.exp * 1000 - now;
  } catch {
    // not a JWT the browser can read
  }
  return 5 * 60_000;
}

function signedIn(auth) {
  overlay?.remove();
  overlay = null;
  if (started) {
    // Signed out under a running page (token expired or revoked): reload so every view is fetched with the new token.
    location.reload();
    return;
  }
  started = true;
  showIdentity(auth);
  for (const resolve of waiting.splice(0)) resolve(auth);
}

/** "signed in as NAME · sign out" in the page's header (element #who, created when the page has none). */
function showIdentity(auth) {
  let who = document.getElementById('who');
  if (!who) {
    who = el('span', { id: 'who', class: 'who' });
    (document.querySelector('header') ?? document.body).append(who);
  }
  who.dataset.name = auth.name;
  who.replaceChildren(el('span', { class: 'who-label', 'data-i18n': 'signIn.as' }, t('signIn.as')),
    el('b', { class: 'who-name', title: (auth.roles ?? []).join(', ') }, auth.displayName ? `${auth.displayName} (${auth.name})` : auth.name),
    ' · ',
    el('button', { type: 'button', class: 'sign-out', onclick: signOut, 'data-i18n': 'signIn.out' }, t('signIn.out')));
}

/** Forgets the token; the reloaded page shows the sign-in form before it loads anything. */
export function signOut() {
  clearAuth();
  window.riskHub?.stop();
  location.reload();
}

// Past half its lifetime a token is exchanged for a new one, so a wall display left running stays signed in for as
// long as its account is enabled. A token that still expires (server away, account disabled) asks for a new sign-in.
let refreshing = false;
setInterval(async () => {
  const auth = currentAuth();
  if (started && !overlay && !auth) {
    showSignIn(t('signIn.expired'));
    return;
  }
  if (!auth || refreshing || !auth.issuedAt) return;
  const issued = new Date(auth.issuedAt).getTime();
  if (Date.now() - issued < (new Date(auth.expiresAt).getTime() - issued) / 2) return;
  if (auth.source === 'oidc' && !auth.refreshToken) return; // no refresh token: the session ends at expiry
  refreshing = true;
  try {
    if (auth.source === 'oidc') {
      await refreshAtIdentityProvider(auth);
      return;
    }
    const response = await fetch('/api/auth/refresh', { method: 'POST', headers: { Accept: 'application/json', Authorization: `Bearer ${auth.accessToken}` } });
    const payload = await readJson(response);
    if (response.ok && payload?.accessToken) localStorage.setItem(AUTH_KEY, JSON.stringify(payload));
  } catch {
    // the server is away: try again at the next tick, and the old token holds until it expires
  } finally {
    refreshing = false;
  }
}, 15_000);

/** OIDC mode: the refresh token grant at the identity provider; a refused refresh token is dropped (no retries). */
async function refreshAtIdentityProvider(auth) {
  try {
    const token = await tokenRequest(auth.tokenEndpoint, { grant_type: 'refresh_token', refresh_token: auth.refreshToken, client_id: auth.clientId });
    localStorage.setItem(AUTH_KEY, JSON.stringify(await oidcAuth(token, auth.tokenEndpoint, auth.clientId, auth)));
  } catch (e) {
    if (e?.status >= 400 && e.status < 500 && currentAuth()?.accessToken === auth.accessToken) {
      localStorage.setItem(AUTH_KEY, JSON.stringify({ ...auth, refreshToken: null }));
    }
    // otherwise the identity provider is away: try again at the next tick
  }
}

async function readJson(response) {
  if (!response.headers.get('content-type')?.includes('json')) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function problemText(payload) {
  return payload?.detail || Object.values(payload?.errors ?? {}).flat().join(' ') || payload?.title || '';
}

/** fetch with the bearer token; a 401 drops the token and asks for a sign-in, anything else not ok throws its detail. */
async function request(path, init = {}) {
  const auth = currentAuth();
  const headers = { Accept: 'application/json', ...init.headers };
  if (auth) headers.Authorization = `Bearer ${auth.accessToken}`;
  const response = await fetch(path, { ...init, headers });
  const payload = await readJson(response);
  if (response.status === 401) {
    clearAuth();
    showSignIn(auth ? t('signIn.expired') : '');
    throw new Error('not signed in');
  }
  if (!response.ok) {
    // 403: the role or region is not enough; the server says which in `detail`.
    throw new Error(problemText(payload) || `${path}: ${response.status} ${response.statusText}`);
  }
  return payload;
}

export const getJson = (path) => request(path);

export const postJson = (path, body) => request(path, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

export const putJson = (path, body) => request(path, {
  method: 'PUT',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const time = clockTime;

/** The header's connection indicator (#connection) in the page's language; data-i18n keeps it right across a switch. */
export function showConnection(status) {
  const indicator = document.getElementById('connection');
  indicator.dataset.status = status;
  indicator.dataset.i18n = `connection.${status}`;
  indicator.textContent = t(`connection.${status}`);
}

/** Worst and newest first: live conditions, then severity, then raise time. */
export function compareAlerts(a, b) {
  return (b.conditionActive - a.conditionActive)
    || (LEVEL_RANK[b.severity] - LEVEL_RANK[a.severity])
    || (raisedMs(b) - raisedMs(a));
}

/** Past its acknowledgement timeout and still unacknowledged: the clock the escalation runs on. */
export function overdue(alert, now = Date.now()) {
  return alert.state === 'open' && now - new Date(alert.raisedAt).getTime() > (ACK_TIMEOUT_MIN[alert.severity] ?? 60) * 60_000;
}

/**
 * Connects to /hubs/risk with automatic reconnect. `onSync` runs after every (re)connect so that the page reloads
 * its snapshot: whatever happened while disconnected is then on screen.
 */
export function connectHub(handlers, onSync, onStatus) {
  const connection = new signalR.HubConnectionBuilder()
    // The token rides in the access_token query string for WebSockets; read afresh for every (re)connect.
    .withUrl('/hubs/risk', { accessTokenFactory: () => currentAuth()?.accessToken ?? '' })
    .withAutomaticReconnect({
      nextRetryDelayInMilliseconds: (ctx) => {
        if (!currentAuth() || unauthorized(ctx.retryReason)) return null; // no use retrying: sign in first (onclose)
        return Math.min(10_000, 500 * 2 ** ctx.previousRetryCount);
      },
    })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  for (const [method, handler] of Object.entries(handlers)) {
    connection.on(method, handler);
  }
  window.riskHub = connection; // lets the browser tests drop the link on purpose
  connection.onreconnecting(() => onStatus('reconnecting'));
  connection.onreconnected(async () => { onStatus('live'); await onSync(); });
  connection.onclose(() => { onStatus('offline'); setTimeout(start, 2000); });

  async function start() {
    if (!currentAuth()) {
      // Signed out or expired: the hub would refuse us. The page reloads after the next sign-in.
      onStatus('offline');
      showSignIn(t('signIn.expired'));
      return;
    }
    try {
      onStatus('connecting');
      await connection.start();
      onStatus('live');
      await onSync();
    } catch (error) {
      onStatus('offline');
      if (unauthorized(error)) {
        clearAuth();
        showSignIn(t('signIn.expired'));
        return;
      }
      setTimeout(start, 2000);
    }
  }
  start();
  return connection;
}

/** Whether a SignalR error is the server refusing the token (negotiation answered 401). */
function unauthorized(error) {
  return error?.statusCode === 401 || /\b401\b/.test(String(error?.message ?? error ?? ''));
}

/** Runs `render` at most once per `ms`, however many updates arrive: an alert storm cannot freeze the page. */
export function coalesce(render, ms = 250) {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    setTimeout(() => { pending = false; requestAnimationFrame(render); }, ms);
  };
}

let audio = null;
let lastBeep = -Infinity;

/**
 * A short two-tone beep for a new red alert (no audio file to ship). A storm of reds is one alarm, not a thousand: at
 * most one beep every 2 s, all on one AudioContext (browsers cap how many a page may open, and each one that fails to
 * reach an audio device is an error).
 */
export function beep(now = performance.now()) {
  if (now - lastBeep < 2000) return;
  lastBeep = now;
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') audio.resume().catch(() => {}); // until the user has touched the page
    [880, 660].forEach((freq, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + i * 0.18);
      osc.stop(audio.currentTime + i * 0.18 + 0.15);
    });
  } catch {
    // no audio device (a wall PC without speakers): the visual cue is enough
  }
}
