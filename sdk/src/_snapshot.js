/**
 * `Workprint.snapshot()`: the page's interactive elements exactly as an `observe` event's
 * `payload.elements` would carry them now (eids, selectors, names, text treated under the
 * capture mode), without emitting anything. An agent acting on the page builds its
 * observations with it, so they match the snapshots its training data was made of.
 */

import { snapshot } from "./observe.js";
import { applyPrivacy } from "./privacy.js";

/** Modes a caller may ask for when the SDK is not recording (`off` gives nothing). */
export const SNAPSHOT_MODES = new Set(["full", "redacted", "metadata", "off"]);

/**
 * The elements of `doc` after the privacy step of `mode`.
 * @param {Document} doc
 * @param {{mode: string, vault: object, fields?: object, allowedQuery?: Set<string>, hideValue?: Function}} options
 * @returns {object[]}
 */
export function observedElements(doc, { mode, vault, fields = {}, allowedQuery = new Set(), hideValue = () => false }) {
  if (mode === "off") return [];
  const snap = snapshot(doc, hideValue);
  const kept = applyPrivacy(
    { kind: "observe", payload: { elements: snap.elements, viewport: snap.viewport } },
    { mode, fields, allowedQuery, vault },
  );
  return kept.payload.elements ?? [];
}
