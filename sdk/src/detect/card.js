/**
 * Payment card numbers (port of `workprint/privacy/detectors/card.py`): 12 to 19 digits in
 * groups separated by spaces or dashes, a valid Luhn digit, and either a known issuer prefix
 * for the length or a card word just before the number (`card`, `Visa`, `Kreditkarte`...).
 * When a run of groups is longer than a card, the longest valid run of whole groups is taken;
 * a 12-digit Maestro only as a whole number. Not cards: one repeated digit, and a bare run
 * labelled by a record word (`Order 6468980275290539`) with no card word before it.
 */

import { CARD_CUES, CARD_ISSUERS } from "../_shared.js";
import { luhnOk } from "./_checksums.js";
import { labelledAsRecord } from "./_context.js";
import { findIter, isAlnumAt, near, span } from "./_text.js";

const CANDIDATE = /(?<![\p{L}\p{N}_.,\-])[0-9]+(?:[ \-][0-9]+)*/gu;
const GROUP = /[0-9]+/g;
const ISSUERS = CARD_ISSUERS.map(([lo, hi, lengths]) => [lo, hi, new Set(lengths), String(lo).length]);
const CUE = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${CARD_CUES.join("|")})(?![\\p{L}\\p{N}_])`, "iu");
const CUE_WINDOW = 32;
const MIN_DIGITS = 12;
const MAX_DIGITS = 19;

export const name = "card";

/** True when some issuer uses `digits`' prefix with `digits`' length. */
export function issuerKnown(digits) {
  const n = digits.length;
  for (const [lo, hi, lengths, width] of ISSUERS) {
    if (!lengths.has(n)) continue;
    const prefix = Number(digits.slice(0, width));
    if (lo <= prefix && prefix <= hi) return true;
  }
  return false;
}

/** Spans of card numbers in `text`. */
export function find(text) {
  const spans = [];
  for (const m of findIter(CANDIDATE, text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (end - start < MIN_DIGITS) continue;
    const groups = [];
    for (const g of findIter(GROUP, m[0])) groups.push([start + g.index, start + g.index + g[0].length]);
    if (isAlnumAt(text, end) || decimalAfter(text, end)) groups.pop();
    spans.push(...runs(text, groups));
  }
  return spans;
}

function runs(text, groups) {
  const found = [];
  let i = 0;
  while (i < groups.length) {
    for (let j = Math.min(groups.length, i + 8) - 1; j >= i; j -= 1) {
      const whole = i === 0 && j === groups.length - 1;
      const s = check(text, groups[i][0], groups[j][1], j - i + 1, whole);
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

function check(text, start, end, nGroups, whole) {
  const digits = text.slice(start, end).replace(/[ \-]/g, "");
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) return null;
  if (digits.length < 13 && !whole) return null;
  if (!luhnOk(digits) || digits === digits[0].repeat(digits.length)) return null;
  if (near(text, start, CUE, CUE_WINDOW)) return span(start, end, "CARD", 1.0);
  if (nGroups === 1 && labelledAsRecord(text, start)) return null;
  if (!issuerKnown(digits)) return null;
  return span(start, end, "CARD", nGroups > 1 ? 1.0 : 0.9);
}

function decimalAfter(text, end) {
  return end + 1 < text.length && ".,".includes(text[end]) && /[0-9]/.test(text[end + 1]);
}
