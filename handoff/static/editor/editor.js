// Baton knowledge-base editor: list, edit, preview, publish, history, the other language,
// "Try a question" and the unanswered questions.
//
// An ES module; what the staff pages share comes from staff.js. The page runs under a strict
// CSP (script-src 'self', style-src 'self'), so: no inline script or style, no element.style,
// visibility via `hidden` and classes. Text from the server or the user always goes in with textContent / createElement.
// The single exception is the sanitised HTML the server returns in `html` fields (Markdown
// rendered by markdown-it with raw HTML off, then cleaned by nh3): see insertSanitisedHtml().
//
// Sections: 1 helpers · 3 state · 4 session · 5 article list · 6 editor form ·
// 7 preview · 8 saving, publishing, conflicts · 9 dialogs · 10 other language · 11 history ·
// 12 try a question · 13 unanswered questions · 14 keyboard, leaving, address bar · 15 start.
import { $, api, badge, h, logOut, whoAmI } from "/static/staff.js";

// =============================================================================================
// 1. Helpers
// =============================================================================================

const LANGUAGES = { en: "English", ko: "Korean" };
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const RECOMMENDED_QUESTIONS = 5;
const MAX_BODY = 20000;

function debounce(fn, ms) {
  let timer = 0;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}

const otherLanguage = (language) => (language === "en" ? "ko" : "en");
const languageName = (language) => LANGUAGES[language] || language.toUpperCase();
const statusLabel = (status) => (status === "published" ? "Published" : "Draft");

const languageBadge = (language) => badge(language, "lang");
const statusBadge = (status) => badge(statusLabel(status), status);

const relativeFormat = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** "just now", "5 minutes ago", "yesterday", or a date for anything older than a month. */
function relativeTime(epochSeconds) {
  const seconds = Date.now() / 1000 - epochSeconds;
  if (seconds < 45) return "just now";
  const steps = [
    [3600, 60, "minute"],
    [86400, 3600, "hour"],
    [86400 * 30, 86400, "day"],
  ];
  for (const [limit, unit, name] of steps) {
    if (seconds < limit) return relativeFormat.format(-Math.round(seconds / unit), name);
  }
  return dateFormat.format(new Date(epochSeconds * 1000));
}

/** A <time> that says "5 minutes ago", with the full date on hover; refreshed every minute. */
function timeAgo(epochSeconds) {
  const date = new Date(epochSeconds * 1000);
  return h("time", {
    datetime: date.toISOString(),
    title: dateFormat.format(date),
    "data-epoch": epochSeconds,
    text: relativeTime(epochSeconds),
  });
}

function refreshTimes() {
  for (const node of document.querySelectorAll("time[data-epoch]")) {
    node.textContent = relativeTime(Number(node.dataset.epoch));
  }
}

