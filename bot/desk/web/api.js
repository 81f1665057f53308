// The desk page's helpers: calls to the desk API (with the CSRF token on every change)
// and a tiny element builder (text is always text: nothing a customer wrote becomes HTML).

export class DeskError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const session = { csrf: '', onSignedOut: () => {} };

/** Sets the CSRF token of this session and what to do when the session is gone (401). */
export function useSession(csrf, onSignedOut) {
  session.csrf = csrf;
  if (onSignedOut) session.onSignedOut = onSignedOut;
}

async function call(method, path, body) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    headers['x-csrf-token'] = session.csrf;
  }
  let res;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new DeskError(0, 'Offline', 'The desk cannot reach the server. Check the connection; it retries by itself.');
  }
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && !path.endsWith('/sign-in')) session.onSignedOut();
  // `fields`: what is wrong with each field of a form (guided processes).
  if (!res.ok) throw Object.assign(new DeskError(res.status, data.code || 'Error', data.message || `The server answered ${res.status}.`), { fields: data.fields });
  return data;
}

export const api = {
  get: (path) => call('GET', path),
  post: (path, body = {}) => call('POST', path, body),
};

/** h('div', { class: 'x', onclick: fn }, 'text', child …) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** The server's clock minus this browser's (the wait times are the server's). */
let offsetMs = 0;
export function syncClock(serverNowIso) {
  if (serverNowIso) offsetMs = Date.parse(serverNowIso) - Date.now();
}
export function now() {
  return Date.now() + offsetMs;
}

/** "45 s", "3 min", "1 h 05 min" since `iso`. */
export function waited(iso) {
  const s = Math.max(0, Math.floor((now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function clock(iso) {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

export const CHANNELS = { chat: 'Chat', voice: 'Phone', sms: 'SMS' };
export const channelLabel = (c) => CHANNELS[c] || c;
