// `Workprint.snapshot()` over a small fake DOM: the elements an `observe` event would carry
// (eids in document order, selectors, names, values), text treated under the mode asked for,
// secret fields listed without a value, hidden and `data-wp-block` elements left out.
import assert from "node:assert/strict";
import { test } from "node:test";
import { observedElements } from "../src/_snapshot.js";
import { Vault } from "../src/redact.js";

/** A text node or an element of the fake DOM: just what `observe.js` and `target.js` read. */
class FakeText {
  constructor(text) {
    this.nodeType = 3;
    this.nodeValue = text;
  }
}

class FakeElement {
  constructor(doc, tag, { attrs = {}, text = "", rect = [10, 10, 120, 24], value = "", label = null, parent = null } = {}) {
    this.nodeType = 1;
    this.ownerDocument = doc;
    this.tagName = tag.toUpperCase();
    this.attrs = attrs;
    this.id = attrs.id ?? "";
    this.value = value;
    this.rect = rect;
    this.childNodes = text ? [new FakeText(text)] : [];
    this.labels = label ? [label] : [];
    this.parentElement = parent;
    this.children = [];
    this.isContentEditable = false;
    this.disabled = "disabled" in attrs;
    this.hidden = false;
  }
  getAttribute(name) {
    return name in this.attrs ? this.attrs[name] : null;
  }
  hasAttribute(name) {
    return name in this.attrs;
  }
  getBoundingClientRect() {
    const [x, y, width, height] = this.rect;
    return { x, y, width, height, left: x, top: y, right: x + width, bottom: y + height };
  }
  checkVisibility() {
    return true;
  }
  getRootNode() {
    return this.ownerDocument;
  }
  closest(selector) {
    assert.equal(selector, "[data-wp-block]", "the fake DOM only answers the block test");
    for (let node = this; node; node = node.parentElement) if (node.hasAttribute("data-wp-block")) return node;
    return null;
  }
}

class FakeDocument {
  constructor() {
    this.defaultView = { innerWidth: 1280, innerHeight: 800 };
    this.interactive = [];
  }
  add(tag, options) {
    const el = new FakeElement(this, tag, options);
    if (tag !== "label" && tag !== "div") this.interactive.push(el);
    return el;
  }
  querySelectorAll(selector) {
    if (selector.startsWith("#")) return this.interactive.filter((el) => `#${el.id}` === selector);
    return this.interactive;
  }
  createTreeWalker(root) {
    const texts = [];
    const walk = (node) => {
      for (const child of node.childNodes ?? []) {
        if (child.nodeType === 3) texts.push(child);
        else walk(child);
      }
    };
    walk(root);
    let i = -1;
    return {
      get currentNode() {
        return texts[i];
      },
      nextNode() {
        i += 1;
        return i < texts.length ? texts[i] : null;
      },
    };
  }
}

function crmForm() {
  const doc = new FakeDocument();
  const label = doc.add("label", { text: "Email" });
  doc.add("input", { attrs: { id: "email", name: "email", type: "email" }, value: "jane.doe@example.com", label });
  doc.add("input", { attrs: { id: "password", type: "password" }, value: "hunter2-secret" });
  doc.add("input", { attrs: { id: "offscreen", type: "text" }, rect: [10, 2000, 100, 20] });
  const blocked = new FakeElement(doc, "div", { attrs: { "data-wp-block": "" } });
  doc.add("input", { attrs: { id: "private", type: "text" }, value: "hidden", parent: blocked });
  doc.add("button", { attrs: { id: "save", type: "submit" }, text: "Save contact" });
  return doc;
}

globalThis.window = globalThis.window ?? { top: null };
globalThis.window.top = globalThis.window;

const CASES = [
  ["full", "jane.doe@example.com"],
  ["redacted", "<EMAIL_1>"],
  ["metadata", undefined],
];

for (const [mode, expectedValue] of CASES) {
  test(`snapshot under mode ${mode}`, () => {
    const elements = observedElements(crmForm(), { mode, vault: new Vault() });
    assert.deepEqual(
      elements.map((e) => e.eid),
      [0, 1, 2],
    );
    const [email, password, save] = elements;
    assert.equal(email.tag, "input");
    assert.equal(email.role, "textbox");
    assert.equal(email.value, expectedValue);
    assert.equal(password.value, undefined, "a password field never has a value");
    assert.equal(save.role, "button");
    assert.deepEqual(save.bbox, [10, 10, 120, 24]);
    if (mode === "metadata") {
      assert.equal(email.selector, undefined);
      assert.equal(save.name, undefined);
    } else {
      assert.equal(email.selector, "#email");
      assert.equal(email.name, "Email");
      assert.equal(save.name, "Save contact");
      assert.equal(save.selector, "#save");
    }
  });
}

test("snapshot under mode off lists nothing", () => {
  assert.deepEqual(observedElements(crmForm(), { mode: "off", vault: new Vault() }), []);
});

test("Workprint.snapshot needs a mode before init, and emits nothing", async () => {
  globalThis.document = crmForm();
  await import("../src/index.js");
  const api = globalThis.window.Workprint;
  assert.throws(() => api.snapshot(), (err) => err.code === "not_initialized");
  assert.throws(() => api.snapshot({ mode: "verbatim" }), (err) => err.code === "not_initialized");
  const elements = api.snapshot({ mode: "full" });
  assert.deepEqual(
    elements.map((e) => e.selector),
    ["#email", "#password", "#save"],
  );
  assert.equal(elements[0].value, "jane.doe@example.com");
  assert.equal(api.state().queued, 0);
  delete globalThis.document;
});
