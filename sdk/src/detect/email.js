/**
 * E-mail addresses (port of `workprint/privacy/detectors/email.py`).
 *
 * Anchored on `@`: the local part is read backwards from it, the domain forwards, and the
 * domain must end in an alphabetic top-level label. Not e-mail: `@mentions`, `icon@2x.png`,
 * `pkg@1.2.3`, the userinfo of a URL's authority (the URL credentials detector owns that), and
 * `git@host:org/repo`.
 */

import { EMAIL_NOT_TLDS } from "../_shared.js";
import { span } from "./_text.js";

const LOCAL_CHAR = /^[\p{L}\p{N}\p{M}_.%+'\-]$/u;
const DOMAIN =
  /(?:[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}_\-]{0,61}[\p{L}\p{N}])?\.)+(\p{L}{2,63}|xn--[a-z0-9\-]{1,59})(?![\p{L}\p{N}\p{M}_\-])/iuy;
const NOT_TLDS = new Set(EMAIL_NOT_TLDS);

export const name = "email";

/** Spans of e-mail addresses in `text`. */
export function find(text) {
  const spans = [];
  let at = text.indexOf("@");
  while (at !== -1) {
    const found = atSign(text, at);
    if (found) spans.push(found);
    at = text.indexOf("@", at + 1);
  }
  return spans;
}

function atSign(text, at) {
  let i = at;
  while (i > 0 && at - i < 64 && LOCAL_CHAR.test(text[i - 1])) i -= 1;
  let local = text.slice(i, at);
  local = local.replace(/^[.']+/, "");
  if (!local || local.endsWith(".")) return null;
  const start = at - local.length;
  DOMAIN.lastIndex = at + 1;
  const d = DOMAIN.exec(text);
  if (d === null || NOT_TLDS.has(d[1].toLowerCase())) return null;
  if (inUrlAuthority(text, start)) return null;
  const end = d.index + d[0].length;
  if (local === "git" && text[end] === ":") return null;
  return span(start, end, "EMAIL");
}

/** True when `start` sits in the userinfo of a `scheme://` URL's authority. */
function inUrlAuthority(text, start) {
  const from = Math.max(0, start - 256);
  const scheme = start >= 3 ? text.lastIndexOf("://", start - 3) : -1;
  if (scheme === -1 || scheme < from) return false;
  const between = text.slice(scheme + 3, start);
  return !between.includes("/") && !/\s/u.test(between);
}
