/**
 * The browser's detector set and `findAll`, which runs it and resolves overlaps exactly as
 * `workprint/privacy/detectors/__init__.py` does: the longer span wins, then the higher score,
 * then the detector that comes first; the winner grows to cover what it beat, so no part of
 * anything found is left in the text. Names and postal addresses are not detected here: the
 * name directory is never sent to browsers, and both are caught again at the collector.
 */

import * as card from "./card.js";
import * as email from "./email.js";
import * as iban from "./iban.js";
import * as ip from "./ip.js";
import * as nationalId from "./national_id.js";
import * as phone from "./phone.js";
import * as secrets from "./secrets.js";
import * as urlCredentials from "./url_credentials.js";

/** Most specific first (the order breaks ties), as in Python's `default_detectors`. */
export const DETECTORS = [secrets, urlCredentials, email, iban, card, nationalId, phone, ip];

/** Every entity label the browser may emit. */
export const ENTITIES = [
  "SECRET", "JWT", "PRIVATE_KEY", "PASSWORD", "URL_CREDENTIALS", "EMAIL", "IBAN", "CARD",
  "SSN", "NINO", "NATIONAL_ID", "PHONE", "IP",
];

function compareRank(a, b) {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/** Sorted, non-overlapping spans of every detector over `text`. Detector errors propagate. */
export function findAll(text, detectors = DETECTORS) {
  const found = [];
  const n = text.length;
  detectors.forEach((detector, order) => {
    for (const s of detector.find(text)) {
      if (s.start >= 0 && s.start < s.end && s.end <= n) {
        found.push([s, [0, s.start - s.end, -s.score, order, s.start]]);
      }
    }
  });
  found.sort((x, y) => x[0].start - y[0].start);
  const resolved = [];
  let i = 0;
  while (i < found.length) {
    let [best, bestRank] = found[i];
    let end = best.end;
    let j = i + 1;
    while (j < found.length && found[j][0].start < end) {
      const [s, rank] = found[j];
      end = Math.max(end, s.end);
      if (compareRank(rank, bestRank) < 0) {
        best = s;
        bestRank = rank;
      }
      j += 1;
    }
    const start = found[i][0].start;
    resolved.push(best.start === start && best.end === end ? best : { start, end, entity: best.entity, score: best.score });
    i = j;
  }
  return resolved;
}
