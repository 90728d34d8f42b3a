// The article form: fill it, read it back, notice unsaved changes; the question variants.
import { h } from "/static/staff.js";
import { plural, RECOMMENDED_QUESTIONS, statusLabel, timeAgo } from "./common.js";
import { canRestore } from "./history.js";
import { markCurrentRow } from "./list.js";
import { state, ui } from "./page.js";

const MAX_BODY = 20000;

export const isNew = () => Boolean(state.article && state.article.revision === 0);

function setValue(input, value) {
  if (input.value !== value) input.value = value; // keeps the caret when nothing changed
}

const splitTags = (text) => text.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean);
const unique = (list) => [...new Set(list)];

/** The content as the form holds it, normalised the way the server will store it. */
export function formContent() {
  return {
    title: ui.title.value.trim(),
    body: ui.body.value,
    questions: unique(questionInputs().map((i) => i.value.trim()).filter(Boolean)),
    tags: unique(splitTags(ui.tags.value)).slice(0, 20),
    status: state.article ? state.article.status : "draft",
  };
}

export function contentOf(article) {
  const { title, body, questions, tags, status } = article;
  return { title: title.trim(), body, questions, tags, status };
}

/** A string that changes whenever something worth saving changes. */
export function fingerprint(content, slug, language) {
  return JSON.stringify([content, isNew() ? [slug, language] : null]);
}

export const currentFingerprint = () => fingerprint(formContent(), ui.slug.value, ui.language.value);

export function isDirty() {
  return Boolean(state.article) && currentFingerprint() !== state.pristine;
}

/** Put an article in the form (a loaded one, or a new one with revision 0). */
export function fillForm(article) {
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
export function showArticle() {
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

export function setBusy(busy) {
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

export const questionInputs = () => [...ui.questions.querySelectorAll("input")];

export function renderQuestions(questions) {
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

function addQuestion(after) {
  const row = questionRow("");
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

export function wireForm() {
  ui.form.addEventListener("submit", (event) => event.preventDefault());
  ui.form.addEventListener("input", onFormInput);
  ui.addQuestion.addEventListener("click", () => addQuestion(null));
}
