// The questions the bot could not answer, most asked first: try one, or write its article.
import { h } from "/static/staff.js";
import * as kb from "./api.js";
import { LANGUAGES, languageBadge, latest, plural, timeAgo } from "./common.js";
import { askNewArticle, slugFrom } from "./dialogs.js";
import { ui } from "./page.js";
import { askAbout } from "./try.js";

const turn = latest();

/** The server lists one language at a time; "All" asks for each and merges, most asked first. */
export async function loadUnanswered() {
  const languages = ui.filterLanguage.value ? [ui.filterLanguage.value] : Object.keys(LANGUAGES);
  const isLatest = turn();
  let questions;
  try {
    const lists = await Promise.all(
      languages.map((language) => kb.unanswered(language)),
    );
    questions = lists.flat().sort((a, b) => b.count - a.count || b.last_seen - a.last_seen);
  } catch {
    // Not there (404) or failing: the editor works without the panel.
    if (isLatest()) ui.unanswered.hidden = true;
    return;
  }
  if (!isLatest()) return;
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
            onclick: () => askAbout(q.question, q.language),
          }),
        ),
      ),
    ),
  );
}
