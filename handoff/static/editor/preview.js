// The live preview beside the body: rendered and sanitised by the server.
import { h } from "/static/staff.js";
import * as kb from "./api.js";
import { debounce, insertSanitisedHtml, latest } from "./common.js";
import { state, ui } from "./page.js";

const turn = latest();

export function showPreview(html, markdown) {
  state.previewed = markdown;
  ui.preview.classList.remove("is-stale");
  if (!markdown.trim()) {
    ui.preview.replaceChildren(h("p", { class: "muted placeholder", text: "Nothing to preview yet." }));
    return;
  }
  insertSanitisedHtml(ui.preview, html); // `html` comes from the server's sanitiser only
}

async function refreshPreview() {
  const markdown = ui.body.value;
  if (markdown === state.previewed) {
    ui.preview.classList.remove("is-stale");
    return;
  }
  const isLatest = turn();
  try {
    const { html } = await kb.preview(markdown);
    if (isLatest()) showPreview(html, markdown);
  } catch (error) {
    if (!isLatest() || error.status === 401) return;
    ui.preview.classList.remove("is-stale");
    ui.preview.replaceChildren(h("p", { class: "error", text: `No preview: ${error.message}` }));
    state.previewed = null;
  }
}

export const refreshPreviewSoon = debounce(refreshPreview, 300);

function onBodyInput() {
  ui.preview.classList.add("is-stale");
  refreshPreviewSoon();
}

/** Keep the preview roughly at the same place as the text being edited. */
function syncPreviewScroll() {
  const source = ui.body;
  const range = source.scrollHeight - source.clientHeight;
  if (range <= 0) return;
  ui.preview.scrollTop = (source.scrollTop / range) * (ui.preview.scrollHeight - ui.preview.clientHeight);
}

/** Links in the preview open in a new tab instead of leaving the editor. */
function onPreviewClick(event) {
  const link = event.target.closest("a[href]");
  if (!link) return;
  event.preventDefault();
  window.open(link.href, "_blank", "noopener");
}

export function wirePreview() {
  ui.body.addEventListener("input", onBodyInput);
  ui.body.addEventListener("scroll", syncPreviewScroll, { passive: true });
  ui.preview.addEventListener("click", onPreviewClick);
}
