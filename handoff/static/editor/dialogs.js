// Dialogs: a new article (slug and language), and a yes/no confirmation.
import { $ } from "/static/staff.js";
import * as kb from "./api.js";
import { confirmDiscard, openArticle, openNew } from "./article.js";
import { SLUG } from "./common.js";
import { ui } from "./page.js";

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
export async function askNewArticle({ slug = "", language, questions = [] } = {}) {
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
    await kb.article(language, slug);
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
export function slugFrom(text) {
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
export function confirmDialog({ title, text, ok, danger = false }) {
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

export function wireDialogs() {
  newDialog.form.addEventListener("submit", submitNewArticle);
  $("new-cancel").addEventListener("click", () => newDialog.dialog.close());
  newDialog.slug.addEventListener("input", () => {
    newDialog.slug.removeAttribute("aria-invalid");
    newDialog.error.hidden = true;
    newDialog.openExisting.hidden = true;
  });
}
