// The one way the browser pages call Lode's APIs: JSON in and out, the signed-in officer's
// bearer token, and every error answer turned into an ApiProblem that names what was wrong
// (RFC 9457 problem details, as lode_common.errors writes them), so a form can show each
// field's message next to the field and everything else in words a person can act on.

/** What the API said was wrong: status, title, detail, and the fields it named. */
export class ApiProblem extends Error {
  constructor({ status, title, detail, errors = [], body = null, method = "", url = "", requestId = null }) {
    super(detail || title || `HTTP ${status}`);
    this.name = "ApiProblem";
    this.status = status;
    this.title = title || "";
    this.detail = detail || "";
    this.errors = errors.map((e) => ({ field: fieldName(e.field), message: String(e.message ?? "") }));
    this.fields = Object.fromEntries(this.errors.map((e) => [e.field, e.message]));
    this.body = body;
    this.method = method;
    this.url = url;
    this.requestId = requestId;
  }
}

/** The form field a problem's `errors[].field` names: FastAPI's locations keep their
 * `query.` / `path.` / `header.` prefix (a body field comes without one, e.g. `area` or
 * `applicant.name`), and a form knows its fields by the bare name. */
export function fieldName(field) {
  const text = String(field ?? "");
  return text.replace(/^(body|query|path|header)\./, "") || "body";
}

// How requests are signed and what happens when the API says 401. The workbench's session
// sets these; a page without sign-in (the public page) leaves the defaults.
let auth = {
  token: () => null,
  refresh: async () => false,
  unauthorized: () => {},
};

/** Sets how requests are signed (`token()`), renewed after a 401 (`refresh()`, true when a
 * new token was obtained) and what to do when that fails (`unauthorized(problem)`). */
export function configureAuth(hooks) {
  auth = { ...auth, ...hooks };
}

/** A URL with `query`'s values as parameters (empty ones left out; arrays repeated). */
export function withQuery(url, query = {}) {
  const target = new URL(url, window.location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined && one !== null && one !== "") target.searchParams.append(name, String(one));
    }
  }
  return target.origin === window.location.origin ? target.pathname + target.search : target.href;
}

/** A random UUID (v4) for an Idempotency-Key. `crypto.randomUUID` exists only on https or
 * localhost; a bureau's intranet may serve plain http, where getRandomValues still works. */
export function newIdempotencyKey() {
  if (typeof crypto.randomUUID === "function" && window.isSecureContext) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function headersFor({ headers = {}, idempotencyKey, body, signed }) {
  const all = { Accept: "application/json, application/problem+json", ...headers };
  const token = signed ? auth.token() : null;
  if (token) all.Authorization = `Bearer ${token}`;
  if (idempotencyKey) all["Idempotency-Key"] = idempotencyKey;
  if (body !== undefined && !(body instanceof FormData) && !(body instanceof Blob)) {
    all["Content-Type"] = "application/json";
  }
  return all;
}

function encoded(body) {
  if (body === undefined) return undefined;
  if (body instanceof FormData || body instanceof Blob) return body;
  return JSON.stringify(body);
}

async function problemOf(response, method, url) {
  let body = null;
  const text = await response.text().catch(() => "");
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const shaped = body && typeof body === "object" ? body : {};
  return new ApiProblem({
    status: response.status,
    title: shaped.title || response.statusText,
    detail: shaped.detail || (typeof body === "string" ? body : text.slice(0, 300)),
    errors: Array.isArray(shaped.errors) ? shaped.errors : [],
    body: shaped,
    method,
    url,
    requestId: response.headers.get("X-Request-ID"),
  });
}

async function parsed(response) {
  if (response.status === 204 || response.status === 205) return null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) return response.json();
  return response.text();
}

/**
 * Calls the API: `request("POST", "/licensing/v1/applications/ID/review", {body})`.
 * Answers the parsed JSON (null for 204); any other answer throws an ApiProblem. A 401 on a
 * signed request renews the token once (the session's refresh) and tries again; when that
 * fails, the session's `unauthorized` hook sends the officer to the sign-in page.
 * `signed: false` sends no token and never renews (the sign-in calls themselves).
 */
