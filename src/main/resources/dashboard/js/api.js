// The only way the page talks to Hookrelay: every call carries the signed-in token, and every failure
// becomes an ApiError with the problem+json title and detail, so the page can show what went wrong.

const TOKEN_KEY = 'hookrelay.token';

export class ApiError extends Error {
  constructor(status, title, detail, traceId) {
    super(detail ? `${title}: ${detail}` : title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.traceId = traceId;
  }
}

export const session = {
  token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  signIn(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

export function authHeaders(extra = {}) {
  return { Authorization: `Bearer ${session.token()}`, ...extra };
}

export async function request(method, path, { query, body, signal } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
  }
  const headers = authHeaders({ Accept: 'application/json' });
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body: payload, signal, cache: 'no-store' });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'Hookrelay cannot be reached', error.message);
  }
  const text = await response.text();
  const json = text ? parseJson(text) : null;
  if (!response.ok) {
    throw new ApiError(response.status,
      json?.title ?? `${response.status} ${response.statusText}`,
      json?.detail ?? (json ? null : text.slice(0, 300)),
      json?.trace_id ?? response.headers.get('x-trace-id'));
  }
  return json;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export const get = (path, query, signal) => request('GET', path, { query, signal });
export const post = (path, body) => request('POST', path, { body });
