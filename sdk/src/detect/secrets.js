/**
 * Secrets (port of `workprint/privacy/detectors/secrets.py`): provider key formats, JWTs,
 * PEM private keys, credential assignments (`password=`, `"secret": "..."`, `--password x`,
 * `Authorization: Bearer ...`, `mysql -pSECRET`), passwords after a cue phrase in prose, and
 * high-entropy tokens near a keyword. The provider formats and the credential words come from
 * the Python tables through `_shared.js`; the rules below mirror the Python functions.
 */

import {
  KEY_QUALIFIERS,
  PASSWORD_PARTS as PASSWORD_PARTS_LIST,
  PROVIDER_RULES,
  SECRET_ENDINGS,
  SECRET_PARTS as SECRET_PARTS_LIST,
} from "../_shared.js";
import { shannonEntropy } from "./_checksums.js";
import { allAlpha, findIter, hasDigit, hasLower, hasUpper, isAlpha, isUpper, matchAt, near, span } from "./_text.js";
import { secretParam } from "./url_credentials.js";

export const name = "secrets";

const PASSWORD_PARTS = new Set(PASSWORD_PARTS_LIST);
const SECRET_PARTS = new Set(SECRET_PARTS_LIST);
const QUALIFIERS = new Set(KEY_QUALIFIERS);

const mixed = (v) => hasDigit(v) && hasUpper(v) && hasLower(v);

const decoder = new TextDecoder("utf-8", { fatal: true });

