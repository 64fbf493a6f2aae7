// The staff token and the calls to the API. The token lives in sessionStorage (this tab
// only); a one-time `#token=...` in the address is moved there and removed from the bar.

const KEY = "lode.dashboard.token";

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** Takes a `#token=...` fragment into sessionStorage and wipes it from the address bar. */
export function adoptFragmentToken() {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match) return;
  setToken(decodeURIComponent(match[1]));
  const url = new URL(window.location.href);
  url.hash = "";
  history.replaceState(null, "", url.pathname + url.search);
}

export const getToken = () => sessionStorage.getItem(KEY);
export const setToken = (token) => sessionStorage.setItem(KEY, token.trim());
export const clearToken = () => sessionStorage.removeItem(KEY);

export function authHeaders(extra = {}) {
  const token = getToken();
  return token ? { ...extra, Authorization: `Bearer ${token}` } : { ...extra };
}

/** GET `path` as JSON; an error answer becomes an ApiError with the problem's detail. */
export async function getJson(path, params = {}, { signal } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  if (!getToken()) throw new ApiError(401, "no token");
  const response = await fetch(url, { headers: authHeaders({ Accept: "application/json" }), signal });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || detail;
    } catch {
      // not a problem document: keep the status line
    }
    throw new ApiError(response.status, detail);
  }
  return response.json();
}
