// The server's HTTP API as the pages use it: the session cookie goes along by itself; every
// change carries the session's CSRF token, without which the server refuses it.
let csrfToken = null;

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

async function request(method, path, body) {
  const headers = { Accept: 'application/json, application/dicom+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (response.status === 204) return null;
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data && data.detail);
  return data;
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body) => request('POST', path, body ?? {}),
  patch: (path, body) => request('PATCH', path, body),
  del: (path) => request('DELETE', path),
};

export async function login(username, password) {
  const session = await api.post('/api/session', { username, password });
  csrfToken = session.csrfToken;
  return session;
}

// Logging in through an identity provider: the authorization code flow with PKCE (RFC 7636),
// done by this page as a public client. The server gives the provider's endpoints, a state and a
// nonce; the code verifier never leaves this tab (sessionStorage) except to the token endpoint.
const PENDING = 'rampart.providerLogin';

function base64URL(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export const identityProviders = () => api.get('/api/session/providers');

// Sends the browser to the provider; it comes back to /ui/?code=…&state=….
export async function beginProviderLogin(provider) {
  const start = await api.post('/api/session/oidc/start', { provider });
  const verifier = base64URL(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64URL(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const redirectURI = `${location.origin}/ui/`;
  sessionStorage.setItem(PENDING, JSON.stringify({
    state: start.state, verifier, redirectURI, tokenEndpoint: start.tokenEndpoint, clientId: start.clientId,
  }));
  const url = new URL(start.authorizationEndpoint);
  const parameters = {
    response_type: 'code', client_id: start.clientId, redirect_uri: redirectURI, scope: start.scope, state: start.state,
    nonce: start.nonce, code_challenge: challenge, code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  location.assign(url.href);
}

// The provider's answer in this page's query: the code exchanged for an ID token at the token
// endpoint, the ID token posted to the server, which opens the session.
export async function endProviderLogin(query) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  sessionStorage.removeItem(PENDING);
  if (query.get('error')) {
    throw new Error(`The identity provider did not log you in: ${query.get('error_description') || query.get('error')}.`);
  }
  if (!pending || pending.state !== query.get('state')) {
    throw new Error('This login was not begun in this tab, or was used already: log in again.');
  }
  let tokens = {};
  let status = 0;
  try {
    const response = await fetch(pending.tokenEndpoint, {
      method: 'POST', credentials: 'omit', headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', code: query.get('code') ?? '', redirect_uri: pending.redirectURI,
        client_id: pending.clientId, code_verifier: pending.verifier,
      }),
    });
    status = response.status;
    tokens = await response.json();
  } catch {
    // Unreachable, refused by CORS, or not JSON: said below.
  }
  if (!tokens || typeof tokens.id_token !== 'string') {
    throw new Error(`The identity provider gave no ID token (${tokens?.error_description || tokens?.error || (status ? `HTTP ${status}` : 'no answer')}).`);
  }
  const session = await api.post('/api/session/oidc', { state: pending.state, idToken: tokens.id_token });
  csrfToken = session.csrfToken;
  return session;
}

export async function currentSession() {
  const session = await api.get('/api/session');
  csrfToken = session.csrfToken;
  return session;
}

export async function logout() {
  await api.del('/api/session');
  csrfToken = null;
}

// DICOM JSON (PS3.18 F): the first value of an attribute, a person name as its alphabetic form.
export function value(dataSet, tag) {
  const element = dataSet[tag];
  if (!element || !element.Value || element.Value.length === 0) return '';
  const first = element.Value[0];
  return typeof first === 'object' && first !== null ? (first.Alphabetic ?? '') : String(first);
}

export function values(dataSet, tag) {
  const element = dataSet[tag];
  return element && element.Value ? element.Value.map(String) : [];
}
