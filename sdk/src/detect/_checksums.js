/**
 * Check-digit algorithms the detectors validate candidates with, ported from
 * `workprint/privacy/detectors/_checksums.py`. Each takes the candidate reduced to its
 * significant characters and answers whether its check digits are right.
 */

const LUHN_DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];

/** Luhn (mod 10), as used by payment cards. */
export function luhnOk(digits) {
  let total = 0;
  for (let i = 0; i < digits.length; i += 1) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    total += i % 2 ? LUHN_DOUBLED[d] : d;
  }
  return total % 10 === 0;
}

/** ISO 13616 remainder of an upper-case IBAN; valid is 1. Computed piecewise (no BigInt). */
export function ibanMod97(iban) {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const value = parseInt(ch, 36);
    if (Number.isNaN(value)) return -1;
    const digits = String(value);
    for (const d of digits) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rest;
}

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** Verhoeff dihedral check (India's Aadhaar). */
export function verhoeffOk(digits) {
  let c = 0;
  for (let i = 0; i < digits.length; i += 1) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    c = VERHOEFF_D[c][VERHOEFF_P[i % 8][d]];
  }
  return c === 0;
}

/** Dutch BSN "11-proof". */
export function bsnOk(digits) {
  if (digits.length !== 9) return false;
  let total = 0;
  for (let i = 0; i < 8; i += 1) total += (9 - i) * (digits.charCodeAt(i) - 48);
  total -= digits.charCodeAt(8) - 48;
  return total % 11 === 0 && digits !== "000000000";
}

const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

/** The control letter of a Spanish DNI/NIE number. */
export function dniLetter(number) {
  return DNI_LETTERS[number % 23];
}

/** French NIR: 13 characters then the key 97 - (n mod 97); Corsica 2A/2B count as 19/18. */
export function nirOk(nir) {
  if (nir.length !== 15) return false;
  let body = nir.slice(0, 13).toUpperCase();
  if (body.slice(5, 7) === "2A") body = `${body.slice(0, 5)}19${body.slice(7)}`;
  else if (body.slice(5, 7) === "2B") body = `${body.slice(0, 5)}18${body.slice(7)}`;
  if (!/^[0-9]+$/.test(body) || !/^[0-9]+$/.test(nir.slice(13))) return false;
  let rest = 0;
  for (const d of body) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
  return 97 - rest === Number(nir.slice(13));
}

/** German Steuer-ID: repetition rule and ISO 7064 MOD 11,10. */
export function steuerIdOk(digits) {
  if (digits.length !== 11 || digits[0] === "0") return false;
  const counts = new Map();
  for (const ch of digits.slice(0, 10)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const repeated = [...counts.values()].filter((c) => c > 1);
  if (repeated.length !== 1 || repeated[0] > 3) return false;
  let product = 10;
  for (const ch of digits.slice(0, 10)) {
    const total = (ch.charCodeAt(0) - 48 + product) % 10 || 10;
    product = (total * 2) % 11;
  }
  return (11 - product) % 10 === digits.charCodeAt(10) - 48;
}

/** Brazilian CPF: two mod-11 check digits; all-equal sequences are invalid. */
export function cpfOk(digits) {
  if (digits.length !== 11 || digits === digits[0].repeat(11)) return false;
  const nums = [...digits].map((ch) => ch.charCodeAt(0) - 48);
  for (const n of [9, 10]) {
    let total = 0;
    for (let i = 0; i < n; i += 1) total += nums[i] * (n + 1 - i);
    if (((total * 10) % 11) % 10 !== nums[n]) return false;
  }
  return true;
}

const CF_ODD = [
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

function cfIndex(ch) {
  const code = ch.charCodeAt(0);
  return code >= 48 && code <= 57 ? code - 48 : code - 65;
}

/** Italian codice fiscale: 15 characters then a check letter. */
export function codiceFiscaleOk(cf) {
  if (cf.length !== 16 || !/^[A-Za-z0-9]+$/.test(cf)) return false;
  const upper = cf.toUpperCase();
  if (!/[A-Z]/.test(upper[15])) return false;
  let total = 0;
  for (let i = 0; i < 15; i += 1) {
    total += i % 2 === 0 ? CF_ODD[cfIndex(upper[i])] : cfIndex(upper[i]);
  }
  return String.fromCharCode(65 + (total % 26)) === upper[15];
}

/** Shannon entropy of `value`'s characters, in bits per character. */
export function shannonEntropy(value) {
  const n = value.length;
  if (!n) return 0;
  const counts = new Map();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) h -= (c / n) * Math.log2(c / n);
  return h;
}
