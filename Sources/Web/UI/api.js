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
