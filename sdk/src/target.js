/**
 * Describing the element a person acted on, as the contract's web target: `tag`, `role`,
 * `name` (accessible name), `text` (visible text), `selector` (a stable CSS path), `attrs`,
 * `bbox`, `frame`, and `eid` when the element is in the latest `observe` snapshot.
 *
 * Also the rules of what is never captured: password fields, hidden inputs, fields whose
 * `autocomplete` is a payment card's (`cc-*`) or a one-time code, and anything inside an
 * element marked `data-wp-block`. For such an element only the tag and role are described.
 *
 * Everything here is raw: the privacy step (`privacy.js`) redacts or drops the text before the
 * event is queued.
 */

const NAME_MAX = 256;
const TEXT_MAX = 512;
const SELECTOR_DEPTH = 12;

/** Elements a person can act on (links, controls, ARIA widgets, editable regions). */
export const INTERACTIVE =
  "a[href],button,input:not([type=hidden]),select,textarea,summary,[contenteditable=''],[contenteditable=true]," +
  "[role=button],[role=link],[role=checkbox],[role=radio],[role=tab],[role=menuitem],[role=option]," +
  "[role=switch],[role=combobox],[role=textbox],[role=searchbox],[role=slider],[role=spinbutton]," +
  "[tabindex]:not([tabindex='-1']),[onclick]";

/** The element itself, or its nearest ancestor across shadow roots, that matches `selector`. */
export function closestAcross(el, selector) {
  let node = el;
  while (node) {
    if (node.nodeType === 1) {
      const hit = node.closest(selector);
      if (hit) return hit;
    }
    const root = node.getRootNode ? node.getRootNode() : null;
    node = root && root.host ? root.host : null;
  }
  return null;
}

/** True inside an element marked `data-wp-block` (shadow roots included). */
export function isBlocked(el) {
  return closestAcross(el, "[data-wp-block]") !== null;
}

/** True for fields whose content is never captured: passwords, hidden, card data, OTPs. */
export function isSecretField(el) {
  if (!el || el.nodeType !== 1) return false;
  const tag = el.tagName.toLowerCase();
  if (tag !== "input" && tag !== "select" && tag !== "textarea") return false;
  const type = (el.getAttribute("type") || "").toLowerCase();
  if (tag === "input" && (type === "password" || type === "hidden")) return true;
  const tokens = (el.getAttribute("autocomplete") || "").toLowerCase().split(/\s+/);
  return tokens.some((t) => t.startsWith("cc-") || t === "one-time-code");
}

/** Nothing of the element's content may be captured. */
export function isSensitive(el) {
  return isSecretField(el) || isBlocked(el);
}

const INPUT_ROLES = {
  button: "button", submit: "button", reset: "button", image: "button", checkbox: "checkbox",
  radio: "radio", range: "slider", number: "spinbutton", search: "searchbox",
};
const TAG_ROLES = {
  button: "button", textarea: "textbox", option: "option", summary: "button", form: "form",
  nav: "navigation", img: "img", h1: "heading", h2: "heading", h3: "heading", h4: "heading",
  h5: "heading", h6: "heading", li: "listitem", table: "table", dialog: "dialog", main: "main",
};

/** The explicit ARIA role, else the implicit one of common elements. */
export function roleOf(el) {
  const explicit = el.getAttribute("role");
  if (explicit) return explicit.trim().split(/\s+/)[0];
  const tag = el.tagName.toLowerCase();
  if (tag === "a") return el.hasAttribute("href") ? "link" : null;
  if (tag === "input") return INPUT_ROLES[(el.getAttribute("type") || "text").toLowerCase()] ?? "textbox";
  if (tag === "select") return el.multiple || el.size > 1 ? "listbox" : "combobox";
  if (el.isContentEditable) return "textbox";
  return TAG_ROLES[tag] ?? null;
}

const squash = (s) => s.replace(/\s+/g, " ").trim();

/** Visible text of `el`, skipping scripts, styles and blocked regions, at most `max` chars. */
export function visibleText(el, max = TEXT_MAX) {
  const doc = el.ownerDocument;
  const walker = doc.createTreeWalker(el, 5 /* SHOW_ELEMENT | SHOW_TEXT */, {
    acceptNode(node) {
      if (node.nodeType === 1) {
        const tag = node.tagName;
        if (tag === "SCRIPT" || tag === "STYLE" || tag === "NOSCRIPT" || tag === "TEMPLATE") return 2;
        if (node.hasAttribute("data-wp-block") || node.hidden) return 2;
        return 3; // skip the element itself, visit its children
      }
      return 1;
    },
  });
  let out = "";
  while (out.length < max * 2 && walker.nextNode()) out += ` ${walker.currentNode.nodeValue}`;
  return squash(out).slice(0, max);
}

function labelText(el) {
  const labels = el.labels ? [...el.labels] : [];
  return squash(labels.map((l) => visibleText(l, NAME_MAX)).join(" "));
}

