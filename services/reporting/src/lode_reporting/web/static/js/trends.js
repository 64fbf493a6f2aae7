// Trend charts (ECharts): the 2020 baseline and the figures of 2021–2025 against the target,
// from GET /reporting/v1/indicators/{id}/trend.

import { formatNumber, t } from "./i18n.js";
import { BASE_YEAR, displayName, num } from "./indicators.js";
import { resizeWith } from "./resize.js";

const charts = new Map(); // indicator id -> ECharts instance

/** year -> value: the baseline, then each year's figure (null where no event counts). */
export function pointsOf(trend) {
  const points = new Map([[BASE_YEAR, num(trend.baseline_2020)]]);
  for (const point of trend.years ?? []) {
    points.set(point.year, point.status === "no_data" ? null : num(point.actual));
  }
  return points;
}

function option(trend, points, selectedYear) {
  const years = [...points.keys()];
  const target = num(trend.target);
  const unit = trend.unit_zh ?? "";
  const ink = "#0f4c5c";
  return {
    animationDuration: 500,
    grid: { left: 8, right: 28, top: 30, bottom: 6, containLabel: true },
    tooltip: {
      trigger: "axis",
      valueFormatter: (v) => (v === null || v === undefined ? t("noActual") : `${formatNumber(v)} ${unit}`),
    },
    xAxis: {
      type: "category",
      data: years.map((y) => (y === BASE_YEAR ? `${y}*` : String(y))),
      axisTick: { alignWithLabel: true },
      axisLabel: { fontWeight: (v) => (v === String(selectedYear) ? "bold" : "normal") },
    },
    yAxis: {
      type: "value",
      name: unit,
      nameTextStyle: { align: "left" },
      max: (extent) => Math.ceil(Math.max(extent.max, target ?? extent.max) * 1.12),
      min: 0,
    },
    series: [
      {
        name: t("actual"),
        type: "line",
        data: years.map((y) => ({
          value: points.get(y),
          symbolSize: y === selectedYear ? 12 : 7,
          itemStyle: { color: y === BASE_YEAR ? "#7a8794" : ink },
        })),
        connectNulls: false,
        lineStyle: { width: 3, color: ink },
        label: { show: true, position: "top", formatter: (p) => formatNumber(p.value), fontSize: 11, color: "#1b2733" },
        markLine: target === null ? undefined : {
          symbol: "none",
          silent: true,
          lineStyle: { type: "dashed", color: "#c0262d", width: 2 },
          label: { formatter: `${t("target")} ${trend.target_text || formatNumber(target)}`, position: "insideEndTop", color: "#8f1d22" },
          data: [{ yAxis: target }],
        },
      },
    ],
  };
}

/** Draws (or updates in place) one chart per trend, in the given order. */
export function renderTrends(container, trends, selectedYear) {
  if (!window.echarts) return;
  const wanted = new Set(trends.map((trend) => trend.id));
  for (const [id, chart] of charts) {
    if (!wanted.has(id)) {
      chart.dispose();
      charts.delete(id);
      container.querySelector(`[data-indicator="${id}"]`)?.remove();
    }
  }
  container.querySelector(".empty")?.remove();
  if (!trends.length) {
    const empty = document.createElement("p");
    empty.className = "empty";
    empty.textContent = t("trendsEmpty");
    container.append(empty);
    return;
  }
  for (const trend of trends) {
    let box = container.querySelector(`[data-indicator="${trend.id}"]`);
    if (!box) {
      box = document.createElement("figure");
      box.className = "trend";
      box.dataset.indicator = trend.id;
      const caption = document.createElement("figcaption");
      caption.append(document.createElement("h3"));
      const chart = document.createElement("div");
      chart.className = "chart";
      chart.setAttribute("role", "img");
      box.append(caption, chart);
      container.append(box);
      charts.set(trend.id, window.echarts.init(chart, null, { renderer: "canvas" }));
      resizeWith(chart, charts.get(trend.id));
    }
    const name = displayName(trend);
    box.querySelector("h3").textContent = `${name}（${trend.unit_zh ?? ""}）`;
    const points = pointsOf(trend);
    box.querySelector(".chart").setAttribute(
      "aria-label",
      `${name}: ` + [...points].map(([y, v]) => `${y} ${formatNumber(v)}`).join(", "),
    );
    charts.get(trend.id).setOption(option(trend, points, selectedYear), { notMerge: true });
  }
}
