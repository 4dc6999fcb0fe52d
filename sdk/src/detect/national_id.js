/**
 * National identity and tax numbers (port of `workprint/privacy/detectors/national_id.py`),
 * each validated by its structure or check digits: US SSN, UK NINO, NL BSN (always with a
 * cue), ES DNI/NIE, FR NIR, DE Steuer-ID, IN Aadhaar, BR CPF, IT codice fiscale. A bare run of
 * digits counts for the SSN, Steuer-ID, Aadhaar and CPF only next to its cue word, a plain `ID`
 * label for the SSN, or (for numbers with check digits) when it is the whole text. Scores: 1.0
 * with the document's cue, 0.95 in its own separators, 0.9 with a generic cue or alone, 0.85
 * otherwise; a bare number that a record word labels (`invoice 238349555077978`) is dropped.
 */

import { NINO_BAD_PREFIXES, SSN_DUMMIES } from "../_shared.js";
import {
  bsnOk,
  codiceFiscaleOk,
  cpfOk,
  dniLetter,
  nirOk,
  steuerIdOk,
  verhoeffOk,
} from "./_checksums.js";
import { labelledAsRecord } from "./_context.js";
import { findIter, isAlnum, isAlnumAt, near, span } from "./_text.js";

const CF =
  /(?<![A-Za-z0-9])[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?![A-Za-z0-9])/g;
const OMOCODIA = { L: "0", M: "1", N: "2", P: "3", Q: "4", R: "5", S: "6", T: "7", U: "8", V: "9" };
const SSN_DUMMY = new Set(SSN_DUMMIES);
const NINO_BAD = new Set(NINO_BAD_PREFIXES);
const CUE_WINDOW = 40;

const cue = (words) => new RegExp(`\\b(?:${words})\\b`, "i");

const NOT_RECORD_ID = [
  "order", "invoice", "ticket", "request", "account", "transaction", "session", "user",
  "customer", "product", "client", "tracking", "booking", "case", "job", "build", "item",
]
  .map((w) => `(?<!${w}[ \\-_])`)
  .join("");