function jwtOk(value) {
  const header = value.split(".", 1)[0].replace(/-/g, "+").replace(/_/g, "/");
  try {
    const binary = atob(header + "=".repeat((4 - (header.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const decoded = JSON.parse(decoder.decode(bytes));
    return decoded !== null && typeof decoded === "object" && !Array.isArray(decoded) && "alg" in decoded;
  } catch {
    return false;
  }
}

const CHECKS = { openai: (v) => mixed(v.slice(3)), jwt: jwtOk };

const RULES = PROVIDER_RULES.map((r) => ({
  ...r,
  regex: new RegExp(r.pattern, "y"),
  validate: r.check === null ? null : CHECKS[r.check],
}));
const TRIGGERS = [...new Set(RULES.flatMap((r) => r.triggers))].sort((a, b) => b.length - a.length);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const TRIGGER_RE = new RegExp(TRIGGERS.map(escape).join("|"), "g");
const RULES_FOR = new Map(
  TRIGGERS.map((t) => [t, RULES.filter((r) => r.triggers.some((u) => t.startsWith(u)))]),
);

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_BODY = /[A-Za-z0-9+/=\s:,\-]*/y;
const TOKEN_CHAR = /^[A-Za-z0-9_\-]$/;
const tokenCharAt = (text, i) => i >= 0 && i < text.length && TOKEN_CHAR.test(text[i]);

const KEYWORDS = ["pass", "pwd", "secret", "token", "key", "credential", "sess"];
const KEYWORD = /pass|pwd|secret|token|key|credential|sess/gi;
const ASSIGNMENT_TRIGGERS = [...KEYWORDS, "bearer", "authorization", "-u"];
const NAME_TAIL = /[\p{L}\p{N}_\-]*/uy;
const NAME_CHAR = /^[\p{L}\p{N}_.\-]$/u;
const SEP = /["']?[ \t]*(?::=|=>|[:=])[ \t]*/y;
const FLAG_SEP = /[ \t]+|=/y;
const PROSE_SEP = /[ \t]+(?:is|was|:)[ \t]*:?[ \t]*/y;
const VALUE = /"((?:[^"\\\n]|\\.){1,512})"?|'([^'\n]{1,512})'?|([^\s"'`,;<>)\]}]{1,512})/dy;
const CAMEL = /([a-z0-9])([A-Z])/g;
const PARTS = /[^a-z0-9]+/;
const PLACEHOLDER =
  /^(?:[*x•.\-_#?]+|<[^>]*>?|\$\{?[\p{L}\p{N}_]*\}?|\{\{.*|%\(?[\p{L}\p{N}_]*\)?s|\[[^\]]*\]?|(?:null|none|nil|true|false|undefined|redacted|hidden|required|optional|string|str|int|bool|env|yes|no|n\/a|\*\*\*))$/iu;
const CODE = /^[A-Za-z_][\p{L}\p{N}_.]*[(\[](?=["'A-Za-z_\])\]]|$)/u;
const AUTH =
  /\b(?:authorization["']?[ \t]*[:=][ \t]*["']?(?:bearer|basic|token|digest)?|bearer)[ \t]+([A-Za-z0-9\-._~+/]{8,}=*)/dgi;
const USER_FLAG = /(?<!\S)(?:-u|--user)[ =]["']?([^\s:"'@]+:[^\s"']+)/dg;
const CLI_PASSWORD =
  /\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\b[^\n|;&]*?(?<!\S)-p(?:'([^'\n]+)'|"([^"\n]+)"|([^\s'"]+))|\bsshpass[ \t]+-p[ \t]?(?:'([^'\n]+)'|"([^"\n]+)"|([^\s'"]+))/dg;
const CLI_TRIGGERS = ["mysql", "mariadb", "sshpass"];
const PROSE_PASSWORD =
  /\b(?:pass(?:word|wort|phrase|code)|pwd|pw)\b(?:[ \t]+(?:for|of|to|on)[ \t]+[^\n.:;,=]{1,40}?)?(?:[ \t]*[:=][ \t]*|[ \t]+(?:is|was|is now|will be|=)[ \t]*:?[ \t]*)(?:'([^'\n]{3,128})'?|"([^"\n]{3,128})"?|`([^`\n]{3,128})`?|([^\s'"`]\S{2,127}))/dgi;
const PROSE_TRAILING = ".,;:)]}'\"";

const HEXISH = /^[0-9a-fA-F\-]+$/;
const IDENT_PART = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+|[_\-+/=]+/g;
const ENTROPY_CANDIDATE = /[A-Za-z0-9+/_\-]{20,512}={0,2}/g;
const ENTROPY_TRIGGERS = [
  "key", "token", "secret", "passw", "pwd", "credential", "auth", "bearer", "api", "sig",
  "private", "session", "cookie",
];
const ENTROPY_CUE = /key|token|secret|passw|pwd|credential|auth|bearer|api|signature|\bsig\b|private|session|cookie/i;
const ENTROPY_WINDOW = 40;

/** `PASSWORD`, `SECRET` or null for a variable, key, header or flag name. */
export function classifyName(varName) {
  const parts = varName.replace(CAMEL, "$1_$2").toLowerCase().split(PARTS).filter(Boolean);
  if (!parts.length) return null;
  const last = parts[parts.length - 1];
  if (PASSWORD_PARTS.has(last) || ["password", "passwd", "passphrase"].some((e) => last.endsWith(e))) {
    return "PASSWORD";
  }
  if (SECRET_PARTS.has(last) || SECRET_ENDINGS.some((e) => last.endsWith(e))) return "SECRET";
  if (last === "key" && parts.length > 1 && QUALIFIERS.has(parts[parts.length - 2])) return "SECRET";
  return null;
}

function entropyThreshold(n) {
  if (n >= 64) return 4.3;
  if (n >= 40) return 4.0 + ((n - 40) * 0.3) / 24;
  if (n >= 32) return 3.7 + ((n - 32) * 0.3) / 8;
  return 3.3 + (Math.max(0, n - 20) * 0.4) / 12;
}

function mixedOrSymbol(value) {
  return hasUpper(value) && hasLower(value) && /[\p{Nd}+/_\-]/u.test(value);
}

function randomLooking(value) {
  if (HEXISH.test(value) || !mixedOrSymbol(value)) return false;
  if (shannonEntropy(value) < entropyThreshold(value.length)) return false;
  const parts = value.match(IDENT_PART) ?? [];
  const words = parts.filter((p) => isAlpha(p[0]));
  return !(words.length && words.every((p) => p.length >= 3) && parts.length * 3 <= value.length);
}

/** Spans of secrets in `text`. */
export function find(text) {
  const spans = findProviders(text);
  const lower = text.toLowerCase();
  if (ASSIGNMENT_TRIGGERS.some((t) => lower.includes(t))) spans.push(...findAssignments(text, lower));
  if (CLI_TRIGGERS.some((t) => lower.includes(t))) spans.push(...findCliPasswords(text));
  if (lower.includes("pw") || lower.includes("pass")) spans.push(...findProsePasswords(text));
  if (ENTROPY_TRIGGERS.some((t) => lower.includes(t))) spans.push(...findRandom(text));
  return spans;
}

function findProviders(text) {
  const spans = [];
  for (const hit of findIter(TRIGGER_RE, text)) {
    const start = hit.index;
    const glued = tokenCharAt(text, start - 1);
    for (const rule of RULES_FOR.get(hit[0])) {
      if (glued && !rule.skip) continue;
      const m = matchAt(rule.regex, text, start);
      if (m === null) continue;
      const end = start + m[0].length;
      if (tokenCharAt(text, end)) continue;
      if (rule.validate !== null && !rule.validate(m[0])) continue;
      spans.push(span(start + rule.skip, end, rule.entity));
    }
  }
  if (text.includes("-----BEGIN")) spans.push(...findPrivateKeys(text));
  return spans;
}

function findPrivateKeys(text) {
  const spans = [];
  let covered = 0;
  let noEndFrom = text.length + 1;
  let end = null;
  for (const begin of findIter(PEM_BEGIN, text)) {
    if (begin.index < covered) continue;
    const beginEnd = begin.index + begin[0].length;
    if (beginEnd >= noEndFrom) end = null;
    else if (end === null || end.index < beginEnd) {
      PEM_END.lastIndex = beginEnd;
      end = PEM_END.exec(text);
      if (end === null) noEndFrom = beginEnd;
    }
    if (end !== null) covered = end.index + end[0].length;
    else {
      const body = matchAt(PEM_BODY, text, beginEnd);
      covered = body !== null ? beginEnd + body[0].length : beginEnd;
    }
    spans.push(span(begin.index, covered, "PRIVATE_KEY"));
  }
  return spans;
}

function keywordStarts(text, lower) {
  if (lower.length !== text.length) return [...text.matchAll(KEYWORD)].map((m) => m.index);
  const starts = [];
  for (const keyword of KEYWORDS) {
    let i = lower.indexOf(keyword);
    while (i !== -1) {
      starts.push(i);
      i = lower.indexOf(keyword, i + 1);
    }
  }
  return starts.sort((a, b) => a - b);
}

function lastIndexOfAny(text, chars, before) {
  let best = -1;
  if (before <= 0) return -1;
  for (const c of chars) best = Math.max(best, text.lastIndexOf(c, before - 1));
  return best;
}

/** How far back `inUrl` looks for the URL's `://` (bounds the cost per parameter). */
const URL_REACH = 4096;

/**
 * True when `index` is in the query or fragment of a URL (`://` earlier, no space), looking at
 * most `URL_REACH` characters back, as Python's `_in_url` does.
 */
function inUrl(text, index) {
  const lo = Math.max(0, index - URL_REACH);
  const back = text.slice(lo, index);
  const head = back.slice(lastIndexOfAny(back, " \t\n\"'<>", back.length) + 1);
  return head.includes("://") && (head.includes("?") || head.includes("#"));
}

function urlParamValue(text, start) {
  if (!start || text[start - 1] !== "=" || !inUrl(text, start)) return false;
  const nameStart = lastIndexOfAny(text, "?&;#", start - 1) + 1;
  return secretParam(text.slice(nameStart, start - 1));
}

function findAssignments(text, lower) {
  const spans = [];
  const done = new Set();
  for (const start of keywordStarts(text, lower)) {
    const tail = matchAt(NAME_TAIL, text, start);
    const nameEnd = tail ? start + tail[0].length : start;
    let nameStart = start;
    while (nameStart > 0 && start - nameStart < 40 && NAME_CHAR.test(text[nameStart - 1])) nameStart -= 1;
    while ("-.".includes(text[nameStart]) && nameStart < start) nameStart += 1;
    if (done.has(nameStart)) continue;
    done.add(nameStart);
    if (nameStart && "?&;#".includes(text[nameStart - 1]) && inUrl(text, nameStart)) continue;
    const entity = classifyName(text.slice(nameStart, nameEnd));
    if (entity === null) continue;
    const found = assignedValue(text, nameStart, nameEnd, entity);
    if (found !== null) spans.push(found);
  }
  if (lower.includes("bearer") || lower.includes("authorization")) {
    for (const m of findIter(AUTH, text)) {
      const value = m[1];
      if (value.length >= 16 || mixed(value) || hasDigit(value)) {
        spans.push(span(m.indices[1][0], m.indices[1][1], "SECRET", 0.9));
      }
    }
  }
  if (text.includes("-u")) {
    for (const m of findIter(USER_FLAG, text)) spans.push(span(m.indices[1][0], m.indices[1][1], "PASSWORD", 0.9));
  }
  return spans;
}

function isCode(value) {
  return CODE.test(value) && !mixed(value);
}

function findCliPasswords(text) {
  const spans = [];
  for (const m of findIter(CLI_PASSWORD, text)) {
    let group = 1;
    while (m[group] === undefined) group += 1;
    const value = m[group];
    if (PLACEHOLDER.test(value) || value.length < 3) continue;
    spans.push(span(m.indices[group][0], m.indices[group][1], "PASSWORD", 0.9));
  }
  return spans;
}

function opens(value) {
  const count = (chars) => [...value].filter((c) => chars.includes(c)).length;
  return count("([{") > count(")]}");
}

function passwordLike(value) {
  if (value.length < 6 || value.length > 128 || PLACEHOLDER.test(value)) return false;
  if (value.includes("://") || value.startsWith("-") || isCode(value)) return false;
  if (allAlpha(value)) {
    return value.length >= 8 && [...value.slice(1)].some(isUpper) && value !== value.toUpperCase();
  }
  if (!/\p{L}/u.test(value)) return false;
  return hasDigit(value) || /[^\p{L}\p{N}]/u.test(value);
}

function findProsePasswords(text) {
  const spans = [];
  for (const m of findIter(PROSE_PASSWORD, text)) {
    let group = 1;
    while (m[group] === undefined) group += 1;
    let [start, end] = m.indices[group];
    let value = m[group];
    if (group === 4) {
      let stripped = value;
      while (stripped && PROSE_TRAILING.includes(stripped[stripped.length - 1])) stripped = stripped.slice(0, -1);
      while (stripped !== value && ")]}".includes(value[stripped.length]) && opens(stripped)) {
        stripped += value[stripped.length];
      }
      end -= value.length - stripped.length;
      value = stripped;
    }
    if (!passwordLike(value)) continue;
    spans.push(span(start, end, "PASSWORD", 0.85));
  }
  return spans;
}

function assignedValue(text, nameStart, nameEnd, entity) {
  let prose = false;
  let sep = matchAt(SEP, text, nameEnd);
  if (sep === null && nameStart >= 2 && text.startsWith("--", nameStart - 2)) sep = matchAt(FLAG_SEP, text, nameEnd);
  if (sep === null) {
    sep = matchAt(PROSE_SEP, text, nameEnd);
    prose = true;
  }
  if (sep === null) return null;
  const v = matchAt(VALUE, text, nameEnd + sep[0].length);
  if (v === null) return null;
  const group = v[1] !== undefined ? 1 : v[2] !== undefined ? 2 : 3;
  let [start, end] = v.indices[group];
  let value = v[group];
  if (group === 3) {
    if (value.startsWith("-") || isCode(value)) return null;
    const stripped = value.replace(/[.,:]+$/, "");
    end -= value.length - stripped.length;
    value = stripped;
  }
  if (!value || PLACEHOLDER.test(value)) return null;
  if (prose && !(mixed(value) || !allAlpha(value) || value !== value.toLowerCase())) return null;
  if (value.length < (entity === "PASSWORD" ? 3 : 8)) return null;
  return span(start, end, entity, 0.95);
}

function findRandom(text) {
  const spans = [];
  for (const m of findIter(ENTROPY_CANDIDATE, text)) {
    const start = m.index;
    const end = start + m[0].length;
    if ((start && tokenCharAt(text, start - 1)) || tokenCharAt(text, end)) continue;
    if (!randomLooking(m[0].replace(/=+$/, "")) || urlParamValue(text, start)) continue;
    if (near(text, start, ENTROPY_CUE, ENTROPY_WINDOW)) spans.push(span(start, end, "SECRET", 0.7));
  }
  return spans;
}
