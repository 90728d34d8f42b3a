// Knowledge gaps: the recent unanswered and not-helpful questions grouped by meaning. From a
// group: start a draft with its questions as variants, add them to an article, or ask how many
// of them the bot would now answer (after publishing). Text nodes only.
import { h } from "/static/staff.js";
import * as kb from "./api.js";
import { openArticle } from "./article.js";
import { LANGUAGES, languageBadge, latest, plural, timeAgo } from "./common.js";
import { slugFrom } from "./dialogs.js";
import { loadList } from "./list.js";
import { ui } from "./page.js";

const turn = latest();

/** The groups of the language filtered on, or of every language, biggest first. */
export async function loadGaps() {
  const languages = ui.filterLanguage.value ? [ui.filterLanguage.value] : Object.keys(LANGUAGES);
  const isLatest = turn();
  let groups;
  try {
    const reports = await Promise.all(languages.map((language) => kb.gaps(language)));
    groups = reports.flatMap((report) => report.groups).sort((a, b) => b.count - a.count);
  } catch {
    if (isLatest()) ui.gaps.hidden = true; // the editor works without the panel
    return;
  }
  if (!isLatest()) return;
  ui.gaps.hidden = false;
  ui.gapsCount.textContent = String(groups.length);
  ui.gapsList.replaceChildren(
    ...(groups.length
      ? groups.map(groupItem)
      : [h("li", { class: "muted", text: "None: no question went unanswered lately." })]),
  );
}

function groupItem(group) {
  const questions = group.questions.map((q) => q.question);
  const result = h("p", { class: "gap-result", role: "status", "data-testid": "kb-gap-result" });
  const show = (text) => {
    result.textContent = text;
  };
  return h(
    "li",
    { class: "unanswered-item", "data-testid": "kb-gap" },
    h("q", { class: "unanswered-question", text: questions[0] }),
    h(
      "span",
      { class: "unanswered-meta" },
      languageBadge(group.language),
      ` asked ${plural(group.count, "time")}`,
      ` · this week ${group.this_week}, the week before ${group.last_week}`,
      group.not_helpful ? ` · ${group.not_helpful} answered unhelpfully` : null,
      group.declined ? ` · ${group.declined} declined as not something we do` : null,
      [" · last ", timeAgo(group.last_seen)],
    ),
    h(
      "ul",
      { class: "gap-questions" },
      group.questions.map((q) => h("li", { text: `${q.question} (${q.count})` })),
    ),
    h(
      "span",
      { class: "unanswered-actions" },
      h("button", {
        type: "button",
        class: "small",
        text: "Start a draft",
        onclick: () => startDraft(group, questions, show),
      }),
      h("button", {
        type: "button",
        class: "small ghost",
        text: "Add to an article…",
        onclick: (event) => chooseArticle(event.target, group, questions, show),
      }),
      h("button", {
        type: "button",
        class: "small ghost",
        text: "Would the bot answer now?",
        onclick: () => showCoverage(group, questions, show),
      }),
    ),
    result,
  );
}

async function startDraft(group, questions, show) {
  const slug = slugFrom(questions[0]) || "new-article";
  try {
    await kb.gapDraft(group.language, slug, questions[0], questions);
  } catch (error) {
    show(error.message);
    return;
  }
  show(`Draft ${group.language}/${slug} started with ${plural(questions.length, "question")}.`);
  await loadList();
  openArticle(group.language, slug);
}

/** A select of the language's articles, and a button that adds the questions to the chosen. */
async function chooseArticle(button, group, questions, show) {
  let articles;
  try {
    articles = await kb.articles(new URLSearchParams({ language: group.language }));
  } catch (error) {
    show(error.message);
    return;
  }
  const select = h(
    "select",
    { "aria-label": "Article to add the questions to", "data-testid": "kb-gap-article" },
    articles.map((a) => h("option", { value: a.slug, text: `${a.title} (${a.slug})` })),
  );
  const add = h("button", {
    type: "button",
    class: "small primary",
    text: "Add",
    onclick: async () => {
      try {
        await kb.gapVariants(group.language, select.value, questions);
      } catch (error) {
        show(error.message);
        return;
      }
      show(`Added to ${group.language}/${select.value}.`);
      openArticle(group.language, select.value);
    },
  });
  button.replaceWith(select, add);
}

async function showCoverage(group, questions, show) {
  try {
    const coverage = await kb.gapCoverage(group.language, questions);
    show(`The bot would now answer ${coverage.answered} of ${coverage.total}.`);
  } catch (error) {
    show(error.message);
  }
}
