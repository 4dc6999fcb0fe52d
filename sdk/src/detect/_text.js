/**
 * Small pure functions the detectors share: character classes that match Python's Unicode-aware
 * `str` methods, context windows and sticky matching at a position.
 */

const ALNUM = /^[\p{L}\p{N}]$/u;
const ALPHA = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const UPPER = /^\p{Lu}$/u;
const LOWER = /^\p{Ll}$/u;
const SPACE = /^\s$/u;

/** Python's `ch.isalnum()` for one character (undefined is false). */
export const isAlnum = (ch) => ch !== undefined && ALNUM.test(ch);
export const isAlpha = (ch) => ch !== undefined && ALPHA.test(ch);
export const isDigit = (ch) => ch !== undefined && DIGIT.test(ch);
export const isUpper = (ch) => ch !== undefined && UPPER.test(ch);
export const isLower = (ch) => ch !== undefined && LOWER.test(ch);
export const isSpace = (ch) => ch !== undefined && SPACE.test(ch);

/** True when `text[index]` exists and is a letter or digit (a token continues there). */
export function isAlnumAt(text, index) {
  return index >= 0 && index < text.length && isAlnum(text[index]);
}

/** True when `cue` (a non-global pattern) occurs in the `before` characters ahead of `start`. */
export function near(text, start, cue, before = 40) {
  return cue.test(text.slice(Math.max(0, start - before), start));
}

/** Match the sticky (`y`) pattern `re` exactly at `pos`; the match or null. */
export function matchAt(re, text, pos) {
  re.lastIndex = pos;
  return re.exec(text);
}

/** Every match of the global pattern `re` in `text` (from `from`). */
export function* findIter(re, text, from = 0) {
  re.lastIndex = from;
  for (;;) {
    const m = re.exec(text);
    if (m === null) return;
    if (m[0] === "") re.lastIndex += 1;
    yield m;
  }
}

/** A detected value: `text.slice(start, end)` is a value of `entity`. */
export function span(start, end, entity, score = 1.0) {
  return { start, end, entity, score };
}

/** Python's `str.isalpha()` of a whole string. */
export const allAlpha = (s) => s.length > 0 && /^\p{L}+$/u.test(s);
/** Python's `str.isdigit()` of a whole string (ASCII and other decimal digits). */
export const allDigits = (s) => s.length > 0 && /^\p{Nd}+$/u.test(s);
/** Some letter is upper case / lower case / some character a digit. */
export const hasUpper = (s) => /\p{Lu}/u.test(s);
export const hasLower = (s) => /\p{Ll}/u.test(s);
export const hasDigit = (s) => /\p{Nd}/u.test(s);
