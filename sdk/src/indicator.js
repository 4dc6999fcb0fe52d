/**
 * The visible "recording" badge: a small fixed box in a corner, in its own shadow root (the
 * page's styles cannot hide or restyle it), with `role="status"` and `aria-live="polite"` so
 * assistive technology announces changes, the label "Recording on: <mode>" (or "Recording
 * paused"), and a Pause/Resume button. The host element carries `data-wp-block`, so the SDK
 * never captures its own badge. It can be moved to the other corner when it is in the way.
 */

import { closestAcross } from "./target.js";

const TAG = "workprint-indicator";

const STYLE = `
:host { all: initial; }
.wp { position: fixed; bottom: 8px; right: 8px; z-index: 2147483647; display: flex; gap: 6px;
  align-items: center; font: 12px/1.2 system-ui, sans-serif; color: #fff; background: #1f2937e6;
  border-radius: 14px; padding: 4px 6px 4px 10px; box-shadow: 0 1px 4px #0004; max-width: 60vw; }
.wp.left { right: auto; left: 8px; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: #ef4444; flex: none; }
.paused .dot { background: #9ca3af; }
button { all: unset; cursor: pointer; padding: 2px 8px; border-radius: 10px; background: #374151;
  font: inherit; color: inherit; }
button:focus-visible { outline: 2px solid #93c5fd; }
`;

export class Indicator {
  /** @param {{onToggle: () => void, doc?: Document}} options */
  constructor({ onToggle, doc = document }) {
    this.onToggle = onToggle;
    this.doc = doc;
    this.host = null;
    this.label = null;
    this.button = null;
  }

  mount() {
    if (this.host || !this.doc.body) return;
    const host = this.doc.createElement(TAG);
    host.setAttribute("data-wp-block", "");
    const root = host.attachShadow({ mode: "open" });
    const style = this.doc.createElement("style");
    style.textContent = STYLE;
    const box = this.doc.createElement("div");
    box.className = "wp";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    const dot = this.doc.createElement("span");
    dot.className = "dot";
    dot.setAttribute("aria-hidden", "true");
    const label = this.doc.createElement("span");
    label.className = "label";
    const button = this.doc.createElement("button");
    button.type = "button";
    button.addEventListener("click", (e) => {
      e.stopPropagation();
      this.onToggle();
    });
    const move = this.doc.createElement("button");
    move.type = "button";
    move.textContent = "⇆";
    move.setAttribute("aria-label", "Move the recording badge");
    move.addEventListener("click", (e) => {
      e.stopPropagation();
      box.classList.toggle("left");
    });
    box.append(dot, label, button, move);
    root.append(style, box);
    this.doc.body.append(host);
    this.host = host;
    this.box = box;
    this.label = label;
    this.button = button;
  }

  /** Show the current state: the mode being recorded, or paused. */
  update({ mode, paused }) {
    if (!this.host) this.mount();
    if (!this.host) return;
    this.label.textContent = paused ? "Recording paused" : `Recording on: ${mode}`;
    this.button.textContent = paused ? "Resume" : "Pause";
    this.button.setAttribute("aria-label", paused ? "Resume recording" : "Pause recording");
    this.box.classList.toggle("paused", paused);
  }

  /** True for the badge and what is inside it (events there are the person using the badge). */
  static owns(el) {
    return closestAcross(el, TAG) !== null;
  }

  unmount() {
    if (this.host) this.host.remove();
    this.host = null;
  }
}
