/**
 * International bank account numbers (port of `workprint/privacy/detectors/iban.py`): the
 * registry length for the country, then mod-97. Compact or in groups, either case; the span
 * ends where the country's length is reached.
 */

import { IBAN_LENGTHS } from "../_shared.js";
import { ibanMod97 } from "./_checksums.js";
import { findIter, isAlnum, span } from "./_text.js";

const START = /(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}/g;
const ASCII_ALNUM = /^[A-Za-z0-9]$/;

export const name = "iban";

/** Spans of IBANs in `text`. */
export function find(text) {
  const spans = [];
  for (const m of findIter(START, text)) {
    const length = IBAN_LENGTHS[m[0].slice(0, 2).toUpperCase()];
    if (length === undefined) continue;
    const end = read(text, m.index + 4, length - 4);
    if (end === null) continue;
    const compact = text.slice(m.index, end).replace(/ /g, "").toUpperCase();
    if (ibanMod97(compact) === 1) spans.push(span(m.index, end, "IBAN"));
  }
  return spans;
}

/** Where `want` more ASCII letters/digits end from `pos` (single spaces allowed). */
function read(text, pos, want) {
  const n = text.length;
  let got = 0;
  while (got < want && pos < n) {
    const ch = text[pos];
    if (ASCII_ALNUM.test(ch)) got += 1;
    else if (!(ch === " " && pos + 1 < n && isAlnum(text[pos + 1]))) break;
    pos += 1;
  }
  if (got < want || (pos < n && isAlnum(text[pos]))) return null;
  return pos;
}