export async function request(
  method,
  url,
  { query, body, headers, idempotencyKey, signal, signed = true } = {},
) {
  const target = withQuery(url, query);
  const send = () =>
    fetch(target, {
      method,
      headers: headersFor({ headers, idempotencyKey, body, signed }),
      body: encoded(body),
      signal,
      credentials: "same-origin",
    });
  let response;
  try {
    response = await send();
  } catch (error) {
    if (error?.name === "AbortError") throw error;
    throw new ApiProblem({ status: 0, title: "Network error", detail: String(error?.message || error), method, url: target });
  }
  if (response.status === 401 && signed && (await auth.refresh())) {
    response = await send();
  }
  if (!response.ok) {
    const problem = await problemOf(response, method, target);
    if (problem.status === 401 && signed) auth.unauthorized(problem);
    throw problem;
  }
  return parsed(response);
}

/**
 * Sends a large body (a zipped Shapefile, a GeoJSON file) with upload progress, which
 * fetch cannot report: `onProgress(fraction)` from 0 to 1 while it is sent, then `null`
 * while the server works on it. Same answers and problems as `request`.
 */
export function upload(method, url, { query, body, headers, idempotencyKey, signal, onProgress } = {}) {
  const target = withQuery(url, query);
  const attempt = () =>
    new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, target);
      for (const [name, value] of Object.entries(headersFor({ headers, idempotencyKey, body, signed: true }))) {
        xhr.setRequestHeader(name, value);
      }
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
      };
      xhr.upload.onload = () => onProgress?.(null);
      xhr.onerror = () => reject(new ApiProblem({ status: 0, title: "Network error", detail: "the upload failed", method, url: target }));
      xhr.onabort = () => reject(new DOMException("aborted", "AbortError"));
      xhr.onload = () => {
        const response = new Response(xhr.status === 204 ? null : xhr.responseText, {
          status: xhr.status,
          headers: { "Content-Type": xhr.getResponseHeader("Content-Type") || "", "X-Request-ID": xhr.getResponseHeader("X-Request-ID") || "" },
        });
        resolve(response);
      };
      signal?.addEventListener("abort", () => xhr.abort());
      xhr.send(encoded(body));
    });
  return (async () => {
    let response = await attempt();
    if (response.status === 401 && (await auth.refresh())) response = await attempt();
    if (!response.ok) {
      const problem = await problemOf(response, method, target);
      if (problem.status === 401) auth.unauthorized(problem);
      throw problem;
    }
    return parsed(response);
  })();
}

/** The file name a `Content-Disposition` header gives (RFC 6266: `filename*` first). */
function dispositionName(header) {
  const text = header || "";
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(text);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // a malformed escape: the plain name below
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(text);
  return plain ? plain[1].trim() : null;
}

/**
 * Downloads a file the API serves to a signed-in user (a zones export): a link cannot carry
 * the bearer token, so the file is fetched with it and handed to the browser to save.
 * Answers `{blob, filename}` (the server's name, else `fallbackName`) after the save has
 * started; any error answer throws an ApiProblem, as `request` does.
 */
export async function download(url, { query, fallbackName = "download", save = true } = {}) {
  const target = withQuery(url, query);
  const send = () =>
    fetch(target, { method: "GET", headers: headersFor({ headers: { Accept: "*/*" }, signed: true }), credentials: "same-origin" });
  let response;
  try {
    response = await send();
  } catch (error) {
    throw new ApiProblem({ status: 0, title: "Network error", detail: String(error?.message || error), method: "GET", url: target });
  }
  if (response.status === 401 && (await auth.refresh())) response = await send();
  if (!response.ok) {
    const problem = await problemOf(response, "GET", target);
    if (problem.status === 401) auth.unauthorized(problem);
    throw problem;
  }
  const blob = await response.blob();
  const filename = dispositionName(response.headers.get("Content-Disposition")) || fallbackName;
  if (save) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = filename;
    link.rel = "noopener";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  }
  return { blob, filename };
}
