// The dashboard (看板): signs in, reads /reporting/v1, draws the cards, the trends, the map,
// the compliance list and the live feed, and keeps them current from the event stream.

import { ApiError, adoptFragmentToken, clearToken, getJson, getToken, setToken } from "./api.js";
import { renderCards } from "./cards.js";
import { renderCompliance } from "./compliance.js";
import { addEvent, relabelFeed } from "./feed.js";
import { applyStrings, formatNumber, formatTime, lang, onLangChange, setLang, t, tOr } from "./i18n.js";
import { displayName, isCharted } from "./indicators.js";
import { missingLayers, renderMap } from "./map.js";
import { showMissing } from "./notes.js";
import { renderOutputValue, renderReserves } from "./resources.js";
import { LiveStream } from "./sse.js";
import { renderTrends } from "./trends.js";

const $ = (id) => document.getElementById(id);
const body = document.body;
const PLAN_ID = body.dataset.planId;
const YEARS = body.dataset.years.split(",").map(Number);
const REFRESH_DEBOUNCE_MS = 400;
const PLAN_RETRY_MS = 3000; // while the plan has not reached reporting (its first seconds)

const state = {
  year: null,
  items: [], // the indicators of the selected year
  standing: null, // where the plan stands (GET /reporting/v1/indicators: standing)
  conflicts: null, // the year's conflicts with the plan (GET /reporting/v1/conflicts)
  grants: null, // the year's competitive grants (GET /reporting/v1/grants)
  supervision: null, // the year's supervision (GET /reporting/v1/supervision)
  trends: [], // the charted indicators' trends
  asOf: null,
  asOfPosition: null, // the reporting journal's position the figures were read at
  map: null,
  compliance: null,
  output: null, // the year's output by mineral: none means no mine has reported the year
  reserves: null, // the year's reserves by mineral
  planTitle: { zh: body.dataset.planTitleZh, en: body.dataset.planTitleEn },
};
let stream = null;
let refreshTimer = null;
let mapTimer = null;
let planTimer = null;

/** Reporting has not received the plan yet (a first start, seconds after zoning loads it). */
const planMissing = (error) =>
  error instanceof ApiError && error.status === 404 && error.message.startsWith("plan_id:");

// --- sign-in ------------------------------------------------------------------------------
function askForToken(message) {
  stream?.stop();
  clearTimeout(planTimer);
  $("signin-message").textContent = message;
  $("sign-out").hidden = true;
  const dialog = $("signin");
  if (!dialog.open) dialog.showModal();
  $("token").focus();
}

$("signin-form").addEventListener("submit", (event) => {
  const value = $("token").value.trim();
  if (!value) {
    event.preventDefault();
    return;
  }
  setToken(value);
  $("token").value = "";
  start();
});
$("signin").addEventListener("cancel", (event) => {
  if (!getToken()) event.preventDefault(); // nothing to show without a token
});
$("sign-out").addEventListener("click", () => {
  clearToken();
  askForToken(t("needToken"));
});

function failed(error) {
  if (error instanceof ApiError && error.status === 401) {
    clearToken();
    askForToken(getToken() === null && error.message === "no token" ? t("needToken") : t("badToken"));
  } else if (error instanceof ApiError && error.status === 403) {
    clearToken();
    askForToken(t("forbidden"));
  } else {
    banner(t("loadFailed", { detail: error.message }), "error");
  }
}

function banner(text, kind = "info") {
  const el = $("banner");
  el.textContent = text;
  el.dataset.kind = kind;
  el.hidden = !text;
}

// --- data ---------------------------------------------------------------------------------
async function fetchIndicators(year) {
  return getJson("/reporting/v1/indicators", { plan_id: PLAN_ID, year });
}

function take(answer) {
  state.items = answer.items;
  state.asOf = answer.as_of;
  state.asOfPosition = answer.as_of_position;
  state.standing = answer.standing;
  showStanding();
}

