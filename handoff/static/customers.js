// The admins' page for customers' personal data: export as JSON, erase for good, and the audit
// trail of both. Text is only ever set as text (staff.js's h()).
import { $, api, h, openRolePage } from "/static/staff.js";

/** Export, erase and read the audit trail only for admins; others are told why not. */
async function start() {
  if (!(await openRolePage(["admin"]))) return;
  $("customer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run(exportData);
  });
  $("erase").addEventListener("click", () => run(erase));
  await showAudit();
}

/** The customer id typed, or null (with a message) if there is none. */
function customer() {
  const id = $("customer").value.trim();
  if (!id) showError("Type a customer id first.");
  return id || null;
}

/** Run an action with the buttons off; its error shows under the form. */
async function run(action) {
  const id = customer();
  if (!id) return;
  $("error").hidden = true;
  for (const button of [$("export"), $("erase")]) button.disabled = true;
  try {
    await action(id);
  } catch (error) {
    showError(error.message);
  } finally {
    for (const button of [$("export"), $("erase")]) button.disabled = false;
    await showAudit().catch(() => {});
  }
}

async function exportData(id) {
  const data = await api("POST", "/api/admin/customers/export", { customer: id });
  const text = JSON.stringify(data, null, 2);
  const link = $("download");
  if (link.href) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  link.download = `customer-${id.replace(/[^A-Za-z0-9_-]/g, "_")}.json`;
  link.hidden = false;
  $("exported").textContent = text;
  $("exported").hidden = false;
  $("status").textContent = `${data.conversations.length} conversation(s) of ${id} exported.`;
}

async function erase(id) {
  if (!confirm(`Erase every conversation of ${id}, for good? This cannot be undone.`)) return;
  const erased = await api("POST", "/api/admin/customers/erase", { customer: id });
  $("exported").hidden = true;
  $("download").hidden = true;
  $("status").textContent =
    `${id}: ${erased.conversations} conversation(s) erased, ` +
    `${erased.ratings_anonymised} rating(s) kept as anonymous scores.`;
}

async function showAudit() {
  const entries = await api("GET", "/api/admin/customers/audit");
  $("audit").replaceChildren(
    ...entries.map((entry) =>
      h(
        "tr",
        {},
        h("td", { text: new Date(Number(entry.at) * 1000).toLocaleString() }),
        h("td", { text: entry.action }),
        h("td", { text: entry.customer }),
        h("td", { text: entry.actor }),
        h("td", { text: entry.conversations }),
      ),
    ),
  );
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = false;
}

start().catch((error) => {
  $("boot").textContent = error.message;
});
