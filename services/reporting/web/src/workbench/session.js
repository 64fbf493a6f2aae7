// Who is signed in to the workbench, and how their requests are signed.
//
// Three ways in (reporting's /reporting/v1/session routes, lode_reporting/accounts/):
//  * a staff account's username and password: POST /reporting/v1/session answers a
//    short-lived access token (kept in memory only) and sets an HttpOnly session cookie
//    the page cannot read; POST /reporting/v1/session/token trades the cookie for a fresh
//    token before the old one lapses; DELETE /reporting/v1/session signs out;
//  * the organisation's login (OpenID Connect), when /reporting/v1/session/providers says it
//    is on: the browser goes to /reporting/v1/session/oidc and comes back with the cookie;
//  * a pasted token (the admin token, or a `lode token` JWT) for scripts and a bureau's
//    first start: kept in this tab only (sessionStorage), never renewed.
//
// The session ends after a time without use (the bureau's setting): the page renews the
// token only while the officer is working, and warns a few minutes before the end.
import { reactive, readonly } from "vue";

import { ApiProblem, configureAuth, request } from "@/shared/api.js";

export const STAFF_ROLES = ["admin", "planner", "licensing_officer", "inspector", "viewer", "approver"];
const PASTED = "lode.workbench.token";
const SESSION = "/reporting/v1/session";
const RENEW_BEFORE_S = 30; // renew this long before the access token lapses
export const WARN_BEFORE_MS = 3 * 60 * 1000; // warn this long before the session ends

const state = reactive({
  status: "unknown", // unknown | signed-in | signed-out
  via: null, // password | oidc | token
  user: null, // {username, display_name, roles}
  session: null, // {idle_expires_at, expires_at}
  tokenExpiresAt: null, // ms since the epoch; null for a token that does not say
  ended: null, // why the last session ended: expired | logout | invalid | null
  lastActivity: Date.now(),
  lastRenewal: 0,
});
let accessToken = null;
let renewTimer = null;
let renewing = null;
const listeners = [];

/** The signed-in state, read-only (change it through the functions below). */
export const session = readonly(state);

/** Called with the reason whenever the officer is signed out (the router shows the login). */
export function onSignedOut(listener) {
  listeners.push(listener);
}

/** True when the user holds one of `roles` (an admin holds every staff role, as the API's
 * `Principal.has` decides). */
export function hasRole(...roles) {
  const held = state.user?.roles || [];
  if (roles.some((r) => held.includes(r))) return true;
  return held.includes("admin") && roles.some((r) => STAFF_ROLES.includes(r));
}

/** Marks the officer as working: the next renewal keeps the session alive. */
export function touch() {
  state.lastActivity = Date.now();
}

function adopt(answer, via) {
  accessToken = answer.access_token;
  state.via = via;
  state.user = answer.user;
  state.session = answer.session || null;
  state.tokenExpiresAt = answer.expires_in ? Date.now() + answer.expires_in * 1000 : null;
  state.lastRenewal = Date.now();
  state.status = "signed-in";
  state.ended = null;
  schedule();
}

function schedule() {
  clearTimeout(renewTimer);
  if (state.via === "token" || !state.tokenExpiresAt) return;
  const wait = Math.max(5000, state.tokenExpiresAt - Date.now() - RENEW_BEFORE_S * 1000);
  renewTimer = setTimeout(() => {
    // Renew only for an officer at work: an idle page lets the token lapse, so the
    // session's idle expiry (等保 登录连接超时) is not defeated by the page itself. The next
    // action renews it through the 401 path while the session lives.
    if (state.lastActivity > state.lastRenewal) renew().catch(() => {});
  }, wait);
}

/** A fresh access token from the session cookie; false when the session has ended. */
export function renew() {
  if (state.via === "token") return Promise.resolve(false);
  renewing ??= (async () => {
    try {
      const answer = await request("POST", `${SESSION}/token`, { signed: false });
      adopt(answer, answer.session?.via || state.via || "password");
      return true;
    } catch (error) {
      if (error instanceof ApiProblem && (error.status === 401 || error.status === 404)) {
        end("expired");
        return false;
      }
      throw error;
    } finally {
      renewing = null;
    }
  })();
  return renewing;
}

function end(reason) {
  const was = state.status;
  clearTimeout(renewTimer);
  accessToken = null;
  try {
    sessionStorage.removeItem(PASTED);
  } catch {
    // nothing kept
  }
  state.status = "signed-out";
  state.via = null;
  state.user = null;
  state.session = null;
  state.tokenExpiresAt = null;
  state.ended = reason;
  if (was === "signed-in") for (const listener of listeners) listener(reason);
}

configureAuth({
  token: () => accessToken,
  refresh: () => (state.status === "signed-in" ? renew() : Promise.resolve(false)),
  unauthorized: () => {
    if (state.status === "signed-in") end(state.via === "token" ? "invalid" : "expired");
  },
});

