// Calls to the router's own HTTP API. The token lives in sessionStorage only (this tab, until it
// closes) and travels in the Authorization header, never in a URL.

const TOKEN_KEY = 'shardeddb.console.token';

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token) {
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

/** An error the router answered, with its status and message. */
export class RouterError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Calls the router; resolves with the parsed JSON body, rejects with a RouterError. */
export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = storedToken();
  if (token) {
    headers.Authorization = 'Bearer ' + token;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (e) {
    throw new RouterError(0, 'the router cannot be reached: ' + e.message);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    const message = json && json.message ? json.message : text || response.statusText;
    throw new RouterError(response.status, message);
  }
  return json;
}

export const consoleStatus = () => call('GET', '/console/api/status');