/** Where the plan stands (规划期已结束…在被新规划替代前继续执行), said when it is not simply
 * within its period; the year's conflicts with the plan (与规划冲突); the year's
 * competitive grants (矿业权出让); and the year's supervision (监督检查). */
function showStanding() {
  const standing = state.standing;
  const note = document.getElementById("plan-standing");
  if (note) {
    const shown = standing && standing.standing !== "in_force";
    note.hidden = !shown;
    note.dataset.standing = standing ? standing.standing : "";
    note.textContent = shown ? (lang() === "en" ? standing.message_en : standing.message_zh) : "";
  }
  const conflicts = document.getElementById("plan-conflicts");
  if (conflicts) {
    const year = state.conflicts;
    conflicts.hidden = !year;
    conflicts.dataset.year = year ? String(year.year) : "";
    conflicts.textContent = !year
      ? ""
      : t("conflictsLine", {
          year: year.year,
          detected: year.detected,
          resolved: year.resolved,
          open: year.open_at_year_end,
        });
  }
  const grants = document.getElementById("plan-grants");
  if (grants) {
    const year = state.grants;
    grants.hidden = !year;
    grants.dataset.year = year ? String(year.year) : "";
    grants.dataset.count = year ? String(year.summary.announced) : "";
    grants.textContent = !year
      ? ""
      : year.summary.announced === 0
        ? t("grantsNone", { year: year.year })
        : t("grantsLine", {
            year: year.year,
            announced: year.summary.announced,
            concluded: year.summary.concluded,
            total: formatNumber(year.summary.price_total_cny_10k),
            failed: year.summary.failed,
          });
  }
  const supervised = document.getElementById("plan-supervision");
  if (supervised) {
    const year = state.supervision;
    supervised.hidden = !year;
    supervised.dataset.year = year ? String(year.year) : "";
    supervised.dataset.orders = year ? String(year.orders.issued) : "";
    const quiet =
      year &&
      year.draws.count === 0 &&
      year.inspections.count === 0 &&
      year.orders.issued === 0 &&
      year.lists.items.length === 0;
    const onList = (name) => year.lists.by_list.find((l) => l.list === name)?.on_list ?? 0;
    supervised.textContent = !year
      ? ""
      : quiet
        ? t("supervisionNone", { year: year.year })
        : t("supervisionLine", {
            year: year.year,
            drawn: year.draws.drawn,
            inspected: year.inspections.enterprises,
            problems: year.inspections.enterprises_non_compliant,
            issued: year.orders.issued,
            done: year.orders.done,
            overdue: year.orders.overdue,
            abnormal: onList("abnormal"),
          });
  }
}

async function loadIndicators() {
  take(await fetchIndicators(state.year));
}

async function loadOutput() {
  const params = { plan_id: PLAN_ID, year: state.year };
  [state.output, state.reserves] = await Promise.all([
    getJson("/reporting/v1/output", params),
    getJson("/reporting/v1/reserves", params),
  ]);
}

/** The default year: the latest of those with the most figures (a year whose reports have
 * not come in yet shows fewer: cumulative indicators carry over, annual ones do not). */
async function loadLatestYearWithData() {
  const answers = await Promise.all(YEARS.map((year) => fetchIndicators(year)));
  const counts = answers.map((a) => a.items.filter((item) => item.status !== "no_data").length);
  const best = Math.max(...counts);
  const index = counts.lastIndexOf(best);
  state.year = YEARS[index];
  take(answers[index]);
}

async function loadTrends() {
  const ids = state.items.filter(isCharted).map((item) => item.id);
  state.trends = await Promise.all(
    ids.map((id) => getJson(`/reporting/v1/indicators/${encodeURIComponent(id)}/trend`, { plan_id: PLAN_ID })),
  );
}

async function loadCompliance() {
  [state.compliance, state.conflicts, state.grants, state.supervision] = await Promise.all([
    getJson("/reporting/v1/compliance", { year: state.year }),
    getJson("/reporting/v1/conflicts", { plan_id: PLAN_ID, year: state.year }).catch(() => null),
    getJson("/reporting/v1/grants", { plan_id: PLAN_ID, year: state.year }).catch(() => null),
    getJson("/reporting/v1/supervision", { plan_id: PLAN_ID, year: state.year }).catch(() => null),
  ]);
  showStanding();
}

