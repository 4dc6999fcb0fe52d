/**
 * Context rules more than one detector uses (port of `workprint/privacy/detectors/_context.py`'s
 * record labels): a number right after `order`, `invoice`, `ref`, `PO`... is that record's
 * number, not a card or an identity number.
 */

import { RECORD_WORDS } from "../_shared.js";

const RECORD_LABEL = new RegExp(
  `\\b(?:${RECORD_WORDS.join("|")})(?: ?(?:no\\.?|nr\\.?|number|id|#))?[ ]?[:#]?[ ]?$`,
  "i",
);

/** True when a record word labels the number at `start` (`Order 123`, `ref: 123`). */
export function labelledAsRecord(text, start) {
  return RECORD_LABEL.test(text.slice(Math.max(0, start - 24), start));
}
