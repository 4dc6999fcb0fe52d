/**
 * IP addresses (port of `workprint/privacy/detectors/ip.py`): IPv4 dotted quads with octets
 * 0-255, and IPv6 validated by a full parser (groups, one `::`, an embedded IPv4 tail, a zone).
 * Not addresses: version numbers, longer dotted runs, times, MAC addresses, C++ scopes.
 * Addresses that identify no one are left alone: loopback, unspecified, netmasks.
 */

import { findIter, span } from "./_text.js";

const V4 = /(?<![\p{L}\p{N}_.])[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?![\p{L}\p{N}_]|\.[0-9])/gu;
const V6 =
  /(?<![\p{L}\p{N}_.])(?<![0-9A-Fa-f.:]:)(?:[0-9A-Fa-f]{1,4}:|::?)[0-9A-Fa-f:.]*[0-9A-Fa-f:](?:%[\p{L}\p{N}_.]+)?(?![\p{L}\p{N}_:])/gu;
const VERSION_CUE = /(?:\bv|\bversion|\bver\.?|\brelease|\bbuild|\brev)\s*$/i;
const MASK_OCTETS = new Set(["0", "128", "192", "224", "240", "248", "252", "254", "255"]);

export const name = "ip";

/** Spans of IP addresses in `text`. */
export function find(text) {
  const spans = [];
  for (const m of findIter(V4, text)) {
    if (v4Ok(text, m.index, m[0])) spans.push(span(m.index, m.index + m[0].length, "IP"));
  }
  if (text.includes("::") || (text.match(/:/g) ?? []).length >= 7) {
    for (const m of findIter(V6, text)) {
      const raw = m[0];
      if ((raw.match(/:/g) ?? []).length >= 2 && /[0-9]/.test(raw) && v6Ok(raw)) {
        spans.push(span(m.index, m.index + raw.length, "IP"));
      }
    }
  }
  return spans;
}

function v4Ok(text, start, raw) {
  const octets = raw.split(".");
  if (octets.some((o) => Number(o) > 255 || (o.length > 1 && o[0] === "0"))) return false;
  if (octets[0] === "0" || octets[0] === "127") return false;
  if (octets[0] === "255" && octets.every((o) => MASK_OCTETS.has(o))) return false;
  return !VERSION_CUE.test(text.slice(Math.max(0, start - 12), start));
}

/** The eight 16-bit groups of an IPv6 address, or null when `raw` is not one. */
export function parseIPv6(raw) {
  let text = raw;
  const zone = text.indexOf("%");
  if (zone !== -1) {
    if (zone === text.length - 1) return null;
    text = text.slice(0, zone);
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (part) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const parts = halves.length === 2 ? [...head, ...tail] : head;
  const groups = [];
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i];
    if (part.includes(".")) {
      if (i !== parts.length - 1) return null;
      const v4 = part.split(".");
      if (v4.length !== 4) return null;
      const bytes = [];
      for (const o of v4) {
        if (!/^[0-9]{1,3}$/.test(o) || Number(o) > 255 || (o.length > 1 && o[0] === "0")) return null;
        bytes.push(Number(o));
      }
      groups.push(bytes[0] * 256 + bytes[1], bytes[2] * 256 + bytes[3]);
    } else {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(part)) return null;
      groups.push(parseInt(part, 16));
    }
  }
  if (halves.length === 2) {
    if (groups.length > 7) return null;
    const headCount = head.reduce((n, p) => n + (p.includes(".") ? 2 : 1), 0);
    const fill = new Array(8 - groups.length).fill(0);
    return [...groups.slice(0, headCount), ...fill, ...groups.slice(headCount)];
  }
  return groups.length === 8 ? groups : null;
}

function v6Ok(raw) {
  const groups = parseIPv6(raw);
  if (groups === null) return false;
  const unspecified = groups.every((g) => g === 0);
  const loopback = groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1;
  return !(unspecified || loopback);
}
