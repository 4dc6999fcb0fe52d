/**
 * Credentials carried in URLs (port of `workprint/privacy/detectors/url_credentials.py`):
 * `user:password@` userinfo, and the values of secret query parameters (`access_token=`,
 * `X-Amz-Signature=`, `PHPSESSID=`).
 */

import { URL_SECRET_PARTS, URL_SECRET_SUFFIXES } from "../_shared.js";
import { findIter, span } from "./_text.js";

const USERINFO = /:\/\/([^\s/?#"'<>@]+(?:@[^\s/?#"'<>@]+)*)@(?=[\p{L}\p{N}_\[])/gu;
const PARAM = /[?&;#]([A-Za-z0-9_.\-\[\]]{1,64})=([^&\s#"'<>]+)/g;
const SPLIT = /[_\-.\[\]]+/;
const PARTS = new Set(URL_SECRET_PARTS);
const TRAILING = /[.,;:!?)\]}'"]+$/;
const HARMLESS_USERS = new Set(["git"]);

export const name = "url_credentials";

/** True when a query parameter called `paramName` carries a credential. */
export function secretParam(paramName) {
  for (const part of paramName.toLowerCase().split(SPLIT)) {
    if (PARTS.has(part) || URL_SECRET_SUFFIXES.some((s) => part.endsWith(s))) return true;
  }
  return false;
}

/** Spans of URL credentials in `text`. */
export function find(text) {
  const spans = [];
  if (text.includes("://")) {
    for (const m of findIter(USERINFO, text)) {
      const userinfo = m[1];
      if (!userinfo.includes(":") && HARMLESS_USERS.has(userinfo.toLowerCase())) continue;
      const start = m.index + 3;
      spans.push(span(start, start + userinfo.length, "URL_CREDENTIALS", userinfo.includes(":") ? 1.0 : 0.8));
    }
  }
  if (text.includes("=")) {
    for (const m of findIter(PARAM, text)) {
      if (!secretParam(m[1])) continue;
      const value = m[2].replace(TRAILING, "");
      if (value) {
        const start = m.index + m[0].length - m[2].length;
        spans.push(span(start, start + value.length, "URL_CREDENTIALS", 0.9));
      }
    }
  }
  return spans;
}
