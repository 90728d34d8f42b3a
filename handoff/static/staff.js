// Shared by the staff pages (the agent console and the knowledge-base editor), loaded before
// their own script: a DOM builder that only ever sets text as text (never innerHTML).
"use strict";

window.BatonStaff = Object.freeze({
  /** The element with this id. */
  $: (id) => document.getElementById(id),

  /** Build an element: h("li", {class: "x", "data-id": i, onclick: f}, "text", child…). */
  h(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on") && typeof value === "function") {
        node.addEventListener(key.slice(2), value);
      } else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    }
    return node;
  },
});