async function loadMap() {
  state.map = await getJson("/reporting/v1/map");
}

/** The plan's title as zoning publishes it (the page's own stands if zoning is away). */
async function loadPlanTitle() {
  try {
    const plans = await getJson("/zoning/v1/plans");
    const plan = plans.items.find((p) => p.plan_id === PLAN_ID);
    if (plan?.title_zh) state.planTitle = { ...state.planTitle, zh: plan.title_zh };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw error;
  }
}

// --- drawing ------------------------------------------------------------------------------
function drawHeader() {
  const title = lang() === "en" ? state.planTitle.en : state.planTitle.zh;
  $("plan-title").textContent = title;
  document.title = `${title} · ${t("subtitle")} — Lode`;
  $("as-of").textContent = state.asOf ? t("asOf", { time: formatTime(state.asOf) }) : "";
  $("as-of").dataset.asOf = state.asOf ?? "";
  $("as-of").dataset.position = String(state.asOfPosition ?? "");
}

/** Runs one panel's drawing; a failure there is shown (and logged) without stopping the
 * other panels or the live feed. */
function safely(panel, draw) {
  try {
    draw();
  } catch (error) {
    console.error(`dashboard panel ${panel}:`, error);
    banner(t("drawFailed", { panel: t(panel), detail: error.message }), "error");
  }
}

function drawIndicators() {
  safely("indicatorsTitle", () => {
    $("cards").dataset.year = String(state.year);
    renderCards($("cards"), state.items, openSources);
    const reported = (state.output?.minerals ?? []).length > 0;
    showMissing($("cards-empty"), state.output && !reported ? ["reports"] : [], { year: state.year });
  });
  safely("trendsTitle", () => renderTrends($("trend-charts"), state.trends, state.year));
}

function drawResources() {
  if (!state.output) return;
  safely("resourcesTitle", () => {
    $("resources-panel").dataset.year = String(state.year);
    renderOutputValue($("output-value"), $("output-value-summary"), state.output, state.year);
    renderReserves($("reserves"), state.reserves);
    // the journal positions the two answers were read at: a test waits for the API's
    $("resources-panel").dataset.position = `${state.output.as_of_position}/${state.reserves?.as_of_position}`;
  });
}

function drawCompliance() {
  if (!state.compliance) return;
  safely("complianceTitle", () =>
    renderCompliance($("compliance"), $("compliance-summary"), state.compliance, state.year),
  );
}

function drawMap() {
  $("map-note").textContent = t("mapNote");
  if (!state.map) return;
  safely("mapTitle", () => {
    showMissing($("map-empty"), missingLayers(state.map));
    renderMap($("map"), $("map-legend"), $("map-summary"), state.map);
  });
}

function drawAll() {
  safely("subtitle", drawHeader);
  drawIndicators();
  drawResources();
  drawCompliance();
  drawMap();
}

// --- sources of a figure ------------------------------------------------------------------
async function openSources(id) {
  const item = state.items.find((i) => i.id === id);
  const name = item ? displayName(item) : id;
  const dialog = $("sources");
  $("sources-title").textContent = t("sourcesTitle", { name, year: state.year });
  $("sources-summary").textContent = "";
  $("sources-list").replaceChildren();
  dialog.showModal();
  try {
    const answer = await getJson(`/reporting/v1/indicators/${encodeURIComponent(id)}/sources`, {
      plan_id: PLAN_ID,
      year: state.year,
    });
    const rows = answer.items;
    $("sources-summary").textContent = rows.length ? t("sourcesSummary", { count: rows.length }) : t("sourcesNone");
    if (!rows.length) return;
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const key of ["colTime", "colEvent", "colLicence", "colValue", "colId"]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = t(key);
      head.append(th);
    }
    const tbody = table.createTBody();
    for (const row of rows) {
      const tr = tbody.insertRow();
      const cells = [
        formatTime(row.time),
        tOr(`event.${row.type}`, row.type),
        row.licence_no ?? "",
        row.contribution ?? "",
        row.event_id,
      ];
      cells.forEach((value, i) => {
        const td = tr.insertCell();
        if (i === 3) {
          td.className = "num";
          td.textContent = value === "" ? "" : `${formatNumber(value)} ${answer.unit_zh}`;
        } else if (i === 4) {
          const code = document.createElement("code");
          code.textContent = value;
          td.append(code);
        } else {
          td.textContent = value;
          if (i === 1) td.title = row.note;
        }
      });
    }
    $("sources-list").replaceChildren(table);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      dialog.close();
      failed(error);
    } else {
      $("sources-summary").textContent = t("loadFailed", { detail: error.message });
    }
  }
}

