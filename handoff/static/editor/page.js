// The editor's state and the page elements every part uses; the status line and the error box.
import { $, h } from "/static/staff.js";

export const state = {
  article: null, // the article as last loaded or saved; a new one has revision 0
  pristine: "", // the article's content as loaded, serialised, to notice unsaved changes
  busy: false, // a save, publish or restore is under way
  revisions: [], // newest first
  selected: [], // revision numbers picked in the history (at most two)
  showOther: false, // "Show the other language" is on
  previewed: null, // the Markdown the preview currently shows
  leaving: false, // the user confirmed leaving: no beforeunload prompt
};

export const ui = {
  boot: $("boot"),
  topbar: $("topbar"),
  gate: $("gate"),
  layout: $("layout"),
  user: $("user"),
  logout: $("logout"),
  logoutEverywhere: $("logout-everywhere"),
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
  // knowledge gaps
  gaps: $("gaps"),
  gapsCount: $("gaps-count"),
  gapsList: $("gaps-list"),
};

/** The status line: short, polite news ("Saved revision 4"). */
export function say(text) {
  ui.message.textContent = text;
  ui.message.title = text; // the line may be cut short on narrow screens
}

/** The error box above the form; a list when there are several messages. */
export function showError(messages) {
  const list = Array.isArray(messages) ? messages : [messages];
  ui.error.replaceChildren();
  if (list.length === 1) ui.error.append(h("p", { text: list[0] }));
  else ui.error.append(h("ul", {}, list.map((text) => h("li", { text }))));
  ui.error.hidden = false;
}

export function clearErrors() {
  ui.error.hidden = true;
  ui.error.replaceChildren();
  ui.conflict.hidden = true;
  for (const node of ui.form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  ui.questionsBox.classList.remove("invalid");
}

