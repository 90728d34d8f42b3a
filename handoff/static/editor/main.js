// Baton knowledge-base editor: list, edit, preview, publish, history, the other language,
// "Try a question", the unanswered questions and the knowledge gaps. This module starts the page; each feature
// is a module beside it, and staff.js holds what the staff pages share.
//
// The page runs under a strict CSP (script-src 'self', style-src 'self'), so: no inline script
// or style, no element.style, visibility via `hidden` and classes. Text from the server or the
// user always goes in with textContent / createElement. The single exception is the sanitised
// HTML the server returns in `html` fields: see insertSanitisedHtml() in common.js.
import { $, logOut, whoAmI } from "/static/staff.js";
import { openFromAddress, wireArticle } from "./article.js";
import { refreshTimes } from "./common.js";
import { confirmDialog, wireDialogs } from "./dialogs.js";
import { isDirty, wireForm } from "./form.js";
import { loadGaps } from "./gaps.js";
import { wireHistory } from "./history.js";
import { loadList, wireList } from "./list.js";
import { wireOther } from "./other.js";
import { state, ui } from "./page.js";
import { wirePreview } from "./preview.js";
import { wireTry } from "./try.js";
import { loadUnanswered } from "./unanswered.js";

async function startSession() {
  let me;
  try {
    me = await whoAmI();
  } catch (error) {
    ui.boot.textContent = `${error.message} Reload the page to try again.`;
    ui.boot.classList.add("error");
    return;
  }
  if (!me) return; // on the way to the login page
  ui.boot.hidden = true;
  ui.topbar.hidden = false;
  ui.user.textContent = `${me.name} · ${me.role}`;

  if (me.role !== "editor" && me.role !== "admin") {
    // Agents chat with customers; the knowledge base is for editors and admins.
    ui.tryForm.hidden = true;
    $("gate-name").textContent = me.name;
    $("gate-role").textContent = me.role;
    ui.gate.hidden = false;
    return;
  }
  ui.layout.hidden = false;
  await loadList();
  loadUnanswered();
  loadGaps();
  openFromAddress();
}

async function logout(everywhere) {
  if (isDirty() && !(await confirmDialog({
    title: "Log out with unsaved changes?",
    text: "Your changes to this article are not saved and will be lost.",
    ok: "Log out anyway",
    danger: true,
  }))) return;
  state.leaving = true;
  logOut({ everywhere });
}

function onBeforeUnload(event) {
  if (state.leaving || !isDirty()) return;
  event.preventDefault();
  event.returnValue = ""; // older browsers need this to show their prompt
}

wireList();
wireForm();
wirePreview();
wireArticle();
wireDialogs();
wireOther();
wireHistory();
wireTry();
ui.logout.addEventListener("click", () => logout(false));
ui.logoutEverywhere.addEventListener("click", () => logout(true));
window.addEventListener("beforeunload", onBeforeUnload);
setInterval(refreshTimes, 60_000);
startSession();
