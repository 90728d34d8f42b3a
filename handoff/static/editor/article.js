// Opening, saving, publishing; conflicts and validation errors; the address bar (#en/slug).
import * as kb from "./api.js";
import { SLUG } from "./common.js";
import { confirmDialog } from "./dialogs.js";
import {
  contentOf,
  currentFingerprint,
  fillForm,
  fingerprint,
  formContent,
  isDirty,
  isNew,
  questionInputs,
  renderQuestions,
  setBusy,
  showArticle,
} from "./form.js";
import { loadHistory, renderHistory, resetHistory } from "./history.js";
import { loadList } from "./list.js";
import { loadOther } from "./other.js";
import { clearErrors, say, showError, state, ui } from "./page.js";
import { refreshPreviewSoon, showPreview } from "./preview.js";

/** Ask before throwing unsaved changes away; true when it is fine to go on. */
export async function confirmDiscard() {
  if (!isDirty()) return true;
  return confirmDialog({
    title: "Discard unsaved changes?",
    text: `Your changes to “${state.article.title || state.article.slug}” are not saved.`,
    ok: "Discard changes",
    danger: true,
  });
}

/** Take an article view ({article, html}) from the server into the editor. */
export function applyView(view, sentContent) {
  // If the user kept typing while a save was on its way, keep their newer text in the form.
  const typedMeanwhile = sentContent && JSON.stringify(formContent()) !== JSON.stringify(sentContent);
  state.article = view.article;
  if (!typedMeanwhile) fillForm(view.article);
  state.pristine = fingerprint(contentOf(view.article), view.article.slug, view.article.language);
  if (ui.body.value === view.article.body) showPreview(view.html, view.article.body);
  else refreshPreviewSoon();
  showArticle();
  setAddress(view.article);
}

export async function openArticle(language, slug, { force = false } = {}) {
  if (!force && !(await confirmDiscard())) return false;
  clearErrors();
  say(`Opening ${language}/${slug}…`);
  try {
    const view = await kb.article(language, slug);
    state.article = null; // a different article: the old fingerprint no longer applies
    applyView(view);
    say(`Opened “${view.article.title}”.`);
  } catch (error) {
    if (error.status === 404) showError(`There is no article ${language}/${slug}.`);
    else if (error.status !== 401) showError(error.message);
    say("");
    return false;
  }
  resetHistory();
  loadHistory();
  if (state.showOther) loadOther();
  return true;
}

/** A new, unsaved article (revision 0) in the form; saving it creates it. */
export function openNew({ slug, language, questions = [], tags = [] }) {
  clearErrors();
  state.article = {
    slug, language, title: "", body: "", questions, tags,
    status: "draft", revision: 0, updated_at: 0, updated_by: "",
  };
  fillForm(state.article);
  renderQuestions(questions.length ? questions : [""]);
  state.pristine = currentFingerprint();
  showPreview("", ""); // nothing to render yet
  showArticle();
  resetHistory();
  renderHistory();
  if (state.showOther) loadOther();
  setAddress(null);
  say(`New article ${language}/${slug}: write it, then save.`);
  ui.title.focus();
}

/** Save the form: create (base revision 0) or update from the revision we loaded. */
async function save({ base } = {}) {
  const a = state.article;
  if (!a || state.busy) return false;
  const creating = isNew();
  if (!creating && !isDirty() && base === undefined) {
    say("No changes to save.");
    return true;
  }
  clearErrors();
  const language = creating ? ui.language.value : a.language;
  const slug = creating ? ui.slug.value.trim() : a.slug;
  if (creating && !SLUG.test(slug)) {
    ui.slug.setAttribute("aria-invalid", "true");
    showError("Slug: use lowercase letters, digits and single hyphens, like send-money-abroad.");
    ui.slug.focus();
    return false;
  }
  const content = formContent();
  const baseRevision = base === undefined ? a.revision : base;
  setBusy(true);
  say("Saving…");
  try {
    const view = await kb.save(language, slug, content, baseRevision);
    applyView(view, content);
    say(`Saved revision ${view.article.revision}.`);
    afterChange();
    return true;
  } catch (error) {
    handleActionError(error, {
      created: creating,
      retry: (current) => save({ base: current }),
      retryLabel: creating ? "Overwrite it with mine" : "Overwrite with my version",
      language,
      slug,
    });
    return false;
  } finally {
    setBusy(false);
  }
}

/** Publish or unpublish; unsaved changes are saved first. */
async function setStatus(status, { base } = {}) {
  if (!state.article || state.busy) return;
  if (isNew() || isDirty()) {
    if (!(await save())) return;
  }
  const a = state.article;
  clearErrors();
  setBusy(true);
  say(status === "published" ? "Publishing…" : "Unpublishing…");
  try {
    const view = await kb.setStatus(a.language, a.slug, status, base === undefined ? a.revision : base);
    applyView(view);
    say(status === "published"
      ? `Published (revision ${view.article.revision}): the bot can now answer with it.`
      : `Unpublished (revision ${view.article.revision}): the bot no longer uses it.`);
    afterChange();
  } catch (error) {
    handleActionError(error, {
      retry: (current) => setStatus(status, { base: current }),
      retryLabel: status === "published" ? "Publish their version" : "Unpublish their version",
      language: a.language,
      slug: a.slug,
    });
  } finally {
    setBusy(false);
  }
}