const plural = (n, word) => `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;

const articlePath = (language, slug) =>
  `/kb/api/articles/${encodeURIComponent(language)}/${encodeURIComponent(slug)}`;

/**
 * Insert HTML the server rendered and sanitised (the `html` field of an article view or of
 * /kb/api/preview: markdown-it with raw HTML disabled, then nh3/Ammonia with an allow-list of
 * tags, attributes and URL schemes). This is the ONLY place innerHTML is used, and it never
 * receives anything else: no user input, no other server field.
 */
function insertSanitisedHtml(container, sanitisedHtml) {
  container.innerHTML = sanitisedHtml;
}

// =============================================================================================
// 3. State and the elements we use
// =============================================================================================

const state = {
  article: null, // the article as last loaded or saved; a new one has revision 0
  pristine: "", // the article's content as loaded, serialised, to notice unsaved changes
  busy: false, // a save, publish or restore is under way
  revisions: [], // newest first
  selected: [], // revision numbers picked in the history (at most two)
  showOther: false, // "Show the other language" is on
  previewed: null, // the Markdown the preview currently shows
  leaving: false, // the user confirmed leaving: no beforeunload prompt
};

const ui = {
  boot: $("boot"),
  topbar: $("topbar"),
  gate: $("gate"),
  layout: $("layout"),
  user: $("user"),
  logout: $("logout"),
  // list
  list: $("article-list"),
  listCount: $("list-count"),
  filterLanguage: $("filter-language"),
  filterStatus: $("filter-status"),
  find: $("find"),
  newArticle: $("new-article"),
  // toolbar
  statusBadge: $("status-badge"),
  dirty: $("dirty"),
  message: $("message"),
  actions: $("actions"),
  save: $("save"),
  publish: $("publish"),
  unpublish: $("unpublish"),
  toggleOther: $("toggle-other"),
  jumpHistory: $("jump-history"),
  error: $("error"),
  conflict: $("conflict"),
  conflictText: $("conflict-text"),
  conflictReload: $("conflict-reload"),
  conflictOverwrite: $("conflict-overwrite"),
  // form
  empty: $("empty-state"),
  form: $("article-form"),
  title: $("f-title"),
  slug: $("f-slug"),
  slugHint: $("f-slug-hint"),
  language: $("f-language"),
  tags: $("f-tags"),
  meta: $("f-meta"),
  questionsBox: $("f-questions-box"),
  questions: $("f-questions"),
  questionsHint: $("f-questions-hint"),
  addQuestion: $("add-question"),
  body: $("f-body"),
  count: $("f-count"),
  preview: $("f-preview"),
  // history
  history: $("history"),
  historyHeading: $("history-heading"),
  revisionList: $("revision-list"),
  compareCurrent: $("compare-current"),
  restore: $("restore"),
  diff: $("diff"),
  diffHeading: $("diff-heading"),
  diffLines: $("diff-lines"),
  // other language
  workspace: $("workspace"),
  otherPanel: $("other-panel"),
  otherHeading: $("other-heading"),
  otherBody: $("other-body"),
  // try
  tryForm: $("try-form"),
  tryInput: $("try-input"),
  tryLanguage: $("try-language"),
  tryPanel: $("try-panel"),
  tryClose: $("try-close"),
  tryQuestion: $("try-question"),
  tryDecision: $("try-decision"),
  tryNote: $("try-note"),
  tryResults: $("try-results"),
  // unanswered
  unanswered: $("unanswered"),
  unansweredCount: $("unanswered-count"),
  unansweredList: $("unanswered-list"),
};

/** The status line: short, polite news ("Saved revision 4"). */
function say(text) {
  ui.message.textContent = text;
  ui.message.title = text; // the line may be cut short on narrow screens
}

/** The error box above the form; a list when there are several messages. */
function showError(messages) {
  const list = Array.isArray(messages) ? messages : [messages];
  ui.error.replaceChildren();
  if (list.length === 1) ui.error.append(h("p", { text: list[0] }));
  else ui.error.append(h("ul", {}, list.map((text) => h("li", { text }))));
  ui.error.hidden = false;
}

function clearErrors() {
  ui.error.hidden = true;
  ui.error.replaceChildren();
  ui.conflict.hidden = true;
  for (const node of ui.form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  ui.questionsBox.classList.remove("invalid");
}

// =============================================================================================
// 4. Session: who is logged in, logout
// =============================================================================================

async function startSession() {
  let me;
  try {
    me = await whoAmI();
  } catch (error) {
    ui.boot.textContent = `${error.message} Reload the page to try again.`;
    ui.boot.classList.add("error");
    return;
  }
  if (!me) return; // on the way to the login page
  ui.boot.hidden = true;
  ui.topbar.hidden = false;
  ui.user.textContent = `${me.name} · ${me.role}`;

  if (me.role !== "editor" && me.role !== "admin") {
    // Agents chat with customers; the knowledge base is for editors and admins.
    ui.tryForm.hidden = true;
    $("gate-name").textContent = me.name;
    $("gate-role").textContent = me.role;
    ui.gate.hidden = false;
    return;
  }
  ui.layout.hidden = false;
  await loadList();
  loadUnanswered();
  openFromAddress();
}

async function logout() {
  if (isDirty() && !(await confirmDialog({
    title: "Log out with unsaved changes?",
    text: "Your changes to this article are not saved and will be lost.",
    ok: "Log out anyway",
    danger: true,
  }))) return;
  state.leaving = true;
  logOut();
}

// =============================================================================================
// 5. The article list
// =============================================================================================

let listRequest = 0;

async function loadList() {
  const params = new URLSearchParams();
  if (ui.filterLanguage.value) params.set("language", ui.filterLanguage.value);
  if (ui.filterStatus.value) params.set("status", ui.filterStatus.value);
  const find = ui.find.value.trim();
  if (find) params.set("find", find);
  const request = ++listRequest;
  ui.list.setAttribute("aria-busy", "true");
  try {
    const articles = await api("GET", `/kb/api/articles?${params}`);
    if (request !== listRequest) return; // a newer search answered, or will
    renderList(articles, Boolean(find || ui.filterLanguage.value || ui.filterStatus.value));
  } catch (error) {
    if (request === listRequest) ui.listCount.textContent = `The list could not load: ${error.message}`;
  } finally {
    if (request === listRequest) ui.list.removeAttribute("aria-busy");
  }
}

const loadListSoon = debounce(loadList, 250);

function renderList(articles, filtered) {
  ui.listCount.textContent = articles.length
    ? plural(articles.length, "article") + (filtered ? " found" : "")
    : filtered
      ? "No article matches."
      : "No articles yet. Create the first one.";
  ui.list.replaceChildren(
    ...articles.map((a) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: "article-row",
            "data-testid": "kb-article-row",
            "data-slug": a.slug,
            "data-language": a.language,
            onclick: () => openArticle(a.language, a.slug),
          },
          h("span", { class: "row-title", text: a.title || a.slug }),
          h(
            "span",
            { class: "row-badges" },
            languageBadge(a.language),
            statusBadge(a.status),
            h("code", { class: "row-slug", text: a.slug }),
          ),
          h(
            "span",
            { class: "row-meta" },
            `${a.updated_by || "someone"} · `,
            timeAgo(a.updated_at),
            " · ",
            h("span", {
              class: a.questions < RECOMMENDED_QUESTIONS ? "few-questions" : "",
              text: plural(a.questions, "question"),
            }),
          ),
        ),
      ),
    ),
  );
  markCurrentRow();
}

/** aria-current on the row of the open article. */
function markCurrentRow() {
  const a = state.article;
  for (const row of ui.list.querySelectorAll(".article-row")) {
    const current =
      a && a.revision > 0 && row.dataset.slug === a.slug && row.dataset.language === a.language;
    if (current) row.setAttribute("aria-current", "true");
    else row.removeAttribute("aria-current");
  }
}

// =============================================================================================
// 6. The editor form: fill it, read it back, notice unsaved changes
// =============================================================================================

const isNew = () => Boolean(state.article && state.article.revision === 0);

function setValue(input, value) {
  if (input.value !== value) input.value = value; // keeps the caret when nothing changed
}

const splitTags = (text) => text.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean);
const unique = (list) => [...new Set(list)];

/** The content as the form holds it, normalised the way the server will store it. */
function formContent() {
  return {
    title: ui.title.value.trim(),
    body: ui.body.value,
    questions: unique(questionInputs().map((i) => i.value.trim()).filter(Boolean)),
    tags: unique(splitTags(ui.tags.value)).slice(0, 20),
    status: state.article ? state.article.status : "draft",
  };
}

function contentOf(article) {
  const { title, body, questions, tags, status } = article;
  return { title: title.trim(), body, questions, tags, status };
}

/** A string that changes whenever something worth saving changes. */
function fingerprint(content, slug, language) {
  return JSON.stringify([content, isNew() ? [slug, language] : null]);
}

const currentFingerprint = () => fingerprint(formContent(), ui.slug.value, ui.language.value);

function isDirty() {
  return Boolean(state.article) && currentFingerprint() !== state.pristine;
}

/** Put an article in the form (a loaded one, or a new one with revision 0). */
function fillForm(article) {
  setValue(ui.title, article.title);
  setValue(ui.slug, article.slug);
  ui.language.value = article.language;
  setValue(ui.tags, article.tags.join(", "));
  setValue(ui.body, article.body);
  const shown = questionInputs().map((i) => i.value);
  if (JSON.stringify(shown) !== JSON.stringify(article.questions) || !shown.length) {
    renderQuestions(article.questions.length ? article.questions : [""]);
  }
}

/** Show the form for state.article, with its identity, status and actions. */
function showArticle() {
  const a = state.article;
  ui.empty.hidden = true;
  ui.form.hidden = false;
  ui.actions.hidden = false;
  ui.history.hidden = false;
  const creating = isNew();
  ui.slug.readOnly = !creating;
  ui.language.disabled = !creating;
  ui.slugHint.textContent = creating ? "Cannot be changed after the first save." : "";
  ui.slugHint.hidden = !creating;
  ui.statusBadge.textContent = statusLabel(a.status);
  ui.statusBadge.className = `badge ${a.status}`;
  ui.statusBadge.hidden = false;
  ui.meta.replaceChildren(
    ...(creating
      ? ["New article, not saved yet."]
      : [`Revision ${a.revision} · saved by ${a.updated_by || "someone"} `, timeAgo(a.updated_at)]),
  );
  document.title = `${a.title || a.slug} · Baton knowledge base`;
  markCurrentRow();
  updateDirty();
  updateCounts();
}

/** The unsaved-changes indicator, the Save and Publish buttons. */
function updateDirty() {
  const a = state.article;
  if (!a) return;
  const dirty = isDirty();
  const creating = isNew();
  ui.dirty.hidden = !(dirty || creating);
  ui.dirty.textContent = creating ? "Not saved yet" : "Unsaved changes";
  ui.dirty.classList.toggle("is-dirty", dirty);
  ui.save.disabled = state.busy || (!dirty && !creating);
  ui.publish.hidden = a.status === "published";
  ui.unpublish.hidden = a.status !== "published";
  ui.publish.disabled = ui.unpublish.disabled = state.busy;
  ui.restore.disabled = state.busy || !canRestore();
  document.title = `${dirty ? "• " : ""}${a.title || a.slug} · Baton knowledge base`;
}

function setBusy(busy) {
  state.busy = busy;
  ui.form.setAttribute("aria-busy", String(busy));
  updateDirty();
}

/** Word and character counts under the body, and the question-variant advice. */
function updateCounts() {
  const body = ui.body.value;
  const words = body.trim() ? body.trim().split(/\s+/).length : 0;
  const characters = `${body.length.toLocaleString("en")} / ${MAX_BODY.toLocaleString("en")} characters`;
  ui.count.textContent = `${plural(words, "word")} · ${characters}`;
  ui.count.classList.toggle("warn", body.length > MAX_BODY * 0.9);

  const inputs = questionInputs();
  const seen = new Set();
  let count = 0;
  for (const input of inputs) {
    const text = input.value.trim();
    const duplicate = Boolean(text) && seen.has(text);
    input.classList.toggle("duplicate", duplicate);
    input.title = duplicate ? "The same variant is already in the list; it will be dropped." : "";
    if (text && !duplicate) count += 1;
    seen.add(text);
  }
  const few = count < RECOMMENDED_QUESTIONS;
  ui.questionsHint.textContent = few
    ? `${plural(count, "variant")}. Add at least ${RECOMMENDED_QUESTIONS} different phrasings of the ` +
      "question: the more ways customers' words are covered, the better the bot recognises it."
    : `${plural(count, "variant")}. Good: varied phrasings help the bot recognise the question.`;
  ui.questionsHint.classList.toggle("warn", few);
}

// ---- Question variants: an editable list ----------------------------------------------------

const questionInputs = () => [...ui.questions.querySelectorAll("input")];

function renderQuestions(questions) {
  ui.questions.replaceChildren(...questions.map((q) => questionRow(q)));
  renumberQuestions();
}

function questionRow(text) {
  const input = h("input", {
    type: "text",
    class: "question-input",
    "data-testid": "kb-question-input",
    maxlength: 300,
    autocomplete: "off",
    placeholder: "How would a customer ask this?",
  });
  input.value = text;
  input.addEventListener("keydown", onQuestionKey);
  const remove = h("button", {
    type: "button",
    class: "ghost small remove-question",
    text: "Remove",
    onclick: () => removeQuestion(input.closest("li")),
  });
  return h("li", { class: "question-row" }, input, remove);
}

/** Labels follow the position, so a screen reader says "Question variant 3". */
function renumberQuestions() {
  [...ui.questions.children].forEach((row, index) => {
    row.querySelector("input").setAttribute("aria-label", `Question variant ${index + 1}`);
    row.querySelector("button").setAttribute("aria-label", `Remove question variant ${index + 1}`);
  });
}

function addQuestion(after, text = "") {
  const row = questionRow(text);
  if (after) after.after(row);
  else ui.questions.append(row);
  renumberQuestions();
  row.querySelector("input").focus();
  onFormInput();
}

function removeQuestion(row) {
  const next = row.nextElementSibling || row.previousElementSibling;
  row.remove();
  if (!ui.questions.children.length) ui.questions.append(questionRow(""));
  renumberQuestions();
  (next ? next.querySelector("input") : questionInputs()[0]).focus();
  onFormInput();
}

/** Enter adds a variant below; Backspace in an empty variant removes it. */
function onQuestionKey(event) {
  const row = event.target.closest("li");
  if (event.key === "Enter") {
    event.preventDefault();
    addQuestion(row);
  } else if (event.key === "Backspace" && !event.target.value && ui.questions.children.length > 1) {
    event.preventDefault();
    const previous = row.previousElementSibling;
    row.remove();
    renumberQuestions();
    const focus = (previous || ui.questions.firstElementChild).querySelector("input");
    focus.focus();
    onFormInput();
  }
}

function onFormInput(event) {
  if (event && event.target instanceof Element) event.target.removeAttribute("aria-invalid");
  updateDirty();
  updateCounts();
}

// =============================================================================================
// 7. Live preview (server-rendered and sanitised)
// =============================================================================================

let previewRequest = 0;

function showPreview(html, markdown) {
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
  const request = ++previewRequest;
  try {
    const { html } = await api("POST", "/kb/api/preview", { markdown });
    if (request === previewRequest) showPreview(html, markdown);
  } catch (error) {
    if (request !== previewRequest || error.status === 401) return;
    ui.preview.classList.remove("is-stale");
    ui.preview.replaceChildren(h("p", { class: "error", text: `No preview: ${error.message}` }));
    state.previewed = null;
  }
}

const refreshPreviewSoon = debounce(refreshPreview, 300);

function onBodyInput(event) {
  ui.preview.classList.add("is-stale");
  refreshPreviewSoon();
  onFormInput(event);
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

// =============================================================================================
// 8. Opening, saving, publishing; conflicts and validation errors
// =============================================================================================

/** Ask before throwing unsaved changes away; true when it is fine to go on. */
async function confirmDiscard() {
  if (!isDirty()) return true;
  return confirmDialog({
    title: "Discard unsaved changes?",
    text: `Your changes to “${state.article.title || state.article.slug}” are not saved.`,
    ok: "Discard changes",
    danger: true,
  });
}

/** Take an article view ({article, html}) from the server into the editor. */
function applyView(view, sentContent) {
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

async function openArticle(language, slug, { force = false } = {}) {
  if (!force && !(await confirmDiscard())) return false;
  clearErrors();
  say(`Opening ${language}/${slug}…`);
  try {
    const view = await api("GET", articlePath(language, slug));
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
function openNew({ slug, language, title = "", questions = [], tags = [], body = "" }) {
  clearErrors();
  state.article = {
    slug, language, title, body, questions, tags,
    status: "draft", revision: 0, updated_at: 0, updated_by: "",
  };
  fillForm(state.article);
  renderQuestions(questions.length ? questions : [""]);
  state.pristine = currentFingerprint();
  showPreview("", ""); // nothing to render yet
  if (body) refreshPreview();
  showArticle();
  resetHistory();
  renderHistory();
  if (state.showOther) loadOther();
  setAddress(null);
  say(`New article ${language}/${slug}: write it, then save.`);
  (title ? ui.body : ui.title).focus();
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
    const view = await api("PUT", articlePath(language, slug), { content, base_revision: baseRevision });
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
    const view = await api("POST", `${articlePath(a.language, a.slug)}/status`, {
      status,
      base_revision: base === undefined ? a.revision : base,
    });
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
function afterChange() {
  loadList();
  resetHistory();
  loadHistory();
  if (state.showOther) loadOther();
}

/** 409: offer to load their version or overwrite; 422: show what is wrong; else a message. */
function handleActionError(error, { created, retry, retryLabel, language, slug }) {
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

// =============================================================================================
// 9. Dialogs: new article, confirmation
// =============================================================================================

const newDialog = {
  dialog: $("new-dialog"),
  form: $("new-form"),
  slug: $("new-slug"),
  language: $("new-language"),
  error: $("new-error"),
  openExisting: $("new-open-existing"),
  prefill: {}, // extra content for the new article (e.g. an unanswered question)
};

/** Ask for a slug and a language, then open a new article. */
async function askNewArticle({ slug = "", language, questions = [] } = {}) {
  if (!(await confirmDiscard())) return;
  newDialog.slug.value = slug;
  newDialog.language.value = language || ui.filterLanguage.value || "en";
  newDialog.prefill = { questions };
  newDialog.error.hidden = true;
  newDialog.openExisting.hidden = true;
  newDialog.slug.removeAttribute("aria-invalid");
  newDialog.dialog.showModal();
  newDialog.slug.focus();
  newDialog.slug.select();
}

async function submitNewArticle(event) {
  event.preventDefault();
  const slug = newDialog.slug.value.trim();
  const language = newDialog.language.value;
  const fail = (text) => {
    newDialog.error.textContent = text;
    newDialog.error.hidden = false;
    newDialog.slug.setAttribute("aria-invalid", "true");
    newDialog.slug.focus();
  };
  newDialog.openExisting.hidden = true;
  if (!SLUG.test(slug)) {
    fail("Use lowercase letters, digits and single hyphens (no spaces), like send-money-abroad.");
    return;
  }
  try {
    await api("GET", articlePath(language, slug));
    fail(`There is already an article ${language}/${slug}.`);
    newDialog.openExisting.hidden = false;
    newDialog.openExisting.onclick = () => {
      newDialog.dialog.close();
      openArticle(language, slug, { force: true });
    };
    return;
  } catch (error) {
    if (error.status === 401) return;
    if (error.status !== 404) {
      fail(error.message);
      return;
    }
  }
  newDialog.dialog.close();
  openNew({ slug, language, ...newDialog.prefill });
}

/** A slug suggestion from a question ("How do I send money?" → "how-do-i-send-money"). */
function slugFrom(text) {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
}

const confirmBox = {
  dialog: $("confirm-dialog"),
  title: $("confirm-title"),
  text: $("confirm-text"),
  ok: $("confirm-ok"),
  cancel: $("confirm-cancel"),
};

/** A modal yes/no question; resolves true when confirmed. Escape and Cancel say no. */
function confirmDialog({ title, text, ok, danger = false }) {
  return new Promise((resolve) => {
    const box = confirmBox;
    box.title.textContent = title;
    box.text.textContent = text;
    box.ok.textContent = ok;
    box.ok.className = danger ? "danger solid" : "primary";
    const finish = (answer) => {
      box.ok.onclick = box.cancel.onclick = box.dialog.onclose = null;
      if (box.dialog.open) box.dialog.close();
      resolve(answer);
    };
    box.ok.onclick = () => finish(true);
    box.cancel.onclick = () => finish(false);
    box.dialog.onclose = () => finish(false);
    box.dialog.showModal();
    box.cancel.focus();
  });
}

// =============================================================================================
// 10. The other language, read-only beside the editor
// =============================================================================================

let otherRequest = 0;

function toggleOther() {
  state.showOther = !state.showOther;
  ui.toggleOther.setAttribute("aria-pressed", String(state.showOther));
  ui.otherPanel.hidden = !state.showOther;
  ui.workspace.classList.toggle("with-other", state.showOther);
  if (state.showOther) loadOther();
}

async function loadOther() {
  const a = state.article;
  if (!a) return;
  const slug = isNew() ? ui.slug.value.trim() : a.slug;
  const language = otherLanguage(isNew() ? ui.language.value : a.language);
  const name = languageName(language);
  ui.otherHeading.textContent = `${name} version`;
  const request = ++otherRequest;
  if (!SLUG.test(slug)) {
    ui.otherBody.replaceChildren(h("p", { class: "muted", text: "Choose a valid slug first." }));
    return;
  }
  ui.otherBody.replaceChildren(h("p", { class: "muted", text: "Loading…" }));
  try {
    const view = await api("GET", articlePath(language, slug));
    if (request === otherRequest) renderOther(view);
  } catch (error) {
    if (request !== otherRequest || error.status === 401) return;
    if (error.status === 404) renderNoOther(language, slug);
    else ui.otherBody.replaceChildren(h("p", { class: "error", text: error.message }));
  }
}

function renderOther({ article, html }) {
  const body = h("div", { class: "prose other-prose" });
  if (article.body.trim()) insertSanitisedHtml(body, html); // the server's sanitised `html`
  else body.append(h("p", { class: "muted", text: "The body is empty." }));
  ui.otherBody.replaceChildren(
    h(
      "p",
      { class: "other-meta" },
      statusBadge(article.status),
      " ",
      languageBadge(article.language),
      ` Read-only · revision ${article.revision} · ${article.updated_by || "someone"} `,
      timeAgo(article.updated_at),
    ),
    h("h3", { class: "other-title", text: article.title }),
    h("h4", { text: `Question variants (${article.questions.length})` }),
    article.questions.length
      ? h("ul", { class: "other-questions" }, article.questions.map((q) => h("li", { text: q })))
      : h("p", { class: "muted", text: "None yet." }),
    article.tags.length
      ? h("p", { class: "other-tags" }, "Tags: ", article.tags.map((t) => badge(t)))
      : null,
    h("h4", { text: "Body" }),
    body,
    h("button", {
      type: "button",
      class: "small",
      text: `Edit the ${languageName(article.language)} version`,
      onclick: () => openArticle(article.language, article.slug),
    }),
  );
}

function renderNoOther(language, slug) {
  const tags = state.article ? [...state.article.tags] : [];
  ui.otherBody.replaceChildren(
    h("p", { class: "no-other", text: `No ${languageName(language)} version yet.` }),
    h("p", {
      class: "muted",
      text:
        `Customers asking in ${languageName(language)} get no answer from this article ` +
        "until it exists and is published.",
    }),
    h("button", {
      type: "button",
      class: "primary",
      "data-testid": "kb-other-create",
      text: `Create it (${language}/${slug})`,
      onclick: async () => {
        if (await confirmDiscard()) openNew({ slug, language, tags });
      },
    }),
  );
}

// =============================================================================================
// 11. History: revisions, diff, restore
// =============================================================================================

let historyRequest = 0;

function resetHistory() {
  state.revisions = [];
  state.selected = [];
  ui.diff.hidden = true;
  ui.diffLines.replaceChildren();
  ui.revisionList.replaceChildren();
}

async function loadHistory() {
  const a = state.article;
  if (!a || isNew()) return renderHistory();
  const request = ++historyRequest;
  try {
    const revisions = await api("GET", `${articlePath(a.language, a.slug)}/revisions`);
    if (request !== historyRequest) return;
    state.revisions = revisions;
    renderHistory();
  } catch (error) {
    if (request !== historyRequest || error.status === 401) return;
    ui.revisionList.replaceChildren(h("li", { class: "error", text: `No history: ${error.message}` }));
  }
}

const currentRevision = () => (state.article ? state.article.revision : 0);

function renderHistory() {
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

const canRestore = () => state.selected.length === 1 && state.selected[0] !== currentRevision();

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

let diffRequest = 0;

async function showDiff(older, newer) {
  const a = state.article;
  const request = ++diffRequest;
  ui.diff.hidden = false;
  ui.diffHeading.textContent = `Changes from revision ${older} to revision ${newer}`;
  ui.diffLines.replaceChildren(h("p", { class: "muted", text: "Loading…" }));
  try {
    const { lines } = await api("GET", `${articlePath(a.language, a.slug)}/diff?old=${older}&new=${newer}`);
    if (request === diffRequest) renderDiff(lines);
  } catch (error) {
    if (request === diffRequest && error.status !== 401) {
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
    const view = await api("POST", `${articlePath(a.language, a.slug)}/restore`, {
      revision,
      base_revision: base,
    });
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

// =============================================================================================
// 12. Try a question: what would the bot answer?
// =============================================================================================

let tryRequest = 0;

async function tryQuestion(event) {
  event.preventDefault();
  const question = ui.tryInput.value.trim();
  if (!question) {
    ui.tryInput.focus();
    return;
  }
  const language = ui.tryLanguage.value;
  const request = ++tryRequest;
  ui.tryPanel.hidden = false;
  ui.tryQuestion.textContent = `“${question}” (${languageName(language)})`;
  ui.tryDecision.className = "decision";
  ui.tryDecision.textContent = "Asking the bot…";
  ui.tryNote.hidden = true;
  ui.tryResults.replaceChildren();
  try {
    const answer = await api("POST", "/kb/api/try", { question, language });
    if (request === tryRequest) renderTry(answer);
  } catch (error) {
    if (request !== tryRequest || error.status === 401) return;
    ui.tryDecision.className = "decision failed";
    ui.tryDecision.textContent =
      error.status === 404 ? "Trying questions is not available on this server yet." : error.message;
  }
}

const percent = (value) => `${Math.round(value * 100)}%`;

function renderTry({ decision, threshold, note, second_opinion, results }) {
  const answers = decision === "answer";
  const ranker = second_opinion ? " · ranked by the second embedding model (the first was unsure)" : "";
  ui.tryDecision.className = `decision ${answers ? "answer" : "escalate"}`;
  ui.tryDecision.replaceChildren(
    h("strong", { text: answers ? "Answer" : "Escalate to a person" }),
    h("span", { class: "threshold", text: ` · the bot answers at ${percent(threshold)} confidence or more${ranker}` }),
  );
  ui.tryNote.textContent = note || "";
  ui.tryNote.hidden = !note;
  if (!results.length) {
    ui.tryResults.replaceChildren(h("li", { class: "muted", text: "No article came close." }));
    return;
  }
  ui.tryResults.replaceChildren(
    ...results.map((r) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: "try-result",
            "data-testid": "kb-try-result",
            "data-slug": r.slug,
            "data-language": r.language,
            onclick: async () => {
              if (await openArticle(r.language, r.slug)) ui.tryPanel.hidden = true;
            },
          },
          h(
            "span",
            { class: "try-result-head" },
            h("span", { class: "try-title", text: r.title }),
            languageBadge(r.language),
          ),
          h(
            "span",
            { class: "confidence" },
            // <meter> draws the bar from attributes: no inline style needed under the CSP.
            h("meter", {
              min: 0,
              max: 1,
              low: threshold,
              high: Math.min(1, threshold + 0.0001),
              optimum: 1,
              value: r.confidence,
              "aria-label": `Confidence for ${r.title}`,
            }),
            h("span", { class: "confidence-value", text: percent(r.confidence) }),
          ),
          h(
            "span",
            { class: "try-matched" },
            r.matched ? ["Matched: ", h("q", { text: r.matched })] : "No question variant matched closely.",
          ),
          r.short_answer ? h("span", { class: "try-short", text: r.short_answer }) : null,
        ),
      ),
    ),
  );
}

// =============================================================================================
// 13. Unanswered questions
// =============================================================================================

let unansweredRequest = 0;

/** The server lists one language at a time; "All" asks for each and merges, most asked first. */
async function loadUnanswered() {
  const languages = ui.filterLanguage.value ? [ui.filterLanguage.value] : Object.keys(LANGUAGES);
  const request = ++unansweredRequest;
  let questions;
  try {
    const lists = await Promise.all(
      languages.map((language) => api("GET", `/kb/api/unanswered?language=${encodeURIComponent(language)}`)),
    );
    questions = lists.flat().sort((a, b) => b.count - a.count || b.last_seen - a.last_seen);
  } catch (error) {
    // Not there (404) or failing: the editor works without the panel.
    if (request === unansweredRequest) ui.unanswered.hidden = true;
    return;
  }
  if (request !== unansweredRequest) return;
  ui.unanswered.hidden = false;
  ui.unansweredCount.textContent = String(questions.length);
  if (!questions.length) {
    const none = "None: the bot answered everything.";
    ui.unansweredList.replaceChildren(h("li", { class: "muted", text: none }));
    return;
  }
  ui.unansweredList.replaceChildren(
    ...questions.map((q) =>
      h(
        "li",
        { class: "unanswered-item" },
        h("q", { class: "unanswered-question", text: q.question }),
        h(
          "span",
          { class: "unanswered-meta" },
          languageBadge(q.language),
          ` asked ${plural(q.count, "time")}`,
          q.last_seen ? [" · last ", timeAgo(q.last_seen)] : null,
        ),
        h(
          "span",
          { class: "unanswered-actions" },
          h("button", {
            type: "button",
            class: "small",
            text: "Create article from this",
            onclick: () =>
              askNewArticle({ slug: slugFrom(q.question), language: q.language, questions: [q.question] }),
          }),
          h("button", {
            type: "button",
            class: "small ghost",
            text: "Try it",
            onclick: () => {
              ui.tryInput.value = q.question;
              ui.tryLanguage.value = q.language in LANGUAGES ? q.language : "en";
              ui.tryForm.requestSubmit();
            },
          }),
        ),
      ),
    ),
  );
}

// =============================================================================================
// 14. Keyboard shortcuts, leaving the page, the address bar (#en/slug)
// =============================================================================================

function onKeyDown(event) {
  if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
    event.preventDefault(); // never the browser's "Save page"
    if (state.article && !document.querySelector("dialog[open]")) save();
  } else if (event.key === "Escape" && !ui.tryPanel.hidden && !document.querySelector("dialog[open]")) {
    ui.tryPanel.hidden = true;
    ui.tryInput.focus();
  }
}

function onBeforeUnload(event) {
  if (state.leaving || !isDirty()) return;
  event.preventDefault();
  event.returnValue = ""; // older browsers need this to show their prompt
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

function openFromAddress() {
  const wanted = parseAddress();
  const a = state.article;
  if (wanted && !(a && a.language === wanted.language && a.slug === wanted.slug && !isNew())) {
    openArticle(wanted.language, wanted.slug);
  }
}

// =============================================================================================
// 15. Start
// =============================================================================================

function wire() {
  ui.logout.addEventListener("click", logout);

  // List and filters
  ui.filterLanguage.addEventListener("change", () => {
    loadList();
    loadUnanswered();
  });
  ui.filterStatus.addEventListener("change", loadList);
  ui.find.addEventListener("input", loadListSoon);
  ui.find.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      loadListSoon.cancel();
      loadList();
    }
  });
  ui.newArticle.addEventListener("click", () => askNewArticle());

  // Form
  ui.form.addEventListener("submit", (event) => event.preventDefault());
  ui.form.addEventListener("input", (event) => {
    if (event.target === ui.body) onBodyInput(event);
    else onFormInput(event);
  });
  ui.slug.addEventListener("change", () => state.showOther && loadOther());
  ui.language.addEventListener("change", () => state.showOther && loadOther());
  ui.addQuestion.addEventListener("click", () => addQuestion(null));
  ui.body.addEventListener("scroll", syncPreviewScroll, { passive: true });
  ui.preview.addEventListener("click", onPreviewClick);

  // Toolbar
  ui.save.addEventListener("click", () => save());
  ui.publish.addEventListener("click", () => setStatus("published"));
  ui.unpublish.addEventListener("click", () => setStatus("draft"));
  ui.toggleOther.addEventListener("click", toggleOther);
  ui.jumpHistory.addEventListener("click", jumpToHistory);

  // History
  ui.compareCurrent.addEventListener("click", compareWithCurrent);
  ui.restore.addEventListener("click", restoreSelected);

  // Try a question
  ui.tryForm.addEventListener("submit", tryQuestion);
  ui.tryClose.addEventListener("click", () => {
    ui.tryPanel.hidden = true;
    ui.tryInput.focus();
  });

  // Dialogs
  newDialog.form.addEventListener("submit", submitNewArticle);
  $("new-cancel").addEventListener("click", () => newDialog.dialog.close());
  newDialog.slug.addEventListener("input", () => {
    newDialog.slug.removeAttribute("aria-invalid");
    newDialog.error.hidden = true;
    newDialog.openExisting.hidden = true;
  });

  // Page
  document.addEventListener("keydown", onKeyDown);
  window.addEventListener("beforeunload", onBeforeUnload);
  window.addEventListener("hashchange", openFromAddress);
  setInterval(refreshTimes, 60_000);
}

wire();
startSession();
