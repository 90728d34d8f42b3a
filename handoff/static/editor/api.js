// The knowledge-base API, one function per endpoint (JSON through staff.js's api()).
import { api } from "/static/staff.js";

const articlePath = (language, slug) =>
  `/kb/api/articles/${encodeURIComponent(language)}/${encodeURIComponent(slug)}`;

/** Article summaries; `params` a URLSearchParams of language, status, find. */
export const articles = (params) => api("GET", `/kb/api/articles?${params}`);

/** An article view: {article, html} (the body rendered and sanitised by the server). */
export const article = (language, slug) => api("GET", articlePath(language, slug));

/** Create (base revision 0) or update from `baseRevision`; 409 if someone saved meanwhile. */
export const save = (language, slug, content, baseRevision) =>
  api("PUT", articlePath(language, slug), { content, base_revision: baseRevision });

export const setStatus = (language, slug, status, baseRevision) =>
  api("POST", `${articlePath(language, slug)}/status`, { status, base_revision: baseRevision });

export const restore = (language, slug, revision, baseRevision) =>
  api("POST", `${articlePath(language, slug)}/restore`, { revision, base_revision: baseRevision });

/** Revisions, newest first. */
export const revisions = (language, slug) => api("GET", `${articlePath(language, slug)}/revisions`);

/** {lines}: a unified diff between two revisions. */
export const diff = (language, slug, older, newer) =>
  api("GET", `${articlePath(language, slug)}/diff?old=${older}&new=${newer}`);

/** {html}: Markdown as customers would see it. */
export const preview = (markdown) => api("POST", "/kb/api/preview", { markdown });

/** What the bot would do with a question: a decision and the articles it considered. */
export const tryQuestion = (question, language) => api("POST", "/kb/api/try", { question, language });

export const unanswered = (language) =>
  api("GET", `/kb/api/unanswered?language=${encodeURIComponent(language)}`);

/** {language, since, asked, groups}: the recent unanswered and not-helpful questions, grouped. */
export const gaps = (language) => api("GET", `/kb/api/gaps?language=${encodeURIComponent(language)}`);

/** A new draft article whose variants are a group's questions; 409 if the slug is taken. */
export const gapDraft = (language, slug, title, questions) =>
  api("POST", "/kb/api/gaps/draft", { language, slug, title, questions });

/** A group's questions added to an article's variants. */
export const gapVariants = (language, slug, questions) =>
  api("POST", "/kb/api/gaps/variants", { language, slug, questions });

/** {answered, total, questions}: what the bot would now do with each of a group's questions. */
export const gapCoverage = (language, questions) =>
  api("POST", "/kb/api/gaps/coverage", { language, questions });
