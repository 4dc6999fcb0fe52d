/**
 * The extension's calls to the collector, made from its own pages and service worker (never
 * from a web page): enrollment by one-time code (`POST /v1/enroll`) and the capture policy
 * (`GET /v1/policy` with `If-None-Match`). The SDK, once injected, makes its own calls.
 *
 * Nothing here throws on a bad answer or a network failure: each call resolves with
 * `{ok: true, ...}` or `{ok: false, status, code}` (status 0: the collector was not reached).
 * Nothing here logs; a message shown to the person never repeats a token or a code.
 *
 * Pure except for the `fetch` passed in, so Node's test runner can check it.
 */

/** Hosts where plain http is acceptable: the token never leaves the machine. */
export function isLoopback(hostname) {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The collector's base URL from what the person typed: `{ok, base, origin}` or
 * `{ok: false, code}`. https is required except on loopback addresses.
 */
export function collectorBase(input) {
  let url;
  try {
    url = new URL(String(input ?? "").trim());
  } catch {
    return { ok: false, code: "collector_url_invalid" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, code: "collector_url_invalid" };
  if (url.username || url.password || url.search || url.hash) return { ok: false, code: "collector_url_invalid" };
  if (url.protocol === "http:" && !isLoopback(url.hostname)) return { ok: false, code: "collector_https_required" };
  const path = url.pathname.replace(/\/+$/, "");
  return { ok: true, base: `${url.origin}${path}`, origin: url.origin };
}

const CODE = /^WP([A-HJ-NP-Z2-9]{4})([A-HJ-NP-Z2-9]{4})([A-HJ-NP-Z2-9]{4})$/;

/** An enrollment code in its canonical form `WP-XXXX-XXXX-XXXX`, or null. */
export function normaliseCode(input) {
  const compact = String(input ?? "")
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "");
  const match = CODE.exec(compact);
  return match ? `WP-${match[1]}-${match[2]}-${match[3]}` : null;
}

async function errorCode(response) {
  try {
    const body = await response.json();
    return body && typeof body.code === "string" ? body.code : null;
  } catch {
    return null;
  }
}

const TOKEN = /^[A-Za-z0-9_\-.~]{16,512}$/;
const DEVICE_ID = /^[A-Za-z0-9_.:\-]{1,128}$/;

/** `POST {base}/v1/enroll`: `{ok, deviceId, token}` or the failure. */
export async function enroll(fetchFn, base, code) {
  let response;
  try {
    response = await fetchFn(`${base}/v1/enroll`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code }),
      credentials: "omit",
      cache: "no-store",
    });
  } catch {
    return { ok: false, status: 0, code: "network" };
  }
  if (response.status !== 200) return { ok: false, status: response.status, code: await errorCode(response) };
  let body;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!body || typeof body.token !== "string" || !TOKEN.test(body.token) || typeof body.device_id !== "string" || !DEVICE_ID.test(body.device_id)) {
    return { ok: false, status: 200, code: "enroll_unreadable" };
  }
  return { ok: true, deviceId: body.device_id, token: body.token };
}

/**
 * `GET {base}/v1/policy`: `{ok, changed: false}` on 304, `{ok, changed: true, body, etag}`
 * on 200, else the failure.
 */
export async function fetchPolicy(fetchFn, base, token, etag) {
  const headers = { Authorization: `Bearer ${token}` };
  if (etag) headers["If-None-Match"] = etag;
  let response;
  try {
    response = await fetchFn(`${base}/v1/policy`, { method: "GET", headers, credentials: "omit", cache: "no-store" });
  } catch {
    return { ok: false, status: 0, code: "network" };
  }
  if (response.status === 304) return { ok: true, changed: false };
  if (response.status !== 200) return { ok: false, status: response.status, code: await errorCode(response) };
  try {
    return { ok: true, changed: true, body: await response.json(), etag: response.headers.get("ETag") };
  } catch {
    return { ok: false, status: 200, code: "policy_unreadable" };
  }
}

/** True for the statuses after which this token may not record: 401, 403, 410. */
export const isAuthFailure = (status) => status === 401 || status === 403 || status === 410;
