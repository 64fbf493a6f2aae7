// Output value and reserves by mineral (产值与储量): the year's tables from
// GET /reporting/v1/output and GET /reporting/v1/reserves. A figure no mine reported reads
// "未报" (not reported), never 0.

import { formatNumber, t } from "./i18n.js";

/** A table's header row and body rows; each cell is [text, {num, value, missing}]. */
function fill(table, headers, rows, total) {
  const head = table.createTHead();
  head.replaceChildren();
  const headRow = head.insertRow();
  headers.forEach(([key, numeric]) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = t(key);
    if (numeric) th.className = "num";
    headRow.append(th);
  });
  for (const body of [...table.tBodies]) body.remove();
  const tbody = table.createTBody();
  if (!rows.length) {
    const td = tbody.insertRow().insertCell();
    td.colSpan = headers.length;
    td.className = "missing";
    td.textContent = t("none");
    return;
  }
  for (const row of total ? [...rows, total] : rows) {
    const tr = tbody.insertRow();
    if (row === total) tr.className = "total";
    tr.dataset.mineral = row.mineral;
    for (const cell of row.cells) {
      const td = tr.insertCell();
      td.textContent = cell.text;
      if (cell.num) td.className = "num";
      if (cell.missing) td.classList.add("missing");
      if (cell.key) td.dataset.key = cell.key;
      if (cell.num) td.dataset.value = cell.value ?? "";
    }
  }
}

/** A reported figure (or 未报 when the API gives null). */
function figure(key, value) {
  const missing = value === null || value === undefined;
  return { key, num: true, value, missing, text: missing ? t("notReported") : formatNumber(value) };
}

const count = (key, value) => ({ key, num: true, value, text: formatNumber(value) });

export function renderOutputValue(table, summary, output, year) {
  const minerals = output?.minerals ?? [];
  const total = output?.total_output_value_cny_10k ?? null;
  const baseline = output?.baseline;
  summary.dataset.total = total ?? "";
  summary.textContent = !output
    ? ""
    : total === null
      ? t("outputValueNone", { year })
      : t("outputValueSummary", {
          year,
          total: formatNumber(total),
          total100m: formatNumber(output.total_output_value_cny_100m),
        });
  if (output && baseline?.value_cny_100m !== null && baseline?.value_cny_100m !== undefined) {
    summary.textContent += t("outputValueBaseline", {
      baseYear: baseline.year,
      baseline: formatNumber(baseline.value_cny_100m),
      clause: baseline.clause ?? "",
    });
  }
  const rows = minerals.map((m) => ({
    mineral: m.mineral,
    cells: [
      { text: m.mineral },
      figure("ore", m.ore_mined_10kt),
      figure("value", m.output_value_cny_10k),
      count("without", m.mines_without_value),
    ],
  }));
  const totalRow = minerals.length
    ? {
        mineral: "",
        cells: [
          { text: t("total") },
          figure("ore", output.total_ore_mined_10kt),
          figure("value", total),
          count("without", output.mines_without_value),
        ],
      }
    : null;
  fill(
    table,
    [["colMineral", false], ["colOre", true], ["colValue10k", true], ["colWithoutValue", true]],
    rows,
    totalRow,
  );
}

export function renderReserves(table, reserves) {
  const minerals = reserves?.minerals ?? [];
  const recalculated = minerals.some((m) => m.recalculated_10kt !== null && Number(m.recalculated_10kt) !== 0);
  const headers = [
    ["colMineral", false],
    ["colHeld", true],
    ["colUsed", true],
    ["colNew", true],
    ...(recalculated ? [["colRecalculated", true]] : []),
    ["colNotReporting", true],
  ];
  const rows = minerals.map((m) => ({
    mineral: m.mineral,
    cells: [
      { text: m.mineral },
      figure("held", m.closing_10kt),
      figure("used", m.used_10kt),
      figure("new", m.new_proven_10kt),
      ...(recalculated ? [figure("recalculated", m.recalculated_10kt)] : []),
      count("notReporting", m.mines_not_reporting),
    ],
  }));
  fill(table, headers, rows, null);
}