/** Signs in with a staff account; throws the API's problem (401 wrong password, 423 locked). */
export async function signIn(username, password) {
  const answer = await request("POST", SESSION, { body: { username, password }, signed: false });
  adopt(answer, answer.session?.via || "password");
  return answer.user;
}

/** What the sign-in page may offer: `{oidc: {enabled, name, start}, password: {min_length}}`
 * (GET /reporting/v1/session/providers), or the password form alone when it does not say. */
export async function providers() {
  try {
    const answer = await request("GET", `${SESSION}/providers`, { signed: false });
    const oidc = answer?.oidc ?? {};
    return {
      oidc: { enabled: Boolean(oidc.enabled), name: oidc.display_name || null, start: oidc.start || null },
      password: answer?.password ?? { enabled: true },
    };
  } catch {
    return { oidc: { enabled: false, name: null }, password: { enabled: true } };
  }
}

const AFTER = "lode.workbench.after";

/** Keeps the screen to open once the organisation's login has come back (to /workbench/). */
export function rememberAfterSignIn(path) {
  try {
    sessionStorage.setItem(AFTER, path);
  } catch {
    // the home screen then
  }
}

/** The screen remembered before the organisation's login, once (null when none). */
export function takeAfterSignIn() {
  try {
    const path = sessionStorage.getItem(AFTER);
    sessionStorage.removeItem(AFTER);
    return path && path.startsWith("/") ? path : null;
  } catch {
    return null;
  }
}

/** Where the organisation's login starts (it comes back to the workbench). */
export function oidcUrl(start = null, returnTo = "/workbench/") {
  const path = start && start.startsWith("/") ? start : `${SESSION}/oidc`;
  return `${path}?return_to=${encodeURIComponent(returnTo)}`;
}

function claims(token) {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const json = atob(parts[1].replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(parts[1].length / 4) * 4, "="));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
}

/** The problem a pasted token has before any call (a mine's key, an expired JWT), or null. */
function refuseToken(token, found) {
  if (token.startsWith("lode_")) {
    return new ApiProblem({ status: 403, title: "Forbidden", detail: "mine_key", errors: [{ field: "token", message: "mine_key" }] });
  }
  if (found && typeof found.exp === "number" && found.exp * 1000 <= Date.now()) {
    return new ApiProblem({ status: 401, title: "Unauthorized", detail: "expired", errors: [{ field: "token", message: "expired" }] });
  }
  return null;
}

/** Signs in with a pasted token, after one call proves the API accepts it. A JWT says who
 * and which roles; the other token a service accepts from staff is the admin token, which
 * holds every staff role (an operator route proves it). */
export async function useToken(raw) {
  const token = raw.trim();
  const found = claims(token);
  const refused = refuseToken(token, found);
  if (refused) throw refused;
  const headers = { Authorization: `Bearer ${token}` };
  const probe = found ? "/licensing/v1/applications" : "/reporting/v1/admin/outbox";
  await request("GET", probe, { query: found ? { limit: 1 } : {}, headers, signed: false });
  // the admin token holds every staff role (lode_common.auth): shown as the one it is
  const roles = found ? (Array.isArray(found.roles) ? found.roles : []) : ["admin"];
  const username = found ? String(found.sub ?? "") : "admin";
  if (!roles.some((r) => STAFF_ROLES.includes(r))) {
    throw new ApiProblem({ status: 403, title: "Forbidden", detail: "not_staff", errors: [{ field: "token", message: "not_staff" }] });
  }
  try {
    sessionStorage.setItem(PASTED, token);
  } catch {
    // this page only
  }
  accessToken = token;
  state.via = "token";
  state.user = { username, display_name: found ? username : null, roles };
  state.session = null;
  state.tokenExpiresAt = found && typeof found.exp === "number" ? found.exp * 1000 : null;
  state.status = "signed-in";
  state.ended = null;
  clearTimeout(renewTimer);
  return state.user;
}

/** On page load: a token pasted earlier in this tab, else a live session cookie, else none. */
export async function restore() {
  let pasted = null;
  try {
    pasted = sessionStorage.getItem(PASTED);
  } catch {
    pasted = null;
  }
  if (pasted) {
    try {
      await useToken(pasted);
      return;
    } catch {
      end("invalid");
      return;
    }
  }
  try {
    await request("GET", SESSION, { signed: false });
    const answer = await request("POST", `${SESSION}/token`, { signed: false });
    adopt(answer, answer.session?.via === "oidc" ? "oidc" : "password");
  } catch (error) {
    state.status = "signed-out";
    if (!(error instanceof ApiProblem) || ![401, 404].includes(error.status)) state.ended = "unreachable";
  }
}

/** Signs out: ends the session on the server (a pasted token is just forgotten). */
export async function signOut() {
  const via = state.via;
  if (via === "password" || via === "oidc") {
    try {
      await request("DELETE", SESSION, { signed: false });
    } catch {
      // the cookie is cleared by the server or expires by itself; the page forgets anyway
    }
  }
  end("logout");
}
