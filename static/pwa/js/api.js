// The API client: JSON in and out, problems as ApiError, "offline" as status 0.
export class ApiError extends Error {
  constructor(status, problem) {
    const fields = ((problem && problem.errors) || []).map((e) => e.message).filter(Boolean);
    const text = (problem && (problem.detail || problem.title)) || (status ? `Error ${status}` : 'You seem to be offline.');
    super(fields.length ? `${text} ${fields.join(' ')}` : text);
    this.status = status;
    this.problem = problem || {};
  }
  get offline() { return this.status === 0 || this.status === 503 && this.problem.offline; }
}

export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method, headers, signal, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, { offline: true });
  }
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new CustomEvent('wellness:unauthorized'));
    throw new ApiError(response.status, data);
  }
  if (data && typeof data === 'object' && response.headers.get('X-Wellness-Cached')) {
    Object.defineProperty(data, 'fromCache', { value: true });
  }
  return data;
}

// A read that may legitimately not exist yet on this server (404/405) or be unreachable.
export async function tryApi(path, options) {
  try {
    return { data: await api(path, options) };
  } catch (err) {
    return { error: err };
  }
}