/** An identity-number label right before the number (`ID`, `ID no.:`, `national ID`). */
const GENERIC_ID_CUE =
  /(?<![\p{L}\p{N}_\-])(?<![\p{L}\p{N}_\-] )(?:id|id[ \-]?(?:no\.?|nr\.?|number|#)|identification(?: number| no\.?)?|national id(?: number| no\.?)?|identity(?: card)? (?:number|no\.?))[ ]?[:#=]?[ ]?$/iu;

function ssnOk(d) {
  const area = d.slice(0, 3);
  return (
    area !== "000" &&
    area !== "666" &&
    area[0] !== "9" &&
    d.slice(3, 5) !== "00" &&
    d.slice(5) !== "0000" &&
    !SSN_DUMMY.has(d)
  );
}

function dniOk(d) {
  const number = "XYZ".includes(d[0]) ? Number(String("XYZ".indexOf(d[0])) + d.slice(1, 8)) : Number(d.slice(0, 8));
  return dniLetter(number) === d[8];
}

function nirValid(d) {
  const month = Number(d.slice(3, 5));
  return ((month >= 1 && month <= 12) || (month >= 20 && month <= 42) || (month >= 50 && month <= 99)) && nirOk(d);
}

/** Rules: pattern (global), validator of the compact form, cue, when the cue is required. */
const RULES = [
  {
    entity: "SSN",
    pattern: /[0-9]{3}([ \-]?)[0-9]{2}\1[0-9]{4}(?![\p{L}\p{N}_\-])/gu,
    valid: ssnOk,
    cue: cue("ssn|ss#|social security(?: number| no)?|soc\\.? ?sec\\.?"),
    cueRule: "bare",
    genericCue: GENERIC_ID_CUE,
  },
  {
    entity: "NINO",
    pattern: /[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?![A-Za-z0-9])/g,
    valid: (d) => !NINO_BAD.has(d.slice(0, 2)),
    cue: cue("nino|ni (?:number|no\\.?)|national insurance(?: number| no\\.?)?"),
    cueRule: "never",
  },
  {
    entity: "NATIONAL_ID",
    pattern: /[0-9]{4}(?:\.?[0-9]{2}\.?[0-9]{3})(?![\p{L}\p{N}_\-]|\.[0-9])/gu,
    valid: bsnOk,
    checksum: true,
    cue: cue(
      "bsn|bsn-?nummer|burgerservicenummer|sofi-?nummer|citizen service number|" +
        `persoonsnummer|identiteitsnummer|${NOT_RECORD_ID}id(?:-?nummer)?`,
    ),
    cueRule: "always",
  },
  {
    entity: "NATIONAL_ID",
    pattern: /(?:[0-9]{8}|[XYZ][ \-]?[0-9]{7})[ \-]?[A-Z](?![A-Za-z0-9])/g,
    valid: dniOk,
    cue: null,
    cueRule: "never",
  },
  {
    entity: "NATIONAL_ID",
    pattern: /[12378] ?[0-9]{2} ?[0-9]{2} ?(?:[0-9]{2}|2[AB]) ?[0-9]{3} ?[0-9]{3} ?[0-9]{2}(?![\p{L}\p{N}_\-])/gu,
    valid: nirValid,
    cue: null,
    cueRule: "never",
  },
  {
    entity: "NATIONAL_ID",
    pattern: /[1-9][0-9] ?[0-9]{3} ?[0-9]{3} ?[0-9]{3}(?![\p{L}\p{N}_\-])/gu,
    valid: steuerIdOk,
    checksum: true,
    cue: cue("steuer-?id|steuer-?identifikationsnummer|identifikationsnummer|idnr|tin|tax id"),
    cueRule: "bare",
  },
  {
    entity: "NATIONAL_ID",
    pattern: /[2-9][0-9]{3}([ \-]?)[0-9]{4}\1[0-9]{4}(?![\p{L}\p{N}_\-])/gu,
    valid: (d) => !"01".includes(d[0]) && verhoeffOk(d),
    checksum: true,
    cue: cue("aadhaa?r|uidai|uid"),
    cueRule: "bare",
  },
  {
    entity: "NATIONAL_ID",
    pattern: /[0-9]{3}(?:\.[0-9]{3}\.[0-9]{3}-[0-9]{2}|[0-9]{8})(?![\p{L}\p{N}_\-])/gu,
    valid: cpfOk,
    checksum: true,
    cue: cue("cpf"),
    cueRule: "bare",
  },
];

export const name = "national_id";

/** Spans of national numbers in `text`. */
export function find(text) {
  const spans = [];
  if (/[0-9](?:[ .\-]?[0-9]){5}/.test(text)) {
    for (const rule of RULES) {
      // Python's finditer never returns overlapping matches; neither does a global regex.
      for (const m of findIter(rule.pattern, text)) {
        const found = check(text, rule, m);
        if (found !== null) spans.push(found);
      }
    }
  }
  if (/[A-Z]{6}/.test(text)) {
    for (const m of findIter(CF, text)) {
      if (codiceFiscaleOk(m[0]) && !cfDigitsBad(m[0])) spans.push(span(m.index, m.index + 16, "NATIONAL_ID", 1.0));
    }
  }
  return spans;
}

function check(text, rule, m) {
  const start = m.index;
  const end = start + m[0].length;
  if (start && (isAlnum(text[start - 1]) || "_-.".includes(text[start - 1]))) return null;
  if (end < text.length && (isAlnum(text[end]) || "_-".includes(text[end]))) return null;
  if (text[end] === "." && isAlnumAt(text, end + 1)) return null;
  const raw = m[0];
  const compact = raw.replace(/[ .\-]/g, "").toUpperCase();
  if (!rule.valid(compact)) return null;
  if (rule.cue !== null && near(text, start, rule.cue, CUE_WINDOW)) return span(start, end, rule.entity, 1.0);
  const formatted = compact !== raw.toUpperCase();
  const needsCue = rule.cueRule === "always" || (rule.cueRule === "bare" && !formatted);
  if (!needsCue) {
    if (!formatted && /^[0-9]+$/.test(raw) && labelledAsRecord(text, start)) return null;
    return span(start, end, rule.entity, formatted ? 0.95 : 0.85);
  }
  const generic = rule.genericCue !== undefined && near(text, start, rule.genericCue, CUE_WINDOW);
  const alone = rule.checksum === true && text.slice(0, start).trim() === "" && text.slice(end).trim() === "";
  return generic || alone ? span(start, end, rule.entity, 0.9) : null;
}

function cfDigitsBad(cf) {
  const day = Number(
    cf
      .slice(9, 11)
      .split("")
      .map((ch) => OMOCODIA[ch] ?? ch)
      .join(""),
  );
  return !((day >= 1 && day <= 31) || (day >= 41 && day <= 71));
}