/** After a save, publish or restore: refresh the list, the history, the other language. */
export function afterChange() {
  loadList();
  resetHistory();
  loadHistory();
  if (state.showOther) loadOther();
}

/** 409: offer to load their version or overwrite; 422: show what is wrong; else a message. */
export function handleActionError(error, { created, retry, retryLabel, language, slug }) {
  say("");
  if (error.status === 401) return;
  if (error.status === 409) {
    const current = Number(error.data.current_revision);
    showConflict({
      text: created
        ? `An article ${language}/${slug} already exists (revision ${current}).`
        : `Someone saved this article meanwhile (now revision ${current}).`,
      reloadLabel: created ? "Open the existing article" : "Load their version (discard mine)",
      onReload: () => openArticle(language, slug, { force: true }),
      overwriteLabel: retryLabel,
      onOverwrite: () => retry(current),
    });
    return;
  }
  if (error.status === 422 && Array.isArray(error.data.detail)) {
    showValidation(error.data.detail);
    return;
  }
  if (error.status === 403) {
    showError(`Not allowed: ${error.message} Reload the page if your session changed.`);
    return;
  }
  showError(error.message);
}

function showConflict({ text, reloadLabel, onReload, overwriteLabel, onOverwrite }) {
  ui.conflictText.textContent = text;
  ui.conflictReload.textContent = reloadLabel;
  ui.conflictOverwrite.textContent = overwriteLabel;
  ui.conflictReload.onclick = async () => {
    ui.conflict.hidden = true;
    await onReload();
    loadList(); // the list still shows what we knew before the conflict
  };
  ui.conflictOverwrite.onclick = () => {
    ui.conflict.hidden = true;
    onOverwrite();
  };
  ui.conflict.hidden = false;
  ui.conflictReload.focus();
}

/** Field names for FastAPI's `loc` (["body", "content", "title"] → "Title"). */
const FIELDS = {
  title: ["Title", "title"],
  body: ["Body", "body"],
  questions: ["Question variants", "questions"],
  tags: ["Tags", "tags"],
  status: ["Status", null],
  slug: ["Slug", "slug"],
  language: ["Language", "language"],
  base_revision: ["Revision", null],
  markdown: ["Body", "body"],
};

function fieldOf(loc) {
  const names = (loc || []).filter((part) => typeof part === "string" && part in FIELDS);
  return names.length ? names[names.length - 1] : null;
}

function fieldLabel(loc) {
  const name = fieldOf(loc);
  if (name) {
    const index = (loc || []).find((part) => typeof part === "number");
    return FIELDS[name][0] + (index !== undefined ? ` ${index + 1}` : "");
  }
  return (loc || []).filter((part) => part !== "body").join(" › ") || "Request";
}

function showValidation(details) {
  showError(details.map((d) => `${fieldLabel(d.loc)}: ${d.msg}`));
  for (const d of details) {
    const name = fieldOf(d.loc);
    const target = name && FIELDS[name][1];
    if (target === "questions") {
      ui.questionsBox.classList.add("invalid");
      const index = (d.loc || []).find((part) => typeof part === "number");
      const input = questionInputs()[index];
      if (input) input.setAttribute("aria-invalid", "true");
    } else if (target) {
      ui[target].setAttribute("aria-invalid", "true");
    }
  }
  const first = ui.form.querySelector("[aria-invalid='true']");
  if (first) first.focus();
}

/** The open article in the address (#en/send-money), so a reload or a link reopens it. */
function setAddress(article) {
  const hash = article ? `#${article.language}/${article.slug}` : "";
  if (location.hash !== hash) history.replaceState(null, "", `${location.pathname}${location.search}${hash}`);
}

function parseAddress() {
  const match = /^#([a-z]{2})\/([a-z0-9-]+)$/.exec(location.hash);
  return match && SLUG.test(match[2]) ? { language: match[1], slug: match[2] } : null;
}

export function openFromAddress() {
  const wanted = parseAddress();
  const a = state.article;
  if (wanted && !(a && a.language === wanted.language && a.slug === wanted.slug && !isNew())) {
    openArticle(wanted.language, wanted.slug);
  }
}

/** Ctrl+S / ⌘S saves (never the browser's "Save page"). */
function onKeyDown(event) {
  if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
    event.preventDefault();
    if (state.article && !document.querySelector("dialog[open]")) save();
  }
}

export function wireArticle() {
  ui.save.addEventListener("click", () => save());
  ui.publish.addEventListener("click", () => setStatus("published"));
  ui.unpublish.addEventListener("click", () => setStatus("draft"));
  document.addEventListener("keydown", onKeyDown);
  window.addEventListener("hashchange", openFromAddress);
}