/** The accessible name, computed the common way (not the whole ARIA algorithm). */
export function accessibleName(el) {
  const doc = el.ownerDocument;
  const labelledBy = el.getAttribute("aria-labelledby");
  if (labelledBy) {
    const text = labelledBy
      .split(/\s+/)
      .map((id) => doc.getElementById(id))
      .filter((ref) => ref && !isBlocked(ref))
      .map((ref) => visibleText(ref, NAME_MAX))
      .join(" ");
    if (squash(text)) return squash(text).slice(0, NAME_MAX);
  }
  const aria = el.getAttribute("aria-label");
  if (aria && squash(aria)) return squash(aria).slice(0, NAME_MAX);
  const tag = el.tagName.toLowerCase();
  const type = (el.getAttribute("type") || "").toLowerCase();
  if (tag === "input" && ["button", "submit", "reset"].includes(type)) {
    return squash(el.value || (type === "submit" ? "Submit" : type === "reset" ? "Reset" : "")).slice(0, NAME_MAX) || null;
  }
  if (tag === "input" && type === "image") return squash(el.getAttribute("alt") || "") || null;
  if (tag === "input" || tag === "select" || tag === "textarea") {
    const label = labelText(el);
    if (label) return label.slice(0, NAME_MAX);
    const placeholder = el.getAttribute("placeholder");
    if (placeholder && squash(placeholder)) return squash(placeholder).slice(0, NAME_MAX);
  } else if (tag === "img") {
    return squash(el.getAttribute("alt") || "") || null;
  } else {
    const text = visibleText(el, NAME_MAX);
    if (text) return text;
  }
  const title = el.getAttribute("title");
  return title && squash(title) ? squash(title).slice(0, NAME_MAX) : null;
}

const cssEscape = (value) =>
  globalThis.CSS && CSS.escape ? CSS.escape(value) : value.replace(/[^a-zA-Z0-9_\-]/g, (c) => `\\${c}`);

function unique(doc, selector, el) {
  try {
    const hits = doc.querySelectorAll(selector);
    return hits.length === 1 && hits[0] === el;
  } catch {
    return false;
  }
}

/** A stable CSS path: `#id`, else `tag[name="..."]`, else a `tag:nth-of-type(k)` chain. */
export function selectorOf(el) {
  const doc = el.ownerDocument;
  const root = el.getRootNode();
  const scope = root && root.querySelectorAll ? root : doc;
  if (el.id && unique(scope, `#${cssEscape(el.id)}`, el)) return `#${cssEscape(el.id)}`;
  const tag = el.tagName.toLowerCase();
  const nameAttr = el.getAttribute("name");
  if (nameAttr) {
    const sel = `${tag}[name="${nameAttr.replace(/["\\]/g, "\\$&")}"]`;
    if (unique(scope, sel, el)) return sel;
  }
  const parts = [];
  let node = el;
  for (let depth = 0; node && node.nodeType === 1 && depth < SELECTOR_DEPTH; depth += 1) {
    const t = node.tagName.toLowerCase();
    if (node !== el && node.id && unique(scope, `#${cssEscape(node.id)}`, node)) {
      parts.unshift(`#${cssEscape(node.id)}`);
      break;
    }
    if (t === "html" || t === "body") {
      parts.unshift(t);
      break;
    }
    const parent = node.parentElement;
    let part = t;
    if (parent) {
      const same = [...parent.children].filter((c) => c.tagName === node.tagName);
      if (same.length > 1) part += `:nth-of-type(${same.indexOf(node) + 1})`;
    }
    parts.unshift(part);
    node = parent;
  }
  return parts.join(" > ");
}

/** `href` of a link as a path only (no origin, query or fragment); null for other schemes. */
export function hrefPath(el) {
  const raw = el.getAttribute("href");
  if (raw === null) return null;
  try {
    const url = new URL(raw, el.ownerDocument.baseURI);
    return url.protocol === "http:" || url.protocol === "https:" ? url.pathname : null;
  } catch {
    return null;
  }
}

/** Selected attributes of a web element (those present). */
export function attrsOf(el) {
  const attrs = {};
  for (const key of ["id", "name", "type", "placeholder", "aria-label"]) {
    const value = el.getAttribute(key);
    if (value !== null && value !== "") attrs[key] = value;
  }
  if (el.tagName.toLowerCase() === "a") {
    const path = hrefPath(el);
    if (path) attrs.href = path;
  }
  return Object.keys(attrs).length ? attrs : null;
}

/** `[x, y, w, h]` in CSS pixels of the viewport, rounded. */
export function bboxOf(el) {
  const r = el.getBoundingClientRect();
  return [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
}

let frameName;
/** The frame the page runs in: absent for the top window, else the frame element's path. */
export function frameOf() {
  if (frameName !== undefined) return frameName;
  try {
    if (window === window.top) frameName = null;
    else frameName = window.frameElement ? selectorOf(window.frameElement) : "cross-origin";
  } catch {
    frameName = "cross-origin";
  }
  return frameName;
}

/** The element a click or key means: the nearest interactive ancestor, else the element. */
export function actionable(el) {
  if (!el || el.nodeType !== 1) return null;
  return closestAcross(el, INTERACTIVE) ?? el;
}

/** The contract's target for `el`; only tag and role for sensitive elements. */
export function describe(el, eids) {
  const tag = el.tagName.toLowerCase();
  if (tag === "body" || tag === "html") return { tag, selector: tag }; // no element: the page
  const role = roleOf(el);
  const target = { tag };
  if (role) target.role = role;
  if (isSensitive(el)) return target;
  const name = accessibleName(el);
  if (name) target.name = name;
  const tagIsField = tag === "input" || tag === "select" || tag === "textarea";
  if (!tagIsField) {
    const text = visibleText(el);
    if (text) target.text = text;
  }
  target.selector = selectorOf(el);
  const attrs = attrsOf(el);
  if (attrs) target.attrs = attrs;
  target.bbox = bboxOf(el);
  const frame = frameOf();
  if (frame) target.frame = frame;
  const eid = eids ? eids.get(el) : undefined;
  if (eid !== undefined) target.eid = eid;
  return target;
}
