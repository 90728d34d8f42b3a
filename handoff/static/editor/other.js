// The same slug in the other language, read-only beside the editor.
import { badge, h } from "/static/staff.js";
import * as kb from "./api.js";
import { confirmDiscard, openArticle, openNew } from "./article.js";
import {
  insertSanitisedHtml,
  languageBadge,
  languageName,
  latest,
  otherLanguage,
  SLUG,
  statusBadge,
  timeAgo,
} from "./common.js";
import { isNew } from "./form.js";
import { state, ui } from "./page.js";

const turn = latest();

function toggleOther() {
  state.showOther = !state.showOther;
  ui.toggleOther.setAttribute("aria-pressed", String(state.showOther));
  ui.otherPanel.hidden = !state.showOther;
  ui.workspace.classList.toggle("with-other", state.showOther);
  if (state.showOther) loadOther();
}

export async function loadOther() {
  const a = state.article;
  if (!a) return;
  const slug = isNew() ? ui.slug.value.trim() : a.slug;
  const language = otherLanguage(isNew() ? ui.language.value : a.language);
  const name = languageName(language);
  ui.otherHeading.textContent = `${name} version`;
  const isLatest = turn();
  if (!SLUG.test(slug)) {
    ui.otherBody.replaceChildren(h("p", { class: "muted", text: "Choose a valid slug first." }));
    return;
  }
  ui.otherBody.replaceChildren(h("p", { class: "muted", text: "Loading…" }));
  try {
    const view = await kb.article(language, slug);
    if (isLatest()) renderOther(view);
  } catch (error) {
    if (!isLatest() || error.status === 401) return;
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

export function wireOther() {
  ui.toggleOther.addEventListener("click", toggleOther);
  ui.slug.addEventListener("change", () => state.showOther && loadOther());
  ui.language.addEventListener("change", () => state.showOther && loadOther());
}
