// The history under the form: revisions, the diff of two, restoring one.
import { badge, h } from "/static/staff.js";
import * as kb from "./api.js";
import { afterChange, applyView, handleActionError } from "./article.js";
import { latest, statusLabel, timeAgo } from "./common.js";
import { confirmDialog } from "./dialogs.js";
import { isDirty, isNew, setBusy } from "./form.js";
import { clearErrors, say, state, ui } from "./page.js";

const historyTurn = latest();

export function resetHistory() {
  state.revisions = [];
  state.selected = [];
  ui.diff.hidden = true;
  ui.diffLines.replaceChildren();
  ui.revisionList.replaceChildren();
}

export async function loadHistory() {
  const a = state.article;
  if (!a || isNew()) return renderHistory();
  const isLatest = historyTurn();
  try {
    const revisions = await kb.revisions(a.language, a.slug);
    if (!isLatest()) return;
    state.revisions = revisions;
    renderHistory();
  } catch (error) {
    if (!isLatest() || error.status === 401) return;
    ui.revisionList.replaceChildren(h("li", { class: "error", text: `No history: ${error.message}` }));
  }
}

const currentRevision = () => (state.article ? state.article.revision : 0);

export function renderHistory() {
  if (isNew()) {
    const none = "No history yet: the first save is revision 1.";
    ui.revisionList.replaceChildren(h("li", { class: "muted", text: none }));
    renderHistoryActions();
    return;
  }
  ui.revisionList.replaceChildren(
    ...state.revisions.map((r) => {
      const selected = state.selected.includes(r.revision);
      return h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: "revision",
            "data-testid": "kb-revision",
            "data-revision": r.revision,
            "aria-pressed": String(selected),
            onclick: () => toggleRevision(r.revision),
          },
          h(
            "span",
            { class: "revision-head" },
            h("strong", { text: `r${r.revision}` }),
            badge(r.action, `action action-${r.action}`),
            r.revision === currentRevision() ? badge("current", "current") : null,
            h("span", { class: "revision-status", text: statusLabel(r.status) }),
          ),
          h("span", { class: "revision-meta" }, `${r.updated_by || "someone"} · `, timeAgo(r.updated_at)),
          r.note ? h("span", { class: "revision-note", text: r.note }) : null,
        ),
      );
    }),
  );
  renderHistoryActions();
}

/** Pick up to two revisions; two picked show their diff straight away. */
function toggleRevision(revision) {
  const picked = state.selected;
  const at = picked.indexOf(revision);
  if (at >= 0) picked.splice(at, 1);
  else {
    picked.push(revision);
    if (picked.length > 2) picked.shift();
  }
  renderHistory();
  if (picked.length === 2) showDiff(Math.min(...picked), Math.max(...picked));
  else ui.diff.hidden = true;
}

export const canRestore = () => state.selected.length === 1 && state.selected[0] !== currentRevision();

function renderHistoryActions() {
  const one = state.selected.length === 1 ? state.selected[0] : null;
  const current = currentRevision();
  ui.compareCurrent.hidden = one === null || (one === current && current < 2);
  ui.compareCurrent.textContent =
    one === current ? "Compare with the previous revision" : "Compare with current";
  ui.restore.hidden = one === null;
  ui.restore.textContent = one === null ? "Restore this revision" : `Restore revision ${one}`;
  ui.restore.disabled = state.busy || !canRestore();
  ui.restore.title = one === current ? "This is already the current revision." : "";
}

function compareWithCurrent() {
  const one = state.selected[0];
  const current = currentRevision();
  if (one === current) showDiff(current - 1, current);
  else showDiff(Math.min(one, current), Math.max(one, current));
}

const diffTurn = latest();

async function showDiff(older, newer) {
  const a = state.article;
  const isLatest = diffTurn();
  ui.diff.hidden = false;
  ui.diffHeading.textContent = `Changes from revision ${older} to revision ${newer}`;
  ui.diffLines.replaceChildren(h("p", { class: "muted", text: "Loading…" }));
  try {
    const { lines } = await kb.diff(a.language, a.slug, older, newer);
    if (isLatest()) renderDiff(lines);
  } catch (error) {
    if (isLatest() && error.status !== 401) {
      ui.diffLines.replaceChildren(h("p", { class: "error", text: error.message }));
    }
  }
}

/** Unified diff lines as text, coloured by their first character. */
function renderDiff(lines) {
  if (!lines.length) {
    ui.diffLines.replaceChildren(h("p", { class: "muted", text: "No differences." }));
    return;
  }
  const kind = (line) =>
    line.startsWith("+++") || line.startsWith("---")
      ? "file"
      : line.startsWith("@@")
        ? "hunk"
        : line.startsWith("+")
          ? "added"
          : line.startsWith("-")
            ? "removed"
            : "same";
  ui.diffLines.replaceChildren(
    h(
      "pre",
      { class: "diff-pre" },
      lines.map((line) => h("span", { class: `diff-line ${kind(line)}`, text: line || " " })),
    ),
  );
}

async function restoreSelected() {
  if (!canRestore()) return;
  const revision = state.selected[0];
  const current = currentRevision();
  const ok = await confirmDialog({
    title: `Restore revision ${revision}?`,
    text:
      `Its content becomes the new current version (revision ${current + 1}); the history keeps everything.` +
      (isDirty() ? " Your unsaved changes will be discarded." : ""),
    ok: `Restore revision ${revision}`,
    danger: isDirty(),
  });
  if (ok) restoreRevision(revision, current);
}

async function restoreRevision(revision, base) {
  const a = state.article;
  clearErrors();
  setBusy(true);
  say(`Restoring revision ${revision}…`);
  try {
    const view = await kb.restore(a.language, a.slug, revision, base);
    state.article = null; // the form takes the restored content, whatever was typed
    applyView(view);
    say(`Restored revision ${revision} as revision ${view.article.revision}.`);
    afterChange();
  } catch (error) {
    handleActionError(error, {
      retry: (current) => restoreRevision(revision, current),
      retryLabel: `Restore revision ${revision} anyway`,
      language: a.language,
      slug: a.slug,
    });
  } finally {
    setBusy(false);
  }
}

function jumpToHistory() {
  ui.history.scrollIntoView({ behavior: "smooth", block: "start" });
  ui.historyHeading.focus({ preventScroll: true });
}

export function wireHistory() {
  ui.jumpHistory.addEventListener("click", jumpToHistory);
  ui.compareCurrent.addEventListener("click", compareWithCurrent);
  ui.restore.addEventListener("click", restoreSelected);
}
