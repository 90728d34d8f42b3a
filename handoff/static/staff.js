// Shared by the staff pages (the agent console and the knowledge-base editor), an ES module:
// a DOM builder that only ever sets text as text (never innerHTML), and the staff session
// (who is logged in, JSON requests with the CSRF header, the way to the login page).

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** Build an element: h("li", {class: "x", "data-id": i, onclick: f}, "text", child…). */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** A small label: badge("published", "ok") is <span class="badge ok">published</span>. */
export const badge = (text, kind) => h("span", { class: `badge ${kind || ""}`.trim(), text });

// ---- The session ------------------------------------------------------------------------------

let me = null; // {name, role, csrf} once whoAmI() answered

/** The login page, which comes back to this page after. */
function goToLogin() {
  location.assign(`/login?next=${location.pathname}`);
}

/** A refused or failed request: status (0 when the server cannot be reached) and its data. */
class ApiError extends Error {
  constructor(status, data, fallback) {
    super(describe(data && data.detail) || fallback);
    this.status = status;
    this.data = data || {};
  }
}

/** FastAPI's {detail: "…"} or {detail: [{loc, msg}, …]} as one line. */
function describe(detail) {
  if (typeof detail === "string") return detail;
  if (!Array.isArray(detail)) return "";
  const where = (loc) => (loc || []).filter((part) => part !== "body").join(" › ") || "Request";
  return detail.map((d) => `${where(d.loc)}: ${d.msg}`).join("; ");
}

/** fetch() as JSON, with the session cookie and, for changes, the CSRF header. 401 sends the
 * browser to the login page. Errors throw ApiError. */
export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (method !== "GET" && me) headers["X-CSRF-Token"] = me.csrf;
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, null, "The server cannot be reached. Check your connection and try again.");
  }
  if (response.status === 401) {
    goToLogin();
    throw new ApiError(401, null, "Your session has ended. Taking you to the login page…");
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data, `The server answered ${response.status}.`);
  return data;
}

/** The logged-in staff member ({name, role, csrf}), or null on the way to the login page. */
export async function whoAmI() {
  try {
    me = await api("GET", "/auth/me");
  } catch (error) {
    if (error.status === 401) return null;
    throw error;
  }
  return me;
}

/** Log out (everywhere: every session of this account, on every device), then the login page
 * (whatever the server answered: leaving is what was asked). */
export async function logOut({ everywhere = false } = {}) {
  await api("POST", everywhere ? "/auth/logout-everywhere" : "/auth/logout").catch(() => {});
  goToLogin();
}

/** Open a page of these roles (its elements #boot, #user, #logout, #refused and #main): the
 * member's name and Log out shown, then #main, or #refused for another role. The member, or
 * null when refused or on the way to the login page. */
export async function openRolePage(roles) {
  const member = await whoAmI();
  if (!member) return null;
  $("boot").hidden = true;
  $("user").textContent = member.name;
  $("logout").addEventListener("click", () => logOut());
  if (!roles.includes(member.role)) {
    $("refused").hidden = false;
    return null;
  }
  $("main").hidden = false;
  return member;
}
