/**
 * Telephone numbers, without libphonenumber (the Python detector validates with it; the
 * browser cannot carry its metadata). Candidates come from the same digit-group pattern as
 * `workprint/privacy/detectors/phone.py` and pass the same rejections (dates, times, dotted
 * quads and versions, UUID openings, prices, numbers after `order`/`invoice`/`#`); then:
 *
 * - `+` or `00`: 8 to 15 digits after it, the country code not starting with 0;
 * - national, formatted: 8 to 12 digits starting with the trunk `0`, a North American number
 *   (`(415) 555-2671`), or 9 to 11 digits in groups;
 * - a bare run of digits with a cue word (`tel`, `phone`, `call`, ...) just before it, or of
 *   9 to 12 digits opening with a single trunk `0` (`0612345678`);
 * - whatever the shape, 8 to 15 digits announced by a phone word (`mobile`, `reach her at`;
 *   not `number`), an extension, or the `415-555-2671` layout.
 *
 * Brazilian postcodes (`01310-100`) are not phone numbers.
 *
 * It may over-redact (a grouped account number can look like a phone), never the reverse on
 * purpose. Numbers percent-encoded in URLs (`%2B44%2020...`) are decoded before the search.
 */

import { PHONE_WORDS, WEAK_PHONE_WORDS } from "../_shared.js";
import { findIter, isAlnumAt, matchAt, near, span } from "./_text.js";