// --- live updates -------------------------------------------------------------------------
function onStreamEvent(sse) {
  const entry = addEvent($("feed"), $("feed-empty"), sse);
  if (!entry) return;
  const type = entry.type ?? "";
  if (/^lode\.(monitoring|licensing\.(licence|grant)|zoning)\./.test(type)) scheduleRefresh();
  if (/^lode\.(licensing\.licence|zoning\.(zone|plan))\./.test(type)) scheduleMap();
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    try {
      await Promise.all([loadIndicators().then(loadTrends), loadCompliance(), loadOutput()]);
      drawHeader();
      drawIndicators();
      drawResources();
      drawCompliance();
    } catch (error) {
      failed(error);
    }
  }, REFRESH_DEBOUNCE_MS);
}

function scheduleMap() {
  clearTimeout(mapTimer);
  mapTimer = setTimeout(async () => {
    try {
      await loadMap();
      drawMap();
    } catch (error) {
      failed(error);
    }
  }, REFRESH_DEBOUNCE_MS);
}

let connection = { state: "idle", info: {} };

function drawConnection() {
  const el = $("connection");
  el.dataset.state = connection.state;
  const { seconds = "", detail = "" } = connection.info;
  el.querySelector(".label").textContent = t(`conn.${connection.state}`, { seconds, detail });
  el.title = detail;
}

function onStreamState(next, info = {}) {
  connection = { state: next, info };
  drawConnection();
  if (next === "open") scheduleRefresh(); // catch up on whatever happened while away
  if (next === "unauthorized") failed(new ApiError(info.status ?? 401, "stream"));
}

// --- start --------------------------------------------------------------------------------
async function start() {
  banner("");
  try {
    if (state.year === null) {
      await loadLatestYearWithData();
      $("year").value = String(state.year);
    } else {
      await loadIndicators();
    }
    await Promise.all([loadTrends(), loadCompliance(), loadOutput(), loadMap(), loadPlanTitle()]);
  } catch (error) {
    if (planMissing(error)) {
      showMissing($("cards-empty"), ["plan"], { plan: PLAN_ID });
      $("sign-out").hidden = false;
      clearTimeout(planTimer);
      planTimer = setTimeout(start, PLAN_RETRY_MS);
      return;
    }
    failed(error);
    return;
  }
  $("sign-out").hidden = false;
  drawAll();
  body.dataset.ready = "true";
  stream?.stop();
  stream = new LiveStream("/reporting/v1/stream", { onEvent: onStreamEvent, onState: onStreamState });
  stream.start();
}

$("year").addEventListener("change", async (event) => {
  state.year = Number(event.target.value);
  try {
    await Promise.all([loadIndicators(), loadCompliance(), loadOutput()]);
    drawHeader();
    drawIndicators();
    drawResources();
    drawCompliance();
  } catch (error) {
    failed(error);
  }
});

for (const button of document.querySelectorAll("[data-lang]")) {
  button.addEventListener("click", () => setLang(button.dataset.lang));
}
onLangChange(() => {
  drawAll();
  showStanding();
  relabelFeed($("feed"));
  drawConnection();
});

adoptFragmentToken();
applyStrings();
drawConnection();
if (getToken()) start();
else askForToken(t("needToken"));
