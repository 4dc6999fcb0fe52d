/**
 * The two reads the SDK makes of the collector besides sending events:
 * `GET /v1/device` (who this token is: device id, the consent grant events are captured under,
 * batching hints) and `GET /v1/policy` (the capture policy, with `If-None-Match`).
 *
 * Each answers `{ok, ...}` or `{ok: false, status, code}`; a failure without an answer is
 * status 0 with code `network` or `origin_forbidden`.
 * Nothing here throws, and nothing logs what the collector answered.
 */

const DEVICE_ID = /^[A-Za-z0-9_.:\-]{1,128}$/;

async function code(response) {
  try {
    const body = await response.json();
    return body && typeof body.code === "string" ? body.code : null;
  } catch {
    return null;
  }
}

function get(fetch, url, token, extra = {}) {
  return fetch(url, {
    method: "GET",
    headers: { Authorization: `Bearer ${token}`, ...extra },
    credentials: "omit",
    cache: "no-store",
    mode: "cors",
  });
}

/**
 * Why a request failed without an answer: the collector is unreachable (`network`), or it
 * is up but does not answer this origin (`origin_forbidden`: the policy no longer allows it,
 * so the browser hid the answer). A `no-cors` request to `/healthz`, which needs no CORS,
 * tells the two apart: it resolves (opaquely) only when the collector is reachable.
 */
async function failure(fetch, endpoint) {
  try {
    await fetch(`${endpoint}/healthz`, { method: "GET", mode: "no-cors", credentials: "omit", cache: "no-store" });
  } catch {
    return { ok: false, status: 0, code: "network" };
  }
  return { ok: false, status: 0, code: "origin_forbidden" };
}

/** `GET /v1/device`: `{ok, device: {device_id, consent, hints}}` or the failure. */
export async function fetchDevice(fetch, endpoint, token) {
  let response;
  try {
    response = await get(fetch, `${endpoint}/v1/device`, token);
  } catch {
    return failure(fetch, endpoint);
  }
  if (response.status !== 200) return { ok: false, status: response.status, code: await code(response) };
  let body;
  try {
    body = await response.json();
  } catch {
    return { ok: false, status: 200, code: "device_unreadable" };
  }
  const consent = body && body.consent;
  if (
    !body ||
    typeof body.device_id !== "string" ||
    !DEVICE_ID.test(body.device_id) ||
    !consent ||
    typeof consent.grant_id !== "string" ||
    typeof consent.notice_version !== "string"
  ) {
    return { ok: false, status: 200, code: "device_unreadable" };
  }
  const hints = body.hints && typeof body.hints === "object" ? body.hints : {};
  return {
    ok: true,
    device: {
      device_id: body.device_id,
      consent: { grant_id: consent.grant_id, notice_version: consent.notice_version },
      hints: {
        max_batch_events: Number.isInteger(hints.max_batch_events) ? hints.max_batch_events : null,
        flush_interval_ms: Number.isInteger(hints.flush_interval_ms) ? hints.flush_interval_ms : null,
      },
    },
  };
}

/** `GET /v1/policy`: `{ok, changed: false}` on 304, `{ok, changed: true, body, etag}` on 200. */
export async function fetchPolicy(fetch, endpoint, token, etag) {
  let response;
  try {
    response = await get(fetch, `${endpoint}/v1/policy`, token, etag ? { "If-None-Match": etag } : {});
  } catch {
    return failure(fetch, endpoint);
  }
  if (response.status === 304) return { ok: true, changed: false };
  if (response.status !== 200) return { ok: false, status: response.status, code: await code(response) };
  try {
    return { ok: true, changed: true, body: await response.json(), etag: response.headers.get("ETag") };
  } catch {
    return { ok: false, status: 200, code: "policy_unreadable" };
  }
}

/** True for the statuses after which this token may not send (re-check later). */
export const isAuthFailure = (status) => status === 401 || status === 403 || status === 410;
