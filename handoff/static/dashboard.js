// The supervisors' dashboard: figures for a day or a week, filtered by channel, language and
// intent, as tiles, charts (uPlot, vendored) and tables with a CSV export each. Text from the
// figures is only ever set as text (staff.js's h()); charts draw on a canvas.
import { $, api, h, openRolePage } from "/static/staff.js";

const ROLES = ["supervisor", "admin"];
const DIMENSIONS = ["channel", "language", "intent"];
const charts = [];
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

/** Only supervisors and admins see the figures; others are told why not. */
async function start() {
  if (!(await openRolePage(ROLES))) return;
  $("day").value = new Date().toISOString().slice(0, 10);
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  await show();
}

/** The query of the period and filters chosen. */
function query() {
  const params = new URLSearchParams({ period: $("period").value, day: $("day").value });
  for (const name of DIMENSIONS) if ($(name).value) params.set(name, $(name).value);
  return params.toString();
}

/** Read the figures and show them. */
async function show() {
  $("error").hidden = true;
  const asked = query();
  let data;
  try {
    data = await api("GET", `/api/dashboard?${asked}`);
  } catch (error) {
    $("error").textContent = error.message;
    $("error").hidden = false;
    return;
  }
  for (const name of DIMENSIONS) fillChoices($(name), data.options[name]);
  const days = data.days;
  $("status").textContent =
    days.length === 1 ? `Figures of ${days[0]} (UTC).` : `Figures of ${days[0]} to ${days[days.length - 1]} (UTC).`;
  showTiles(data.tables.summary);
  showCharts(data.tables);
  showTables(data.tables, asked);
}

/** A filter's choices: any, then every value seen in the period (the choice kept). */
function fillChoices(select, values) {
  const chosen = select.value;
  const choices = [...new Set([...values, ...(chosen ? [chosen] : [])])].sort();
  select.replaceChildren(h("option", { value: "", text: "Any" }), ...choices.map((v) => h("option", { value: v, text: v })));
  select.value = chosen;
}

/** A figure as people read it: "–" for none. */
const shown = (value) => (value === null || value === undefined ? "–" : String(value));

function showTiles(summary) {
  $("tiles").replaceChildren(
    ...summary.rows.map(([measure, value]) =>
      h("div", { class: "tile", "data-measure": measure }, h("span", { class: "value", text: shown(value) }), h("span", { class: "label", text: measure })),
    ),
  );
}

/** Bars (or a line) of series over x, in a chart as wide as its box. */
function chart(target, xName, labels, series) {
  const box = $(target);
  box.replaceChildren();
  const bars = uPlot.paths.bars({ size: [0.6, 60] });
  const options = {
    width: Math.max(300, box.clientWidth - 8),
    height: 220,
    scales: { x: { time: false } },
    axes: [{ values: (_, ticks) => ticks.map((tick) => labels[tick] ?? "") }, { incrs: COUNT_STEPS }],
    series: [{ label: xName, value: (_, i) => (i === null ? "–" : labels[i] ?? "") }, ...series.map((s) => ({ label: s.label, stroke: s.color, fill: s.line ? undefined : `${s.color}99`, paths: s.line ? undefined : bars, points: { show: !!s.line } }))],
  };
  const data = [labels.map((_, i) => i), ...series.map((s) => s.values.map((v) => v ?? null))];
  charts.push(new uPlot(options, data, box));
}

function showCharts(tables) {
  while (charts.length) charts.pop().destroy();
  const daily = tables.daily.rows;
  chart("chart-daily", "Day", daily.map((r) => r[0].slice(5)), [
    { label: "Conversations", color: "#0b5f66", values: daily.map((r) => r[1]) },
    { label: "Contained", color: "#7fb7a4", values: daily.map((r) => r[2]) },
  ]);
  const hours = tables.hours.rows;
  chart("chart-hours", "Hour", hours.map((r) => r[0].slice(0, 2)), [
    { label: "Escalations", color: "#b3261e", values: hours.map((r) => r[1]) },
    { label: "Queue length", color: "#2563eb", values: hours.map((r) => r[2]), line: true },
  ]);
  const csat = tables.csat.rows;
  chart("chart-csat", "Score", csat.map((r) => String(r[0])), [{ label: "Ratings", color: "#7a5200", values: csat.map((r) => r[1]) }]);
}

function showTables(tables, asked) {
  $("tables").replaceChildren(
    ...Object.entries(tables).map(([name, table]) =>
      h(
        "section",
        { "data-testid": `table-${name}` },
        h("div", { class: "table-head" }, h("h2", { text: table.title }), h("a", { href: `/api/dashboard/${name}.csv?${asked}`, download: "", "data-testid": `csv-${name}`, text: "CSV" })),
        h(
          "table",
          {},
          h("thead", {}, h("tr", {}, ...table.columns.map((column) => h("th", { text: column })))),
          h("tbody", {}, ...table.rows.map((row) => h("tr", {}, ...row.map((cell) => h("td", { class: typeof cell === "number" ? "number" : "", text: shown(cell) }))))),
        ),
      ),
    ),
  );
}

start().catch((error) => {
  $("boot").hidden = true;
  $("error").textContent = error.message;
  $("error").hidden = false;
});
