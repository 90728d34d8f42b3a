// What every part of the editor uses: languages, slugs, badges, times, counts, server HTML.
import { badge, h } from "/static/staff.js";

export const LANGUAGES = { en: "English", ko: "Korean" };
export const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const RECOMMENDED_QUESTIONS = 5;

export function debounce(fn, ms) {
  let timer = 0;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}

export const otherLanguage = (language) => (language === "en" ? "ko" : "en");
export const languageName = (language) => LANGUAGES[language] || language.toUpperCase();
export const statusLabel = (status) => (status === "published" ? "Published" : "Draft");

export const languageBadge = (language) => badge(language, "lang");
export const statusBadge = (status) => badge(statusLabel(status), status);

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
export function timeAgo(epochSeconds) {
  const date = new Date(epochSeconds * 1000);
  return h("time", {
    datetime: date.toISOString(),
    title: dateFormat.format(date),
    "data-epoch": epochSeconds,
    text: relativeTime(epochSeconds),
  });
}

export function refreshTimes() {
  for (const node of document.querySelectorAll("time[data-epoch]")) {
    node.textContent = relativeTime(Number(node.dataset.epoch));
  }
}

/**
 * Keeps only the newest answer of a view that may ask again before the last answer came:
 * `const turn = latest();` once, then `const isLatest = turn();` for each request and, when
 * its answer comes, `if (!isLatest()) return;`.
 */
export function latest() {
  let last = 0;
  return () => {
    const mine = ++last;
    return () => mine === last;
  };
}

export const plural = (n, word) => `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;

/**
 * Insert HTML the server rendered and sanitised (the `html` field of an article view or of
 * /kb/api/preview: markdown-it with raw HTML disabled, then nh3/Ammonia with an allow-list of
 * tags, attributes and URL schemes). This is the ONLY place innerHTML is used, and it never
 * receives anything else: no user input, no other server field.
 */
export function insertSanitisedHtml(container, sanitisedHtml) {
  container.innerHTML = sanitisedHtml;
}