const CANDIDATE =
  /(?<![\p{L}\p{N}_+#$€£¥.,/\-])(?:\+ ?|\b00)?(?:\([0-9]{1,5}\)[ \-]?)?[0-9]+(?:(?:[ .\-/]| ?\([0-9]{1,5}\)[ \-]?)[0-9]+)*/gu;
const GROUP = /\(?[0-9]+\)?/g;
const NON_DIGIT = /[^0-9]+/g;
const MAX_GROUPS = 8;
const MAX_TRIES = 48;
const DATE = /^([0-9]{1,4})([ ./\-])([0-9]{1,2})\2([0-9]{2}|[0-9]{4})$/;
const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}\b/;
const UUID_START = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-/y;
const EXTENSION = /(?: ?(?:x|ext\.?|extension) ?[0-9]{1,6})(?![\p{L}\p{N}_]|[.,][0-9])/iuy;
const URL = /(?<![a-z0-9+.\-])[a-z][a-z0-9+.\-]{0,31}:\/\/[^\s<>"']+/gi;
const ESCAPE = /%(?:2B|20|28|29)/i;
const UNESCAPE = { "%2B": "+", "%20": " ", "%28": "(", "%29": ")" };
const CUE = new RegExp(`\\b(?:${PHONE_WORDS}|${WEAK_PHONE_WORDS})\\b`, "i");
const STRONG_CUE = new RegExp(`\\b(?:${PHONE_WORDS})\\b`, "i");
const NANP_LAYOUT = /^(?:1[ .\-])?(?:\([2-9][0-9]{2}\) ?[2-9][0-9]{2}[.\-]|[2-9][0-9]{2}([.\-])[2-9][0-9]{2}\1)[0-9]{4}$/;
const CEP = /^[0-9]{5}-[0-9]{3}$/;
const NOT_A_PHONE_CUE =
  /\b(?:order|invoice|ticket|case|ref|reference|id|sku|serial|tracking|acct|po|version|build|release|isbn|batch|lot)\s*(?:no\.?|number|nr\.?|#|:)?\s*#?\s*$/i;
const NANP = /^1?[2-9][0-9]{2}[2-9][0-9]{6}$/;

export const name = "phone";

const digitsOf = (s) => s.replace(NON_DIGIT, "");

/** Spans of telephone numbers in `text`; URL-encoded ones are decoded first. */
export function find(text) {
  if (!text.includes("://") || !text.includes("%")) return findPlain(text);
  const encoded = [...text.matchAll(URL)].filter((m) => ESCAPE.test(m[0])).map((m) => [m.index, m.index + m[0].length]);
  if (!encoded.length) return findPlain(text);
  const spans = findPlain(text).filter((s) => !encoded.some(([a, b]) => s.start >= a && s.start < b));
  for (const [a, b] of encoded) {
    const [decoded, offsets] = unescape(text, a, b);
    for (const s of findPlain(decoded)) {
      const start = offsets[s.start];
      let end = offsets[s.end - 1];
      end += text[end] === "%" ? 3 : 1;
      spans.push(span(start, end, s.entity, s.score));
    }
  }
  return spans.sort((x, y) => x.start - y.start || x.end - y.end);
}

function findPlain(text) {
  const spans = [];
  for (const m of findIter(CANDIDATE, text)) {
    const start = m.index;
    let end = start + m[0].length;
    if (end - start < 7) continue;
    if (matchAt(UUID_START, text, start)) continue;
    const ext = matchAt(EXTENSION, text, end);
    if (ext === null && (isAlnumAt(text, end) || continuesNumber(text, end))) {
      end = dropLastGroup(text, start, end);
      if (end - start < 7) continue;
    }
    const raw = text.slice(start, end);
    if (digitsOf(raw).length < 7 || looksLikeOtherNumber(raw)) continue;
    if (NOT_A_PHONE_CUE.test(text.slice(Math.max(0, start - 24), start))) continue;
    let found = windows(text, start, end);
    if (!found.length && announced(text, start, end, ext !== null)) found = [span(start, end, "PHONE", 0.85)];
    if (ext !== null) {
      const extEnd = end + ext[0].length;
      found = found.map((f) => (f.end === end ? span(f.start, extEnd, f.entity, f.score) : f));
    }
    spans.push(...found);
  }
  return spans;
}

function windows(text, start, end) {
  const whole = check(text, start, end);
  if (whole !== null) return [whole];
  const groups = [];
  for (const g of findIter(GROUP, text.slice(start, end))) groups.push([start + g.index, start + g.index + g[0].length]);
  if (groups.length < 2) return [];
  const digits = groups.map(([a, b]) => digitsOf(text.slice(a, b)));
  const found = [];
  let tries = 0;
  let i = 0;
  while (i < groups.length && tries < MAX_TRIES) {
    if (i && digits[i].length < 2 && text[groups[i][0]] !== "(") {
      i += 1;
      continue;
    }
    for (let j = Math.min(groups.length, i + MAX_GROUPS) - 1; j >= i; j -= 1) {
      if (i === 0 && j === groups.length - 1) continue;
      const run = digits.slice(i, j + 1).join("");
      const intl = i === 0 && text[start] === "+";
      if (!plausible(run, intl)) continue;
      tries += 1;
      const s = check(text, i === 0 ? start : groups[i][0], groups[j][1]);
      if (s !== null) {
        found.push(s);
        i = j;
        break;
      }
    }
    i += 1;
  }
  return found;
}

/** A phone word before it, an extension after it, or the North American layout; 8 to 15 digits. */
function announced(text, start, end, extension) {
  const raw = text.slice(start, end);
  const digits = digitsOf(raw);
  const n = digits.startsWith("00") ? digits.length - 2 : digits.length;
  if (n < 8 || n > 15 || looksLikeOtherNumber(raw)) return false;
  return extension || NANP_LAYOUT.test(raw) || near(text, start, STRONG_CUE, 30);
}

function plausible(digits, intl) {
  if (intl || digits.startsWith("00")) return digits.length >= 8 && digits.length <= 17;
  return digits.length >= 7 && digits.length <= 13;
}

function check(text, start, end) {
  const raw = text.slice(start, end);
  const digits = digitsOf(raw);
  if (digits.length < 7 || digits.length > 17 || looksLikeOtherNumber(raw)) return null;
  if (raw.startsWith("+") || raw.startsWith("00")) {
    const international = raw.startsWith("00") ? digits.slice(2) : digits;
    const ok = international.length >= 8 && international.length <= 15 && international[0] !== "0";
    return ok ? span(start, end, "PHONE", 1.0) : null;
  }
  const formatted = !/^[0-9]+$/.test(raw);
  const cued = near(text, start, CUE, 30);
  const n = digits.length;
  if (!formatted && !cued) {
    const trunkOnly = n >= 9 && n <= 12 && digits[0] === "0" && digits[1] !== "0";
    return trunkOnly ? span(start, end, "PHONE", 0.8) : null;
  }
  const trunk = digits[0] === "0" && digits[1] !== "0" && n >= 8 && n <= 12;
  const nanp = NANP.test(digits);
  const grouped = formatted && n >= 9 && n <= 11;
  if (trunk || nanp || grouped || (cued && n >= 7 && n <= 13)) {
    return span(start, end, "PHONE", formatted ? 0.9 : 0.8);
  }
  return null;
}

function unescape(text, start, end) {
  const out = [];
  const offsets = [];
  let i = start;
  while (i < end) {
    const chunk = text.slice(i, i + 3).toUpperCase();
    if (chunk in UNESCAPE && i + 3 <= end) {
      out.push(UNESCAPE[chunk]);
      offsets.push(i);
      i += 3;
    } else {
      out.push(text[i]);
      offsets.push(i);
      i += 1;
    }
  }
  return [out.join(""), offsets];
}

function dropLastGroup(text, start, end) {
  const groups = [...text.slice(start, end).matchAll(GROUP)].map((g) => start + g.index + g[0].length);
  return groups.length > 1 ? groups[groups.length - 2] : start;
}

function isDate(raw) {
  const m = DATE.exec(raw);
  if (m === null) return false;
  const [a, b, c] = [Number(m[1]), Number(m[3]), Number(m[4])];
  if (m[1].length === 4) return (b >= 1 && b <= 12 && c >= 1 && c <= 31) || (b >= 1 && b <= 31 && c >= 1 && c <= 12);
  if (m[1].length > 2) return false;
  return (a >= 1 && a <= 31 && b >= 1 && b <= 12) || (a >= 1 && a <= 12 && b >= 1 && b <= 31);
}

function continuesNumber(text, end) {
  return end + 1 < text.length && ".,:".includes(text[end]) && /[0-9]/.test(text[end + 1]);
}

function looksLikeOtherNumber(raw) {
  if (ISO_DATE.test(raw) || isDate(raw) || CEP.test(raw)) return true;
  if (raw.includes(".")) {
    const parts = raw.replace(/^\++/, "").split(".");
    if (parts.some((p) => p.replace(/^[() ]+|[() ]+$/g, "").length < 2)) return true;
    if (parts.length === 4 && parts.every((p) => /^[0-9]{1,3}$/.test(p))) return true;
  }
  return false;
}
