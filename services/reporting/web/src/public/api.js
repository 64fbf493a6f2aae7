// GET on the public API (/public/v1/...), with no token: the page is for anyone. A refusal
// becomes a PublicApiError carrying what the visitor needs to be told: the status, the
// problem's words (RFC 9457) and, for 429 and 503, how long to wait (Retry-After).

export class PublicApiError extends Error {
  constructor({ status, title = "", detail = "", errors = [], retryAfter = null }) {
    super(detail || title || `HTTP ${status}`);
    this.name = "PublicApiError";
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
    this.retryAfter = retryAfter;
  }
}

/** Seconds to wait from a Retry-After header (delta-seconds, or an HTTP date). */
function retryAfterSeconds(header) {
  if (!header) return null;
  const seconds = Number.parseInt(header, 10);
  if (Number.isFinite(seconds) && String(seconds) === header.trim()) return Math.max(0, seconds);
  const when = Date.parse(header);
  return Number.isNaN(when) ? null : Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

/** The URL of `path` with the query's non-empty values. */
export function publicUrl(path, query = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, String(value));
  }
  return url;
}

/** The JSON answer of GET `path`; throws PublicApiError (or the AbortError of `signal`). */
export async function getJson(path, query = {}, { signal } = {}) {
  let response;
  try {
    response = await fetch(publicUrl(path, query), {
      headers: { Accept: "application/json" },
      credentials: "omit",
      signal,
    });
  } catch (error) {
    if (error?.name === "AbortError") throw error;
    throw new PublicApiError({ status: 0, detail: String(error?.message ?? error) });
  }
  if (response.ok) return response.json();
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null; // a proxy's HTML error page: the status says enough
  }
  throw new PublicApiError({
    status: response.status,
    title: body?.title ?? response.statusText,
    detail: body?.detail ?? "",
    errors: Array.isArray(body?.errors) ? body.errors : [],
    retryAfter: retryAfterSeconds(response.headers.get("Retry-After")),
  });
}
