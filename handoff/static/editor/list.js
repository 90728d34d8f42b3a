// The article list on the left: filters, find, one row per article and language.
import { h } from "/static/staff.js";
import * as kb from "./api.js";
import { openArticle } from "./article.js";
import {
  debounce,
  languageBadge,
  latest,
  plural,
  RECOMMENDED_QUESTIONS,
  statusBadge,
  timeAgo,
} from "./common.js";
import { askNewArticle } from "./dialogs.js";
import { state, ui } from "./page.js";
import { loadUnanswered } from "./unanswered.js";
import { loadGaps } from "./gaps.js";

const turn = latest();

export async function loadList() {
  const params = new URLSearchParams();
  if (ui.filterLanguage.value) params.set("language", ui.filterLanguage.value);
  if (ui.filterStatus.value) params.set("status", ui.filterStatus.value);
  const find = ui.find.value.trim();
  if (find) params.set("find", find);
  const isLatest = turn();
  ui.list.setAttribute("aria-busy", "true");
  try {
    const found = await kb.articles(params);
    if (!isLatest()) return; // a newer search answered, or will
    renderList(found, Boolean(find || ui.filterLanguage.value || ui.filterStatus.value));
  } catch (error) {
    if (isLatest()) ui.listCount.textContent = `The list could not load: ${error.message}`;
  } finally {
    if (isLatest()) ui.list.removeAttribute("aria-busy");
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
export function markCurrentRow() {
  const a = state.article;
  for (const row of ui.list.querySelectorAll(".article-row")) {
    const current =
      a && a.revision > 0 && row.dataset.slug === a.slug && row.dataset.language === a.language;
    if (current) row.setAttribute("aria-current", "true");
    else row.removeAttribute("aria-current");
  }
}

export function wireList() {
  ui.filterLanguage.addEventListener("change", () => {
    loadList();
    loadUnanswered();
    loadGaps();
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
}
