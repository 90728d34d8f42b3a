// "Try a question": what the bot would do with it, and the articles it considered.
import { h } from "/static/staff.js";
import * as kb from "./api.js";
import { openArticle } from "./article.js";
import { LANGUAGES, languageBadge, languageName, latest } from "./common.js";
import { ui } from "./page.js";

const turn = latest();

async function tryQuestion(event) {
  event.preventDefault();
  const question = ui.tryInput.value.trim();
  if (!question) {
    ui.tryInput.focus();
    return;
  }
  const language = ui.tryLanguage.value;
  const isLatest = turn();
  ui.tryPanel.hidden = false;
  ui.tryQuestion.textContent = `“${question}” (${languageName(language)})`;
  ui.tryDecision.className = "decision";
  ui.tryDecision.removeAttribute("data-decision");
  ui.tryDecision.textContent = "Asking the bot…";
  ui.tryNote.hidden = true;
  ui.tryResults.replaceChildren();
  try {
    const answer = await kb.tryQuestion(question, language);
    if (isLatest()) renderTry(answer);
  } catch (error) {
    if (!isLatest() || error.status === 401) return;
    ui.tryDecision.className = "decision failed";
    ui.tryDecision.textContent =
      error.status === 404 ? "Trying questions is not available on this server yet." : error.message;
  }
}

const percent = (value) => `${Math.round(value * 100)}%`;

// What the bot can do with a message, and why it would not answer.
const DECISIONS = {
  answer: "Answer with the top article",
  suggest: "Offer the customer articles to choose from",
  rephrase: "Ask the customer to rephrase",
  escalate: "Hand over to a person",
  reply: "Reply to what it is",
  decline: "Say what Hanbit Remit does not do",
};
const WHY = {
  suggest:
    "No article is confident enough to answer, but some come close: the customer is offered " +
    "them as buttons (and a person's), and the one they press is the answer.",
  variants_disagree:
    "The top article is confident, but the articles' own questions read this one as another " +
    "article: the customer is offered the leading ones as buttons (and a person's), and the " +
    "one they press is the answer.",
  nlu_disagrees:
    "The bot's language understanding is sure this is out of scope (another company's " +
    "service, say), but an article is confident: the customer is told what Hanbit Remit helps " +
    "with and offered the leading articles as buttons (and a person's), and the one they press " +
    "is the answer.",
  another_provider:
    "The top article is confident, but the message names another money-transfer or payment " +
    "service: the customer is told what Hanbit Remit helps with and offered the leading " +
    "articles as buttons (and a person's), and the one they press is the answer.",
  out_of_scope_article:
    "The top article is confident and tagged out-of-scope: it says what Hanbit Remit does not " +
    "do, so the bot tells the customer that in its first paragraph, without a link or " +
    "\"Did this answer your question?\".",
  rephrase:
    "No article is confident enough. A first miss in a conversation asks the customer to say it " +
    "another way; more misses in a row hand the chat to a person.",
  low_confidence: "Neither the bot's language understanding (Rasa NLU) nor the knowledge base is confident.",
  repeated_misses: "The bot missed too many times in a row.",
  report_fraud:
    "The bot is sure this reports fraud, the customer's words tell of the event, and no article " +
    "on another matter answers it: a person, urgently.",
  complaint: "The bot is sure this is a complaint, and no article answers it: a person, ahead of the queue.",
  urgent_disputed:
    "The bot's language understanding reads fraud or a complaint, but an article on another " +
    "matter answers: a person looks, at normal priority.",
  fraud_topic:
    "The bot's language understanding is sure of fraud and no article on another matter answers, " +
    "but the customer's words tell of no event (a question about fraud reads the same): a " +
    "person, ahead of the normal queue.",
  complaint_words:
    "The customer's own words lodge a complaint, though its two readings do not make it one: " +
    "a person, ahead of the normal queue.",
  fraud_words:
    "The customer's own words report fraud (a transfer they did not make, a take-over, a scam), " +
    "though its two readings do not make it urgent: a person, ahead of the normal queue.",
  fraud_story:
    "The customer's words tell of money already sent and the article on fraud leads the ranking: " +
    "a story of a scam, so a person, ahead of the normal queue.",
  fraud_reading:
    "A sentence model fitted on fraud reports and complaints reads this as fraud, though nothing " +
    "else does: a person, ahead of the normal queue.",
  complaint_reading:
    "A sentence model fitted on fraud reports and complaints reads this as a complaint, though " +
    "nothing else does: a person, ahead of the normal queue.",
  customer_asked: "The customer asks for a person.",
  reply: "Not a question for the knowledge base (a greeting, thanks, or something Hanbit Remit does not do): the bot replies to it as such.",
};

const understood = (intent, confidence) =>
  intent ? ` · understood as ${intent} (${percent(confidence)})` : "";

function renderTry({ decision, reason, intent, intent_confidence, threshold, note, second_opinion, results }) {
  const ranker = second_opinion ? " · ranked by the second embedding model (the first was unsure)" : "";
  const why = decision === "escalate" ? WHY[reason] || reason : WHY[reason] || WHY[decision];
  ui.tryDecision.className = `decision ${decision}`;
  ui.tryDecision.dataset.decision = decision;
  ui.tryDecision.replaceChildren(
    h("strong", { text: DECISIONS[decision] || decision }),
    h("span", {
      class: "threshold",
      text: ` · the bot answers at ${percent(threshold)} confidence or more${ranker}${understood(intent, intent_confidence)}`,
    }),
    why ? h("span", { class: "why", text: why }) : null,
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

/** Try this question (e.g. an unanswered one) as if it had been typed in. */
export function askAbout(question, language) {
  ui.tryInput.value = question;
  ui.tryLanguage.value = language in LANGUAGES ? language : "en";
  ui.tryForm.requestSubmit();
}

function closePanel() {
  ui.tryPanel.hidden = true;
  ui.tryInput.focus();
}

export function wireTry() {
  ui.tryForm.addEventListener("submit", tryQuestion);
  ui.tryClose.addEventListener("click", closePanel);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !ui.tryPanel.hidden && !document.querySelector("dialog[open]")) {
      closePanel();
    }
  });
}
